//! Scheduled jobs (JOB-1…5) and the one-action-per-system rule (BKP-1).
//!
//! Every rule on a job's status is decided by [`patchbay_domain::jobs`] and applied here as one
//! guarded statement: an UPDATE or DELETE whose WHERE names the statuses the rule allows, so a
//! command that lost a race changes nothing and is told why. Work is *claimed* in the database —
//! a system's action slot (`system_actions`, keyed by the system) and its pending parts (guarded
//! by their status) in one transaction — so several hub nodes on one database never start the
//! same part twice, and a busy system is skipped, not doubled.

use crate::audit::{write, AuditEntry, AuditMeta};
use crate::{flag, get_flag, now_ms, ts, Result, Store, StoreError};
use patchbay_domain::jobs::{self, JobCommand, JobKind, JobRefusal, JobStatus, PartStatus};
use patchbay_domain::{CustomerId, JobId, JobPartId, SystemId};
use sqlx::any::AnyRow;
use sqlx::Row;

/// When a new job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// At once: the job cannot be paused, resumed or stopped (JOB-4).
    Now,
    /// At this instant (chosen in hub local time).
    At(jiff::Timestamp),
    /// From this instant, each system's parts at its own stable offset below `over`
    /// ([`jobs::spread_offset`]): fleet-wide daily work that should not arrive at once (LOG-2).
    Spread {
        from: jiff::Timestamp,
        over: std::time::Duration,
    },
}

/// One system a job runs on, with the servers it has a part on (in the system's order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub customer: CustomerId,
    pub system: SystemId,
    pub servers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub name: String,
    pub kind: JobKind,
    pub start: Start,
    pub automatic: bool,
    /// The operation's options, as JSON (items to back up, backup to restore …).
    pub options: String,
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub name: String,
    pub kind: JobKind,
    pub status: JobStatus,
    pub immediate: bool,
    pub automatic: bool,
    pub start_at: jiff::Timestamp,
    pub options: String,
    pub created_by: String,
    pub created_at: jiff::Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPart {
    pub id: JobPartId,
    pub job_id: JobId,
    pub customer_id: CustomerId,
    pub system_id: SystemId,
    pub server: String,
    pub status: PartStatus,
    pub reason: String,
    pub started_at: Option<jiff::Timestamp>,
    pub finished_at: Option<jiff::Timestamp>,
}

/// Work a hub node took on: the parts of one job on one system, now In progress and its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub job: JobId,
    pub kind: JobKind,
    pub customer: CustomerId,
    pub system: SystemId,
    pub parts: Vec<JobPartId>,
}

/// How one part ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartResult {
    pub part: JobPartId,
    pub status: PartStatus,
    pub reason: String,
}

fn parse<T>(value: &str, f: impl Fn(&str) -> Option<T>) -> Result<T> {
    f(value).ok_or_else(|| StoreError::Corrupt(format!("unknown job value {value:?}")))
}

fn uuid<T: std::str::FromStr>(row: &AnyRow, col: &str) -> Result<T> {
    let s: String = row.try_get(col)?;
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("{col}: not an id")))
}

const JOB_COLUMNS: &str =
    "id, name, kind, status, immediate, automatic, start_at, options, created_by, created_at";

fn job_from_row(row: &AnyRow) -> Result<Job> {
    Ok(Job {
        id: uuid(row, "id")?,
        name: row.try_get("name")?,
        kind: parse(&row.try_get::<String, _>("kind")?, JobKind::parse)?,
        status: parse(&row.try_get::<String, _>("status")?, JobStatus::parse)?,
        immediate: get_flag(row, "immediate")?,
        automatic: get_flag(row, "automatic")?,
        start_at: ts(row.try_get("start_at")?),
        options: row.try_get("options")?,
        created_by: row.try_get("created_by")?,
        created_at: ts(row.try_get("created_at")?),
    })
}

const PART_COLUMNS: &str =
    "id, job_id, customer_id, system_id, server, status, reason, started_at, finished_at";

