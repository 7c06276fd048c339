//! SYS-8: the certificate each system's agent installed, issued by the hub's CA, and the last
//! failure to renew it.

use crate::{now_ms, ts, Result, Store};
use patchbay_domain::{CustomerId, SystemId};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A system's certificate as the hub issued it and the agent installed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemCertificate {
    pub system_name: String,
    /// Hex, as `openssl x509 -serial` shows it; empty: none installed yet.
    pub serial: String,
    pub subject: String,
    /// The names it covers, comma separated.
    pub names: String,
    pub not_before: Option<jiff::Timestamp>,
    pub not_after: Option<jiff::Timestamp>,
    pub installed_at: Option<jiff::Timestamp>,
    /// Why the last issue or renewal failed; empty when it did not.
    pub failure: String,
    pub failed_at: Option<jiff::Timestamp>,
    /// When the issuing CA that signed it was replaced: it is issued again from the new one.
    pub superseded_at: Option<jiff::Timestamp>,
}

/// An installed certificate to record.
#[derive(Debug, Clone)]
pub struct InstalledCertificate<'a> {
    pub serial: &'a str,
    pub subject: &'a str,
    pub names: &'a str,
    pub not_before_ms: i64,
    pub not_after_ms: i64,
    pub pem: &'a str,
}

fn row(r: &AnyRow) -> Result<SystemCertificate> {
    let opt = |c: &str| -> Result<Option<jiff::Timestamp>> {
        Ok(r.try_get::<Option<i64>, _>(c)?.map(ts))
    };
    Ok(SystemCertificate {
        system_name: r.try_get("system_name")?,
        serial: r.try_get("serial")?,
        subject: r.try_get("subject")?,
        names: r.try_get("names")?,
        not_before: opt("not_before")?,
        not_after: opt("not_after")?,
        installed_at: opt("installed_at")?,
        failure: r.try_get("failure")?,
        failed_at: opt("failed_at")?,
        superseded_at: opt("superseded_at")?,
    })
}

const SELECT: &str = "SELECT s.name AS system_name, c.serial, c.subject, c.names, c.not_before, \
     c.not_after, c.installed_at, c.failure, c.failed_at, c.superseded_at FROM system_certificates c \
     JOIN systems s ON s.id = c.system_id";

impl Store {
    #[tracing::instrument(skip_all)]
    pub async fn system_certificate(&self, system: SystemId) -> Result<Option<SystemCertificate>> {
        let r = sqlx::query(&format!("{SELECT} WHERE c.system_id = $1"))
            .bind(system.to_string())
            .fetch_optional(self.pool())
            .await?;
        r.as_ref().map(row).transpose()
    }

    /// The certificates of a customer's systems, by system name.
    #[tracing::instrument(skip_all)]
    pub async fn customer_system_certificates(
        &self,
        customer: CustomerId,
    ) -> Result<Vec<SystemCertificate>> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE c.customer_id = $1 ORDER BY s.name"
        ))
        .bind(customer.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row).collect()
    }

    /// The agent installed `c`: it replaces the previous one and clears the last failure.
    #[tracing::instrument(skip_all)]
    pub async fn record_system_certificate(
        &self,
        customer: CustomerId,
        system: SystemId,
        c: &InstalledCertificate<'_>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO system_certificates (system_id, customer_id, serial, subject, names, not_before, \
             not_after, certificate_pem, installed_at, failure, failed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', NULL) \
             ON CONFLICT (system_id) DO UPDATE SET serial = excluded.serial, subject = excluded.subject, \
             names = excluded.names, not_before = excluded.not_before, not_after = excluded.not_after, \
             certificate_pem = excluded.certificate_pem, installed_at = excluded.installed_at, \
             failure = '', failed_at = NULL, superseded_at = NULL",
        )
        .bind(system.to_string())
        .bind(customer.to_string())
        .bind(c.serial)
        .bind(c.subject)
        .bind(c.names)
        .bind(c.not_before_ms)
        .bind(c.not_after_ms)
        .bind(c.pem)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Issuing or installing failed: the reason is kept beside the certificate still installed.
    #[tracing::instrument(skip_all)]
    pub async fn record_system_certificate_failure(
        &self,
        customer: CustomerId,
        system: SystemId,
        reason: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO system_certificates (system_id, customer_id, failure, failed_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (system_id) DO UPDATE SET failure = excluded.failure, failed_at = excluded.failed_at",
        )
        .bind(system.to_string())
        .bind(customer.to_string())
        .bind(reason)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
