//! ALM-1 / ALM-2 at volume: a batch of alarm events from many systems applied in one transaction
//! with a few multi-row statements, instead of a transaction per event.
//!
//! In the transaction: the marks of the batch's alarm streams are read (and locked on
//! PostgreSQL), events already applied are skipped, events of customers deleted meanwhile are
//! dropped, the rest are folded per fingerprint (`domain::alarm_ingest`) into one upsert row each,
//! the customers' alarm counts rise by the rows really inserted, and the marks move on.

use crate::{Result, Store, StoreError};
use patchbay_domain::alarm_ingest::{fold, Event, Folded, StreamMark};
use patchbay_domain::SystemId;
use sea_query::{Alias, Expr, IntoIden, OnConflict, Query, TableRef, ValueTuple};
use sqlx::Row;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Rows per multi-row statement (well under SQLite's 32,766 parameters at 10 a row).
const CHUNK: usize = 500;

/// Where an event came from: its system's alarm stream and its number there. Events of older
/// agents have none and are applied as they come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub system: SystemId,
    pub stream: Arc<str>,
    pub seq: u64,
}

/// One event of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestEvent {
    pub origin: Option<Origin>,
    pub event: Event,
}

/// What a batch did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Events applied (raises and clears).
    pub events: u64,
    /// Raises among them (occurrences added).
    pub raises: u64,
    /// New alarm rows.
    pub new_alarms: u64,
    /// Events applied before (replays).
    pub replayed: u64,
    /// Events of customers that no longer exist.
    pub orphaned: u64,
}

fn sea(e: sea_query::error::Error) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

impl Store {
    /// Apply `events` (in arrival order) in one transaction. All or nothing: on an error nothing
    /// is applied and the caller may try the same batch again.
    #[tracing::instrument(skip_all, fields(n = events.len()))]
    pub async fn apply_alarm_events(&self, events: &[IngestEvent]) -> Result<Applied> {
        let mut applied = Applied::default();
        let mut tx = self.begin().await?;

        // The marks of the streams in the batch, locked until the commit.
        let systems: Vec<String> = events
            .iter()
            .filter_map(|e| e.origin.as_ref().map(|o| o.system.to_string()))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut marks: HashMap<String, Option<StreamMark>> = HashMap::new();
        for chunk in systems.chunks(CHUNK) {
            let q = Query::select()
                .columns([
                    Alias::new("system_id"),
                    Alias::new("stream"),
                    Alias::new("seq"),
                ])
                .from(Alias::new("alarm_streams"))
                .and_where(Expr::col(Alias::new("system_id")).is_in(chunk.iter().cloned()))
                .lock(sea_query::LockType::Update)
                .to_owned();
            let (sql, values) = self.build(&q);
            for r in sqlx::query_with(&sql, values).fetch_all(&mut *tx).await? {
                marks.insert(
                    r.try_get("system_id")?,
                    Some(StreamMark {
                        stream: r.try_get("stream")?,
                        seq: r.try_get::<i64, _>("seq")?.max(0) as u64,
                    }),
                );
            }
        }
        let mut moved: HashSet<String> = HashSet::new();
        let mut fresh: Vec<&Event> = Vec::with_capacity(events.len());
        for e in events {
            if let Some(o) = &e.origin {
                let key = o.system.to_string();
                let mark = marks.entry(key.clone()).or_default();
                if !StreamMark::admit(mark, &o.stream, o.seq) {
                    applied.replayed += 1;
                    continue;
                }
                moved.insert(key);
            }
            fresh.push(&e.event);
        }

        // Customers deleted since their systems sent these events: nothing to raise for them.
        let customers: Vec<String> = fresh
            .iter()
            .map(|e| e.customer.clone())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut live: HashSet<String> = HashSet::new();
        for chunk in customers.chunks(CHUNK) {
            let q = Query::select()
                .column(Alias::new("id"))
                .from(Alias::new("customers"))
                .and_where(Expr::col(Alias::new("id")).is_in(chunk.iter().cloned()))
                .to_owned();
            let (sql, values) = self.build(&q);
            for r in sqlx::query_with(&sql, values).fetch_all(&mut *tx).await? {
                live.insert(r.try_get("id")?);
            }
        }
        let before = fresh.len();
        fresh.retain(|e| live.contains(&e.customer));
        applied.orphaned = (before - fresh.len()) as u64;
        applied.events = fresh.len() as u64;

        let batch = fold(fresh.iter().copied());
        // Sorted: writers in parallel (PostgreSQL) lock customers rows in one order, never in a cycle.
        let mut new_per_customer: std::collections::BTreeMap<String, i64> = Default::default();
        for chunk in batch.raised.chunks(CHUNK) {
            applied.raises += chunk.iter().map(|f| f.raises as u64).sum::<u64>();
            let all: Vec<&Folded> = chunk.iter().collect();
            let new = self.insert_new(&mut tx, &all).await?;
            // The repeats: one UPDATE for the chunk, no row sent back (per-row round trips to
            // the database's thread are what a busy hub cannot afford).
            let repeats: Vec<&Folded> = chunk
                .iter()
                .filter(|f| !new.contains_key(f.fingerprint.as_str()))
                .collect();
            let mut created = new;
            if !repeats.is_empty() {
                let updated = self.update_repeats(&mut tx, &repeats).await?;
                if updated < repeats.len() as u64 {
                    // PostgreSQL: an operator cleared one of them between the two statements
                    // (SQLite's write lock rules that out). It is raised afresh.
                    for (fp, customer) in self.insert_new(&mut tx, &repeats).await? {
                        created.insert(fp, customer);
                    }
                }
            }
            for customer in created.into_values() {
                *new_per_customer.entry(customer).or_default() += 1;
                applied.new_alarms += 1;
            }
        }
        for chunk in batch.cleared.chunks(CHUNK) {
            let q = Query::update()
                .table(Alias::new("alarms"))
                .value(Alias::new("ongoing"), 0)
                .and_where(Expr::col(Alias::new("fingerprint")).is_in(chunk.iter().cloned()))
                .to_owned();
            let (sql, values) = self.build(&q);
            sqlx::query_with(&sql, values).execute(&mut *tx).await?;
        }
        for (customer, n) in new_per_customer {
            sqlx::query("UPDATE customers SET alarm_count = alarm_count + $2 WHERE id = $1")
                .bind(customer)
                .bind(n)
                .execute(&mut *tx)
                .await?;
        }

        let moved: Vec<(&String, &StreamMark)> = moved
            .iter()
            .filter_map(|k| Some((k, marks.get(k)?.as_ref()?)))
            .collect();
        for chunk in moved.chunks(CHUNK) {
            let mut ins = Query::insert();
            ins.into_table(Alias::new("alarm_streams")).columns([
                Alias::new("system_id"),
                Alias::new("stream"),
                Alias::new("seq"),
            ]);
            for (system, mark) in chunk {
                ins.values([
                    (*system).clone().into(),
                    mark.stream.clone().into(),
                    (mark.seq.min(i64::MAX as u64) as i64).into(),
                ])
                .map_err(sea)?;
            }
            ins.on_conflict(
                OnConflict::column(Alias::new("system_id"))
                    .update_columns([Alias::new("stream"), Alias::new("seq")])
                    .to_owned(),
            );
            let (sql, values) = self.build(&ins);
            sqlx::query_with(&sql, values).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(applied)
    }
}

impl Store {
    /// Insert the alarms of `rows` that do not exist yet; returns them (fingerprint → customer).
    async fn insert_new(
        &self,
        tx: &mut crate::Tx,
        rows: &[&Folded],
    ) -> Result<HashMap<String, String>> {
        let mut ins = Query::insert();
        ins.into_table(Alias::new("alarms")).columns(
            [
                "id",
                "fingerprint",
                "customer_id",
                "system_name",
                "severity",
                "severity_rank",
                "alarm_type",
                "description",
                "first_occurrence",
                "last_occurrence",
                "occurrences",
                "ongoing",
            ]
            .map(Alias::new),
        );
        for f in rows {
            ins.values([
                patchbay_domain::AlarmId::new().to_string().into(),
                f.fingerprint.clone().into(),
                f.customer.clone().into(),
                f.system_name.clone().into(),
                f.severity.as_str().into(),
                f.severity.rank().into(),
                f.alarm_type.as_str().into(),
                f.description.clone().into(),
                f.first_ms.into(),
                f.last_ms.into(),
                f.raises.into(),
                i64::from(f.ongoing).into(),
            ])
            .map_err(sea)?;
        }
        ins.on_conflict(
            OnConflict::column(Alias::new("fingerprint"))
                .do_nothing()
                .to_owned(),
        )
        .returning(
            Query::returning().columns([Alias::new("fingerprint"), Alias::new("customer_id")]),
        );
        let (sql, values) = self.build(&ins);
        let mut out = HashMap::new();
        for r in sqlx::query_with(&sql, values).fetch_all(&mut **tx).await? {
            out.insert(r.try_get("fingerprint")?, r.try_get("customer_id")?);
        }
        Ok(out)
    }

