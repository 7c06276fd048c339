//! `patchbay-agent run`: one real system, described by `DIR/system.toml`, with alarms from
//! `DIR/alarms.jsonl` and the agent's own checks (disk space, server reachability).

use crate::{
    alarms::AlarmTail,
    disk::{disk_usage, DiskWatch},
    link::{maintain, Identity, LinkCtx, LinkStats, LinkTimings, Password, Source, SourceEvent},
    system::{Probe, SystemConfig},
    tls::{client_config, Trust},
};
use anyhow::Context;
use patchbay_proto::{AlarmEvent, Report};
use std::{
    collections::{HashMap, HashSet, VecDeque},
    future::Future,
    path::PathBuf,
    sync::{
        atomic::{AtomicU64, Ordering::Relaxed},
        Arc, Mutex,
    },
    time::Duration,
};
use tokio::{
    net::TcpStream,
    sync::{watch, Notify},
    task::JoinSet,
    time::{interval, timeout, MissedTickBehavior},
};
use tokio_util::sync::CancellationToken;

/// Periods and thresholds of the agent's own checks.
#[derive(Debug, Clone)]
pub struct AgentChecks {
    /// Re-read `system.toml` this often (30 s).
    pub config_reload: Duration,
    /// Probe the servers' `check` this often (30 s).
    pub server_check: Duration,
    /// How long a probe may take before the server counts as unreachable (5 s).
    pub probe_timeout: Duration,
    /// Measure the system directory's volume this often (60 s).
    pub disk_check: Duration,
    /// Raise "disk almost full" at this used percentage or more (90).
    pub disk_raise_percent: u8,
    /// Clear it below this used percentage (85).
    pub disk_clear_percent: u8,
    /// Look for new lines in `alarms.jsonl` this often (500 ms).
    pub alarm_poll: Duration,
    /// Alarms kept while disconnected; the oldest are dropped beyond (10 000).
    pub queue_capacity: usize,
}

impl Default for AgentChecks {
    fn default() -> Self {
        Self {
            config_reload: Duration::from_secs(30),
            server_check: Duration::from_secs(30),
            probe_timeout: Duration::from_secs(5),
            disk_check: Duration::from_secs(60),
            disk_raise_percent: 90,
            disk_clear_percent: 85,
            alarm_poll: Duration::from_millis(500),
            queue_capacity: 10_000,
        }
    }
}

/// Shortest period of any check (a zero period would spin).
const MIN_PERIOD: Duration = Duration::from_millis(10);

impl AgentChecks {
    fn sane(mut self) -> Self {
        for d in [
            &mut self.config_reload,
            &mut self.server_check,
            &mut self.probe_timeout,
            &mut self.disk_check,
            &mut self.alarm_poll,
        ] {
            *d = (*d).max(MIN_PERIOD);
        }
        self
    }
}

/// Options of [`run_agent`].
#[derive(Debug, Clone)]
pub struct AgentOptions {
    /// `wss://HOST:PORT` (the agent path is appended).
    pub hub: String,
    pub customer_id: String,
    /// The service user name (`COMAdmin` by default).
    pub service_user: String,
    pub password: Password,
    /// Holds `system.toml`, `alarms.jsonl` and `.alarms.offset`.
    pub system_dir: PathBuf,
    pub trust: Trust,
    pub timings: LinkTimings,
    pub checks: AgentChecks,
}

impl AgentOptions {
    pub fn new(
        hub: impl Into<String>,
        customer_id: impl Into<String>,
        password: Password,
        system_dir: impl Into<PathBuf>,
    ) -> Self {
        Self {
            hub: hub.into(),
            customer_id: customer_id.into(),
            service_user: "COMAdmin".into(),
            password,
            system_dir: system_dir.into(),
            trust: Trust::default(),
            timings: LinkTimings::default(),
            checks: AgentChecks::default(),
        }
    }
}

