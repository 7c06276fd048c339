//! SIP-1: the registrar's subscribers, one per device line, written inside the transaction of
//! the device change that makes them (create, password reset, lines), so the registrar never sees
//! a device whose keys disagree with it. A deleted device's rows go with it (foreign key).

use super::Tx;
use crate::{Result, Store};
use patchbay_domain::sip::SubscriberKey;
use patchbay_domain::{CustomerId, DeviceId};
use sqlx::Row;

/// Replace the subscribers of `device` with `keys`, in `tx`. The domain is the device's
/// registrar and the transport rule its model's (SIP-2).
pub(crate) async fn replace_subscribers(
    tx: &mut Tx,
    device: DeviceId,
    keys: &[SubscriberKey],
) -> Result<()> {
    sqlx::query("DELETE FROM sip_subscribers WHERE device_id = $1")
        .bind(device.to_string())
        .execute(&mut **tx)
        .await?;
    insert_subscribers(tx, device, keys).await
}

/// The subscriber entries of a device that has none yet (a new one).
pub(crate) async fn insert_subscribers(
    tx: &mut Tx,
    device: DeviceId,
    keys: &[SubscriberKey],
) -> Result<()> {
    for k in keys {
        sqlx::query(
            "INSERT INTO sip_subscribers (username, domain, ha1, ha1b, tls_only, device_id, port, customer_id) \
             SELECT $1, d.registrar, $2, $3, m.sip_tls_only, d.id, $4, d.customer_id \
             FROM devices d JOIN device_models m ON m.model = d.model WHERE d.id = $5",
        )
        .bind(k.username.as_str())
        .bind(k.ha1.as_str())
        .bind(k.ha1b.as_str())
        .bind(k.port)
        .bind(device.to_string())
        .execute(&mut **tx)
        .await
        .map_err(crate::unique_as(crate::Taken::SipUserName))?;
    }
    Ok(())
}

/// A device without subscribers (see [`Store::devices_without_subscribers`]).
#[derive(Debug, Clone)]
pub struct Unkeyed {
    pub device: DeviceId,
    pub sip_user_name: String,
    pub registrar: String,
    pub sealed_password: String,
    pub ports: Vec<i64>,
}

/// A subscriber row as the registrar sees it (tests and the registration mirror read it).
#[derive(Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub username: String,
    pub domain: String,
    pub ha1: String,
    pub ha1b: String,
    pub tls_only: bool,
    pub device_id: DeviceId,
    pub port: i64,
    pub customer_id: CustomerId,
}

impl std::fmt::Debug for Subscriber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscriber")
            .field("username", &self.username)
            .field("domain", &self.domain)
            .field("device_id", &self.device_id)
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// How many values go into one `IN (…)` list.
const CHUNK: usize = 500;

