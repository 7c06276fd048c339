//! `/v1/licenses` (the customer's calling licences with total and consumed units) and the
//! provider's `PUT /v1/operations/customers/{id}/licenses` that sets the totals.

use super::OrgQuery;
use crate::auth::Caller;

use crate::error::{ApiResult, AppError};
use crate::http::api::{ApiQuery, JsonBody, Listed};
use crate::http::catalog::Endpoint;
use crate::service::calling::org;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use patchbay_domain::calling::LicenceKind;
use patchbay_domain::provisioning::{parse_webex_text, webex_id_text};
use patchbay_domain::{Capability, CustomerId, Rule};
use patchbay_store::calling::{parse_licence_id, Licence};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LicenseJson {
    pub id: String,
    /// `Webex Calling - Professional`, `Webex Calling - Basic`, `Webex Calling - Workspaces`.
    pub name: String,
    pub total_units: i64,
    pub consumed_units: i64,
    pub subscription_id: String,
}

impl From<&Licence> for LicenseJson {
    fn from(l: &Licence) -> Self {
        Self {
            id: licence_wid(l.customer_id, l.kind),
            name: l.kind.webex_name().into(),
            total_units: l.total_units,
            consumed_units: l.consumed_units,
            subscription_id: l.subscription_id.clone(),
        }
    }
}

pub fn licence_wid(c: CustomerId, kind: LicenceKind) -> String {
    webex_id_text("LICENSE", &patchbay_store::calling::licence_id(c, kind))
}

/// A licence id a client sent, which must be one of `customer`'s.
pub fn licence_of(
    customer: CustomerId,
    raw: &str,
    field: &'static str,
) -> Result<LicenceKind, AppError> {
    let text = parse_webex_text("LICENSE", raw.trim()).unwrap_or_else(|| raw.trim().to_string());
    match parse_licence_id(&text) {
        Some((c, kind)) if c == customer => Ok(kind),
        _ => Err(AppError::field(field, Rule::Invalid)),
    }
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Listed<LicenseJson>> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    let items: Vec<LicenseJson> = state
        .store
        .licences(customer)
        .await?
        .iter()
        .map(LicenseJson::from)
        .collect();
    // Not paged: wxc_sdk reads one response.
    Ok(Listed::items(items))
}

/// Units of each calling licence a customer holds (provider side).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LicenceTotals {
    #[schema(minimum = 0, maximum = 1000000)]
    pub professional: Option<i64>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub basic: Option<i64>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub workspaces: Option<i64>,
}

async fn set_totals(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<LicenceTotals>,
) -> ApiResult<Listed<LicenseJson>> {
    let customer: CustomerId = id.parse().map_err(|_| AppError::NotFound)?;
    if !state
        .store
        .customer_in_scope(caller.principal.scope(), customer)
        .await?
    {
        return Err(AppError::NotFound);
    }
    let mut totals = Vec::new();
    for (field, kind, v) in [
        ("professional", LicenceKind::Professional, b.professional),
        ("basic", LicenceKind::Basic, b.basic),
        ("workspaces", LicenceKind::Workspaces, b.workspaces),
    ] {
        if let Some(v) = v {
            if !(0..=1_000_000).contains(&v) {
                return Err(AppError::field(
                    field,
                    Rule::Range {
                        min: 0,
                        max: 1_000_000,
                    },
                ));
            }
            totals.push((kind, v));
        }
    }
    state
        .store
        .set_licences(&caller.meta(), customer, &totals)
        .await?;
    let items: Vec<LicenseJson> = state
        .store
        .licences(customer)
        .await?
        .iter()
        .map(LicenseJson::from)
        .collect();
    Ok(Listed::items(items))
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/licenses",
            Capability::ViewProvisioning,
            "The organisation's calling licences with total and consumed units (not paged)",
            list,
        ),
        Endpoint::new(
            Method::PUT,
            "/v1/operations/customers/{id}/licenses",
            Capability::EditCustomers,
            "Set the units of each calling licence a customer holds (below the consumed units is refused)",
            set_totals,
        ),
    ]
}
