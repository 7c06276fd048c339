//! The backups the hub holds (BKP-2…5). Adding one applies the retention rules in the same
//! transaction and returns the blob keys of the backups it pushed out, for the caller to delete
//! after the commit (a blob without its row is what a crash can leave, never a row without its
//! blob; the blob sweep reconciles the former).

use crate::{flag, get_flag, now_ms, ts, Result, Store, StoreError};
use patchbay_domain::backups::{automatic_to_keep, manual_to_replace};
use patchbay_domain::{CustomerId, JobId, SystemId};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A backup to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBackup {
    pub customer: CustomerId,
    pub system: SystemId,
    pub job: Option<JobId>,
    pub automatic: bool,
    /// When it was taken, in the system's local time (BKP-3 counts the system's days).
    pub taken_local: jiff::civil::DateTime,
    pub items: Vec<String>,
    pub files: u64,
    pub size: u64,
    pub sha256: String,
    pub blob_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub id: String,
    pub customer_id: CustomerId,
    pub system_id: SystemId,
    pub job_id: Option<JobId>,
    pub automatic: bool,
    pub taken_at: jiff::Timestamp,
    pub taken_local: jiff::civil::DateTime,
    pub items: Vec<String>,
    pub files: u64,
    pub size: u64,
    pub sha256: String,
    pub blob_key: String,
}

const COLUMNS: &str =
    "id, customer_id, system_id, job_id, automatic, taken_at, taken_local, items, files, size, sha256, blob_key";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("backups.{what}"))
}

fn from_row(r: &AnyRow) -> Result<Backup> {
    let id =
        |col: &str| -> Result<String> { r.try_get::<String, _>(col).map_err(StoreError::from) };
    Ok(Backup {
        id: id("id")?,
        customer_id: id("customer_id")?
            .parse()
            .map_err(|_| corrupt("customer_id"))?,
        system_id: id("system_id")?.parse().map_err(|_| corrupt("system_id"))?,
        job_id: r
            .try_get::<Option<String>, _>("job_id")?
            .map(|j| j.parse().map_err(|_| corrupt("job_id")))
            .transpose()?,
        automatic: get_flag(r, "automatic")?,
        taken_at: ts(r.try_get("taken_at")?),
        taken_local: id("taken_local")?
            .parse()
            .map_err(|_| corrupt("taken_local"))?,
        items: serde_json::from_str(&id("items")?).map_err(|_| corrupt("items"))?,
        files: u64::try_from(r.try_get::<i64, _>("files")?).unwrap_or(0),
        size: u64::try_from(r.try_get::<i64, _>("size")?).unwrap_or(0),
        sha256: id("sha256")?,
        blob_key: id("blob_key")?,
    })
}

