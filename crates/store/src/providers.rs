//! Distributors and resellers (TEN-1): creating, renaming and deleting them (audited), and the
//! lists a caller may see (TEN-4).

use crate::audit::{parse_id, write, AuditEntry, AuditMeta};
use crate::list::{col, related, select_from, then_by, Filter};
use crate::{delete_by_id, now_ms, unique_as, InUse, Result, Store, StoreError, Taken};
use patchbay_domain::{DistributorId, ResellerId, Scope};
use sea_query::{Cond, Condition, Expr, JoinType};
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

/// The case-insensitive key a provider name or a tag is matched and kept unique by.
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
        crate::remote::create_proxy_account(&mut tx, Some(&id.to_string()), None).await?;
        let entry = AuditEntry::success("distributor.create", "distributor", id, name.trim());
        write(&mut tx, meta, entry).await?;
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
        crate::remote::create_proxy_account(&mut tx, None, Some(&id.to_string())).await?;
        let entry = AuditEntry::success("reseller.create", "reseller", id, name.trim());
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Distributors a caller may know of: all for platform staff, otherwise those of the customers
    /// in its scope (TEN-4).
    #[tracing::instrument(skip_all)]
    pub async fn distributors(&self, scope: Scope) -> Result<Vec<Distributor>> {
        let mut q = select_from(
            "d.id, d.name, (SELECT COUNT(*) FROM resellers r WHERE r.distributor_id = d.id) AS resellers, \
             (SELECT COUNT(*) FROM customers c WHERE c.distributor_id = d.id) AS customers",
            ("distributors", "d"),
            &[],
        );
        q.cond_where(visible(
            scope,
            "c.distributor_id = d.id",
            "LOWER(l.label) = d.name_key",
        ));
        then_by(&mut q, &["d.name_key"]);
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
        let mut q = select_from(
            "r.id, r.distributor_id, d.name AS distributor_name, r.name, \
             (SELECT COUNT(*) FROM customers c WHERE c.reseller_id = r.id) AS customers",
            ("resellers", "r"),
            &[(
                JoinType::InnerJoin,
                "distributors",
                "d",
                "d.id = r.distributor_id",
            )],
        );
        q.cond_where(f.condition());
        then_by(&mut q, &["d.name_key", "r.name_key"]);
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
        let entry = AuditEntry::success("distributor.update", "distributor", id, name.trim());
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Delete a distributor that has no reseller and no customer left.
    #[tracing::instrument(skip_all)]
    pub async fn delete_distributor(&self, meta: &AuditMeta, id: DistributorId) -> Result<()> {
        let removal = Removal {
            table: "distributors",
            users: "SELECT (SELECT COUNT(*) FROM resellers WHERE distributor_id = $1) + (SELECT COUNT(*) FROM customers WHERE distributor_id = $1) AS n",
            in_use: InUse::Distributor,
            action: "distributor.delete",
            target_type: "distributor",
        };
        self.delete_unused(meta, removal, &id.to_string()).await
    }

    /// Delete a reseller that has no customer left.
    #[tracing::instrument(skip_all)]
    pub async fn delete_reseller(&self, meta: &AuditMeta, id: ResellerId) -> Result<()> {
        let removal = Removal {
            table: "resellers",
            users: "SELECT COUNT(*) AS n FROM customers WHERE reseller_id = $1",
            in_use: InUse::Reseller,
            action: "reseller.delete",
            target_type: "reseller",
        };
        self.delete_unused(meta, removal, &id.to_string()).await
    }

    /// Delete provider `id` if nothing uses it any more, audited, in one transaction.
    async fn delete_unused(&self, meta: &AuditMeta, r: Removal, id: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let used: i64 = sqlx::query(r.users)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if used > 0 {
            return Err(StoreError::InUse(r.in_use));
        }
        if delete_by_id(&mut tx, r.table, id).await? == 0 {
            return Err(StoreError::NotFound);
        }
        let entry = AuditEntry::success(r.action, r.target_type, id, "");
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// What deleting a provider needs: its table, the count of rows still using it (`$1`: its id,
/// the count named `n`), the refusal while any do, and its audit names.
struct Removal {
    table: &'static str,
    users: &'static str,
    in_use: InUse,
    action: &'static str,
    target_type: &'static str,
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
