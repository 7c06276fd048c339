//! Work claimed by hub nodes (JOB-2, BKP-1): due parts taken with the system's action slot in one
//! transaction, their results recorded, and what a node had running found again after a restart.

use super::*;

impl Store {
    /// Claim due work for hub node `node`: for up to `limit` (job, system) pairs whose parts are
    /// due at `now` (the job's start, or the system's time in a spread job) and pending — of
    /// systems connected to `node` when `held` — take
    /// the system's action slot (backup and restore only, BKP-1) and the parts, in one transaction
    /// each. A system already running an action is skipped (its parts stay pending); a pair
    /// another node took first is skipped too.
    #[tracing::instrument(skip_all, fields(node))]
    pub async fn claim_due_parts(
        &self,
        node: &str,
        held: bool,
        now: jiff::Timestamp,
        limit: i64,
    ) -> Result<Vec<Claim>> {
        let now = now.as_millisecond();
        let candidates = sqlx::query(
            "SELECT p.job_id, p.system_id, p.customer_id, j.kind, MIN(p.due_at) AS due_at \
             FROM job_parts p JOIN jobs j ON j.id = p.job_id JOIN systems s ON s.id = p.system_id \
             WHERE p.status = $1 AND p.due_at <= $4 AND j.status IN ($2, $3) \
             AND ($6 = 0 OR s.connected_node = $7) \
             GROUP BY p.job_id, p.system_id, p.customer_id, j.kind \
             ORDER BY MIN(p.due_at), p.job_id LIMIT $5",
        )
        .bind(PartStatus::Pending.as_str())
        .bind(JobStatus::Scheduled.as_str())
        .bind(JobStatus::InProgress.as_str())
        .bind(now)
        .bind(limit)
        .bind(flag(held))
        .bind(node)
        .fetch_all(self.pool())
        .await?;
        let mut claims = Vec::new();
        for row in candidates {
            let job: JobId = uuid(&row, "job_id")?;
            let system: SystemId = uuid(&row, "system_id")?;
            let customer: CustomerId = uuid(&row, "customer_id")?;
            let kind = parse(&row.try_get::<String, _>("kind")?, JobKind::parse)?;
            if let Some(parts) = self.claim(node, now, job, kind, system).await? {
                claims.push(Claim {
                    job,
                    kind,
                    customer,
                    system,
                    parts,
                });
            }
        }
        Ok(claims)
    }

    /// One claim (see [`Store::claim_due_parts`]); `None` when the system is busy or the work is
    /// gone.
    async fn claim(
        &self,
        node: &str,
        now: i64,
        job: JobId,
        kind: JobKind,
        system: SystemId,
    ) -> Result<Option<Vec<JobPartId>>> {
        let mut tx = self.begin().await?;
        // The job row first: a pause or stop racing this claim waits for it (or it for them).
        let started = sqlx::query(
            "UPDATE jobs SET status = $2, updated_at = $3 WHERE id = $1 AND status IN ($2, $4)",
        )
        .bind(job.to_string())
        .bind(JobStatus::InProgress.as_str())
        .bind(now)
        .bind(JobStatus::Scheduled.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if started == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        if kind == JobKind::LogFetch {
            let slot = sqlx::query(
                "INSERT INTO log_slots (system_id, job_id, node, started_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (system_id) DO NOTHING",
            )
            .bind(system.to_string())
            .bind(job.to_string())
            .bind(node)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if slot == 0 {
                tx.rollback().await?;
                return Ok(None);
            }
        }
        if kind.is_exclusive() {
            let slot = sqlx::query(
                "INSERT INTO system_actions (system_id, job_id, kind, node, started_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (system_id) DO NOTHING",
            )
            .bind(system.to_string())
            .bind(job.to_string())
            .bind(kind.as_str())
            .bind(node)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if slot == 0 {
                tx.rollback().await?;
                return Ok(None);
            }
        }
        let parts = sqlx::query(
            "UPDATE job_parts SET status = $3, claimed_by = $4, started_at = $5 \
             WHERE job_id = $1 AND system_id = $2 AND status = $6 RETURNING id",
        )
        .bind(job.to_string())
        .bind(system.to_string())
        .bind(PartStatus::InProgress.as_str())
        .bind(node)
        .bind(now)
        .bind(PartStatus::Pending.as_str())
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| uuid(r, "id"))
        .collect::<Result<Vec<JobPartId>>>()?;
        if parts.is_empty() {
            tx.rollback().await?;
            return Ok(None);
        }
        tx.commit().await?;
        Ok(Some(parts))
    }

