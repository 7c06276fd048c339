//! The diagnostic log files the hub collected from systems (LOG-2, LOG-3), each a blob.
//!
//! A file collected again (it grew since) replaces its row; the blob keys a change pushes out are
//! returned for the caller to delete after the commit — a crash can leave a blob without its row
//! (the sweep's business), never a row without its blob.

use crate::audit::{write, AuditEntry, AuditMeta};
use crate::list::{col, select_from, Filter, Page};
use crate::sql::PageRequest;
use crate::{now_ms, ts, Result, Store, StoreError};
use patchbay_domain::{CustomerId, SystemId};
use sea_query::{Expr, Order};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;

/// A file just collected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLogFile {
    pub customer: CustomerId,
    pub system: SystemId,
    /// Relative to the system's log folder.
    pub path: String,
    pub size: u64,
    pub modified_at: jiff::Timestamp,
    pub sha256: String,
    pub blob_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    pub id: String,
    pub customer_id: CustomerId,
    pub system_id: SystemId,
    pub path: String,
    pub size: u64,
    pub modified_at: jiff::Timestamp,
    pub collected_at: jiff::Timestamp,
    pub sha256: String,
    pub blob_key: String,
}

/// What a log list is narrowed to (LOG-3). Dates bound the time the system last wrote a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    pub customer: Option<CustomerId>,
    pub system: Option<SystemId>,
    /// Written at or after.
    pub from: Option<jiff::Timestamp>,
    /// Written before.
    pub until: Option<jiff::Timestamp>,
}

const COLUMNS: &str =
    "id, customer_id, system_id, path, size, modified_at, collected_at, sha256, blob_key";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("log_files.{what}"))
}

fn from_row(r: &AnyRow) -> Result<LogFile> {
    let text = |c: &str| -> Result<String> { r.try_get::<String, _>(c).map_err(StoreError::from) };
    Ok(LogFile {
        id: text("id")?,
        customer_id: text("customer_id")?
            .parse()
            .map_err(|_| corrupt("customer_id"))?,
        system_id: text("system_id")?
            .parse()
            .map_err(|_| corrupt("system_id"))?,
        path: text("path")?,
        size: u64::try_from(r.try_get::<i64, _>("size")?).unwrap_or(0),
        modified_at: ts(r.try_get("modified_at")?),
        collected_at: ts(r.try_get("collected_at")?),
        sha256: text("sha256")?,
        blob_key: text("blob_key")?,
    })
}

