//! `patchbay-agent sim`: N simulated systems in one process, each its own authenticated WebSocket
//! connection through the same link code as `run`. Only the source differs: a seeded, per-system
//! generator of a plausible report and alarm stream.
//!
//! System `i` belongs to customer `{prefix}-{i:05}` and is named `{prefix}-{i:05}-sys`.

use crate::{
    link::{
        maintain, Endpoint, Identity, LinkCtx, LinkStats, LinkTimings, Password, Source,
        SourceEvent, StatsSnapshot,
    },
    tls::{client_config, Trust},
};
use patchbay_proto::{AlarmEvent, Flags, Report, Server, ServiceAccount};
use rand::{rngs::StdRng, Rng, SeedableRng};
use std::{collections::VecDeque, sync::Arc, time::Duration};
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
    /// Stop after this long (`None`: until the shutdown token is cancelled).
    pub duration: Option<Duration>,
    /// Spread the first connections over this long (5 s by default).
    pub ramp: Duration,
    /// Log a one-line summary this often (`None`: only at the end).
    pub summary_interval: Option<Duration>,
    pub timings: LinkTimings,
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
            duration: None,
            ramp: Duration::from_secs(5),
            summary_interval: Some(Duration::from_secs(10)),
            timings: LinkTimings::default(),
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

/// What simulated system `i` first reports (deterministic).
pub fn sim_report(prefix: &str, i: u32) -> Report {
    let mut rng = rng_for(i);
    build_report(prefix, i, &mut rng)
}

fn rng_for(i: u32) -> StdRng {
    StdRng::seed_from_u64(0x5EED_0000_0000_0000 ^ u64::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.gen_range(0..items.len())]
}

fn build_report(prefix: &str, i: u32, rng: &mut StdRng) -> Report {
    let name = sim_system_name(prefix, i);
    let roll = rng.gen_range(0..100);
    let profile = match roll {
        0..=2 => "legacy",
        3..=39 => "ip500v2",
        40..=84 => "server-edition",
        _ => "accs",
    };
    let version = match profile {
        "legacy" => pick(rng, &["9.1.12.0.1", "10.0.0.8.0.3"]),
        "accs" => pick(rng, &["7.1.2.0.12", "7.1.3.0.4"]),
        _ => pick(
            rng,
            &[
                "11.1.3.3.0.7",
                "12.0.0.0.0.45",
                "12.1.0.0.0.123",
                "12.1.0.1.0.12",
            ],
        ),
    }
    .to_string();
    let (b, c) = ((i >> 8) & 0xff, i & 0xff);
    let addr = |host: u32| format!("10.{b}.{c}.{host}");
    let mut servers = vec![Server {
        name: name.clone(),
        role: "primary".into(),
        address: addr(10),
        version: version.clone(),
        state: "online".into(),
    }];
    let extra = |role: &str, n: usize, host: u32| Server {
        name: format!("{role}-{n}"),
        role: role.into(),
        address: addr(host),
        version: version.clone(),
        state: "online".into(),
    };
    match profile {
        "ip500v2" if rng.gen_bool(0.2) => servers.push(extra("expansion", 1, 11)),
        "server-edition" => {
            if rng.gen_bool(0.5) {
                servers.push(extra("secondary", 1, 11));
            }
            for n in 1..=rng.gen_range(0..=2) {
                servers.push(extra("expansion", n, 20 + n as u32));
            }
            if rng.gen_bool(0.3) {
                servers.push(extra("application", 1, 30));
            }
        }
        "accs" if rng.gen_bool(0.5) => servers.push(extra("application", 1, 30)),
        _ => {}
    }
    let legacy = profile == "legacy";
    let mut flag = |p: f64| !legacy && rng.gen_bool(p);
    let flags = Flags {
        central_management: flag(0.95),
        central_diagnostic_logs: flag(0.8),
        remote_upgrade_backup: flag(0.85),
        remote_access: flag(0.7),
        colocated_servers: servers.len() > 1 && flag(0.3),
        auto_certificate_management: flag(0.5),
        phone_auto_provisioning: flag(0.6),
    };
    let rights: &[&str] = match rng.gen_range(0..100) {
        0..=84 => &["status-read", "configuration", "upgrade"],
        85..=92 => &["status-read", "configuration"],
        93..=96 => &["status-read"],
        _ => &[],
    };
    let odd = rng.gen_range(0..100);
    let service_account = ServiceAccount {
        disabled: odd == 0,
        locked: odd == 1,
        password_expired: odd == 2,
        must_change_password: odd == 3,
        rights: rights.iter().map(|r| r.to_string()).collect(),
    };
    Report {
        system_name: name,
        profile: profile.into(),
        version,
        address: addr(10),
        port: 443,
        servers,
        flags,
        service_account,
    }
}

struct Ongoing {
    key: String,
    alarm_type: &'static str,
    clear_at: Instant,
}

