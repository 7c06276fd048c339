//! Locations (TEN-2): list, add / edit (name, time zone, languages, address, country), delete —
//! refused while people or workspaces use the location, with the reason shown.

use super::{
    choose, list_params, messages, org_of, query, render, searched, store_error, ConfirmPage, Ctx,
    Org, LOCATIONS,
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
use patchbay_domain::calling::check_text;
use patchbay_domain::{Capability, FieldError, LocationId, Rule};
use patchbay_store::calling::locations::{Address, Location, LocationFilter, LocationWrite};

/// The list's parameters: the organisation and the search box.
static LIST_SPEC: ListSpec = searched(LOCATIONS);

/// Announcement and preferred languages a location may use (Webex spellings).
pub const LANGUAGES: [&str; 12] = [
    "en_us", "en_gb", "fr_fr", "fr_ca", "ro_ro", "ko_kr", "uk_ua", "de_de", "es_es", "it_it",
    "nl_nl", "pt_br",
];

/// Time zones offered in the form's suggestions (any IANA name is accepted).
const ZONES: [&str; 12] = [
    "Europe/Paris",
    "Europe/London",
    "Europe/Bucharest",
    "Europe/Kyiv",
    "Europe/Berlin",
    "Asia/Seoul",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Toronto",
    "Australia/Sydney",
    "UTC",
];

fn parse_location(id: &str) -> Result<LocationId, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

async fn visible_location(
    state: &AppState,
    caller: &Caller,
    id: &str,
    form: &FormMap,
) -> Result<(Location, Org), AppError> {
    let l = state.store.location(parse_location(id)?).await?;
    let org = org_of(state, caller, l.customer_id, form, LOCATIONS).await?;
    Ok((l, org))
}

/// An IANA time zone name the hub knows (any well-formed name when it has no database).
fn time_zone_ok(tz: &str) -> bool {
    let well_formed = !tz.is_empty()
        && tz.len() <= 64
        && tz
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
    if !well_formed {
        return false;
    }
    let db = jiff::tz::db();
    db.get(tz).is_ok() || db.is_definitively_empty()
}

pub fn language_name(ctx: &Ctx, code: &str) -> String {
    ctx.word("calling-language-", code)
}

// ---------------------------------------------------------------------------------------------
// List

pub struct LocationRow {
    pub link: String,
    pub name: String,
    pub country: String,
    pub city: String,
    pub time_zone: String,
    pub language: String,
}

#[derive(Template)]
#[template(path = "calling_locations.html")]
struct ListPage {
    ctx: Ctx,
    org: Org,
    lp: ListParams,
    pager: Pager,
    rows: Vec<LocationRow>,
    notice: String,
    error: String,
    can_manage: bool,
}

async fn list_page(
    state: &AppState,
    caller: &Caller,
    org: Org,
    q: Option<&str>,
    error: String,
) -> Result<Response, AppError> {
    let form = query(q);
    let lp = list_params(&LIST_SPEC, q, &org);
    let filter = LocationFilter {
        name: Some(lp.get("q").to_string()).filter(|s| !s.is_empty()),
        ..Default::default()
    };
    let (items, total) = state
        .store
        .list_locations(org.id, &filter, lp.page())
        .await?;
    let ctx = Ctx::for_caller(state, caller, LOCATIONS).await;
    let rows: Vec<LocationRow> = items
        .into_iter()
        .map(|l| LocationRow {
            link: org.link(&format!("{LOCATIONS}/{}", l.id)),
            language: language_name(&ctx, &l.fields.preferred_language),
            name: l.fields.name,
            country: l.fields.address.country,
            city: l.fields.address.city,
            time_zone: l.fields.time_zone,
        })
        .collect();
    let notice = match form.get("done") {
        Some("deleted") => ctx.t("calling-location-deleted"),
        _ => String::new(),
    };
    let conflict = !error.is_empty();
    let mut r = render(&ListPage {
        pager: lp.pager(rows.len(), total),
        can_manage: caller.can(Capability::ManageProvisioning),
        ctx,
        org,
        lp,
        rows,
        notice,
        error,
    });
    if conflict {
        *r.status_mut() = StatusCode::CONFLICT;
    }
    Ok(r)
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let org = match choose(&state, &caller, &form, LOCATIONS).await? {
        Ok(o) => o,
        Err(page) => return Ok(page),
    };
    list_page(&state, &caller, org, q.as_deref(), String::new()).await
}

// ---------------------------------------------------------------------------------------------
// Details

#[derive(Template)]
#[template(path = "calling_location.html")]
struct DetailsPage {
    ctx: Ctx,
    org: Org,
    name: String,
    facts: Vec<(String, String)>,
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
    let (l, org) = visible_location(&state, &caller, &id, &form).await?;
    let ctx = Ctx::for_caller(&state, &caller, LOCATIONS).await;
    let f = &l.fields;
    let a = &f.address;
    let facts = vec![
        (ctx.t("calling-field-timeZone"), f.time_zone.clone()),
        (
            ctx.t("calling-field-preferredLanguage"),
            language_name(&ctx, &f.preferred_language),
        ),
        (
            ctx.t("calling-field-announcementLanguage"),
            language_name(&ctx, &f.announcement_language),
        ),
        (ctx.t("calling-field-address1"), a.address1.clone()),
        (ctx.t("calling-field-address2"), a.address2.clone()),
        (ctx.t("calling-field-city"), a.city.clone()),
        (ctx.t("calling-field-state"), a.state.clone()),
        (ctx.t("calling-field-postalCode"), a.postal_code.clone()),
        (ctx.t("calling-field-country"), a.country.clone()),
    ];
    let notice = match form.get("done") {
        Some("created") => ctx.t("calling-location-created"),
        Some("updated") => ctx.t("calling-location-updated"),
        _ => String::new(),
    };
    let page = DetailsPage {
        name: f.name.clone(),
        edit: org.link(&format!("{LOCATIONS}/{}/edit", l.id)),
        delete: org.link(&format!("{LOCATIONS}/{}/delete", l.id)),
        can_manage: caller.can(Capability::ManageProvisioning),
        facts,
        notice,
        ctx,
        org,
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// Add / edit

#[derive(Debug, Clone, Default)]
pub struct LocationValues {
    pub name: String,
    pub time_zone: String,
    pub preferred_language: String,
    pub announcement_language: String,
    pub address1: String,
    pub address2: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
}

impl LocationValues {
    fn read(f: &FormMap) -> Self {
        Self {
            name: f.text("name"),
            time_zone: f.text("timeZone"),
            preferred_language: f.text("preferredLanguage"),
            announcement_language: f.text("announcementLanguage"),
            address1: f.text("address1"),
            address2: f.text("address2"),
            city: f.text("city"),
            state: f.text("state"),
            postal_code: f.text("postalCode"),
            country: f.text("country"),
        }
    }

    fn of(l: &Location) -> Self {
        let f = &l.fields;
        let a = &f.address;
        Self {
            name: f.name.clone(),
            time_zone: f.time_zone.clone(),
            preferred_language: f.preferred_language.clone(),
            announcement_language: f.announcement_language.clone(),
            address1: a.address1.clone(),
            address2: a.address2.clone(),
            city: a.city.clone(),
            state: a.state.clone(),
            postal_code: a.postal_code.clone(),
            country: a.country.clone(),
        }
    }

    fn to_write(&self, notes: String) -> Result<LocationWrite, AppError> {
        let mut errs = Vec::new();
        let t = |s: &String| s.trim().to_string();
        for (field, v, required, max) in [
            ("name", &self.name, true, 80),
            ("address1", &self.address1, true, 80),
            ("address2", &self.address2, false, 80),
            ("city", &self.city, true, 60),
            ("state", &self.state, false, 60),
            ("postalCode", &self.postal_code, false, 20),
        ] {
            if let Err(r) = check_text(v.trim(), required, max) {
                errs.push(FieldError::new(field, r));
            }
        }
        let tz = t(&self.time_zone);
        if tz.is_empty() {
            errs.push(FieldError::new("timeZone", Rule::Required));
        } else if !time_zone_ok(&tz) {
            errs.push(FieldError::new("timeZone", Rule::Invalid));
        }
        for (field, v) in [
            ("preferredLanguage", &self.preferred_language),
            ("announcementLanguage", &self.announcement_language),
        ] {
            if !LANGUAGES.contains(&v.as_str()) {
                errs.push(FieldError::new(
                    field,
                    Rule::OneOf {
                        allowed: LANGUAGES.join(", "),
                    },
                ));
            }
        }
        let country = t(&self.country).to_ascii_uppercase();
        if country.is_empty() {
            errs.push(FieldError::new("country", Rule::Required));
        } else if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            errs.push(FieldError::new("country", Rule::Invalid));
        }
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        Ok(LocationWrite {
            name: t(&self.name),
            time_zone: tz,
            preferred_language: self.preferred_language.clone(),
            announcement_language: self.announcement_language.clone(),
            address: Address {
                address1: t(&self.address1),
                address2: t(&self.address2),
                city: t(&self.city),
                state: t(&self.state),
                postal_code: t(&self.postal_code),
                country,
            },
            notes,
        })
    }

    pub fn preferred_is(&self, l: &str) -> bool {
        self.preferred_language == l
    }
    pub fn announcement_is(&self, l: &str) -> bool {
        self.announcement_language == l
    }
}

#[derive(Template)]
#[template(path = "calling_location_form.html")]
struct FormPage {
    ctx: Ctx,
    org: Org,
    id: Option<String>,
    v: LocationValues,
    errors: FieldMessages,
    languages: Vec<(&'static str, String)>,
    zones: Vec<&'static str>,
    action: String,
    cancel: String,
}

async fn form_page(
    state: &AppState,
    caller: &Caller,
    org: Org,
    current: Option<&Location>,
    v: LocationValues,
    errors: FieldMessages,
) -> Result<Response, AppError> {
    let ctx = Ctx::for_caller(state, caller, LOCATIONS).await;
    let status = if errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (action, cancel) = match current {
        Some(l) => (
            org.link(&format!("{LOCATIONS}/{}", l.id)),
            org.link(&format!("{LOCATIONS}/{}", l.id)),
        ),
        None => (org.link(LOCATIONS), org.link(LOCATIONS)),
    };
    let mut r = render(&FormPage {
        languages: LANGUAGES
            .iter()
            .map(|l| (*l, language_name(&ctx, l)))
            .collect(),
        zones: ZONES.to_vec(),
        ctx,
        id: current.map(|l| l.id.to_string()),
        v,
        errors,
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
    let org = match choose(&state, &caller, &form, LOCATIONS).await? {
        Ok(o) => o,
        Err(page) => return Ok(page),
    };
    let lang = if caller.session.as_ref().is_some_and(|s| s.language == "fr") {
        "fr_fr"
    } else {
        "en_us"
    };
    let v = LocationValues {
        preferred_language: lang.into(),
        announcement_language: lang.into(),
        ..Default::default()
    };
    form_page(&state, &caller, org, None, v, FieldMessages::default()).await
}

async fn rerender(
    state: &AppState,
    caller: &Caller,
    org: Org,
    current: Option<&Location>,
    v: LocationValues,
    err: AppError,
) -> Result<Response, AppError> {
    match err {
        AppError::Validation(_) | AppError::Conflict(..) => {
            let ctx = Ctx::for_caller(state, caller, LOCATIONS).await;
            let errors = messages(&ctx, &err);
            form_page(state, caller, org, current, v, errors).await
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
    let org = match choose(&state, &caller, &form, LOCATIONS).await? {
        Ok(o) => o,
        Err(page) => return Ok(page),
    };
    let v = LocationValues::read(&FormMap::parse(&body));
    let w = match v.to_write(String::new()) {
        Ok(w) => w,
        Err(e) => return rerender(&state, &caller, org, None, v, e).await,
    };
    match state
        .store
        .create_location(&caller.meta(), org.id, &w)
        .await
    {
        Ok(id) => {
            let to = org.link(&format!("{LOCATIONS}/{id}?done=created"));
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
    let (l, org) = visible_location(&state, &caller, &id, &form).await?;
    let v = LocationValues::of(&l);
    form_page(&state, &caller, org, Some(&l), v, FieldMessages::default()).await
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let (l, org) = visible_location(&state, &caller, &id, &form).await?;
    let v = LocationValues::read(&FormMap::parse(&body));
    let w = match v.to_write(l.fields.notes.clone()) {
        Ok(w) => w,
        Err(e) => return rerender(&state, &caller, org, Some(&l), v, e).await,
    };
    match state.store.update_location(&caller.meta(), l.id, &w).await {
        Ok(()) => {
            let to = org.link(&format!("{LOCATIONS}/{}?done=updated", l.id));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => rerender(&state, &caller, org, Some(&l), v, store_error(e)).await,
    }
}

// ---------------------------------------------------------------------------------------------
// Delete: refused while in use (the list shows why, 409)

async fn confirm_delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let (l, org) = visible_location(&state, &caller, &id, &form).await?;
    let ctx = Ctx::for_caller(&state, &caller, LOCATIONS).await;
    let page = ConfirmPage {
        title: ctx.t("calling-location-delete-title"),
        message: ctx.t("calling-location-delete-confirm"),
        target: l.fields.name.clone(),
        action: org.link(&format!("{LOCATIONS}/{}/delete", l.id)),
        cancel: org.link(&format!("{LOCATIONS}/{}", l.id)),
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
    let (l, org) = visible_location(&state, &caller, &id, &form).await?;
    match state.store.delete_location(&caller.meta(), l.id).await {
        Ok(()) => Ok(Redirect::to(&org.link(&format!("{LOCATIONS}?done=deleted"))).into_response()),
        Err(e) => match store_error(e) {
            e @ AppError::Conflict(..) => {
                let ctx = Ctx::for_caller(&state, &caller, LOCATIONS).await;
                let error = messages(&ctx, &e).general.join(" ");
                list_page(&state, &caller, org, None, error).await
            }
            other => Err(other),
        },
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    vec![
        Endpoint::page(Method::GET, LOCATIONS, view, "Locations", get(list)),
        Endpoint::page(
            Method::POST,
            LOCATIONS,
            manage,
            "Create location",
            post(create),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/locations/new",
            manage,
            "Add location",
            get(new_form),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/locations/{id}",
            view,
            "Location",
            get(details),
        ),
        Endpoint::page(
            Method::POST,
            "/com/calling/locations/{id}",
            manage,
            "Update location",
            post(update),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/locations/{id}/edit",
            manage,
            "Edit location",
            get(edit_form),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/locations/{id}/delete",
            manage,
            "Confirm location deletion",
            get(confirm_delete),
        ),
        Endpoint::page(
            Method::POST,
            "/com/calling/locations/{id}/delete",
            manage,
            "Delete location",
            post(delete),
        ),
    ]
}
