//! Customers (CUS-1 … CUS-7). This module holds the customer as listed and shown (row, tags,
//! operators) and the scoped look-up of one; the rest is filed by concern:
//! - `write`: create, update and delete customers with their tags, operators and place in the
//!   provider tree;
//! - `list`: the scoped list with its filters, search and sort (CUS-4, CUS-6), tags in use and
//!   counts;
//! - `operators`: operators assigned manually or by label (CUS-3);
//! - `credentials`: the service credentials the agent gateway checks;
//! - `dashboard`: the dashboard figures (DSH-1).
//!
//! The connectivity columns are maintained by `systems`.

mod credentials;
mod dashboard;
mod list;
mod operators;
mod write;

pub use credentials::{Admission, ServiceCredentials};
pub use dashboard::Dashboard;
pub use list::{CustomerFilter, CustomerSort, SEARCH_TEXT};
pub(crate) use write::insert_customer;
pub use write::CustomerWrite;

use crate::audit::parse_id;
use crate::list::{col, select_from};
use crate::scope;
use crate::{get_flag, ts, Result, Store, StoreError};
use patchbay_domain::customer::CustomerFields;
use patchbay_domain::{AccountId, CustomerId, DistributorId, ResellerId, Scope};
use sea_query::{Alias, JoinType, Order, Query, SelectStatement};
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
    /// CUS-8: added by an enrolment and not confirmed yet (its system is refused meanwhile).
    pub enrolment_pending: bool,
    pub alarm_count: i64,
    /// Operators assigned manually.
    pub operators: Vec<(AccountId, String)>,
    pub created_at: jiff::Timestamp,
}

const COLUMNS: &str = "c.id, c.name, c.customer_id, c.distributor_id, c.reseller_id, c.service_user_name, \
    c.service_disabled, c.phone, c.email, c.notes, c.light, c.status_code, c.system_name, c.profile, c.version, \
    c.address, c.port, c.last_seen_at, c.needs_attention, c.enrolment_pending, c.alarm_count, c.created_at, \
    COALESCE(d.name, '') AS distributor_name, COALESCE(r.name, '') AS reseller_name";

/// `SELECT COLUMNS FROM customers c` with the provider names joined.
fn select() -> SelectStatement {
    select_from(
        COLUMNS,
        ("customers", "c"),
        &[
            (
                JoinType::LeftJoin,
                "distributors",
                "d",
                "d.id = c.distributor_id",
            ),
            (JoinType::LeftJoin, "resellers", "r", "r.id = c.reseller_id"),
        ],
    )
}

/// `FROM customers c` with nothing selected yet (counts, existence, one column).
fn from_customers() -> SelectStatement {
    Query::select()
        .from_as(Alias::new("customers"), Alias::new("c"))
        .to_owned()
}

/// `q` narrowed to customer `id`, if `scope` covers it (TEN-4).
fn one_in_scope(mut q: SelectStatement, scope: Scope, id: CustomerId) -> SelectStatement {
    q.and_where(col("c.id").eq(id.to_string()))
        .cond_where(scope::customers(scope));
    q
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
        enrolment_pending: get_flag(r, "enrolment_pending")?,
        alarm_count: r.try_get("alarm_count")?,
        operators,
        created_at: ts(r.try_get("created_at")?),
    })
}

impl Store {
    /// Tags of several customers in one query.
    async fn tags_of(&self, ids: &[String]) -> Result<HashMap<String, Vec<String>>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let q = Query::select()
            .columns([Alias::new("customer_id"), Alias::new("tag")])
            .from(Alias::new("customer_tags"))
            .and_where(col("customer_id").is_in(ids.iter().cloned()))
            .order_by(Alias::new("tag_key"), Order::Asc)
            .to_owned();
        self.grouped(
            &q,
            |r| Ok(r.try_get("customer_id")?),
            |r| Ok(r.try_get("tag")?),
        )
        .await
    }

    /// Customers of rows read with [`COLUMNS`], with their tags and operators.
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
        let Some(row) = self
            .select_optional(&one_in_scope(select(), scope, id))
            .await?
        else {
            return Err(StoreError::NotFound);
        };
        Ok(self.hydrate(vec![row]).await?.remove(0))
    }

    /// Whether `scope` covers the customer (bulk actions and assignment checks).
    pub async fn customer_in_scope(&self, scope: Scope, id: CustomerId) -> Result<bool> {
        let mut q = from_customers();
        q.expr(sea_query::Expr::val(1));
        Ok(self
            .select_optional(&one_in_scope(q, scope, id))
            .await?
            .is_some())
    }
}
