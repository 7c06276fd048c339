//! Calling provisioning as the API and the console share it (SPEC §15): which organisation a
//! request acts on and whether the caller may see a resource; people, workspaces and locations
//! with their rules; devices with their SIP credentials (DEV-1 … DEV-8) and lines (DEV-6).
//! Each service validates, checks visibility and makes its change in one store transaction, so
//! the Webex API handlers and the console pages enforce the same rules.

pub mod devices;
pub mod locations;
pub mod mobile;
pub mod mobile_bulk;
pub mod operators;
pub mod people;
pub mod workspaces;

pub use devices::{
    create_device, credentials_csv, registrar, reset_password, set_lines, Credentials,
    DeviceRequest, NewSecrets,
};

use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::calling::MemberKind;
use patchbay_domain::provisioning::{parse_webex_id, sip_password_from};
use patchbay_domain::{CustomerId, PersonId, Rule, WorkspaceId};
use rand::Rng;

/// The organisation a request acts on: `orgId` when given (a provider acting on a customer,
/// checked against the caller's scope), else the caller's own customer, else the only customer
/// the caller can see. A customer outside the caller's scope is "not found".
pub async fn org(
    state: &AppState,
    caller: &Caller,
    org_id: Option<&str>,
) -> Result<CustomerId, AppError> {
    let scope = caller.principal.scope();
    if let Some(raw) = org_id.map(str::trim).filter(|s| !s.is_empty()) {
        let id = parse_webex_id("ORGANIZATION", raw)
            .map(CustomerId)
            .ok_or_else(|| AppError::field("orgId", Rule::Invalid))?;
        if !state.store.customer_in_scope(scope, id).await? {
            return Err(AppError::NotFound);
        }
        return Ok(id);
    }
    if let Some(c) = caller.principal.customer_id {
        return Ok(c);
    }
    let (only, total) = state
        .store
        .list_customers(
            scope,
            &Default::default(),
            None,
            patchbay_store::PageRequest::new(0, 2),
        )
        .await?;
    match (only.first(), total) {
        (Some(c), 1) => Ok(c.id),
        _ => Err(AppError::field("orgId", Rule::Required)),
    }
}

/// A resource found by id belongs to `customer`: the caller must see that customer, and when
/// the request named an `orgId` it must be the same one. Otherwise the resource is not found.
pub async fn ensure_visible(
    state: &AppState,
    caller: &Caller,
    customer: CustomerId,
    org_id: Option<&str>,
) -> Result<(), AppError> {
    if let Some(raw) = org_id.map(str::trim).filter(|s| !s.is_empty()) {
        if parse_webex_id("ORGANIZATION", raw) != Some(customer.0) {
            return Err(AppError::NotFound);
        }
    }
    if state
        .store
        .customer_in_scope(caller.principal.scope(), customer)
        .await?
    {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// A fresh SIP password meeting the DEV-4 policy (docs/api.md).
pub fn generate_password(user: &str) -> String {
    let mut rng = rand::rngs::OsRng;
    sip_password_from(&mut || rng.gen::<u32>(), user)
}

/// A person or workspace id as clients send it (Webex id or plain uuid) and which one it is.
pub async fn member_of(
    state: &AppState,
    customer: CustomerId,
    raw: &str,
) -> Result<Option<(MemberKind, uuid::Uuid)>, AppError> {
    if let Some(u) = parse_webex_id("PEOPLE", raw) {
        if let Ok(p) = state.store.person(PersonId(u)).await {
            return Ok((p.customer_id == customer).then_some((MemberKind::People, u)));
        }
    }
    if let Some(u) = parse_webex_id("PLACE", raw) {
        if let Ok(w) = state.store.workspace(WorkspaceId(u)).await {
            return Ok((w.customer_id == customer).then_some((MemberKind::Place, u)));
        }
    }
    Ok(None)
}

/// Which client a calling change comes from. Both share every rule on the values themselves;
/// they differ only where the Webex contract is stricter than the console's workflow:
/// - `Api`: a person's extension or number needs a licence, a licence needs a location, and a
///   workspace with Webex calling needs a location (Webex refuses these); languages are any
///   Webex code.
/// - `Console`: an administrator may reserve an extension before buying a licence (a location
///   is needed only for an extension or a number); a workspace always has a licence (the form
///   has no "no calling" choice); languages are the ones the select offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Api,
    Console,
}

impl Surface {
    /// A store refusal as this client reports it: the console offers only free numbers, so a
    /// number that is no longer free was just taken by someone else.
    pub fn refusal(self, e: patchbay_store::StoreError) -> AppError {
        match (self, e) {
            (
                Surface::Console,
                patchbay_store::StoreError::Missing(patchbay_store::Missing::PhoneNumber),
            ) => AppError::field("phoneNumbers", Rule::Taken),
            (_, e) => e.into(),
        }
    }
}

/// Trim an optional text, dropping it when empty.
pub(crate) fn present(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The shared checks of a calling identity (WSP-3): the extension is 2 to 10 digits and the
/// number E.164 (normalised in place). Errors go under `extension` and `phone_number_field`.
pub(crate) fn check_identity(
    i: &mut patchbay_store::calling::CallingIdentity,
    phone_number_field: &'static str,
    errs: &mut patchbay_domain::validation::Errors,
) {
    i.extension = present(i.extension.take());
    if let Some(Err(r)) = i
        .extension
        .as_deref()
        .map(patchbay_domain::calling::check_extension)
    {
        errs.once("extension", r);
    }
    i.phone_number = match present(i.phone_number.take()) {
        Some(n) => match patchbay_domain::calling::normalise_e164(&n) {
            Ok(v) => Some(v),
            Err(r) => {
                errs.once(phone_number_field, r);
                None
            }
        },
        None => None,
    };
}
