//! The account's avatar picture (OPR-7), stored as uploaded after the hub checked it.

use crate::audit::{write, AuditEntry, AuditMeta};
use crate::{now_ms, Result, Store};
use patchbay_domain::AccountId;
use sqlx::Row;

impl Store {
    /// Store the avatar (already checked), audited.
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn set_avatar(
        &self,
        meta: &AuditMeta,
        id: AccountId,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO account_avatars (account_id, content_type, bytes, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (account_id) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes, updated_at = excluded.updated_at",
        )
        .bind(id.to_string())
        .bind(content_type)
        .bind(bytes.to_vec())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry::success("account.avatar.update", "account", id, &meta.actor_login)
            .with_detail(format!("{content_type}, {} bytes", bytes.len()));
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The avatar's content type and bytes, if one was uploaded.
    pub async fn avatar(&self, id: AccountId) -> Result<Option<(String, Vec<u8>)>> {
        let row =
            sqlx::query("SELECT content_type, bytes FROM account_avatars WHERE account_id = $1")
                .bind(id.to_string())
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| Ok((r.try_get("content_type")?, r.try_get("bytes")?)))
            .transpose()
    }
}
