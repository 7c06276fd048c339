//! `patchbay-agent run`: one real system, described by `DIR/system.toml`, with alarms from
//! `DIR/alarms.jsonl` and the agent's own checks (disk space, server reachability).

use crate::{
    alarms::AlarmTail,
    disk::{disk_clear, disk_usage, DiskWatch},
    link::{maintain, Identity, LinkCtx, LinkStats, LinkTimings, Password, Source, SourceEvent},
    system::{Probe, SystemConfig},
    tls::{client_config, Trust},
};
use anyhow::Context;
use patchbay_proto::{AlarmEvent, Report};
use std::{
    collections::{BTreeSet, HashMap, HashSet, VecDeque},
    future::Future,
    path::PathBuf,
    sync::{
        atomic::{AtomicU64, Ordering::Relaxed},
        Arc, Mutex, MutexGuard,
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
    /// Alarms kept while disconnected (10 000); beyond, the oldest raise is dropped, never a clear.
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

/// Alarms waiting to be sent, bounded. Beyond capacity the oldest `raise` is dropped, never a
/// `clear`: a lost clear would leave an ongoing alarm stuck on the hub (only the agent's clear ends
/// it). When only clears are queued, duplicate clears of one alarm are merged instead; a queue of
/// distinct clears only grows past capacity rather than lose one.
#[derive(Debug)]
pub(crate) struct AlarmQueue {
    items: Mutex<VecDeque<AlarmEvent>>,
    notify: Notify,
    capacity: usize,
    /// Raises dropped.
    dropped: AtomicU64,
    /// Duplicate clears merged.
    coalesced: AtomicU64,
    /// Clears kept beyond capacity.
    overflowed: AtomicU64,
}

fn is_clear(a: &AlarmEvent) -> bool {
    a.event == "clear"
}

/// Which alarm an event is about, as the hub deduplicates: its type and key (the description
/// when it has no key).
fn alarm_id(a: &AlarmEvent) -> (&str, &str) {
    (
        a.alarm_type.as_str(),
        a.key.as_deref().unwrap_or(a.description.as_str()),
    )
}

/// Counts one more and says whether to log it (the first time, then at powers of two).
fn count(counter: &AtomicU64) -> Option<u64> {
    let n = counter.fetch_add(1, Relaxed) + 1;
    (n == 1 || n.is_power_of_two()).then_some(n)
}

impl AlarmQueue {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            items: Mutex::new(VecDeque::new()),
            notify: Notify::new(),
            capacity: capacity.max(1),
            dropped: AtomicU64::new(0),
            coalesced: AtomicU64::new(0),
            overflowed: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<AlarmEvent>> {
        self.items.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn note_dropped(&self) {
        if let Some(n) = count(&self.dropped) {
            tracing::warn!(
                "alarm queue full ({} waiting): dropped the oldest raised alarm ({n} dropped so far)",
                self.capacity
            );
        }
    }

    fn note_coalesced(&self) {
        if let Some(n) = count(&self.coalesced) {
            tracing::warn!(
                "alarm queue full of clears ({} waiting): merged a duplicate clear ({n} so far)",
                self.capacity
            );
        }
    }

    /// Makes room for `incoming` (going first when `front`, as the oldest) when the queue is full.
    /// Returns whether `incoming` is to be queued: not when it is the raise to drop, or a clear
    /// merged into a queued duplicate.
    fn make_room(&self, q: &mut VecDeque<AlarmEvent>, incoming: &AlarmEvent, front: bool) -> bool {
        if q.len() < self.capacity {
            return true;
        }
        let oldest_raise = q.iter().position(|a| !is_clear(a));
        if !is_clear(incoming) && (front || oldest_raise.is_none()) {
            // The incoming raise is the oldest raise there is.
            self.note_dropped();
            return false;
        }
        if let Some(i) = oldest_raise {
            q.remove(i);
            self.note_dropped();
            return true;
        }
        // Only clears are queued, and a clear comes: merge duplicates, keeping the older of two
        // (the time the condition ended).
        let id = alarm_id(incoming);
        if let Some(i) = q.iter().position(|a| alarm_id(a) == id) {
            self.note_coalesced();
            if front {
                q.remove(i);
                return true;
            }
            return false;
        }
        let duplicate = {
            let mut seen = HashSet::new();
            q.iter().position(|a| !seen.insert(alarm_id(a)))
        };
        if let Some(i) = duplicate {
            q.remove(i);
            self.note_coalesced();
            return true;
        }
        if let Some(n) = count(&self.overflowed) {
            tracing::warn!(
                "alarm queue full of distinct clears ({} waiting): keeping them all ({n} beyond \
                 capacity so far)",
                q.len()
            );
        }
        true
    }

    pub(crate) fn push(&self, a: AlarmEvent) {
        {
            let mut q = self.lock();
            if !self.make_room(&mut q, &a, false) {
                return;
            }
            q.push_back(a);
        }
        self.notify.notify_one();
    }

    pub(crate) fn push_front(&self, a: AlarmEvent) {
        {
            let mut q = self.lock();
            if !self.make_room(&mut q, &a, true) {
                return;
            }
            q.push_front(a);
        }
        self.notify.notify_one();
    }

    /// Queues `clear` unless the latest queued event of the same alarm is already a clear (so
    /// repeated welcomes on a flapping link do not pile up clears). Returns whether it was queued.
    pub(crate) fn push_clear_once(&self, clear: AlarmEvent) -> bool {
        {
            let mut q = self.lock();
            let id = alarm_id(&clear);
            if q.iter().rfind(|a| alarm_id(a) == id).is_some_and(is_clear) {
                return false;
            }
            if !self.make_room(&mut q, &clear, false) {
                return false;
            }
            q.push_back(clear);
        }
        self.notify.notify_one();
        true
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
    own: Arc<OwnAlarms>,
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
            ..
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

    fn welcomed(&mut self) {
        self.own.clear_what_is_ok();
    }
}

fn now() -> Option<String> {
    Some(jiff::Timestamp::now().to_string())
}

/// What the latest evaluation of the agent's own checks found OK. The agent keeps no record of
/// what it raised before a restart, and the hub refuses to clear an ongoing alarm itself: so after
/// each `welcome` the agent clears each of its own alarms whose condition is OK (the hub treats
/// clearing an alarm it does not have as a no-op). Without this, an alarm raised before a restart
/// whose condition ended meanwhile would stay ongoing on the hub forever.
#[derive(Debug, Default)]
struct Conditions {
    /// The used percentage of the system directory's volume, when below the clear threshold.
    disk_ok: Option<u8>,
    /// The servers of `system.toml` not found unreachable (no `check`, or it answered).
    servers_ok: BTreeSet<String>,
}

/// The agent's own alarms: their queue and their conditions. Events are queued while the
/// conditions are locked, so the clears queued after `welcome` never overtake a newer raise.
struct OwnAlarms {
    queue: Arc<AlarmQueue>,
    conditions: Mutex<Conditions>,
    dir: PathBuf,
}

impl OwnAlarms {
    fn lock(&self) -> MutexGuard<'_, Conditions> {
        self.conditions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// After `welcome`: queues a clear for each own alarm whose condition is OK (unless such a
    /// clear is already waiting). Runs after the first evaluation of the checks, so a condition
    /// that really fails is never cleared.
    fn clear_what_is_ok(&self) {
        let c = self.lock();
        let mut n = 0usize;
        if let Some(pct) = c.disk_ok {
            let desc = format!("Disk space OK on {}: {pct} % used", self.dir.display());
            n += usize::from(self.queue.push_clear_once(disk_clear(desc)));
        }
        for name in &c.servers_ok {
            n += usize::from(self.queue.push_clear_once(clear_unreachable(name)));
        }
        if n > 0 {
            tracing::debug!("clearing {n} of the agent's own alarms whose condition is OK");
        }
    }
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

    /// A new `system.toml`: the servers removed from it get their alarm cleared (it may have been
    /// raised before a restart), then every server is probed.
    async fn set_config(&mut self, config: SystemConfig, own: &OwnAlarms) {
        {
            let mut c = own.lock();
            let kept: HashSet<&str> = config.servers.iter().map(|s| s.name.as_str()).collect();
            for s in &self.config.servers {
                if !kept.contains(s.name.as_str()) {
                    tracing::info!("server {} removed from system.toml", s.name);
                    self.raised.remove(&s.name);
                    self.offline.remove(&s.name);
                    c.servers_ok.remove(&s.name);
                    own.queue.push(clear_unreachable(&s.name));
                }
            }
        }
        self.config = config;
        self.check_servers(own).await;
    }

    async fn check_servers(&mut self, own: &OwnAlarms) {
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
        let mut c = own.lock();
        let queue = &own.queue;
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
        c.servers_ok = self
            .config
            .servers
            .iter()
            .filter(|s| !self.offline.get(&s.name).copied().unwrap_or(false))
            .map(|s| s.name.clone())
            .collect();
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

/// Measures the system directory's volume once: raises or clears the disk alarm.
fn check_disk(watch: &mut DiskWatch, own: &OwnAlarms, warned: &mut bool) {
    let dir = &own.dir;
    let usage = disk_usage(dir);
    let mut c = own.lock();
    match usage {
        Ok(u) => {
            let pct = u.used_percent();
            tracing::debug!("{}: {pct} % used", dir.display());
            if let Some(a) = watch.evaluate(pct, dir) {
                tracing::info!("{}", a.description);
                own.queue.push(a);
            }
            c.disk_ok = watch.is_ok(pct).then_some(pct);
        }
        Err(e) => {
            c.disk_ok = None;
            if !*warned {
                *warned = true;
                tracing::warn!("cannot measure disk space of {}: {e}", dir.display());
            }
        }
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
    let own = Arc::new(OwnAlarms {
        queue: queue.clone(),
        conditions: Mutex::new(Conditions::default()),
        dir: dir.clone(),
    });
    // The first evaluation of the checks happens before connecting: the clears sent after each
    // welcome rely on it.
    let mut monitor = Monitor {
        config,
        offline: HashMap::new(),
        raised: HashSet::new(),
        probe_timeout: checks.probe_timeout,
    };
    monitor.check_servers(&own).await;
    let mut disk_watch = DiskWatch::new(checks.disk_raise_percent, checks.disk_clear_percent);
    let mut disk_warned = false;
    check_disk(&mut disk_watch, &own, &mut disk_warned);
    let (report_tx, report_rx) = watch::channel(monitor.report());

    let workers = shutdown.child_token();
    let mut tasks = JoinSet::new();

    // system.toml and server reachability.
    {
        let (own, stop, dir) = (own.clone(), workers.clone(), dir.clone());
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
                                monitor.set_config(c, &own).await;
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
                    _ = probe_tick.tick() => monitor.check_servers(&own).await,
                }
                publish(&report_tx, monitor.report());
            }
        });
    }

    // Disk space of the system directory's volume (measured once already).
    {
        let (own, stop) = (own.clone(), workers.clone());
        let every = checks.disk_check;
        tasks.spawn(async move {
            let mut tick = interval(every);
            tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
            tick.tick().await;
            loop {
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = tick.tick() => {}
                }
                check_disk(&mut disk_watch, &own, &mut disk_warned);
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
        own,
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

    fn clear(key: &str, at: &str) -> AlarmEvent {
        AlarmEvent {
            event: "clear".into(),
            severity: String::new(),
            alarm_type: "link".into(),
            description: String::new(),
            key: Some(key.into()),
            ongoing: false,
            at: Some(at.into()),
        }
    }

    fn contents(q: &AlarmQueue) -> Vec<String> {
        q.lock()
            .iter()
            .map(|a| {
                format!(
                    "{} {}{}",
                    a.event,
                    a.key.as_deref().unwrap_or(&a.description),
                    a.at.as_deref().map(|t| format!("@{t}")).unwrap_or_default()
                )
            })
            .collect()
    }

    #[tokio::test]
    async fn alm_4_queue_never_drops_clear_events() {
        let q = AlarmQueue::new(3);
        q.push(clear("A", "1"));
        q.push(alarm("b"));
        q.push(clear("C", "1"));
        // Full: the oldest raise goes, not the older clear before it.
        q.push(alarm("d"));
        assert_eq!(contents(&q), ["clear A@1", "clear C@1", "raise d"]);
        q.push(clear("E", "1"));
        assert_eq!(contents(&q), ["clear A@1", "clear C@1", "clear E@1"]);
        // Only clears queued: an incoming raise is the oldest raise there is.
        q.push(alarm("f"));
        assert_eq!(contents(&q), ["clear A@1", "clear C@1", "clear E@1"]);
        assert_eq!(q.dropped.load(Relaxed), 3);
        // A requeued raise (going first) is older than any queued raise: it is the one dropped.
        let q2 = AlarmQueue::new(2);
        q2.push(alarm("x"));
        q2.push(clear("Y", "1"));
        q2.push_front(alarm("older"));
        assert_eq!(contents(&q2), ["raise x", "clear Y@1"]);
        // A requeued clear goes first; the raise makes room.
        q2.push_front(clear("Z", "1"));
        assert_eq!(contents(&q2), ["clear Z@1", "clear Y@1"]);
        assert_eq!(q2.pop().await.key.as_deref(), Some("Z"));
    }

    #[tokio::test]
    async fn alm_4_queue_full_of_clears_merges_duplicates_and_never_drops_distinct_ones() {
        let q = AlarmQueue::new(3);
        q.push(clear("A", "1"));
        q.push(clear("A", "2"));
        q.push(clear("B", "1"));
        // A new clear merges the duplicate pair (keeping the older, when the condition ended).
        q.push(clear("C", "1"));
        assert_eq!(contents(&q), ["clear A@1", "clear B@1", "clear C@1"]);
        // A duplicate of a queued clear is merged into it.
        q.push(clear("B", "2"));
        assert_eq!(contents(&q), ["clear A@1", "clear B@1", "clear C@1"]);
        // A requeued duplicate is the older one: it replaces the queued one, first.
        q.push_front(clear("C", "0"));
        assert_eq!(contents(&q), ["clear C@0", "clear A@1", "clear B@1"]);
        assert_eq!(q.coalesced.load(Relaxed), 3);
        // Distinct clears only: kept beyond capacity rather than dropped.
        q.push(clear("D", "1"));
        assert_eq!(q.len(), 4);
        assert_eq!(q.dropped.load(Relaxed), 0);
        for k in ["C", "A", "B", "D"] {
            assert_eq!(q.pop().await.key.as_deref(), Some(k));
        }
        // Keys are per type, and the description stands for a missing key.
        let q = AlarmQueue::new(1);
        q.push(clear("A", "1"));
        let mut other_type = clear("A", "2");
        other_type.alarm_type = "trunk".into();
        q.push(other_type);
        assert_eq!(q.len(), 2);
        let q = AlarmQueue::new(1);
        let mut by_desc = clear("", "1");
        by_desc.key = None;
        by_desc.description = "trunk 1 down".into();
        q.push(by_desc.clone());
        q.push(by_desc);
        assert_eq!(q.len(), 1);
    }

    #[tokio::test]
    async fn alm_4_clears_after_welcome_cover_what_is_ok_once() {
        let own = OwnAlarms {
            queue: Arc::new(AlarmQueue::new(100)),
            conditions: Mutex::new(Conditions {
                disk_ok: Some(42),
                servers_ok: ["exp-1".to_string(), "exp-3".to_string()].into(),
            }),
            dir: PathBuf::from("/var/lib/ipo"),
        };
        // A raise still waiting for exp-3 (it was down, then answered: its clear was queued).
        own.queue.push(AlarmEvent {
            key: Some("server-unreachable-exp-3".into()),
            ..alarm("Server exp-3 unreachable")
        });
        own.clear_what_is_ok();
        let keys = |q: &AlarmQueue| -> Vec<String> {
            q.lock()
                .iter()
                .map(|a| format!("{} {}", a.event, a.key.as_deref().unwrap_or_default()))
                .collect()
        };
        assert_eq!(
            keys(&own.queue),
            [
                "raise server-unreachable-exp-3",
                "clear disk-full",
                "clear server-unreachable-exp-1",
                "clear server-unreachable-exp-3",
            ]
        );
        // A second welcome before anything was sent: the clears are already waiting.
        own.clear_what_is_ok();
        assert_eq!(own.queue.len(), 4);
        let _ = own.queue.pop().await;
        let d = own.queue.pop().await;
        assert_eq!(
            (
                d.event.as_str(),
                d.alarm_type.as_str(),
                d.description.as_str()
            ),
            (
                "clear",
                "services",
                "Disk space OK on /var/lib/ipo: 42 % used"
            )
        );
        // Unknown conditions (disk not measurable, server failing) are not cleared.
        own.lock().disk_ok = None;
        own.lock().servers_ok.clear();
        let _ = (own.queue.pop().await, own.queue.pop().await);
        own.clear_what_is_ok();
        assert_eq!(own.queue.len(), 0);
    }
}
