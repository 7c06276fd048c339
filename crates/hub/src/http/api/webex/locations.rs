//! `/v1/locations`: where people, workspaces and numbers live.

use super::OrgQuery;
use super::{org_wid, path_id, wid};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::{ApiQuery, JsonBody, ListQuery, NoContent, Paged};
use crate::http::catalog::Endpoint;
use crate::service::calling::{ensure_visible, org};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::calling::check_text;
use patchbay_domain::{Capability, FieldError, LocationId, Rule};
use patchbay_store::calling::locations::{Address, Location, LocationFilter, LocationWrite};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddressJson {
    #[serde(default)]
    pub address1: String,
    #[serde(default)]
    pub address2: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub country: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocationJson {
    pub id: String,
    pub name: String,
    pub org_id: String,
    pub time_zone: String,
    pub preferred_language: String,
    pub announcement_language: String,
    pub address: AddressJson,
    pub notes: String,
}

impl From<Location> for LocationJson {
    fn from(l: Location) -> Self {
        let a = l.fields.address;
        Self {
            id: wid("LOCATION", &l.id.0),
            name: l.fields.name,
            org_id: org_wid(l.customer_id),
            time_zone: l.fields.time_zone,
            preferred_language: l.fields.preferred_language,
            announcement_language: l.fields.announcement_language,
            address: AddressJson {
                address1: a.address1,
                address2: a.address2,
                city: a.city,
                state: a.state,
                postal_code: a.postal_code,
                country: a.country,
            },
            notes: l.fields.notes,
        }
    }
}

#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocationBody {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub preferred_language: Option<String>,
    pub announcement_language: Option<String>,
    pub address: Option<AddressJson>,
    pub notes: Option<String>,
    pub org_id: Option<String>,
    #[schema(value_type = Option<String>)]
    pub latitude: Option<serde_json::Value>,
    #[schema(value_type = Option<String>)]
    pub longitude: Option<serde_json::Value>,
}

/// Validate and build the stored form; `base` is the current location on update.
pub fn location_write(
    b: LocationBody,
    base: Option<&LocationWrite>,
) -> Result<LocationWrite, AppError> {
    let d = base.cloned().unwrap_or_else(|| LocationWrite {
        preferred_language: "en_us".into(),
        announcement_language: "en_us".into(),
        ..Default::default()
    });
    let a = b.address.map(|a| Address {
        address1: a.address1.trim().to_string(),
        address2: a.address2.trim().to_string(),
        city: a.city.trim().to_string(),
        state: a.state.trim().to_string(),
        postal_code: a.postal_code.trim().to_string(),
        country: a.country.trim().to_ascii_uppercase(),
    });
    let w = LocationWrite {
        name: b.name.map(|s| s.trim().to_string()).unwrap_or(d.name),
        time_zone: b
            .time_zone
            .map(|s| s.trim().to_string())
            .unwrap_or(d.time_zone),
        preferred_language: b
            .preferred_language
            .map(|s| s.trim().to_string())
            .unwrap_or(d.preferred_language),
        announcement_language: b
            .announcement_language
            .map(|s| s.trim().to_string())
            .unwrap_or(d.announcement_language),
        address: a.unwrap_or(d.address),
        notes: b.notes.unwrap_or(d.notes),
    };
    check_location(&w)?;
    Ok(w)
}

