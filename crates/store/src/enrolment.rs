//! CUS-8 zero-touch enrolment: each reseller's and distributor's credential (its secret kept as
//! a SHA-256 only, shown once, replaced by a rotation), and the customers it added that wait for
//! confirmation.

use crate::audit::{write, AuditEntry, AuditMeta};
use crate::customers::{insert_customer, CustomerWrite};
use crate::{get_flag, now_ms, ts, Result, Store, StoreError};
use patchbay_domain::{CustomerId, DistributorId, ResellerId, Scope};
use sqlx::Row;

/// Whose credential: a distributor's or a reseller's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Distributor(DistributorId),
    Reseller(ResellerId),
}

impl Provider {
    fn key(self) -> String {
        match self {
            Provider::Distributor(d) => format!("distributor:{d}"),
            Provider::Reseller(r) => format!("reseller:{r}"),
        }
    }
}

/// A provider's credential as the hub keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentCredential {
    pub id: String,
    pub provider: Provider,
    /// The distributor a reseller belongs to (a reseller's enrolled customers are under both).
    pub distributor_id: Option<DistributorId>,
    pub secret_sha256: String,
    /// Enrolled systems become customers at once, without confirmation.
    pub auto_confirm: bool,
    pub created_at: jiff::Timestamp,
}

/// What the providers page shows of a credential (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentSummary {
    pub provider: Provider,
    pub created_at: jiff::Timestamp,
    pub auto_confirm: bool,
}

fn provider_of(d: Option<String>, r: Option<String>) -> Result<Provider> {
    let corrupt = |_| StoreError::Corrupt("enrolment provider".into());
    match (d, r) {
        (_, Some(r)) => Ok(Provider::Reseller(r.parse().map_err(corrupt)?)),
        (Some(d), None) => Ok(Provider::Distributor(d.parse().map_err(corrupt)?)),
        (None, None) => Err(StoreError::Corrupt("enrolment without provider".into())),
    }
}

impl Store {
    /// Give `provider` a new credential (the previous one stops working at once), keeping its
    /// auto-confirm choice; audited.
    #[tracing::instrument(skip_all)]
    pub async fn rotate_enrolment_credential(
        &self,
        meta: &AuditMeta,
        provider: Provider,
        id: &str,
        secret_sha256: &str,
    ) -> Result<()> {
        let (d, r) = match provider {
            Provider::Distributor(d) => (Some(d.to_string()), None),
            Provider::Reseller(r) => (None, Some(r.to_string())),
        };
        let mut tx = self.begin().await?;
        let (sql, pid) = match provider {
            Provider::Distributor(d) => {
                ("SELECT id FROM distributors WHERE id = $1", d.to_string())
            }
            Provider::Reseller(r) => ("SELECT id FROM resellers WHERE id = $1", r.to_string()),
        };
        let exists: Option<String> = sqlx::query_scalar(sql)
            .bind(pid)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        let done = sqlx::query(
            "INSERT INTO enrolment_credentials (id, provider_key, distributor_id, reseller_id, secret_sha256, auto_confirm, created_at) \
             VALUES ($1, $2, $3, $4, $5, 0, $6) \
             ON CONFLICT (provider_key) DO UPDATE SET id = excluded.id, secret_sha256 = excluded.secret_sha256, \
             created_at = excluded.created_at",
        )
        .bind(id)
        .bind(provider.key())
        .bind(d)
        .bind(r)
        .bind(secret_sha256)
        .bind(now_ms())
        .execute(&mut *tx)
        .await;
        match done {
            Ok(_) => {}
            Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => {
                return Err(StoreError::NotFound)
            }
            Err(e) => return Err(e.into()),
        }
        let entry = AuditEntry::success(
            "enrolment.rotate",
            "provider",
            provider.key(),
            provider.key(),
        );
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether systems enrolled with `provider`'s credential are confirmed at once; audited.
    /// `NotFound` when the provider has no credential yet.
    #[tracing::instrument(skip_all)]
    pub async fn set_enrolment_auto_confirm(
        &self,
        meta: &AuditMeta,
        provider: Provider,
        on: bool,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE enrolment_credentials SET auto_confirm = $2 WHERE provider_key = $1",
        )
        .bind(provider.key())
        .bind(i64::from(on))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let entry = AuditEntry::success(
            "enrolment.autoConfirm",
            "provider",
            provider.key(),
            provider.key(),
        )
        .with_detail(format!("autoConfirm={on}"));
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every provider's credential, for the providers page.
    #[tracing::instrument(skip_all)]
    pub async fn enrolment_summaries(&self) -> Result<Vec<EnrolmentSummary>> {
        let rows = sqlx::query(
            "SELECT distributor_id, reseller_id, created_at, auto_confirm FROM enrolment_credentials",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(EnrolmentSummary {
                    provider: provider_of(r.try_get("distributor_id")?, r.try_get("reseller_id")?)?,
                    created_at: ts(r.try_get("created_at")?),
                    auto_confirm: get_flag(r, "auto_confirm")?,
                })
            })
            .collect()
    }