fn part_from_row(row: &AnyRow) -> Result<JobPart> {
    Ok(JobPart {
        id: uuid(row, "id")?,
        job_id: uuid(row, "job_id")?,
        customer_id: uuid(row, "customer_id")?,
        system_id: uuid(row, "system_id")?,
        server: row.try_get("server")?,
        status: parse(&row.try_get::<String, _>("status")?, PartStatus::parse)?,
        reason: row.try_get("reason")?,
        started_at: row.try_get::<Option<i64>, _>("started_at")?.map(ts),
        finished_at: row.try_get::<Option<i64>, _>("finished_at")?.map(ts),
    })
}

/// Take the job row's lock for the rest of the transaction.
pub(super) async fn lock_job(tx: &mut crate::Tx, job: JobId, now: i64) -> Result<()> {
    sqlx::query("UPDATE jobs SET updated_at = $2 WHERE id = $1")
        .bind(job.to_string())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn audit_action(command: JobCommand) -> &'static str {
    match command {
        JobCommand::Pause => "job.pause",
        JobCommand::Resume => "job.resume",
        JobCommand::Stop => "job.stop",
        JobCommand::Delete => "job.delete",
    }
}

impl Store {
    /// Create a job with a part per server of each target, audited, in one transaction.
    #[tracing::instrument(skip_all, fields(kind = new.kind.as_str()))]
    pub async fn create_job(&self, meta: &AuditMeta, new: &NewJob) -> Result<JobId> {
        self.insert_job(meta, new, None)
            .await?
            .ok_or_else(|| StoreError::Corrupt("a job without run key was not created".into()))
    }

    /// Create one of the hub's own runs (LOG-2, BKP-3) unless the run `key` exists already:
    /// `None` then. The unique run key decides, so nodes racing to create it make one.
    #[tracing::instrument(skip_all, fields(key))]
    pub async fn create_run(
        &self,
        meta: &AuditMeta,
        new: &NewJob,
        key: &str,
    ) -> Result<Option<JobId>> {
        self.insert_job(meta, new, Some(key)).await
    }

