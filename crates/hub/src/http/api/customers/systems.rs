//! A customer's systems and their servers (SYS-*), and the connection test: is the system
//! connected and authenticated right now?

use super::{json::status_message, visible_customer};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::http::api::{id_from_path, Listed};
use crate::service::customers as svc;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use patchbay_store::systems::SystemView;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerJson {
    pub name: String,
    /// primary | secondary | expansion | application
    pub role: String,
    pub address: String,
    pub version: String,
    /// online | offline
    pub state: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SystemJson {
    pub id: String,
    pub name: String,
    pub profile: String,
    pub version: String,
    pub address: String,
    pub port: i64,
    pub connected: bool,
    pub last_seen: Option<String>,
    #[schema(value_type = Object)]
    pub remote_operations: patchbay_domain::system::RemoteFlags,
    pub servers: Vec<ServerJson>,
    /// SYS-4: the newest release in the software repository for the system's profile, when it
    /// is newer than the system's version.
    pub new_version: Option<String>,
    /// The phone firmware the system serves (UPG-2); empty when not known.
    pub phone_firmware: String,
    /// SYS-8: the certificate the hub issued the system (it covers its servers' addresses), or
    /// the last failure to; absent when the hub never managed its certificate.
    pub certificate: Option<SystemCertificateJson>,
}

/// SYS-8: a system's certificate.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SystemCertificateJson {
    /// Hex; empty when none is installed yet.
    pub serial: String,
    pub subject: String,
    /// The names it covers, comma separated.
    pub names: String,
    pub not_before: Option<String>,
    pub not_after: Option<String>,
    pub installed_at: Option<String>,
    /// Why the last issue or renewal failed; empty when it did not.
    pub failure: String,
    pub failed_at: Option<String>,
}

impl From<patchbay_store::system_certificates::SystemCertificate> for SystemCertificateJson {
    fn from(c: patchbay_store::system_certificates::SystemCertificate) -> Self {
        let t = |t: Option<jiff::Timestamp>| t.map(|t| t.to_string());
        Self {
            not_before: t(c.not_before),
            not_after: t(c.not_after),
            installed_at: t(c.installed_at),
            failed_at: t(c.failed_at),
            serial: c.serial,
            subject: c.subject,
            names: c.names,
            failure: c.failure,
        }
    }
}

impl From<SystemView> for SystemJson {
    fn from(s: SystemView) -> Self {
        Self {
            id: s.id.to_string(),
            name: s.name,
            profile: s.profile,
            version: s.version,
            address: s.address,
            port: s.port,
            connected: s.connected,
            last_seen: s.last_seen_at.map(|t| t.to_string()),
            remote_operations: s.flags,
            new_version: None,
            certificate: None,
            phone_firmware: s.phone_firmware,
            servers: s
                .servers
                .into_iter()
                .map(|v| ServerJson {
                    name: v.name,
                    role: v.role,
                    address: v.address,
                    version: v.version,
                    state: v.state,
                })
                .collect(),
        }
    }
}

pub(super) async fn systems(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Listed<SystemJson>> {
    let id = visible_customer(&state, &caller, &id).await?;
    let newest = crate::service::repository::newest_releases(&state).await?;
    let mut certificates = state.store.customer_system_certificates(id).await?;
    let items: Vec<SystemJson> = state
        .store
        .systems_of(id)
        .await?
        .into_iter()
        .map(|s| {
            let new_version =
                crate::service::repository::newer_for(&newest, &s.profile, &s.version);
            let certificate = certificates
                .iter()
                .position(|c| c.system_name == s.name)
                .map(|i| certificates.swap_remove(i).into());
            SystemJson {
                new_version,
                certificate,
                ..s.into()
            }
        })
        .collect();
    Ok(Listed::items(items))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TestResult {
    /// The customer's system is connected and authenticated right now.
    pub ok: bool,
    pub connectivity: String,
    pub status: String,
    pub status_message: String,
}

pub(super) async fn test_connection(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<TestResult>> {
    let id = id_from_path(&id)?;
    let (ok, light, code) = svc::test_connection(&state, &caller, id).await?;
    let c = svc::get(&state, &caller, id).await?;
    Ok(Json(TestResult {
        ok,
        connectivity: light,
        status_message: status_message(&code, c.last_seen_at),
        status: code,
    }))
}
