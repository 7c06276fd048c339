//! ONB-1: invitations to set one's own password, as a one-time link with a token kept only as a
//! hash. Accepting one is a guarded UPDATE (used once, before it expires) in the same
//! transaction as the new password.

use super::login::set_password_in;
use crate::audit::{write, AuditEntry, AuditMeta};
use crate::sessions::end_sessions_of;
use crate::{now_ms, Result, Store};
use patchbay_domain::AccountId;
use sqlx::Row;

impl Store {
    /// A new invitation for `account` (the previous one stops working).
    #[tracing::instrument(skip_all, fields(%account))]
    pub async fn create_invitation(
        &self,
        meta: &AuditMeta,
        account: AccountId,
        token_hash: &str,
        expires_at: jiff::Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM invitations WHERE account_id = $1")
            .bind(account.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO invitations (token_hash, account_id, expires_at, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(account.to_string())
        .bind(expires_at.as_millisecond())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry::success("account.invite", "account", account, "");
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account and login name an unused, unexpired invitation is for.
    pub async fn invitation(
        &self,
        token_hash: &str,
        now: jiff::Timestamp,
    ) -> Result<Option<(AccountId, String)>> {
        let row = sqlx::query(
            "SELECT a.id, a.login_name FROM invitations i JOIN accounts a ON a.id = i.account_id \
             WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2 AND a.disabled = 0 \
             AND (a.expires_on IS NULL OR a.expires_on > $3)",
        )
        .bind(token_hash)
        .bind(now.as_millisecond())
        .bind(now.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            let id: String = r.try_get("id")?;
            let id = id
                .parse()
                .map_err(|_| crate::StoreError::Corrupt(format!("account id {id}")))?;
            Ok((id, r.try_get("login_name")?))
        })
        .transpose()
    }

    /// Use the invitation once: the account's password becomes `password_hash` (recorded in
    /// its history, no forced change), its sessions end. `None`: used, expired or unknown.
    #[tracing::instrument(skip_all)]
    pub async fn accept_invitation(
        &self,
        meta: &AuditMeta,
        token_hash: &str,
        password_hash: &str,
    ) -> Result<Option<AccountId>> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE invitations SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             AND account_id IN (SELECT id FROM accounts WHERE disabled = 0 AND (expires_on IS NULL OR expires_on > $3))",
        )
        .bind(now)
        .bind(token_hash)
        .bind(
            jiff::Timestamp::from_millisecond(now)
                .unwrap_or_else(|_| jiff::Timestamp::now())
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date()
                .to_string(),
        )
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let row = sqlx::query("SELECT account_id FROM invitations WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_one(&mut *tx)
            .await?;
        let id: String = row.try_get("account_id")?;
        let account: AccountId = id
            .parse()
            .map_err(|_| crate::StoreError::Corrupt(format!("account id {id}")))?;
        set_password_in(&mut tx, account, password_hash, now).await?;
        sqlx::query("UPDATE accounts SET force_password_change = 0, updated_at = $2 WHERE id = $1")
            .bind(account.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        end_sessions_of(&mut tx, &account.to_string()).await?;
        let entry = AuditEntry::success("account.invitation.accept", "account", account, "");
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(Some(account))
    }

    /// Tests: make the account's invitations expired.
    #[doc(hidden)]
    pub async fn expire_invitations_for_tests(&self, account: AccountId) -> Result<()> {
        sqlx::query("UPDATE invitations SET expires_at = $1 WHERE account_id = $2")
            .bind(now_ms() - 1)
            .bind(account.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