/// Alarms waiting to be sent, bounded: beyond capacity the oldest are dropped.
#[derive(Debug)]
pub(crate) struct AlarmQueue {
    items: Mutex<VecDeque<AlarmEvent>>,
    notify: Notify,
    capacity: usize,
    dropped: AtomicU64,
}

impl AlarmQueue {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            items: Mutex::new(VecDeque::new()),
            notify: Notify::new(),
            capacity: capacity.max(1),
            dropped: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<AlarmEvent>> {
        self.items.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn drop_oldest(&self, q: &mut VecDeque<AlarmEvent>) {
        while q.len() >= self.capacity {
            q.pop_front();
            let n = self.dropped.fetch_add(1, Relaxed) + 1;
            if n == 1 || n.is_power_of_two() {
                tracing::warn!(
                    "alarm queue full ({} waiting): dropped the oldest alarm ({n} dropped so far)",
                    self.capacity
                );
            }
        }
    }

    pub(crate) fn push(&self, a: AlarmEvent) {
        {
            let mut q = self.lock();
            self.drop_oldest(&mut q);
            q.push_back(a);
        }
        self.notify.notify_one();
    }

    pub(crate) fn push_front(&self, a: AlarmEvent) {
        {
            let mut q = self.lock();
            if q.len() >= self.capacity {
                // It is the oldest: it is the one to drop.
                self.drop_oldest(&mut q);
            }
            q.push_front(a);
        }
        self.notify.notify_one();
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// Waits for the oldest alarm. Cancel-safe (a single consumer).
    pub(crate) async fn pop(&self) -> AlarmEvent {
        loop {
            let notified = self.notify.notified();
            let next = self.lock().pop_front();
            if let Some(a) = next {
                return a;
            }
            notified.await;
        }
    }
}

struct AgentSource {
    report: watch::Receiver<Report>,
    report_open: bool,
    queue: Arc<AlarmQueue>,
}

impl Source for AgentSource {
    fn system_name(&self) -> String {
        self.report.borrow().system_name.clone()
    }

    fn report_now(&mut self) -> Report {
        self.report.borrow_and_update().clone()
    }

    fn next_event(&mut self) -> impl Future<Output = SourceEvent> + Send {
        let Self {
            report,
            report_open,
            queue,
        } = self;
        async move {
            loop {
                tokio::select! {
                    biased;
                    r = report.changed(), if *report_open => match r {
                        Ok(()) => return SourceEvent::Report(report.borrow_and_update().clone()),
                        Err(_) => *report_open = false,
                    },
                    a = queue.pop() => return SourceEvent::Alarm(a),
                }
            }
        }
    }

    fn requeue(&mut self, alarm: AlarmEvent) {
        self.queue.push_front(alarm);
    }
}

fn now() -> Option<String> {
    Some(jiff::Timestamp::now().to_string())
}

/// The servers' reachability and the current configuration.
struct Monitor {
    config: SystemConfig,
    offline: HashMap<String, bool>,
    /// Servers whose "unreachable" alarm is raised.
    raised: HashSet<String>,
    probe_timeout: Duration,
}

fn unreachable_key(name: &str) -> String {
    format!("server-unreachable-{name}")
}

async fn probe(p: &Probe, limit: Duration) -> bool {
    match p {
        Probe::Tcp { host, port } => matches!(
            timeout(limit, TcpStream::connect((host.as_str(), *port))).await,
            Ok(Ok(_))
        ),
    }
}

impl Monitor {
    fn report(&self) -> Report {
        self.config.report(&self.offline)
    }

    async fn check_servers(&mut self, queue: &AlarmQueue) {
        let limit = self.probe_timeout;
        let checks: Vec<(String, Probe)> = self
            .config
            .servers
            .iter()
            .filter_map(|s| s.check.clone().map(|c| (s.name.clone(), c)))
            .collect();
        let results = futures_util::future::join_all(
            checks
                .iter()
                .map(|(name, p)| async move { (name.clone(), p.clone(), probe(p, limit).await) }),
        )
        .await;
        for (name, p, up) in results {
            self.offline.insert(name.clone(), !up);
            if !up && self.raised.insert(name.clone()) {
                tracing::warn!("server {name} unreachable ({p})");
                queue.push(AlarmEvent {
                    event: "raise".into(),
                    severity: "major".into(),
                    alarm_type: "link".into(),
                    description: format!("Server {name} unreachable"),
                    key: Some(unreachable_key(&name)),
                    ongoing: true,
                    at: now(),
                });
            } else if up && self.raised.remove(&name) {
                tracing::info!("server {name} reachable again");
                queue.push(clear_unreachable(&name));
            }
        }
        self.forget_removed(queue);
    }

    /// Servers removed from the file (or whose check was removed) no longer count as down.
    fn forget_removed(&mut self, queue: &AlarmQueue) {
        let checked: HashSet<&str> = self
            .config
            .servers
            .iter()
            .filter(|s| s.check.is_some())
            .map(|s| s.name.as_str())
            .collect();
        self.offline.retain(|n, _| checked.contains(n.as_str()));
        let gone: Vec<String> = self
            .raised
            .iter()
            .filter(|n| !checked.contains(n.as_str()))
            .cloned()
            .collect();
        for name in gone {
            self.raised.remove(&name);
            queue.push(clear_unreachable(&name));
        }
    }
}

fn clear_unreachable(name: &str) -> AlarmEvent {
    AlarmEvent {
        event: "clear".into(),
        severity: String::new(),
        alarm_type: "link".into(),
        description: format!("Server {name} reachable"),
        key: Some(unreachable_key(name)),
        ongoing: false,
        at: now(),
    }
}

fn publish(tx: &watch::Sender<Report>, r: Report) {
    tx.send_if_modified(|cur| {
        if *cur == r {
            false
        } else {
            *cur = r;
            true
        }
    });
}

/// Runs the agent until `shutdown` is cancelled. Errors only at start-up (bad `system.toml`, CA
/// file or hub URL); afterwards it reconnects forever.
pub async fn run_agent(opts: AgentOptions, shutdown: CancellationToken) -> anyhow::Result<()> {
    let dir = opts.system_dir.clone();
    let config = SystemConfig::load(&dir)?;
    let tls = client_config(&opts.trust)?;
    let endpoint = crate::link::Endpoint::new(&opts.hub, tls)?;
    let mut tail = AlarmTail::open(&dir)
        .with_context(|| format!("cannot open the alarm file in {}", dir.display()))?;
    let checks = opts.checks.clone().sane();
    let queue = Arc::new(AlarmQueue::new(checks.queue_capacity));

    tracing::info!(
        "patchbay-agent {} for customer {}, system {} ({}), hub {}",
        crate::AGENT_VERSION,
        opts.customer_id,
        config.name,
        config.profile,
        endpoint.url()
    );
    let mut monitor = Monitor {
        config,
        offline: HashMap::new(),
        raised: HashSet::new(),
        probe_timeout: checks.probe_timeout,
    };
    monitor.check_servers(&queue).await;
    let (report_tx, report_rx) = watch::channel(monitor.report());

    let workers = shutdown.child_token();
    let mut tasks = JoinSet::new();

    // system.toml and server reachability.
    {
        let (queue, stop, dir) = (queue.clone(), workers.clone(), dir.clone());
        let (reload, probe_every) = (checks.config_reload, checks.server_check);
        tasks.spawn(async move {
            let mut reload_tick = interval(reload);
            let mut probe_tick = interval(probe_every);
            reload_tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
            probe_tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
            reload_tick.tick().await;
            probe_tick.tick().await;
            let mut last_error: Option<String> = None;
            loop {
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = reload_tick.tick() => match SystemConfig::load(&dir) {
                        Ok(c) => {
                            last_error = None;
                            if c != monitor.config {
                                tracing::info!("system.toml changed; reporting again");
                                monitor.config = c;
                                monitor.check_servers(&queue).await;
                            }
                        }
                        Err(e) => {
                            let msg = e.to_string();
                            if last_error.as_deref() != Some(msg.as_str()) {
                                tracing::warn!("{msg}; keeping the previous configuration");
                                last_error = Some(msg);
                            }
                        }
                    },
                    _ = probe_tick.tick() => monitor.check_servers(&queue).await,
                }
                publish(&report_tx, monitor.report());
            }
        });
    }

    // Disk space of the system directory's volume.
    {
        let (queue, stop, dir) = (queue.clone(), workers.clone(), dir.clone());
        let mut watch = DiskWatch::new(checks.disk_raise_percent, checks.disk_clear_percent);
        let every = checks.disk_check;
        tasks.spawn(async move {
            let mut tick = interval(every);
            tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
            let mut warned = false;
            loop {
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = tick.tick() => {}
                }
                match disk_usage(&dir) {
                    Ok(u) => {
                        let pct = u.used_percent();
                        tracing::debug!("{}: {pct} % used", dir.display());
                        if let Some(a) = watch.evaluate(pct, &dir) {
                            tracing::info!("{}", a.description);
                            queue.push(a);
                        }
                    }
                    Err(e) if !warned => {
                        warned = true;
                        tracing::warn!("cannot measure disk space of {}: {e}", dir.display());
                    }
                    Err(_) => {}
                }
            }
        });
    }