    /// The credential with this id (the public part of what a system presents).
    #[tracing::instrument(skip_all)]
    pub async fn enrolment_credential(&self, id: &str) -> Result<Option<EnrolmentCredential>> {
        let row = sqlx::query(
            "SELECT e.id, e.distributor_id, e.reseller_id, e.secret_sha256, e.auto_confirm, e.created_at, \
             r.distributor_id AS owner FROM enrolment_credentials e \
             LEFT JOIN resellers r ON r.id = e.reseller_id WHERE e.id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let provider = provider_of(r.try_get("distributor_id")?, r.try_get("reseller_id")?)?;
        let distributor_id = match provider {
            Provider::Distributor(d) => Some(d),
            Provider::Reseller(_) => r
                .try_get::<Option<String>, _>("owner")?
                .and_then(|d| d.parse().ok()),
        };
        Ok(Some(EnrolmentCredential {
            id: r.try_get("id")?,
            provider,
            distributor_id,
            secret_sha256: r.try_get("secret_sha256")?,
            auto_confirm: get_flag(&r, "auto_confirm")?,
            created_at: ts(r.try_get("created_at")?),
        }))
    }

    /// Add the customer a system enrolled (pending unless `confirmed`), audited, in one
    /// transaction; a customer ID or name taken meanwhile is `Taken`.
    #[tracing::instrument(skip_all)]
    pub async fn enrol_customer(
        &self,
        meta: &AuditMeta,
        w: &CustomerWrite,
        credential_id: &str,
        confirmed: bool,
    ) -> Result<CustomerId> {
        let mut tx = self.begin().await?;
        let id = insert_customer(&mut tx, meta, w).await?;
        sqlx::query("UPDATE customers SET enrolment_pending = $2, enrolled_by = $3 WHERE id = $1")
            .bind(id.to_string())
            .bind(i64::from(!confirmed))
            .bind(credential_id)
            .execute(&mut *tx)
            .await?;
        let entry = AuditEntry::success("customer.enrol", "customer", id, &w.fields.name)
            .with_detail(format!(
                "customerId={} credential={credential_id} {}",
                w.fields.customer_id,
                if confirmed { "confirmed" } else { "pending" }
            ));
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Confirm an enrolled customer within `scope`; audited. False when it was not pending.
    #[tracing::instrument(skip_all)]
    pub async fn confirm_enrolment(
        &self,
        meta: &AuditMeta,
        scope: Scope,
        id: CustomerId,
    ) -> Result<bool> {
        let c = self.customer(scope, id).await?;
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE customers SET enrolment_pending = 0, last_refusal = NULL, last_refusal_at = NULL \
             WHERE id = $1 AND enrolment_pending = 1",
        )
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        crate::systems::recompute(&mut tx, id).await?;
        write(
            &mut tx,
            meta,
            AuditEntry::success("customer.confirmEnrolment", "customer", id, &c.fields.name),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
