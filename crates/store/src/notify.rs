//! Several hub nodes on one PostgreSQL talk through the database (`LISTEN/NOTIFY`), never to each
//! other directly:
//! - [`JOBS_CHANNEL`]: a node that creates or resumes a job says so, and every node looks for due
//!   work at once, so a job for a system connected to another node starts without waiting for that
//!   node's next tick (the tick stays the safety net: a lost notice only delays the work);
//! - [`NODES_CHANNEL`]: a command for an agent held by another node (a remote-support stream to
//!   open, a session to end) goes to that node, named in the notice.
//!
//! On SQLite (one node) there is nobody to tell.

use crate::{Dialect, Result, Store};

/// The channel job notices go on.
pub const JOBS_CHANNEL: &str = "patchbay_jobs";
/// The channel of commands for one node.
pub const NODES_CHANNEL: &str = "patchbay_nodes";
/// PostgreSQL refuses a notice payload of 8,000 bytes or more.
pub const MAX_PAYLOAD: usize = 7_999;

/// The database URL, which may hold a password: never printed.
#[derive(Clone)]
pub(crate) struct Url(pub(crate) std::sync::Arc<str>);

impl std::fmt::Debug for Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Url(***)")
    }
}

/// One notice: the channel it came on and its payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub channel: String,
    pub payload: String,
}

/// A connection listening on [`JOBS_CHANNEL`] and [`NODES_CHANNEL`].
pub struct Listener(sqlx::postgres::PgListener);

impl Listener {
    /// Wait for the next notice (an error when the connection broke: listen again; notices sent
    /// meanwhile are lost, which the periodic looks make up for).
    pub async fn next(&mut self) -> Result<Notice> {
        let n = self.0.recv().await?;
        Ok(Notice {
            channel: n.channel().to_string(),
            payload: n.payload().to_string(),
        })
    }
}

impl Store {
    /// Whether nodes on this database hear each other's notices (PostgreSQL).
    pub fn carries_notices(&self) -> bool {
        self.dialect == Dialect::Postgres
    }

    /// Tell every node that there is new or resumed work (PostgreSQL; nothing on SQLite).
    pub async fn announce_jobs(&self) -> Result<()> {
        self.notify(JOBS_CHANNEL, "").await
    }

    /// Send `payload` to the nodes (PostgreSQL; nothing on SQLite). The payload names the node
    /// it is for; every node hears it. At most [`MAX_PAYLOAD`] bytes.
    pub async fn notify_nodes(&self, payload: &str) -> Result<()> {
        if payload.len() > MAX_PAYLOAD {
            return Err(crate::StoreError::NoticeTooLong(payload.len()));
        }
        self.notify(NODES_CHANNEL, payload).await
    }

    async fn notify(&self, channel: &str, payload: &str) -> Result<()> {
        if self.dialect == Dialect::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(channel)
                .bind(payload)
                .execute(self.pool())
                .await?;
        }
        Ok(())
    }

    /// A listener for job and node notices; `None` on SQLite.
    pub async fn listener(&self) -> Result<Option<Listener>> {
        if self.dialect != Dialect::Postgres {
            return Ok(None);
        }
        let mut l = sqlx::postgres::PgListener::connect(&self.url.0).await?;
        l.listen_all([JOBS_CHANNEL, NODES_CHANNEL]).await?;
        Ok(Some(Listener(l)))
    }
}