/// One simulated system: its report and its alarm generator.
pub(crate) struct SimSystem {
    rng: StdRng,
    report: Report,
    dirty: bool,
    pending: VecDeque<AlarmEvent>,
    ongoing: Vec<Ongoing>,
    interval: Duration,
    next_tick: Instant,
}

const MAX_PENDING: usize = 64;

fn event(
    event: &str,
    severity: &str,
    alarm_type: &str,
    description: String,
    key: &str,
    ongoing: bool,
) -> AlarmEvent {
    AlarmEvent {
        event: event.into(),
        severity: severity.into(),
        alarm_type: alarm_type.into(),
        description,
        key: Some(key.into()),
        ongoing,
        at: Some(jiff::Timestamp::now().to_string()),
    }
}

impl SimSystem {
    pub(crate) fn new(prefix: &str, i: u32, interval: Duration) -> Self {
        let mut rng = rng_for(i);
        let report = build_report(prefix, i, &mut rng);
        let first = if interval.is_zero() {
            Duration::ZERO
        } else {
            interval.mul_f64(rng.gen_range(0.05..1.0))
        };
        let mut s = Self {
            rng,
            report,
            dirty: false,
            pending: VecDeque::new(),
            ongoing: Vec::new(),
            interval,
            next_tick: Instant::now() + first,
        };
        // Some systems already have a condition going on when they first connect.
        if !interval.is_zero() && s.rng.gen_bool(0.25) {
            s.raise_ongoing(Instant::now());
        }
        s
    }

    fn push(&mut self, a: AlarmEvent) {
        if self.pending.len() >= MAX_PENDING {
            self.pending.pop_front();
        }
        self.pending.push_back(a);
    }

    fn later(&mut self, now: Instant, min: u32, max: u32) -> Instant {
        now + self.interval * self.rng.gen_range(min..=max)
    }

    fn raise_ongoing(&mut self, now: Instant) {
        let trunk = self.rng.gen_range(1..=4);
        let (severity, alarm_type, description, key, min, max) = match self.rng.gen_range(0..3) {
            0 => (
                "major",
                "trunk",
                format!("SIP trunk {trunk} out of service"),
                format!("trunk-{trunk}-down"),
                2,
                10,
            ),
            1 => (
                "critical",
                "services",
                "Voicemail service stopped".to_string(),
                "voicemail-stopped".to_string(),
                1,
                4,
            ),
            _ => (
                "warning",
                "security",
                "Identity certificate expires in 10 days".to_string(),
                "certificate-expiry".to_string(),
                10,
                40,
            ),
        };
        if !self.ongoing.iter().any(|o| o.key == key) {
            let clear_at = self.later(now, min, max);
            self.ongoing.push(Ongoing {
                key: key.clone(),
                alarm_type,
                clear_at,
            });
        }
        self.push(event(
            "raise",
            severity,
            alarm_type,
            description,
            &key,
            true,
        ));
    }

    /// One step of the simulated system's life.
    fn tick(&mut self, now: Instant) {
        // Conditions that ended.
        let mut k = 0;
        while k < self.ongoing.len() {
            if self.ongoing[k].clear_at <= now {
                let o = self.ongoing.swap_remove(k);
                self.push(event(
                    "clear",
                    "",
                    o.alarm_type,
                    format!("{} cleared", o.key),
                    &o.key,
                    false,
                ));
            } else {
                k += 1;
            }
        }
        // Now and then a server of the network drops off or comes back.
        if self.report.servers.len() > 1 && self.rng.gen_bool(0.03) {
            let n = self.rng.gen_range(1..self.report.servers.len());
            let s = &mut self.report.servers[n];
            let down = s.state == "online";
            s.state = if down { "offline" } else { "online" }.into();
            let name = s.name.clone();
            self.dirty = true;
            let key = format!("server-unreachable-{name}");
            if down {
                self.push(event(
                    "raise",
                    "major",
                    "link",
                    format!("Server {name} unreachable"),
                    &key,
                    true,
                ));
            } else {
                self.push(event(
                    "clear",
                    "",
                    "link",
                    format!("Server {name} reachable"),
                    &key,
                    false,
                ));
            }
        }
        if !self.rng.gen_bool(0.7) {
            return;
        }
        let r = &mut self.rng;
        let ip = format!("203.0.113.{}", r.gen_range(1..=254));
        let trunk = r.gen_range(1..=4);
        let a = match r.gen_range(0..100) {
            0..=14 => {
                self.raise_ongoing(now);
                return;
            }
            15..=34 => event(
                "raise",
                "minor",
                "security",
                format!("SIP registration failed from {ip}"),
                "sip-registration-failure",
                false,
            ),
            35..=49 => event(
                "raise",
                "warning",
                "qos",
                format!(
                    "Jitter above threshold on trunk {trunk}: {} ms",
                    r.gen_range(40..200)
                ),
                &format!("qos-jitter-trunk-{trunk}"),
                false,
            ),
            50..=59 => event(
                "raise",
                "warning",
                "configuration",
                format!(
                    "Configuration changed by {}",
                    pick(r, &["Administrator", "COMAdmin", "installer"])
                ),
                "config-change",
                false,
            ),
            60..=67 => event(
                "raise",
                "major",
                "link",
                format!("Link to SIP provider lost on trunk {trunk}"),
                &format!("link-trunk-{trunk}"),
                false,
            ),
            68..=77 => event(
                "raise",
                "major",
                "security",
                format!(
                    "Repeated login failures for user {}",
                    pick(r, &["admin", "Administrator", "security"])
                ),
                "login-failures",
                false,
            ),
            78..=87 => event(
                "raise",
                "minor",
                "services",
                format!("Licence usage at {} %", r.gen_range(85..=100)),
                "licence-usage",
                false,
            ),
            88..=95 => event(
                "raise",
                "minor",
                "qos",
                format!("Call dropped: no RTP received from {ip}"),
                "rtp-loss",
                false,
            ),
            _ => event(
                "raise",
                "critical",
                "trunk",
                format!("All channels busy on trunk {trunk}"),
                &format!("trunk-{trunk}-busy"),
                false,
            ),
        };
        self.push(a);
    }
}