impl Store {
    /// SIP-3 / DEV-9: mirror the registrar's view into the devices' status. A device with an
    /// active binding on any of its lines (`active` holds `(username, domain)` pairs) is
    /// `connected`; a `connected` device without one becomes `disconnected`. Returns the devices
    /// whose status changed.
    #[tracing::instrument(skip_all, fields(n = active.len()))]
    pub async fn mirror_registrations(&self, active: &[(String, String)]) -> Result<Vec<DeviceId>> {
        use sea_query::{Alias, Expr, Query};
        use std::collections::BTreeSet;
        let mut registered = BTreeSet::new();
        for chunk in active.chunks(CHUNK) {
            // A row value against the primary key (username, domain): an index lookup per pair.
            let sql = format!(
                "SELECT DISTINCT device_id FROM sip_subscribers WHERE (username, domain) IN (VALUES {})",
                crate::registrar::pairs(chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for (user, domain) in chunk {
                q = q.bind(user).bind(domain);
            }
            for r in q.fetch_all(self.pool()).await? {
                registered.insert(r.try_get::<String, _>("device_id")?);
            }
        }
        let connected: BTreeSet<String> =
            sqlx::query("SELECT id FROM devices WHERE status = 'connected'")
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>("id"))
                .collect::<std::result::Result<_, _>>()?;
        let now = crate::now_ms();
        let mut changed = Vec::new();
        for (status, ids) in [
            (
                "connected",
                registered
                    .difference(&connected)
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
            (
                "disconnected",
                connected
                    .difference(&registered)
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
        ] {
            for chunk in ids.chunks(CHUNK) {
                let q = Query::update()
                    .table(Alias::new("devices"))
                    .value(Alias::new("status"), status)
                    .value(Alias::new("status_at"), now)
                    .and_where(Expr::col(Alias::new("id")).is_in(chunk.iter().cloned()))
                    .and_where(Expr::col(Alias::new("status")).ne(status))
                    .to_owned();
                let (sql, values) = self.build(&q);
                sqlx::query_with(&sql, values).execute(self.pool()).await?;
                for id in chunk {
                    changed.push(DeviceId(super::parse_uuid(id)?));
                }
            }
        }
        Ok(changed)
    }

    /// The subscribers of a device's lines, by port.
    #[tracing::instrument(skip_all, fields(%device))]
    pub async fn device_subscribers(&self, device: DeviceId) -> Result<Vec<Subscriber>> {
        let rows = sqlx::query(
            "SELECT username, domain, ha1, ha1b, CAST(tls_only AS BIGINT) AS tls_only, device_id, port, customer_id \
             FROM sip_subscribers WHERE device_id = $1 ORDER BY port",
        )
        .bind(device.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Subscriber {
                    username: r.try_get("username")?,
                    domain: r.try_get("domain")?,
                    ha1: r.try_get("ha1")?,
                    ha1b: r.try_get("ha1b")?,
                    tls_only: r.try_get::<i64, _>("tls_only")? != 0,
                    device_id: DeviceId(super::parse_uuid(&r.try_get::<String, _>("device_id")?)?),
                    port: r.try_get("port")?,
                    customer_id: CustomerId(super::parse_uuid(
                        &r.try_get::<String, _>("customer_id")?,
                    )?),
                })
            })
            .collect()
    }

    /// The subscriber `username@domain`, if it exists.
    #[tracing::instrument(skip_all)]
    pub async fn subscriber(&self, username: &str, domain: &str) -> Result<Option<Subscriber>> {
        let row = sqlx::query(
            "SELECT device_id FROM sip_subscribers WHERE username = $1 AND domain = $2",
        )
        .bind(username)
        .bind(domain)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let device = DeviceId(super::parse_uuid(&row.try_get::<String, _>("device_id")?)?);
        Ok(self
            .device_subscribers(device)
            .await?
            .into_iter()
            .find(|s| s.username == username && s.domain == domain))
    }

    /// Devices that have no subscriber yet (made before the registrar existed), with their SIP
    /// user name, registrar, sealed password and line ports, so the hub can write their keys once.
    #[tracing::instrument(skip_all)]
    pub async fn devices_without_subscribers(&self, limit: i64) -> Result<Vec<Unkeyed>> {
        let rows = sqlx::query(
            "SELECT d.id, d.sip_user_name, d.registrar, d.sip_password, l.port FROM devices d \
             LEFT JOIN device_lines l ON l.device_id = d.id \
             WHERE d.id IN (SELECT d2.id FROM devices d2 WHERE d2.mobile_number IS NULL AND NOT EXISTS \
               (SELECT 1 FROM sip_subscribers s WHERE s.device_id = d2.id) ORDER BY d2.id LIMIT $1) \
             ORDER BY d.id, l.port",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<Unkeyed> = Vec::new();
        for r in &rows {
            let id = DeviceId(super::parse_uuid(&r.try_get::<String, _>("id")?)?);
            let port: Option<i64> = r.try_get("port")?;
            if out.last().is_none_or(|u| u.device != id) {
                out.push(Unkeyed {
                    device: id,
                    sip_user_name: r.try_get("sip_user_name")?,
                    registrar: r.try_get("registrar")?,
                    sealed_password: r.try_get("sip_password")?,
                    ports: Vec::new(),
                });
            }
            if let (Some(u), Some(p)) = (out.last_mut(), port) {
                u.ports.push(p);
            }
        }
        for u in &mut out {
            if u.ports.is_empty() {
                u.ports.push(1);
            }
        }
        Ok(out)
    }

    /// Write the subscribers of a device that has none (see [`Store::devices_without_subscribers`]).
    #[tracing::instrument(skip_all, fields(%device))]
    pub async fn backfill_subscribers(
        &self,
        device: DeviceId,
        keys: &[SubscriberKey],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let has = sqlx::query("SELECT 1 AS x FROM sip_subscribers WHERE device_id = $1")
            .bind(device.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if has.is_some() {
            return Ok(());
        }
        replace_subscribers(&mut tx, device, keys).await?;
        tx.commit().await?;
        Ok(())
    }
}
