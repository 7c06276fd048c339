//! Several hub nodes on one PostgreSQL: a node that creates or resumes a job says so on a channel
//! (`NOTIFY`), and every node listening (`LISTEN`) looks for due work at once, so a job for a
//! system connected to another node starts without waiting for that node's next tick. The tick
//! stays the safety net: a lost notice only delays the work. On SQLite (one node) there is nothing
//! to tell.

use crate::{Dialect, Result, Store};

/// The channel job notices go on.
pub const JOBS_CHANNEL: &str = "patchbay_jobs";

/// The database URL, which may hold a password: never printed.
#[derive(Clone)]
pub(crate) struct Url(pub(crate) std::sync::Arc<str>);

impl std::fmt::Debug for Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Url(***)")
    }
}

/// A connection listening for job notices.
pub struct JobListener(sqlx::postgres::PgListener);

impl JobListener {
    /// Wait for the next notice (an error when the connection broke: listen again).
    pub async fn next(&mut self) -> Result<()> {
        self.0.recv().await?;
        Ok(())
    }
}

impl Store {
    /// Tell every node that there is new or resumed work (PostgreSQL; nothing on SQLite).
    pub async fn announce_jobs(&self) -> Result<()> {
        if self.dialect == Dialect::Postgres {
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(JOBS_CHANNEL)
                .execute(self.pool())
                .await?;
        }
        Ok(())
    }

    /// A listener for job notices; `None` on SQLite.
    pub async fn job_listener(&self) -> Result<Option<JobListener>> {
        if self.dialect != Dialect::Postgres {
            return Ok(None);
        }
        let mut l = sqlx::postgres::PgListener::connect(&self.url.0).await?;
        l.listen(JOBS_CHANNEL).await?;
        Ok(Some(JobListener(l)))
    }
}
