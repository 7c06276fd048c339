//! What signing in needs from an account: the lookup by login name with the password hash,
//! password history and change (OPR-2, OPR-6), terms acceptance (OPR-4) and the language chosen at
//! login.

use super::{Account, COLUMNS};
use crate::audit::{write, AuditEntry, AuditMeta};
use crate::sessions::end_sessions_of;
use crate::{now_ms, Result, Store, StoreError};
use patchbay_domain::account::login_key;
use patchbay_domain::AccountId;
use sqlx::Row;

/// Add `hash` to the account's password history (OPR-2).
pub(super) async fn record_password(
    tx: &mut crate::Tx,
    id: AccountId,
    hash: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO password_history (account_id, password_hash, created_at) VALUES ($1, $2, $3)",
    )
    .bind(id.to_string())
    .bind(hash)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Make `hash` the account's password and record it in the (bounded) history.
pub(crate) async fn set_password_in(
    tx: &mut crate::Tx,
    id: AccountId,
    hash: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE accounts SET password_hash = $2, password_changed_at = $3 WHERE id = $1")
        .bind(id.to_string())
        .bind(hash)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    record_password(tx, id, hash, now).await?;
    // Keep the history bounded: the preference cannot exceed 24.
    sqlx::query(
        "DELETE FROM password_history WHERE account_id = $1 AND created_at < \
         (SELECT MIN(created_at) FROM (SELECT created_at FROM password_history WHERE account_id = $1 \
         ORDER BY created_at DESC LIMIT 25) AS recent)",
    )
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// The account and its password hash for a login attempt.
    #[tracing::instrument(skip_all)]
    pub async fn account_for_login(&self, login: &str) -> Result<Option<(Account, String)>> {
        let sql = format!("SELECT {COLUMNS}, password_hash FROM accounts WHERE login_key = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(login_key(login))
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let hash: String = row.try_get("password_hash")?;
        Ok(Some((self.account_from(&row).await?, hash)))
    }

    /// The stored hash of the account's current password.
    pub async fn password_hash(&self, id: AccountId) -> Result<String> {
        let Some(row) = sqlx::query("SELECT password_hash FROM accounts WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
        else {
            return Err(StoreError::NotFound);
        };
        Ok(row.try_get("password_hash")?)
    }

    /// Hashes of the last `n` passwords (current included), newest first, for OPR-2.
    #[tracing::instrument(skip_all)]
    pub async fn password_history(&self, id: AccountId, n: i64) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT password_hash FROM password_history WHERE account_id = $1 ORDER BY created_at DESC LIMIT $2",
        )
        .bind(id.to_string())
        .bind(n.max(1))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok(r.try_get("password_hash")?))
            .collect()
    }

    /// Change an account's own password (OPR-6): records history, clears the forced-change flag
    /// and ends every session of the account.
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn change_password(&self, meta: &AuditMeta, id: AccountId, hash: &str) -> Result<()> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        set_password_in(&mut tx, id, hash, now).await?;
        // The owner chose a password: a pending invitation has nothing left to do.
        sqlx::query("DELETE FROM invitations WHERE account_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE accounts SET force_password_change = 0, updated_at = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        end_sessions_of(&mut tx, &id.to_string()).await?;
        let entry =
            AuditEntry::success("account.password.change", "account", id, &meta.actor_login);
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// OPR-4: the first-login terms were accepted.
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn accept_terms(&self, meta: &AuditMeta, id: AccountId) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE accounts SET terms_accepted_at = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        let entry = AuditEntry::success("account.terms.accept", "account", id, &meta.actor_login);
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Set the account's language (chosen at login).
    pub async fn set_language(&self, id: AccountId, language: &str) -> Result<()> {
        sqlx::query("UPDATE accounts SET language = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(language)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
