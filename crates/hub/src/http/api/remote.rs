//! Remote support: `/v1/operations/proxyAccounts` (RMT-2: list, set user name and password) and
//! `/v1/operations/remoteSessions` (RMT-8: the audit of every proxy session; end a live one).

use super::schema::one_of;
use super::{JsonBody, ListQuery, Listed, NoContent, Paged};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::Endpoint;
use crate::service::remote as svc;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use patchbay_domain::{Capability, Rule};
use patchbay_store::remote::{ProxyAccount, RemoteSession, SessionFilter, SessionSort};
use serde::{Deserialize, Serialize};

/// The outcomes a session list may be narrowed to.
pub const OUTCOMES: [&str; 21] = [
    "open",
    "closed",
    "ended",
    "interrupted",
    "credentials-missing",
    "bad-credentials",
    "throttled",
    "not-a-proxy-request",
    "not-remote-support-address",
    "unknown-customer",
    "unknown-system",
    "system-offline",
    "remote-access-disabled",
    "colocated-disabled",
    "central-management-disabled",
    "port-not-allowed",
    "no-tunnel-entry",
    "system-timeout",
    "target-unreachable",
    "other-node",
    "hub-error",
];

crate::schema_fn! {
    outcome_schema => one_of(OUTCOMES);
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProxyAccountJson {
    pub id: String,
    /// distributor | reseller
    pub provider_type: String,
    pub provider_id: String,
    pub provider_name: String,
    /// Empty until set.
    pub user_name: String,
    /// Whether a password is set (it is never shown).
    pub password_set: bool,
    pub updated: Option<String>,
}

impl From<ProxyAccount> for ProxyAccountJson {
    fn from(a: ProxyAccount) -> Self {
        Self {
            id: a.id,
            provider_type: a.provider_kind.into(),
            provider_id: a.provider_id,
            provider_name: a.provider_name,
            user_name: a.user_name,
            password_set: a.password_set,
            updated: a.updated_at.map(|t| t.to_string()),
        }
    }
}

async fn list_accounts(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Listed<ProxyAccountJson>> {
    let items = svc::proxy_accounts(&state, &caller)
        .await?
        .into_iter()
        .map(ProxyAccountJson::from)
        .collect();
    Ok(Listed::items(items))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProxyCredentialsBody {
    /// 3–64 characters, no colon, space or control character; unique (case-insensitive).
    pub user_name: String,
    /// 8–128 characters; required the first time, absent to keep the current one.
    pub password: Option<String>,
}

async fn set_account(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ProxyCredentialsBody>,
) -> ApiResult<NoContent> {
    svc::set_credentials(&state, &caller, &id, &b.user_name, b.password.as_deref()).await?;
    Ok(NoContent)
}

/// Session filters.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct SessionQuery {
    /// `true`: only sessions still open; `false`: only ended ones.
    pub live: Option<bool>,
    #[param(schema_with = outcome_schema)]
    pub outcome: Option<String>,
    /// Part of the proxy user, customer, system, target or source address.
    pub search: Option<String>,
}

impl SessionQuery {
    pub fn filter(&self) -> Result<SessionFilter, AppError> {
        let outcome = self.outcome.clone().filter(|o| !o.trim().is_empty());
        if let Some(o) = &outcome {
            if !OUTCOMES.contains(&o.as_str()) {
                return Err(AppError::field(
                    "outcome",
                    Rule::OneOf {
                        allowed: OUTCOMES.join(", "),
                    },
                ));
            }
        }
        Ok(SessionFilter {
            live: self.live,
            outcome,
            search: self.search.clone().filter(|s| !s.trim().is_empty()),
        })
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionJson {
    pub id: String,
    pub proxy_user: String,
    /// The reseller or distributor of the proxy account.
    pub provider_name: String,
    pub source_address: String,
    /// `host:port` as the client asked.
    pub target: String,
    pub customer_id: Option<String>,
    pub customer_name: String,
    pub system_name: String,
    pub started: String,
    pub ended: Option<String>,
    /// Client → target.
    pub bytes_up: i64,
    /// Target → client.
    pub bytes_down: i64,
    /// open | closed | ended | interrupted | the refusal's code
    pub outcome: String,
    pub reason: String,
}

impl From<RemoteSession> for SessionJson {
    fn from(s: RemoteSession) -> Self {
        Self {
            id: s.id,
            proxy_user: s.proxy_user,
            provider_name: s.provider_name,
            source_address: s.source_address,
            target: s.target,
            customer_id: s.customer_id,
            customer_name: s.customer_name,
            system_name: s.system_name,
            started: s.started_at.to_string(),
            ended: s.ended_at.map(|t| t.to_string()),
            bytes_up: s.bytes_up,
            bytes_down: s.bytes_down,
            outcome: s.outcome,
            reason: s.reason,
        }
    }
}

async fn list_sessions(
    State(state): State<AppState>,
    caller: Caller,
    lq: ListQuery<SessionQuery, SessionSort>,
) -> ApiResult<Paged<SessionJson>> {
    let found = svc::sessions(&state, &caller, &lq.filter.filter()?, lq.sort, lq.page(50)).await?;
    let total = found.total;
    let items = found.items.into_iter().map(SessionJson::from).collect();
    Ok(Paged::new(&lq, 50, items, total))
}

async fn end_session(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<NoContent> {
    svc::end_session(&state, &caller, &id).await?;
    Ok(NoContent)
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/operations/proxyAccounts",
            Capability::ViewProxyAccounts,
            "List the maintenance proxy accounts, one per distributor and reseller (RMT-2)",
            list_accounts,
        ),
        Endpoint::new(
            Method::PUT,
            "/v1/operations/proxyAccounts/{id}",
            Capability::ManageProxyAccounts,
            "Set a maintenance proxy account's user name and password (RMT-2)",
            set_account,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/remoteSessions",
            Capability::AuditRemoteSessions,
            "List remote-support sessions: who, from where, to what, when, bytes, outcome (RMT-8)",
            list_sessions,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/remoteSessions/{id}/actions/end/invoke",
            Capability::AuditRemoteSessions,
            "End a live remote-support session (RMT-8)",
            end_session,
        ),
    ]
}
