//! Workspaces (WSP-1 … WSP-3): list, add / edit (the same fields as the wizard's new-workspace
//! step), delete; a workspace's page lists its devices, and "Add device" is disabled at the
//! WSP-2 limit with the notice.

use super::devices::{device_row, DeviceRow};
use super::forms::{
    identity_choices, room_types, workspace_licence_text, workspace_licences, IdentityChoices,
    WorkspaceValues,
};
use super::{
    choose, list_params, messages, org_of, query, render, searched, store_error, ConfirmPage, Ctx,
    Org, DEVICES, WORKSPACES,
};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::console::forms::{FieldMessages, FormMap};
use crate::http::list::{ListParams, ListSpec, Pager};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::{Capability, WorkspaceId};
use patchbay_store::calling::devices::DeviceFilter;
use patchbay_store::calling::workspaces::{Workspace, WorkspaceFilter};
use patchbay_store::PageRequest;

/// The list's parameters: the organisation and the search box.
static LIST_SPEC: ListSpec = searched(WORKSPACES);

fn parse_workspace(id: &str) -> Result<WorkspaceId, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

async fn visible_workspace(
    state: &AppState,
    caller: &Caller,
    id: &str,
    form: &FormMap,
) -> Result<(Workspace, Org), AppError> {
    let w = state.store.workspace(parse_workspace(id)?).await?;
    let org = org_of(state, caller, w.customer_id, form, WORKSPACES).await?;
    Ok((w, org))
}

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
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let org = match choose(&state, &caller, &form, WORKSPACES).await? {
        Ok(o) => o,
        Err(page) => return Ok(page),
    };
    let lp = list_params(&LIST_SPEC, q.as_deref(), &org);
    let filter = WorkspaceFilter {
        search: Some(lp.get("q").to_string()).filter(|s| !s.is_empty()),
        ..Default::default()
    };
    let (items, total) = state
        .store
        .list_workspaces(org.id, &filter, lp.page())
        .await?;
    let ctx = Ctx::for_caller(&state, &caller, WORKSPACES).await;
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
    let notice = match form.get("done") {
        Some("deleted") => ctx.t("calling-workspace-deleted"),
        _ => String::new(),
    };
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
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let (w, org) = visible_workspace(&state, &caller, &id, &form).await?;
    let ctx = Ctx::for_caller(&state, &caller, WORKSPACES).await;
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
    let notice = match form.get("done") {
        Some("created") => ctx.t("calling-workspace-created"),
        Some("updated") => ctx.t("calling-workspace-updated"),
        _ => String::new(),
    };
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
// Add / edit

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

async fn form_page(
    state: &AppState,
    caller: &Caller,
    org: Org,
    current: Option<&Workspace>,
    v: WorkspaceValues,
    errors: FieldMessages,
    status: StatusCode,
) -> Result<Response, AppError> {
    let keep = current.and_then(|w| {
        let i = &w.fields.identity;
        Some((i.location_id?, i.phone_number.as_deref()?))
    });
    let choices = identity_choices(state, org.id, keep).await?;
    let ctx = Ctx::for_caller(state, caller, WORKSPACES).await;
    let (action, cancel) = match current {
        Some(w) => (
            org.link(&format!("{WORKSPACES}/{}", w.id)),
            org.link(&format!("{WORKSPACES}/{}", w.id)),
        ),
        None => (org.link(WORKSPACES), org.link(WORKSPACES)),
    };
    let mut r = render(&FormPage {
        rooms: room_types(&ctx),
        licences: workspace_licences(&ctx),
        ctx,
        id: current.map(|w| w.id.to_string()),
        v,
        errors,
        choices,
        action,
        cancel,
        org,
    });
    *r.status_mut() = status;
    Ok(r)
}

async fn new_form(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let org = match choose(&state, &caller, &form, WORKSPACES).await? {
        Ok(o) => o,
        Err(page) => return Ok(page),
    };
    let v = WorkspaceValues {
        licence: "professional".into(),
        ..Default::default()
    };
    form_page(
        &state,
        &caller,
        org,
        None,
        v,
        FieldMessages::default(),
        StatusCode::OK,
    )
    .await
}

