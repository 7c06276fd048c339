//! The dashboard figures (DSH-1): customers per connectivity light and status, alarms per
//! severity and type, the most used tags and versions, all within the caller's scope.

use super::from_customers;
use crate::list::col;
use crate::scope;
use crate::{Result, Store};
use patchbay_domain::Scope;
use sea_query::{Alias, Expr, JoinType, Order, SelectStatement};

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

impl Store {
    /// DSH-1 figures within `scope`.
    #[tracing::instrument(skip_all)]
    pub async fn dashboard(&self, scope: Scope) -> Result<Dashboard> {
        // `key` AS k, COUNT(*) AS n over `from`, grouped by `key`.
        let counts = |from: SelectStatement, key: &str| {
            let mut q = from;
            q.expr_as(Expr::cust(key), Alias::new("k"))
                .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
                .add_group_by([Expr::cust(key)]);
            q
        };
        let customers = || {
            let mut q = from_customers();
            q.cond_where(scope::customers(scope));
            q
        };
        // Most first, then by key; the first `limit` only.
        let by_n = |mut q: SelectStatement, limit: Option<u64>| {
            q.order_by_expr(Expr::cust("n"), Order::Desc)
                .order_by_expr(Expr::cust("k"), Order::Asc);
            if let Some(l) = limit {
                q.limit(l);
            }
            q
        };
        let by_light = self.key_counts(&counts(customers(), "c.light")).await?;
        let by_status = self
            .key_counts(&by_n(counts(customers(), "c.status_code"), None))
            .await?;
        let alarms = self.alarm_counts(scope::alarms(scope)).await?;
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
            self.key_counts(&by_n(q, Some(20))).await?
        };
        let versions = {
            let mut q = counts(customers(), "c.version");
            q.and_where(col("c.version").ne(""));
            self.key_counts(&by_n(q, Some(20))).await?
        };
        let customers = by_light.iter().map(|(_, n)| n).sum();
        Ok(Dashboard {
            customers,
            by_light,
            by_status,
            alarms_by_severity: alarms.by_severity,
            alarms_by_type: alarms.by_type,
            tags,
            versions,
        })
    }
}
