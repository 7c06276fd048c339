//! `/v1/locations`: where people, workspaces and numbers live.

use super::resource::{self, Acting, Resource};
use super::OrgQuery;
use super::{org_wid, path_id, wid};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::{ApiQuery, JsonBody, ListQuery, Paged};
use crate::http::catalog::Endpoint;
use crate::service::calling::{locations, org, Surface};
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use axum::Json;
use patchbay_domain::{Capability, LocationId};
use patchbay_store::calling::locations::{Address, Location, LocationFilter, LocationWrite};
use patchbay_store::list::Keyed;
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

impl From<Location> for LocationJson {
    fn from(l: Location) -> Self {
        let a = l.fields.address;
        let c = l.fields.coordinates.unwrap_or_default();
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
            latitude: c.latitude,
            longitude: c.longitude,
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
    /// Decimal degrees, -90 to 90: a number or a numeric string (Webex sends both); `null`
    /// clears it.
    #[serde(default, deserialize_with = "crate::http::api::double_option")]
    #[schema(value_type = Option<f64>)]
    pub latitude: Option<Option<serde_json::Value>>,
    /// Decimal degrees, -180 to 180.
    #[serde(default, deserialize_with = "crate::http::api::double_option")]
    #[schema(value_type = Option<f64>)]
    pub longitude: Option<Option<serde_json::Value>>,
}

/// A coordinate as sent: a number, a numeric string, or `null`.
fn degrees(field: &'static str, v: Option<serde_json::Value>) -> Result<Option<f64>, AppError> {
    let n = match v {
        None | Some(serde_json::Value::Null) => return Ok(None),
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    n.filter(|f| f.is_finite())
        .map(Some)
        .ok_or_else(|| AppError::field(field, patchbay_domain::Rule::Invalid))
}

/// Read a body into the stored form (`base` on update: absent fields keep their value); the
/// rules are the service's.
pub fn location_write(
    b: LocationBody,
    base: Option<&LocationWrite>,
) -> Result<LocationWrite, AppError> {
    let d = base.cloned().unwrap_or_else(|| LocationWrite {
        preferred_language: "en_us".into(),
        announcement_language: "en_us".into(),
        ..Default::default()
    });
    let mut coordinates = d.coordinates.unwrap_or_default();
    if let Some(v) = b.latitude {
        coordinates.latitude = degrees("latitude", v)?;
    }
    if let Some(v) = b.longitude {
        coordinates.longitude = degrees("longitude", v)?;
    }
    Ok(LocationWrite {
        name: b.name.unwrap_or(d.name),
        time_zone: b.time_zone.unwrap_or(d.time_zone),
        preferred_language: b.preferred_language.unwrap_or(d.preferred_language),
        announcement_language: b.announcement_language.unwrap_or(d.announcement_language),
        address: b
            .address
            .map(|a| Address {
                address1: a.address1,
                address2: a.address2,
                city: a.city,
                state: a.state,
                postal_code: a.postal_code,
                country: a.country,
            })
            .unwrap_or(d.address),
        notes: b.notes.unwrap_or(d.notes),
        coordinates: Some(coordinates),
    })
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
                ..Default::default()
            },
            page,
        )
        .await?;
    let last = rows.last().map(Keyed::cursor);
    let items = rows.into_iter().map(LocationJson::from).collect();
    Ok(Paged::keyed(&lq, super::DEFAULT_MAX, items, total, last))
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
    let loc = locations::create(&state, &caller, customer, w, Surface::Api).await?;
    Ok(Json(LocationJson::from(loc)))
}

/// The location behind a path id, if the caller may see its customer.
pub async fn visible_location(
    state: &AppState,
    caller: &Caller,
    raw: &str,
    org_id: Option<&str>,
) -> Result<Location, AppError> {
    locations::find(state, caller, LocationId(path_id("LOCATION", raw)?), org_id).await
}

/// `/v1/locations/{id}`.
pub struct LocationResource;

impl Resource for LocationResource {
    const KIND: &'static str = "LOCATION";
    const ONE: &'static str = "/v1/locations/{id}";
    const SUMMARIES: [&'static str; 3] = [
        "Get a location",
        "Update a location",
        "Delete a location nobody uses",
    ];
    type Entity = Location;
    type Json = LocationJson;
    type Body = LocationBody;
    type Query = OrgQuery;

    async fn find(at: Acting<'_>, id: uuid::Uuid) -> Result<Location, AppError> {
        locations::find(at.state, at.caller, LocationId(id), at.org).await
    }
    async fn update(at: Acting<'_>, l: Location, b: LocationBody) -> Result<Location, AppError> {
        let w = location_write(b, Some(&l.fields))?;
        locations::update(at.state, at.caller, &l, w, Surface::Api).await
    }
    async fn delete(at: Acting<'_>, l: Location) -> Result<(), AppError> {
        locations::delete(at.state, at.caller, &l).await
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    let mut all = vec![
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
    ];
    all.extend(resource::endpoints::<LocationResource>());
    all
}
