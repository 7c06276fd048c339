//! Numbers (NUM-1): `/v1/telephony/config/locations/{id}/numbers` (add, list, remove, activate)
//! and the organisation-wide `/v1/telephony/config/numbers`; plus the location's SIP password
//! generator (`…/actions/generatePassword/invoke`).

use super::locations::visible_location;
use super::{field_id, flag, wid, OrgQuery, Ref};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::{keyed_list_response, JsonBody, OptJsonBody};
use crate::http::catalog::{schema_of, Endpoint};
use crate::service::calling::{generate_password, org};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::Json;
use patchbay_domain::calling::{normalise_e164, NumberKind};
use patchbay_domain::validation::Errors;
use patchbay_domain::{Capability, LocationId, Rule};
use patchbay_store::calling::numbers::{Number, NumberFilter};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NumberOwnerJson {
    pub id: String,
    /// PEOPLE or PLACE
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NumberJson {
    pub phone_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// ACTIVE or INACTIVE
    pub state: &'static str,
    pub phone_number_type: &'static str,
    pub main_number: bool,
    pub toll_free_number: bool,
    /// `MOBILE_NUMBER` is the NUM-1 "mobile" badge; `PSTN_NUMBER` otherwise.
    pub included_telephony_types: &'static str,
    pub is_service_number: bool,
    #[schema(value_type = Object)]
    pub location: Ref,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<NumberOwnerJson>,
}

impl From<Number> for NumberJson {
    fn from(n: Number) -> Self {
        Self {
            extension: n.owner.as_ref().and_then(|o| o.extension.clone()),
            phone_number: n.phone_number,
            state: if n.active { "ACTIVE" } else { "INACTIVE" },
            phone_number_type: "PRIMARY",
            main_number: n.main_number,
            toll_free_number: n.kind == NumberKind::TollFree,
            included_telephony_types: if n.kind == NumberKind::Mobile {
                "MOBILE_NUMBER"
            } else {
                "PSTN_NUMBER"
            },
            is_service_number: false,
            location: Ref {
                id: wid("LOCATION", &n.location_id.0),
                name: Some(n.location_name),
            },
            owner: n.owner.map(|o| NumberOwnerJson {
                id: wid(
                    match o.kind {
                        patchbay_domain::calling::MemberKind::People => "PEOPLE",
                        patchbay_domain::calling::MemberKind::Place => "PLACE",
                    },
                    &o.id,
                ),
                kind: o.kind.as_str(),
                first_name: o.first_name,
                last_name: o.last_name,
                display_name: o.display_name,
            }),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddNumbersBody {
    pub phone_numbers: Vec<String>,
    /// DID (default), TOLLFREE or MOBILE
    pub number_type: Option<String>,
    /// ACTIVE or INACTIVE (default, as Webex)
    pub state: Option<String>,
    pub number_usage_type: Option<String>,
    pub subscription_id: Option<String>,
    pub carrier_id: Option<String>,
}

fn normalise_all(raw: &[String]) -> Result<Vec<String>, AppError> {
    if raw.is_empty() {
        return Err(AppError::field("phoneNumbers", Rule::Required));
    }
    crate::service::check_bulk_field("phoneNumbers", raw.len())?;
    let mut errs = Errors::default();
    let mut out: Vec<String> = Vec::new();
    for r in raw {
        match normalise_e164(r) {
            Ok(n) if out.contains(&n) => errs.push("phoneNumbers", Rule::Taken),
            Ok(n) => out.push(n),
            Err(rule) => errs.push("phoneNumbers", rule),
        }
    }
    errs.finish().map_err(AppError::Validation)?;
    Ok(out)
}

async fn add(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
    JsonBody(b): JsonBody<AddNumbersBody>,
) -> ApiResult<StatusCode> {
    let loc = visible_location(&state, &caller, &id, q.org_id.as_deref()).await?;
    let numbers = normalise_all(&b.phone_numbers)?;
    let kind = match b.number_type.as_deref() {
        None | Some("") => NumberKind::Did,
        Some(t) => NumberKind::parse(t).ok_or_else(|| {
            AppError::field(
                "numberType",
                Rule::OneOf {
                    allowed: "DID, TOLLFREE, MOBILE".into(),
                },
            )
        })?,
    };
    let active = match b.state.as_deref() {
        None | Some("") | Some("INACTIVE") => false,
        Some("ACTIVE") => true,
        Some(_) => {
            return Err(AppError::field(
                "state",
                Rule::OneOf {
                    allowed: "ACTIVE, INACTIVE".into(),
                },
            ))
        }
    };
    state
        .store
        .add_numbers(&caller.meta(), loc.id, &numbers, kind, active)
        .await?;
    Ok(StatusCode::CREATED)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NumbersBody {
    #[serde(default)]
    pub phone_numbers: Vec<String>,
    /// ACTIVATE or DEACTIVATE (PUT only)
    pub action: Option<String>,
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
    OptJsonBody(b): OptJsonBody<NumbersBody>,
) -> ApiResult<StatusCode> {
    let loc = visible_location(&state, &caller, &id, q.org_id.as_deref()).await?;
    let numbers = normalise_all(&b.map(|b| b.phone_numbers).unwrap_or_default())?;
    state
        .store
        .remove_numbers(&caller.meta(), loc.id, &numbers)
        .await
        .map_err(|e| match e {
            patchbay_store::StoreError::NotFound => AppError::field("phoneNumbers", Rule::Invalid),
            o => o.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_state(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
    JsonBody(b): JsonBody<NumbersBody>,
) -> ApiResult<StatusCode> {
    let loc = visible_location(&state, &caller, &id, q.org_id.as_deref()).await?;
    let numbers = normalise_all(&b.phone_numbers)?;
    let active = match b.action.as_deref() {
        Some("ACTIVATE") | None => true,
        Some("DEACTIVATE") => false,
        Some(_) => {
            return Err(AppError::field(
                "action",
                Rule::OneOf {
                    allowed: "ACTIVATE, DEACTIVATE".into(),
                },
            ))
        }
    };
    state
        .store
        .set_numbers_state(&caller.meta(), loc.id, &numbers, active)
        .await
        .map_err(|e| match e {
            patchbay_store::StoreError::NotFound => AppError::field("phoneNumbers", Rule::Invalid),
            o => o.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    pub org_id: Option<String>,
    pub location_id: Option<String>,
    pub phone_number: Option<String>,
    pub available: Option<String>,
    pub assigned: Option<String>,
    pub owner_id: Option<String>,
    pub number_type: Option<String>,
    pub included_telephony_types: Option<String>,
    pub max: Option<i64>,
    pub start: Option<i64>,
}

async fn list_numbers(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    uri: &Uri,
    q: &ListQuery,
    location: Option<LocationId>,
) -> Result<Response, AppError> {
    let customer = org(state, caller, q.org_id.as_deref()).await?;
    let owner_id = match q.owner_id.as_deref().filter(|s| !s.is_empty()) {
        Some(raw) => Some(
            patchbay_domain::provisioning::parse_webex_id("PEOPLE", raw)
                .or_else(|| patchbay_domain::provisioning::parse_webex_id("PLACE", raw))
                .ok_or_else(|| AppError::field("ownerId", Rule::Invalid))?,
        ),
        None => None,
    };
    let available = flag(q.available.as_deref()).or(flag(q.assigned.as_deref()).map(|a| !a));
    let mobile = q.included_telephony_types.as_deref() == Some("MOBILE_NUMBER")
        || q.number_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("MOBILE"));
    let kind = if mobile {
        Some(NumberKind::Mobile)
    } else {
        match q.number_type.as_deref().filter(|s| !s.is_empty()) {
            Some(t) => NumberKind::parse(t),
            None => None,
        }
    };
    let page = super::page(q.max, q.start);
    let (rows, total) = state
        .store
        .list_numbers(
            customer,
            &NumberFilter {
                location,
                phone_number: q.phone_number.clone(),
                available,
                owner_id,
                kind,
            },
            page,
        )
        .await?;
    let items: Vec<NumberJson> = rows.into_iter().map(NumberJson::from).collect();
    Ok(keyed_list_response(
        headers,
        uri,
        "phoneNumbers",
        items,
        page,
        total,
    ))
}

async fn list_org(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<ListQuery>,
) -> ApiResult<Response> {
    let location = match q.location_id.as_deref().filter(|s| !s.is_empty()) {
        Some(raw) => Some(LocationId(field_id("locationId", "LOCATION", raw)?)),
        None => None,
    };
    list_numbers(&state, &caller, &headers, &uri, &q, location).await
}

async fn list_location(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Response> {
    let loc = visible_location(&state, &caller, &id, q.org_id.as_deref()).await?;
    let q = ListQuery {
        org_id: Some(loc.customer_id.to_string()),
        ..q
    };
    list_numbers(&state, &caller, &headers, &uri, &q, Some(loc.id)).await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedPassword {
    /// Meets the hub's SIP password policy (docs/api.md), so it can be sent back as a device's
    /// `password` / `sipPassword`.
    pub example_sip_password: String,
}

async fn generate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
) -> ApiResult<Response> {
    visible_location(&state, &caller, &id, q.org_id.as_deref()).await?;
    Ok(Json(GeneratedPassword {
        example_sip_password: generate_password(""),
    })
    .into_response())
}

pub fn endpoints() -> Vec<Endpoint> {
    const LOC: &str = "/v1/telephony/config/locations/{id}/numbers";
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    vec![
        Endpoint::new(
            Method::POST,
            LOC,
            manage,
            "Add numbers to a location (all or nothing; a number exists once on the platform)",
            post(add),
        )
        .request(schema_of::<AddNumbersBody>),
        Endpoint::new(
            Method::GET,
            LOC,
            view,
            "Numbers of a location (list key `phoneNumbers`)",
            get(list_location),
        )
        .list_of(schema_of::<NumberJson>),
        Endpoint::new(
            Method::DELETE,
            LOC,
            manage,
            "Remove unassigned numbers from a location (JSON body `phoneNumbers`)",
            delete(remove),
        )
        .request(schema_of::<NumbersBody>),
        Endpoint::new(
            Method::PUT,
            LOC,
            manage,
            "Activate or deactivate numbers",
            put(set_state),
        )
        .request(schema_of::<NumbersBody>),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/numbers",
            view,
            "The organisation's numbers (locationId, phoneNumber, available, ownerId, numberType; key `phoneNumbers`)",
            get(list_org),
        )
        .list_of(schema_of::<NumberJson>),
        Endpoint::new(
            Method::POST,
            "/v1/telephony/config/locations/{id}/actions/generatePassword/invoke",
            view,
            "A SIP password meeting the policy, for a device of this location",
            post(generate),
        )
        .response(schema_of::<GeneratedPassword>),
    ]
}
