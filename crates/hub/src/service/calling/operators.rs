//! MOB-1 … MOB-3: mobile-operator numbers, for the API, the console and the operators' own API.
//!
//! A hub Administrator adds each mobile operator and hands it its token (shown once, rotatable).
//! A location's administrator asks an operator to authorise the organisation's operator account
//! (the ID typed twice; it never changes afterwards); the request is Pending for up to 48 hours,
//! then Failed by itself, and the operator answers through its API. Once authorised, the location
//! adds up to 20 of the operator's numbers per request, each checked with its reason — or opens a
//! support case instead. Giving such a number to a person as primary number brings their mobile
//! device with it (the store does that with the number).

use crate::auth::{Caller, OperatorCaller};
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::mobile_operator::{check_account_id, check_numbers, Decision};
use patchbay_domain::validation::Errors;
use patchbay_domain::{FieldError, LocationId, Rule};
use patchbay_store::calling::locations::Location;
use patchbay_store::calling::mobile_operators::{MobileOperator, OperatorAccount};

/// An operator's token: `pbmo_` and 256 random bits (only its hash is kept).
fn new_token() -> (String, String) {
    let token = format!("pbmo_{}", patchbay_store::crypto::random_token());
    let hash = patchbay_store::crypto::token_hash(&token);
    (token, hash)
}

/// A new mobile operator and its first token (the caller is a hub Administrator).
pub async fn create_operator(
    state: &AppState,
    caller: &Caller,
    name: &str,
) -> Result<(MobileOperator, String), AppError> {
    let name = name.trim();
    let mut errs = Errors::default();
    if name.is_empty() {
        errs.push("name", Rule::Required);
    } else if name.chars().count() > 80 {
        errs.push("name", Rule::MaxLength { max: 80 });
    } else {
        errs.chars("name", name);
    }
    if !errs.is_empty() {
        return Err(AppError::Validation(errs.0));
    }
    let (token, hash) = new_token();
    let op = state
        .store
        .create_mobile_operator(&caller.meta(), name, &hash)
        .await?;
    Ok((op, token))
}

/// A new token for operator `id`; the old one stops working.
pub async fn rotate_token(
    state: &AppState,
    caller: &Caller,
    id: uuid::Uuid,
) -> Result<String, AppError> {
    let (token, hash) = new_token();
    state
        .store
        .rotate_operator_token(&caller.meta(), id, &hash)
        .await?;
    Ok(token)
}

/// MOB-1: ask `operator` to authorise the location's account (the caller may see the
/// location). The ID is typed twice; it cannot change afterwards.
pub async fn request_account(
    state: &AppState,
    caller: &Caller,
    location: &Location,
    operator: Option<uuid::Uuid>,
    account_id: &str,
    confirm: &str,
) -> Result<OperatorAccount, AppError> {
    let mut errs = Errors::default();
    if operator.is_none() {
        errs.push("operatorId", Rule::Required);
    }
    let id = match check_account_id(account_id, confirm) {
        Ok(id) => Some(id),
        Err(e) => {
            errs.0.extend(e.0);
            None
        }
    };
    let (Some(operator), Some(id), true) = (operator, id, errs.is_empty()) else {
        return Err(AppError::Validation(errs.0));
    };
    Ok(state
        .store
        .request_operator_account(
            &caller.meta(),
            location.customer_id,
            location.id,
            operator,
            &id,
        )
        .await?)
}

/// MOB-2: add the operator's mobile numbers to the location (up to 20, as typed: comma
/// separated, or a list). Every number at fault is reported with its reason — under the number
/// itself — and then none is added.
pub async fn add_numbers(
    state: &AppState,
    caller: &Caller,
    location: &Location,
    typed: &[String],
) -> Result<Vec<String>, AppError> {
    let country = location.fields.address.country.as_str();
    let checked = check_numbers(typed, country).map_err(|r| AppError::field("phoneNumbers", r))?;
    let good: Vec<String> = checked
        .iter()
        .filter_map(|c| c.number.as_ref().ok().cloned())
        .collect();
    let taken = state.store.existing_numbers(&good).await?;
    let mut errs: Vec<FieldError> = Vec::new();
    for c in &checked {
        let why = match &c.number {
            Err(rule) => Some(rule.clone()),
            Ok(n) if taken.contains(n) => Some(Rule::Taken),
            Ok(_) => None,
        };
        if let Some(rule) = why {
            errs.push(FieldError::new(c.typed.clone(), number_problem(&rule)));
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    state
        .store
        .add_operator_numbers(&caller.meta(), location.id, &good)
        .await?;
    Ok(good)
}

/// A number's problem as a content rule: the number is where, the code says what.
fn number_problem(rule: &Rule) -> Rule {
    let (code, value) = match rule {
        Rule::NotMobileNumber { country } => ("mob-not-mobile", country.clone()),
        Rule::Taken => ("mob-taken", String::new()),
        _ => ("mob-invalid", String::new()),
    };
    Rule::Content {
        code: code.into(),
        value,
    }
}

/// MOB-2: "open a support case" instead of typing the numbers.
pub async fn open_support_case(
    state: &AppState,
    caller: &Caller,
    location: &Location,
    details: &str,
) -> Result<uuid::Uuid, AppError> {
    let details = details.trim();
    let mut errs = Errors::default();
    if details.is_empty() {
        errs.push("details", Rule::Required);
    } else if details.chars().count() > 2000 {
        errs.push("details", Rule::MaxLength { max: 2000 });
    } else {
        errs.multiline("details", details);
    }
    if !errs.is_empty() {
        return Err(AppError::Validation(errs.0));
    }
    Ok(state
        .store
        .create_support_case(
            &caller.meta(),
            location.customer_id,
            Some(location.id),
            "mobile-numbers",
            details,
        )
        .await?)
}

/// MOB-1: the operator's answer to one of its requests.
pub async fn decide(
    state: &AppState,
    operator: &OperatorCaller,
    id: uuid::Uuid,
    decision: Decision,
) -> Result<OperatorAccount, AppError> {
    Ok(state
        .store
        .decide_operator_account(&operator.meta(), operator.operator.id, id, decision)
        .await?)
}

/// The location's operator account, if any.
pub async fn account_of(
    state: &AppState,
    location: LocationId,
) -> Result<Option<OperatorAccount>, AppError> {
    Ok(state.store.location_operator_account(location).await?)
}
