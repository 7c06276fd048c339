//! People with calling (TEN-2): the rules of a person's fields and calling identity, the
//! visibility check and the change, for `/v1/people` and the console's people pages alike.
//! Errors name the Webex fields (`emails`, `licenses`, `phoneNumbers` …); the console renames
//! them to its form's names.

use super::{check_identity, ensure_visible, Surface};
use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::calling::check_text;
use patchbay_domain::validation::{is_email, Errors};
use patchbay_domain::{CustomerId, PersonId, Rule};
use patchbay_store::calling::people::{Person, PersonWrite};

/// Check and normalise a person as it will be stored, adding to `errs` (which may already
/// hold what the client's wire format could not read): e-mail, names (the display name defaults
/// to "first last"), and the calling identity with the `surface`'s licence and location rules.
pub fn check(w: &mut PersonWrite, surface: Surface, errs: &mut Errors) {
    w.email = w.email.trim().to_lowercase();
    if w.email.is_empty() {
        errs.once("emails", Rule::Required);
    } else if !is_email(&w.email) || w.email.len() > 254 {
        errs.once("emails", Rule::Email);
    }
    w.first_name = w.first_name.trim().to_string();
    w.last_name = w.last_name.trim().to_string();
    for (field, v) in [("firstName", &w.first_name), ("lastName", &w.last_name)] {
        if let Err(r) = check_text(v, false, 64) {
            errs.once(field, r);
        }
    }
    w.display_name = w.display_name.trim().to_string();
    if w.display_name.is_empty() {
        w.display_name = format!("{} {}", w.first_name, w.last_name)
            .trim()
            .to_string();
    }
    if let Err(r) = check_text(&w.display_name, true, 128) {
        errs.once("displayName", r);
    }
    check_identity(&mut w.identity, "phoneNumbers", errs);
    if let Some(p) = &mut w.profile {
        p.check(errs);
    }
    let i = &w.identity;
    let numbered = i.extension.is_some() || i.phone_number.is_some();
    match surface {
        Surface::Api => {
            if numbered && w.licence.is_none() {
                errs.once("licenses", Rule::Required);
            }
            if w.licence.is_some() && i.location_id.is_none() {
                errs.once("locationId", Rule::Required);
            }
        }
        Surface::Console => {
            if numbered && i.location_id.is_none() {
                errs.once("locationId", Rule::Required);
            }
        }
    }
}

/// The person `id` if the caller may see its customer (and it is `org_id`'s when given);
/// otherwise not found.
pub async fn find(
    state: &AppState,
    caller: &Caller,
    id: PersonId,
    org_id: Option<&str>,
) -> Result<Person, AppError> {
    let p = state.store.person(id).await?;
    ensure_visible(state, caller, p.customer_id, org_id).await?;
    Ok(p)
}

/// Add a person to `customer` (which the caller has been authorised on): every broken field at
/// once, then one transaction taking the licence unit, extension and number.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    customer: CustomerId,
    mut w: PersonWrite,
    surface: Surface,
    mut errs: Errors,
) -> Result<Person, AppError> {
    check(&mut w, surface, &mut errs);
    errs.finish().map_err(AppError::Validation)?;
    let id = state
        .store
        .create_person(&caller.meta(), customer, &w)
        .await
        .map_err(|e| surface.refusal(e))?;
    Ok(state.store.person(id).await?)
}

/// Replace a visible person's fields (licence units, extension and number move in one
/// transaction).
pub async fn update(
    state: &AppState,
    caller: &Caller,
    current: &Person,
    mut w: PersonWrite,
    surface: Surface,
    mut errs: Errors,
) -> Result<Person, AppError> {
    check(&mut w, surface, &mut errs);
    errs.finish().map_err(AppError::Validation)?;
    state
        .store
        .update_person(&caller.meta(), current.id, &w)
        .await
        .map_err(|e| surface.refusal(e))?;
    Ok(state.store.person(current.id).await?)
}

/// Delete a visible person with their devices.
pub async fn delete(state: &AppState, caller: &Caller, p: &Person) -> Result<(), AppError> {
    Ok(state.store.delete_person(&caller.meta(), p.id).await?)
}
