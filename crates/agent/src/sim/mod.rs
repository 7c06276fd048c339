//! `patchbay-agent sim`: N simulated systems in one process, each its own authenticated WebSocket
//! connection through the same link code as `run`. Only the source differs: a seeded, per-system
//! generator of a plausible report and alarm stream.
//!
//! System `i` belongs to customer `{prefix}-{i:05}` and is named `{prefix}-{i:05}-sys`.

mod actions;
mod behaviour;
mod report;
#[cfg(test)]
mod tests;

pub use report::sim_report;

use crate::{
    link::{
        maintain, Endpoint, Identity, LinkCtx, LinkStats, LinkTimings, Password, StatsSnapshot,
    },
    tls::{client_config, Trust},
};
use behaviour::SimSystem;
use std::{sync::Arc, time::Duration};
use tokio::{
    task::JoinSet,
    time::{sleep, sleep_until, Instant},
};
use tokio_util::sync::CancellationToken;

/// Options of [`run_sim`].
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// `wss://HOST:PORT` (the agent path is appended).
    pub hub: String,
    /// How many systems.
    pub count: u32,
    /// Customer ids are `{prefix}-{i:05}`.
    pub customers_prefix: String,
    /// First `i` (1 by default).
    pub start_index: u32,
    /// The service user of every simulated customer (`COMAdmin` by default).
    pub service_user: String,
    /// The service password of every simulated customer.
    pub password: Password,
    pub trust: Trust,
    /// Mean time between alarm events of one system; zero for none (30 s by default).
    pub alarm_interval: Duration,
    /// Events a system makes at a time (1 by default): with 64, a system makes 64 events every
    /// 64 intervals, which travel in one `alarms` batch.
    pub alarm_burst: u32,
    /// Stop after this long (`None`: until the shutdown token is cancelled).
    pub duration: Option<Duration>,
    /// Spread the first connections over this long (5 s by default).
    pub ramp: Duration,
    /// Log a one-line summary this often (`None`: only at the end).
    pub summary_interval: Option<Duration>,
    pub timings: LinkTimings,
    /// Where each system keeps the generated files its backups, restores and log collections
    /// work on (a folder per system, made at its first action); `None`: actions are refused.
    pub data_root: Option<std::path::PathBuf>,
}

impl SimOptions {
    pub fn new(
        hub: impl Into<String>,
        count: u32,
        customers_prefix: impl Into<String>,
        password: Password,
    ) -> Self {
        Self {
            hub: hub.into(),
            count,
            customers_prefix: customers_prefix.into(),
            start_index: 1,
            service_user: "COMAdmin".into(),
            password,
            trust: Trust::default(),
            alarm_interval: Duration::from_secs(30),
            alarm_burst: 1,
            duration: None,
            ramp: Duration::from_secs(5),
            summary_interval: Some(Duration::from_secs(10)),
            timings: LinkTimings::default(),
            data_root: None,
        }
    }
}

/// The customer id of simulated system `i`: `{prefix}-{i:05}` (e.g. `demo-00001`).
pub fn sim_customer_id(prefix: &str, i: u32) -> String {
    format!("{prefix}-{i:05}")
}

/// The system name of simulated system `i`: `{prefix}-{i:05}-sys`.
pub fn sim_system_name(prefix: &str, i: u32) -> String {
    format!("{prefix}-{i:05}-sys")
}

/// The soft open-files limit in force, when known.
#[cfg(unix)]
pub fn open_files_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

#[cfg(not(unix))]
pub fn open_files_limit() -> Option<u64> {
    None
}

/// Raises the soft open-files limit towards `want` (bounded by the hard limit); returns the limit
/// in force afterwards, when known.
#[cfg(unix)]
pub fn raise_open_files_limit(want: u64) -> Option<u64> {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let cur = getrlimit(Resource::Nofile);
    let soft = cur.current?;
    if soft >= want {
        return Some(soft);
    }
    let target = cur.maximum.map_or(want, |hard| hard.min(want));
    match setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(target),
            maximum: cur.maximum,
        },
    ) {
        Ok(()) => Some(target),
        Err(_) => Some(soft),
    }
}

