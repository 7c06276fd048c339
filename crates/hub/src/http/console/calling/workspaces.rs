//! Workspaces (WSP-1 … WSP-3): list, add / edit (the same fields as the wizard's new-workspace
//! step), delete; a workspace's page lists its devices, and "Add device" is disabled at the
//! WSP-2 limit with the notice.

use super::devices::{device_row, DeviceRow};
use super::editor::{self, routes, About, Editor, Routes};
use super::forms::{
    identity_choices, room_types, workspace_licence_text, workspace_licences, IdentityChoices,
    WorkspaceValues, WORKSPACE_FORM_NAMES,
};
use super::{list_params, query, render, searched, Ctx, Org, DEVICES, WORKSPACES};
use super::{Chosen, Found};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::console::forms::{FieldMessages, FormMap};
use crate::http::list::{ListParams, ListSpec, Pager};
use crate::service::calling::{workspaces, Surface};
use crate::state::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::Method;
use axum::response::Response;
use axum::routing::get;
use patchbay_domain::{Capability, CustomerId};
use patchbay_store::calling::devices::DeviceFilter;
use patchbay_store::calling::workspaces::{Workspace, WorkspaceFilter};
use patchbay_store::PageRequest;

/// The list's parameters: the organisation and the search box.
static LIST_SPEC: ListSpec = searched(WORKSPACES);