    /// Record how the parts of a claim ended; when none of the claim's parts may run any more,
    /// free the system's action slot; settle the job's status from all its parts (JOB-5).
    #[tracing::instrument(skip_all, fields(job = %claim.job, system = %claim.system))]
    pub async fn finish_parts(&self, claim: &Claim, results: &[PartResult]) -> Result<JobStatus> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        // The job row first: two systems of one job finishing at once settle it one after the
        // other, each reading the other's parts as they are (PostgreSQL's row lock; SQLite
        // serialises writers anyway).
        lock_job(&mut tx, claim.job, now).await?;
        for r in results.iter().filter(|r| r.status.is_final()) {
            sqlx::query(
                "UPDATE job_parts SET status = $2, reason = $3, finished_at = $4, claimed_by = NULL \
                 WHERE id = $1 AND job_id = $5 AND status = $6",
            )
            .bind(r.part.to_string())
            .bind(r.status.as_str())
            .bind(r.reason.as_str())
            .bind(now)
            .bind(claim.job.to_string())
            .bind(PartStatus::InProgress.as_str())
            .execute(&mut *tx)
            .await?;
        }
        // Each question below is an index probe (job_parts_job, job_parts_pending), so a finish
        // costs the same in a job of ten systems as in a daily collection of 100,000: the job's
        // parts are read in full once, when the last one ends.
        let open = [
            PartStatus::Pending.as_str(),
            PartStatus::InProgress.as_str(),
        ];
        let system = claim.system.to_string();
        let system_open = sqlx::query(
            "SELECT 1 AS x FROM job_parts WHERE job_id = $1 AND system_id = $2 \
             AND status IN ($3, $4) LIMIT 1",
        )
        .bind(claim.job.to_string())
        .bind(system.as_str())
        .bind(open[0])
        .bind(open[1])
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
        if !system_open {
            for slots in [
                "DELETE FROM system_actions WHERE system_id = $1 AND job_id = $2",
                "DELETE FROM log_slots WHERE system_id = $1 AND job_id = $2",
            ] {
                sqlx::query(slots)
                    .bind(system.as_str())
                    .bind(claim.job.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let row = sqlx::query("SELECT status FROM jobs WHERE id = $1")
            .bind(claim.job.to_string())
            .fetch_one(&mut *tx)
            .await?;
        let current = parse(&row.try_get::<String, _>("status")?, JobStatus::parse)?;
        // Settling can change the job only once it runs and none of its parts is open.
        let job_open = current != JobStatus::InProgress
            || system_open
            || sqlx::query(
                "SELECT 1 AS x FROM job_parts WHERE status IN ($2, $3) AND job_id = $1 LIMIT 1",
            )
            .bind(claim.job.to_string())
            .bind(open[0])
            .bind(open[1])
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        let settled = if job_open {
            current
        } else {
            let statuses: Vec<PartStatus> =
                sqlx::query("SELECT DISTINCT status FROM job_parts WHERE job_id = $1")
                    .bind(claim.job.to_string())
                    .fetch_all(&mut *tx)
                    .await?
                    .iter()
                    .map(|r| parse(&r.try_get::<String, _>("status")?, PartStatus::parse))
                    .collect::<Result<_>>()?;
            jobs::settle(current, &statuses)
        };
        if settled != current {
            sqlx::query(
                "UPDATE jobs SET status = $2, updated_at = $3 WHERE id = $1 AND status = $4",
            )
            .bind(claim.job.to_string())
            .bind(settled.as_str())
            .bind(now)
            .bind(current.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(settled)
    }

    /// The running claim of `job` on `system` (its parts In progress), to record its result;
    /// `None` once recorded.
    pub async fn running_claim(&self, job: JobId, system: SystemId) -> Result<Option<Claim>> {
        let rows = sqlx::query(
            "SELECT p.id, p.customer_id, j.kind FROM job_parts p JOIN jobs j ON j.id = p.job_id \
             WHERE p.job_id = $1 AND p.system_id = $2 AND p.status = $3 ORDER BY p.position",
        )
        .bind(job.to_string())
        .bind(system.to_string())
        .bind(PartStatus::InProgress.as_str())
        .fetch_all(self.pool())
        .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        Ok(Some(Claim {
            job,
            kind: parse(&first.try_get::<String, _>("kind")?, JobKind::parse)?,
            customer: uuid(first, "customer_id")?,
            system,
            parts: rows.iter().map(|r| uuid(r, "id")).collect::<Result<_>>()?,
        }))
    }

    /// After a restart of hub node `node` (at `before`): the work it had in progress from before,
    /// on systems connected to it again. Its previous process may have died before or while
    /// sending them their actions; the node sends them again (an agent never runs one action twice
    /// at once, and answers one it finished with its kept result).
    pub async fn unfinished_claims(
        &self,
        node: &str,
        before: jiff::Timestamp,
    ) -> Result<Vec<Claim>> {
        let pairs = sqlx::query(
            "SELECT DISTINCT p.job_id, p.system_id FROM job_parts p JOIN systems s ON s.id = p.system_id \
             WHERE p.status = $1 AND p.claimed_by = $2 AND p.started_at < $3 AND s.connected_node = $2",
        )
        .bind(PartStatus::InProgress.as_str())
        .bind(node)
        .bind(before.as_millisecond())
        .fetch_all(self.pool())
        .await?;
        let mut claims = Vec::new();
        for row in pairs {
            if let Some(c) = self
                .running_claim(uuid(&row, "job_id")?, uuid(&row, "system_id")?)
                .await?
            {
                claims.push(c);
            }
        }
        Ok(claims)
    }

    /// The job running an action on `system` now, if any (SYS-4 "in progress", BKP-1 refusals).
    pub async fn system_action(&self, system: SystemId) -> Result<Option<(JobId, JobKind)>> {
        let row = sqlx::query("SELECT job_id, kind FROM system_actions WHERE system_id = $1")
            .bind(system.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            let kind = parse(&r.try_get::<String, _>("kind")?, JobKind::parse)?;
            Ok((uuid(&r, "job_id")?, kind))
        })
        .transpose()
    }
}
