//! Console login (OPR-3, OPR-4): lockout, password check, expiry, session opening. Every attempt
//! is audited.

use super::{blocking, today};
use crate::error::AppError;
use crate::state::AppState;
use patchbay_store::audit::AuditEntry;
use patchbay_store::crypto::verify_password;
use patchbay_store::lockout::Admission;
use patchbay_store::AuditMeta;

/// Why a login was refused (the console shows one message per case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginRefusal {
    /// Unknown login or wrong password: the message does not say which.
    InvalidCredentials,
    Disabled,
    Expired,
    /// OPR-3: blocked until then, even with the right password.
    Blocked {
        retry_after_secs: u64,
    },
}

pub struct LoginOk {
    pub session_token: String,
    pub language: &'static str,
}

pub async fn login(
    state: &AppState,
    login: &str,
    password: &str,
    language: &str,
    source: &str,
) -> Result<Result<LoginOk, LoginRefusal>, AppError> {
    let login = login.trim();
    let plausible = patchbay_domain::account::is_plausible_login(login);
    let meta = AuditMeta {
        actor_id: None,
        // A name no account can have (control characters, NUL, too long) is not stored as given.
        actor_login: if plausible { login } else { "(invalid)" }.to_string(),
        source: source.to_string(),
    };
    if !plausible {
        // Same cost as a wrong password, and nothing to lock: no account has this name.
        let (pw, hash) = (password.to_string(), state.dummy_hash.clone());
        blocking(move || verify_password(&pw, &hash)).await?;
        audit_refusal(state, &meta, "failure", "invalid credentials".into()).await?;
        return Ok(Err(LoginRefusal::InvalidCredentials));
    }
    let attempt = match state.store.admit_login_attempt(login).await? {
        Admission::Admitted(a) => a,
        Admission::Blocked { until } => {
            let secs = blocked_secs(until);
            let detail = format!("locked for {secs} s after repeated failures");
            audit_refusal(state, &meta, "blocked", detail).await?;
            return Ok(Err(LoginRefusal::Blocked {
                retry_after_secs: secs,
            }));
        }
    };
    let found = state.store.account_for_login(login).await?;
    let (hash, exists) = match &found {
        Some((_, h)) => (h.clone(), true),
        None => (state.dummy_hash.clone(), false),
    };
    let pw = password.to_string();
    let ok = blocking(move || verify_password(&pw, &hash)).await? && exists;
    let fail = |meta: AuditMeta, reason: &'static str| {
        let attempt = attempt.clone();
        async move {
            state
                .store
                .login_attempt_failed(&meta, &attempt, "login", login, reason)
                .await
        }
    };
    let Some((account, _)) = found.filter(|_| ok) else {
        fail(meta, "invalid credentials").await?;
        return Ok(Err(LoginRefusal::InvalidCredentials));
    };
    let meta = AuditMeta {
        actor_id: Some(account.id),
        ..meta
    };
    if account.fields.disabled {
        fail(meta, "account disabled").await?;
        return Ok(Err(LoginRefusal::Disabled));
    }
    if patchbay_domain::account::is_expired(account.fields.expires_on, today()) {
        state.store.disable_expired_accounts(today()).await?;
        fail(meta, "account expired").await?;
        return Ok(Err(LoginRefusal::Expired));
    }
    let language = crate::i18n::I18n::language(language);
    let (token, _csrf) = state
        .store
        .open_session(&meta, account.id, language, Some(&attempt))
        .await?;
    state.store.set_language(account.id, language).await?;
    Ok(Ok(LoginOk {
        session_token: token,
        language,
    }))
}

/// Audit a login refused before any password check (the actor's login names the target).
async fn audit_refusal(
    state: &AppState,
    meta: &AuditMeta,
    outcome: &str,
    detail: String,
) -> Result<(), AppError> {
    let entry = AuditEntry {
        action: "login",
        target_type: "account",
        target_name: meta.actor_login.clone(),
        outcome,
        detail,
        ..Default::default()
    };
    Ok(state.store.audit(meta, entry).await?)
}

/// Whole seconds until `until` (at least 1), for Retry-After and the console's message.
pub fn blocked_secs(until: jiff::Timestamp) -> u64 {
    until
        .duration_since(jiff::Timestamp::now())
        .as_secs()
        .max(1) as u64
}
