//! Calling licences (SPEC §15): a customer's units of each licence, consumed and released in the
//! same transaction as the change that takes or frees them, through guarded `UPDATE … WHERE
//! consumed_units < total_units` statements, so two concurrent requests cannot both take the
//! last unit on either engine.

use super::Tx;
use crate::{Result, StoreError};
use patchbay_domain::calling::LicenceKind;
use patchbay_domain::CustomerId;
use sqlx::Row;

/// A customer's calling licence with its units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Licence {
    pub customer_id: CustomerId,
    pub kind: LicenceKind,
    pub total_units: i64,
    pub consumed_units: i64,
    pub subscription_id: String,
    /// Units held by people and by workspaces.
    pub consumed_by_users: i64,
    pub consumed_by_workspaces: i64,
}

impl Licence {
    /// The stable licence id (`<customer>:<kind>`), wrapped as a Webex id by the API.
    pub fn id(&self) -> String {
        licence_id(self.customer_id, self.kind)
    }
}

pub fn licence_id(customer: CustomerId, kind: LicenceKind) -> String {
    format!("{customer}:{}", kind.as_str())
}

/// Take one unit of a licence, or fail with `LicenceExhausted` (running out is a clear error).
pub(crate) async fn consume_licence(
    tx: &mut Tx,
    customer: CustomerId,
    kind: LicenceKind,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE licenses SET consumed_units = consumed_units + 1 \
         WHERE customer_id = $1 AND kind = $2 AND consumed_units < total_units",
    )
    .bind(customer.to_string())
    .bind(kind.as_str())
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::LicenceExhausted(kind));
    }
    Ok(())
}

pub(crate) async fn release_licence(
    tx: &mut Tx,
    customer: CustomerId,
    kind: LicenceKind,
) -> Result<()> {
    sqlx::query(
        "UPDATE licenses SET consumed_units = consumed_units - 1 \
         WHERE customer_id = $1 AND kind = $2 AND consumed_units > 0",
    )
    .bind(customer.to_string())
    .bind(kind.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Move a member's licence unit from `old` to `new` (nothing when they are the same).
pub(crate) async fn swap_licence(
    tx: &mut Tx,
    customer: CustomerId,
    old: Option<LicenceKind>,
    new: Option<LicenceKind>,
) -> Result<()> {
    if old == new {
        return Ok(());
    }
    if let Some(k) = old {
        release_licence(tx, customer, k).await?;
    }
    if let Some(k) = new {
        consume_licence(tx, customer, k).await?;
    }
    Ok(())
}

impl crate::Store {
    /// The customer's three calling licences (a licence never set has 0 units).
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn licences(&self, customer: CustomerId) -> Result<Vec<Licence>> {
        let rows = sqlx::query(
            "SELECT kind, total_units, consumed_units, subscription_id FROM licenses WHERE customer_id = $1",
        )
        .bind(customer.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<Licence> = LicenceKind::ALL
            .into_iter()
            .map(|kind| Licence {
                customer_id: customer,
                kind,
                total_units: 0,
                consumed_units: 0,
                subscription_id: String::new(),
                consumed_by_users: 0,
                consumed_by_workspaces: 0,
            })
            .collect();
        for row in rows {
            let kind: String = row.try_get("kind")?;
            if let Some(l) = out.iter_mut().find(|l| l.kind.as_str() == kind) {
                l.total_units = row.try_get("total_units")?;
                l.consumed_units = row.try_get("consumed_units")?;
                l.subscription_id = row.try_get("subscription_id")?;
            }
        }
        for (table, by_users) in [("people", true), ("workspaces", false)] {
            let q = sea_query::Query::select()
                .expr_as(crate::list::col("license_kind"), sea_query::Alias::new("k"))
                .expr_as(
                    sea_query::Expr::cust("COUNT(*)"),
                    sea_query::Alias::new("n"),
                )
                .from(sea_query::Alias::new(table))
                .and_where(crate::list::col("customer_id").eq(customer.to_string()))
                .group_by_col(sea_query::Alias::new("license_kind"))
                .to_owned();
            for (k, n) in self.key_counts(&q).await? {
                let kind = LicenceKind::parse(&k).or_else(|| {
                    patchbay_domain::provisioning::WorkspaceLicence::parse(&k)
                        .map(patchbay_domain::calling::workspace_licence_kind)
                });
                if let Some(l) = out.iter_mut().find(|l| Some(l.kind) == kind) {
                    if by_users {
                        l.consumed_by_users += n;
                    } else {
                        l.consumed_by_workspaces += n;
                    }
                }
            }
        }
        Ok(out)
    }

    /// Set the units a customer holds of each licence and of each mobile subscription
    /// (provider side), in one transaction. A total below what is consumed is refused by a
    /// guarded UPDATE (licences) or the table's CHECK (mobile subscriptions), so a concurrent
    /// assignment cannot slip between a check and the change.
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn set_licences(
        &self,
        meta: &crate::AuditMeta,
        customer: CustomerId,
        totals: &[(LicenceKind, i64)],
        mobile: &[(String, i64)],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        for (kind, total) in totals {
            let id = licence_id(customer, *kind);
            sqlx::query(
                "INSERT INTO licenses (id, customer_id, kind, total_units, consumed_units, subscription_id) \
                 VALUES ($1,$2,$3,0,0,$4) ON CONFLICT (id) DO NOTHING",
            )
            .bind(id.as_str())
            .bind(customer.to_string())
            .bind(kind.as_str())
            .bind(format!("Sub-{}", &customer.to_string()[..8]))
            .execute(&mut *tx)
            .await?;
            let done = sqlx::query(
                "UPDATE licenses SET total_units = $1 WHERE id = $2 AND consumed_units <= $1",
            )
            .bind(*total)
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Refused(crate::Refusal::LicenceBelowConsumed(
                    *kind,
                )));
            }
        }
        super::mobile::upsert_subscriptions(&mut tx, customer, mobile).await?;
        crate::audit::write(
            &mut tx,
            meta,
            crate::audit::AuditEntry {
                action: "licences.set",
                target_type: "customer",
                target_id: customer.to_string(),
                target_name: String::new(),
                outcome: "success",
                detail: totals
                    .iter()
                    .map(|(k, t)| format!("{}={t}", k.as_str()))
                    .chain(mobile.iter().map(|(s, t)| format!("mobile:{s}={t}")))
                    .collect::<Vec<_>>()
                    .join(","),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
