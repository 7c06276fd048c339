//! SIP-3 / DEV-9 through the API: what the registrar says about each line of a device — the
//! detail behind the device's `connectionStatus`.

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::http::api::webex::devices::visible_device;
use crate::http::api::webex::{iso, OrgQuery};
use crate::http::api::{ApiQuery, Listed};
use crate::http::catalog::Endpoint;
use crate::service::sip::{device_registrations, LineRegistration};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use patchbay_domain::Capability;
use serde::Serialize;

/// One line of a device as the registrar sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LineRegistrationJson {
    pub port: i64,
    /// The SIP user the line registers and authenticates as.
    pub sip_user_name: String,
    pub registered: bool,
    /// Unexpired bindings (phones registered on this line).
    pub contacts: usize,
    /// When the registrar last accepted a REGISTER for the newest binding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_registration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// `ip:port` the REGISTER came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// `udp`, `tcp` or `tls`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport: Option<String>,
}

impl From<LineRegistration> for LineRegistrationJson {
    fn from(l: LineRegistration) -> Self {
        let b = l.binding;
        Self {
            port: l.port,
            sip_user_name: l.user,
            registered: b.is_some(),
            contacts: l.contacts,
            last_registration: b.as_ref().map(|b| iso(b.last_modified)),
            expires: b.as_ref().map(|b| iso(b.expires)),
            contact: b.as_ref().map(|b| b.contact.clone()),
            source_address: b.as_ref().map(|b| b.source()),
            user_agent: b.as_ref().map(|b| b.user_agent.clone()),
            transport: b.as_ref().and_then(|b| b.transport()),
        }
    }
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Listed<LineRegistrationJson>> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    let lines = device_registrations(&state, &d).await?;
    Ok(Listed::items(lines.into_iter().map(Into::into).collect()))
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        Method::GET,
        "/v1/devices/{id}/registrations",
        Capability::ViewProvisioning,
        "Registration state of each line of a device: registered, last registration, expiry, contact, source address, user agent (SIP-3)",
        list,
    )]
}
