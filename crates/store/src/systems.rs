//! Customer systems and their connectivity (SYS-1 … SYS-7): the agent gateway records connects,
//! reports, refusals and disconnects here; each event recomputes the customer's traffic light and
//! SYS-3 message (denormalised onto the customer row, so lists, filters and dashboard counts are
//! plain indexed SQL).

use crate::audit::parse_id;
use crate::{now_ms, ts, Result, Store, StoreError};
use patchbay_domain::system::{self, Profile, Refusal, RemoteFlags, ServiceAccountState};
use patchbay_domain::{CustomerId, SystemId};
use sqlx::Row;

mod backup_due;
mod connectivity;

/// One server of a system (TEN-3, SYS-7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    pub name: String,
    pub role: String,
    pub address: String,
    pub version: String,
    pub state: String,
}

/// One connection of a system, as [`Store::agent_connected`] recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub id: SystemId,
    /// Identifies this connection among reconnects.
    pub connected_at: i64,
    /// First contact.
    pub created_at: i64,
    /// CST-2: when the first connection was seen through (`None`: not yet).
    pub custom_data_at: Option<i64>,
    /// [`SystemReport::digest`] of the last report written, if any.
    pub report_digest: Option<String>,
}

/// What a system reported about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemReport {
    pub profile: Profile,
    pub version: String,
    pub address: String,
    pub port: i64,
    pub flags: RemoteFlags,
    pub account: ServiceAccountState,
    pub servers: Vec<ServerInfo>,
    /// IANA name, empty when not known.
    pub time_zone: String,
    /// Co-located hosts it routes (RMT-1).
    pub tunnels: Vec<patchbay_domain::remote::TunnelEntry>,
    /// The phone firmware it serves (UPG-2); empty when not known.
    pub phone_firmware: String,
}

impl SystemReport {
    /// A digest of everything [`Store::system_report`] stores from the report: a reconnecting
    /// system that reports what it reported last time is not written again.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        // Raised when what a report stores changes, so older digests never match.
        const FORMAT: &str = "report/1";
        let mut h = Sha256::new();
        let mut field = |v: &str| {
            h.update((v.len() as u64).to_le_bytes());
            h.update(v.as_bytes());
        };
        field(FORMAT);
        field(self.profile.as_str());
        field(&self.version);
        field(&self.address);
        field(&self.port.to_string());
        field(&serde_json::to_string(&self.flags).unwrap_or_default());
        field(&serde_json::to_string(&self.account).unwrap_or_default());
        field(&self.servers.len().to_string());
        for s in &self.servers {
            for v in [&s.name, &s.role, &s.address, &s.version, &s.state] {
                field(v);
            }
        }
        field(&self.time_zone);
        field(&serde_json::to_string(&self.tunnels).unwrap_or_default());
        field(&self.phone_firmware);
        hex::encode(&h.finalize()[..16])
    }
}

/// A system as the details panel shows it (CUS-5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemView {
    pub id: SystemId,
    pub name: String,
    pub profile: String,
    pub version: String,
    pub address: String,
    pub port: i64,
    pub connected: bool,
    pub last_seen_at: Option<jiff::Timestamp>,
    pub flags: RemoteFlags,
    pub servers: Vec<ServerInfo>,
    /// IANA name, empty when not known (BKP-3).
    pub time_zone: String,
    /// Co-located hosts it routes (RMT-1, RMT-6).
    pub tunnels: Vec<patchbay_domain::remote::TunnelEntry>,
    /// The phone firmware it serves (UPG-2).
    pub phone_firmware: String,
    /// The service account as the system reported it (SYS-3: its rights).
    pub account: ServiceAccountState,
}

fn refusal_code(r: Refusal) -> &'static str {
    system::Status::from_refusal(r).code()
}

fn refusal_parse(code: &str) -> Option<Refusal> {
    use Refusal::*;
    [
        AuthorisationFailed,
        InvalidCredentials,
        DisabledByAdministrator,
        TemporarilyLocked,
        TooManySessions,
        NoAuthorisationProvided,
        ConnectionFailed,
        NotPrimary,
        PendingConfirmation,
    ]
    .into_iter()
    .find(|r| refusal_code(*r) == code)
}

pub(crate) use connectivity::{recompute, recompute_many};

impl Store {
    /// An authenticated system connected through `node`. Returns its id (created on first contact)
    /// and the connection's time, which identifies this connection among reconnects.
    pub async fn system_connected(
        &self,
        customer: CustomerId,
        name: &str,
        node: &str,
    ) -> Result<(SystemId, i64)> {
        let c = self.agent_connected(customer, name, node).await?;
        Ok((c.id, c.connected_at))
    }