fn size_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Delete a file's row and remember the file as it was (so it is not fetched again unchanged);
/// its blob key.
async fn forget(tx: &mut crate::Tx, id: &str, now: i64) -> Result<Option<String>> {
    let Some(r) = sqlx::query(
        "DELETE FROM log_files WHERE id = $1 RETURNING system_id, path, size, modified_at, blob_key",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    sqlx::query(
        "INSERT INTO log_skips (system_id, path, size, modified_at, skipped_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (system_id, path) DO UPDATE SET \
         size = excluded.size, modified_at = excluded.modified_at, skipped_at = excluded.skipped_at",
    )
    .bind(r.try_get::<String, _>("system_id")?)
    .bind(r.try_get::<String, _>("path")?)
    .bind(r.try_get::<i64, _>("size")?)
    .bind(r.try_get::<i64, _>("modified_at")?)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(Some(r.try_get("blob_key")?))
}

impl Store {
    /// What the hub holds of a system's logs, or deleted as it was: path → (size, last written,
    /// ms). A file listed as it is here is not fetched again.
    pub async fn held_logs(&self, system: SystemId) -> Result<HashMap<String, (u64, i64)>> {
        sqlx::query(
            "SELECT path, size, modified_at FROM log_skips WHERE system_id = $1 \
             UNION ALL SELECT path, size, modified_at FROM log_files WHERE system_id = $1",
        )
        .bind(system.to_string())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get::<String, _>("path")?,
                (
                    u64::try_from(r.try_get::<i64, _>("size")?).unwrap_or(0),
                    r.try_get::<i64, _>("modified_at")?,
                ),
            ))
        })
        .collect()
    }

    /// Record collected files in one transaction, each replacing the row of its path; the blob
    /// keys of the replaced rows (to delete after this returns). A file recorded already under
    /// its blob key is left as it is.
    #[tracing::instrument(skip_all, fields(n = files.len()))]
    pub async fn add_log_files(&self, files: &[NewLogFile]) -> Result<Vec<String>> {
        let now = now_ms();
        let mut gone = Vec::new();
        let mut tx = self.begin().await?;
        for f in files {
            let old = sqlx::query(
                "DELETE FROM log_files WHERE system_id = $1 AND path = $2 AND blob_key <> $3 \
                 RETURNING blob_key",
            )
            .bind(f.system.to_string())
            .bind(f.path.as_str())
            .bind(f.blob_key.as_str())
            .fetch_all(&mut *tx)
            .await?;
            for r in old {
                gone.push(r.try_get::<String, _>("blob_key")?);
            }
            sqlx::query("DELETE FROM log_skips WHERE system_id = $1 AND path = $2")
                .bind(f.system.to_string())
                .bind(f.path.as_str())
                .execute(&mut *tx)
                .await?;
            sqlx::query(&format!(
                "INSERT INTO log_files ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (system_id, path) DO NOTHING"
            ))
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(f.customer.to_string())
            .bind(f.system.to_string())
            .bind(f.path.as_str())
            .bind(size_i64(f.size))
            .bind(f.modified_at.as_millisecond())
            .bind(now)
            .bind(f.sha256.as_str())
            .bind(f.blob_key.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(gone)
    }

    /// LOG-3: a page of log files, newest written first.
    pub async fn list_logs(&self, f: &LogFilter, page: PageRequest) -> Result<Page<LogFile>> {
        let mut q = select_from(COLUMNS, ("log_files", "l"), &[]);
        q.order_by_expr(Expr::cust("l.modified_at"), Order::Desc)
            .order_by_expr(Expr::cust("l.path"), Order::Asc)
            .order_by_expr(Expr::cust("l.id"), Order::Asc);
        let mut filter = Filter::new()
            .eq_text(
                "l.customer_id",
                f.customer.map(|c| c.to_string()).as_deref(),
            )
            .eq_text("l.system_id", f.system.map(|s| s.to_string()).as_deref());
        if let Some(from) = f.from {
            filter = filter.and(col("l.modified_at").gte(from.as_millisecond()));
        }
        if let Some(until) = f.until {
            filter = filter.and(col("l.modified_at").lt(until.as_millisecond()));
        }
        self.count_and_page(q, filter, page)
            .await?
            .try_map(|r| from_row(&r))
    }

    /// The files among `ids` that belong to one of `systems` (others are ignored: not the
    /// caller's), in the order of `ids`.
    pub async fn log_files_among(
        &self,
        systems: &[SystemId],
        ids: &[String],
    ) -> Result<Vec<LogFile>> {
        if systems.is_empty() || ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM log_files WHERE system_id IN ({}) AND id IN ({})",
            crate::placeholders(1, systems.len()),
            crate::placeholders(systems.len() + 1, ids.len())
        );
        let mut q = sqlx::query(&sql);
        for s in systems {
            q = q.bind(s.to_string());
        }
        for i in ids {
            q = q.bind(i.as_str());
        }
        let found = q
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(ids
            .iter()
            .filter_map(|i| found.iter().find(|f| &f.id == i).cloned())
            .collect())
    }

    /// Delete the given files' rows (of the system named `system_name`), audited; their blob
    /// keys (to delete after this returns).
    pub async fn delete_log_files(
        &self,
        meta: &AuditMeta,
        system_name: &str,
        files: &[LogFile],
    ) -> Result<Vec<String>> {
        let mut gone = Vec::new();
        let mut tx = self.begin().await?;
        if let Some(first) = files.first() {
            write(
                &mut tx,
                meta,
                AuditEntry::success("logs.delete", "system", first.system_id, system_name)
                    .with_detail(format!("{} files", files.len())),
            )
            .await?;
        }
        let now = now_ms();
        for f in files {
            if let Some(key) = forget(&mut tx, &f.id, now).await? {
                gone.push(key);
            }
        }
        tx.commit().await?;
        Ok(gone)
    }

    /// LOG-2 / PRF-4: delete up to `limit` files collected before `before`; their blob keys.
    pub async fn expire_log_files(
        &self,
        before: jiff::Timestamp,
        limit: i64,
    ) -> Result<Vec<String>> {
        let ids: Vec<String> = sqlx::query(
            "SELECT id FROM log_files WHERE collected_at < $1 ORDER BY collected_at LIMIT $2",
        )
        .bind(before.as_millisecond())
        .bind(limit)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("id"))
        .collect::<std::result::Result<_, _>>()?;
        let mut gone = Vec::new();
        let now = now_ms();
        for id in ids {
            let mut tx = self.begin().await?;
            if let Some(key) = forget(&mut tx, &id, now).await? {
                gone.push(key);
            }
            tx.commit().await?;
        }
        // Deleted files the systems have not changed for a year are forgotten too.
        sqlx::query("DELETE FROM log_skips WHERE skipped_at < $1")
            .bind(now.saturating_sub(365 * 24 * 3600 * 1000))
            .execute(self.pool())
            .await?;
        Ok(gone)
    }

    /// Which of `keys` name a backup or a log file the hub holds (the blob sweep), a statement
    /// per 500 keys.
    pub async fn known_blobs(&self, keys: &[String]) -> Result<std::collections::HashSet<String>> {
        let mut known = std::collections::HashSet::new();
        for chunk in keys.chunks(500) {
            let list = crate::placeholders(1, chunk.len());
            let sql = format!(
                "SELECT blob_key FROM backups WHERE blob_key IN ({list}) \
                 UNION ALL SELECT blob_key FROM log_files WHERE blob_key IN ({list}) \
                 UNION ALL SELECT blob_key FROM customization_files WHERE blob_key IN ({list}) \
                 UNION ALL SELECT blob_key FROM phone_files WHERE blob_key IN ({list})"
            );
            let mut q = sqlx::query(&sql);
            for k in chunk {
                q = q.bind(k.as_str());
            }
            for row in q.fetch_all(self.pool()).await? {
                known.insert(row.try_get::<String, _>("blob_key")?);
            }
        }
        Ok(known)
    }

    /// Whether a blob key names a log file the hub holds (for the blob sweep).
    pub async fn log_blob_known(&self, blob_key: &str) -> Result<bool> {
        Ok(
            sqlx::query("SELECT 1 AS one FROM log_files WHERE blob_key = $1")
                .bind(blob_key)
                .fetch_optional(self.pool())
                .await?
                .is_some(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alarms::tests::customer;

    fn file(c: CustomerId, s: SystemId, path: &str, key: &str, day: i8) -> NewLogFile {
        NewLogFile {
            customer: c,
            system: s,
            path: path.into(),
            size: 10,
            modified_at: jiff::civil::date(2026, 3, day)
                .at(12, 0, 0, 0)
                .to_zoned(jiff::tz::TimeZone::UTC)
                .map(|z| z.timestamp())
                .unwrap_or_default(),
            sha256: "ab".repeat(32),
            blob_key: key.into(),
        }
    }

    #[tokio::test]
    async fn log_3_files_are_listed_by_date_replaced_when_collected_again_and_deleted() {
        let st = crate::testing::store().await;
        let c = customer(&st, "acme").await;
        let (s, _) = st
            .system_connected(c, "ipo", "node-a")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let first = [
            file(c, s, "a.log", "k1", 1),
            file(c, s, "b.log", "k2", 5),
            file(c, s, "c/d.log", "k3", 9),
        ];
        let gone = st
            .add_log_files(&first)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(gone.is_empty());
        // The same result recorded twice changes nothing.
        assert!(st
            .add_log_files(&first)
            .await
            .unwrap_or_default()
            .is_empty());
        // a.log grew: collected again under a new key, the old blob goes.
        let gone = st
            .add_log_files(&[file(c, s, "a.log", "k4", 10)])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(gone, vec!["k1".to_string()]);
        let held = st.held_logs(s).await.unwrap_or_default();
        assert_eq!(held.len(), 3);
        let at = |d: i8| {
            jiff::civil::date(2026, 3, d)
                .to_zoned(jiff::tz::TimeZone::UTC)
                .map(|z| z.timestamp())
                .ok()
        };
        let page = st
            .list_logs(
                &LogFilter {
                    system: Some(s),
                    from: at(5),
                    until: at(10),
                    ..LogFilter::default()
                },
                PageRequest::new(0, 10),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let paths: Vec<&str> = page.items.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, vec!["c/d.log", "b.log"]);
        assert_eq!(page.total, 2);
        // Another system's ids are not reached.
        let ids: Vec<String> = page.items.iter().map(|f| f.id.clone()).collect();
        let other = SystemId::new();
        assert!(st
            .log_files_among(&[other], &ids)
            .await
            .unwrap_or_default()
            .is_empty());
        let mine = st.log_files_among(&[s], &ids).await.unwrap_or_default();
        assert_eq!(mine.len(), 2);
        let gone = st
            .delete_log_files(&AuditMeta::system(), "ipo", &mine)
            .await
            .unwrap_or_default();
        assert_eq!(gone.len(), 2);
        // Deleted files are remembered as they were, so they are not fetched again unchanged;
        // collected again (they changed), they are held once more.
        let held = st.held_logs(s).await.unwrap_or_default();
        assert_eq!(held.len(), 3);
        assert_eq!(held.get("b.log").map(|(size, _)| *size), Some(10));
        let page = st
            .list_logs(
                &LogFilter {
                    system: Some(s),
                    ..LogFilter::default()
                },
                PageRequest::new(0, 10),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page.total, 1);
        st.add_log_files(&[file(c, s, "b.log", "k9", 20)])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let held = st.held_logs(s).await.unwrap_or_default();
        assert_eq!(held.len(), 3);
    }

    #[tokio::test]
    async fn log_2_files_older_than_the_retention_are_deleted() {
        let st = crate::testing::store().await;
        let c = customer(&st, "acme").await;
        let (s, _) = st
            .system_connected(c, "ipo", "node-a")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        st.add_log_files(&[file(c, s, "a.log", "k1", 1)])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let now = jiff::Timestamp::now();
        // Collected just now: kept when the limit is an hour ago, gone when it is in an hour.
        assert!(st
            .expire_log_files(now - jiff::SignedDuration::from_hours(1), 100)
            .await
            .unwrap_or_default()
            .is_empty());
        let gone = st
            .expire_log_files(now + jiff::SignedDuration::from_hours(1), 100)
            .await
            .unwrap_or_default();
        assert_eq!(gone, vec!["k1".to_string()]);
        assert!(!st.log_blob_known("k1").await.unwrap_or(true));
    }
}