fn limit(w: &Workspace) -> usize {
    w.fields.licence.map(|l| l.device_limit()).unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// List

pub struct WorkspaceRow {
    pub link: String,
    pub name: String,
    pub location: String,
    pub licence: String,
    pub devices: i64,
    pub limit: usize,
    pub full: bool,
    pub number: String,
    pub extension: String,
    pub room: String,
    pub capacity: String,
}

#[derive(Template)]
#[template(path = "calling_workspaces.html")]
struct ListPage {
    ctx: Ctx,
    org: Org,
    lp: ListParams,
    pager: Pager,
    rows: Vec<WorkspaceRow>,
    notice: String,
    can_manage: bool,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Chosen(org): Chosen,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let lp = list_params(&LIST_SPEC, q.as_deref(), &org);
    let filter = WorkspaceFilter {
        search: lp.value("q"),
        ..Default::default()
    };
    let (items, total) = state
        .store
        .list_workspaces(org.id, &filter, lp.page())
        .await?;
    let rows: Vec<WorkspaceRow> = items
        .into_iter()
        .map(|w| WorkspaceRow {
            link: org.link(&format!("{WORKSPACES}/{}", w.id)),
            licence: workspace_licence_text(&ctx, w.fields.licence),
            limit: limit(&w),
            full: !w.may_add_device(),
            location: w.location_name.clone().unwrap_or_default(),
            devices: w.device_count,
            number: w.fields.identity.phone_number.clone().unwrap_or_default(),
            extension: w.fields.identity.extension.clone().unwrap_or_default(),
            room: ctx.word("calling-room-", &w.fields.room_type),
            capacity: w.fields.capacity.map(|c| c.to_string()).unwrap_or_default(),
            name: w.fields.display_name,
        })
        .collect();
    let notice = ctx.done_notice(&form, "calling-workspace");
    let page = ListPage {
        pager: lp.pager(rows.len(), total),
        can_manage: caller.can(Capability::ManageProvisioning),
        ctx,
        org,
        lp,
        rows,
        notice,
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// Details: devices and "Add device" (WSP-2)

#[derive(Template)]
#[template(path = "calling_workspace.html")]
struct DetailsPage {
    ctx: Ctx,
    org: Org,
    id: String,
    name: String,
    facts: Vec<(String, String)>,
    devices: Vec<DeviceRow>,
    add_device: String,
    edit: String,
    delete: String,
    /// Why no device can be added (WSP-2), empty when one can.
    blocked: String,
    notice: String,
    can_manage: bool,
}

async fn details(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Found(w, org): Found<Workspace>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let filter = DeviceFilter {
        workspace: Some(w.id.0),
        ..Default::default()
    };
    let (devices, _) = state
        .store
        .list_devices(org.id, &filter, PageRequest::new(0, PageRequest::MAX))
        .await?;
    let devices = devices
        .into_iter()
        .map(|d| device_row(&ctx, &org, d))
        .collect();
    let f = &w.fields;
    let facts = vec![
        (
            ctx.t("calling-field-licence"),
            workspace_licence_text(&ctx, f.licence),
        ),
        (
            ctx.t("calling-col-devices"),
            format!("{} / {}", w.device_count, limit(&w)),
        ),
        (
            ctx.t("calling-field-roomType"),
            ctx.word("calling-room-", &f.room_type),
        ),
        (
            ctx.t("calling-field-capacity"),
            f.capacity.map(|c| c.to_string()).unwrap_or_default(),
        ),
        (
            ctx.t("calling-field-location"),
            w.location_name.clone().unwrap_or_default(),
        ),
        (
            ctx.t("calling-field-phoneNumber"),
            f.identity.phone_number.clone().unwrap_or_default(),
        ),
        (
            ctx.t("calling-field-extension"),
            f.identity.extension.clone().unwrap_or_default(),
        ),
    ];
    let blocked = match f.licence {
        None => ctx.t("calling-workspace-no-licence"),
        Some(_) if !w.may_add_device() => ctx.t("calling-workspace-full"),
        Some(_) => String::new(),
    };
    let notice = ctx.done_notice(&form, "calling-workspace");
    let page = DetailsPage {
        id: w.id.to_string(),
        name: f.display_name.clone(),
        edit: org.link(&format!("{WORKSPACES}/{}/edit", w.id)),
        delete: org.link(&format!("{WORKSPACES}/{}/delete", w.id)),
        add_device: org.link(&format!("{DEVICES}/new?usage=workspace&workspace={}", w.id)),
        can_manage: caller.can(Capability::ManageProvisioning),
        facts,
        devices,
        blocked,
        notice,
        ctx,
        org,
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// Add / edit / delete with its devices (the shared form flow)

#[derive(Template)]
#[template(path = "calling_workspace_form.html")]
struct FormPage {
    ctx: Ctx,
    org: Org,
    id: Option<String>,
    v: WorkspaceValues,
    errors: FieldMessages,
    choices: IdentityChoices,
    rooms: Vec<(&'static str, String)>,
    licences: Vec<(&'static str, String)>,
    action: String,
    cancel: String,
}

/// Workspaces in the console's shared form flow.
pub struct WorkspacesEditor;

impl Editor for WorkspacesEditor {
    const ROUTES: Routes = routes!("/com/calling/workspaces", "workspace");
    const DELETE_TITLE: &'static str = "calling-workspace-delete-title";
    type Entity = Workspace;
    type Values = WorkspaceValues;

    fn about(w: &Workspace) -> About {
        About::new(w.id, &w.fields.display_name)
    }
    fn delete_message(ctx: &Ctx, w: &Workspace) -> String {
        ctx.t1(
            "calling-workspace-delete-confirm",
            "count",
            &w.device_count.to_string(),
        )
    }
    fn blank(_: &Caller) -> WorkspaceValues {
        WorkspaceValues {
            licence: "professional".into(),
            ..Default::default()
        }
    }
    fn read(form: &FormMap) -> WorkspaceValues {
        WorkspaceValues::read(form)
    }
    fn of(w: &Workspace) -> WorkspaceValues {
        WorkspaceValues::of(w)
    }
    async fn save(
        state: &AppState,
        caller: &Caller,
        customer: CustomerId,
        current: Option<&Workspace>,
        v: &WorkspaceValues,
    ) -> Result<String, AppError> {
        let (w, errs) = v.to_write(current.map(|c| &c.fields));
        let saved = match current {
            Some(c) => workspaces::update(state, caller, c, w, Surface::Console, errs).await,
            None => workspaces::create(state, caller, customer, w, Surface::Console, errs).await,
        };
        saved
            .map(|w| w.id.to_string())
            .map_err(|e| e.renamed(&WORKSPACE_FORM_NAMES))
    }
    async fn remove(state: &AppState, caller: &Caller, w: &Workspace) -> Result<(), AppError> {
        workspaces::delete(state, caller, w).await
    }
    async fn page(
        state: &AppState,
        ctx: Ctx,
        org: Org,
        current: Option<&Workspace>,
        v: WorkspaceValues,
        errors: FieldMessages,
    ) -> Result<Response, AppError> {
        let keep = current.and_then(|w| {
            let i = &w.fields.identity;
            Some((i.location_id?, i.phone_number.as_deref()?))
        });
        let choices = identity_choices(state, org.id, keep).await?;
        let back = match current {
            Some(w) => org.link(&format!("{WORKSPACES}/{}", w.id)),
            None => org.link(WORKSPACES),
        };
        Ok(render(&FormPage {
            rooms: room_types(&ctx),
            licences: workspace_licences(&ctx),
            ctx,
            id: current.map(|w| w.id.to_string()),
            v,
            errors,
            choices,
            action: back.clone(),
            cancel: back,
            org,
        }))
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let mut all = vec![
        Endpoint::page(Method::GET, WORKSPACES, view, "Workspaces", get(list)),
        Endpoint::page(
            Method::GET,
            "/com/calling/workspaces/{id}",
            view,
            "Workspace",
            get(details),
        ),
    ];
    all.extend(editor::endpoints::<WorkspacesEditor>());
    all
}
