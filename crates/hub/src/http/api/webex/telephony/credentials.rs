//! A device's SIP credentials through the Webex path (DEV-4: user name, line port, outbound
//! proxy, never the password) and its SIP password: set by the client or reset to a generated
//! one (DEV-5).

use super::kind_type;
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::webex::devices::visible_device;
use crate::http::api::webex::{wid, OrgQuery};
use crate::http::api::{ApiQuery, JsonBody, NoContent};
use crate::service::calling as svc;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use patchbay_domain::Rule;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OwnerJson {
    pub sip_user_name: String,
    /// `user@registrar`.
    pub line_port: String,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub first_name: String,
    pub last_name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProxyJson {
    /// The domain the device resolves with DNS SRV.
    pub outbound_proxy: String,
}

/// Webex `TelephonyDeviceDetails`; the password is never returned.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TelephonyDeviceJson {
    pub id: String,
    pub mac: String,
    pub model: String,
    pub manufacturer: String,
    pub managed_by: String,
    pub activation_state: &'static str,
    pub description: Vec<String>,
    pub upgrade_channel_enabled: bool,
    pub owner: OwnerJson,
    pub proxy: ProxyJson,
    /// Registrar domain (DEV-4; not in Webex's model).
    pub registrar_domain: String,
}

pub(super) async fn details(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<TelephonyDeviceJson>> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    let owner_kind = d.owner.kind;
    Ok(Json(TelephonyDeviceJson {
        id: wid("DEVICE", &d.id.0),
        mac: d.mac,
        model: d.model.model,
        manufacturer: d.model.manufacturer,
        managed_by: d.model.managed_by,
        activation_state: if d.status == "connected" {
            "activated"
        } else {
            "activating"
        },
        description: Vec::new(),
        upgrade_channel_enabled: false,
        owner: OwnerJson {
            sip_user_name: d.sip_user_name,
            line_port: d.line_port,
            id: wid(kind_type(owner_kind), &d.owner.id),
            kind: owner_kind.as_str(),
            first_name: d.owner.first_name,
            last_name: d.owner.last_name,
        },
        proxy: ProxyJson {
            outbound_proxy: d.outbound_proxy,
        },
        registrar_domain: d.registrar,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordBody {
    pub sip_password: Option<String>,
}

/// DEV-5 through the Webex path: set the SIP password the client supplies.
pub(super) async fn update_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<PasswordBody>,
) -> ApiResult<NoContent> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    let pw = b
        .sip_password
        .filter(|p| !p.is_empty())
        .ok_or_else(|| AppError::field("sipPassword", Rule::Required))?;
    svc::reset_password(&state, &caller, &d, Some(&pw)).await?;
    Ok(NoContent)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewPasswordJson {
    /// Shown once.
    pub sip_password: String,
    /// PRV-2: the new password of the device's provisioning file (digest user: its MAC in
    /// lower case), for a customer-managed device; shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_password: Option<String>,
}

/// DEV-5: reset to a newly generated password, returned once.
pub(super) async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<NewPasswordJson>> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    let secrets = svc::reset_password(&state, &caller, &d, None).await?;
    Ok(Json(NewPasswordJson {
        sip_password: secrets.sip,
        provisioning_password: secrets.provisioning,
    }))
}
