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

/// Counts invalid bearer tokens per source address: after `LIMIT` failures within `WINDOW` the
/// address gets 429 with Retry-After until the window ends (guessing tokens is not worth trying).
/// Per node and in memory: an attacker spread over nodes still meets each node's limit.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<std::collections::HashMap<std::net::IpAddr, (std::time::Instant, u32)>>,
}

impl Throttle {
    pub const LIMIT: u32 = 20;
    pub const WINDOW: std::time::Duration = std::time::Duration::from_secs(60);

    /// Seconds to wait when the address is throttled.
    pub fn check(&self, ip: std::net::IpAddr) -> Option<u64> {
        let map = self.failures.lock().ok()?;
        let (start, n) = map.get(&ip)?;
        let elapsed = start.elapsed();
        (*n >= Self::LIMIT && elapsed < Self::WINDOW)
            .then(|| (Self::WINDOW - elapsed).as_secs().max(1))
    }

    pub fn fail(&self, ip: std::net::IpAddr) {
        if let Ok(mut map) = self.failures.lock() {
            if map.len() > 100_000 {
                map.retain(|_, (start, _)| start.elapsed() < Self::WINDOW);
            }
            let entry = map.entry(ip).or_insert((std::time::Instant::now(), 0));
            if entry.0.elapsed() >= Self::WINDOW {
                *entry = (std::time::Instant::now(), 0);
            }
            entry.1 += 1;
        }
    }
}

fn peer_ip(ext: &axum::http::Extensions) -> Option<std::net::IpAddr> {
    ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

/// API authentication: a bearer token of an enabled, unexpired account.
pub async fn api_auth(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let ip = peer_ip(req.extensions());
    if let Some(secs) = ip.and_then(|ip| state.throttle.check(ip)) {
        return Err(AppError::RateLimited {
            retry_after_secs: secs,
        });
    }
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
        if let Some(ip) = ip {
            state.throttle.fail(ip);
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
