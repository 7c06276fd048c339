//! Numbers (NUM-1): `/v1/telephony/config/locations/{id}/numbers` (add, list, remove, activate)
//! and the organisation-wide `/v1/telephony/config/numbers`; plus the location's SIP password
//! generator (`…/actions/generatePassword/invoke`).

use super::locations::visible_location;
use super::{choice, field_id, flag_param, wid, OrgQuery, Ref};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::reply::{Beside, CreatedEmpty, PagedWith, PhoneNumbersKey};
use crate::http::api::{ApiQuery, JsonBody, ListQuery, NoContent, OptJsonBody, Paged};
use crate::http::catalog::Endpoint;
use crate::service::calling::{generate_password, org};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::calling::{normalise_e164, MemberKind, NumberKind};
use patchbay_domain::validation::Errors;
use patchbay_domain::{Capability, LocationId, Rule};
use patchbay_store::calling::number_entries::{EntryCounts, EntryFilter, EntryOrder, NumberEntry};
use patchbay_store::list::Keyed;
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

/// One entry of the number list: a number, or an extension held without one (`phoneNumber`
/// absent).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NumberJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// ACTIVE or INACTIVE
    pub state: &'static str,
    pub phone_number_type: &'static str,
    pub main_number: bool,
    pub toll_free_number: bool,
    /// `MOBILE_NUMBER` is the NUM-1 "mobile" badge; `PSTN_NUMBER` otherwise (absent on an
    /// extension-only entry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub included_telephony_types: Option<&'static str>,
    pub is_service_number: bool,
    pub is_reserved_number: bool,
    pub elin_enabled: bool,
    pub location: Ref,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<NumberOwnerJson>,
}

impl From<NumberEntry> for NumberJson {
    fn from(n: NumberEntry) -> Self {
        Self {
            extension: n.extension().map(str::to_string),
            phone_number: n.phone_number,
            state: if n.active { "ACTIVE" } else { "INACTIVE" },
            phone_number_type: "PRIMARY",
            main_number: n.main_number,
            toll_free_number: n.kind == Some(NumberKind::TollFree),
            included_telephony_types: n.kind.map(|k| {
                if k == NumberKind::Mobile {
                    "MOBILE_NUMBER"
                } else {
                    "PSTN_NUMBER"
                }
            }),
            is_service_number: false,
            is_reserved_number: false,
            elin_enabled: false,
            location: Ref {
                id: wid("LOCATION", &n.location_id.0),
                name: Some(n.location_name),
            },
            owner: n.owner.map(|o| NumberOwnerJson {
                id: wid(o.kind.as_str(), &o.id),
                kind: o.kind.as_str(),
                first_name: o.first_name,
                last_name: o.last_name,
                display_name: o.display_name,
            }),
        }
    }
}

/// `count` of `details=true`: over every entry the filters match, not just the page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NumberCountJson {
    pub assigned: i64,
    pub un_assigned: i64,
    pub in_active: i64,
    pub extension_only: i64,
    pub toll_free_numbers: i64,
    pub total: i64,
    pub mobile_number: i64,
    /// Numbers nobody holds (as `unAssigned`).
    pub available: i64,
    /// Patchbay has no service, ELIN or reserved numbers: always 0.
    pub service_number: i64,
    pub elin: i64,
    pub reserved_number: i64,
}

impl Beside for NumberCountJson {
    const KEY: &'static str = "count";
}

