//! Configure lines (DEV-6): the ports of a customer-managed device with their members; people
//! and workspaces added as shared lines (each reusing the first line's SIP user name, password
//! and outbound proxy) up to the model's port count; one line or all lines removed, with the
//! reminder that the SIP data must then be removed from the physical device.

use super::devices::{device_view, line_rows, member_kind_text, DeviceView, LineRow};
use super::Found;
use super::{messages, query, render, Ctx, Org, DEVICES};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::console::forms::{FieldMessages, FormMap};
use crate::service::calling as svc;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use patchbay_domain::calling::{LineRequest, MemberKind};
use patchbay_domain::{Capability, Rule};
use patchbay_store::calling::devices::{Device, DeviceLine};
use patchbay_store::calling::lines::AvailableFilter;
use patchbay_store::PageRequest;

/// How many candidates the add list shows (narrowed with the search).
const CANDIDATES: i64 = 25;

pub struct Candidate {
    pub member: String,
    pub name: String,
    pub kind: String,
    pub extension: String,
}

#[derive(Template)]
#[template(path = "calling_lines.html")]
struct LinesPage {
    ctx: Ctx,
    org: Org,
    d: DeviceView,
    lines: Vec<LineRow>,
    used: i64,
    full: bool,
    /// Lines can be changed on customer-managed devices only.
    configurable: bool,
    candidates: Vec<Candidate>,
    more: bool,
    q: String,
    action: String,
    notice: String,
    errors: FieldMessages,
    can_manage: bool,
}

fn used_ports(lines: &[DeviceLine]) -> i64 {
    lines.iter().map(|l| l.line_weight.max(1)).sum()
}

fn configurable(d: &Device) -> bool {
    !d.model.partner_managed() && !d.model.fax && d.model.line_ports > 1
}

fn parse_member(raw: &str) -> Option<(MemberKind, uuid::Uuid)> {
    let (kind, id) = raw.split_once(':')?;
    let kind = match kind {
        "PEOPLE" => MemberKind::People,
        "PLACE" => MemberKind::Place,
        _ => return None,
    };
    Some((kind, uuid::Uuid::parse_str(id).ok()?))
}

async fn page(
    state: &AppState,
    caller: &Caller,
    device: &Device,
    org: Org,
    q: &str,
    notice: String,
    errors: FieldMessages,
) -> Result<LinesPage, AppError> {
    let ctx = Ctx::new(state, caller, DEVICES);
    let lines = state.store.device_lines(device.id).await?;
    let used = used_ports(&lines);
    let full = used >= device.model.line_ports;
    let (members, total) = if configurable(device) && !full {
        let filter = AvailableFilter {
            name: Some(q.to_string()).filter(|s| !s.trim().is_empty()),
            ..Default::default()
        };
        state
            .store
            .available_members(org.id, device.id, &filter, PageRequest::new(0, CANDIDATES))
            .await?
    } else {
        (Vec::new(), 0)
    };
    let more = total > members.len() as i64;
    let candidates = members
        .into_iter()
        .map(|m| Candidate {
            member: format!("{}:{}", m.kind.as_str(), m.id),
            kind: member_kind_text(&ctx, m.kind),
            extension: m.extension.clone().unwrap_or_default(),
            name: m.display_name,
        })
        .collect();
    Ok(LinesPage {
        d: device_view(&ctx, &org, device),
        lines: line_rows(&ctx, &org, lines),
        used,
        full,
        configurable: configurable(device),
        candidates,
        more,
        q: q.to_string(),
        action: org.link(&format!("{DEVICES}/{}/lines", device.id)),
        notice,
        errors,
        can_manage: caller.can(Capability::ManageProvisioning),
        ctx,
        org,
    })
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Found(device, org): Found<Device>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let notice = match form.get("done") {
        Some("added") => ctx.t("calling-line-added"),
        Some("removed" | "cleared") => ctx.t("calling-lines-removed"),
        _ => String::new(),
    };
    let p = page(
        &state,
        &caller,
        &device,
        org,
        &form.text("q"),
        notice,
        FieldMessages::default(),
    )
    .await?;
    Ok(render(&p))
}

async fn change(
    State(state): State<AppState>,
    caller: Caller,
    Found(device, org): Found<Device>,
    body: Bytes,
) -> Result<Response, AppError> {
    let posted = FormMap::parse(&body);
    let lines = state.store.device_lines(device.id).await?;
    let mut shared: Vec<LineRequest<(MemberKind, uuid::Uuid)>> = lines
        .iter()
        .filter(|l| !l.primary_owner)
        .map(|l| LineRequest {
            member: (l.member.kind, l.member.id),
            primary_owner: false,
            line_weight: u32::try_from(l.line_weight.max(1)).unwrap_or(1),
        })
        .collect();
    let action = posted.text("action");
    let result = if !configurable(&device) {
        Err(AppError::field("members", Rule::NotAllowed))
    } else {
        match action.as_str() {
            "add" => match parse_member(&posted.text("member")) {
                Some(m) => {
                    shared.push(LineRequest {
                        member: m,
                        primary_owner: false,
                        line_weight: 1,
                    });
                    svc::set_lines(&state, &caller, &device, &shared).await
                }
                None => Err(AppError::field("members", Rule::Required)),
            },
            "remove" => match parse_member(&posted.text("member")) {
                Some(m) => {
                    shared.retain(|l| l.member != m);
                    svc::set_lines(&state, &caller, &device, &shared).await
                }
                None => Err(AppError::field("members", Rule::Required)),
            },
            "clear" => svc::set_lines(&state, &caller, &device, &[]).await,
            _ => Err(AppError::field("members", Rule::Invalid)),
        }
    };
    match result {
        Ok(()) => {
            let done = match action.as_str() {
                "add" => "added",
                "remove" => "removed",
                _ => "cleared",
            };
            let to = org.link(&format!("{DEVICES}/{}/lines?done={done}", device.id));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(..))) => {
            let ctx = Ctx::new(&state, &caller, DEVICES);
            let mut errors = messages(&ctx, &e);
            if let Some(m) = errors.by_field.remove("members") {
                errors.general.push(m);
            }
            let p = page(&state, &caller, &device, org, "", String::new(), errors).await?;
            let mut r = render(&p);
            *r.status_mut() = StatusCode::BAD_REQUEST;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::page(
            Method::GET,
            "/com/calling/devices/{id}/lines",
            Capability::ViewProvisioning,
            "Device lines",
            get(show),
        ),
        Endpoint::page(
            Method::POST,
            "/com/calling/devices/{id}/lines",
            Capability::ManageProvisioning,
            "Change device lines",
            axum::routing::post(change),
        ),
    ]
}
