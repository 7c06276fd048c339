//! Key/value settings; the server preferences are one JSON document under `preferences`.

use crate::audit::{write, AuditEntry, AuditMeta};
use crate::{now_ms, Result, Store, StoreError};
use patchbay_domain::preferences::Preferences;
use sqlx::Row;

const PREFERENCES: &str = "preferences";

impl Store {
    /// The stored preferences, defaults where nothing is stored yet.
    #[tracing::instrument(skip_all)]
    pub async fn preferences(&self) -> Result<Preferences> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(PREFERENCES)
            .fetch_optional(self.pool())
            .await?;
        match row {
            None => Ok(Preferences::default()),
            Some(r) => serde_json::from_str(&r.try_get::<String, _>("value")?)
                .map_err(|e| StoreError::Corrupt(format!("preferences: {e}"))),
        }
    }

    /// Replace the preferences (already validated) and audit the change.
    #[tracing::instrument(skip_all)]
    pub async fn set_preferences(&self, meta: &AuditMeta, prefs: &Preferences) -> Result<()> {
        let json = serde_json::to_string(prefs).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(PREFERENCES)
        .bind(json.as_str())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "preferences.update",
                target_type: "preferences",
                outcome: "success",
                detail: json,
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn prf_1_preferences_default_then_stored() {
        let s = crate::testing::store().await;
        assert_eq!(s.preferences().await.ok(), Some(Preferences::default()));
        let p = Preferences {
            session_timeout_minutes: 25,
            system_name: "Lab".into(),
            ..Preferences::default()
        };
        s.set_preferences(&AuditMeta::cli(), &p)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        s.set_preferences(&AuditMeta::cli(), &p)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.preferences().await.ok(), Some(p));
    }
}
