//! Who is calling. API requests carry `Authorization: Bearer <token>` (RBAC-4); console requests a
//! session cookie. Either way the middleware puts a [`Caller`] in the request, and each route's
//! guard asks the policy table for the route's [`Capability`].

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use patchbay_domain::{Capability, Principal};
use patchbay_store::sessions::Session;
use patchbay_store::{Account, AuditMeta};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: Account,
    pub principal: Principal,
    /// Present for console requests.
    pub session: Option<Session>,
    pub source: String,
}

impl Caller {
    pub fn new(account: Account, session: Option<Session>, source: String) -> Self {
        Self {
            principal: account.principal(),
            account,
            session,
            source,
        }
    }

    pub fn meta(&self) -> AuditMeta {
        AuditMeta {
            actor_id: Some(self.account.id),
            actor_login: self.account.fields.login_name.clone(),
            source: self.source.clone(),
        }
    }

    pub fn can(&self, cap: Capability) -> bool {
        self.principal.allowed(cap)
    }

    pub fn require(&self, cap: Capability) -> Result<(), AppError> {
        if self.can(cap) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or(AppError::Unauthorized)
    }
}

/// The remote address of the request, for audit records.
pub fn source_of(parts_ext: &axum::http::Extensions) -> String {
    parts_ext
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default()
}

/// Filled by the authentication layers so the failure-audit layer (outside them) knows who acted.
#[derive(Clone, Default)]
pub struct AuditSlot(pub Arc<Mutex<Option<AuditMeta>>>);

impl AuditSlot {
    pub fn set(&self, meta: AuditMeta) {
        if let Ok(mut g) = self.0.lock() {
            *g = Some(meta);
        }
    }
    pub fn get(&self) -> Option<AuditMeta> {
        self.0.lock().ok().and_then(|g| g.clone())
    }
}

/// Throttles bearer-token guessing (API-1): each source address may present
/// [`Throttle::LIMIT`] invalid tokens per [`Throttle::WINDOW`] (a leaky bucket: one more every
/// WINDOW / LIMIT); beyond that its invalid tokens are answered 429 with Retry-After instead of
/// 401. A valid token is never refused by the throttle, so one broken script behind a company's
/// address does not shut out everyone else there. IPv6 sources are keyed by their /64, the block
/// one host usually has. Per node and in memory: an attacker spread over nodes meets each
/// node's limit.
pub struct Throttle {
    limiter: governor::DefaultKeyedRateLimiter<std::net::IpAddr>,
}

impl Default for Throttle {
    fn default() -> Self {
        let per_cell = Self::WINDOW / Self::LIMIT;
        let burst = std::num::NonZeroU32::new(Self::LIMIT).unwrap_or(std::num::NonZeroU32::MIN);
        let quota = governor::Quota::with_period(per_cell)
            .unwrap_or_else(|| governor::Quota::per_second(burst))
            .allow_burst(burst);
        Self {
            limiter: governor::RateLimiter::keyed(quota),
        }
    }
}

impl Throttle {
    pub const LIMIT: u32 = 20;
    pub const WINDOW: std::time::Duration = std::time::Duration::from_secs(60);

    pub(crate) fn key(ip: std::net::IpAddr) -> std::net::IpAddr {
        match ip {
            std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => std::net::IpAddr::V4(v4),
                None => {
                    let s = v6.segments();
                    std::net::IpAddr::V6(std::net::Ipv6Addr::new(
                        s[0], s[1], s[2], s[3], 0, 0, 0, 0,
                    ))
                }
            },
            v4 => v4,
        }
    }

    /// Record an invalid token from `ip`; `Some(seconds to wait)` when it is over the limit.
    pub fn fail(&self, ip: std::net::IpAddr) -> Option<u64> {
        use governor::clock::{Clock, DefaultClock};
        self.limiter
            .check_key(&Self::key(ip))
            .err()
            .map(|not_until| {
                not_until
                    .wait_time_from(DefaultClock::default().now())
                    .as_secs()
                    .max(1)
            })
    }

    /// Forget addresses whose bucket is full again (called every few seconds).
    pub fn housekeeping(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// Failed answers per source with a block: a source over the [`Throttle`]'s limit waits out
/// its time, refused even when it then answers right (a guesser cannot keep probing between
/// refusals). Per node, in memory.
#[derive(Default)]
pub struct FailureGate {
    failures: Throttle,
    blocked: std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, std::time::Instant>>,
}

impl FailureGate {
    /// Seconds `peer` must still wait, if it is blocked.
    pub fn wait_of(&self, peer: std::net::IpAddr) -> Option<u64> {
        let now = std::time::Instant::now();
        let blocked = self.blocked.lock().ok()?;
        let until = blocked.get(&Throttle::key(peer)).copied()?;
        (until > now).then(|| until.duration_since(now).as_secs().max(1))
    }

    /// Take one try for `peer` before its answer is checked (so parallel guesses cannot all be
    /// checked before the first failures are counted): `Err(seconds)` when it is blocked, or is
    /// now over its limit and blocked for that long. A right answer uses a try too.
    pub fn attempt(&self, peer: std::net::IpAddr) -> Result<(), u64> {
        if let Some(wait) = self.wait_of(peer) {
            return Err(wait);
        }
        match self.fail(peer) {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    /// Record a failure from `peer`; `Some(seconds)` when it is now blocked for that long.
    pub fn fail(&self, peer: std::net::IpAddr) -> Option<u64> {
        let wait = self.failures.fail(peer)?;
        if let Ok(mut b) = self.blocked.lock() {
            b.insert(
                Throttle::key(peer),
                std::time::Instant::now() + std::time::Duration::from_secs(wait),
            );
        }
        Some(wait)
    }

    pub fn housekeeping(&self) {
        self.failures.housekeeping();
        if let Ok(mut b) = self.blocked.lock() {
            let now = std::time::Instant::now();
            b.retain(|_, until| *until > now);
        }
    }
}

/// The address a request came from (unspecified when the listener does not say: such
/// requests share one limit).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub std::net::IpAddr);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Peer(peer_ip(&parts.extensions).unwrap_or(
            std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
        )))
    }
}

