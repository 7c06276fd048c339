//! A device's settings (Webex device customizations, API-2): kept as a client set them, with
//! when they changed and when a client last asked for them to be applied.

use crate::{now_ms, AuditMeta, Result, Store, StoreError};
use patchbay_domain::DeviceId;
use sqlx::Row;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeviceSettings {
    /// The device uses its own settings rather than its location's.
    pub custom_enabled: bool,
    /// The customizations object as set (`{}` until then).
    pub customizations: serde_json::Value,
    pub updated_at: Option<jiff::Timestamp>,
    pub applied_at: Option<jiff::Timestamp>,
}

/// A device deleted meanwhile: its settings row has nothing to belong to.
fn gone(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => StoreError::NotFound,
        e => e.into(),
    }
}

/// The audit record of a settings change, then the commit.
async fn recorded(
    mut tx: super::Tx,
    meta: &AuditMeta,
    device: DeviceId,
    action: &str,
    detail: String,
) -> Result<()> {
    let id = device.to_string();
    super::audit(&mut tx, meta, action, "device", id, String::new(), detail).await?;
    tx.commit().await?;
    Ok(())
}

impl Store {
    /// The device's settings (defaults for a device never set).
    #[tracing::instrument(skip_all, fields(%device))]
    pub async fn device_settings(&self, device: DeviceId) -> Result<DeviceSettings> {
        let row = sqlx::query(
            "SELECT custom_enabled, customizations, updated_at, applied_at FROM device_settings \
             WHERE device_id = $1",
        )
        .bind(device.to_string())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(DeviceSettings {
                customizations: serde_json::json!({}),
                ..Default::default()
            });
        };
        let text: String = row.try_get("customizations")?;
        Ok(DeviceSettings {
            custom_enabled: crate::get_flag(&row, "custom_enabled")?,
            customizations: serde_json::from_str(&text)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            updated_at: row.try_get::<Option<i64>, _>("updated_at")?.map(crate::ts),
            applied_at: row.try_get::<Option<i64>, _>("applied_at")?.map(crate::ts),
        })
    }

    /// Replace the device's settings, in one statement with its audit record.
    #[tracing::instrument(skip_all, fields(%device))]
    pub async fn set_device_settings(
        &self,
        meta: &AuditMeta,
        device: DeviceId,
        custom_enabled: bool,
        customizations: &serde_json::Value,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO device_settings (device_id, custom_enabled, customizations, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (device_id) DO UPDATE SET \
             custom_enabled = excluded.custom_enabled, customizations = excluded.customizations, \
             updated_at = excluded.updated_at",
        )
        .bind(device.to_string())
        .bind(crate::flag(custom_enabled))
        .bind(customizations.to_string())
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(gone)?;
        recorded(
            tx,
            meta,
            device,
            "device.settings",
            format!("customEnabled={custom_enabled}"),
        )
        .await
    }

    /// Record that the device's settings are to be applied now.
    #[tracing::instrument(skip_all, fields(%device))]
    pub async fn apply_device_settings(&self, meta: &AuditMeta, device: DeviceId) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO device_settings (device_id, applied_at) VALUES ($1, $2) \
             ON CONFLICT (device_id) DO UPDATE SET applied_at = excluded.applied_at",
        )
        .bind(device.to_string())
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(gone)?;
        recorded(tx, meta, device, "device.applyChanges", String::new()).await
    }
}