    /// [`Store::system_connected`], with what the gateway needs next read in the same statement:
    /// the CST-2 first-connection state and the digest of the last report written.
    #[tracing::instrument(skip_all)]
    pub async fn agent_connected(
        &self,
        customer: CustomerId,
        name: &str,
        node: &str,
    ) -> Result<Connection> {
        let now = now_ms();
        // On the connections kept for admissions: a busy pool does not keep a fleet out.
        let mut tx = self.begin_admission().await?;
        let row = sqlx::query(
            "INSERT INTO systems (id, customer_id, name, connected_node, connected_at, last_seen_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5, $5, $5) \
             ON CONFLICT (customer_id, name) DO UPDATE SET connected_node = excluded.connected_node, \
             connected_at = excluded.connected_at, last_seen_at = excluded.last_seen_at \
             RETURNING id, connected_at, created_at, custom_data_at, report_digest",
        )
        .bind(SystemId::new().to_string())
        .bind(customer.to_string())
        .bind(name)
        .bind(node)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let connection = Connection {
            id: parse_id(row.try_get("id")?)?,
            connected_at: row
                .try_get::<Option<i64>, _>("connected_at")?
                .unwrap_or(now),
            created_at: row.try_get("created_at")?,
            custom_data_at: row.try_get("custom_data_at")?,
            report_digest: row.try_get("report_digest")?,
        };
        // An authenticated connection supersedes any earlier refusal (even one recorded in the
        // same millisecond, which timestamps alone could not order). Rows without one are not
        // rewritten.
        sqlx::query(
            "UPDATE customers SET last_refusal = NULL, last_refusal_at = NULL \
             WHERE id = $1 AND (last_refusal IS NOT NULL OR last_refusal_at IS NOT NULL)",
        )
        .bind(customer.to_string())
        .execute(&mut *tx)
        .await?;
        recompute(&mut tx, customer).await?;
        tx.commit().await?;
        Ok(connection)
    }

