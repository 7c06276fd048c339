//! Mobile-operator numbers in the console (MOB-1 … MOB-2): the location page's section (the
//! operator account and its authorisation, what to do next), the request in two steps (the ID
//! typed twice, then confirmed — it never changes afterwards), adding up to 20 numbers with each
//! one at fault shown with its reason, and a support case instead. The rules are the service's.

use super::{messages, render, Ctx, Found, Org, LOCATIONS};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::console::forms::{FieldMessages, FormMap};
use crate::service::calling::operators as svc;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::mobile_operator::{AuthStatus, MAX_NUMBERS, PENDING_HOURS};
use patchbay_domain::{Capability, Rule};
use patchbay_store::calling::locations::Location;

/// The location page's section.
pub struct MobileSection {
    /// The hub has mobile operators to ask.
    pub has_operators: bool,
    pub account: Option<AccountView>,
    pub request_link: String,
    pub numbers_link: String,
    pub case_link: String,
    /// The location's support cases: (date, ISO date, details, status text).
    pub cases: Vec<(String, String, String, String)>,
}

pub struct AccountView {
    pub operator: String,
    pub account_id: String,
    pub status: &'static str,
    pub status_text: String,
    pub explanation: String,
}

fn status_text(ctx: &Ctx, s: AuthStatus) -> String {
    ctx.t(&format!("mob-status-{}", s.as_str()))
}

/// The section of `l`'s page.
pub async fn section(
    state: &AppState,
    ctx: &Ctx,
    org: &Org,
    l: &Location,
) -> Result<MobileSection, AppError> {
    let now = jiff::Timestamp::now();
    let account = svc::account_of(state, l.id).await?.map(|a| {
        let status = a.status(now);
        let until = ctx.datetime(a.requested_at + jiff::SignedDuration::from_hours(PENDING_HOURS));
        AccountView {
            explanation: match status {
                AuthStatus::Pending => ctx.t1("mob-explain-pending", "date", &until),
                AuthStatus::Failed => ctx.t("mob-explain-failed"),
                AuthStatus::Authorized => ctx.t("mob-explain-authorized"),
            },
            status: status.as_str(),
            status_text: status_text(ctx, status),
            operator: a.operator_name,
            account_id: a.account_id,
        }
    });
    let cases = state
        .store
        .support_cases(l.customer_id)
        .await?
        .into_iter()
        .filter(|c| c.location_name.as_deref() == Some(l.fields.name.as_str()))
        .map(|c| {
            (
                ctx.datetime(c.created_at),
                c.created_at.to_string(),
                c.details,
                ctx.t(&format!("mob-case-status-{}", c.status)),
            )
        })
        .collect();
    Ok(MobileSection {
        has_operators: !state.store.mobile_operators().await?.is_empty(),
        account,
        request_link: org.link(&format!("{LOCATIONS}/{}/operator", l.id)),
        numbers_link: org.link(&format!("{LOCATIONS}/{}/mobile-numbers", l.id)),
        case_link: org.link(&format!("{LOCATIONS}/{}/support-case", l.id)),
        cases,
    })
}

fn back(org: &Org, l: &Location, done: &str) -> Response {
    let path = if done.is_empty() {
        format!("{LOCATIONS}/{}", l.id)
    } else {
        format!("{LOCATIONS}/{}?done={done}", l.id)
    };
    Redirect::to(&org.link(&path)).into_response()
}

