//! The add-device wizard (DEV-1 … DEV-4, WSP-1 … WSP-3), a multi-step flow that needs no
//! JavaScript and keeps nothing on the server between steps (the choices travel in the forms):
//!
//! 1. usage: a person ("personal usage", searchable by name or e-mail) or a workspace ("shared
//!    usage": an existing one — those at their device limit are offered disabled — or a new one
//!    created in the same submit);
//! 2. device: customer-managed (vendor, then model; the generic SIP phone and gateway included),
//!    partner-managed (approved list, SIP password required) or fax service (generated MAC);
//!    MAC; the disclaimer the server requires;
//! 3. Save: the credentials shown once, with copy buttons and a CSV download.
//!
//! A new workspace is created with its device in one transaction, once the device's own checks
//! pass (model, MAC valid and free, password, disclaimer): both exist afterwards or neither.

mod save;

use super::catalogue::{Catalogue, DeviceValues};
use super::forms::{
    identity_choices, room_types, workspace_licence_text, workspace_licences, IdentityChoices,
    WorkspaceValues,
};
use super::Chosen;
use super::{messages, query, render, Ctx, Org, DEVICES};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::console::forms::{FieldMessages, FormMap};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use patchbay_domain::calling::MemberKind;
use patchbay_domain::{Capability, PersonId, WorkspaceId};
use patchbay_store::calling::people::PersonFilter;
use patchbay_store::calling::workspaces::WorkspaceFilter;
use patchbay_store::PageRequest;

const NEW: &str = "/com/calling/devices/new";
/// How many people or workspaces a search step lists.
const CHOICES: i64 = 25;

pub struct PersonChoice {
    pub id: String,
    pub name: String,
    pub email: String,
    pub location: String,
    pub devices: i64,
}

pub struct WorkspaceChoice {
    pub id: String,
    pub name: String,
    pub licence: String,
    pub devices: i64,
    pub limit: usize,
    /// Why it cannot take a device (WSP-2), empty when it can.
    pub blocked: String,
}