    async fn insert_job(
        &self,
        meta: &AuditMeta,
        new: &NewJob,
        run_key: Option<&str>,
    ) -> Result<Option<JobId>> {
        let id = JobId::new();
        let now = now_ms();
        let (immediate, start_at, over) = match new.start {
            Start::Now => (true, now, std::time::Duration::ZERO),
            Start::At(t) => (false, t.as_millisecond(), std::time::Duration::ZERO),
            Start::Spread { from, over } => (false, from.as_millisecond(), over),
        };
        let mut tx = self.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO jobs (id, name, kind, status, immediate, automatic, start_at, options, \
             created_by, created_at, updated_at, run_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) \
             ON CONFLICT (run_key) DO NOTHING",
        )
        .bind(id.to_string())
        .bind(new.name.as_str())
        .bind(new.kind.as_str())
        .bind(JobStatus::Scheduled.as_str())
        .bind(flag(immediate))
        .bind(flag(new.automatic))
        .bind(start_at)
        .bind(new.options.as_str())
        .bind(meta.actor_login.as_str())
        .bind(now)
        .bind(run_key)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        for t in &new.targets {
            let offset = jobs::spread_offset(t.system.to_string().as_bytes(), over);
            let due_at =
                start_at.saturating_add(i64::try_from(offset.as_millis()).unwrap_or(i64::MAX));
            for (position, server) in t.servers.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO job_parts (id, job_id, customer_id, system_id, server, position, status, due_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(JobPartId::new().to_string())
                .bind(id.to_string())
                .bind(t.customer.to_string())
                .bind(t.system.to_string())
                .bind(server.as_str())
                .bind(position as i64)
                .bind(PartStatus::Pending.as_str())
                .bind(due_at)
                .execute(&mut *tx)
                .await?;
            }
        }
        let detail = format!("{} on {} systems", new.kind.as_str(), new.targets.len());
        write(
            &mut tx,
            meta,
            AuditEntry::success("job.create", "job", id, new.name.as_str()).with_detail(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// A job and its parts (by system, then server order).
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn job(&self, id: JobId) -> Result<(Job, Vec<JobPart>)> {
        let job = self.job_header(id).await?;
        let parts = sqlx::query(&format!(
            "SELECT {PART_COLUMNS} FROM job_parts WHERE job_id = $1 ORDER BY system_id, position"
        ))
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(part_from_row)
        .collect::<Result<Vec<_>>>()?;
        Ok((job, parts))
    }

    /// The parts of `job` on `system`, in its servers' order (an index probe, however many
    /// systems the job has).
    pub async fn job_parts_of(&self, job: JobId, system: SystemId) -> Result<Vec<JobPart>> {
        sqlx::query(&format!(
            "SELECT {PART_COLUMNS} FROM job_parts WHERE job_id = $1 AND system_id = $2 ORDER BY position"
        ))
        .bind(job.to_string())
        .bind(system.to_string())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(part_from_row)
        .collect()
    }

    /// The job's row alone, without its parts (a job may have a part on every system).
    pub async fn job_header(&self, id: JobId) -> Result<Job> {
        let row = sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        job_from_row(&row)
    }

    /// JOB-3, JOB-4: pause, resume, stop or delete one job. The change happens only if the job
    /// still has a status the rule allows (one guarded statement); otherwise nothing changes and
    /// the refusal says why. `Err(StoreError::NotFound)` when there is no such job.
    #[tracing::instrument(skip_all, fields(%id, command = command.as_str()))]
    pub async fn command_job(
        &self,
        meta: &AuditMeta,
        id: JobId,
        command: JobCommand,
    ) -> Result<Result<(), JobRefusal>> {
        let statuses: Vec<&str> = jobs::allowed_from(command)
            .iter()
            .map(|s| s.as_str())
            .collect();
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT name FROM jobs WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let name: String = row.try_get("name")?;
        let target = command.target();
        let sql = match target {
            // A stopped job may still have parts running to their end: not deleted before.
            None => format!(
                "DELETE FROM jobs WHERE id = $1 AND status IN ({}) AND NOT EXISTS \
                 (SELECT 1 FROM job_parts p WHERE p.job_id = jobs.id AND p.status = '{}')",
                crate::placeholders(2, statuses.len()),
                PartStatus::InProgress.as_str()
            ),
            Some(_) => format!(
                "UPDATE jobs SET status = $2, updated_at = $3 WHERE id = $1 AND immediate = 0 \
                 AND status IN ({})",
                crate::placeholders(4, statuses.len())
            ),
        };
        let mut query = sqlx::query(&sql).bind(id.to_string());
        if let Some(t) = target {
            query = query.bind(t.as_str()).bind(now_ms());
        }
        for s in &statuses {
            query = query.bind(*s);
        }
        let done = query.execute(&mut *tx).await?.rows_affected() == 1;
        if !done {
            // Lost, or never allowed: the rule says why from the status the job has now.
            let Some(row) = sqlx::query("SELECT status, immediate FROM jobs WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&mut *tx)
                .await?
            else {
                // Deleted by someone else meanwhile.
                return Err(StoreError::NotFound);
            };
            let status = parse(&row.try_get::<String, _>("status")?, JobStatus::parse)?;
            let refusal = match jobs::apply(status, get_flag(&row, "immediate")?, command) {
                Err(r) => r,
                // A stopped job whose running parts have not finished yet.
                Ok(_) if command == JobCommand::Delete => JobRefusal::InProgress,
                // Only if another node's change landed between the two statements: the job
                // moved on, which for every command means it is past what was asked.
                Ok(_) => JobRefusal::Ended,
            };
            tx.rollback().await?;
            return Ok(Err(refusal));
        }
        if command == JobCommand::Stop {
            // The parts that have not started never will; running ones finish on their own.
            sqlx::query(
                "UPDATE job_parts SET status = $2, finished_at = $3 WHERE job_id = $1 AND status = $4",
            )
            .bind(id.to_string())
            .bind(PartStatus::Stopped.as_str())
            .bind(now_ms())
            .bind(PartStatus::Pending.as_str())
            .execute(&mut *tx)
            .await?;
        }
        write(
            &mut tx,
            meta,
            AuditEntry::success(audit_action(command), "job", id, name),
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }
}

mod claims;
mod expiry;
mod list;
mod states;

pub use list::{JobFilter, JobSort, JobSummary};
pub use states::ActionState;

#[cfg(test)]
mod tests;
