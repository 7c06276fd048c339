//! Numbers (NUM-1): `/v1/telephony/config/locations/{id}/numbers` (add, list, remove, activate)
//! and the organisation-wide `/v1/telephony/config/numbers`; plus the location's SIP password
//! generator (`…/actions/generatePassword/invoke`).

use super::locations::visible_location;
use super::{field_id, flag, wid, OrgQuery, Ref};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::reply::{CreatedEmpty, PhoneNumbersKey};
use crate::http::api::{ApiQuery, JsonBody, ListQuery, NoContent, OptJsonBody, Paged};
use crate::http::catalog::Endpoint;
use crate::service::calling::{generate_password, org};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
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
#[serde(rename_all = "camelCase", deny_unknown_fields)]
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
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<AddNumbersBody>,
) -> ApiResult<CreatedEmpty> {
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
    Ok(CreatedEmpty)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
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
    ApiQuery(q): ApiQuery<OrgQuery>,
    OptJsonBody(b): OptJsonBody<NumbersBody>,
) -> ApiResult<NoContent> {
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
    Ok(NoContent)
}

async fn set_state(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<NumbersBody>,
) -> ApiResult<NoContent> {
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
    Ok(NoContent)
}

/// Number filters (Webex `GET /v1/telephony/config/numbers`).
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct NumberQuery {
    /// The customer to act on.
    pub org_id: Option<String>,
    /// Only this location's numbers.
    pub location_id: Option<String>,
    /// Contained in the number.
    pub phone_number: Option<String>,
    /// `true`: only numbers nobody holds; `false`: only held ones.
    #[param(value_type = Option<bool>)]
    pub available: Option<String>,
    /// The opposite of `available`.
    #[param(value_type = Option<bool>)]
    pub assigned: Option<String>,
    /// Numbers of this person or workspace.
    pub owner_id: Option<String>,
    #[param(schema_with = number_type_schema)]
    pub number_type: Option<String>,
    /// `MOBILE_NUMBER` lists mobile numbers only.
    #[param(schema_with = telephony_types_schema)]
    pub included_telephony_types: Option<String>,
}

crate::schema_fn! {
    number_type_schema => crate::http::api::schema::one_of(["DID", "TOLLFREE", "MOBILE"]);
    telephony_types_schema => crate::http::api::schema::one_of(["MOBILE_NUMBER"]);
}

/// A Webex flag query value (`true`, `True`, `false` …); anything else is refused.
fn flag_param(field: &'static str, v: Option<&str>) -> Result<Option<bool>, AppError> {
    match v.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(raw) => flag(Some(raw)).map(Some).ok_or_else(|| {
            AppError::field(
                field,
                Rule::OneOf {
                    allowed: "true, false".into(),
                },
            )
        }),
    }
}

async fn list_numbers(
    state: &AppState,
    caller: &Caller,
    lq: &ListQuery<NumberQuery>,
    location: Option<LocationId>,
) -> Result<Paged<NumberJson, PhoneNumbersKey>, AppError> {
    let q = &lq.filter;
    let customer = org(state, caller, q.org_id.as_deref()).await?;
    let owner_id = match q.owner_id.as_deref().filter(|s| !s.is_empty()) {
        Some(raw) => Some(
            patchbay_domain::provisioning::parse_webex_id("PEOPLE", raw)
                .or_else(|| patchbay_domain::provisioning::parse_webex_id("PLACE", raw))
                .ok_or_else(|| AppError::field("ownerId", Rule::Invalid))?,
        ),
        None => None,
    };
    let available = flag_param("available", q.available.as_deref())?.or(flag_param(
        "assigned",
        q.assigned.as_deref(),
    )?
    .map(|a| !a));
    let mobile = match q
        .included_telephony_types
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        None => false,
        Some("MOBILE_NUMBER") => true,
        Some(_) => {
            return Err(AppError::field(
                "includedTelephonyTypes",
                Rule::OneOf {
                    allowed: "MOBILE_NUMBER".into(),
                },
            ))
        }
    };
    let kind = match q.number_type.as_deref().filter(|s| !s.is_empty()) {
        Some(t) => Some(NumberKind::parse(t).ok_or_else(|| {
            AppError::field(
                "numberType",
                Rule::OneOf {
                    allowed: "DID, TOLLFREE, MOBILE".into(),
                },
            )
        })?),
        None => None,
    };
    let kind = if mobile {
        Some(NumberKind::Mobile)
    } else {
        kind
    };
    let page = lq.page(super::DEFAULT_MAX);
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
    let items = rows.into_iter().map(NumberJson::from).collect();
    Ok(Paged::new(lq, super::DEFAULT_MAX, items, total))
}

async fn list_org(
    State(state): State<AppState>,
    caller: Caller,
    lq: ListQuery<NumberQuery>,
) -> ApiResult<Paged<NumberJson, PhoneNumbersKey>> {
    let location = match lq.filter.location_id.as_deref().filter(|s| !s.is_empty()) {
        Some(raw) => Some(LocationId(field_id("locationId", "LOCATION", raw)?)),
        None => None,
    };
    list_numbers(&state, &caller, &lq, location).await
}

async fn list_location(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    mut lq: ListQuery<NumberQuery>,
) -> ApiResult<Paged<NumberJson, PhoneNumbersKey>> {
    let loc = visible_location(&state, &caller, &id, lq.filter.org_id.as_deref()).await?;
    // `locationId` here narrows the path's location: another one matches nothing.
    if let Some(raw) = lq.filter.location_id.as_deref().filter(|s| !s.is_empty()) {
        if LocationId(field_id("locationId", "LOCATION", raw)?) != loc.id {
            return Ok(Paged::new(&lq, super::DEFAULT_MAX, Vec::new(), 0));
        }
    }
    lq.filter.org_id = Some(loc.customer_id.to_string());
    list_numbers(&state, &caller, &lq, Some(loc.id)).await
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
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<GeneratedPassword>> {
    visible_location(&state, &caller, &id, q.org_id.as_deref()).await?;
    Ok(Json(GeneratedPassword {
        example_sip_password: generate_password(""),
    }))
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
            add,
        ),
        Endpoint::new(
            Method::GET,
            LOC,
            view,
            "Numbers of a location (list key `phoneNumbers`)",
            list_location,
        ),
        Endpoint::new(
            Method::DELETE,
            LOC,
            manage,
            "Remove unassigned numbers from a location (JSON body `phoneNumbers`)",
            remove,
        ),
        Endpoint::new(
            Method::PUT,
            LOC,
            manage,
            "Activate or deactivate numbers",
            set_state,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/numbers",
            view,
            "The organisation's numbers (locationId, phoneNumber, available, ownerId, numberType; key `phoneNumbers`)",
            list_org,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/telephony/config/locations/{id}/actions/generatePassword/invoke",
            view,
            "A SIP password meeting the policy, for a device of this location",
            generate,
        ),
    ]
}
