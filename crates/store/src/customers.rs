//! Customers (CUS-1 … CUS-7): entries, tags, assigned operators, the scoped list with filters and
//! the dashboard figures. The connectivity columns are maintained by `systems`.

use crate::audit::{parse_id, write, AuditEntry, AuditMeta};
use crate::list::{col, like, order, related, Filter};
use crate::providers::key;
use crate::scope;
use crate::sql::{PageRequest, SortOrder};
use crate::{flag, get_flag, now_ms, ts, Result, Store, StoreError};
use patchbay_domain::customer::CustomerFields;
use patchbay_domain::{AccountId, CustomerId, DistributorId, ResellerId, Scope};
use sea_query::{Alias, Expr, JoinType, Order, Query, SelectStatement};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;

/// A customer as listed and shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: CustomerId,
    pub fields: CustomerFields,
    pub distributor_id: Option<DistributorId>,
    pub distributor_name: String,
    pub reseller_id: Option<ResellerId>,
    pub reseller_name: String,
    pub light: String,
    pub status_code: String,
    pub system_name: String,
    pub profile: String,
    pub version: String,
    pub address: String,
    pub port: i64,
    pub last_seen_at: Option<jiff::Timestamp>,
    pub needs_attention: bool,
    pub alarm_count: i64,
    /// Operators assigned manually.
    pub operators: Vec<(AccountId, String)>,
    pub created_at: jiff::Timestamp,
}

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

/// What the agent gateway needs to authenticate a system.
#[derive(Debug, Clone)]
pub struct ServiceCredentials {
    pub id: CustomerId,
    pub service_user_name: String,
    pub sealed_password: String,
    pub service_disabled: bool,
}

#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    pub search: Option<String>,
    pub light: Option<String>,
    pub status_code: Option<String>,
    pub tag: Option<String>,
    pub version: Option<String>,
    pub profile: Option<String>,
    pub distributor: Option<String>,
    pub reseller: Option<String>,
    pub has_alarms: Option<bool>,
}

crate::sort_columns! {
    pub enum CustomerSort {
        Name => "name" => "c.name_key",
        SystemName => "systemName" => "c.system_name",
        CustomerId => "customerId" => "c.customer_id",
        Profile => "profile" => "c.profile",
        Version => "version" => "c.version",
        Alarms => "alarmCount" => "c.alarm_count",
        Status => "status" => "c.light",
    }
}

/// Dashboard figures (DSH-1), all within the caller's scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dashboard {
    pub customers: i64,
    pub by_light: Vec<(String, i64)>,
    pub by_status: Vec<(String, i64)>,
    pub alarms_by_severity: Vec<(String, i64)>,
    pub alarms_by_type: Vec<(String, i64)>,
    pub tags: Vec<(String, i64)>,
    pub versions: Vec<(String, i64)>,
}

const COLUMNS: &str = "c.id, c.name, c.customer_id, c.distributor_id, c.reseller_id, c.service_user_name, \
    c.service_disabled, c.phone, c.email, c.notes, c.light, c.status_code, c.system_name, c.profile, c.version, \
    c.address, c.port, c.last_seen_at, c.needs_attention, c.alarm_count, c.created_at, \
    COALESCE(d.name, '') AS distributor_name, COALESCE(r.name, '') AS reseller_name";
/// `SELECT COLUMNS FROM customers c` with the provider names joined.
fn select() -> SelectStatement {
    Query::select()
        .expr(Expr::cust(COLUMNS))
        .from_as(Alias::new("customers"), Alias::new("c"))
        .join_as(
            JoinType::LeftJoin,
            Alias::new("distributors"),
            Alias::new("d"),
            Expr::cust("d.id = c.distributor_id"),
        )
        .join_as(
            JoinType::LeftJoin,
            Alias::new("resellers"),
            Alias::new("r"),
            Expr::cust("r.id = c.reseller_id"),
        )
        .to_owned()
}

