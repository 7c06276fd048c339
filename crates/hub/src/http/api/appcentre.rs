//! `/v1/operations/applicationCentre` (APC-1), Administrator only: Patchbay's own components
//! with their health measured now, every hub node, and the hub's own alarms.

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::http::catalog::Endpoint;
use crate::service::appcentre as svc;
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use axum::Json;
use patchbay_domain::Capability;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComponentJson {
    /// `database`, `blobStore`, `mailer`, `scheduler`, `agentGateway`, `remoteSupportProxy`,
    /// `registrar`, `nodes`, `identityCertificate`.
    pub component: &'static str,
    /// `ok`, `degraded` or `unhealthy`.
    pub health: &'static str,
    pub version: String,
    pub instances: i64,
    /// What was measured, by the console's label id.
    pub facts: BTreeMap<String, String>,
    pub summary: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NodeJson {
    pub id: String,
    pub version: String,
    pub started_at: String,
    pub heartbeat_at: String,
    /// Systems connected to it now.
    pub connected_systems: i64,
    pub open_tunnels: i64,
    /// No heartbeat for over 30 seconds.
    pub silent: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HubAlarmJson {
    pub component: String,
    /// `major` (unhealthy) or `warning` (degraded).
    pub severity: String,
    pub description: String,
    pub first_occurrence: String,
    pub last_occurrence: String,
    pub ongoing: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationCentreJson {
    pub measured_at: String,
    pub components: Vec<ComponentJson>,
    pub nodes: Vec<NodeJson>,
    pub alarms: Vec<HubAlarmJson>,
}

async fn overview(
    State(state): State<AppState>,
    _caller: Caller,
) -> ApiResult<Json<ApplicationCentreJson>> {
    let o = svc::measure(&state).await;
    Ok(Json(ApplicationCentreJson {
        measured_at: jiff::Timestamp::now().to_string(),
        components: o
            .components
            .into_iter()
            .map(|c| ComponentJson {
                component: c.component.code(),
                health: c.health.code(),
                version: c.version,
                instances: c.instances,
                facts: c
                    .facts
                    .into_iter()
                    .map(|(k, v)| (k.trim_start_matches("apc-fact-").to_string(), v))
                    .collect(),
                summary: c.summary,
            })
            .collect(),
        nodes: o
            .nodes
            .into_iter()
            .map(|n| NodeJson {
                id: n.facts.id,
                version: n.facts.version,
                started_at: n.facts.started_at.to_string(),
                heartbeat_at: n.facts.heartbeat_at.to_string(),
                connected_systems: n.facts.agents,
                open_tunnels: n.facts.tunnels,
                silent: n.silent,
            })
            .collect(),
        alarms: o
            .alarms
            .into_iter()
            .map(|a| HubAlarmJson {
                component: a.component,
                severity: a.severity,
                description: a.description,
                first_occurrence: a.first_at.to_string(),
                last_occurrence: a.last_at.to_string(),
                ongoing: a.ongoing,
            })
            .collect(),
    }))
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        Method::GET,
        "/v1/operations/applicationCentre",
        Capability::ServerSettings,
        "Patchbay's own components, measured now, the hub nodes and the hub's alarms (APC-1)",
        overview,
    )]
}
