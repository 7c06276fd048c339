//! Console sessions, login failures (OPR-3) and API tokens (RBAC-4). Session ids and API tokens
//! are random; only their SHA-256 is stored.

use crate::accounts::Account;
use crate::audit::{parse_id, write, AuditEntry, AuditMeta};
use crate::crypto::{random_token, token_hash};
use crate::lockout::LoginAttempt;
use crate::{now_ms, ts, Result, Store, StoreError};
use patchbay_domain::{AccountId, TokenId};
use sqlx::Row;

/// A live console session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id_hash: String,
    pub account_id: AccountId,
    pub csrf_token: String,
    pub language: String,
    pub created_at: jiff::Timestamp,
    pub last_seen_at: jiff::Timestamp,
}

/// An API token as listed (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: TokenId,
    pub account_id: AccountId,
    pub name: String,
    pub created_at: jiff::Timestamp,
    pub last_used_at: Option<jiff::Timestamp>,
}

/// End every console session of an account inside `tx` (its password changed, it was disabled or
/// it expired).
pub(crate) async fn end_sessions_of(tx: &mut crate::Tx, account_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// A successful login: `attempt` stops counting as a failure (OPR-3), a session opens, an
    /// audit record is written; one transaction. Returns the session token (for the cookie) and its CSRF token.
    #[tracing::instrument(skip_all)]
    pub async fn open_session(
        &self,
        meta: &AuditMeta,
        account: AccountId,
        language: &str,
        attempt: Option<&LoginAttempt>,
    ) -> Result<(String, String)> {
        let token = random_token();
        let csrf = random_token();
        let now = now_ms();
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT login_name FROM accounts WHERE id = $1")
            .bind(account.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let name: String = row.try_get("login_name")?;
        // The successful attempt no longer counts; earlier failures do until they age out (three
        // failures within ten minutes block, whatever succeeded in between).
        if let Some(a) = attempt {
            sqlx::query("DELETE FROM login_attempts WHERE id = $1")
                .bind(a.id.as_str())
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO sessions (id, account_id, csrf_token, language, source, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(token_hash(&token))
        .bind(account.to_string())
        .bind(csrf.as_str())
        .bind(language)
        .bind(meta.source.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "login",
                target_type: "account",
                target_id: account.to_string(),
                target_name: name,
                outcome: "success",
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok((token, csrf))
    }

    /// The session for a cookie token, with its account.
    #[tracing::instrument(skip_all)]
    pub async fn session(&self, token: &str) -> Result<Option<(Session, Account)>> {
        let Some(r) = sqlx::query("SELECT * FROM sessions WHERE id = $1")
            .bind(token_hash(token))
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let s = Session {
            id_hash: r.try_get("id")?,
            account_id: parse_id(r.try_get("account_id")?)?,
            csrf_token: r.try_get("csrf_token")?,
            language: r.try_get("language")?,
            created_at: ts(r.try_get("created_at")?),
            last_seen_at: ts(r.try_get("last_seen_at")?),
        };
        let account = self.account(s.account_id).await?;
        Ok(Some((s, account)))
    }

    /// Mark activity on a session (idle timeout, OPR-5).
    pub async fn touch_session(&self, id_hash: &str) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
            .bind(id_hash)
            .bind(now_ms())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Move a session's last activity back in time (operators' tooling and the idle-timeout
    /// tests use it; the hub itself only moves it forward).
    pub async fn set_session_last_seen(&self, token: &str, at_ms: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
            .bind(token_hash(token))
            .bind(at_ms)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn set_session_language(&self, id_hash: &str, language: &str) -> Result<()> {
        sqlx::query("UPDATE sessions SET language = $2 WHERE id = $1")
            .bind(id_hash)
            .bind(language)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// End a session: logout (audited) or idle timeout (audited as such).
    #[tracing::instrument(skip_all)]
    pub async fn close_session(&self, meta: &AuditMeta, id_hash: &str, action: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id_hash)
            .execute(&mut *tx)
            .await?;
        write(
            &mut tx,
            meta,
            AuditEntry {
                action,
                target_type: "session",
                target_name: meta.actor_login.clone(),
                outcome: "success",
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Issue an API token for an account (RBAC-4). The clear token is returned once.
    #[tracing::instrument(skip_all)]
    pub async fn create_token(
        &self,
        meta: &AuditMeta,
        account: AccountId,
        name: &str,
    ) -> Result<String> {
        let token = format!("pb_{}", random_token());
        let id = TokenId::new();
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO api_tokens (id, account_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id.to_string())
            .bind(account.to_string())
            .bind(name)
            .bind(token_hash(&token))
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "token.create",
                target_type: "account",
                target_id: account.to_string(),
                target_name: name.to_string(),
                outcome: "success",
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The account a bearer token belongs to.
    #[tracing::instrument(skip_all)]
    pub async fn token_account(&self, token: &str) -> Result<Option<Account>> {
        let hash = token_hash(token);
        let Some(r) =
            sqlx::query("SELECT account_id, last_used_at FROM api_tokens WHERE token_hash = $1")
                .bind(hash.as_str())
                .fetch_optional(self.pool())
                .await?
        else {
            return Ok(None);
        };
        let account: AccountId = parse_id(r.try_get("account_id")?)?;
        let last: Option<i64> = r.try_get("last_used_at")?;
        let now = now_ms();
        // Record use at most once a minute: tokens drive busy automation.
        if last.is_none_or(|l| now - l > 60_000) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1")
                .bind(hash.as_str())
                .bind(now)
                .execute(self.pool())
                .await?;
        }
        match self.account(account).await {
            Ok(a) => Ok(Some(a)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn tokens_of(&self, account: AccountId) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query("SELECT id, account_id, name, created_at, last_used_at FROM api_tokens WHERE account_id = $1 ORDER BY created_at")
            .bind(account.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiToken {
                    id: parse_id(r.try_get("id")?)?,
                    account_id: parse_id(r.try_get("account_id")?)?,
                    name: r.try_get("name")?,
                    created_at: ts(r.try_get("created_at")?),
                    last_used_at: r.try_get::<Option<i64>, _>("last_used_at")?.map(ts),
                })
            })
            .collect()
    }
}
