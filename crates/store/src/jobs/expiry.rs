//! Crash safety of jobs: what can no longer happen is failed in time.

use super::{parse, uuid, Claim, PartResult};
use crate::{Result, Store};
use patchbay_domain::jobs::{JobKind, JobStatus, PartStatus};
use patchbay_domain::{JobId, SystemId};
use sqlx::Row;

impl Store {
    /// Fail what can no longer happen, so that no part stays pending or in progress for ever
    /// (after a crash of the hub or the agent, or a system that never came): parts in progress
    /// that have had no result for `running_for`, with `overdue`; pending parts of jobs due — and
    /// unchanged (a resume restarts the wait) — for longer than `waiting_for` whose system is not
    /// busy with another action, with `unreachable`. Jobs settle and slots are freed as for any
    /// result. Returns how many (job, system) pairs were failed.
    pub async fn expire_parts(
        &self,
        now: jiff::Timestamp,
        running_for: std::time::Duration,
        overdue: &str,
        waiting_for: std::time::Duration,
        unreachable: &str,
    ) -> Result<usize> {
        let ms = |d: std::time::Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        let now = now.as_millisecond();
        let stale = sqlx::query(
            "SELECT DISTINCT p.job_id, p.system_id, p.status FROM job_parts p JOIN jobs j ON j.id = p.job_id \
             WHERE (p.status = $1 AND p.started_at < $2) \
             OR (p.status = $3 AND p.due_at < $6 AND j.status IN ($4, $5) AND j.updated_at < $6 \
                 AND NOT EXISTS (SELECT 1 FROM system_actions a WHERE a.system_id = p.system_id) \
                 AND NOT EXISTS (SELECT 1 FROM log_slots l WHERE l.system_id = p.system_id))",
        )
        .bind(PartStatus::InProgress.as_str())
        .bind(now.saturating_sub(ms(running_for)))
        .bind(PartStatus::Pending.as_str())
        .bind(JobStatus::Scheduled.as_str())
        .bind(JobStatus::InProgress.as_str())
        .bind(now.saturating_sub(ms(waiting_for)))
        .fetch_all(self.pool())
        .await?;
        let mut failed = 0;
        for row in stale {
            let job: JobId = uuid(&row, "job_id")?;
            let system: SystemId = uuid(&row, "system_id")?;
            let running = row.try_get::<String, _>("status")? == PartStatus::InProgress.as_str();
            let claim = if running {
                self.running_claim(job, system).await?
            } else {
                self.claim_pending(job, system, now).await?
            };
            if let Some(claim) = claim {
                let reason = if running { overdue } else { unreachable };
                let results: Vec<PartResult> = claim
                    .parts
                    .iter()
                    .map(|p| PartResult {
                        part: *p,
                        status: PartStatus::Failed,
                        reason: reason.to_string(),
                    })
                    .collect();
                self.finish_parts(&claim, &results).await?;
                failed += 1;
            }
        }
        Ok(failed)
    }

    /// Fail the pending parts of `job` on `system` now with `reason` (BKP-3: an automatic backup
    /// skipped because another action runs); whether there were any.
    pub async fn skip_pending(&self, job: JobId, system: SystemId, reason: &str) -> Result<bool> {
        let Some(claim) = self.claim_pending(job, system, crate::now_ms()).await? else {
            return Ok(false);
        };
        let results: Vec<PartResult> = claim
            .parts
            .iter()
            .map(|p| PartResult {
                part: *p,
                status: PartStatus::Failed,
                reason: reason.to_string(),
            })
            .collect();
        self.finish_parts(&claim, &results).await?;
        Ok(true)
    }

    /// Take the pending parts of `job` on `system` as a claim without an action slot, only to
    /// fail them (the job starts if it had not).
    async fn claim_pending(&self, job: JobId, system: SystemId, now: i64) -> Result<Option<Claim>> {
        let mut tx = self.begin().await?;
        super::lock_job(&mut tx, job, now).await?;
        sqlx::query("UPDATE jobs SET status = $2, updated_at = $3 WHERE id = $1 AND status = $4")
            .bind(job.to_string())
            .bind(JobStatus::InProgress.as_str())
            .bind(now)
            .bind(JobStatus::Scheduled.as_str())
            .execute(&mut *tx)
            .await?;
        let rows = sqlx::query(
            "UPDATE job_parts SET status = $3, started_at = $4 WHERE job_id = $1 AND system_id = $2 \
             AND status = $5 RETURNING id, customer_id",
        )
        .bind(job.to_string())
        .bind(system.to_string())
        .bind(PartStatus::InProgress.as_str())
        .bind(now)
        .bind(PartStatus::Pending.as_str())
        .fetch_all(&mut *tx)
        .await?;
        let kind_row = sqlx::query("SELECT kind FROM jobs WHERE id = $1")
            .bind(job.to_string())
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        Ok(Some(Claim {
            job,
            kind: parse(&kind_row.try_get::<String, _>("kind")?, JobKind::parse)?,
            customer: uuid(first, "customer_id")?,
            system,
            parts: rows.iter().map(|r| uuid(r, "id")).collect::<Result<_>>()?,
        }))
    }
}