    /// A system's report (SYS-5, SYS-6, SYS-7): profile, version, flags, servers.
    #[tracing::instrument(skip_all)]
    pub async fn system_report(
        &self,
        customer: CustomerId,
        id: SystemId,
        r: &SystemReport,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let offline = r.servers.iter().filter(|s| s.state != "online").count() as i64;
        sqlx::query(
            "UPDATE systems SET profile = $2, version = $3, address = $4, port = $5, flags = $6, account_state = $7, \
             servers_offline = $8, updated_at = $9, time_zone = $10, tunnels = $11, phone_firmware = $12, report_digest = $13 WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(r.profile.as_str())
        .bind(r.version.as_str())
        .bind(r.address.as_str())
        .bind(r.port)
        .bind(serde_json::to_string(&r.flags).unwrap_or_default())
        .bind(serde_json::to_string(&r.account).unwrap_or_default())
        .bind(offline)
        .bind(now_ms())
        .bind(r.time_zone.as_str())
        .bind(serde_json::to_string(&r.tunnels).unwrap_or_else(|_| "[]".into()))
        .bind(r.phone_firmware.as_str())
        .bind(r.digest())
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM servers WHERE system_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        for (i, s) in r.servers.iter().enumerate() {
            sqlx::query("INSERT INTO servers (system_id, position, name, role, address, version, state) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id.to_string())
                .bind(i as i64)
                .bind(s.name.as_str())
                .bind(s.role.as_str())
                .bind(s.address.as_str())
                .bind(s.version.as_str())
                .bind(s.state.as_str())
                .execute(&mut *tx)
                .await?;
        }
        recompute(&mut tx, customer).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Many connections held by `node` ended — each `(customer, system, connected_at)` — in one
    /// transaction, their customers recomputed 500 at a time: a node that loses thousands of
    /// agents at once (a network cut) records it in a few statements instead of holding its pool
    /// with one transaction each. A newer connection of a system is left alone.
    #[tracing::instrument(skip_all, fields(n = ended.len()))]
    pub async fn systems_disconnected(
        &self,
        node: &str,
        ended: &[(CustomerId, SystemId, i64)],
    ) -> Result<()> {
        let now = now_ms();
        // Rows locked in one order (systems by id, then customers by id), as other writers do.
        let mut ended = ended.to_vec();
        ended.sort_by_key(|(_, id, _)| id.to_string());
        let mut tx = self.begin().await?;
        let mut customers = std::collections::BTreeSet::new();
        for (customer, id, connected_at) in &ended {
            sqlx::query("UPDATE systems SET connected_node = NULL, last_seen_at = $3 WHERE id = $1 AND connected_node = $2 AND connected_at = $4")
                .bind(id.to_string())
                .bind(node)
                .bind(now)
                .bind(*connected_at)
                .execute(&mut *tx)
                .await?;
            customers.insert(customer.to_string());
        }
        let customers: Vec<String> = customers.into_iter().collect();
        recompute_many(&mut tx, &customers).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The connection held by `node` ended (a newer connection of the same system is left alone).
    #[tracing::instrument(skip_all)]
    pub async fn system_disconnected(
        &self,
        customer: CustomerId,
        id: SystemId,
        node: &str,
        connected_at_ms: i64,
    ) -> Result<()> {
        self.systems_disconnected(node, &[(customer, id, connected_at_ms)])
            .await
    }

    /// The connection time recorded for a system (identifies one connection among reconnects).
    pub async fn system_connected_at(&self, id: SystemId) -> Result<i64> {
        let row = sqlx::query("SELECT connected_at FROM systems WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(row
            .ok_or(StoreError::NotFound)?
            .try_get::<Option<i64>, _>("connected_at")?
            .unwrap_or(0))
    }

    /// A refused attempt (SYS-3). Wrong passwords also count towards the service lockout.
    #[tracing::instrument(skip_all)]
    pub async fn record_refusal(&self, customer: CustomerId, refusal: Refusal) -> Result<()> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE customers SET last_refusal = $2, last_refusal_at = $3 WHERE id = $1")
            .bind(customer.to_string())
            .bind(refusal_code(refusal))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        if refusal == Refusal::AuthorisationFailed {
            sqlx::query("INSERT INTO service_failures (customer_id, at) VALUES ($1, $2)")
                .bind(customer.to_string())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM service_failures WHERE customer_id = $1 AND at < $2")
                .bind(customer.to_string())
                .bind(now - 3_600_000)
                .execute(&mut *tx)
                .await?;
        }
        recompute(&mut tx, customer).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The SYS-3 code of the customer's last refused connection attempt.
    pub async fn customer_last_refusal(&self, customer: CustomerId) -> Result<Option<String>> {
        let row = sqlx::query("SELECT last_refusal FROM customers WHERE id = $1")
            .bind(customer.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(row.ok_or(StoreError::NotFound)?.try_get("last_refusal")?)
    }

    /// Systems of a customer connected now (any node), other than `except`.
    pub async fn connected_systems(&self, customer: CustomerId, except: &str) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM systems WHERE customer_id = $1 AND connected_node IS NOT NULL AND name <> $2")
            .bind(customer.to_string())
            .bind(except)
            .fetch_one(self.pool())
            .await?
            .try_get("n")?)
    }

    /// Systems held by nodes that have not heart-beaten for `stale_after` by the database's clock
    /// (or by `node` itself when it shuts down) are offline since that node's last heartbeat.
    /// Returns how many systems changed.
    #[tracing::instrument(skip_all)]
    pub async fn release_systems(
        &self,
        stale_after: Option<std::time::Duration>,
        shutting_down: Option<&str>,
    ) -> Result<u64> {
        let stale_before_ms = self.db_ms_ago(stale_after).await?;
        let mut tx = self.begin().await?;
        let mut nodes: Vec<(String, i64)> = Vec::new();
        for r in
            sqlx::query("SELECT id, heartbeat_at FROM hub_nodes WHERE heartbeat_at < $1 OR id = $2")
                .bind(stale_before_ms)
                .bind(shutting_down.unwrap_or(""))
                .fetch_all(&mut *tx)
                .await?
        {
            nodes.push((r.try_get("id")?, r.try_get("heartbeat_at")?));
        }
        // Systems pointing at a node that no longer exists at all (crashed before registering).
        for r in sqlx::query("SELECT DISTINCT connected_node FROM systems s WHERE connected_node IS NOT NULL AND NOT EXISTS (SELECT 1 FROM hub_nodes n WHERE n.id = s.connected_node)")
            .fetch_all(&mut *tx)
            .await?
        {
            nodes.push((r.try_get("connected_node")?, now_ms()));
        }
        let mut changed = 0;
        for (node, seen) in nodes {
            let customers =
                sqlx::query("SELECT DISTINCT customer_id FROM systems WHERE connected_node = $1")
                    .bind(node.as_str())
                    .fetch_all(&mut *tx)
                    .await?;
            let done = sqlx::query("UPDATE systems SET connected_node = NULL, last_seen_at = $2 WHERE connected_node = $1")
                .bind(node.as_str())
                .bind(seen)
                .execute(&mut *tx)
                .await?;
            changed += done.rows_affected();
            let customers: Vec<String> = customers
                .iter()
                .map(|c| c.try_get("customer_id"))
                .collect::<std::result::Result<_, _>>()?;
            recompute_many(&mut tx, &customers).await?;
            sqlx::query("DELETE FROM hub_nodes WHERE id = $1")
                .bind(node.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// A system's time zone (IANA name, empty when not known).
    pub async fn system_time_zone(&self, id: SystemId) -> Result<String> {
        let row = sqlx::query("SELECT time_zone FROM systems WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row.try_get("time_zone")?)
    }

    /// The customer a system belongs to.
    pub async fn system_owner(&self, id: SystemId) -> Result<CustomerId> {
        let row = sqlx::query("SELECT customer_id FROM systems WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        parse_id(row.try_get("customer_id")?)
    }

    /// CUS-5: the customer's systems with their servers.
    #[tracing::instrument(skip_all)]
    pub async fn systems_of(&self, customer: CustomerId) -> Result<Vec<SystemView>> {
        Ok(self
            .systems_where(Some(customer))
            .await?
            .into_iter()
            .map(|(_, s)| s)
            .collect())
    }

    /// Every system with its customer (the hub's daily runs, LOG-2).
    #[tracing::instrument(skip_all)]
    pub async fn all_systems(&self) -> Result<Vec<(CustomerId, SystemView)>> {
        self.systems_where(None).await
    }

    /// The systems of `customer`, or of all customers, with their servers: two statements.
    async fn systems_where(
        &self,
        customer: Option<CustomerId>,
    ) -> Result<Vec<(CustomerId, SystemView)>> {
        let one = customer.map(|c| c.to_string());
        let rows = sqlx::query(
            "SELECT * FROM systems WHERE ($1 IS NULL OR customer_id = $1) ORDER BY created_at, id",
        )
        .bind(one.clone())
        .fetch_all(self.pool())
        .await?;
        let servers = sqlx::query(
            "SELECT s.system_id, s.name, s.role, s.address, s.version, s.state FROM servers s JOIN systems y ON y.id = s.system_id \
             WHERE ($1 IS NULL OR y.customer_id = $1) ORDER BY s.system_id, s.position",
        )
        .bind(one)
        .fetch_all(self.pool())
        .await?;
        assemble(&rows, servers)
    }
}

/// System rows and the rows of their servers (`system_id, name, role, address, version, state`,
/// in each system's order) as views with their customers.
fn assemble(
    rows: &[sqlx::any::AnyRow],
    servers: Vec<sqlx::any::AnyRow>,
) -> Result<Vec<(CustomerId, SystemView)>> {
    let mut by_system: std::collections::HashMap<String, Vec<ServerInfo>> =
        std::collections::HashMap::new();
    for s in servers {
        by_system
            .entry(s.try_get("system_id")?)
            .or_default()
            .push(ServerInfo {
                name: s.try_get("name")?,
                role: s.try_get("role")?,
                address: s.try_get("address")?,
                version: s.try_get("version")?,
                state: s.try_get("state")?,
            });
    }
    rows.iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            Ok((
                parse_id(r.try_get("customer_id")?)?,
                SystemView {
                    id: parse_id(id.clone())?,
                    name: r.try_get("name")?,
                    profile: r.try_get("profile")?,
                    version: r.try_get("version")?,
                    address: r.try_get("address")?,
                    port: r.try_get("port")?,
                    connected: r.try_get::<Option<String>, _>("connected_node")?.is_some(),
                    last_seen_at: r.try_get::<Option<i64>, _>("last_seen_at")?.map(ts),
                    flags: serde_json::from_str(&r.try_get::<String, _>("flags")?)
                        .unwrap_or_default(),
                    servers: by_system.remove(&id).unwrap_or_default(),
                    time_zone: r.try_get("time_zone")?,
                    tunnels: serde_json::from_str(&r.try_get::<String, _>("tunnels")?)
                        .unwrap_or_default(),
                    phone_firmware: r.try_get("phone_firmware")?,
                    account: serde_json::from_str(&r.try_get::<String, _>("account_state")?)
                        .unwrap_or_default(),
                },
            ))
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use patchbay_domain::system::Right;

    /// A Server Edition primary at 10.0.0.1 reporting `version`, its service account granting
    /// `rights`.
    pub(crate) fn report_with(version: &str, rights: Vec<Right>) -> SystemReport {
        SystemReport {
            profile: Profile::ServerEdition,
            version: version.into(),
            address: "10.0.0.1".into(),
            port: 443,
            flags: RemoteFlags {
                central_management: true,
                ..Default::default()
            },
            account: ServiceAccountState {
                rights,
                ..Default::default()
            },
            servers: vec![ServerInfo {
                name: "ipo-1".into(),
                role: "primary".into(),
                address: "10.0.0.1".into(),
                version: version.into(),
                state: "online".into(),
            }],
            time_zone: String::new(),
            phone_firmware: String::new(),
            tunnels: Vec::new(),
        }
    }

    fn report(version: &str) -> SystemReport {
        report_with(version, vec![Right::StatusRead])
    }

    #[tokio::test]
    async fn sys_3_admission_reads_credentials_recent_failures_and_other_sessions_at_once() {
        let s = crate::testing::store().await;
        let c = crate::alarms::tests::customer(&s, "acme").await;
        let fail = |s: &Store| {
            let s = s.clone();
            async move {
                s.record_refusal(c, Refusal::AuthorisationFailed)
                    .await
                    .unwrap_or_else(|e| panic!("{e}"))
            }
        };
        fail(&s).await;
        fail(&s).await;
        s.system_connected(c, "ipo-2", "node-a")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let a = s
            .agent_admission("acme", "ipo-1", 0)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("known customer"));
        assert_eq!(a.credentials.id, c);
        assert_eq!(a.credentials.service_user_name, "COMAdmin");
        assert_eq!(a.credentials.sealed_password, "sealed");
        assert!(!a.credentials.service_disabled);
        assert_eq!((a.failures.len(), a.others_connected), (2, 1));
        // The system itself is not one of the others; failures before the look-back are not read.
        let a = s
            .agent_admission("acme", "ipo-2", now_ms() + 60_000)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("known customer"));
        assert_eq!((a.failures.len(), a.others_connected), (0, 0));
        assert!(s
            .agent_admission("nobody", "ipo-1", 0)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_none());
    }

    /// Scale-out, SYS-1: on PostgreSQL a node keeps connections for admitting agents — with every
    /// connection of its pool taken (jobs, uploads), a system still gets in at once. (SQLite has
    /// one writer and no such pool: this runs in the PostgreSQL suite.)
    #[tokio::test]
    async fn sys_1_agents_are_admitted_while_every_pool_connection_is_busy() {
        let s = crate::testing::store().await;
        if s.dialect() != crate::Dialect::Postgres {
            return;
        }
        crate::alarms::tests::customer(&s, "acme").await;
        let mut held = Vec::new();
        for _ in 0..s.pool().options().get_max_connections() {
            held.push(s.pool().acquire().await.unwrap_or_else(|e| panic!("{e}")));
        }
        let quick = std::time::Duration::from_secs(5);
        let admission = tokio::time::timeout(quick, s.agent_admission("acme", "ipo-1", 0))
            .await
            .unwrap_or_else(|_| panic!("the admission waited for the busy pool"))
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("known customer"));
        let connection = tokio::time::timeout(
            quick,
            s.agent_connected(admission.credentials.id, "ipo-1", "node-a"),
        )
        .await
        .unwrap_or_else(|_| panic!("the connection waited for the busy pool"))
        .unwrap_or_else(|e| panic!("{e}"));
        drop(held);
        assert_eq!(
            s.system_owner(connection.id).await.ok(),
            Some(admission.credentials.id)
        );
    }

    #[tokio::test]
    async fn sys_5_a_reconnection_finds_the_digest_of_the_last_report_written() {
        let s = crate::testing::store().await;
        let c = crate::alarms::tests::customer(&s, "acme").await;
        let first = s
            .agent_connected(c, "ipo-1", "node-a")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first.report_digest, None);
        assert_eq!(first.custom_data_at, None);
        let r = report("12.1");
        s.system_report(c, first.id, &r)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let again = s
            .agent_connected(c, "ipo-1", "node-b")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.id, first.id);
        assert_eq!(again.created_at, first.created_at);
        assert_eq!(again.report_digest, Some(r.digest()));
        // Any stored field changes the digest.
        assert_ne!(report("12.2").digest(), r.digest());
        let mut other = report("12.1");
        other.servers[0].state = "offline".into();
        assert_ne!(other.digest(), r.digest());
        assert_eq!(report("12.1").digest(), r.digest());
    }
}