    // alarms.jsonl.
    {
        let (queue, stop) = (queue.clone(), workers.clone());
        let every = checks.alarm_poll;
        tasks.spawn(async move {
            let mut tick = interval(every);
            tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
            let mut failing = false;
            loop {
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = tick.tick() => {}
                }
                match tail.poll() {
                    Ok(items) => {
                        failing = false;
                        for item in items {
                            match item {
                                Ok(a) => queue.push(a),
                                Err(e) => tracing::warn!(
                                    "{}: skipping a malformed line: {e}",
                                    crate::alarms::ALARMS_FILE
                                ),
                            }
                        }
                    }
                    Err(e) if !failing => {
                        failing = true;
                        tracing::warn!("cannot read {}: {e}", crate::alarms::ALARMS_FILE);
                    }
                    Err(_) => {}
                }
            }
        });
    }

    let ctx = LinkCtx {
        endpoint,
        timings: opts.timings.clone(),
        stats: Arc::new(LinkStats::default()),
        quiet: false,
    };
    let id = Identity {
        customer_id: opts.customer_id.clone(),
        service_user: Arc::from(opts.service_user.as_str()),
        password: opts.password.clone(),
    };
    let mut source = AgentSource {
        report: report_rx,
        report_open: true,
        queue: queue.clone(),
    };
    maintain(&ctx, &id, &mut source, &shutdown).await;
    workers.cancel();
    while tasks.join_next().await.is_some() {}
    let left = queue.len();
    if left > 0 {
        tracing::warn!("stopping with {left} alarm(s) not sent");
    }
    tracing::info!("patchbay-agent stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alarm(d: &str) -> AlarmEvent {
        AlarmEvent {
            event: "raise".into(),
            severity: "minor".into(),
            alarm_type: "qos".into(),
            description: d.into(),
            key: None,
            ongoing: false,
            at: None,
        }
    }

    #[tokio::test]
    async fn alm_1_queue_is_bounded_and_drops_the_oldest() {
        let q = AlarmQueue::new(3);
        for d in ["a", "b", "c", "d"] {
            q.push(alarm(d));
        }
        assert_eq!(q.len(), 3);
        assert_eq!(q.dropped.load(Relaxed), 1);
        assert_eq!(q.pop().await.description, "b");
        q.push_front(alarm("b again"));
        assert_eq!(q.pop().await.description, "b again");
        assert_eq!(q.pop().await.description, "c");
        assert_eq!(q.pop().await.description, "d");
        // Empty: pop waits until something arrives.
        let waited = timeout(Duration::from_millis(50), q.pop()).await;
        assert!(waited.is_err());
        q.push(alarm("e"));
        assert_eq!(q.pop().await.description, "e");
    }
}