fn row_to_customer(
    r: &AnyRow,
    tags: Vec<String>,
    operators: Vec<(AccountId, String)>,
) -> Result<Customer> {
    Ok(Customer {
        id: parse_id(r.try_get("id")?)?,
        fields: CustomerFields {
            name: r.try_get("name")?,
            customer_id: r.try_get("customer_id")?,
            service_user_name: r.try_get("service_user_name")?,
            tags,
            phone: r.try_get("phone")?,
            email: r.try_get("email")?,
            notes: r.try_get("notes")?,
            service_disabled: get_flag(r, "service_disabled")?,
        },
        distributor_id: r
            .try_get::<Option<String>, _>("distributor_id")?
            .map(parse_id)
            .transpose()?,
        distributor_name: r.try_get("distributor_name")?,
        reseller_id: r
            .try_get::<Option<String>, _>("reseller_id")?
            .map(parse_id)
            .transpose()?,
        reseller_name: r.try_get("reseller_name")?,
        light: r.try_get("light")?,
        status_code: r.try_get("status_code")?,
        system_name: r.try_get("system_name")?,
        profile: r.try_get("profile")?,
        version: r.try_get("version")?,
        address: r.try_get("address")?,
        port: r.try_get("port")?,
        last_seen_at: r.try_get::<Option<i64>, _>("last_seen_at")?.map(ts),
        needs_attention: get_flag(r, "needs_attention")?,
        alarm_count: r.try_get("alarm_count")?,
        operators,
        created_at: ts(r.try_get("created_at")?),
    })
}

