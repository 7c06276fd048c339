//! Figures for monitoring (`/metrics`): how much work is where, and how the pool is used.

use crate::{Result, Store};
use sqlx::Row;

/// The connection pool of this node at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Connections open.
    pub open: u32,
    /// Open and idle.
    pub idle: usize,
    /// Most connections the pool opens.
    pub max: u32,
}

impl Store {
    /// Job parts by status, across every node.
    pub async fn job_part_counts(&self) -> Result<Vec<(String, i64)>> {
        counts(
            self,
            "SELECT status AS k, COUNT(*) AS n FROM job_parts GROUP BY status ORDER BY status",
        )
        .await
    }

    /// Outbox messages by status, across every node.
    pub async fn outbox_counts(&self) -> Result<Vec<(String, i64)>> {
        counts(
            self,
            "SELECT status AS k, COUNT(*) AS n FROM outbox GROUP BY status ORDER BY status",
        )
        .await
    }

    /// This node's connection pool now.
    pub fn pool_use(&self) -> PoolUse {
        let pool = self.pool();
        PoolUse {
            open: pool.size(),
            idle: pool.num_idle(),
            max: pool.options().get_max_connections(),
        }
    }
}

async fn counts(store: &Store, sql: &'static str) -> Result<Vec<(String, i64)>> {
    sqlx::query(sql)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("k")?, r.try_get("n")?)))
        .collect()
}