impl From<EntryCounts> for NumberCountJson {
    fn from(c: EntryCounts) -> Self {
        Self {
            assigned: c.assigned,
            un_assigned: c.unassigned,
            in_active: c.inactive,
            extension_only: c.extension_only,
            toll_free_numbers: c.toll_free,
            total: c.total,
            mobile_number: c.mobile,
            available: c.unassigned,
            service_number: 0,
            elin: 0,
            reserved_number: 0,
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

/// Number filters (Webex `GET /v1/telephony/config/numbers`): every filter Webex documents is
/// applied. Properties Patchbay never gives a number (service, reserved, ELIN, restricted
/// non-geographic, an owner that is not a person or a workspace) match nothing when asked for and
/// everything when asked against.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct NumberQuery {
    /// The customer to act on.
    pub org_id: Option<String>,
    /// Only this location's numbers.
    pub location_id: Option<String>,
    /// Contained in the number (its digits).
    pub phone_number: Option<String>,
    /// `true`: only numbers nobody holds; `false`: only held entries.
    #[param(value_type = Option<bool>)]
    pub available: Option<String>,
    /// The opposite of `available`.
    #[param(value_type = Option<bool>)]
    pub assigned: Option<String>,
    /// `lastName` (the holder's), `dn` (the number) or `extension`.
    #[param(schema_with = order_schema)]
    pub order: Option<String>,
    /// Contained in the holder's display name (case-insensitive).
    pub owner_name: Option<String>,
    /// Entries of this person or workspace.
    pub owner_id: Option<String>,
    /// `PEOPLE` or `PLACE`; Webex's other owner types (virtual lines, hunt groups …) hold
    /// nothing here.
    #[param(schema_with = owner_type_schema)]
    pub owner_type: Option<String>,
    /// The holder's extension, exactly.
    pub extension: Option<String>,
    /// `NUMBER`: entries with a number; `EXTENSION`: extensions held without one. `DID`,
    /// `TOLLFREE`, `MOBILE`: numbers of that kind.
    #[param(schema_with = number_type_schema)]
    pub number_type: Option<String>,
    /// `PRIMARY` (every entry here); `ALTERNATE`, `FAX`, `DNIS` match nothing.
    #[param(schema_with = phone_number_type_schema)]
    pub phone_number_type: Option<String>,
    /// `ACTIVE` or `INACTIVE`.
    #[param(schema_with = state_schema)]
    pub state: Option<String>,
    /// `true`: the answer carries `count` over every matching entry.
    #[param(value_type = Option<bool>)]
    pub details: Option<String>,
    /// `true`: toll-free numbers only; `false`: no toll-free numbers.
    #[param(value_type = Option<bool>)]
    pub toll_free_numbers: Option<String>,
    /// `true` matches nothing (no number here is restricted non-geographic).
    #[param(value_type = Option<bool>)]
    pub restricted_non_geo_numbers: Option<String>,
    /// `PSTN_NUMBER` and/or `MOBILE_NUMBER` (comma-separated).
    #[param(schema_with = telephony_types_schema)]
    pub included_telephony_types: Option<String>,
    /// `true` matches nothing (no service numbers here).
    #[param(value_type = Option<bool>)]
    pub service_number: Option<String>,
    /// `true` matches nothing (no reserved numbers here).
    #[param(value_type = Option<bool>)]
    pub reserved_number: Option<String>,
    /// `true` matches nothing (no ELIN numbers here).
    #[param(value_type = Option<bool>)]
    pub elin_enabled: Option<String>,
}

/// Webex owner types (`ownerType`).
const OWNER_TYPES: [&str; 16] = [
    "PEOPLE",
    "PLACE",
    "VIRTUAL_LINE",
    "AUTO_ATTENDANT",
    "CALL_QUEUE",
    "PAGING_GROUP",
    "HUNT_GROUP",
    "VOICE_MESSAGING",
    "OFFICE_ANYWHERE",
    "BROADWORKS_ANYWHERE",
    "CONTACT_CENTER_LINK",
    "CONTACT_CENTER_ADAPTER",
    "ROUTE_LIST",
    "VOICEMAIL_GROUP",
    "COLLABORATE_BRIDGE",
    "AI_RECEPTIONIST",
];
const NUMBER_TYPES: [&str; 5] = ["NUMBER", "EXTENSION", "DID", "TOLLFREE", "MOBILE"];
const PHONE_NUMBER_TYPES: [&str; 5] = ["PRIMARY", "ALTERNATE", "FAX", "DNIS", "Default"];
const ORDERS: [&str; 3] = ["lastName", "dn", "extension"];

crate::schema_fn! {
    number_type_schema => crate::http::api::schema::one_of(NUMBER_TYPES);
    owner_type_schema => crate::http::api::schema::one_of(OWNER_TYPES);
    phone_number_type_schema => crate::http::api::schema::one_of(PHONE_NUMBER_TYPES);
    state_schema => crate::http::api::schema::one_of(["ACTIVE", "INACTIVE"]);
    order_schema => crate::http::api::schema::one_of(ORDERS);
    telephony_types_schema => crate::http::api::schema::one_of(["PSTN_NUMBER", "MOBILE_NUMBER"]);
}

/// The store filter, order and `details` flag of a number query.
fn entry_filter(
    q: &NumberQuery,
    location: Option<LocationId>,
) -> Result<(EntryFilter, EntryOrder, bool), AppError> {
    let mut f = EntryFilter {
        location,
        phone_number: q.phone_number.clone(),
        owner_name: q.owner_name.clone(),
        extension: q.extension.clone(),
        ..Default::default()
    };
    if let Some(raw) = q.owner_id.as_deref().filter(|s| !s.trim().is_empty()) {
        f.owner_id = Some(
            patchbay_domain::provisioning::parse_webex_id("PEOPLE", raw)
                .or_else(|| patchbay_domain::provisioning::parse_webex_id("PLACE", raw))
                .ok_or_else(|| AppError::field("ownerId", Rule::Invalid))?,
        );
    }
    f.available = flag_param("available", q.available.as_deref())?.or(flag_param(
        "assigned",
        q.assigned.as_deref(),
    )?
    .map(|a| !a));
    f.owner_kinds = choice("ownerType", q.owner_type.as_deref(), &OWNER_TYPES)?.map(|t| match t {
        "PEOPLE" => vec![MemberKind::People],
        "PLACE" => vec![MemberKind::Place],
        _ => Vec::new(),
    });
    f.active = choice("state", q.state.as_deref(), &["ACTIVE", "INACTIVE"])?.map(|s| s == "ACTIVE");
    match choice("numberType", q.number_type.as_deref(), &NUMBER_TYPES)? {
        Some("NUMBER") => f.with_number = Some(true),
        Some("EXTENSION") => f.with_number = Some(false),
        Some(kind) => f.kinds = NumberKind::parse(kind).map(|k| vec![k]),
        None => {}
    }
    if let Some(t) = choice(
        "phoneNumberType",
        q.phone_number_type.as_deref(),
        &PHONE_NUMBER_TYPES,
    )? {
        f.nothing |= !matches!(t, "PRIMARY" | "Default");
    }
    match flag_param("tollFreeNumbers", q.toll_free_numbers.as_deref())? {
        Some(true) => f.kinds = Some(narrow(f.kinds.take(), &[NumberKind::TollFree])),
        Some(false) => f.not_kind = Some(NumberKind::TollFree),
        None => {}
    }
    if let Some(raw) = q
        .included_telephony_types
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        let mut kinds = Vec::new();
        for t in raw.split(',').map(str::trim) {
            match choice(
                "includedTelephonyTypes",
                Some(t),
                &["PSTN_NUMBER", "MOBILE_NUMBER"],
            )? {
                Some("MOBILE_NUMBER") => kinds.push(NumberKind::Mobile),
                _ => kinds.extend([NumberKind::Did, NumberKind::TollFree]),
            }
        }
        f.kinds = Some(narrow(f.kinds.take(), &kinds));
    }
    for (field, v) in [
        ("restrictedNonGeoNumbers", &q.restricted_non_geo_numbers),
        ("serviceNumber", &q.service_number),
        ("reservedNumber", &q.reserved_number),
        ("elinEnabled", &q.elin_enabled),
    ] {
        f.nothing |= flag_param(field, v.as_deref())? == Some(true);
    }
    let order = match choice("order", q.order.as_deref(), &ORDERS)? {
        Some("lastName") => EntryOrder::LastName,
        Some("dn") => EntryOrder::Dn,
        Some(_) => EntryOrder::Extension,
        None => EntryOrder::Entry,
    };
    let details = flag_param("details", q.details.as_deref())?.unwrap_or(false);
    Ok((f, order, details))
}

/// Kinds in both `a` (all, when None) and `b`.
fn narrow(a: Option<Vec<NumberKind>>, b: &[NumberKind]) -> Vec<NumberKind> {
    match a {
        None => b.to_vec(),
        Some(a) => a.into_iter().filter(|k| b.contains(k)).collect(),
    }
}

type NumbersPage = PagedWith<NumberJson, PhoneNumbersKey, NumberCountJson>;

async fn list_numbers(
    state: &AppState,
    caller: &Caller,
    lq: &ListQuery<NumberQuery>,
    location: Option<LocationId>,
) -> Result<NumbersPage, AppError> {
    let customer = org(state, caller, lq.filter.org_id.as_deref()).await?;
    let (filter, order, details) = entry_filter(&lq.filter, location)?;
    let page = lq.page(super::DEFAULT_MAX);
    let (rows, total, counts) = state
        .store
        .list_number_entries(customer, &filter, order, page, details)
        .await?;
    // Keyset links follow the entry order; another order pages by offset.
    let last = rows
        .last()
        .filter(|_| order == EntryOrder::Entry)
        .map(Keyed::cursor);
    let keyed = last.is_some();
    let items = rows.into_iter().map(NumberJson::from).collect();
    Ok(PagedWith {
        page: if keyed {
            Paged::keyed(lq, super::DEFAULT_MAX, items, total, last)
        } else {
            Paged::new(lq, super::DEFAULT_MAX, items, total)
        },
        beside: counts.map(NumberCountJson::from),
    })
}

async fn list_org(
    State(state): State<AppState>,
    caller: Caller,
    lq: ListQuery<NumberQuery>,
) -> ApiResult<NumbersPage> {
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
) -> ApiResult<NumbersPage> {
    let loc = visible_location(&state, &caller, &id, lq.filter.org_id.as_deref()).await?;
    // `locationId` here narrows the path's location: another one matches nothing.
    if let Some(raw) = lq.filter.location_id.as_deref().filter(|s| !s.is_empty()) {
        if LocationId(field_id("locationId", "LOCATION", raw)?) != loc.id {
            return Ok(PagedWith {
                page: Paged::new(&lq, super::DEFAULT_MAX, Vec::new(), 0),
                beside: None,
            });
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
            "The organisation's numbers and extension-only entries, with every Webex filter (key `phoneNumbers`; `count` with details=true)",
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
