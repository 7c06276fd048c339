//! Workspaces (WSP-1 … WSP-3): the rules of a workspace's fields, licence and calling identity,
//! the visibility check and the change, for `/v1/workspaces`, the console's workspace pages
//! and the add-device wizard alike. Errors name the Webex fields (`displayName`, `type`,
//! `licenses`, `phoneNumbers` …); each client renames them to its own.

use super::devices::{insert_with_draws, plan_device, DeviceRequest};
use super::{check_identity, ensure_visible, Credentials, Surface};
use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::calling::{check_capacity, check_room_type, check_text, MemberKind};
use patchbay_domain::provisioning::check_workspace_name;
use patchbay_domain::validation::Errors;
use patchbay_domain::{CustomerId, Rule, WorkspaceId};
use patchbay_store::calling::workspaces::{Workspace, WorkspaceWrite};

/// What a workspace's phones can be (Webex `supportedDevices`).
pub const SUPPORTED_DEVICES: [&str; 2] = ["phones", "collaborationDevices"];

/// Check and normalise a workspace as it will be stored, adding to `errs` (which may already
/// hold what the client's wire format could not read).
pub fn check(w: &mut WorkspaceWrite, surface: Surface, errs: &mut Errors) {
    w.display_name = w.display_name.trim().to_string();
    if let Err(r) = check_workspace_name(&w.display_name) {
        errs.once("displayName", r);
    }
    if let Err(r) = check_room_type(&w.room_type) {
        errs.once("type", r);
    }
    if let Some(Err(r)) = w.capacity.map(check_capacity) {
        errs.once("capacity", r);
    }
    if !SUPPORTED_DEVICES.contains(&w.supported_devices.as_str()) {
        errs.once(
            "supportedDevices",
            Rule::OneOf {
                allowed: SUPPORTED_DEVICES.join(", "),
            },
        );
    }
    if let Err(r) = check_text(&w.notes.replace('\n', " "), false, 1024) {
        errs.once("notes", r);
    }
    check_identity(&mut w.identity, "phoneNumbers", errs);
    let calling = w.calling_type == "webexCalling";
    let needs_licence = match surface {
        Surface::Api => calling,
        Surface::Console => true,
    };
    if needs_licence && w.licence.is_none() {
        errs.once("licenses", Rule::Required);
    }
    let numbered = w.identity.extension.is_some() || w.identity.phone_number.is_some();
    let needs_location = match surface {
        Surface::Api => calling,
        Surface::Console => numbered,
    };
    if needs_location && w.identity.location_id.is_none() {
        errs.once("locationId", Rule::Required);
    }
}

/// The workspace `id` if the caller may see its customer (and it is `org_id`'s when given);
/// otherwise not found.
pub async fn find(
    state: &AppState,
    caller: &Caller,
    id: WorkspaceId,
    org_id: Option<&str>,
) -> Result<Workspace, AppError> {
    let w = state.store.workspace(id).await?;
    ensure_visible(state, caller, w.customer_id, org_id).await?;
    Ok(w)
}

/// Add a workspace to `customer` (which the caller has been authorised on): every broken field
/// at once, then one transaction taking the licence unit, extension and number.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    customer: CustomerId,
    mut w: WorkspaceWrite,
    surface: Surface,
    mut errs: Errors,
) -> Result<Workspace, AppError> {
    check(&mut w, surface, &mut errs);
    errs.finish().map_err(AppError::Validation)?;
    let id = state
        .store
        .create_workspace(&caller.meta(), customer, &w)
        .await
        .map_err(|e| surface.refusal(e))?;
    Ok(state.store.workspace(id).await?)
}

/// A new workspace and its first device, in one transaction (the add-device wizard): both
/// exist afterwards or neither. The device request's owner is ignored.
pub async fn create_with_device(
    state: &AppState,
    caller: &Caller,
    customer: CustomerId,
    mut w: WorkspaceWrite,
    device: &DeviceRequest,
    surface: Surface,
) -> Result<(WorkspaceId, Credentials), AppError> {
    let mut errs = Errors::default();
    check(&mut w, surface, &mut errs);
    errs.finish().map_err(AppError::Validation)?;
    let id = WorkspaceId::new();
    let req = DeviceRequest {
        owner: (MemberKind::Place, id.0),
        ..device.clone()
    };
    let plan = plan_device(state, customer, &req).await?;
    let meta = caller.meta();
    let creds = insert_with_draws(state, &plan, &w.display_name, surface, |d| {
        let (meta, w) = (&meta, &w);
        async move {
            state
                .store
                .create_workspace_with_device(meta, customer, id, w, &d)
                .await
        }
    })
    .await?;
    Ok((id, creds))
}

/// Replace a visible workspace's fields (a licence change must still admit its devices).
pub async fn update(
    state: &AppState,
    caller: &Caller,
    current: &Workspace,
    mut w: WorkspaceWrite,
    surface: Surface,
    mut errs: Errors,
) -> Result<Workspace, AppError> {
    check(&mut w, surface, &mut errs);
    errs.finish().map_err(AppError::Validation)?;
    state
        .store
        .update_workspace(&caller.meta(), current.id, &w)
        .await
        .map_err(|e| surface.refusal(e))?;
    Ok(state.store.workspace(current.id).await?)
}

/// Delete a visible workspace with its devices.
pub async fn delete(state: &AppState, caller: &Caller, w: &Workspace) -> Result<(), AppError> {
    Ok(state.store.delete_workspace(&caller.meta(), w.id).await?)
}
