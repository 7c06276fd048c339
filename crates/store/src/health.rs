//! APC-1: what the application centre measures in the database, and the hub's own alarms (one
//! row per component: raised while it is unhealthy, ended when it recovers).

use crate::{get_flag, now_ms, ts, Result, Store};
use sqlx::Row;

/// The outbox as the mailer sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailQueue {
    pub waiting: i64,
    pub oldest_waiting: Option<jiff::Timestamp>,
    pub last_sent: Option<jiff::Timestamp>,
    /// The last attempt's error when the newest attempted message failed.
    pub last_error: String,
}

/// The job runner's work.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobLoad {
    /// Scheduled and due now.
    pub due: i64,
    pub running: i64,
    /// Due for longer than `late_after_ms`, and not started.
    pub late: i64,
}

/// A hub node as it reported itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeFacts {
    pub id: String,
    pub version: String,
    pub started_at: jiff::Timestamp,
    pub heartbeat_at: jiff::Timestamp,
    pub tunnels: i64,
    /// Systems connected to it now.
    pub agents: i64,
}

/// One of the hub's own alarms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubAlarm {
    pub component: String,
    pub severity: String,
    pub description: String,
    pub first_at: jiff::Timestamp,
    pub last_at: jiff::Timestamp,
    pub ongoing: bool,
}

impl Store {
    /// The database server's version.
    #[tracing::instrument(skip_all)]
    pub async fn database_version(&self) -> Result<String> {
        let sql = match self.dialect() {
            crate::Dialect::Sqlite => "SELECT sqlite_version()",
            crate::Dialect::Postgres => "SELECT current_setting('server_version')",
        };
        Ok(sqlx::query_scalar(sql).fetch_one(self.pool()).await?)
    }

    /// Migrations applied, and the newest one's number.
    #[tracing::instrument(skip_all)]
    pub async fn migrations_applied(&self) -> Result<(i64, i64)> {
        let r = sqlx::query(
            "SELECT COUNT(*) AS n, COALESCE(MAX(version), 0) AS latest FROM schema_migrations",
        )
        .fetch_one(self.pool())
        .await?;
        Ok((r.try_get("n")?, r.try_get("latest")?))
    }

    /// The migrations this build knows.
    pub fn migrations_known() -> i64 {
        crate::migrate::known() as i64
    }

    #[tracing::instrument(skip_all)]
    pub async fn mail_queue(&self) -> Result<MailQueue> {
        let r = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'pending') AS waiting, \
             (SELECT MIN(created_at) FROM outbox WHERE status = 'pending') AS oldest, \
             (SELECT MAX(sent_at) FROM outbox WHERE status = 'sent') AS last_sent",
        )
        .fetch_one(self.pool())
        .await?;
        let last_error: Option<String> = sqlx::query_scalar(
            "SELECT last_error FROM outbox WHERE attempts > 0 ORDER BY COALESCE(sent_at, created_at) DESC, created_at DESC LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(MailQueue {
            waiting: r.try_get("waiting")?,
            oldest_waiting: r.try_get::<Option<i64>, _>("oldest")?.map(ts),
            last_sent: r.try_get::<Option<i64>, _>("last_sent")?.map(ts),
            last_error: last_error.unwrap_or_default(),
        })
    }

    #[tracing::instrument(skip_all)]
    pub async fn job_load(&self, late_after_ms: i64) -> Result<JobLoad> {
        let now = now_ms();
        let r = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM jobs WHERE status = 'scheduled' AND start_at <= $1) AS due, \
             (SELECT COUNT(*) FROM jobs WHERE status = 'running') AS running, \
             (SELECT COUNT(*) FROM jobs WHERE status = 'scheduled' AND start_at <= $2) AS late",
        )
        .bind(now)
        .bind(now - late_after_ms)
        .fetch_one(self.pool())
        .await?;
        Ok(JobLoad {
            due: r.try_get("due")?,
            running: r.try_get("running")?,
            late: r.try_get("late")?,
        })
    }

    /// What a node says of itself beside its heartbeat.
    #[tracing::instrument(skip_all)]
    pub async fn node_facts(&self, node: &str, version: &str, tunnels: i64) -> Result<()> {
        sqlx::query("UPDATE hub_nodes SET version = $2, tunnels = $3 WHERE id = $1")
            .bind(node)
            .bind(version)
            .bind(tunnels)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Nodes that beat since `since_ms`, with the systems each holds.
    #[tracing::instrument(skip_all)]
    pub async fn nodes_since(&self, since_ms: i64) -> Result<Vec<NodeFacts>> {
        let rows = sqlx::query(
            "SELECT n.id, n.version, n.started_at, n.heartbeat_at, n.tunnels, \
             (SELECT COUNT(*) FROM systems s WHERE s.connected_node = n.id) AS agents \
             FROM hub_nodes n WHERE n.heartbeat_at >= $1 ORDER BY n.id",
        )
        .bind(since_ms)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(NodeFacts {
                    id: r.try_get("id")?,
                    version: r.try_get("version")?,
                    started_at: ts(r.try_get("started_at")?),
                    heartbeat_at: ts(r.try_get("heartbeat_at")?),
                    tunnels: r.try_get("tunnels")?,
                    agents: r.try_get("agents")?,
                })
            })
            .collect()
    }

    /// SIP subscribers the registrar serves (device lines with credentials).
    #[tracing::instrument(skip_all)]
    pub async fn sip_subscriber_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM sip_subscribers")
            .fetch_one(self.pool())
            .await?)
    }

    /// Raise (or repeat) the component's alarm. True when it was not ongoing before.
    #[tracing::instrument(skip_all)]
    pub async fn raise_hub_alarm(
        &self,
        component: &str,
        severity: &str,
        description: &str,
    ) -> Result<bool> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        let before: Option<i64> =
            sqlx::query_scalar("SELECT ongoing FROM hub_alarms WHERE component = $1")
                .bind(component)
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query(
            "INSERT INTO hub_alarms (component, severity, description, first_at, last_at, ongoing, cleared_at) \
             VALUES ($1, $2, $3, $4, $4, 1, NULL) \
             ON CONFLICT (component) DO UPDATE SET severity = excluded.severity, description = excluded.description, \
             last_at = excluded.last_at, ongoing = 1, cleared_at = NULL, \
             first_at = CASE WHEN hub_alarms.ongoing = 1 THEN hub_alarms.first_at ELSE excluded.first_at END",
        )
        .bind(component)
        .bind(severity)
        .bind(description)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(before != Some(1))
    }

    /// The component recovered: its alarm ends (kept, no longer ongoing). True when it was.
    #[tracing::instrument(skip_all)]
    pub async fn end_hub_alarm(&self, component: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE hub_alarms SET ongoing = 0, cleared_at = $2 WHERE component = $1 AND ongoing = 1",
        )
        .bind(component)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The hub's alarms, ongoing first, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn hub_alarms(&self) -> Result<Vec<HubAlarm>> {
        let rows = sqlx::query(
            "SELECT component, severity, description, first_at, last_at, ongoing FROM hub_alarms \
             ORDER BY ongoing DESC, last_at DESC",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(HubAlarm {
                    component: r.try_get("component")?,
                    severity: r.try_get("severity")?,
                    description: r.try_get("description")?,
                    first_at: ts(r.try_get("first_at")?),
                    last_at: ts(r.try_get("last_at")?),
                    ongoing: get_flag(r, "ongoing")?,
                })
            })
            .collect()
    }
}