async fn rerender(
    state: &AppState,
    caller: &Caller,
    org: Org,
    current: Option<&Workspace>,
    v: WorkspaceValues,
    err: AppError,
) -> Result<Response, AppError> {
    match err {
        AppError::Validation(_) | AppError::Conflict(..) => {
            let ctx = Ctx::for_caller(state, caller, WORKSPACES).await;
            let errors = messages(&ctx, &err);
            form_page(
                state,
                caller,
                org,
                current,
                v,
                errors,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        other => Err(other),
    }
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let org = match choose(&state, &caller, &form, WORKSPACES).await? {
        Ok(o) => o,
        Err(page) => return Ok(page),
    };
    let v = WorkspaceValues::read(&FormMap::parse(&body));
    let w = match v.to_write(String::new()) {
        Ok(w) => w,
        Err(e) => return rerender(&state, &caller, org, None, v, e).await,
    };
    match state
        .store
        .create_workspace(&caller.meta(), org.id, &w)
        .await
    {
        Ok(id) => {
            let to = org.link(&format!("{WORKSPACES}/{id}?done=created"));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => rerender(&state, &caller, org, None, v, store_error(e)).await,
    }
}

async fn edit_form(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let (w, org) = visible_workspace(&state, &caller, &id, &form).await?;
    let v = WorkspaceValues::of(&w);
    form_page(
        &state,
        &caller,
        org,
        Some(&w),
        v,
        FieldMessages::default(),
        StatusCode::OK,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let (current, org) = visible_workspace(&state, &caller, &id, &form).await?;
    let v = WorkspaceValues::read(&FormMap::parse(&body));
    let w = match v.to_write(current.fields.notes.clone()) {
        Ok(w) => w,
        Err(e) => return rerender(&state, &caller, org, Some(&current), v, e).await,
    };
    match state
        .store
        .update_workspace(&caller.meta(), current.id, &w)
        .await
    {
        Ok(()) => {
            let to = org.link(&format!("{WORKSPACES}/{}?done=updated", current.id));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => rerender(&state, &caller, org, Some(&current), v, store_error(e)).await,
    }
}

// ---------------------------------------------------------------------------------------------
// Delete (with its devices)

async fn confirm_delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let (w, org) = visible_workspace(&state, &caller, &id, &form).await?;
    let ctx = Ctx::for_caller(&state, &caller, WORKSPACES).await;
    let page = ConfirmPage {
        title: ctx.t("calling-workspace-delete-title"),
        message: ctx.t1(
            "calling-workspace-delete-confirm",
            "count",
            &w.device_count.to_string(),
        ),
        target: w.fields.display_name.clone(),
        action: org.link(&format!("{WORKSPACES}/{}/delete", w.id)),
        cancel: org.link(&format!("{WORKSPACES}/{}", w.id)),
        ctx,
        org,
    };
    Ok(render(&page))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let (w, org) = visible_workspace(&state, &caller, &id, &form).await?;
    state
        .store
        .delete_workspace(&caller.meta(), w.id)
        .await
        .map_err(store_error)?;
    Ok(Redirect::to(&org.link(&format!("{WORKSPACES}?done=deleted"))).into_response())
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    vec![
        Endpoint::page(Method::GET, WORKSPACES, view, "Workspaces", get(list)),
        Endpoint::page(
            Method::POST,
            WORKSPACES,
            manage,
            "Create workspace",
            post(create),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/workspaces/new",
            manage,
            "Add workspace",
            get(new_form),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/workspaces/{id}",
            view,
            "Workspace",
            get(details),
        ),
        Endpoint::page(
            Method::POST,
            "/com/calling/workspaces/{id}",
            manage,
            "Update workspace",
            post(update),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/workspaces/{id}/edit",
            manage,
            "Edit workspace",
            get(edit_form),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/workspaces/{id}/delete",
            manage,
            "Confirm workspace deletion",
            get(confirm_delete),
        ),
        Endpoint::page(
            Method::POST,
            "/com/calling/workspaces/{id}/delete",
            manage,
            "Delete workspace",
            post(delete),
        ),
    ]
}
