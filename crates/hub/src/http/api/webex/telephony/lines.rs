//! A device's lines (DEV-6): the owner on port 1 and the shared lines after it, replacing them
//! within the model's ports, and the people and workspaces that can become lines.

use super::kind_type;
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::reply::MembersKey;
use crate::http::api::webex::devices::visible_device;
use crate::http::api::webex::{choice, field_id, wid, OrgQuery, Ref, DEFAULT_MAX};
use crate::http::api::{ApiQuery, ListQuery, NoContent, OptJsonBody, Paged};
use crate::service::calling::{self as svc, member_of};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use patchbay_domain::calling::LineRequest;
use patchbay_domain::calling::MemberKind;
use patchbay_domain::{LocationId, Rule};
use patchbay_store::calling::lines::{AvailableFilter, AvailableOrder, MemberDetails};
use patchbay_store::calling::Member;
use patchbay_store::PageRequest;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberJson {
    pub id: String,
    pub member_type: &'static str,
    pub first_name: String,
    pub last_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_owner: Option<bool>,
    pub line_type: &'static str,
    pub line_weight: i64,
    pub hotline_enabled: bool,
    pub allow_call_decline_enabled: bool,
    /// The member's primary number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Ref>,
    /// `PROFESSIONAL_USER`, `BASIC_USER`, `PROFESSIONAL_WORKSPACE` or `WORKSPACE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_type: Option<&'static str>,
}

/// The Webex `licenseType` of a member's stored licence.
fn license_type(kind: MemberKind, licence: &str) -> Option<&'static str> {
    match (kind, licence) {
        (MemberKind::People, "professional") => Some("PROFESSIONAL_USER"),
        (MemberKind::People, "basic") => Some("BASIC_USER"),
        (MemberKind::Place, "professional") => Some("PROFESSIONAL_WORKSPACE"),
        (MemberKind::Place, "commonArea") => Some("WORKSPACE"),
        _ => None,
    }
}

/// The members' details, in one query per kind.
async fn details_of(
    state: &AppState,
    members: &[&Member],
) -> Result<HashMap<uuid::Uuid, MemberDetails>, AppError> {
    Ok(state.store.member_details(members).await?)
}

