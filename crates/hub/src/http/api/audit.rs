//! `/v1/operations/auditEvents`: the audit log, Administrators only, newest first, paged.

use super::{ListQuery, Paged};
use crate::error::ApiResult;
use crate::http::catalog::Endpoint;
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use patchbay_domain::Capability;
use patchbay_store::audit::{AuditEvent, AuditFilter};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEventJson {
    pub id: String,
    pub created: String,
    pub actor_id: Option<String>,
    pub actor_login_name: String,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub target_name: String,
    pub source_address: String,
    /// success | failure | denied | blocked
    pub outcome: String,
    pub detail: String,
}

impl From<AuditEvent> for AuditEventJson {
    fn from(e: AuditEvent) -> Self {
        Self {
            id: e.id.to_string(),
            created: e.at.to_string(),
            actor_id: e.actor_id.map(|a| a.to_string()),
            actor_login_name: e.actor_login,
            action: e.action,
            target_type: e.target_type,
            target_id: e.target_id,
            target_name: e.target_name,
            source_address: e.source,
            outcome: e.outcome,
            detail: e.detail,
        }
    }
}

/// Audit-log filters (exact matches).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct AuditQuery {
    /// `login`, `request`, `create-account` …
    pub action: Option<String>,
    pub actor_login_name: Option<String>,
    /// success | failure | denied | blocked
    pub outcome: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    lq: ListQuery<AuditQuery>,
) -> ApiResult<Paged<AuditEventJson>> {
    let page = lq.page(100);
    let q = &lq.filter;
    let filter = AuditFilter {
        action: q.action.clone().filter(|s| !s.is_empty()),
        actor_login: q.actor_login_name.clone().filter(|s| !s.is_empty()),
        outcome: q.outcome.clone().filter(|s| !s.is_empty()),
    };
    let (items, total) = state.store.list_audit(&filter, page).await?;
    let items = items.into_iter().map(Into::into).collect();
    Ok(Paged::new(&lq, 100, items, total))
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        Method::GET,
        "/v1/operations/auditEvents",
        Capability::ViewAuditLog,
        "List audit events, newest first",
        list,
    )]
}
