//! Locations (TEN-2): list, add / edit (name, time zone, languages, address, country), delete —
//! refused while people or workspaces use the location, with the reason shown.

use super::editor::{self, routes, About, Editor, Routes};
use super::{list_params, messages, query, render, searched, Ctx, Org, LOCATIONS};
use super::{Chosen, Found};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::console::forms::{FieldMessages, FormMap};
use crate::http::list::{ListParams, ListSpec, Pager};
use crate::service::calling::locations::{self, LANGUAGES};
use crate::service::calling::Surface;
use crate::state::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::get;
use patchbay_domain::{Capability, CustomerId};
use patchbay_store::calling::locations::{Address, Location, LocationFilter, LocationWrite};

/// The list's parameters: the organisation and the search box.
static LIST_SPEC: ListSpec = searched(LOCATIONS);

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
        name: lp.value("q"),
        ..Default::default()
    };
    let (items, total) = state
        .store
        .list_locations(org.id, &filter, lp.page())
        .await?;
    let ctx = Ctx::new(state, caller, LOCATIONS);
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
    let notice = ctx.done_notice(&form, "calling-location");
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
    Chosen(org): Chosen,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
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
    /// MOB-1 … MOB-2: the location's mobile-operator numbers.
    mobile: super::operators::MobileSection,
}

async fn details(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Found(l, org): Found<Location>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
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
    let notice = ctx.done_notice(&form, "calling-location");
    let mobile = super::operators::section(&state, &ctx, &org, &l).await?;
    let page = DetailsPage {
        mobile,
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
// Add / edit / delete: refused while in use (the list shows why, 409)

/// The service's field names as the location form names them.
const FORM_NAMES: [(&str, &str); 6] = [
    ("address.address1", "address1"),
    ("address.address2", "address2"),
    ("address.city", "city"),
    ("address.state", "state"),
    ("address.postalCode", "postalCode"),
    ("address.country", "country"),
];

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
    /// The stored form as typed (`notes`: the edited location's, which the form does not show).
    fn to_write(&self, notes: String) -> LocationWrite {
        LocationWrite {
            name: self.name.clone(),
            time_zone: self.time_zone.clone(),
            preferred_language: self.preferred_language.clone(),
            announcement_language: self.announcement_language.clone(),
            address: Address {
                address1: self.address1.clone(),
                address2: self.address2.clone(),
                city: self.city.clone(),
                state: self.state.clone(),
                postal_code: self.postal_code.clone(),
                country: self.country.clone(),
            },
            notes,
            // The console does not edit the coordinates: an update keeps them.
            coordinates: None,
        }
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

/// Locations in the console's shared form flow.
pub struct LocationsEditor;

impl Editor for LocationsEditor {
    const ROUTES: Routes = routes!("/com/calling/locations", "location");
    const DELETE_TITLE: &'static str = "calling-location-delete-title";
    type Entity = Location;
    type Values = LocationValues;

    fn about(l: &Location) -> About {
        About::new(l.id, &l.fields.name)
    }
    fn delete_message(ctx: &Ctx, _: &Location) -> String {
        ctx.t("calling-location-delete-confirm")
    }
    fn blank(caller: &Caller) -> LocationValues {
        let lang = if caller.session.as_ref().is_some_and(|s| s.language == "fr") {
            "fr_fr"
        } else {
            "en_us"
        };
        LocationValues {
            preferred_language: lang.into(),
            announcement_language: lang.into(),
            ..Default::default()
        }
    }
    fn read(f: &FormMap) -> LocationValues {
        LocationValues {
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
    fn of(l: &Location) -> LocationValues {
        let f = &l.fields;
        let a = &f.address;
        LocationValues {
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
    async fn save(
        state: &AppState,
        caller: &Caller,
        customer: CustomerId,
        current: Option<&Location>,
        v: &LocationValues,
    ) -> Result<String, AppError> {
        let saved = match current {
            Some(l) => {
                let w = v.to_write(l.fields.notes.clone());
                locations::update(state, caller, l, w, Surface::Console).await
            }
            None => {
                let w = v.to_write(String::new());
                locations::create(state, caller, customer, w, Surface::Console).await
            }
        };
        saved
            .map(|l| l.id.to_string())
            .map_err(|e| e.renamed(&FORM_NAMES))
    }
    async fn remove(state: &AppState, caller: &Caller, l: &Location) -> Result<(), AppError> {
        locations::delete(state, caller, l).await
    }
    async fn page(
        _state: &AppState,
        ctx: Ctx,
        org: Org,
        current: Option<&Location>,
        v: LocationValues,
        errors: FieldMessages,
    ) -> Result<Response, AppError> {
        let back = match current {
            Some(l) => org.link(&format!("{LOCATIONS}/{}", l.id)),
            None => org.link(LOCATIONS),
        };
        Ok(render(&FormPage {
            languages: LANGUAGES
                .iter()
                .map(|l| (*l, language_name(&ctx, l)))
                .collect(),
            zones: ZONES.to_vec(),
            ctx,
            id: current.map(|l| l.id.to_string()),
            v,
            errors,
            action: back.clone(),
            cancel: back,
            org,
        }))
    }
    /// In use: the list with the reason (409).
    async fn delete_refused(
        state: &AppState,
        caller: &Caller,
        org: Org,
        err: AppError,
    ) -> Result<Response, AppError> {
        match err {
            e @ AppError::Conflict(..) => {
                let ctx = Ctx::new(state, caller, LOCATIONS);
                let error = messages(&ctx, &e).general.join(" ");
                list_page(state, caller, org, None, error).await
            }
            other => Err(other),
        }
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let mut all = vec![
        Endpoint::page(Method::GET, LOCATIONS, view, "Locations", get(list)),
        Endpoint::page(
            Method::GET,
            "/com/calling/locations/{id}",
            view,
            "Location",
            get(details),
        ),
    ];
    all.extend(editor::endpoints::<LocationsEditor>());
    all
}