#[derive(Template)]
#[template(path = "calling_wizard.html")]
struct WizardPage {
    ctx: Ctx,
    org: Org,
    /// usage | person | workspace | newWorkspace | device
    step: &'static str,
    usage: String,
    q: String,
    people: Vec<PersonChoice>,
    workspaces: Vec<WorkspaceChoice>,
    more: bool,
    /// The chosen owner (device step).
    person: String,
    workspace: String,
    owner_name: String,
    owner_detail: String,
    /// The new workspace's fields (named `v` for the shared field templates).
    v: WorkspaceValues,
    choices: IdentityChoices,
    rooms: Vec<(&'static str, String)>,
    licences: Vec<(&'static str, String)>,
    dv: DeviceValues,
    dv_pairs: Vec<(&'static str, String)>,
    ws_pairs: Vec<(&'static str, String)>,
    catalogue: Option<Catalogue>,
    errors: FieldMessages,
    notice: String,
    action: String,
    /// WGO-3: for a person, the mobile line (activation code) instead of a device by MAC.
    mobile_link: String,
}

impl WizardPage {
    async fn new(state: &AppState, caller: &Caller, org: Org, step: &'static str) -> Self {
        let ctx = Ctx::new(state, caller, DEVICES);
        Self {
            action: org.link(NEW),
            mobile_link: String::new(),
            rooms: room_types(&ctx),
            licences: workspace_licences(&ctx),
            ctx,
            org,
            step,
            usage: String::new(),
            q: String::new(),
            people: Vec::new(),
            workspaces: Vec::new(),
            more: false,
            person: String::new(),
            workspace: String::new(),
            owner_name: String::new(),
            owner_detail: String::new(),
            v: WorkspaceValues {
                licence: "professional".into(),
                ..Default::default()
            },
            choices: IdentityChoices {
                locations: Vec::new(),
                groups: Vec::new(),
            },
            dv: DeviceValues::default(),
            dv_pairs: Vec::new(),
            ws_pairs: Vec::new(),
            catalogue: None,
            errors: FieldMessages::default(),
            notice: String::new(),
        }
    }

    fn location_name(&self, id: &str) -> String {
        self.choices
            .locations
            .iter()
            .find(|(l, _)| l == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    }

    /// A search step (`person` or `workspace`) showing what `q` found.
    fn search_step(mut self, usage: &str, q: &str, notice: String) -> Response {
        self.usage = usage.into();
        self.q = q.to_string();
        self.notice = notice;
        self.respond(StatusCode::OK)
    }

    fn respond(mut self, status: StatusCode) -> Response {
        self.dv_pairs = self.dv.pairs();
        self.ws_pairs = self.v.pairs();
        let mut r = render(&self);
        *r.status_mut() = status;
        r
    }
}

/// Messages of the device step: the service names the password `password`; owner problems
/// are shown on top.
fn device_messages(ctx: &Ctx, err: &AppError) -> FieldMessages {
    let mut m = messages(ctx, err);
    if let Some(v) = m.by_field.remove("password") {
        m.by_field.insert("sipPassword".into(), v);
    }
    for owner in ["personId", "workspaceId"] {
        if m.by_field.remove(owner).is_some() {
            m.general.push(ctx.t("calling-owner-gone"));
        }
    }
    m
}

async fn person_step(
    state: &AppState,
    caller: &Caller,
    org: Org,
    q: &str,
    notice: String,
) -> Result<Response, AppError> {
    let filter = PersonFilter {
        name: Some(q.to_string()).filter(|s| !s.trim().is_empty()),
        ..Default::default()
    };
    let (people, total) = state
        .store
        .list_people(org.id, &filter, PageRequest::new(0, CHOICES))
        .await?;
    let mut page = WizardPage::new(state, caller, org, "person").await;
    page.more = total > people.len() as i64;
    page.people = people
        .into_iter()
        .map(|p| PersonChoice {
            id: p.id.to_string(),
            name: p.fields.display_name,
            email: p.fields.email,
            location: p.location_name.unwrap_or_default(),
            devices: p.device_count,
        })
        .collect();
    Ok(page.search_step("person", q, notice))
}

async fn workspace_step(
    state: &AppState,
    caller: &Caller,
    org: Org,
    q: &str,
    notice: String,
) -> Result<Response, AppError> {
    let filter = WorkspaceFilter {
        search: Some(q.to_string()).filter(|s| !s.trim().is_empty()),
        ..Default::default()
    };
    let (items, total) = state
        .store
        .list_workspaces(org.id, &filter, PageRequest::new(0, CHOICES))
        .await?;
    let mut page = WizardPage::new(state, caller, org, "workspace").await;
    page.more = total > items.len() as i64;
    page.workspaces = items
        .into_iter()
        .map(|w| WorkspaceChoice {
            id: w.id.to_string(),
            blocked: match w.fields.licence {
                None => page.ctx.t("calling-workspace-no-licence"),
                Some(_) if !w.may_add_device() => page.ctx.t("calling-workspace-full"),
                Some(_) => String::new(),
            },
            licence: workspace_licence_text(&page.ctx, w.fields.licence),
            limit: w.fields.licence.map(|l| l.device_limit()).unwrap_or(0),
            devices: w.device_count,
            name: w.fields.display_name,
        })
        .collect();
    Ok(page.search_step("workspace", q, notice))
}

async fn new_workspace_step(
    state: &AppState,
    caller: &Caller,
    org: Org,
    ws: WorkspaceValues,
    dv: DeviceValues,
    errors: FieldMessages,
    status: StatusCode,
) -> Result<Response, AppError> {
    let choices = identity_choices(state, org.id, None).await?;
    let mut page = WizardPage::new(state, caller, org, "newWorkspace").await;
    page.usage = "newWorkspace".into();
    page.v = ws;
    page.dv = dv;
    page.choices = choices;
    page.errors = errors;
    Ok(page.respond(status))
}

/// Who the device is for, as the device step needs it.
struct Owner {
    usage: &'static str,
    person: String,
    workspace: String,
    kind: MemberKind,
    name: String,
    detail: String,
}

async fn device_step(
    state: &AppState,
    caller: &Caller,
    org: Org,
    owner: Owner,
    (ws, dv): (WorkspaceValues, DeviceValues),
    errors: FieldMessages,
    status: StatusCode,
) -> Result<Response, AppError> {
    let catalogue = Catalogue::load(state, owner.kind).await?;
    let choices = if owner.usage == "newWorkspace" {
        identity_choices(state, org.id, None).await?
    } else {
        IdentityChoices {
            locations: Vec::new(),
            groups: Vec::new(),
        }
    };
    let mut page = WizardPage::new(state, caller, org, "device").await;
    page.choices = choices;
    page.usage = owner.usage.into();
    if !owner.person.is_empty() {
        page.mobile_link = page
            .org
            .link(&format!("{}/{}/mobile", super::PEOPLE, owner.person));
    }
    page.person = owner.person;
    page.workspace = owner.workspace;
    page.owner_name = owner.name;
    page.owner_detail = if owner.usage == "newWorkspace" {
        let loc = page.location_name(&ws.location_id);
        let lic = page.ctx.t(&format!("calling-wlicence-{}", ws.licence));
        [lic, loc]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    } else {
        owner.detail
    };
    page.v = ws;
    page.dv = dv;
    page.catalogue = Some(catalogue);
    page.errors = errors;
    Ok(page.respond(status))
}

async fn person_owner(state: &AppState, org: &Org, id: &str) -> Result<Owner, AppError> {
    let pid: PersonId = id.parse().map_err(|_| AppError::NotFound)?;
    let p = state.store.person(pid).await?;
    if p.customer_id != org.id {
        return Err(AppError::NotFound);
    }
    Ok(Owner {
        usage: "person",
        person: p.id.to_string(),
        workspace: String::new(),
        kind: MemberKind::People,
        detail: p.fields.email.clone(),
        name: p.fields.display_name,
    })
}

/// An existing workspace, or why it cannot take a device (WSP-2).
async fn workspace_owner(
    state: &AppState,
    ctx_lang: &Ctx,
    org: &Org,
    id: &str,
) -> Result<Result<Owner, String>, AppError> {
    let wid: WorkspaceId = id.parse().map_err(|_| AppError::NotFound)?;
    let w = state.store.workspace(wid).await?;
    if w.customer_id != org.id {
        return Err(AppError::NotFound);
    }
    if w.fields.licence.is_none() {
        return Ok(Err(ctx_lang.t("calling-workspace-no-licence")));
    }
    if !w.may_add_device() {
        return Ok(Err(ctx_lang.t("calling-workspace-full")));
    }
    Ok(Ok(Owner {
        usage: "workspace",
        person: String::new(),
        workspace: w.id.to_string(),
        kind: MemberKind::Place,
        detail: format!(
            "{} · {}/{}",
            workspace_licence_text(ctx_lang, w.fields.licence),
            w.device_count,
            w.fields.licence.map(|l| l.device_limit()).unwrap_or(0)
        ),
        name: w.fields.display_name,
    }))
}

fn new_workspace_owner(ws: &WorkspaceValues) -> Owner {
    Owner {
        usage: "newWorkspace",
        person: String::new(),
        workspace: String::new(),
        kind: MemberKind::Place,
        name: ws.name.trim().to_string(),
        detail: String::new(),
    }
}

async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Chosen(org): Chosen,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let search = form.text("q");
    let ok = StatusCode::OK;
    let none = FieldMessages::default();
    if let Some(p) = form.get("person").filter(|s| !s.is_empty()) {
        let owner = person_owner(&state, &org, p).await?;
        let dv = DeviceValues::default();
        return device_step(
            &state,
            &caller,
            org,
            owner,
            (WorkspaceValues::default(), dv),
            none,
            ok,
        )
        .await;
    }
    if let Some(w) = form.get("workspace").filter(|s| !s.is_empty()) {
        let ctx = Ctx::new(&state, &caller, DEVICES);
        return match workspace_owner(&state, &ctx, &org, w).await? {
            Ok(owner) => {
                let dv = DeviceValues::default();
                device_step(
                    &state,
                    &caller,
                    org,
                    owner,
                    (WorkspaceValues::default(), dv),
                    none,
                    ok,
                )
                .await
            }
            Err(why) => {
                let mut r = workspace_step(&state, &caller, org, &search, why).await?;
                *r.status_mut() = StatusCode::CONFLICT;
                Ok(r)
            }
        };
    }
    match form.text("usage").as_str() {
        "person" => person_step(&state, &caller, org, &search, String::new()).await,
        "workspace" => workspace_step(&state, &caller, org, &search, String::new()).await,
        "newWorkspace" => {
            let ws = WorkspaceValues {
                licence: "professional".into(),
                ..Default::default()
            };
            new_workspace_step(&state, &caller, org, ws, DeviceValues::default(), none, ok).await
        }
        _ => {
            let page = WizardPage::new(&state, &caller, org, "usage").await;
            Ok(page.respond(ok))
        }
    }
}

async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Chosen(org): Chosen,
    body: Bytes,
) -> Result<Response, AppError> {
    let posted = FormMap::parse(&body);
    let ws = WorkspaceValues::read(&posted);
    let dv = DeviceValues::read(&posted);
    let none = FieldMessages::default();
    match posted.text("step").as_str() {
        // New workspace → device step, once the workspace fields pass WSP-1 … WSP-3.
        "workspace" => match ws.checked() {
            Ok(_) => {
                let owner = new_workspace_owner(&ws);
                device_step(&state, &caller, org, owner, (ws, dv), none, StatusCode::OK).await
            }
            Err(e) => {
                let ctx = Ctx::new(&state, &caller, DEVICES);
                let errors = messages(&ctx, &e);
                let bad = StatusCode::BAD_REQUEST;
                new_workspace_step(&state, &caller, org, ws, dv, errors, bad).await
            }
        },
        // Device step → back to the new workspace's fields.
        "back" => new_workspace_step(&state, &caller, org, ws, dv, none, StatusCode::OK).await,
        "save" => save::save(&state, &caller, org, &posted, ws, dv).await,
        _ => Ok(Redirect::to(&org.link(NEW)).into_response()),
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    let manage = Capability::ManageProvisioning;
    vec![
        Endpoint::page(Method::GET, NEW, manage, "Add device", get(start)),
        Endpoint::page(
            Method::POST,
            NEW,
            manage,
            "Add device (next step / save)",
            axum::routing::post(submit),
        ),
    ]
}
