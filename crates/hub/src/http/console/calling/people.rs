//! People (TEN-2): the list with the customer's licences (total / consumed), add, edit and
//! delete; a person's page lists their devices with "Add device" into the wizard.

use super::devices::{device_row, DeviceRow};
use super::forms::{identity, identity_choices, IdentityChoices};
use super::{
    choose, list_params, messages, org_of, query, render, searched, store_error, ConfirmPage, Ctx,
    Org, DEVICES, PEOPLE,
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
use patchbay_domain::calling::{check_text, LicenceKind};
use patchbay_domain::validation::is_email;
use patchbay_domain::{Capability, FieldError, PersonId, Rule};
use patchbay_store::calling::devices::DeviceFilter;
use patchbay_store::calling::people::{Person, PersonFilter, PersonWrite};
use patchbay_store::PageRequest;

/// The list's parameters: the organisation and the search box.
static LIST_SPEC: ListSpec = searched(PEOPLE);

fn parse_person(id: &str) -> Result<PersonId, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

async fn visible_person(
    state: &AppState,
    caller: &Caller,
    id: &str,
    form: &FormMap,
) -> Result<(Person, Org), AppError> {
    let p = state.store.person(parse_person(id)?).await?;
    let org = org_of(state, caller, p.customer_id, form, PEOPLE).await?;
    Ok((p, org))
}

pub fn licence_text(ctx: &Ctx, l: Option<LicenceKind>) -> String {
    match l {
        Some(k) => ctx.t(&format!("calling-licence-{}", k.as_str())),
        None => ctx.t("calling-licence-none"),
    }
}

/// The customer's calling licences: (name, total, consumed).
pub async fn licence_panel(
    state: &AppState,
    ctx: &Ctx,
    org: &Org,
) -> Result<Vec<(String, i64, i64)>, AppError> {
    Ok(state
        .store
        .licences(org.id)
        .await?
        .into_iter()
        .map(|l| {
            (
                ctx.t(&format!("calling-licence-{}", l.kind.as_str())),
                l.total_units,
                l.consumed_units,
            )
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// List

pub struct PersonRow {
    pub link: String,
    pub name: String,
    pub email: String,
    pub licence: String,
    pub location: String,
    pub extension: String,
    pub number: String,
    pub devices: i64,
}

#[derive(Template)]
#[template(path = "calling_people.html")]
struct ListPage {
    ctx: Ctx,
    org: Org,
    lp: ListParams,
    pager: Pager,
    rows: Vec<PersonRow>,
    licences: Vec<(String, i64, i64)>,
    notice: String,
    can_manage: bool,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let org = match choose(&state, &caller, &form, PEOPLE).await? {
        Ok(o) => o,
        Err(page) => return Ok(page),
    };
    let lp = list_params(&LIST_SPEC, q.as_deref(), &org);
    let filter = PersonFilter {
        name: Some(lp.get("q").to_string()).filter(|s| !s.is_empty()),
        ..Default::default()
    };
    let (items, total) = state.store.list_people(org.id, &filter, lp.page()).await?;
    let ctx = Ctx::for_caller(&state, &caller, PEOPLE).await;
    let rows: Vec<PersonRow> = items
        .into_iter()
        .map(|p| PersonRow {
            link: org.link(&format!("{PEOPLE}/{}", p.id)),
            licence: licence_text(&ctx, p.fields.licence),
            location: p.location_name.unwrap_or_default(),
            extension: p.fields.identity.extension.unwrap_or_default(),
            number: p.fields.identity.phone_number.unwrap_or_default(),
            devices: p.device_count,
            name: p.fields.display_name,
            email: p.fields.email,
        })
        .collect();
    let notice = match form.get("done") {
        Some("deleted") => ctx.t("calling-person-deleted"),
        _ => String::new(),
    };
    let page = ListPage {
        pager: lp.pager(rows.len(), total),
        licences: licence_panel(&state, &ctx, &org).await?,
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
// Details: the person's devices (DEV-9) and "Add device" (DEV-2)

#[derive(Template)]
#[template(path = "calling_person.html")]
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
    let (p, org) = visible_person(&state, &caller, &id, &form).await?;
    let ctx = Ctx::for_caller(&state, &caller, PEOPLE).await;
    let filter = DeviceFilter {
        person: Some(p.id.0),
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
    let f = &p.fields;
    let facts = vec![
        (ctx.t("calling-field-email"), f.email.clone()),
        (ctx.t("calling-field-firstName"), f.first_name.clone()),
        (ctx.t("calling-field-lastName"), f.last_name.clone()),
        (
            ctx.t("calling-field-licence"),
            licence_text(&ctx, f.licence),
        ),
        (
            ctx.t("calling-field-location"),
            p.location_name.clone().unwrap_or_default(),
        ),
        (
            ctx.t("calling-field-extension"),
            f.identity.extension.clone().unwrap_or_default(),
        ),
        (
            ctx.t("calling-field-phoneNumber"),
            f.identity.phone_number.clone().unwrap_or_default(),
        ),
    ];
    let notice = match form.get("done") {
        Some("created") => ctx.t("calling-person-created"),
        Some("updated") => ctx.t("calling-person-updated"),
        _ => String::new(),
    };
    let page = DetailsPage {
        id: p.id.to_string(),
        name: f.display_name.clone(),
        edit: org.link(&format!("{PEOPLE}/{}/edit", p.id)),
        delete: org.link(&format!("{PEOPLE}/{}/delete", p.id)),
        add_device: org.link(&format!("{DEVICES}/new?usage=person&person={}", p.id)),
        can_manage: caller.can(Capability::ManageProvisioning),
        facts,
        devices,
        notice,
        ctx,
        org,
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// Add / edit

/// The form's values as typed (kept on error).
#[derive(Debug, Clone, Default)]
pub struct PersonValues {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub licence: String,
    pub location_id: String,
    pub extension: String,
    pub phone_number: String,
}

impl PersonValues {
    fn read(form: &FormMap) -> Self {
        Self {
            email: form.text("email"),
            first_name: form.text("firstName"),
            last_name: form.text("lastName"),
            display_name: form.text("displayName"),
            licence: form.text("licence"),
            location_id: form.text("locationId"),
            extension: form.text("extension"),
            phone_number: form.text("phoneNumber"),
        }
    }

    fn of(p: &Person) -> Self {
        let f = &p.fields;
        Self {
            email: f.email.clone(),
            first_name: f.first_name.clone(),
            last_name: f.last_name.clone(),
            display_name: f.display_name.clone(),
            licence: f
                .licence
                .map(|l| l.as_str().to_string())
                .unwrap_or_default(),
            location_id: f
                .identity
                .location_id
                .map(|l| l.to_string())
                .unwrap_or_default(),
            extension: f.identity.extension.clone().unwrap_or_default(),
            phone_number: f.identity.phone_number.clone().unwrap_or_default(),
        }
    }

    fn to_write(&self) -> Result<PersonWrite, AppError> {
        let mut errs = Vec::new();
        let email = self.email.trim().to_string();
        if email.is_empty() {
            errs.push(FieldError::new("email", Rule::Required));
        } else if !is_email(&email) {
            errs.push(FieldError::new("email", Rule::Email));
        }
        let first = self.first_name.trim().to_string();
        let last = self.last_name.trim().to_string();
        for (field, v) in [("firstName", &first), ("lastName", &last)] {
            if let Err(r) = check_text(v, false, 64) {
                errs.push(FieldError::new(field, r));
            }
        }
        let mut display = self.display_name.trim().to_string();
        if display.is_empty() {
            display = format!("{first} {last}").trim().to_string();
        }
        if let Err(r) = check_text(&display, true, 128) {
            errs.push(FieldError::new("displayName", r));
        }
        let licence = match self.licence.as_str() {
            "" => None,
            l => match LicenceKind::parse(l).filter(|k| *k != LicenceKind::Workspaces) {
                Some(k) => Some(k),
                None => {
                    errs.push(FieldError::new("licence", Rule::Invalid));
                    None
                }
            },
        };
        let identity = identity(
            &mut errs,
            &self.location_id,
            &self.extension,
            &self.phone_number,
        );
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        Ok(PersonWrite {
            email,
            display_name: display,
            first_name: first,
            last_name: last,
            licence,
            identity,
        })
    }

    pub fn licence_is(&self, l: &str) -> bool {
        self.licence == l
    }
    pub fn location_is(&self, l: &str) -> bool {
        self.location_id == l
    }
    pub fn number_is(&self, n: &str) -> bool {
        self.phone_number == n
    }
}

#[derive(Template)]
#[template(path = "calling_person_form.html")]
struct FormPage {
    ctx: Ctx,
    org: Org,
    /// None when adding.
    id: Option<String>,
    v: PersonValues,
    errors: FieldMessages,
    choices: IdentityChoices,
    action: String,
    cancel: String,
}

async fn form_page(
    state: &AppState,
    caller: &Caller,
    org: Org,
    current: Option<&Person>,
    v: PersonValues,
    errors: FieldMessages,
    status: StatusCode,
) -> Result<Response, AppError> {
    let keep = current.and_then(|p| {
        let i = &p.fields.identity;
        Some((i.location_id?, i.phone_number.as_deref()?))
    });
    let choices = identity_choices(state, org.id, keep).await?;
    let ctx = Ctx::for_caller(state, caller, PEOPLE).await;
    let (action, cancel) = match current {
        Some(p) => (
            org.link(&format!("{PEOPLE}/{}", p.id)),
            org.link(&format!("{PEOPLE}/{}", p.id)),
        ),
        None => (org.link(PEOPLE), org.link(PEOPLE)),
    };
    let mut r = render(&FormPage {
        ctx,
        id: current.map(|p| p.id.to_string()),
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
    let org = match choose(&state, &caller, &form, PEOPLE).await? {
        Ok(o) => o,
        Err(page) => return Ok(page),
    };
    let v = PersonValues {
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
    current: Option<&Person>,
    v: PersonValues,
    err: AppError,
) -> Result<Response, AppError> {
    match err {
        AppError::Validation(_) | AppError::Conflict(..) => {
            let ctx = Ctx::for_caller(state, caller, PEOPLE).await;
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
    let org = match choose(&state, &caller, &form, PEOPLE).await? {
        Ok(o) => o,
        Err(page) => return Ok(page),
    };
    let v = PersonValues::read(&FormMap::parse(&body));
    let w = match v.to_write() {
        Ok(w) => w,
        Err(e) => return rerender(&state, &caller, org, None, v, e).await,
    };
    match state.store.create_person(&caller.meta(), org.id, &w).await {
        Ok(id) => {
            let to = org.link(&format!("{PEOPLE}/{id}?done=created"));
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
    let (p, org) = visible_person(&state, &caller, &id, &form).await?;
    let v = PersonValues::of(&p);
    form_page(
        &state,
        &caller,
        org,
        Some(&p),
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
    let (p, org) = visible_person(&state, &caller, &id, &form).await?;
    let v = PersonValues::read(&FormMap::parse(&body));
    let w = match v.to_write() {
        Ok(w) => w,
        Err(e) => return rerender(&state, &caller, org, Some(&p), v, e).await,
    };
    match state.store.update_person(&caller.meta(), p.id, &w).await {
        Ok(()) => {
            let to = org.link(&format!("{PEOPLE}/{}?done=updated", p.id));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => rerender(&state, &caller, org, Some(&p), v, store_error(e)).await,
    }
}

// ---------------------------------------------------------------------------------------------
// Delete (with their devices)

async fn confirm_delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let (p, org) = visible_person(&state, &caller, &id, &form).await?;
    let ctx = Ctx::for_caller(&state, &caller, PEOPLE).await;
    let page = ConfirmPage {
        title: ctx.t("calling-person-delete-title"),
        message: ctx.t1(
            "calling-person-delete-confirm",
            "count",
            &p.device_count.to_string(),
        ),
        target: p.fields.display_name.clone(),
        action: org.link(&format!("{PEOPLE}/{}/delete", p.id)),
        cancel: org.link(&format!("{PEOPLE}/{}", p.id)),
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
    let (p, org) = visible_person(&state, &caller, &id, &form).await?;
    state
        .store
        .delete_person(&caller.meta(), p.id)
        .await
        .map_err(store_error)?;
    Ok(Redirect::to(&org.link(&format!("{PEOPLE}?done=deleted"))).into_response())
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    vec![
        Endpoint::page(Method::GET, PEOPLE, view, "Calling people", get(list)),
        Endpoint::page(Method::POST, PEOPLE, manage, "Create person", post(create)),
        Endpoint::page(
            Method::GET,
            "/com/calling/people/new",
            manage,
            "Add person",
            get(new_form),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/people/{id}",
            view,
            "Person",
            get(details),
        ),
        Endpoint::page(
            Method::POST,
            "/com/calling/people/{id}",
            manage,
            "Update person",
            post(update),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/people/{id}/edit",
            manage,
            "Edit person",
            get(edit_form),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/people/{id}/delete",
            manage,
            "Confirm person deletion",
            get(confirm_delete),
        ),
        Endpoint::page(
            Method::POST,
            "/com/calling/people/{id}/delete",
            manage,
            "Delete person",
            post(delete),
        ),
    ]
}