impl Source for SimSystem {
    fn system_name(&self) -> String {
        self.report.system_name.clone()
    }

    fn report_now(&mut self) -> Report {
        self.dirty = false;
        self.report.clone()
    }

    async fn next_event(&mut self) -> SourceEvent {
        loop {
            if self.dirty {
                self.dirty = false;
                return SourceEvent::Report(self.report.clone());
            }
            if let Some(a) = self.pending.pop_front() {
                return SourceEvent::Alarm(a);
            }
            if self.interval.is_zero() {
                std::future::pending::<()>().await;
            }
            sleep_until(self.next_tick).await;
            let now = Instant::now();
            // After a long disconnection, do not replay every missed step.
            let base = if self.next_tick + self.interval < now {
                now
            } else {
                self.next_tick
            };
            self.next_tick = base + self.interval.mul_f64(self.rng.gen_range(0.5..1.5));
            self.tick(now);
        }
    }

    fn requeue(&mut self, alarm: AlarmEvent) {
        self.pending.push_front(alarm);
    }
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
        };
        let interval = opts.alarm_interval;
        links.spawn(async move {
            let mut system = SimSystem::new(&prefix, i, interval);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sys_5_sim_systems_are_named_and_reproducible() {
        assert_eq!(sim_customer_id("demo", 1), "demo-00001");
        assert_eq!(sim_system_name("demo", 42), "demo-00042-sys");
        for i in 1..50 {
            assert_eq!(sim_report("demo", i), sim_report("demo", i));
            let r = sim_report("demo", i);
            assert_eq!(r.servers[0].role, "primary");
            assert_eq!(r.servers[0].name, r.system_name);
            assert!(crate::system::PROFILES.contains(&r.profile.as_str()));
        }
        let profiles: std::collections::BTreeMap<String, usize> =
            (1..=1000).fold(Default::default(), |mut m, i| {
                *m.entry(sim_report("d", i).profile).or_default() += 1;
                m
            });
        assert_eq!(profiles.len(), 4, "{profiles:?}");
        assert!(profiles["legacy"] < 60, "legacy is rare: {profiles:?}");
    }

    #[tokio::test]
    async fn alm_2_sim_alarm_stream_mixes_severities_types_and_repeats() {
        let mut s = SimSystem::new("demo", 7, Duration::from_secs(30));
        let mut events = Vec::new();
        let start = Instant::now();
        for k in 0..400 {
            s.tick(start + Duration::from_secs(30) * k);
            events.extend(s.pending.drain(..));
        }
        let sev: std::collections::BTreeSet<_> =
            events.iter().map(|a| a.severity.clone()).collect();
        let types: std::collections::BTreeSet<_> =
            events.iter().map(|a| a.alarm_type.clone()).collect();
        assert!(sev.len() >= 4, "{sev:?}");
        assert_eq!(types.len(), 6, "{types:?}");
        for a in &events {
            crate::alarms::parse_alarm_line(
                &serde_json::json!({
                    "event": a.event, "severity": a.severity, "type": a.alarm_type,
                    "description": a.description, "key": a.key, "ongoing": a.ongoing, "at": a.at
                })
                .to_string(),
            )
            .unwrap_or_else(|e| panic!("{a:?}: {e}"));
        }
        let keys = |k: &str| {
            events
                .iter()
                .filter(|a| a.key.as_deref() == Some(k))
                .count()
        };
        assert!(keys("sip-registration-failure") > 1, "repeats share a key");
        let ongoing_raised = events.iter().filter(|a| a.ongoing).count();
        let cleared = events.iter().filter(|a| a.event == "clear").count();
        assert!(ongoing_raised > 0 && cleared > 0);
    }
}