/// Name, time zone (IANA), address and ISO country are required.
pub fn check_location(w: &LocationWrite) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let mut push = |field: &'static str, r: Result<(), Rule>| {
        if let Err(rule) = r {
            errors.push(FieldError::new(field, rule));
        }
    };
    push("name", check_text(&w.name, true, 80));
    push(
        "timeZone",
        if w.time_zone.is_empty() {
            Err(Rule::Required)
        } else if jiff::tz::db().get(&w.time_zone).is_err() {
            Err(Rule::Invalid)
        } else {
            Ok(())
        },
    );
    push(
        "preferredLanguage",
        check_text(&w.preferred_language, false, 16),
    );
    push(
        "announcementLanguage",
        check_text(&w.announcement_language, false, 16),
    );
    push(
        "address.address1",
        check_text(&w.address.address1, true, 120),
    );
    push(
        "address.address2",
        check_text(&w.address.address2, false, 120),
    );
    push("address.city", check_text(&w.address.city, true, 80));
    push("address.state", check_text(&w.address.state, false, 80));
    push(
        "address.postalCode",
        check_text(&w.address.postal_code, true, 20),
    );
    push(
        "address.country",
        if w.address.country.len() == 2 && w.address.country.bytes().all(|b| b.is_ascii_uppercase())
        {
            Ok(())
        } else if w.address.country.is_empty() {
            Err(Rule::Required)
        } else {
            Err(Rule::Invalid)
        },
    );
    push(
        "notes",
        check_text(&w.notes.replace('\n', " "), false, 1024),
    );
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Location filters.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct LocationQuery {
    /// The customer to act on.
    pub org_id: Option<String>,
    /// Contained in the location's name.
    pub name: Option<String>,
    /// One location id.
    pub id: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    lq: ListQuery<LocationQuery>,
) -> ApiResult<Paged<LocationJson>> {
    let q = &lq.filter;
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    let id = match q.id.as_deref().filter(|s| !s.is_empty()) {
        Some(raw) => Some(LocationId(super::field_id("id", "LOCATION", raw)?)),
        None => None,
    };
    let page = lq.page(super::DEFAULT_MAX);
    let (rows, total) = state
        .store
        .list_locations(
            customer,
            &LocationFilter {
                name: q.name.clone(),
                id,
            },
            page,
        )
        .await?;
    let items = rows.into_iter().map(LocationJson::from).collect();
    Ok(Paged::new(&lq, super::DEFAULT_MAX, items, total))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<LocationBody>,
) -> ApiResult<Json<LocationJson>> {
    let org_id = q.org_id.clone().or_else(|| b.org_id.clone());
    let customer = org(&state, &caller, org_id.as_deref()).await?;
    let w = location_write(b, None)?;
    let id = state
        .store
        .create_location(&caller.meta(), customer, &w)
        .await?;
    let loc = state.store.location(id).await?;
    Ok(Json(LocationJson::from(loc)))
}

/// The location behind a path id, if the caller may see its customer.
pub async fn visible_location(
    state: &AppState,
    caller: &Caller,
    raw: &str,
    org_id: Option<&str>,
) -> Result<Location, AppError> {
    let id = LocationId(path_id("LOCATION", raw)?);
    let loc = state.store.location(id).await?;
    ensure_visible(state, caller, loc.customer_id, org_id).await?;
    Ok(loc)
}

async fn get_one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<LocationJson>> {
    let loc = visible_location(&state, &caller, &id, q.org_id.as_deref()).await?;
    Ok(Json(LocationJson::from(loc)))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<LocationBody>,
) -> ApiResult<Json<LocationJson>> {
    let loc = visible_location(&state, &caller, &id, q.org_id.as_deref()).await?;
    let w = location_write(b, Some(&loc.fields))?;
    state
        .store
        .update_location(&caller.meta(), loc.id, &w)
        .await?;
    let loc = state.store.location(loc.id).await?;
    Ok(Json(LocationJson::from(loc)))
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<NoContent> {
    let loc = visible_location(&state, &caller, &id, q.org_id.as_deref()).await?;
    state.store.delete_location(&caller.meta(), loc.id).await?;
    Ok(NoContent)
}

pub fn endpoints() -> Vec<Endpoint> {
    const ONE: &str = "/v1/locations/{id}";
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/locations",
            view,
            "List locations (name contains, id)",
            list,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/locations",
            manage,
            "Create a location",
            create,
        ),
        Endpoint::new(Method::GET, ONE, view, "Get a location", get_one),
        Endpoint::new(Method::PUT, ONE, manage, "Update a location", update),
        Endpoint::new(
            Method::DELETE,
            ONE,
            manage,
            "Delete a location nobody uses",
            remove,
        ),
    ]
}
