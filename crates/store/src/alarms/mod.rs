//! Alarms (ALM-1 … ALM-6): one row per fingerprint, repeats folded in by a single upsert, the
//! customer's alarm count kept in the same transaction. This module holds the alarm row and how
//! systems raise and end alarms; the rest is filed by concern:
//! - `list`: the scoped list with its filters, search and sort, and the summary bar (ALM-3);
//! - `clear`: clearing selected alarms or every alarm of a type (ALM-4, ALM-5);
//! - `ingest`: batches of events from many systems, applied in one transaction (ALM-1 at volume).

mod clear;
mod ingest;
mod list;

#[cfg(test)]
pub(crate) mod tests;

pub use ingest::{Applied, IngestEvent, Origin};
pub use list::{AlarmFilter, AlarmSort, AlarmSummary};

use crate::audit::parse_id;
use crate::{get_flag, ts, Result, Store};
use patchbay_domain::alarm::{fingerprint, AlarmType, Severity};
use patchbay_domain::{AlarmId, CustomerId};
use sea_query::{Alias, JoinType, Query, SelectStatement};
use sqlx::any::AnyRow;
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

/// An alarm as listed, with its customer's name.
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

/// The severity name of a stored rank.
pub(crate) fn severity_name(rank: i64) -> String {
    Severity::ALL
        .into_iter()
        .find(|s| s.rank() == rank)
        .map(|s| s.as_str().to_string())
        .unwrap_or_default()
}

/// `FROM alarms a` with nothing selected yet (counts, groupings).
fn from_alarms() -> SelectStatement {
    Query::select()
        .from_as(Alias::new("alarms"), Alias::new("a"))
        .to_owned()
}

/// Alarms `a` with their customer `c`'s name.
fn alarms_select() -> SelectStatement {
    crate::list::select_from(
        "a.*, c.name AS customer_name",
        ("alarms", "a"),
        &[(
            JoinType::InnerJoin,
            "customers",
            "c",
            "c.id = a.customer_id",
        )],
    )
}

fn alarm_from_row(r: &AnyRow) -> Result<Alarm> {
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
}
