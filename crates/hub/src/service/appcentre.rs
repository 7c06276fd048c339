//! APC-1: the application centre. Each of Patchbay's own components is measured when asked —
//! a database round trip, a blob written, read back and deleted, the outbox and the job queue as
//! they stand, a SIP OPTIONS to the registrar, every node's last heartbeat — and judged by
//! [`patchbay_domain::health`]. Once a minute, on one node of all, the same measurement raises or
//! ends the hub's own alarms, one per component.

use crate::state::AppState;
use bytes::Bytes;
use patchbay_domain::health::{self, Component, Health};
use patchbay_store::health::{HubAlarm, NodeFacts};
use std::time::{Duration, Instant};

/// How often the hub's alarms are brought up to date (on one node of all).
pub const SWEEP: Duration = Duration::from_secs(60);

/// One component as measured now.
#[derive(Debug, Clone)]
pub struct ComponentStatus {
    pub component: Component,
    pub health: Health,
    /// The software behind it, when it has its own (the database server, Kamailio is not asked).
    pub version: String,
    /// How many run (nodes for per-node components).
    pub instances: i64,
    /// What was measured: a Fluent id of the label and the value.
    pub facts: Vec<(&'static str, String)>,
    /// One English line for the alarm.
    pub summary: String,
}

/// One hub node.
#[derive(Debug, Clone)]
pub struct NodeStatus {
    pub facts: NodeFacts,
    pub silent: bool,
    pub this_node: bool,
}

#[derive(Debug, Clone)]
pub struct Overview {
    pub components: Vec<ComponentStatus>,
    pub nodes: Vec<NodeStatus>,
    pub alarms: Vec<HubAlarm>,
}

fn status(
    component: Component,
    health: Health,
    instances: i64,
    facts: Vec<(&'static str, String)>,
    summary: String,
) -> ComponentStatus {
    ComponentStatus {
        component,
        health,
        version: String::new(),
        instances,
        facts,
        summary,
    }
}

fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

fn when(t: Option<jiff::Timestamp>) -> String {
    t.map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| "—".into())
}

async fn database(state: &AppState) -> ComponentStatus {
    let started = Instant::now();
    let ping = state.store.ping().await;
    let latency = started.elapsed();
    let applied = state.store.migrations_applied().await;
    let known = patchbay_store::Store::migrations_known();
    let kind = match state.store.dialect() {
        patchbay_store::Dialect::Sqlite => "SQLite",
        patchbay_store::Dialect::Postgres => "PostgreSQL",
    };
    let (count, latest) = applied.as_ref().map(|(c, l)| (*c, *l)).unwrap_or((0, 0));
    let health = health::database(
        ping.is_ok().then_some(latency.as_millis() as u64),
        (known - count).max(0),
    );
    let mut c = status(
        Component::Database,
        health,
        1,
        vec![
            ("apc-fact-kind", kind.to_string()),
            ("apc-fact-latency", ms(latency)),
            (
                "apc-fact-migrations",
                format!("{count}/{known} (#{latest})"),
            ),
        ],
        match &ping {
            Ok(()) => format!(
                "{kind}: round trip {}, migrations {count}/{known}",
                ms(latency)
            ),
            Err(e) => format!("{kind} does not answer: {e}"),
        },
    );
    c.version = state.store.database_version().await.unwrap_or_default();
    c
}

async fn blob_store(state: &AppState) -> ComponentStatus {
    let key = format!("health/{}.probe", state.agents.node_id);
    let payload = Bytes::from(uuid::Uuid::new_v4().to_string());
    let started = Instant::now();
    let probe = async {
        let chunk = payload.clone();
        state
            .blobs
            .put_stream(
                &key,
                futures_util::stream::iter([Ok::<_, std::io::Error>(chunk)]),
            )
            .await
            .map_err(|e| e.to_string())?;
        let mut stream = state
            .blobs
            .get_stream(&key)
            .await
            .map_err(|e| e.to_string())?;
        let mut back = Vec::new();
        use futures_util::StreamExt;
        while let Some(part) = stream.next().await {
            back.extend_from_slice(&part.map_err(|e| e.to_string())?);
        }
        state.blobs.delete(&key).await.map_err(|e| e.to_string())?;
        if back != payload {
            return Err("read back other bytes than written".to_string());
        }
        Ok(())
    }
    .await;
    let latency = started.elapsed();
    let kind = match &state.config.blob_url {
        Some(u) if u.starts_with("s3://") => "S3-compatible bucket",
        _ => "folder",
    };
    status(
        Component::BlobStore,
        health::blob_store(probe.is_ok()),
        1,
        vec![
            ("apc-fact-kind", kind.into()),
            ("apc-fact-probe", ms(latency)),
        ],
        match probe {
            Ok(()) => format!("{kind}: write, read and delete in {}", ms(latency)),
            Err(e) => format!("{kind}: the probe failed: {e}"),
        },
    )
}

async fn mailer(state: &AppState) -> ComponentStatus {
    let q = state.store.mail_queue().await.unwrap_or_default();
    let relay = state.config.smtp_url.is_some();
    let now = jiff::Timestamp::now();
    let oldest = q.oldest_waiting.map(|t| now.duration_since(t).as_secs());
    let health = health::mailer(relay, oldest, !q.last_error.is_empty());
    let mut facts = vec![
        (
            "apc-fact-relay",
            if relay { "SMTP".into() } else { "—".into() },
        ),
        ("apc-fact-queue", q.waiting.to_string()),
        ("apc-fact-last-delivery", when(q.last_sent)),
    ];
    if !q.last_error.is_empty() {
        facts.push(("apc-fact-last-error", q.last_error.clone()));
    }
    status(
        Component::Mailer,
        health,
        1,
        facts,
        format!(
            "{} message(s) waiting{}{}",
            q.waiting,
            oldest
                .map(|s| format!(", the oldest for {s} s"))
                .unwrap_or_default(),
            if q.last_error.is_empty() {
                String::new()
            } else {
                format!("; last error: {}", q.last_error)
            }
        ),
    )
}

async fn scheduler(state: &AppState, nodes: i64) -> ComponentStatus {
    let load = state
        .store
        .job_load(health::JOB_LATE_SECS * 1000)
        .await
        .unwrap_or_default();
    status(
        Component::Scheduler,
        health::scheduler(load.late),
        nodes,
        vec![
            ("apc-fact-due", load.due.to_string()),
            ("apc-fact-running", load.running.to_string()),
            ("apc-fact-late", load.late.to_string()),
        ],
        format!(
            "{} job(s) due, {} running, {} not started {} min after their time",
            load.due,
            load.running,
            load.late,
            health::JOB_LATE_SECS / 60
        ),
    )
}

/// Sends one SIP OPTIONS over UDP and waits a second for any SIP answer.
async fn sip_options(target: std::net::SocketAddr) -> bool {
    let bind = if target.is_ipv6() {
        "[::]:0"
    } else {
        "0.0.0.0:0"
    };
    let Ok(socket) = tokio::net::UdpSocket::bind(bind).await else {
        return false;
    };
    let local = socket
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let request = format!(
        "OPTIONS sip:{target} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch=z9hG4bK{tag}\r\nMax-Forwards: 70\r\n\
         From: <sip:patchbay-health@{local}>;tag={tag}\r\nTo: <sip:{target}>\r\nCall-ID: {tag}@patchbay\r\n\
         CSeq: 1 OPTIONS\r\nUser-Agent: Patchbay health\r\nContent-Length: 0\r\n\r\n"
    );
    if socket.send_to(request.as_bytes(), target).await.is_err() {
        return false;
    }
    let mut buf = [0u8; 2048];
    matches!(
        tokio::time::timeout(Duration::from_secs(1), socket.recv_from(&mut buf)).await,
        Ok(Ok((n, _))) if buf[..n].starts_with(b"SIP/2.0 ")
    )
}

async fn registrar(state: &AppState) -> ComponentStatus {
    let subscribers = state.store.sip_subscriber_count().await.unwrap_or(0);
    let registrations = state
        .registrar
        .active_bindings(&crate::service::sip::registrar_tz())
        .await
        .map(|b| b.len())
        .unwrap_or(0);
    let (reachable, target) = match state.config.registrar_probe {
        Some(t) => (sip_options(t).await, t.to_string()),
        None => (false, "—".into()),
    };
    status(
        Component::Registrar,
        health::registrar(reachable, subscribers),
        1,
        vec![
            ("apc-fact-address", target.clone()),
            (
                "apc-fact-reachable",
                if reachable {
                    "✓".into()
                } else {
                    "✗".into()
                },
            ),
            ("apc-fact-registrations", registrations.to_string()),
            ("apc-fact-subscribers", subscribers.to_string()),
        ],
        if reachable {
            format!("Kamailio at {target} answers; {registrations} registration(s)")
        } else {
            format!("Kamailio at {target} does not answer SIP OPTIONS; {subscribers} SIP user(s) rely on it")
        },
    )
}

fn identity_certificate(state: &AppState) -> ComponentStatus {
    let current = state.tls_identity.current();
    let now = jiff::Timestamp::now().as_second();
    let days = (current.leaf.not_after - now).div_euclid(86_400);
    let expires = jiff::Timestamp::from_second(current.leaf.not_after).ok();
    status(
        Component::IdentityCertificate,
        health::identity_certificate(days),
        1,
        vec![
            ("apc-fact-subject", current.leaf.subject.clone()),
            ("apc-fact-expires", when(expires)),
        ],
        if days < 0 {
            format!("The identity certificate expired on {}", when(expires))
        } else {
            format!(
                "The identity certificate expires in {days} day(s), on {}",
                when(expires)
            )
        },
    )
}

/// Everything, measured now.
pub async fn measure(state: &AppState) -> Overview {
    let now = jiff::Timestamp::now().as_millisecond();
    let day_ago = now - 86_400_000;
    let listed = state.store.nodes_since(day_ago).await.unwrap_or_default();
    let silent_before = now - health::NODE_SILENT_SECS * 1000;
    let nodes: Vec<NodeStatus> = listed
        .into_iter()
        .map(|f| NodeStatus {
            silent: f.heartbeat_at.as_millisecond() < silent_before,
            this_node: f.id == state.agents.node_id,
            facts: f,
        })
        .collect();
    let live = nodes.iter().filter(|n| !n.silent).count() as i64;
    let silent: Vec<&str> = nodes
        .iter()
        .filter(|n| n.silent)
        .map(|n| n.facts.id.as_str())
        .collect();
    let agents: i64 = nodes
        .iter()
        .filter(|n| !n.silent)
        .map(|n| n.facts.agents)
        .sum();
    // This node's tunnels as they are now; the others' as of their last heartbeat.
    let tunnels: i64 = nodes
        .iter()
        .filter(|n| !n.silent)
        .map(|n| {
            if n.this_node {
                state.tunnels.live_count() as i64
            } else {
                n.facts.tunnels
            }
        })
        .sum();
    let (db, blobs, mail, jobs, sip) = tokio::join!(
        database(state),
        blob_store(state),
        mailer(state),
        scheduler(state, live),
        registrar(state),
    );
    let proxy = match state.config.proxy_listen {
        Some(_) => status(
            Component::RemoteSupportProxy,
            Health::Ok,
            live,
            vec![
                ("apc-fact-port", state.proxy_port().to_string()),
                ("apc-fact-tunnels", tunnels.to_string()),
            ],
            format!("{tunnels} open tunnel(s)"),
        ),
        None => status(
            Component::RemoteSupportProxy,
            Health::Ok,
            0,
            vec![("apc-fact-port", "—".into())],
            "not listening on this node".into(),
        ),
    };
    let gateway = status(
        Component::AgentGateway,
        Health::Ok,
        live,
        vec![("apc-fact-connected", agents.to_string())],
        format!("{agents} connected system(s) over {live} node(s)"),
    );
    let node_status = status(
        Component::Nodes,
        health::nodes(silent.len()),
        live,
        vec![
            ("apc-fact-live", live.to_string()),
            ("apc-fact-silent", silent.len().to_string()),
        ],
        if silent.is_empty() {
            format!("{live} node(s) beating")
        } else {
            format!(
                "{} node(s) silent for over {} s: {}",
                silent.len(),
                health::NODE_SILENT_SECS,
                silent.join(", ")
            )
        },
    );
    let mut components = vec![
        db,
        blobs,
        mail,
        jobs,
        gateway,
        proxy,
        sip,
        node_status,
        identity_certificate(state),
    ];
    for c in &mut components {
        if c.version.is_empty() && c.component != Component::Registrar {
            c.version = crate::state::VERSION.into();
        }
    }
    let alarms = state.store.hub_alarms().await.unwrap_or_default();
    Overview {
        components,
        nodes,
        alarms,
    }
}

/// Raise the alarm of each unhealthy or degraded component and end the others'.
pub async fn sweep(state: &AppState) -> Overview {
    let overview = measure(state).await;
    for c in &overview.components {
        let code = c.component.code();
        let done = match c.health {
            Health::Ok => state.store.end_hub_alarm(code).await.map(|ended| {
                if ended {
                    tracing::info!(component = code, "hub component healthy again");
                }
            }),
            h => {
                let severity = if h == Health::Unhealthy {
                    "major"
                } else {
                    "warning"
                };
                state
                    .store
                    .raise_hub_alarm(code, severity, &c.summary)
                    .await
                    .map(|new| {
                        if new {
                            tracing::warn!(component = code, summary = %c.summary, "hub component {}", h.code());
                        }
                    })
            }
        };
        if let Err(e) = done {
            tracing::warn!(component = code, error = %e, "cannot record the hub alarm");
        }
    }
    overview
}

/// Bring the hub's alarms up to date every minute, on one node of all.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + SWEEP, SWEEP);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if state.agents.shutdown.is_cancelled() {
                return;
            }
            if crate::service::nodes::claim_period(&state, "hub-health", SWEEP).await {
                sweep(&state).await;
            }
        }
    });
}
