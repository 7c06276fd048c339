//! Alarms (ALM-1 … ALM-6): one row per fingerprint, repeats folded in by a single upsert, the
//! customer's alarm count kept in the same transaction; scoped lists, summaries and clearing.

use crate::audit::{parse_id, write, AuditEntry, AuditMeta};
use crate::list::{col, like, order, Filter};
use crate::scope;
use crate::sql::{PageRequest, SortOrder};
use crate::{get_flag, ts, Result, Store, StoreError};
use patchbay_domain::alarm::{fingerprint, AlarmType, Severity};
use patchbay_domain::{AlarmId, CustomerId, Scope};
use sea_query::{Alias, Expr, JoinType, Order, Query, SelectStatement};
use sqlx::Row;

/// A raise (or repeat) from a system.
#[derive(Debug, Clone)]
pub struct AlarmRaise<'a> {
    pub customer: CustomerId,
    pub system_name: &'a str,
    pub severity: Severity,
    pub alarm_type: AlarmType,
    pub description: &'a str,
    pub key: &'a str,
    pub ongoing: bool,
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    pub id: AlarmId,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub system_name: String,
    pub severity: String,
    pub alarm_type: String,
    pub description: String,
    pub first_occurrence: jiff::Timestamp,
    pub last_occurrence: jiff::Timestamp,
    pub occurrences: i64,
    pub ongoing: bool,
}

#[derive(Debug, Clone, Default)]
pub struct AlarmFilter {
    pub customer: Option<CustomerId>,
    pub severity: Option<Severity>,
    pub alarm_type: Option<AlarmType>,
    pub ongoing: Option<bool>,
    pub search: Option<String>,
}

crate::sort_columns! {
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

/// The severity name of a stored rank.
pub(crate) fn severity_name(rank: i64) -> String {
    Severity::ALL
        .into_iter()
        .find(|s| s.rank() == rank)
        .map(|s| s.as_str().to_string())
        .unwrap_or_default()
}

/// ALM-3 summary bar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlarmSummary {
    pub total: i64,
    pub by_severity: Vec<(String, i64)>,
    pub by_type: Vec<(String, i64)>,
}

