//! Remote support as staff manage it: maintenance proxy accounts (RMT-2) and the session audit
//! (RMT-8). The proxy itself is in `crate::proxy`.

use super::blocking;
use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::{Capability, Rule};
use patchbay_store::remote::{ProxyAccount, RemoteSession, SessionFilter, SessionSort};
use patchbay_store::{list::Page, PageRequest, SortOrder};

/// Shortest and longest proxy password.
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;

/// The proxy accounts the caller may know of.
pub async fn proxy_accounts(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<ProxyAccount>, AppError> {
    caller.require(Capability::ViewProxyAccounts)?;
    Ok(state.store.proxy_accounts(caller.principal.scope()).await?)
}

/// RMT-2: set a proxy account's user name, and its password when given (required the first
/// time). Every problem of the form at once, field by field.
pub async fn set_credentials(
    state: &AppState,
    caller: &Caller,
    id: &str,
    user_name: &str,
    password: Option<&str>,
) -> Result<(), AppError> {
    caller.require(Capability::ManageProxyAccounts)?;
    let account = state
        .store
        .proxy_account(caller.principal.scope(), id)
        .await?;
    let user_name = user_name.trim();
    let password = password.filter(|p| !p.is_empty());
    let mut errors = Vec::new();
    if user_name.is_empty() {
        errors.push(("userName", Rule::Required));
    } else if !patchbay_domain::remote::valid_proxy_user(user_name) {
        errors.push(("userName", Rule::LoginChars));
    }
    match password {
        None if !account.password_set => errors.push(("password", Rule::Required)),
        Some(p) if !(PASSWORD_MIN..=PASSWORD_MAX).contains(&p.chars().count()) => errors.push((
            "password",
            Rule::LengthBetween {
                min: PASSWORD_MIN,
                max: PASSWORD_MAX,
            },
        )),
        Some(p) if p.chars().any(char::is_control) => errors.push(("password", Rule::Invalid)),
        _ => {}
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(
            errors
                .into_iter()
                .map(|(f, r)| patchbay_domain::FieldError::new(f, r))
                .collect(),
        ));
    }
    let hash = match password {
        Some(p) => {
            let p = p.to_string();
            Some(blocking(move || patchbay_store::crypto::hash_password(&p)).await?)
        }
        None => None,
    };
    state
        .store
        .set_proxy_credentials(&caller.meta(), id, user_name, hash.as_deref())
        .await?;
    Ok(())
}

/// RMT-8: the session audit (Administrators).
pub async fn sessions(
    state: &AppState,
    caller: &Caller,
    filter: &SessionFilter,
    sort: Option<(SessionSort, SortOrder)>,
    page: PageRequest,
) -> Result<Page<RemoteSession>, AppError> {
    caller.require(Capability::AuditRemoteSessions)?;
    Ok(state.store.list_remote_sessions(filter, sort, page).await?)
}

/// RMT-8: end a live session; a session that has already ended is a conflict.
pub async fn end_session(state: &AppState, caller: &Caller, id: &str) -> Result<(), AppError> {
    caller.require(Capability::AuditRemoteSessions)?;
    match state.store.request_session_stop(&caller.meta(), id).await? {
        Some(node) => {
            // This node stops it at once; another node when it hears (or at its next heartbeat,
            // should the notice be lost).
            if node == state.agents.node_id {
                state.tunnels.stop(id);
            } else {
                let stop = crate::service::nodes::Command::StopSession {
                    session: id.to_string(),
                };
                if let Err(e) = crate::service::nodes::send(state, &node, stop).await {
                    tracing::warn!(error = %e, "cannot tell the session's node to end it; it will at its next heartbeat");
                }
            }
            Ok(())
        }
        None => Err(AppError::Conflict(
            "conflict-session-ended",
            "The session has already ended.".into(),
        )),
    }
}
