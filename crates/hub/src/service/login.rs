//! Console login (OPR-3, OPR-4): lockout, password check, expiry, session opening. Every attempt
//! is audited.

use super::{blocking, today};
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::lockout;
use patchbay_store::crypto::verify_password;
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
    let meta = AuditMeta {
        actor_id: None,
        actor_login: login.to_string(),
        source: source.to_string(),
    };
    let now = jiff::Timestamp::now();
    let since = now.as_millisecond() - lockout::lookback().as_millis() as i64;
    let failures = state.store.login_failures(login, since).await?;
    if let Some(until) = lockout::blocked_until(&failures, now) {
        let secs = until.duration_since(now).as_secs().max(1) as u64;
        state
            .store
            .audit(
                &meta,
                patchbay_store::audit::AuditEntry {
                    action: "login",
                    target_type: "account",
                    target_name: login.to_string(),
                    outcome: "blocked",
                    detail: format!("locked for {secs} s after repeated failures"),
                    ..Default::default()
                },
            )
            .await?;
        return Ok(Err(LoginRefusal::Blocked {
            retry_after_secs: secs,
        }));
    }
    let found = state.store.account_for_login(login).await?;
    let (hash, exists) = match &found {
        Some((_, h)) => (h.clone(), true),
        None => (state.dummy_hash.clone(), false),
    };
    let pw = password.to_string();
    let ok = blocking(move || verify_password(&pw, &hash)).await? && exists;
    let Some((account, _)) = found.filter(|_| ok) else {
        state
            .store
            .record_login_failure(&meta, login, "invalid credentials")
            .await?;
        return Ok(Err(LoginRefusal::InvalidCredentials));
    };
    let meta = AuditMeta {
        actor_id: Some(account.id),
        ..meta
    };
    if account.fields.disabled {
        state
            .store
            .record_login_failure(&meta, login, "account disabled")
            .await?;
        return Ok(Err(LoginRefusal::Disabled));
    }
    if patchbay_domain::account::is_expired(account.fields.expires_on, today()) {
        state.store.disable_expired_accounts(today()).await?;
        state
            .store
            .record_login_failure(&meta, login, "account expired")
            .await?;
        return Ok(Err(LoginRefusal::Expired));
    }
    let language = crate::i18n::I18n::language(language);
    let (token, _csrf) = state
        .store
        .open_session(&meta, account.id, language)
        .await?;
    state.store.set_language(account.id, language).await?;
    Ok(Ok(LoginOk {
        session_token: token,
        language,
    }))
}
