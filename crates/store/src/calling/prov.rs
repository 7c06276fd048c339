//! What the phone file server needs to answer a phone asking for its configuration (PRV-1 …
//! PRV-3): the device behind a MAC with its SIP identity and lines, the customer's own template
//! for its vendor, and the time of its last fetch.

use super::parse_uuid;
use crate::{now_ms, AuditMeta, Result, Store};
use patchbay_domain::{CustomerId, DeviceId};
use sqlx::Row;

/// One line of a device as its configuration file carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvLine {
    pub port: i64,
    /// The member's name (the line's label).
    pub label: String,
}

/// A device as the phone file server renders its configuration.
#[derive(Clone, PartialEq, Eq)]
pub struct ProvTarget {
    pub device_id: DeviceId,
    pub customer_id: CustomerId,
    pub mac: String,
    pub vendor: String,
    pub model: String,
    pub managed_by: String,
    pub sip_user_name: String,
    pub sealed_password: String,
    pub registrar: String,
    pub outbound_proxy: String,
    pub tls_only: bool,
    /// `None` for devices made before provisioning credentials existed.
    pub prov_ha1: Option<String>,
}

impl std::fmt::Debug for ProvTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProvTarget")
            .field("device_id", &self.device_id)
            .field("mac", &self.mac)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// The device with this normalised MAC, for its configuration file.
    #[tracing::instrument(skip_all)]
    pub async fn provisioning_target(&self, mac: &str) -> Result<Option<ProvTarget>> {
        let Some(r) = sqlx::query(
            "SELECT d.id, d.customer_id, d.mac, d.sip_user_name, d.sip_password, d.registrar, d.outbound_proxy, \
             d.prov_ha1, m.vendor, m.model, m.managed_by, m.sip_tls_only FROM devices d \
             JOIN device_models m ON m.model = d.model WHERE d.mac = $1",
        )
        .bind(mac)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let id: String = r.try_get("id")?;
        Ok(Some(ProvTarget {
            device_id: DeviceId(parse_uuid(&id)?),
            customer_id: CustomerId(parse_uuid(&r.try_get::<String, _>("customer_id")?)?),
            mac: r.try_get("mac")?,
            vendor: r.try_get("vendor")?,
            model: r.try_get("model")?,
            managed_by: r.try_get("managed_by")?,
            sip_user_name: r.try_get("sip_user_name")?,
            sealed_password: r.try_get("sip_password")?,
            registrar: r.try_get("registrar")?,
            outbound_proxy: r.try_get("outbound_proxy")?,
            tls_only: crate::get_flag(&r, "sip_tls_only")?,
            prov_ha1: r.try_get("prov_ha1")?,
        }))
    }

    /// The lines of a device with their labels, by port (read only once the request is
    /// authenticated, so known and unknown MACs cost the same before that).
    #[tracing::instrument(skip_all, fields(%device))]
    pub async fn provisioning_lines(&self, device: DeviceId) -> Result<Vec<ProvLine>> {
        sqlx::query(
            "SELECT l.port, COALESCE(p.display_name, w.display_name, '') AS label FROM device_lines l \
             LEFT JOIN people p ON p.id = l.person_id LEFT JOIN workspaces w ON w.id = l.workspace_id \
             WHERE l.device_id = $1 ORDER BY l.port",
        )
        .bind(device.to_string())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|l| {
            Ok(ProvLine {
                port: l.try_get("port")?,
                label: l.try_get("label")?,
            })
        })
        .collect()
    }

    /// The key of a device's provisioning credentials, if it has one.
    pub async fn device_provisioning_key(&self, device: DeviceId) -> Result<Option<String>> {
        let row = sqlx::query("SELECT prov_ha1 FROM devices WHERE id = $1")
            .bind(device.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(crate::StoreError::NotFound)?;
        Ok(row.try_get("prov_ha1")?)
    }

    /// PRV-3: the device fetched its configuration now; the fetch is audited with it.
    #[tracing::instrument(skip_all, fields(%device))]
    pub async fn mark_provisioned(
        &self,
        meta: &AuditMeta,
        device: DeviceId,
        file: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE devices SET provisioned_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(device.to_string())
            .execute(&mut *tx)
            .await?;
        super::audit(
            &mut tx,
            meta,
            "device.provisioned",
            "device",
            device.to_string(),
            file.to_string(),
            String::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The customer's own template for `vendor`, if it has one (PRV-1).
    #[tracing::instrument(skip_all, fields(%customer, vendor))]
    pub async fn provisioning_template(
        &self,
        customer: CustomerId,
        vendor: &str,
    ) -> Result<Option<String>> {
        let row = sqlx::query(
            "SELECT body FROM provisioning_templates WHERE customer_id = $1 AND vendor = $2",
        )
        .bind(customer.to_string())
        .bind(vendor)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.try_get("body")).transpose()?)
    }

    /// Set (or, with `None`, remove) the customer's template for `vendor`.
    #[tracing::instrument(skip_all, fields(%customer, vendor))]
    pub async fn set_provisioning_template(
        &self,
        meta: &AuditMeta,
        customer: CustomerId,
        vendor: &str,
        body: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        match body {
            Some(b) => {
                sqlx::query(
                    "INSERT INTO provisioning_templates (customer_id, vendor, body, updated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (customer_id, vendor) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                )
                .bind(customer.to_string())
                .bind(vendor)
                .bind(b)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "DELETE FROM provisioning_templates WHERE customer_id = $1 AND vendor = $2",
                )
                .bind(customer.to_string())
                .bind(vendor)
                .execute(&mut *tx)
                .await?;
            }
        }
        super::audit(
            &mut tx,
            meta,
            if body.is_some() {
                "provisioning-template.set"
            } else {
                "provisioning-template.reset"
            },
            "customer",
            customer.to_string(),
            vendor.to_string(),
            String::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