fn status_of(errors: &FieldMessages) -> StatusCode {
    if errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

// ---------------------------------------------------------------------------------------------
// MOB-1: the request, in two steps

#[derive(Template)]
#[template(path = "calling_operator_request.html")]
struct RequestPage {
    ctx: Ctx,
    org: Org,
    location: String,
    back: String,
    action: String,
    /// (id, name)
    operators: Vec<(String, String)>,
    operator: String,
    operator_name: String,
    account_id: String,
    confirm_id: String,
    /// The second step: the ID is shown to confirm.
    confirming: bool,
    errors: FieldMessages,
}

impl RequestPage {
    fn operator_is(&self, id: &str) -> bool {
        self.operator == id
    }
}

async fn request_page(
    state: &AppState,
    ctx: Ctx,
    org: Org,
    l: &Location,
    values: (String, String, String),
    confirming: bool,
    errors: FieldMessages,
) -> Result<Response, AppError> {
    let operators: Vec<(String, String)> = state
        .store
        .mobile_operators()
        .await?
        .into_iter()
        .map(|o| (o.id.to_string(), o.name))
        .collect();
    let operator_name = operators
        .iter()
        .find(|(id, _)| *id == values.0)
        .map(|(_, n)| n.clone())
        .unwrap_or_default();
    let status = status_of(&errors);
    let mut r = render(&RequestPage {
        location: l.fields.name.clone(),
        back: org.link(&format!("{LOCATIONS}/{}", l.id)),
        action: org.link(&format!("{LOCATIONS}/{}/operator", l.id)),
        operators,
        operator: values.0,
        operator_name,
        account_id: values.1,
        confirm_id: values.2,
        confirming,
        errors,
        ctx,
        org,
    });
    *r.status_mut() = status;
    Ok(r)
}

async fn request_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Found(l, org): Found<Location>,
) -> Result<Response, AppError> {
    if svc::account_of(&state, l.id).await?.is_some() {
        // The account is set once: there is nothing to request again.
        return Ok(back(&org, &l, ""));
    }
    request_page(
        &state,
        ctx,
        org,
        &l,
        Default::default(),
        false,
        FieldMessages::default(),
    )
    .await
}