#[cfg(not(unix))]
pub fn raise_open_files_limit(_want: u64) -> Option<u64> {
    None
}

/// Runs the simulator until `shutdown` is cancelled or `duration` has passed; returns the final
/// counters.
pub async fn run_sim(
    opts: SimOptions,
    shutdown: CancellationToken,
) -> anyhow::Result<StatsSnapshot> {
    run_sim_with_stats(opts, shutdown, Arc::new(LinkStats::default())).await
}

/// [`run_sim`] updating counters the caller can watch while it runs.
pub async fn run_sim_with_stats(
    opts: SimOptions,
    shutdown: CancellationToken,
    stats: Arc<LinkStats>,
) -> anyhow::Result<StatsSnapshot> {
    let tls = client_config(&opts.trust)?;
    let files = match &opts.data_root {
        Some(_) => Some(crate::actions::Files::new(tls.clone(), &opts.hub)?),
        None => None,
    };
    let mut endpoint = Endpoint::new(&opts.hub, tls)?;
    endpoint.resolve_once().await?;
    let want = u64::from(opts.count) + 256;
    match raise_open_files_limit(want) {
        Some(n) if n < want => tracing::warn!(
            "the open-files limit is {n}: fewer than the {} connections asked for can be held \
             (raise it with `ulimit -n`)",
            opts.count
        ),
        _ => {}
    }
    tracing::info!(
        "simulating {} system(s) {}..{} against {}",
        opts.count,
        sim_customer_id(&opts.customers_prefix, opts.start_index),
        sim_customer_id(
            &opts.customers_prefix,
            opts.start_index
                .saturating_add(opts.count.saturating_sub(1))
        ),
        endpoint.url()
    );
    let ctx = Arc::new(LinkCtx {
        endpoint,
        timings: opts.timings.clone(),
        stats: stats.clone(),
        quiet: true,
    });
    let stop = shutdown.child_token();
    let mut helpers = JoinSet::new();
    if let Some(d) = opts.duration {
        let stop = stop.clone();
        helpers.spawn(async move {
            tokio::select! {
                _ = stop.cancelled() => {}
                _ = sleep(d) => stop.cancel(),
            }
        });
    }
    if let Some(every) = opts.summary_interval.filter(|d| !d.is_zero()) {
        let (stop, stats) = (stop.clone(), stats.clone());
        helpers.spawn(async move {
            loop {
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = sleep(every) => tracing::info!("sim: {}", stats.snapshot()),
                }
            }
        });
    }

    let service_user: Arc<str> = Arc::from(opts.service_user.as_str());
    let prefix: Arc<str> = Arc::from(opts.customers_prefix.as_str());
    let mut links = JoinSet::new();
    let start = Instant::now();
    for k in 0..opts.count {
        let i = opts.start_index.saturating_add(k);
        let at = start
            + opts
                .ramp
                .mul_f64(f64::from(k) / f64::from(opts.count.max(1)));
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = sleep_until(at) => {}
        }
        let (ctx, stop, prefix) = (ctx.clone(), stop.clone(), prefix.clone());
        let id = Identity {
            customer_id: sim_customer_id(&prefix, i),
            service_user: service_user.clone(),
            password: opts.password.clone(),
            enrolment: None,
        };
        let (interval, burst) = (opts.alarm_interval, opts.alarm_burst);
        let acts = match (&opts.data_root, &files) {
            (Some(root), Some(files)) => Some(actions::SimActions::new(
                root,
                &sim_system_name(&prefix, i),
                i,
                files.clone(),
            )),
            _ => None,
        };
        links.spawn(async move {
            let mut system = SimSystem::new(&prefix, i, interval, burst);
            system.actions = acts;
            maintain(&ctx, &id, &mut system, &stop).await;
        });
    }
    stop.cancelled().await;
    while links.join_next().await.is_some() {}
    helpers.abort_all();
    while helpers.join_next().await.is_some() {}
    let snap = stats.snapshot();
    tracing::info!("sim finished: {snap}");
    Ok(snap)
}
