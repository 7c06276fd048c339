//! Creating, changing and deleting customers, each audited in its own transaction: the entry, its
//! sealed service password, its place in the provider tree (TEN-1), its tags and its manually
//! assigned operators (CUS-1 … CUS-3).

use super::{from_customers, one_in_scope};
use crate::audit::{write, AuditEntry, AuditMeta};
use crate::providers::key;
use crate::{delete_by_id, flag, now_ms, Result, Store, StoreError};
use patchbay_domain::customer::CustomerFields;
use patchbay_domain::{AccountId, CustomerId, DistributorId, ResellerId, Scope};
use sea_query::Alias;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Row};

/// Create or replace: the entry, its sealed service password, its place in the provider tree and
/// its manually assigned operators.
#[derive(Debug, Clone)]
pub struct CustomerWrite {
    pub fields: CustomerFields,
    /// Sealed (encrypted) service password; `None` on update keeps the stored one.
    pub sealed_password: Option<String>,
    pub distributor_id: Option<DistributorId>,
    pub reseller_id: Option<ResellerId>,
    pub operators: Vec<AccountId>,
}

/// Bind `$2` … `$14` in the column order shared by the INSERT of [`Store::create_customer`] and
/// the UPDATE of [`Store::update_customer`]: name, name_key, customer_id, distributor_id,
/// reseller_id, distributor_key, reseller_key (`keys`), service_user_name, service_password
/// (`password`), service_disabled, phone, email, notes.
fn bind_write<'q>(
    q: Query<'q, Any, AnyArguments<'q>>,
    w: &'q CustomerWrite,
    (distributor_key, reseller_key): (String, String),
    password: Option<String>,
) -> Query<'q, Any, AnyArguments<'q>> {
    let f = &w.fields;
    q.bind(f.name.as_str())
        .bind(key(&f.name))
        .bind(f.customer_id.as_str())
        .bind(w.distributor_id.map(|d| d.to_string()))
        .bind(w.reseller_id.map(|r| r.to_string()))
        .bind(distributor_key)
        .bind(reseller_key)
        .bind(f.service_user_name.as_str())
        .bind(password)
        .bind(flag(f.service_disabled))
        .bind(f.phone.as_str())
        .bind(f.email.as_str())
        .bind(f.notes.as_str())
}

/// A unique violation on insert or update: the customer ID or the name is taken.
fn taken(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            if d.message().contains("customer_id")
                || d.constraint().is_some_and(|c| c.contains("customer_id"))
            {
                StoreError::Taken(crate::Taken::CustomerKey)
            } else {
                StoreError::Taken(crate::Taken::CustomerName)
            }
        }
        _ => StoreError::Db(e),
    }
}

async fn write_relations(tx: &mut crate::Tx, id: CustomerId, w: &CustomerWrite) -> Result<()> {
    sqlx::query("DELETE FROM customer_tags WHERE customer_id = $1")
        .bind(id.to_string())
        .execute(&mut **tx)
        .await?;
    for t in &w.fields.tags {
        sqlx::query("INSERT INTO customer_tags (customer_id, tag, tag_key) VALUES ($1, $2, $3)")
            .bind(id.to_string())
            .bind(t.as_str())
            .bind(key(t))
            .execute(&mut **tx)
            .await?;
    }
    // The tag keys searched with the customer's fields (migration 0027).
    let mut keys: Vec<String> = w.fields.tags.iter().map(|t| key(t)).collect();
    keys.sort();
    keys.dedup();
    sqlx::query("UPDATE customers SET tag_text = $2 WHERE id = $1")
        .bind(id.to_string())
        .bind(keys.join("|"))
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM customer_operators WHERE customer_id = $1")
        .bind(id.to_string())
        .execute(&mut **tx)
        .await?;
    for a in &w.operators {
        sqlx::query("INSERT INTO customer_operators (customer_id, account_id) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(a.to_string())
            .execute(&mut **tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                    StoreError::Missing(crate::Missing::Operator)
                }
                _ => StoreError::Db(e),
            })?;
    }
    Ok(())
}