impl Store {
    /// Record a backup and apply retention in one transaction: a manual one replaces the oldest
    /// beyond three (BKP-2); an automatic one prunes the system's automatic backups to BKP-3's
    /// set. Returns the new backup's id and the blob keys of the backups removed.
    #[tracing::instrument(skip_all, fields(system = %b.system))]
    pub async fn add_backup(&self, b: &NewBackup) -> Result<(String, Vec<String>)> {
        let id = uuid::Uuid::now_v7().to_string();
        let mut tx = self.begin().await?;
        // Recorded already (a result sent again after a failure further on): nothing to do.
        if let Some(row) = sqlx::query("SELECT id FROM backups WHERE blob_key = $1")
            .bind(b.blob_key.as_str())
            .fetch_optional(&mut *tx)
            .await?
        {
            tx.rollback().await?;
            return Ok((row.try_get("id")?, Vec::new()));
        }
        let same_kind = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM backups WHERE system_id = $1 AND automatic = $2"
        ))
        .bind(b.system.to_string())
        .bind(flag(b.automatic))
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>>>()?;
        let gone: Vec<&Backup> = if b.automatic {
            let mut taken: Vec<jiff::civil::DateTime> =
                same_kind.iter().map(|x| x.taken_local).collect();
            taken.push(b.taken_local);
            let keep = automatic_to_keep(&taken, b.taken_local.date());
            same_kind
                .iter()
                .enumerate()
                .filter(|(i, _)| !keep.contains(i))
                .map(|(_, x)| x)
                .collect()
        } else {
            let existing: Vec<(usize, jiff::civil::DateTime)> = same_kind
                .iter()
                .enumerate()
                .map(|(i, x)| (i, x.taken_local))
                .collect();
            manual_to_replace(&existing)
                .into_iter()
                .map(|i| &same_kind[i])
                .collect()
        };
        for old in &gone {
            sqlx::query("DELETE FROM backups WHERE id = $1")
                .bind(old.id.as_str())
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(&format!(
            "INSERT INTO backups ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(id.as_str())
        .bind(b.customer.to_string())
        .bind(b.system.to_string())
        .bind(b.job.map(|j| j.to_string()))
        .bind(flag(b.automatic))
        .bind(now_ms())
        .bind(b.taken_local.to_string())
        .bind(serde_json::to_string(&b.items).unwrap_or_else(|_| "[]".into()))
        .bind(i64::try_from(b.files).unwrap_or(i64::MAX))
        .bind(i64::try_from(b.size).unwrap_or(i64::MAX))
        .bind(b.sha256.as_str())
        .bind(b.blob_key.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((id, gone.into_iter().map(|x| x.blob_key.clone()).collect()))
    }

    /// One of a system's backups.
    pub async fn backup_of(&self, system: SystemId, id: &str) -> Result<Backup> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM backups WHERE system_id = $1 AND id = $2"
        ))
        .bind(system.to_string())
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .as_ref()
        .map(from_row)
        .transpose()?
        .ok_or(StoreError::NotFound)
    }

    /// A system's backups, newest first (BKP-5's list).
    pub async fn backups_of(&self, system: SystemId) -> Result<Vec<Backup>> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM backups WHERE system_id = $1 ORDER BY taken_local DESC, id DESC"
        ))
        .bind(system.to_string())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(from_row)
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alarms::tests::customer;
    use jiff::civil::date;

    fn new(
        c: CustomerId,
        s: SystemId,
        automatic: bool,
        at: jiff::civil::DateTime,
        n: u32,
    ) -> NewBackup {
        NewBackup {
            customer: c,
            system: s,
            job: None,
            automatic,
            taken_local: at,
            items: vec!["configuration".into()],
            files: 3,
            size: 1000,
            sha256: "ab".repeat(32),
            blob_key: format!("backups/{s}/{n}.tar.gz"),
        }
    }

    /// A store with one customer and its connected system.
    async fn store_with_system() -> (Store, CustomerId, SystemId) {
        let st = crate::testing::store().await;
        let c = customer(&st, "acme").await;
        let (s, _) = st
            .system_connected(c, "ipo", "node-a")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        (st, c, s)
    }

    #[tokio::test]
    async fn bkp_2_a_fourth_manual_backup_replaces_the_oldest_and_automatic_ones_are_apart() {
        let (st, c, s) = store_with_system().await;
        let day = |d: i8| date(2026, 3, d).at(10, 0, 0, 0);
        for n in 1..=3 {
            let (_, gone) = st
                .add_backup(&new(c, s, false, day(n as i8), n))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(gone.is_empty());
        }
        // An automatic backup does not count against the manual three.
        let (_, gone) = st
            .add_backup(&new(c, s, true, day(4), 40))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(gone.is_empty());
        let (_, gone) = st
            .add_backup(&new(c, s, false, day(5), 5))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(gone, vec![format!("backups/{s}/1.tar.gz")]);
        let kept: Vec<String> = st
            .backups_of(s)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|b| b.blob_key)
            .collect();
        assert_eq!(
            kept,
            [5, 40, 3, 2]
                .map(|n| format!("backups/{s}/{n}.tar.gz"))
                .to_vec()
        );
    }

    #[tokio::test]
    async fn bkp_3_automatic_backups_follow_the_retention_as_they_are_added() {
        let (st, c, s) = store_with_system().await;
        let mut day = date(2026, 1, 1);
        let mut removed = 0;
        for n in 0..120u32 {
            let (_, gone) = st
                .add_backup(&new(c, s, true, day.at(3, 0, 0, 0), n))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            removed += gone.len();
            day = day.tomorrow().unwrap_or(day);
        }
        let kept = st.backups_of(s).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(
            kept.len() <= patchbay_domain::backups::AUTOMATIC_MOST,
            "{}",
            kept.len()
        );
        assert_eq!(kept.len() + removed, 120);
        // The newest and the six days before it are all there.
        let newest: Vec<String> = kept
            .iter()
            .take(7)
            .map(|b| b.taken_local.date().to_string())
            .collect();
        assert_eq!(newest[0], "2026-04-30");
        assert_eq!(newest[6], "2026-04-24");
    }
}
