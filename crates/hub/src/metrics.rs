//! What a node measures for Prometheus (`GET /metrics`, OpenMetrics text): connected agents and
//! how many it can hold, the alarm ingest (rate, queue depth, slow-downs), request latencies by
//! route, job parts and mail by status, the database pool, open files, periodic tasks run here and
//! commands routed between nodes.
//!
//! Counters kept here live as long as the node; figures that exist elsewhere (the ingest's
//! counters, the pool, the database's counts) are read when Prometheus asks, never copied on the
//! way.

use crate::state::AppState;
use prometheus_client::encoding::{text::encode, EncodeLabelSet};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::atomic::Ordering;

/// Request-latency buckets, in seconds: 1 ms to 10 s.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route's pattern (`/v1/devices/{id}`), never the path asked for: a bounded set.
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TaskLabels {
    task: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DirectionLabels {
    direction: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct NodeLabels {
    node: String,
    version: &'static str,
}

type LatencyFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// The figures this node counts itself.
pub struct Metrics {
    requests: LatencyFamily,
    periodic: Family<TaskLabels, Counter>,
    commands: Family<DirectionLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            requests: Family::new_with_constructor(latency_histogram),
            periodic: Family::default(),
            commands: Family::default(),
        }
    }
}

impl Metrics {
    /// One request answered.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status,
            })
            .observe(seconds);
    }

    /// This node ran this period of the periodic task `task`.
    pub fn periodic_ran(&self, task: &str) {
        self.periodic
            .get_or_create(&TaskLabels {
                task: task.to_string(),
            })
            .inc();
    }

    /// A command for an agent went to another node (`sent`) or came from one (`received`).
    pub fn command_routed(&self, direction: &'static str) {
        self.commands
            .get_or_create(&DirectionLabels { direction })
            .inc();
    }
}

/// Open file descriptors of this process (Linux: `/proc/self/fd`), if known.
fn open_files() -> Option<u64> {
    std::fs::read_dir("/proc/self/fd")
        .ok()
        .map(|d| d.count() as u64)
}

fn by_status(rows: &[(String, i64)]) -> Family<StatusLabels, Gauge> {
    let f = Family::<StatusLabels, Gauge>::default();
    for (status, n) in rows {
        f.get_or_create(&StatusLabels {
            status: status.clone(),
        })
        .set(*n);
    }
    f
}

fn gauge(v: impl TryInto<i64>) -> ConstGauge {
    ConstGauge::new(v.try_into().unwrap_or(i64::MAX))
}

/// The whole exposition, read now.
pub async fn render(state: &AppState) -> Result<String, crate::error::AppError> {
    let m = &state.metrics;
    let mut r = Registry::with_prefix("patchbay");
    let node = Family::<NodeLabels, Gauge>::default();
    node.get_or_create(&NodeLabels {
        node: state.agents.node_id.clone(),
        version: env!("CARGO_PKG_VERSION"),
    })
    .set(1);
    r.register("node_info", "This hub node (always 1)", node);

    r.register(
        "agents_connected",
        "Customer systems connected to this node",
        gauge(state.agents.len()),
    );
    r.register(
        "agents_busy_refusals",
        "Agents told to come back later because this node was busy admitting others",
        ConstCounter::new(state.agents.busy_refusals.load(Ordering::Relaxed)),
    );
    r.register(
        "agents_busy_retry_seconds",
        "How long this node asks refused agents to stay away now (before spreading them)",
        gauge(state.agents.busy_wait().as_secs()),
    );
    let limit = state.open_files.get().copied().unwrap_or(0);
    r.register(
        "open_files_limit",
        "Open-files limit of this node (0: not known)",
        gauge(limit),
    );
    r.register(
        "agents_capacity",
        "Agent connections this node can hold within its open-files limit",
        gauge(limit.saturating_sub(crate::RESERVED_FILES)),
    );
    if let Some(n) = open_files() {
        r.register("open_files", "Files this node has open now", gauge(n));
    }

    let s = &state.ingest.stats;
    let ingest: [(&str, &str, &std::sync::atomic::AtomicU64); 7] = [
        (
            "alarm_events_applied",
            "Alarm events written to the database by this node",
            &s.events_applied,
        ),
        (
            "alarm_raises_applied",
            "Alarm raises written to the database by this node",
            &s.raises_applied,
        ),
        (
            "alarm_replays_skipped",
            "Alarm events sent again by an agent and counted once",
            &s.replays_skipped,
        ),
        (
            "alarm_batches",
            "Alarm batches written by this node",
            &s.batches,
        ),
        (
            "alarm_batch_failures",
            "Alarm batches that failed to write and were retried",
            &s.batch_failures,
        ),
        (
            "alarm_slowdowns",
            "Alarm batches answered with a request to pause (queue over half full)",
            &s.slowed,
        ),
        (
            "alarm_waits",
            "Alarm batches that waited for room in a full queue",
            &s.waited,
        ),
    ];
    for (name, help, value) in ingest {
        r.register(name, help, ConstCounter::new(value.load(Ordering::Relaxed)));
    }
    r.register(
        "alarm_queue_depth",
        "Alarm events waiting for the writer",
        gauge(state.ingest.queued()),
    );
    r.register(
        "alarm_queue_capacity",
        "Alarm events that may wait at most",
        gauge(state.ingest.capacity()),
    );

    r.register(
        "http_request_duration_seconds",
        "Time to answer a request, by route pattern and status",
        m.requests.clone(),
    );
    r.register(
        "periodic_runs",
        "Periods of periodic tasks this node ran (each period runs on one node)",
        m.periodic.clone(),
    );
    r.register(
        "node_commands",
        "Commands for agents routed through the database to or from another node",
        m.commands.clone(),
    );
    r.register(
        "remote_streams_open",
        "Remote-support streams this node carries now",
        gauge(state.tunnels.live_count()),
    );

    let pool = state.store.pool_use();
    let conns = Family::<PoolLabels, Gauge>::default();
    conns
        .get_or_create(&PoolLabels { state: "idle" })
        .set(i64::try_from(pool.idle).unwrap_or(i64::MAX));
    conns
        .get_or_create(&PoolLabels { state: "in_use" })
        .set(i64::from(pool.open).saturating_sub(i64::try_from(pool.idle).unwrap_or(0)));
    r.register(
        "db_pool_connections",
        "Database connections of this node by state",
        conns,
    );
    r.register(
        "db_pool_max",
        "Database connections this node opens at most",
        gauge(pool.max),
    );

    r.register(
        "job_parts",
        "Job parts by status, all nodes",
        by_status(&state.store.job_part_counts().await?),
    );
    r.register(
        "outbox_messages",
        "Mail in the outbox by status, all nodes",
        by_status(&state.store.outbox_counts().await?),
    );

    let mut out = String::new();
    encode(&mut out, &r).map_err(|e| crate::error::AppError::Internal(e.to_string()))?;
    Ok(out)
}