fn member_json(
    m: &Member,
    line: Option<(i64, bool, &'static str, i64)>,
    details: &HashMap<uuid::Uuid, MemberDetails>,
) -> MemberJson {
    let d = details.get(&m.id).cloned().unwrap_or_default();
    let (port, primary, line_type, weight) = line
        .map_or((None, None, "SHARED_CALL_APPEARANCE", 1), |(p, o, t, w)| {
            (Some(p), Some(o), t, w)
        });
    MemberJson {
        id: wid(kind_type(m.kind), &m.id),
        member_type: m.kind.as_str(),
        first_name: m.first_name.clone(),
        last_name: m.last_name.clone(),
        extension: m.extension.clone(),
        port,
        primary_owner: primary,
        line_type,
        line_weight: weight,
        hotline_enabled: false,
        allow_call_decline_enabled: true,
        phone_number: d.phone_number,
        location: m.location_id.map(|l| Ref {
            id: wid("LOCATION", &l),
            name: d.location_name,
        }),
        license_type: license_type(m.kind, &d.licence),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MembersJson {
    pub model: String,
    /// The model's line ports (DEV-6).
    pub max_line_count: i64,
    pub members: Vec<MemberJson>,
}

pub(super) async fn members(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<MembersJson>> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    let lines = state.store.device_lines(d.id).await?;
    let members: Vec<&Member> = lines.iter().map(|l| &l.member).collect();
    let details = details_of(&state, &members).await?;
    Ok(Json(MembersJson {
        model: d.model.model,
        max_line_count: d.model.line_ports,
        members: lines
            .iter()
            .map(|l| {
                member_json(
                    &l.member,
                    Some((l.port, l.primary_owner, l.line_type.as_str(), l.line_weight)),
                    &details,
                )
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MemberBody {
    /// A person or workspace id.
    pub id: String,
    /// Only the device's owner is the primary owner.
    pub primary_owner: Option<bool>,
    /// Ports the line takes (default 1).
    #[schema(minimum = 1, maximum = 256)]
    pub line_weight: Option<u32>,
    /// Ports follow the order of the list and the weights (the owner is port 1); a different
    /// port is refused.
    pub port: Option<i64>,
    /// Informational: the owner's line is `PRIMARY`, the others `SHARED_CALL_APPEARANCE`.
    #[schema(schema_with = line_type_schema)]
    pub line_type: Option<String>,
    /// Hotlines are not supported: only `false`.
    pub hotline_enabled: Option<bool>,
    /// Declining calls is always allowed: only `true`.
    pub allow_call_decline_enabled: Option<bool>,
}

crate::schema_fn! {
    line_type_schema => crate::http::api::schema::one_of(["PRIMARY", "SHARED_CALL_APPEARANCE"]);
}

/// Refuse what a member entry asks that the hub does not do.
fn check_member(i: usize, m: &MemberBody, planned_port: Option<u32>) -> Result<(), AppError> {
    let field = |name: &str| format!("members[{i}].{name}");
    let refuse = |name: &str, rule: Rule| {
        AppError::Validation(vec![patchbay_domain::FieldError::new(field(name), rule)])
    };
    if m.hotline_enabled == Some(true) {
        return Err(refuse("hotlineEnabled", Rule::NotAllowed));
    }
    if m.allow_call_decline_enabled == Some(false) {
        return Err(refuse("allowCallDeclineEnabled", Rule::NotAllowed));
    }
    if let Some(t) = m.line_type.as_deref() {
        if !matches!(t, "PRIMARY" | "SHARED_CALL_APPEARANCE") {
            return Err(refuse(
                "lineType",
                Rule::OneOf {
                    allowed: "PRIMARY, SHARED_CALL_APPEARANCE".into(),
                },
            ));
        }
    }
    if let (Some(asked), Some(planned)) = (m.port, planned_port) {
        if asked != i64::from(planned) {
            return Err(refuse("port", Rule::NotAllowed));
        }
    }
    Ok(())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MembersBody {
    #[serde(default)]
    pub members: Vec<MemberBody>,
}

/// DEV-6: replace the lines. No body or no members keeps only the owner ("remove all lines").
pub(super) async fn update_members(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
    OptJsonBody(b): OptJsonBody<MembersBody>,
) -> ApiResult<NoContent> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    let body = b.map(|b| b.members).unwrap_or_default();
    let mut requested = Vec::new();
    for m in &body {
        let Some(member) = member_of(&state, d.customer_id, &m.id).await? else {
            return Err(AppError::field("members", Rule::Invalid));
        };
        requested.push(LineRequest {
            member,
            primary_owner: m.primary_owner.unwrap_or(false),
            line_weight: m.line_weight.unwrap_or(1),
        });
    }
    // The ports the hub will give each entry (the owner keeps port 1).
    let owner = (d.owner.kind, d.owner.id);
    let ports = u32::try_from(d.model.line_ports).unwrap_or(1);
    let planned = patchbay_domain::calling::plan_lines(&owner, 1, &requested, ports).ok();
    for (i, (m, r)) in body.iter().zip(&requested).enumerate() {
        let port = planned
            .as_ref()
            .and_then(|lines| lines.iter().find(|l| l.member == r.member))
            .map(|l| l.port);
        check_member(i, m, port)?;
    }
    svc::set_lines(&state, &caller, &d, &requested).await?;
    Ok(NoContent)
}

/// Filters of the people and workspaces that can become lines (and of their count).
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct AvailableCountQuery {
    /// The customer to act on.
    pub org_id: Option<String>,
    /// Contained in the first, last or display name.
    pub member_name: Option<String>,
    /// Digits contained in one of the member's numbers.
    pub phone_number: Option<String>,
    /// The extension, exactly.
    pub extension: Option<String>,
    pub location_id: Option<String>,
    /// `DEVICE_OWNER` or `SHARED_LINE`: any person or workspace of the organisation may be
    /// either here, so both list the same members.
    #[param(schema_with = usage_type_schema)]
    pub usage_type: Option<String>,
}

/// [`AvailableCountQuery`] with the list's order.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct AvailableQuery {
    /// The customer to act on.
    pub org_id: Option<String>,
    /// Contained in the first, last or display name.
    pub member_name: Option<String>,
    /// Digits contained in one of the member's numbers.
    pub phone_number: Option<String>,
    /// The extension, exactly.
    pub extension: Option<String>,
    pub location_id: Option<String>,
    /// `DEVICE_OWNER` or `SHARED_LINE`: any person or workspace of the organisation may be
    /// either here, so both list the same members.
    #[param(schema_with = usage_type_schema)]
    pub usage_type: Option<String>,
    /// `lname` (last name, then first) or `fname`; by display name otherwise.
    #[param(schema_with = member_order_schema)]
    pub order: Option<String>,
}

crate::schema_fn! {
    usage_type_schema => crate::http::api::schema::one_of(["DEVICE_OWNER", "SHARED_LINE"]);
    member_order_schema => crate::http::api::schema::one_of(["lname", "fname"]);
}

impl From<AvailableCountQuery> for AvailableQuery {
    fn from(q: AvailableCountQuery) -> Self {
        Self {
            org_id: q.org_id,
            member_name: q.member_name,
            phone_number: q.phone_number,
            extension: q.extension,
            location_id: q.location_id,
            usage_type: q.usage_type,
            order: None,
        }
    }
}

/// The store filter of a query.
fn available_filter(q: &AvailableQuery) -> Result<AvailableFilter, AppError> {
    choice(
        "usageType",
        q.usage_type.as_deref(),
        &["DEVICE_OWNER", "SHARED_LINE"],
    )?;
    let order = match choice("order", q.order.as_deref(), &["lname", "fname"])? {
        Some("lname") => AvailableOrder::LastName,
        Some(_) => AvailableOrder::FirstName,
        None => AvailableOrder::Name,
    };
    let location = match q.location_id.as_deref().filter(|s| !s.is_empty()) {
        Some(raw) => Some(LocationId(field_id("locationId", "LOCATION", raw)?)),
        None => None,
    };
    Ok(AvailableFilter {
        name: q.member_name.clone(),
        phone_number: q.phone_number.clone(),
        extension: q.extension.clone(),
        location,
        order,
    })
}

pub(super) async fn available_members(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    lq: ListQuery<AvailableQuery>,
) -> ApiResult<Paged<MemberJson, MembersKey>> {
    let d = visible_device(&state, &caller, &id, lq.filter.org_id.as_deref()).await?;
    let filter = available_filter(&lq.filter)?;
    let page = lq.page(DEFAULT_MAX);
    let (rows, total) = state
        .store
        .available_members(d.customer_id, d.id, &filter, page)
        .await?;
    let details = details_of(&state, &rows.iter().collect::<Vec<_>>()).await?;
    let items = rows
        .iter()
        .map(|m| member_json(m, None, &details))
        .collect();
    Ok(Paged::new(&lq, DEFAULT_MAX, items, total))
}

/// `{"totalCount"}` of the members that can become lines.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberCountJson {
    pub total_count: i64,
}

pub(super) async fn available_count(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<AvailableCountQuery>,
) -> ApiResult<Json<MemberCountJson>> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    let filter = available_filter(&q.into())?;
    let (_, total) = state
        .store
        .available_members(d.customer_id, d.id, &filter, PageRequest::new(0, 1))
        .await?;
    Ok(Json(MemberCountJson { total_count: total }))
}
