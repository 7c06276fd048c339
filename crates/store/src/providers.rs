//! Distributors and resellers (TEN-1).

use crate::audit::{parse_id, write, AuditEntry, AuditMeta};
use crate::scope::condition;
use crate::sql::Binds;
use crate::{now_ms, unique_as, Result, Store, StoreError};
use patchbay_domain::{DistributorId, ResellerId, Scope};
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
        .map_err(unique_as("name"))?;
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
            return Err(StoreError::NotFound);
        }
        sqlx::query("INSERT INTO resellers (id, distributor_id, name, name_key, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id.to_string())
            .bind(distributor.to_string())
            .bind(name.trim())
            .bind(key(name))
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(unique_as("name"))?;
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
        let mut binds = Binds::default();
        let visible = match scope {
            Scope::All => "1=1".to_string(),
            other => {
                let mut v = format!(
                    "EXISTS (SELECT 1 FROM customers c WHERE c.distributor_id = d.id AND {})",
                    condition(other, &mut binds)
                );
                if let Scope::Assigned(me) = other {
                    // Providers named by one of the account's labels (CUS-3).
                    let p = binds.push(me.to_string());
                    v = format!("({v} OR EXISTS (SELECT 1 FROM account_labels l WHERE l.account_id = {p} AND LOWER(l.label) = d.name_key))");
                }
                v
            }
        };
        let sql = format!(
            "SELECT d.id, d.name, (SELECT COUNT(*) FROM resellers r WHERE r.distributor_id = d.id) AS resellers, \
             (SELECT COUNT(*) FROM customers c WHERE c.distributor_id = d.id) AS customers \
             FROM distributors d WHERE {visible} ORDER BY d.name_key"
        );
        let q = crate::sql::bind_all(sqlx::query(&sql), &binds);
        let rows = q.fetch_all(self.pool()).await?;
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
        let mut binds = Binds::default();
        let mut wh = vec![match scope {
            Scope::All => "1=1".to_string(),
            other => {
                let mut v = format!(
                    "EXISTS (SELECT 1 FROM customers c WHERE c.reseller_id = r.id AND {})",
                    condition(other, &mut binds)
                );
                if let Scope::Assigned(me) = other {
                    let p = binds.push(me.to_string());
                    v = format!(
                        "({v} OR EXISTS (SELECT 1 FROM account_labels l WHERE l.account_id = {p} AND (LOWER(l.label) = r.name_key OR LOWER(l.label) = d.name_key)))"
                    );
                }
                v
            }
        }];
        if let Some(d) = distributor {
            wh.push(format!("r.distributor_id = {}", binds.push(d.to_string())));
        }
        let sql = format!(
            "SELECT r.id, r.distributor_id, d.name AS distributor_name, r.name, \
             (SELECT COUNT(*) FROM customers c WHERE c.reseller_id = r.id) AS customers \
             FROM resellers r JOIN distributors d ON d.id = r.distributor_id WHERE {} ORDER BY d.name_key, r.name_key",
            wh.join(" AND ")
        );
        let q = crate::sql::bind_all(sqlx::query(&sql), &binds);
        let rows = q.fetch_all(self.pool()).await?;
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
            .map_err(unique_as("name"))?;
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
            return Err(StoreError::Conflict("distributor"));
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
            return Err(StoreError::Conflict("reseller"));
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
