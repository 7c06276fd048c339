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

/// API authentication: a bearer token of an enabled, unexpired account.
pub async fn api_auth(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, AppError> {
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