    /// Fold the repeats of `rows` into their existing alarms (count, last occurrence, latest
    /// severity, description and ongoing state); returns how many rows it changed.
    async fn update_repeats(&self, tx: &mut crate::Tx, rows: &[&Folded]) -> Result<u64> {
        let tuples: Vec<ValueTuple> = rows
            .iter()
            .map(|f| {
                ValueTuple::Many(vec![
                    f.fingerprint.clone().into(),
                    f.raises.into(),
                    f.last_ms.into(),
                    f.severity.as_str().into(),
                    f.severity.rank().into(),
                    f.description.clone().into(),
                    i64::from(f.ongoing).into(),
                ])
            })
            .collect();
        let upd = Query::update()
            .table(Alias::new("alarms"))
            .values([
                (
                    Alias::new("occurrences"),
                    Expr::cust("alarms.occurrences + v.column2"),
                ),
                (
                    Alias::new("last_occurrence"),
                    Expr::cust(
                        "CASE WHEN v.column3 > alarms.last_occurrence THEN v.column3 \
                         ELSE alarms.last_occurrence END",
                    ),
                ),
                (Alias::new("severity"), Expr::cust("v.column4")),
                (Alias::new("severity_rank"), Expr::cust("v.column5")),
                (Alias::new("description"), Expr::cust("v.column6")),
                (Alias::new("ongoing"), Expr::cust("v.column7")),
            ])
            .from(TableRef::ValuesList(tuples, Alias::new("v").into_iden()))
            .and_where(Expr::cust("alarms.fingerprint = v.column1"))
            .to_owned();
        let (sql, values) = self.build(&upd);
        Ok(sqlx::query_with(&sql, values)
            .execute(&mut **tx)
            .await?
            .rows_affected())
    }
}
