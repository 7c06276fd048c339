//! MAC validation (DEV-3): which addresses are well-formed, unrepeated and free on the platform.

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::http::api::webex::OrgQuery;
use crate::http::api::{ApiQuery, JsonBody};
use crate::service::calling::org;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use patchbay_domain::provisioning::normalise_mac;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MacsBody {
    pub macs: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MacStatusJson {
    /// As sent.
    pub mac: String,
    /// AVAILABLE, UNAVAILABLE, DUPLICATE_IN_LIST, INVALID
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'static str>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MacValidationJson {
    /// OK or ERRORS
    pub status: &'static str,
    pub mac_status: Vec<MacStatusJson>,
}

/// DEV-3: which MACs are valid and free on the platform.
pub(super) async fn validate_macs(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<MacsBody>,
) -> ApiResult<Json<MacValidationJson>> {
    org(&state, &caller, q.org_id.as_deref()).await?;
    crate::service::check_bulk_field("macs", b.macs.len())?;
    let normal: Vec<Option<String>> = b.macs.iter().map(|m| normalise_mac(m).ok()).collect();
    let valid: Vec<String> = normal.iter().flatten().cloned().collect();
    let taken = state.store.macs_in_use(&valid).await?;
    let mut seen = std::collections::HashSet::new();
    let statuses: Vec<MacStatusJson> = b
        .macs
        .iter()
        .zip(&normal)
        .map(|(sent, n)| {
            let (state, code, message) = match n {
                None => ("INVALID", Some(5675), Some("Invalid MAC address")),
                Some(n) if !seen.insert(n.clone()) => (
                    "DUPLICATE_IN_LIST",
                    Some(5676),
                    Some("MAC address repeated in the list"),
                ),
                Some(n) if taken.contains(n) => (
                    "UNAVAILABLE",
                    Some(5677),
                    Some("MAC address already in use"),
                ),
                Some(_) => ("AVAILABLE", None, None),
            };
            MacStatusJson {
                mac: sent.clone(),
                state,
                error_code: code,
                message,
            }
        })
        .collect();
    let ok = statuses.iter().all(|s| s.state == "AVAILABLE");
    Ok(Json(MacValidationJson {
        status: if ok { "OK" } else { "ERRORS" },
        mac_status: statuses,
    }))
}