async fn request(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Found(l, org): Found<Location>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = FormMap::parse(&body);
    let values = (
        f.text("operatorId"),
        f.text("operatorAccountId"),
        f.text("confirmOperatorAccountId"),
    );
    let operator = match values.0.trim() {
        "" => None,
        raw => Some(
            uuid::Uuid::parse_str(raw).map_err(|_| AppError::field("operatorId", Rule::Invalid)),
        ),
    }
    .transpose();
    // Step one ("Next"): the same checks, nothing stored; the confirmation step follows.
    if !f.checked("confirmed") {
        let checked = patchbay_domain::mobile_operator::check_account_id(&values.1, &values.2);
        let mut errs = checked.err().map(|e| e.0).unwrap_or_default();
        if matches!(operator, Ok(None) | Err(_)) {
            errs.push(patchbay_domain::FieldError::new(
                "operatorId",
                Rule::Required,
            ));
        }
        let errors = if errs.is_empty() {
            FieldMessages::default()
        } else {
            messages(&ctx, &AppError::Validation(errs))
        };
        let confirming = !errors.any();
        return request_page(&state, ctx, org, &l, values, confirming, errors).await;
    }
    let made = match operator {
        Ok(op) => svc::request_account(&state, &caller, &l, op, &values.1, &values.2).await,
        Err(e) => Err(e),
    };
    match made {
        Ok(_) => Ok(back(&org, &l, "operator")),
        Err(e @ AppError::Validation(_)) => {
            let errors = messages(&ctx, &e);
            request_page(&state, ctx, org, &l, values, false, errors).await
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// MOB-2: numbers, or a support case

#[derive(Template)]
#[template(path = "calling_mobile_numbers.html")]
struct NumbersPage {
    ctx: Ctx,
    org: Org,
    location: String,
    back: String,
    action: String,
    case_link: String,
    typed: String,
    max: usize,
    /// Each number at fault and why.
    problems: Vec<(String, String)>,
    errors: FieldMessages,
}

async fn numbers_page(
    ctx: Ctx,
    org: Org,
    l: &Location,
    typed: String,
    problems: Vec<(String, String)>,
    errors: FieldMessages,
) -> Response {
    let status = if problems.is_empty() && !errors.any() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut r = render(&NumbersPage {
        location: l.fields.name.clone(),
        back: org.link(&format!("{LOCATIONS}/{}", l.id)),
        action: org.link(&format!("{LOCATIONS}/{}/mobile-numbers", l.id)),
        case_link: org.link(&format!("{LOCATIONS}/{}/support-case", l.id)),
        max: MAX_NUMBERS,
        typed,
        problems,
        errors,
        ctx,
        org,
    });
    *r.status_mut() = status;
    r
}

async fn numbers_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Found(l, org): Found<Location>,
) -> Result<Response, AppError> {
    let authorised = svc::account_of(&state, l.id)
        .await?
        .is_some_and(|a| a.status(jiff::Timestamp::now()) == AuthStatus::Authorized);
    if !authorised {
        return Ok(back(&org, &l, ""));
    }
    Ok(numbers_page(
        ctx,
        org,
        &l,
        String::new(),
        Vec::new(),
        FieldMessages::default(),
    )
    .await)
}

async fn add_numbers(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Found(l, org): Found<Location>,
    body: Bytes,
) -> Result<Response, AppError> {
    let typed = FormMap::parse(&body).text("phoneNumbers");
    match svc::add_numbers(&state, &caller, &l, std::slice::from_ref(&typed)).await {
        Ok(_) => Ok(back(&org, &l, "numbers")),
        Err(AppError::Validation(fields)) => {
            let mut problems = Vec::new();
            let mut other = Vec::new();
            for f in fields {
                match &f.rule {
                    Rule::Content { code, value } => problems.push((
                        f.field.to_string(),
                        ctx.t1(&format!("cst-problem-{code}"), "value", value),
                    )),
                    _ => other.push(f),
                }
            }
            let errors = if other.is_empty() {
                FieldMessages::default()
            } else {
                messages(&ctx, &AppError::Validation(other))
            };
            Ok(numbers_page(ctx, org, &l, typed, problems, errors).await)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "calling_support_case.html")]
struct CasePage {
    ctx: Ctx,
    org: Org,
    location: String,
    back: String,
    action: String,
    details: String,
    errors: FieldMessages,
}

fn case_page(ctx: Ctx, org: Org, l: &Location, details: String, errors: FieldMessages) -> Response {
    let status = status_of(&errors);
    let mut r = render(&CasePage {
        location: l.fields.name.clone(),
        back: org.link(&format!("{LOCATIONS}/{}", l.id)),
        action: org.link(&format!("{LOCATIONS}/{}/support-case", l.id)),
        details,
        errors,
        ctx,
        org,
    });
    *r.status_mut() = status;
    r
}

async fn case_form(ctx: Ctx, Found(l, org): Found<Location>) -> Response {
    case_page(ctx, org, &l, String::new(), FieldMessages::default())
}

async fn open_case(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Found(l, org): Found<Location>,
    body: Bytes,
) -> Result<Response, AppError> {
    let details = FormMap::parse(&body).text("details");
    match svc::open_support_case(&state, &caller, &l, &details).await {
        Ok(_) => Ok(back(&org, &l, "case")),
        Err(e @ AppError::Validation(_)) => {
            let errors = messages(&ctx, &e);
            Ok(case_page(ctx, org, &l, details, errors))
        }
        Err(e) => Err(e),
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    let manage = Capability::ManageProvisioning;
    let op = "/com/calling/locations/{id}/operator";
    let numbers = "/com/calling/locations/{id}/mobile-numbers";
    let case = "/com/calling/locations/{id}/support-case";
    vec![
        Endpoint::page(
            Method::GET,
            op,
            manage,
            "Operator account",
            get(request_form),
        ),
        Endpoint::page(Method::POST, op, manage, "Operator account", post(request)),
        Endpoint::page(
            Method::GET,
            numbers,
            manage,
            "Mobile numbers",
            get(numbers_form),
        ),
        Endpoint::page(
            Method::POST,
            numbers,
            manage,
            "Mobile numbers",
            post(add_numbers),
        ),
        Endpoint::page(Method::GET, case, manage, "Support case", get(case_form)),
        Endpoint::page(Method::POST, case, manage, "Support case", post(open_case)),
    ]
}