impl Store {
    /// ALM-2: insert the alarm or fold the repeat into its row (last occurrence, count, ongoing) —
    /// one upsert; a new row raises the customer's alarm count in the same transaction.
    #[tracing::instrument(skip_all)]
    pub async fn raise_alarm(&self, a: &AlarmRaise<'_>) -> Result<i64> {
        let fp = fingerprint(&a.customer.to_string(), a.system_name, a.alarm_type, a.key);
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "INSERT INTO alarms (id, fingerprint, customer_id, system_name, severity, severity_rank, alarm_type, description, \
             first_occurrence, last_occurrence, occurrences, ongoing) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, 1, $10) \
             ON CONFLICT (fingerprint) DO UPDATE SET occurrences = alarms.occurrences + 1, \
             last_occurrence = CASE WHEN excluded.last_occurrence > alarms.last_occurrence THEN excluded.last_occurrence ELSE alarms.last_occurrence END, \
             severity = excluded.severity, severity_rank = excluded.severity_rank, description = excluded.description, \
             ongoing = excluded.ongoing RETURNING occurrences",
        )
        .bind(AlarmId::new().to_string())
        .bind(fp)
        .bind(a.customer.to_string())
        .bind(a.system_name)
        .bind(a.severity.as_str())
        .bind(a.severity.rank())
        .bind(a.alarm_type.as_str())
        .bind(a.description)
        .bind(a.at_ms)
        .bind(i64::from(a.ongoing))
        .fetch_one(&mut *tx)
        .await?;
        let occurrences: i64 = row.try_get("occurrences")?;
        if occurrences == 1 {
            sqlx::query("UPDATE customers SET alarm_count = alarm_count + 1 WHERE id = $1")
                .bind(a.customer.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(occurrences)
    }

    /// The system says the condition ended: the alarm is no longer ongoing (an operator may now
    /// clear it).
    #[tracing::instrument(skip_all)]
    pub async fn end_alarm(
        &self,
        customer: CustomerId,
        system_name: &str,
        alarm_type: AlarmType,
        key: &str,
    ) -> Result<bool> {
        let fp = fingerprint(&customer.to_string(), system_name, alarm_type, key);
        let done = sqlx::query("UPDATE alarms SET ongoing = 0 WHERE fingerprint = $1")
            .bind(fp)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    fn alarm_filter(scope: Scope, f: &AlarmFilter) -> Filter {
        Filter::new()
            .and(scope::alarms(scope))
            .eq("a.customer_id", f.customer.map(|c| c.to_string()))
            .eq("a.severity_rank", f.severity.map(|s| s.rank()))
            .eq("a.alarm_type", f.alarm_type.map(|t| t.as_str()))
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

    /// Alarms `a` with their customer's name.
    fn alarms_select() -> SelectStatement {
        Query::select()
            .expr(Expr::cust("a.*, c.name AS customer_name"))
            .from_as(Alias::new("alarms"), Alias::new("a"))
            .join_as(
                JoinType::InnerJoin,
                Alias::new("customers"),
                Alias::new("c"),
                Expr::cust("c.id = a.customer_id"),
            )
            .to_owned()
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
        let mut q = Self::alarms_select();
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
        let counted = Query::select()
            .from_as(Alias::new("alarms"), Alias::new("a"))
            .to_owned();
        let page = self
            .count_and_page_from(q, &counted, Self::alarm_filter(scope, f), page)
            .await?;
        let (rows, total) = page.into_parts();
        let items = rows
            .iter()
            .map(|r| {
                Ok(Alarm {
                    id: parse_id(r.try_get("id")?)?,
                    customer_id: parse_id(r.try_get("customer_id")?)?,
                    customer_name: r.try_get("customer_name")?,
                    system_name: r.try_get("system_name")?,
                    severity: r.try_get("severity")?,
                    alarm_type: r.try_get("alarm_type")?,
                    description: r.try_get("description")?,
                    first_occurrence: ts(r.try_get("first_occurrence")?),
                    last_occurrence: ts(r.try_get("last_occurrence")?),
                    occurrences: r.try_get("occurrences")?,
                    ongoing: get_flag(r, "ongoing")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((items, total))
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
        let filter = Self::alarm_filter(scope, &base).condition();
        let mut out = AlarmSummary::default();
        // Both groupings run on indexed columns (severity by its rank).
        for (column, target) in [("a.severity_rank", 0), ("a.alarm_type", 1)] {
            let q = Query::select()
                .expr_as(Expr::cust(column), Alias::new("k"))
                .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
                .from_as(Alias::new("alarms"), Alias::new("a"))
                .cond_where(filter.clone())
                .add_group_by([Expr::cust(column)])
                .to_owned();
            let rows = self.select_all(&q).await?;
            let pairs = rows
                .iter()
                .map(|r| {
                    let key = if target == 0 {
                        severity_name(r.try_get::<i64, _>("k")?)
                    } else {
                        r.try_get::<String, _>("k")?
                    };
                    Ok((key, r.try_get::<i64, _>("n")?))
                })
                .collect::<Result<Vec<_>>>()?;
            if target == 0 {
                out.total = pairs.iter().map(|(_, n)| n).sum();
                out.by_severity = pairs;
            } else {
                out.by_type = pairs;
            }
        }
        Ok(out)
    }

    /// ALM-4: clear the selected alarms, all or nothing. Ongoing ones are refused
    /// (`Refused(AlarmOngoing)`), alarms outside the scope are not found.
    #[tracing::instrument(skip_all)]
    pub async fn clear_alarms(
        &self,
        meta: &AuditMeta,
        scope: Scope,
        ids: &[AlarmId],
    ) -> Result<u64> {
        let mut tx = self.begin().await?;
        for id in ids {
            let q = Self::alarms_select()
                .and_where(col("a.id").eq(id.to_string()))
                .cond_where(scope::customers(scope))
                .to_owned();
            let (sql, values) = self.build(&q);
            let Some(row) = sqlx::query_with(&sql, values)
                .fetch_optional(&mut *tx)
                .await?
            else {
                return Err(StoreError::NotFound);
            };
            if get_flag(&row, "ongoing")? {
                return Err(StoreError::Refused(crate::Refusal::AlarmOngoing));
            }
            let customer: String = row.try_get("customer_id")?;
            let deleted = sqlx::query("DELETE FROM alarms WHERE id = $1 AND ongoing = 0")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if deleted == 0 {
                // Cleared meanwhile by someone else, or became ongoing again.
                continue;
            }
            sqlx::query("UPDATE customers SET alarm_count = alarm_count - 1 WHERE id = $1 AND alarm_count > 0")
                .bind(customer.as_str())
                .execute(&mut *tx)
                .await?;
            write(
                &mut tx,
                meta,
                AuditEntry {
                    action: "alarm.clear",
                    target_type: "alarm",
                    target_id: id.to_string(),
                    target_name: row.try_get("description")?,
                    outcome: "success",
                    ..Default::default()
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(ids.len() as u64)
    }

    /// ALM-5: clear every alarm of one type within scope; ongoing ones stay.
    #[tracing::instrument(skip_all)]
    pub async fn clear_alarms_of_type(
        &self,
        meta: &AuditMeta,
        scope: Scope,
        alarm_type: AlarmType,
    ) -> Result<u64> {
        let mut tx = self.begin().await?;
        let in_scope = Query::select()
            .column((Alias::new("c"), Alias::new("id")))
            .from_as(Alias::new("customers"), Alias::new("c"))
            .cond_where(scope::customers(scope))
            .to_owned();
        let del = Query::delete()
            .from_table(Alias::new("alarms"))
            .and_where(col("alarm_type").eq(alarm_type.as_str()))
            .and_where(col("ongoing").eq(0))
            .and_where(col("customer_id").in_subquery(in_scope))
            .returning_col(Alias::new("customer_id"))
            .to_owned();
        // Decrement by what was really deleted (concurrent raises or clears cannot skew the count).
        let (sql, values) = self.build(&del);
        let deleted = sqlx::query_with(&sql, values).fetch_all(&mut *tx).await?;
        let mut per_customer: std::collections::HashMap<String, i64> =
            std::collections::HashMap::new();
        for r in &deleted {
            *per_customer
                .entry(r.try_get::<String, _>("customer_id")?)
                .or_default() += 1;
        }
        let mut total = 0u64;
        for (customer, n) in per_customer {
            sqlx::query("UPDATE customers SET alarm_count = CASE WHEN alarm_count >= $2 THEN alarm_count - $2 ELSE 0 END WHERE id = $1")
                .bind(customer.as_str())
                .bind(n)
                .execute(&mut *tx)
                .await?;
            total += n as u64;
        }
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "alarm.clear-type",
                target_type: "alarmType",
                target_id: alarm_type.as_str().into(),
                outcome: "success",
                detail: format!("{total} cleared"),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customers::CustomerWrite;
    use patchbay_domain::customer::CustomerFields;

    pub(crate) async fn customer(s: &Store, cid: &str) -> CustomerId {
        s.create_customer(
            &AuditMeta::cli(),
            &CustomerWrite {
                fields: CustomerFields {
                    name: cid.to_uppercase(),
                    customer_id: cid.into(),
                    service_user_name: "COMAdmin".into(),
                    ..Default::default()
                },
                sealed_password: Some("sealed".into()),
                distributor_id: None,
                reseller_id: None,
                operators: vec![],
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn raise(c: CustomerId, key: &str, ongoing: bool, at: i64) -> AlarmRaise<'_> {
        AlarmRaise {
            customer: c,
            system_name: "sys",
            severity: Severity::Major,
            alarm_type: AlarmType::Trunk,
            description: "Trunk 1 down",
            key,
            ongoing,
            at_ms: at,
        }
    }

    #[tokio::test]
    async fn alm_2_repeats_fold_into_one_row_and_alm_4_ongoing_cannot_be_cleared() {
        let s = crate::testing::store().await;
        let a = customer(&s, "acme").await;
        let b = customer(&s, "bravo").await;
        assert_eq!(
            s.raise_alarm(&raise(a, "t1", true, 1000)).await.ok(),
            Some(1)
        );
        assert_eq!(
            s.raise_alarm(&raise(a, "t1", true, 3000)).await.ok(),
            Some(2)
        );
        assert_eq!(
            s.raise_alarm(&raise(a, "t1", true, 2000)).await.ok(),
            Some(3)
        );
        s.raise_alarm(&raise(b, "t1", false, 1000))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let (items, total) = s
            .list_alarms(
                Scope::All,
                &AlarmFilter::default(),
                None,
                PageRequest::new(0, 10),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(total, 2);
        let mine = items
            .iter()
            .find(|x| x.customer_id == a)
            .unwrap_or_else(|| panic!("alarm"));
        assert_eq!(
            (
                mine.occurrences,
                mine.last_occurrence.as_millisecond(),
                mine.ongoing
            ),
            (3, 3000, true)
        );
        assert_eq!(
            s.customer(Scope::All, a).await.map(|c| c.alarm_count).ok(),
            Some(1)
        );
        let err = s
            .clear_alarms(&AuditMeta::cli(), Scope::All, &[mine.id])
            .await;
        assert!(matches!(
            err,
            Err(StoreError::Refused(crate::Refusal::AlarmOngoing))
        ));
        assert!(s
            .end_alarm(a, "sys", AlarmType::Trunk, "t1")
            .await
            .unwrap_or(false));
        assert_eq!(
            s.clear_alarms(&AuditMeta::cli(), Scope::All, &[mine.id])
                .await
                .ok(),
            Some(1)
        );
        assert_eq!(
            s.customer(Scope::All, a).await.map(|c| c.alarm_count).ok(),
            Some(0)
        );
        // Another customer's alarm is invisible and cannot be cleared from a customer scope.
        let (items, _) = s
            .list_alarms(
                Scope::Customer(a),
                &AlarmFilter::default(),
                None,
                PageRequest::new(0, 10),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(items.is_empty());
        let (theirs, _) = s
            .list_alarms(
                Scope::Customer(b),
                &AlarmFilter::default(),
                None,
                PageRequest::new(0, 10),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let err = s
            .clear_alarms(&AuditMeta::cli(), Scope::Customer(a), &[theirs[0].id])
            .await;
        assert!(matches!(err, Err(StoreError::NotFound)));
    }

    #[tokio::test]
    async fn alm_5_clear_a_type_keeps_ongoing() {
        let s = crate::testing::store().await;
        let a = customer(&s, "acme").await;
        s.raise_alarm(&raise(a, "k1", true, 1))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        s.raise_alarm(&raise(a, "k2", false, 1))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        s.raise_alarm(&raise(a, "k3", false, 1))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            s.clear_alarms_of_type(&AuditMeta::cli(), Scope::All, AlarmType::Trunk)
                .await
                .ok(),
            Some(2)
        );
        let (items, _) = s
            .list_alarms(
                Scope::All,
                &AlarmFilter::default(),
                None,
                PageRequest::new(0, 10),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(items.len(), 1);
        assert!(items[0].ongoing);
        assert_eq!(
            s.customer(Scope::All, a).await.map(|c| c.alarm_count).ok(),
            Some(1)
        );
        let sum = s
            .alarm_summary(Scope::All, &AlarmFilter::default())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (sum.total, sum.by_type.clone()),
            (1, vec![("trunk".to_string(), 1)])
        );
    }

    #[tokio::test]
    async fn sys_2_connect_report_disconnect_drive_the_customer_status() {
        use crate::systems::{ServerInfo, SystemReport};
        use patchbay_domain::system::{Profile, Refusal, RemoteFlags, Right, ServiceAccountState};
        let s = crate::testing::store().await;
        let a = customer(&s, "acme").await;
        let c = s
            .customer(Scope::All, a)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (c.light.as_str(), c.status_code.as_str()),
            ("red", "waitingForInitialConnection")
        );
        s.record_refusal(a, Refusal::AuthorisationFailed)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let c = s
            .customer(Scope::All, a)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (c.light.as_str(), c.status_code.as_str()),
            ("amber", "authorisationFailed")
        );
        let (sys, _) = s
            .system_connected(a, "ipo-1", "node-a")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let report = SystemReport {
            profile: Profile::ServerEdition,
            version: "12.1".into(),
            address: "10.0.0.1".into(),
            port: 443,
            flags: RemoteFlags {
                central_management: true,
                ..Default::default()
            },
            account: ServiceAccountState {
                rights: vec![Right::StatusRead, Right::Configuration],
                ..Default::default()
            },
            servers: vec![ServerInfo {
                name: "ipo-1".into(),
                role: "primary".into(),
                address: "10.0.0.1".into(),
                version: "12.1".into(),
                state: "online".into(),
            }],
        };
        s.system_report(a, sys, &report)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let c = s
            .customer(Scope::All, a)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (
                c.light.as_str(),
                c.status_code.as_str(),
                c.version.as_str(),
                c.system_name.as_str()
            ),
            ("green", "connectionSuccessful", "12.1", "ipo-1")
        );
        let at = s.system_connected_at(sys).await.unwrap_or(0);
        s.system_disconnected(a, sys, "node-a", at)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let c = s
            .customer(Scope::All, a)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (c.light.as_str(), c.status_code.as_str()),
            ("red", "unreachableSince")
        );
        assert_eq!(
            s.systems_of(a).await.map(|v| v[0].servers.len()).ok(),
            Some(1)
        );
        // Renamed on the system side: the live system, not the oldest row, decides the status.
        s.system_connected(a, "ipo-renamed", "node-a")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let c = s
            .customer(Scope::All, a)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (c.system_name.as_str(), c.light.as_str()),
            ("ipo-renamed", "amber")
        );
        let (renamed, _) = s
            .system_connected(a, "ipo-renamed", "node-a")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let at = s.system_connected_at(renamed).await.unwrap_or(0);
        s.system_disconnected(a, renamed, "node-a", at)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // A node that stops heart-beating releases its systems.
        s.system_connected(a, "ipo-1", "node-b")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        s.node_heartbeat("node-b")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            s.release_systems(crate::now_ms() + 1, None).await.ok(),
            Some(1)
        );
        let d = s
            .dashboard(Scope::All)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.by_light, vec![("red".to_string(), 1)]);
    }
}
