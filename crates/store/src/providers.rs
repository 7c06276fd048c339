//! Distributors and resellers (TEN-1).

use crate::audit::{parse_id, write, AuditEntry, AuditMeta};
use crate::list::{col, related, Filter};
use crate::{now_ms, unique_as, Result, Store, StoreError, Taken};
use patchbay_domain::{DistributorId, ResellerId, Scope};
use sea_query::{Alias, Cond, Condition, Expr, JoinType, Order, Query};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distributor {
    pub id: DistributorId,
    pub name: String,
    pub resellers: i64,
    pub customers: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reseller {
    pub id: ResellerId,
    pub distributor_id: DistributorId,
    pub distributor_name: String,
    pub name: String,
    pub customers: i64,
}

pub fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

impl Store {
    #[tracing::instrument(skip_all)]
    pub async fn create_distributor(&self, meta: &AuditMeta, name: &str) -> Result<DistributorId> {
        let id = DistributorId::new();
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO distributors (id, name, name_key, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id.to_string())
        .bind(name.trim())
        .bind(key(name))
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(unique_as(Taken::DistributorName))?;
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "distributor.create",
                target_type: "distributor",
                target_id: id.to_string(),
                target_name: name.trim().to_string(),
                outcome: "success",
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_reseller(
        &self,
        meta: &AuditMeta,
        distributor: DistributorId,
        name: &str,
    ) -> Result<ResellerId> {
        let id = ResellerId::new();
        let mut tx = self.begin().await?;
        let exists = sqlx::query("SELECT 1 AS x FROM distributors WHERE id = $1")
            .bind(distributor.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::Missing(crate::Missing::Distributor));
        }
        sqlx::query("INSERT INTO resellers (id, distributor_id, name, name_key, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id.to_string())
            .bind(distributor.to_string())
            .bind(name.trim())
            .bind(key(name))
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(unique_as(Taken::ResellerName))?;
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "reseller.create",
                target_type: "reseller",
                target_id: id.to_string(),
                target_name: name.trim().to_string(),
                outcome: "success",
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Distributors a caller may know of: all for platform staff, otherwise those of the customers
    /// in its scope (TEN-4).
    #[tracing::instrument(skip_all)]
    pub async fn distributors(&self, scope: Scope) -> Result<Vec<Distributor>> {
        let q = Query::select()
            .expr(Expr::cust(
                "d.id, d.name, (SELECT COUNT(*) FROM resellers r WHERE r.distributor_id = d.id) AS resellers, \
                 (SELECT COUNT(*) FROM customers c WHERE c.distributor_id = d.id) AS customers",
            ))
            .from_as(Alias::new("distributors"), Alias::new("d"))
            .cond_where(visible(scope, "c.distributor_id = d.id", "LOWER(l.label) = d.name_key"))
            .order_by((Alias::new("d"), Alias::new("name_key")), Order::Asc)
            .to_owned();
        let rows = self.select_all(&q).await?;
        rows.iter()
            .map(|r| {
                Ok(Distributor {
                    id: parse_id(r.try_get("id")?)?,
                    name: r.try_get("name")?,
                    resellers: r.try_get("resellers")?,
                    customers: r.try_get("customers")?,
                })
            })
            .collect()
    }

    /// Resellers a caller may know of (see [`Store::distributors`]).
    #[tracing::instrument(skip_all)]
    pub async fn resellers(
        &self,
        scope: Scope,
        distributor: Option<DistributorId>,
    ) -> Result<Vec<Reseller>> {
        let f = Filter::new()
            .and(visible(
                scope,
                "c.reseller_id = r.id",
                "(LOWER(l.label) = r.name_key OR LOWER(l.label) = d.name_key)",
            ))
            .eq("r.distributor_id", distributor.map(|d| d.to_string()));
        let q = Query::select()
            .expr(Expr::cust(
                "r.id, r.distributor_id, d.name AS distributor_name, r.name, \
                 (SELECT COUNT(*) FROM customers c WHERE c.reseller_id = r.id) AS customers",
            ))
            .from_as(Alias::new("resellers"), Alias::new("r"))
            .join_as(
                JoinType::InnerJoin,
                Alias::new("distributors"),
                Alias::new("d"),
                Expr::cust("d.id = r.distributor_id"),
            )
            .cond_where(f.condition())
            .order_by((Alias::new("d"), Alias::new("name_key")), Order::Asc)
            .order_by((Alias::new("r"), Alias::new("name_key")), Order::Asc)
            .to_owned();
        let rows = self.select_all(&q).await?;
        rows.iter()
            .map(|r| {
                Ok(Reseller {
                    id: parse_id(r.try_get("id")?)?,
                    distributor_id: parse_id(r.try_get("distributor_id")?)?,
                    distributor_name: r.try_get("distributor_name")?,
                    name: r.try_get("name")?,
                    customers: r.try_get("customers")?,
                })
            })
            .collect()
    }

    /// Rename a distributor; customers' automatic-assignment keys follow (CUS-3).
    #[tracing::instrument(skip_all)]
    pub async fn rename_distributor(
        &self,
        meta: &AuditMeta,
        id: DistributorId,
        name: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE distributors SET name = $2, name_key = $3 WHERE id = $1")
            .bind(id.to_string())
            .bind(name.trim())
            .bind(key(name))
            .execute(&mut *tx)
            .await
            .map_err(unique_as(Taken::DistributorName))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("UPDATE customers SET distributor_key = $2 WHERE distributor_id = $1")
            .bind(id.to_string())
            .bind(key(name))
            .execute(&mut *tx)
            .await?;
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "distributor.update",
                target_type: "distributor",
                target_id: id.to_string(),
                target_name: name.trim().to_string(),
                outcome: "success",
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Delete a distributor that has no reseller and no customer left.
    #[tracing::instrument(skip_all)]
    pub async fn delete_distributor(&self, meta: &AuditMeta, id: DistributorId) -> Result<()> {
        let mut tx = self.begin().await?;
        let used: i64 = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM resellers WHERE distributor_id = $1) + (SELECT COUNT(*) FROM customers WHERE distributor_id = $1) AS n",
        )
        .bind(id.to_string())
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        if used > 0 {
            return Err(StoreError::InUse(crate::InUse::Distributor));
        }
        let done = sqlx::query("DELETE FROM distributors WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "distributor.delete",
                target_type: "distributor",
                target_id: id.to_string(),
                outcome: "success",
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Delete a reseller that has no customer left.
    #[tracing::instrument(skip_all)]
    pub async fn delete_reseller(&self, meta: &AuditMeta, id: ResellerId) -> Result<()> {
        let mut tx = self.begin().await?;
        let used: i64 = sqlx::query("SELECT COUNT(*) AS n FROM customers WHERE reseller_id = $1")
            .bind(id.to_string())
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if used > 0 {
            return Err(StoreError::InUse(crate::InUse::Reseller));
        }
        let done = sqlx::query("DELETE FROM resellers WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "reseller.delete",
                target_type: "reseller",
                target_id: id.to_string(),
                outcome: "success",
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A provider a caller may know of (TEN-4): all for platform staff; otherwise one with a customer
/// in the caller's scope (`customer_link` joins `customers c` to it), or, for an assigned
/// operator, one its labels name (`label_match` over `account_labels l`, CUS-3).
fn visible(scope: Scope, customer_link: &'static str, label_match: &'static str) -> Condition {
    match scope {
        Scope::All => Cond::all(),
        other => {
            let customers = related("customers", "c", customer_link)
                .cond_where(crate::scope::customers(other))
                .to_owned();
            let mut any = Cond::any().add(Expr::exists(customers));
            if let Scope::Assigned(me) = other {
                let labels = related("account_labels", "l", label_match)
                    .and_where(col("l.account_id").eq(me.to_string()))
                    .to_owned();
                any = any.add(Expr::exists(labels));
            }
            any
        }
    }
}
