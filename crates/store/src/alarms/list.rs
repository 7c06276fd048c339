//! The alarm list (ALM-3) within the caller's scope: filters, search (customer names included),
//! sort columns, paging; the summary bar's counts per severity and per type, shared with the
//! dashboard.

use super::{alarm_from_row, alarms_select, from_alarms, severity_name, Alarm};
use crate::list::{col, like, order, Filter};
use crate::scope;
use crate::sql::{PageRequest, SortOrder};
use crate::{Result, Store};
use patchbay_domain::alarm::{AlarmType, Severity};
use patchbay_domain::{CustomerId, Scope};
use sea_query::{Alias, Condition, Expr, Order, Query};
use sqlx::Row;

/// List filters (ALM-3); `None` means any.
#[derive(Debug, Clone, Default)]
pub struct AlarmFilter {
    pub customer: Option<CustomerId>,
    pub severity: Option<Severity>,
    pub alarm_type: Option<AlarmType>,
    pub ongoing: Option<bool>,
    pub search: Option<String>,
}

crate::sort_columns! {
    /// Sortable columns of the alarm list.
    pub enum AlarmSort {
        Customer => "customer" => "c.name_key",
        System => "systemName" => "a.system_name",
        Severity => "severity" => "a.severity_rank",
        Type => "alarmType" => "a.alarm_type",
        LastOccurrence => "lastOccurrence" => "a.last_occurrence",
        Occurrences => "occurrences" => "a.occurrences",
        Description => "description" => "a.description",
    }
}

/// ALM-3 summary bar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlarmSummary {
    pub total: i64,
    pub by_severity: Vec<(String, i64)>,
    pub by_type: Vec<(String, i64)>,
}

/// How many alarms there are per severity and per type (see [`Store::alarm_counts`]).
pub(crate) struct AlarmCounts {
    pub by_severity: Vec<(String, i64)>,
    pub by_type: Vec<(String, i64)>,
}

impl Store {
    /// The list's WHERE: the scope, then every filter given.
    fn alarm_filter(scope: Scope, f: &AlarmFilter) -> Filter {
        // Within a few customers (an Operator's, a customer's own staff) the per-customer index
        // finds their alarms, and a severity or type index walked in time order would read the
        // whole platform's alarms of that severity looking for theirs: `+rank` and `type || ''`
        // (the same values, no longer an indexed column) keep the planner off those indexes there
        // (an Operator's critical alarms counted in 15 ms instead of 190 ms at 1,000,000 alarms on
        // SQLite).
        let narrow = !matches!(scope, Scope::All) || f.customer.is_some();
        let unindexed = |column: &'static str, off: &'static str| -> Expr {
            if narrow {
                Expr::expr(Expr::cust(off))
            } else {
                col(column)
            }
        };
        Filter::new()
            .and(scope::alarms(scope))
            .eq("a.customer_id", f.customer.map(|c| c.to_string()))
            .when_some(f.severity, |s| {
                unindexed("a.severity_rank", "+a.severity_rank").eq(s.rank())
            })
            .when_some(f.alarm_type, |t| {
                unindexed("a.alarm_type", "(a.alarm_type || '')").eq(t.as_str())
            })
            .flag("a.ongoing", f.ongoing)
            .search(
                &[
                    "a.description",
                    "a.system_name",
                    "a.severity",
                    "a.alarm_type",
                ],
                f.search.as_deref(),
                |p| {
                    let named = Query::select()
                        .column((Alias::new("n"), Alias::new("id")))
                        .from_as(Alias::new("customers"), Alias::new("n"))
                        .and_where(col("n.name_key").like(like(p)))
                        .to_owned();
                    vec![col("a.customer_id").in_subquery(named)]
                },
            )
    }

    /// ALM-3 list within scope.
    #[tracing::instrument(skip_all)]
    pub async fn list_alarms(
        &self,
        scope: Scope,
        f: &AlarmFilter,
        sort: Option<(AlarmSort, SortOrder)>,
        page: PageRequest,
    ) -> Result<(Vec<Alarm>, i64)> {
        let mut q = alarms_select();
        match sort {
            Some(_) => order(&mut q, sort, &["a.id"]),
            None => {
                q.order_by(
                    (Alias::new("a"), Alias::new("last_occurrence")),
                    Order::Desc,
                );
                order::<AlarmSort>(&mut q, None, &["a.id"]);
            }
        }
        let page = self
            .count_and_page_from(q, &from_alarms(), Self::alarm_filter(scope, f), page)
            .await?;
        let items = page
            .items
            .iter()
            .map(alarm_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok((items, page.total))
    }

    /// ALM-3 summary bar: counts per severity and per type of the filtered alarms (the bar's own
    /// severity/type selections are ignored so every segment stays clickable).
    #[tracing::instrument(skip_all)]
    pub async fn alarm_summary(&self, scope: Scope, f: &AlarmFilter) -> Result<AlarmSummary> {
        let base = AlarmFilter {
            severity: None,
            alarm_type: None,
            ..f.clone()
        };
        let counts = self
            .alarm_counts(Self::alarm_filter(scope, &base).condition())
            .await?;
        Ok(AlarmSummary {
            total: counts.by_severity.iter().map(|(_, n)| n).sum(),
            by_severity: counts.by_severity,
            by_type: counts.by_type,
        })
    }

    /// Counts of the alarms `a` matching `cond` per severity and per type (ALM-3 summary bar,
    /// DSH-1 dashboard). Both groupings run on indexed columns (severity by its rank, named
    /// afterwards).
    pub(crate) async fn alarm_counts(&self, cond: Condition) -> Result<AlarmCounts> {
        let grouped = |column: &str| {
            let mut q = from_alarms();
            q.expr_as(Expr::cust(column), Alias::new("k"))
                .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
                .cond_where(cond.clone())
                .add_group_by([Expr::cust(column)]);
            q
        };
        let by_severity = self
            .key_counts_named(&grouped("a.severity_rank"), |r| {
                Ok(severity_name(r.try_get::<i64, _>("k")?))
            })
            .await?;
        let by_type = self.key_counts(&grouped("a.alarm_type")).await?;
        Ok(AlarmCounts {
            by_severity,
            by_type,
        })
    }
}
