//! The wizard's last step: check the device, create it (with its new workspace, in one
//! transaction, when the usage is a new workspace) and show the credentials once.

use super::super::catalogue::{Catalogue, DeviceValues};
use super::super::devices::{credentials_view, CredentialsPage};
use super::super::forms::{WorkspaceValues, WORKSPACE_FIELDS, WORKSPACE_FORM_NAMES};
use super::super::{messages, render, Ctx, Org, DEVICES, PEOPLE, WORKSPACES};
use super::{
    device_messages, device_step, new_workspace_owner, new_workspace_step, person_owner,
    workspace_owner, workspace_step, NEW,
};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::console::forms::FormMap;
use crate::service::calling::{self as svc, workspaces, DeviceRequest, Surface};
use crate::state::AppState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use patchbay_domain::calling::MemberKind;
use patchbay_domain::provisioning::{check_sip_password, normalise_mac};
use patchbay_domain::{FieldError, Rule};

/// Save: the device's checks first, then the new workspace (if any) with the device in one
/// transaction, or the device for its existing owner; the credentials page on success.
pub(super) async fn save(
    state: &AppState,
    caller: &Caller,
    org: Org,
    posted: &FormMap,
    ws: WorkspaceValues,
    dv: DeviceValues,
) -> Result<Response, AppError> {
    let ctx = Ctx::new(state, caller, DEVICES);
    let bad = StatusCode::BAD_REQUEST;
    let owner = match posted.text("usage").as_str() {
        "person" => person_owner(state, &org, &posted.text("person")).await?,
        "workspace" => match workspace_owner(state, &ctx, &org, &posted.text("workspace")).await? {
            Ok(o) => o,
            Err(why) => {
                let mut r = workspace_step(state, caller, org, "", why).await?;
                *r.status_mut() = StatusCode::CONFLICT;
                return Ok(r);
            }
        },
        "newWorkspace" => new_workspace_owner(&ws),
        _ => return Ok(Redirect::to(&org.link(NEW)).into_response()),
    };
    let new_ws = if owner.usage == "newWorkspace" {
        match ws.checked() {
            Ok(w) => Some(w),
            Err(e) => {
                let errors = messages(&ctx, &e);
                return new_workspace_step(state, caller, org, ws, dv, errors, bad).await;
            }
        }
    } else {
        None
    };
    // The device's own checks, all at once, before anything is written.
    let catalogue = Catalogue::load(state, owner.kind).await?;
    let mut errs: Vec<FieldError> = Vec::new();
    let model = match catalogue.chosen(&dv) {
        Ok(m) => Some(m.clone()),
        Err(e) => {
            errs.push(e);
            None
        }
    };
    let fax = model.as_ref().is_some_and(|m| m.fax);
    if !fax {
        match normalise_mac(&dv.mac) {
            _ if dv.mac.trim().is_empty() => errs.push(FieldError::new("mac", Rule::Required)),
            Ok(mac) => {
                if !state.store.macs_in_use(&[mac]).await?.is_empty() {
                    errs.push(FieldError::new("mac", Rule::Taken));
                }
            }
            Err(r) => errs.push(FieldError::new("mac", r)),
        }
    }
    let partner = model.as_ref().is_some_and(|m| m.partner_managed());
    let password = posted.text("sipPassword");
    if partner {
        if password.is_empty() {
            errs.push(FieldError::new("sipPassword", Rule::Required));
        } else if let Err(r) = check_sip_password(&password, "") {
            errs.push(FieldError::new("sipPassword", r));
        }
    }
    if !posted.checked("disclaimer") {
        errs.push(FieldError::new("disclaimer", Rule::Required));
    }
    let model = match model {
        Some(m) if errs.is_empty() => m,
        _ => {
            let errors = device_messages(&ctx, &AppError::Validation(errs));
            return device_step(state, caller, org, owner, (ws, dv), errors, bad).await;
        }
    };
    let password = partner.then(|| password.clone());
    let mac = (!model.fax).then(|| dv.mac.clone());
    let done = match new_ws {
        // WSP-2: a new workspace is created with its device, in one transaction.
        Some(w) => {
            let req = DeviceRequest {
                model: model.model.clone(),
                mac,
                owner: (MemberKind::Place, uuid::Uuid::nil()),
                password,
            };
            workspaces::create_with_device(state, caller, org.id, w, &req, Surface::Console)
                .await
                .map(|(id, creds)| (MemberKind::Place, id.0, creds))
                .map_err(|e| e.renamed(&WORKSPACE_FORM_NAMES))
        }
        None => {
            let field = match owner.kind {
                MemberKind::People => "person",
                MemberKind::Place => "workspace",
            };
            let owner_id = posted
                .text(field)
                .parse::<uuid::Uuid>()
                .map_err(|_| AppError::NotFound)?;
            let req = DeviceRequest {
                model: model.model.clone(),
                mac,
                owner: (owner.kind, owner_id),
                password,
            };
            svc::create_device(state, caller, org.id, &req)
                .await
                .map(|creds| (owner.kind, owner_id, creds))
        }
    };
    let (kind, owner_id, creds) = match done {
        Ok(d) => d,
        // A refusal of the new workspace's own fields (its licence, extension or number) goes
        // back to its step; the device's to the device step.
        Err(e @ AppError::Validation(_)) if new_ws_field(&e) => {
            let errors = messages(&ctx, &e);
            return new_workspace_step(state, caller, org, ws, dv, errors, bad).await;
        }
        Err(e @ AppError::Conflict(id, _)) if id.starts_with("conflict-licence") => {
            let errors = messages(&ctx, &e);
            return new_workspace_step(state, caller, org, ws, dv, errors, bad).await;
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(..))) => {
            let errors = device_messages(&ctx, &e);
            return device_step(state, caller, org, owner, (ws, dv), errors, bad).await;
        }
        Err(other) => return Err(other),
    };
    let owner_link = match kind {
        MemberKind::People => org.link(&format!("{PEOPLE}/{owner_id}")),
        MemberKind::Place => org.link(&format!("{}/{owner_id}", WORKSPACES)),
    };
    let page = CredentialsPage {
        c: credentials_view(&org, &creds, &model.display_name, model.fax),
        reset: false,
        owner: owner.name,
        owner_link,
        add_another: org.link(NEW),
        ctx,
        org,
    };
    Ok(render(&page))
}

/// Whether a refusal names a field of the new-workspace step.
fn new_ws_field(e: &AppError) -> bool {
    match e {
        AppError::Validation(fields) => fields
            .iter()
            .any(|f| WORKSPACE_FIELDS.contains(&f.field.as_ref())),
        _ => false,
    }
}