async fn write_relations(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: CustomerId,
    w: &CustomerWrite,
) -> Result<()> {
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
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
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

impl Store {
    #[tracing::instrument(skip_all, fields(customer = %w.fields.customer_id))]
    pub async fn create_customer(&self, meta: &AuditMeta, w: &CustomerWrite) -> Result<CustomerId> {
        let id = CustomerId::new();
        let now = now_ms();
        let f = &w.fields;
        let mut tx = self.begin().await?;
        let (dk, rk) = provider_keys(&mut tx, w.distributor_id, w.reseller_id).await?;
        sqlx::query(
            "INSERT INTO customers (id, name, name_key, customer_id, distributor_id, reseller_id, distributor_key, reseller_key, \
             service_user_name, service_password, service_disabled, phone, email, notes, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$15)",
        )
        .bind(id.to_string())
        .bind(f.name.as_str())
        .bind(key(&f.name))
        .bind(f.customer_id.as_str())
        .bind(w.distributor_id.map(|d| d.to_string()))
        .bind(w.reseller_id.map(|r| r.to_string()))
        .bind(dk)
        .bind(rk)
        .bind(f.service_user_name.as_str())
        .bind(w.sealed_password.clone().unwrap_or_default())
        .bind(flag(f.service_disabled))
        .bind(f.phone.as_str())
        .bind(f.email.as_str())
        .bind(f.notes.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                if d.message().contains("customer_id") || d.constraint().is_some_and(|c| c.contains("customer_id")) {
                    StoreError::Taken(crate::Taken::CustomerKey)
                } else {
                    StoreError::Taken(crate::Taken::CustomerName)
                }
            }
            _ => StoreError::Db(e),
        })?;
        write_relations(&mut tx, id, w).await?;
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "customer.create",
                target_type: "customer",
                target_id: id.to_string(),
                target_name: f.name.clone(),
                outcome: "success",
                detail: format!("customerId={}", f.customer_id),
            },
        )
        .await?;
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
        let f = &w.fields;
        let mut tx = self.begin().await?;
        let (dk, rk) = provider_keys(&mut tx, w.distributor_id, w.reseller_id).await?;
        let done = sqlx::query(
            "UPDATE customers SET name=$2, name_key=$3, customer_id=$4, distributor_id=$5, reseller_id=$6, distributor_key=$7, \
             reseller_key=$8, service_user_name=$9, service_password=COALESCE($10, service_password), service_disabled=$11, \
             phone=$12, email=$13, notes=$14, updated_at=$15 WHERE id=$1",
        )
        .bind(id.to_string())
        .bind(f.name.as_str())
        .bind(key(&f.name))
        .bind(f.customer_id.as_str())
        .bind(w.distributor_id.map(|d| d.to_string()))
        .bind(w.reseller_id.map(|r| r.to_string()))
        .bind(dk)
        .bind(rk)
        .bind(f.service_user_name.as_str())
        .bind(w.sealed_password.clone())
        .bind(flag(f.service_disabled))
        .bind(f.phone.as_str())
        .bind(f.email.as_str())
        .bind(f.notes.as_str())
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                if d.message().contains("customer_id") || d.constraint().is_some_and(|c| c.contains("customer_id")) {
                    StoreError::Taken(crate::Taken::CustomerKey)
                } else {
                    StoreError::Taken(crate::Taken::CustomerName)
                }
            }
            _ => StoreError::Db(e),
        })?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        write_relations(&mut tx, id, w).await?;
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "customer.update",
                target_type: "customer",
                target_id: id.to_string(),
                target_name: f.name.clone(),
                outcome: "success",
                detail: if w.sealed_password.is_some() {
                    "servicePassword=changed".into()
                } else {
                    String::new()
                },
            },
        )
        .await?;
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
            let q = Query::select()
                .column((Alias::new("c"), Alias::new("name")))
                .from_as(Alias::new("customers"), Alias::new("c"))
                .and_where(col("c.id").eq(id.to_string()))
                .cond_where(scope::customers(scope))
                .to_owned();
            let (sql, values) = self.build(&q);
            let Some(row) = sqlx::query_with(&sql, values)
                .fetch_optional(&mut *tx)
                .await?
            else {
                return Err(StoreError::NotFound);
            };
            let name: String = row.try_get("name")?;
            sqlx::query("DELETE FROM customers WHERE id = $1")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
            write(
                &mut tx,
                meta,
                AuditEntry {
                    action: "customer.delete",
                    target_type: "customer",
                    target_id: id.to_string(),
                    target_name: name.clone(),
                    outcome: "success",
                    ..Default::default()
                },
            )
            .await?;
            names.push(name);
        }
        tx.commit().await?;
        Ok(names)
    }

    async fn tags_of(&self, ids: &[String]) -> Result<HashMap<String, Vec<String>>> {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        if ids.is_empty() {
            return Ok(map);
        }
        let q = Query::select()
            .columns([Alias::new("customer_id"), Alias::new("tag")])
            .from(Alias::new("customer_tags"))
            .and_where(col("customer_id").is_in(ids.iter().cloned()))
            .order_by(Alias::new("tag_key"), Order::Asc)
            .to_owned();
        for r in self.select_all(&q).await? {
            map.entry(r.try_get("customer_id")?)
                .or_default()
                .push(r.try_get("tag")?);
        }
        Ok(map)
    }

    /// Manually assigned operators of several customers, in one query.
    async fn operators_of(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, Vec<(AccountId, String)>>> {
        let mut map: HashMap<String, Vec<(AccountId, String)>> = HashMap::new();
        if ids.is_empty() {
            return Ok(map);
        }
        let q = Query::select()
            .expr(Expr::cust("o.customer_id, a.id, a.login_name"))
            .from_as(Alias::new("customer_operators"), Alias::new("o"))
            .join_as(
                JoinType::InnerJoin,
                Alias::new("accounts"),
                Alias::new("a"),
                Expr::cust("a.id = o.account_id"),
            )
            .and_where(col("o.customer_id").is_in(ids.iter().cloned()))
            .order_by((Alias::new("a"), Alias::new("login_key")), Order::Asc)
            .to_owned();
        for r in self.select_all(&q).await? {
            map.entry(r.try_get("customer_id")?)
                .or_default()
                .push((parse_id(r.try_get("id")?)?, r.try_get("login_name")?));
        }
        Ok(map)
    }

    async fn hydrate(&self, rows: Vec<AnyRow>) -> Result<Vec<Customer>> {
        let ids = rows
            .iter()
            .map(|r| r.try_get::<String, _>("id"))
            .collect::<Result<Vec<_>, _>>()?;
        let mut tags = self.tags_of(&ids).await?;
        let mut ops = self.operators_of(&ids).await?;
        rows.iter()
            .zip(ids)
            .map(|(r, id)| {
                row_to_customer(
                    r,
                    tags.remove(&id).unwrap_or_default(),
                    ops.remove(&id).unwrap_or_default(),
                )
            })
            .collect()
    }

    /// One customer within `scope`; NotFound otherwise (TEN-4).
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn customer(&self, scope: Scope, id: CustomerId) -> Result<Customer> {
        let q = select()
            .and_where(col("c.id").eq(id.to_string()))
            .cond_where(scope::customers(scope))
            .to_owned();
        let Some(row) = self.select_optional(&q).await? else {
            return Err(StoreError::NotFound);
        };
        Ok(self.hydrate(vec![row]).await?.remove(0))
    }

    /// The sealed service password of a customer (for re-sending connection details).
    pub async fn customer_sealed_password(&self, id: CustomerId) -> Result<String> {
        let row = sqlx::query("SELECT service_password FROM customers WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(row
            .ok_or(StoreError::NotFound)?
            .try_get("service_password")?)
    }

    /// Credentials for the agent gateway, by the public customer ID.
    #[tracing::instrument(skip_all)]
    pub async fn service_credentials(
        &self,
        customer_id: &str,
    ) -> Result<Option<ServiceCredentials>> {
        let row = sqlx::query("SELECT id, service_user_name, service_password, service_disabled FROM customers WHERE customer_id = $1")
            .bind(customer_id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok(ServiceCredentials {
                id: parse_id(r.try_get("id")?)?,
                service_user_name: r.try_get("service_user_name")?,
                sealed_password: r.try_get("service_password")?,
                service_disabled: get_flag(&r, "service_disabled")?,
            })
        })
        .transpose()
    }

    fn filter(scope: Scope, f: &CustomerFilter) -> Filter {
        let tags = || related("customer_tags", "t", "t.customer_id = c.id");
        let mut filter = Filter::new()
            .and(scope::customers(scope))
            .eq("c.light", f.light.clone())
            .eq("c.status_code", f.status_code.clone())
            .eq("c.version", f.version.clone())
            .eq("c.profile", f.profile.clone())
            .eq("c.distributor_key", f.distributor.as_deref().map(key))
            .eq("c.reseller_key", f.reseller.as_deref().map(key))
            .search(
                &[
                    "c.name_key",
                    "c.customer_id",
                    "c.system_name",
                    "c.version",
                    "c.profile",
                    "c.notes",
                    "c.email",
                    "c.phone",
                    "c.distributor_key",
                    "c.reseller_key",
                    "c.status_code",
                ],
                f.search.as_deref(),
                |p| {
                    vec![Expr::exists(
                        tags().and_where(col("t.tag_key").like(like(p))).to_owned(),
                    )]
                },
            );
        if let Some(t) = &f.tag {
            filter = filter.exists(tags(), col("t.tag_key").eq(key(t)));
        }
        match f.has_alarms {
            Some(true) => filter.and(col("c.alarm_count").gt(0)),
            Some(false) => filter.and(col("c.alarm_count").eq(0)),
            None => filter,
        }
    }

    /// CUS-4 / CUS-6 list: scope, filter, search, one sort column, page.
    #[tracing::instrument(skip_all)]
    pub async fn list_customers(
        &self,
        scope: Scope,
        f: &CustomerFilter,
        sort: Option<(CustomerSort, SortOrder)>,
        page: PageRequest,
    ) -> Result<(Vec<Customer>, i64)> {
        let mut q = select();
        order(&mut q, sort, &["c.name_key"]);
        let counted = Query::select()
            .from_as(Alias::new("customers"), Alias::new("c"))
            .to_owned();
        let page = self
            .count_and_page_from(q, &counted, Self::filter(scope, f), page)
            .await?;
        Ok((self.hydrate(page.items).await?, page.total))
    }

    /// Customer ids in scope matching a filter (for bulk actions and assignment checks).
    pub async fn customer_in_scope(&self, scope: Scope, id: CustomerId) -> Result<bool> {
        let q = Query::select()
            .expr(Expr::val(1))
            .from_as(Alias::new("customers"), Alias::new("c"))
            .and_where(col("c.id").eq(id.to_string()))
            .cond_where(scope::customers(scope))
            .to_owned();
        Ok(self.select_optional(&q).await?.is_some())
    }

    /// CUS-3 tooltip: accounts assigned to a customer, manually or by label, excluding
    /// Administrator and Support (who see everything anyway).
    #[tracing::instrument(skip_all)]
    pub async fn assigned_accounts(
        &self,
        id: CustomerId,
    ) -> Result<Vec<(AccountId, String, bool)>> {
        let rows = sqlx::query(
            "SELECT a.id, a.login_name, \
               CASE WHEN EXISTS (SELECT 1 FROM customer_operators o WHERE o.customer_id = c.id AND o.account_id = a.id) THEN 1 ELSE 0 END AS manual \
             FROM accounts a, customers c WHERE c.id = $1 AND a.role NOT IN ('administrator', 'support', 'customer-admin') AND ( \
               EXISTS (SELECT 1 FROM customer_operators o WHERE o.customer_id = c.id AND o.account_id = a.id) \
               OR EXISTS (SELECT 1 FROM account_labels l WHERE l.account_id = a.id AND (LOWER(l.label) = c.distributor_key OR LOWER(l.label) = c.reseller_key))) \
             ORDER BY a.login_key",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    parse_id(r.try_get("id")?)?,
                    r.try_get("login_name")?,
                    r.try_get::<i64, _>("manual")? != 0,
                ))
            })
            .collect()
    }

    /// DSH-1 figures within `scope`.
    #[tracing::instrument(skip_all)]
    pub async fn dashboard(&self, scope: Scope) -> Result<Dashboard> {
        // `key` AS k, COUNT(*) AS n over `from` in scope, grouped by `key`.
        let counts = |from: SelectStatement, key: &str| {
            let mut q = from;
            q.expr_as(Expr::cust(key), Alias::new("k"))
                .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
                .add_group_by([Expr::cust(key)]);
            q
        };
        let customers = || {
            Query::select()
                .from_as(Alias::new("customers"), Alias::new("c"))
                .cond_where(scope::customers(scope))
                .to_owned()
        };
        let alarms = || {
            Query::select()
                .from_as(Alias::new("alarms"), Alias::new("a"))
                .cond_where(scope::alarms(scope))
                .to_owned()
        };
        let pairs = |q: SelectStatement| async move {
            self.select_all(&q)
                .await?
                .iter()
                .map(|r| Ok((r.try_get::<String, _>("k")?, r.try_get::<i64, _>("n")?)))
                .collect::<Result<Vec<_>>>()
        };
        let by_n = |mut q: SelectStatement, limit: Option<u64>| {
            q.order_by_expr(Expr::cust("n"), Order::Desc)
                .order_by_expr(Expr::cust("k"), Order::Asc);
            if let Some(l) = limit {
                q.limit(l);
            }
            q
        };
        let by_light = pairs(counts(customers(), "c.light")).await?;
        let by_status = pairs(by_n(counts(customers(), "c.status_code"), None)).await?;
        let alarms_by_severity: Vec<(String, i64)> = {
            // Grouped on the indexed rank, named afterwards.
            let rows = self
                .select_all(&counts(alarms(), "a.severity_rank"))
                .await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        crate::alarms::severity_name(r.try_get::<i64, _>("k")?),
                        r.try_get::<i64, _>("n")?,
                    ))
                })
                .collect::<Result<Vec<_>>>()?
        };
        let alarms_by_type = pairs(counts(alarms(), "a.alarm_type")).await?;
        let tags = {
            let mut q = customers();
            q.join_as(
                JoinType::InnerJoin,
                Alias::new("customer_tags"),
                Alias::new("t"),
                Expr::cust("c.id = t.customer_id"),
            )
            .expr_as(Expr::cust("MIN(t.tag)"), Alias::new("k"))
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .add_group_by([Expr::cust("t.tag_key")]);
            pairs(by_n(q, Some(20))).await?
        };
        let versions = {
            let mut q = counts(customers(), "c.version");
            q.and_where(col("c.version").ne(""));
            pairs(by_n(q, Some(20))).await?
        };
        let customers = by_light.iter().map(|(_, n)| n).sum();
        Ok(Dashboard {
            customers,
            by_light,
            by_status,
            alarms_by_severity,
            alarms_by_type,
            tags,
            versions,
        })
    }

    /// Every tag in use (pick existing or create new, CUS-1).
    pub async fn all_tags(&self) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT MIN(tag) AS tag FROM customer_tags GROUP BY tag_key ORDER BY tag_key",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok(r.try_get("tag")?)).collect()
    }

    /// Count of customers (all scopes), for capacity reports.
    pub async fn count_customers(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM customers")
            .fetch_one(self.pool())
            .await?
            .try_get("n")?)
    }

    /// Whether the account exists and may be assigned to customers (operators' roles).
    pub async fn assignable_account(&self, id: AccountId) -> Result<bool> {
        let row = sqlx::query("SELECT role FROM accounts WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(row
            .map(|r| r.try_get::<String, _>("role"))
            .transpose()?
            .is_some_and(|r| matches!(r.as_str(), "supervisor" | "operator" | "read-only")))
    }
}