fn peer_ip(ext: &axum::http::Extensions) -> Option<std::net::IpAddr> {
    ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

/// A mobile operator calling its API with its own token (MOB-1): no staff token works there, and
/// an operator's token works nowhere else (it is no account's). Unknown tokens count against the
/// source like the API's.
#[derive(Debug, Clone)]
pub struct OperatorCaller {
    pub operator: patchbay_store::calling::mobile_operators::MobileOperator,
    pub source: String,
}

impl OperatorCaller {
    /// Who acts, for the audit log.
    pub fn meta(&self) -> AuditMeta {
        AuditMeta {
            actor_id: None,
            actor_login: format!("operator:{}", self.operator.name),
            source: self.source.clone(),
        }
    }
}

impl axum::extract::FromRequestParts<AppState> for OperatorCaller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, AppError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(|t| t.trim().to_string())
            .ok_or(AppError::Unauthorized)?;
        let hash = patchbay_store::crypto::token_hash(&token);
        let Some(operator) = state.store.operator_by_token(&hash).await? else {
            if let Some(secs) = peer_ip(&parts.extensions).and_then(|ip| state.throttle.fail(ip)) {
                return Err(AppError::RateLimited {
                    retry_after_secs: secs,
                });
            }
            return Err(AppError::Unauthorized);
        };
        Ok(Self {
            operator,
            source: source_of(&parts.extensions),
        })
    }
}

impl crate::http::catalog::DocInput for OperatorCaller {}

/// API authentication: a bearer token of an enabled, unexpired account.
pub async fn api_auth(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let ip = peer_ip(req.extensions());
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_string());
    let Some(token) = token else {
        return Err(AppError::Unauthorized);
    };
    let Some(account) = state.store.token_account(&token).await? else {
        if let Some(secs) = ip.and_then(|ip| state.throttle.fail(ip)) {
            return Err(AppError::RateLimited {
                retry_after_secs: secs,
            });
        }
        return Err(AppError::Unauthorized);
    };
    if !account_usable(&state, &account).await? {
        return Err(AppError::Unauthorized);
    }
    let caller = Caller::new(account, None, source_of(req.extensions()));
    if let Some(slot) = req.extensions().get::<AuditSlot>() {
        slot.set(caller.meta());
    }
    req.extensions_mut().insert(caller);
    Ok(next.run(req).await)
}

/// Disabled and expired accounts cannot act; reaching the expiry date disables the account
/// (OPR-1).
pub async fn account_usable(state: &AppState, account: &Account) -> Result<bool, AppError> {
    if account.fields.disabled {
        return Ok(false);
    }
    let today = jiff::Zoned::now().date();
    if patchbay_domain::account::is_expired(account.fields.expires_on, today) {
        state.store.disable_expired_accounts(today).await?;
        return Ok(false);
    }
    Ok(true)
}

/// Route guard: the policy table decides (RBAC-1).
pub async fn require(
    State(cap): State<Capability>,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let Some(caller) = req.extensions().get::<Caller>() else {
        return Err(AppError::Unauthorized);
    };
    caller.require(cap)?;
    Ok(next.run(req).await)
}

/// Whether two secrets are equal, in time that depends only on their length (CSRF tokens,
/// service passwords, enrolment secrets).
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
