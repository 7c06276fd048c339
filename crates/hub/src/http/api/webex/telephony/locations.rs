//! `/v1/telephony/config/locations` (API-2): the locations as the calling configuration sees
//! them — the list clients page through (key `locations`) and one location's calling details.

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::http::api::reply::ListKey;
use crate::http::api::webex::locations::visible_location;
use crate::http::api::webex::{choice, wid, OrgQuery, DEFAULT_MAX};
use crate::http::api::{ApiQuery, ListQuery, Paged};
use crate::service::calling::org;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use patchbay_store::calling::locations::{Location, LocationFilter};
use patchbay_store::list::Keyed;
use serde::{Deserialize, Serialize};

/// Lists under `"locations"`.
pub struct LocationsKey;
impl ListKey for LocationsKey {
    const KEY: &'static str = "locations";
}

/// The caller id a location's calls show.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallingLineIdJson {
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TelephonyLocationJson {
    pub id: String,
    pub name: String,
    pub announcement_language: String,
    pub calling_line_id: CallingLineIdJson,
    /// Outside dialling needs no access digit here.
    pub enforce_outside_dial_digit: bool,
    pub e911_setup_required: bool,
}

impl From<Location> for TelephonyLocationJson {
    fn from(l: Location) -> Self {
        Self {
            id: wid("LOCATION", &l.id.0),
            calling_line_id: CallingLineIdJson {
                name: l.fields.name.clone(),
            },
            name: l.fields.name,
            announcement_language: l.fields.announcement_language,
            enforce_outside_dial_digit: false,
            e911_setup_required: false,
        }
    }
}

/// `name` (contained) and `order` (`asc` or `desc` by name).
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct TelephonyLocationQuery {
    /// The customer to act on.
    pub org_id: Option<String>,
    /// Contained in the location's name.
    pub name: Option<String>,
    #[param(schema_with = order_schema)]
    pub order: Option<String>,
}

crate::schema_fn! {
    order_schema => crate::http::api::schema::one_of(["asc", "desc"]);
}

pub(super) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    lq: ListQuery<TelephonyLocationQuery>,
) -> ApiResult<Paged<TelephonyLocationJson, LocationsKey>> {
    let q = &lq.filter;
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    let descending = choice("order", q.order.as_deref(), &["asc", "desc"])? == Some("desc");
    let filter = LocationFilter {
        name: q.name.clone(),
        descending,
        ..Default::default()
    };
    let (rows, total) = state
        .store
        .list_locations(customer, &filter, lq.page(DEFAULT_MAX))
        .await?;
    // Keyset links follow the ascending order; `desc` pages by offset.
    let last = rows.last().filter(|_| !descending).map(Keyed::cursor);
    let items = rows.into_iter().map(Into::into).collect();
    Ok(match last {
        Some(_) => Paged::keyed(&lq, DEFAULT_MAX, items, total, last),
        None => Paged::new(&lq, DEFAULT_MAX, items, total),
    })
}

pub(super) async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<TelephonyLocationJson>> {
    let l = visible_location(&state, &caller, &id, q.org_id.as_deref()).await?;
    Ok(Json(l.into()))
}
