//! The Webex-compatible calling-provisioning API (API-2): `/v1/people`, `/v1/locations`,
//! `/v1/workspaces`, `/v1/devices`, `/v1/licenses`, `/v1/telephony/config/…`. Wire shapes follow
//! docs/wxc_sdk-contract.md, so that `wxc_sdk` drives Patchbay after changing its base URL.
//! Ids are Webex ids (base64 of `ciscospark://us/<TYPE>/<uuid>`); plain uuids are accepted too.

pub mod devices;
pub mod features;
pub mod licenses;
pub mod locations;
pub mod mobile;
pub mod mobile_bulk;
pub mod numbers;
pub mod operators;
pub mod organizations;
pub mod people;
pub mod provisioning;
pub mod registrations;
pub mod resource;
pub mod telephony;
pub mod workspaces;

use crate::error::AppError;
use crate::http::catalog::Endpoint;
use patchbay_domain::provisioning::{parse_webex_id, webex_id};
use patchbay_domain::{CustomerId, Rule};
use serde::Serialize;

pub fn endpoints() -> Vec<Endpoint> {
    let mut all = Vec::new();
    all.extend(licenses::endpoints());
    all.extend(locations::endpoints());
    all.extend(people::endpoints());
    all.extend(workspaces::endpoints());
    all.extend(devices::endpoints());
    all.extend(registrations::endpoints());
    all.extend(mobile::endpoints());
    all.extend(mobile_bulk::endpoints());
    all.extend(operators::endpoints());
    all.extend(provisioning::endpoints());
    all.extend(telephony::endpoints());
    all.extend(numbers::endpoints());
    all.extend(organizations::endpoints());
    all.extend(features::endpoints());
    all
}

/// `?orgId=`: a provider acting on a customer (optional everywhere).
#[derive(Debug, serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct OrgQuery {
    /// The customer to act on (its `id`, or its Webex organisation id); a customer administrator
    /// acts on their own and may omit it.
    pub org_id: Option<String>,
}

/// Default page size of these lists.
pub const DEFAULT_MAX: i64 = 100;

pub fn org_wid(c: CustomerId) -> String {
    webex_id("ORGANIZATION", &c.0)
}

pub fn wid(kind: &str, id: &uuid::Uuid) -> String {
    webex_id(kind, id)
}

/// The uuid of a path id of `kind`; anything else is "not found".
pub fn path_id(kind: &str, raw: &str) -> Result<uuid::Uuid, AppError> {
    parse_webex_id(kind, raw).ok_or(AppError::NotFound)
}

/// The uuid of a body or query id of `kind`; anything else is a field error.
pub fn field_id(field: &'static str, kind: &str, raw: &str) -> Result<uuid::Uuid, AppError> {
    parse_webex_id(kind, raw.trim())
        .ok_or_else(|| AppError::field(field, patchbay_domain::Rule::Invalid))
}

/// Webex booleans in queries, whatever their case (`true`, `True`).
pub fn flag(v: Option<&str>) -> Option<bool> {
    match v.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        Some("true" | "1" | "yes") => Some(true),
        Some("false" | "0" | "no") => Some(false),
        _ => None,
    }
}

/// A Webex flag query value (`true`, `True`, `false` …); anything else is refused.
pub fn flag_param(field: &'static str, v: Option<&str>) -> Result<Option<bool>, AppError> {
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

/// A query value that is not blank, trimmed.
pub fn text_param(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// One of `allowed` (exactly as Webex spells it), or a field error listing them.
pub fn choice<'a>(
    field: &'static str,
    v: Option<&'a str>,
    allowed: &[&str],
) -> Result<Option<&'a str>, AppError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(x) if allowed.contains(&x) => Ok(Some(x)),
        Some(_) => Err(AppError::field(
            field,
            Rule::OneOf {
                allowed: allowed.join(", "),
            },
        )),
    }
}

/// ISO 8601 with milliseconds and `Z`, as Webex prints instants.
pub fn iso(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// `{"id", "name"}` of a referenced location.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = LocationRef)]
pub struct Ref {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}
