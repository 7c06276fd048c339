//! The device catalogue (DEV-1): the models a device can be, with their line ports and how they
//! are onboarded; the provider extends it.

use crate::{now_ms, AuditMeta, Result, Store, StoreError};
use patchbay_domain::calling::MemberKind;
use sqlx::any::AnyRow;
use sqlx::Row;

/// A catalogue entry (Webex `SupportedDevice`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceModel {
    /// The name clients send as `model`.
    pub model: String,
    pub display_name: String,
    pub vendor: String,
    /// `GENERIC_SIP`, `ATA`, `DESK_PHONE`, `MPP`, `ESIM`.
    pub device_type: String,
    /// `THIRD_PARTY` or `CISCO`.
    pub manufacturer: String,
    /// `CUSTOMER` or `PARTNER` (DEV-1).
    pub managed_by: String,
    /// `PEOPLE`, `PLACE`.
    pub supported_for: Vec<String>,
    /// `MAC_ADDRESS`, `ACTIVATION_CODE`, `NONE`.
    pub onboarding: Vec<String>,
    pub line_ports: i64,
    /// Fax service: the MAC is a generated placeholder (DEV-1).
    pub fax: bool,
    /// SIP-2: registers over TLS only; `false` for models the catalogue marks as unable to do
    /// TLS, which may also use UDP and TCP.
    pub sip_tls_only: bool,
}

impl DeviceModel {
    pub fn partner_managed(&self) -> bool {
        self.managed_by == "PARTNER"
    }
    pub fn supports(&self, kind: MemberKind) -> bool {
        self.supported_for.iter().any(|s| s == kind.as_str())
    }
}

const MODEL_COLUMNS: &str =
    "model, display_name, vendor, device_type, manufacturer, managed_by, supported_for, \
    onboarding, line_ports, fax, sip_tls_only";

fn split(s: String) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn model_from(row: &AnyRow) -> Result<DeviceModel> {
    model_named(row, "display_name")
}

/// A model from a row whose display name is in column `display_name`.
pub(crate) fn model_named(row: &AnyRow, display_name: &str) -> Result<DeviceModel> {
    Ok(DeviceModel {
        model: row.try_get("model")?,
        display_name: row.try_get(display_name)?,
        vendor: row.try_get("vendor")?,
        device_type: row.try_get("device_type")?,
        manufacturer: row.try_get("manufacturer")?,
        managed_by: row.try_get("managed_by")?,
        supported_for: split(row.try_get("supported_for")?),
        onboarding: split(row.try_get("onboarding")?),
        line_ports: row.try_get("line_ports")?,
        fax: crate::get_flag(row, "fax")?,
        sip_tls_only: crate::get_flag(row, "sip_tls_only")?,
    })
}

impl Store {
    /// The catalogue, generic profiles first, then by vendor and name.
    #[tracing::instrument(skip_all)]
    pub async fn device_models(&self) -> Result<Vec<DeviceModel>> {
        let rows = sqlx::query(&format!(
            "SELECT {MODEL_COLUMNS} FROM device_models ORDER BY managed_by, CASE WHEN vendor = 'Generic' THEN 0 ELSE 1 END, vendor, display_name"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(model_from).collect()
    }

    #[tracing::instrument(skip_all)]
    pub async fn device_model(&self, model: &str) -> Result<DeviceModel> {
        let row = sqlx::query(&format!(
            "SELECT {MODEL_COLUMNS} FROM device_models WHERE model = $1"
        ))
        .bind(model)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        model_from(&row)
    }

    /// Add a model to the catalogue (the provider extends it; DEV-1).
    #[tracing::instrument(skip_all, fields(model = m.model))]
    pub async fn add_device_model(&self, meta: &AuditMeta, m: &DeviceModel) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(&format!(
            "INSERT INTO device_models ({MODEL_COLUMNS}, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)"
        ))
        .bind(m.model.as_str())
        .bind(m.display_name.as_str())
        .bind(m.vendor.as_str())
        .bind(m.device_type.as_str())
        .bind(m.manufacturer.as_str())
        .bind(m.managed_by.as_str())
        .bind(m.supported_for.join(","))
        .bind(m.onboarding.join(","))
        .bind(m.line_ports)
        .bind(crate::flag(m.fax))
        .bind(crate::flag(m.sip_tls_only))
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(crate::unique_as(crate::Taken::DeviceModel))?;
        super::audit(
            &mut tx,
            meta,
            "device-model.create",
            "device-model",
            m.model.clone(),
            m.display_name.clone(),
            format!("managedBy={} ports={}", m.managed_by, m.line_ports),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Remove a model no device uses.
    #[tracing::instrument(skip_all)]
    pub async fn delete_device_model(&self, meta: &AuditMeta, model: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let used = sqlx::query("SELECT 1 AS x FROM devices WHERE model = $1")
            .bind(model)
            .fetch_optional(&mut *tx)
            .await?;
        if used.is_some() {
            return Err(StoreError::InUse(crate::InUse::DeviceModel));
        }
        let done = sqlx::query("DELETE FROM device_models WHERE model = $1")
            .bind(model)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        super::audit(
            &mut tx,
            meta,
            "device-model.delete",
            "device-model",
            model.to_string(),
            model.to_string(),
            String::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
