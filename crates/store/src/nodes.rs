//! Hub nodes sharing one database (scale-out): presence on the database's clock, which node holds
//! a system, where agents reach a node, and periodic tasks that run once per period across every
//! node. The database's clock, not each node's, decides who is stale and what is due, so nodes
//! whose clocks drift apart still agree.

use crate::{Dialect, Result, Store};
use patchbay_domain::SystemId;
use sea_query::{Alias, Expr, Query};
use sqlx::Row;
use std::time::Duration;

/// A node as the others see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubNode {
    pub id: String,
    /// Where agents reach this node (`https://host:port`); empty when it did not say.
    pub agent_url: String,
    pub started_at: jiff::Timestamp,
    pub heartbeat_at: jiff::Timestamp,
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Store {
    /// The database's clock, in milliseconds since the Unix epoch.
    pub async fn db_now_ms(&self) -> Result<i64> {
        let sql = match self.dialect {
            Dialect::Postgres => {
                "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT) AS now"
            }
            Dialect::Sqlite => {
                "SELECT CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) AS now"
            }
        };
        Ok(sqlx::query(sql)
            .fetch_one(self.pool())
            .await?
            .try_get("now")?)
    }

    /// The database's clock `ago` in the past; `None`: before every instant stored.
    pub(crate) async fn db_ms_ago(&self, ago: Option<Duration>) -> Result<i64> {
        Ok(match ago {
            Some(d) => self.db_now_ms().await?.saturating_sub(millis(d)),
            None => i64::MIN,
        })
    }

    /// Register or refresh this hub node, stamped by the database's clock. `false` when its row
    /// was missing: the node is new, or another node found it silent for too long and released
    /// its systems (a node starved of CPU) — see [`Store::reclaim_systems`].
    pub async fn node_heartbeat(&self, node: &str, agent_url: &str) -> Result<bool> {
        let now = self.db_now_ms().await?;
        let refreshed =
            sqlx::query("UPDATE hub_nodes SET heartbeat_at = $2, agent_url = $3 WHERE id = $1")
                .bind(node)
                .bind(now)
                .bind(agent_url)
                .execute(self.pool())
                .await?
                .rows_affected();
        if refreshed > 0 {
            return Ok(true);
        }
        sqlx::query(
            "INSERT INTO hub_nodes (id, started_at, heartbeat_at, agent_url) VALUES ($1, $2, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, agent_url = excluded.agent_url",
        )
        .bind(node)
        .bind(now)
        .bind(agent_url)
        .execute(self.pool())
        .await?;
        Ok(false)
    }

    /// The systems `node` still holds connections of, shown connected to it again (after another
    /// node released them while this one was silent). Returns how many changed.
    #[tracing::instrument(skip_all)]
    pub async fn reclaim_systems(&self, node: &str, systems: &[SystemId]) -> Result<u64> {
        let mut changed = 0;
        for chunk in systems.chunks(500) {
            let mut tx = self.begin().await?;
            let ids: Vec<String> = chunk.iter().map(ToString::to_string).collect();
            let q = Query::update()
                .table(Alias::new("systems"))
                .value(Alias::new("connected_node"), node)
                .and_where(Expr::col(Alias::new("id")).is_in(ids))
                .and_where(Expr::col(Alias::new("connected_node")).is_null())
                .returning(Query::returning().column(Alias::new("customer_id")))
                .to_owned();
            let (sql, values) = self.build(&q);
            let rows = sqlx::query_with(&sql, values).fetch_all(&mut *tx).await?;
            changed += rows.len() as u64;
            let mut customers = std::collections::BTreeSet::new();
            for r in rows {
                customers.insert(r.try_get::<String, _>("customer_id")?);
            }
            let customers: Vec<String> = customers.into_iter().collect();
            crate::systems::recompute_many(&mut tx, &customers).await?;
            tx.commit().await?;
        }
        Ok(changed)
    }

    /// The nodes that heart-beat within `fresh`, by id.
    pub async fn live_nodes(&self, fresh: Duration) -> Result<Vec<HubNode>> {
        let now = self.db_now_ms().await?;
        let rows = sqlx::query(
            "SELECT id, agent_url, started_at, heartbeat_at FROM hub_nodes WHERE heartbeat_at >= $1 ORDER BY id",
        )
        .bind(now.saturating_sub(millis(fresh)))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(HubNode {
                    id: r.try_get("id")?,
                    agent_url: r.try_get("agent_url")?,
                    started_at: crate::ts(r.try_get("started_at")?),
                    heartbeat_at: crate::ts(r.try_get("heartbeat_at")?),
                })
            })
            .collect()
    }

    /// The node holding `system`'s connection, if any.
    pub async fn holder_of(&self, system: SystemId) -> Result<Option<String>> {
        let row = sqlx::query("SELECT connected_node FROM systems WHERE id = $1")
            .bind(system.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(r) => r.try_get("connected_node")?,
            None => None,
        })
    }

    /// Claim this period's run of the periodic task `name` for `node`: true for exactly one
    /// caller per `every`, whichever node asks first once the task is due — one statement on the
    /// database's clock, so racing nodes cannot both win.
    pub async fn claim_periodic(&self, name: &str, node: &str, every: Duration) -> Result<bool> {
        let now = self.db_now_ms().await?;
        let next = now.saturating_add(millis(every));
        let won = sqlx::query(
            "INSERT INTO periodic_tasks (name, due_at, node, runs) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (name) DO UPDATE SET due_at = excluded.due_at, node = excluded.node, \
             runs = periodic_tasks.runs + 1 WHERE periodic_tasks.due_at <= $4 RETURNING name",
        )
        .bind(name)
        .bind(next)
        .bind(node)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        Ok(won.is_some())
    }

    /// How many periods of `name` have run, and the node that ran the last one.
    pub async fn periodic_runs(&self, name: &str) -> Result<Option<(i64, String)>> {
        let row = sqlx::query("SELECT runs, node FROM periodic_tasks WHERE name = $1")
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| Ok((r.try_get("runs")?, r.try_get("node")?)))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn scale_out_a_node_released_while_silent_reclaims_the_systems_it_still_holds() {
        let s = crate::testing::store().await;
        let c = crate::alarms::tests::customer(&s, "acme").await;
        let (sys, _) = s
            .system_connected(c, "ipo-1", "slow-node")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.node_heartbeat("slow-node", "").await.ok(), Some(false));
        // Silent too long by the others' reckoning: released, its row gone.
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(
            s.release_systems(Some(Duration::from_millis(1)), None)
                .await
                .ok(),
            Some(1)
        );
        assert_eq!(s.holder_of(sys).await.ok(), Some(None));
        // Its next heartbeat finds its row missing; it still holds the connection.
        assert_eq!(s.node_heartbeat("slow-node", "").await.ok(), Some(false));
        assert_eq!(s.reclaim_systems("slow-node", &[sys]).await.ok(), Some(1));
        assert_eq!(
            s.holder_of(sys).await.ok(),
            Some(Some("slow-node".to_string()))
        );
        let d = s
            .dashboard(patchbay_domain::Scope::All)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !d.by_light.iter().any(|(l, _)| l == "red"),
            "{:?}",
            d.by_light
        );
        // Held by another node meanwhile: left alone.
        assert_eq!(s.reclaim_systems("other", &[sys]).await.ok(), Some(0));
    }

    #[tokio::test]
    async fn scale_out_a_periodic_task_is_claimed_once_per_period_by_racing_nodes() {
        let s = crate::testing::store().await;
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let s = s.clone();
                tokio::spawn(async move {
                    s.claim_periodic(
                        "sweep",
                        &format!("node-{}", i % 2),
                        Duration::from_secs(3600),
                    )
                    .await
                })
            })
            .collect();
        let mut won = 0;
        for t in tasks {
            if matches!(t.await, Ok(Ok(true))) {
                won += 1;
            }
        }
        assert_eq!(won, 1);
        assert_eq!(
            s.periodic_runs("sweep").await.ok().flatten().map(|r| r.0),
            Some(1)
        );
        // Due again once the period passed: a zero period is due at once.
        assert_eq!(
            s.claim_periodic("tick", "a", Duration::ZERO).await.ok(),
            Some(true)
        );
        assert_eq!(
            s.claim_periodic("tick", "b", Duration::ZERO).await.ok(),
            Some(true)
        );
        assert_eq!(
            s.periodic_runs("tick").await.ok().flatten(),
            Some((2, "b".to_string()))
        );
    }

    #[tokio::test]
    async fn scale_out_presence_is_stamped_by_the_database_clock() {
        let s = crate::testing::store().await;
        let before = s.db_now_ms().await.unwrap_or(0);
        assert!((before - crate::now_ms()).abs() < 5_000, "{before}");
        assert_eq!(
            s.node_heartbeat("n1", "https://10.0.0.1:7080").await.ok(),
            Some(false)
        );
        assert_eq!(
            s.node_heartbeat("n1", "https://10.0.0.1:7080").await.ok(),
            Some(true)
        );
        let live = s
            .live_nodes(Duration::from_secs(20))
            .await
            .unwrap_or_default();
        assert_eq!(live.len(), 1);
        assert_eq!(live[0].agent_url, "https://10.0.0.1:7080");
        assert!(live[0].heartbeat_at.as_millisecond() >= before);
    }
}