/// The provider names (lower-cased) a customer is filed under, for CUS-3 automatic assignment.
async fn provider_keys(
    tx: &mut crate::Tx,
    d: Option<DistributorId>,
    r: Option<ResellerId>,
) -> Result<(String, String)> {
    let mut dk = String::new();
    let mut rk = String::new();
    if let Some(d) = d {
        let row = sqlx::query("SELECT name_key FROM distributors WHERE id = $1")
            .bind(d.to_string())
            .fetch_optional(&mut **tx)
            .await?;
        dk = row
            .ok_or(StoreError::Missing(crate::Missing::Distributor))?
            .try_get("name_key")?;
    }
    if let Some(r) = r {
        let row = sqlx::query("SELECT name_key, distributor_id FROM resellers WHERE id = $1")
            .bind(r.to_string())
            .fetch_optional(&mut **tx)
            .await?;
        let row = row.ok_or(StoreError::Missing(crate::Missing::Reseller))?;
        let owner: String = row.try_get("distributor_id")?;
        if d.map(|d| d.to_string()) != Some(owner) {
            // A reseller belongs to its distributor (TEN-1).
            return Err(StoreError::Refused(
                crate::Refusal::ResellerOfAnotherDistributor,
            ));
        }
        rk = row.try_get("name_key")?;
    }
    Ok((dk, rk))
}

/// Insert a customer with its relations, audited, inside the caller's transaction.
pub(crate) async fn insert_customer(
    tx: &mut crate::Tx,
    meta: &AuditMeta,
    w: &CustomerWrite,
) -> Result<CustomerId> {
    let id = CustomerId::new();
    let f = &w.fields;
    let keys = provider_keys(tx, w.distributor_id, w.reseller_id).await?;
    let insert = sqlx::query(
        "INSERT INTO customers (id, name, name_key, customer_id, distributor_id, reseller_id, distributor_key, reseller_key, \
         service_user_name, service_password, service_disabled, phone, email, notes, created_at, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$15)",
    )
    .bind(id.to_string());
    let password = w.sealed_password.clone().unwrap_or_default();
    bind_write(insert, w, keys, Some(password))
        .bind(now_ms())
        .execute(&mut **tx)
        .await
        .map_err(taken)?;
    write_relations(tx, id, w).await?;
    let entry = AuditEntry::success("customer.create", "customer", id, &f.name)
        .with_detail(format!("customerId={}", f.customer_id));
    write(tx, meta, entry).await?;
    Ok(id)
}

impl Store {
    #[tracing::instrument(skip_all, fields(customer = %w.fields.customer_id))]
    pub async fn create_customer(&self, meta: &AuditMeta, w: &CustomerWrite) -> Result<CustomerId> {
        let mut tx = self.begin().await?;
        let id = insert_customer(&mut tx, meta, w).await?;
        tx.commit().await?;
        Ok(id)
    }

    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn update_customer(
        &self,
        meta: &AuditMeta,
        id: CustomerId,
        w: &CustomerWrite,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let keys = provider_keys(&mut tx, w.distributor_id, w.reseller_id).await?;
        let update = sqlx::query(
            "UPDATE customers SET name=$2, name_key=$3, customer_id=$4, distributor_id=$5, reseller_id=$6, distributor_key=$7, \
             reseller_key=$8, service_user_name=$9, service_password=COALESCE($10, service_password), service_disabled=$11, \
             phone=$12, email=$13, notes=$14, updated_at=$15 WHERE id=$1",
        )
        .bind(id.to_string());
        let done = bind_write(update, w, keys, w.sealed_password.clone())
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(taken)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        write_relations(&mut tx, id, w).await?;
        let entry = AuditEntry::success("customer.update", "customer", id, &w.fields.name);
        let entry = match w.sealed_password {
            Some(_) => entry.with_detail("servicePassword=changed"),
            None => entry,
        };
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Delete several customers (all or nothing), each within `scope`.
    #[tracing::instrument(skip_all)]
    pub async fn delete_customers(
        &self,
        meta: &AuditMeta,
        scope: Scope,
        ids: &[CustomerId],
    ) -> Result<Vec<String>> {
        let mut tx = self.begin().await?;
        let mut names = Vec::new();
        for id in ids {
            let mut q = from_customers();
            q.column((Alias::new("c"), Alias::new("name")));
            let Some(row) = self
                .select_optional_in(&mut tx, &one_in_scope(q, scope, *id))
                .await?
            else {
                return Err(StoreError::NotFound);
            };
            let name: String = row.try_get("name")?;
            delete_by_id(&mut tx, "customers", &id.to_string()).await?;
            let entry = AuditEntry::success("customer.delete", "customer", id, &name);
            write(&mut tx, meta, entry).await?;
            names.push(name);
        }
        tx.commit().await?;
        Ok(names)
    }
}
