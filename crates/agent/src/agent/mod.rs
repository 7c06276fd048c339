//! `patchbay-agent run`: one real system, described by `DIR/system.toml`, with alarms from
//! `DIR/alarms.jsonl` and the agent's own checks (disk space, server reachability).

mod checks;
pub(crate) mod results;
#[cfg(test)]
mod tests;

use crate::spool::AlarmSpool;
use crate::{
    alarms::AlarmTail,
    disk::DiskWatch,
    link::{maintain, Identity, LinkCtx, LinkStats, LinkTimings, Password, Source, SourceEvent},
    system::SystemConfig,
    tls::{client_config, Trust},
};
use anyhow::Context;
use checks::{check_disk, Conditions, Monitor, OwnAlarms};
use patchbay_proto::{AlarmAck, Report};
use std::{
    collections::{HashMap, HashSet},
    future::Future,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::{
    sync::watch,
    task::JoinSet,
    time::{interval, MissedTickBehavior},
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
    /// Alarms kept until the hub acknowledges them (10 000), in memory and in
    /// `DIR/.alarms.spool`; beyond, the oldest raise is dropped, never a clear.
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
    /// CUS-8: the provider's enrolment credential, for a system the hub does not know yet.
    pub enrolment: Option<Password>,
    /// Holds `system.toml`, `alarms.jsonl`, `.alarms.offset` and `.alarms.spool`.
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
            enrolment: None,
            system_dir: system_dir.into(),
            trust: Trust::default(),
            timings: LinkTimings::default(),
            checks: AgentChecks::default(),
        }
    }
}

struct AgentSource {
    report: watch::Receiver<Report>,
    report_open: bool,
    spool: Arc<AlarmSpool>,
    own: Arc<OwnAlarms>,
    /// The system directory the actions work on.
    dir: PathBuf,
    files: crate::actions::Files,
    results: Arc<results::ResultBox>,
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
            spool,
            results,
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
                    b = spool.next_batch() => return SourceEvent::Alarms(b),
                    r = results.pop() => return SourceEvent::ActionResult(r),
                }
            }
        }
    }

    fn alarm_ack(&mut self, ack: &AlarmAck) -> u64 {
        self.spool.ack(ack)
    }

    fn welcomed(&mut self) {
        // What the hub did not acknowledge goes again (it skips what it already has).
        self.spool.rewind();
        self.own.clear_what_is_ok();
        // Results the hub has not acknowledged go again (it may have restarted meanwhile).
        self.results.reload();
    }

    fn action(&mut self, action: patchbay_proto::Action) -> Option<patchbay_proto::ActionResult> {
        if !self.results.begin(&action.action_id) {
            tracing::debug!(action = %action.action_id, "action already running or answered");
            return None;
        }
        let (dir, files, results) = (self.dir.clone(), self.files.clone(), self.results.clone());
        tokio::spawn(async move {
            // The system as it is now: flags and data paths may have changed since start-up.
            let result = match SystemConfig::load(&dir) {
                Ok(cfg) => crate::actions::run(&dir, &cfg, &files, action).await,
                Err(e) => patchbay_proto::ActionResult {
                    action_id: action.action_id,
                    status: "failed".into(),
                    reason: e.to_string(),
                    archive: None,
                    logs: Vec::new(),
                    servers: Vec::new(),
                },
            };
            results.put(result);
        });
        None
    }

    fn acked(&mut self, action_id: &str) {
        self.results.ack(action_id);
    }

    fn certificate_request(
        &mut self,
        r: patchbay_proto::CertificateRequest,
    ) -> patchbay_proto::CertificateSigningRequest {
        crate::certificate::request(&self.dir, r)
    }

    fn install_certificate(
        &mut self,
        c: patchbay_proto::IssuedCertificate,
    ) -> patchbay_proto::CertificateInstalled {
        crate::certificate::install(&self.dir, c)
    }

    /// Read `system.toml` afresh: a tunnel entry added a moment ago is usable at once.
    fn tunnel_target(
        &self,
        t: &patchbay_proto::Tunnel,
    ) -> Result<String, patchbay_proto::TunnelFailed> {
        match SystemConfig::load(&self.dir) {
            Ok(c) => crate::remote::target(&c, t),
            Err(e) => Err(patchbay_proto::TunnelFailed {
                tunnel_id: t.tunnel_id.clone(),
                code: "target-unreachable".into(),
                reason: e.to_string(),
            }),
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
    let endpoint = crate::link::Endpoint::new(&opts.hub, tls.clone())?;
    let files = crate::actions::Files::new(tls, endpoint.url())?;
    let mut tail = AlarmTail::open(&dir)
        .with_context(|| format!("cannot open the alarm file in {}", dir.display()))?;
    let checks = opts.checks.clone().sane();
    let spool = Arc::new(
        AlarmSpool::open(&dir, checks.queue_capacity)
            .with_context(|| format!("cannot open the alarm spool in {}", dir.display()))?,
    );

    tracing::info!(
        "patchbay-agent {} for customer {}, system {} ({}), hub {}",
        crate::AGENT_VERSION,
        opts.customer_id,
        config.name,
        config.profile,
        endpoint.url()
    );
    let own = Arc::new(OwnAlarms {
        spool: spool.clone(),
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
        dir: dir.clone(),
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
        let (spool, stop) = (spool.clone(), workers.clone());
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
                                Ok(a) => spool.push(a),
                                Err(e) => tracing::warn!(
                                    "{}: skipping a malformed line: {e}",
                                    crate::alarms::ALARMS_FILE
                                ),
                            }
                        }
                        // The spool holds them durably before the file's offset moves on.
                        spool.sync();
                        tail.commit();
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
        enrolment: opts.enrolment.clone(),
    };
    let mut source = AgentSource {
        report: report_rx,
        report_open: true,
        spool: spool.clone(),
        own,
        results: Arc::new(results::ResultBox::open(&dir)),
        dir: dir.clone(),
        files,
    };
    maintain(&ctx, &id, &mut source, &shutdown).await;
    workers.cancel();
    while tasks.join_next().await.is_some() {}
    spool.sync();
    let left = spool.len();
    if left > 0 {
        tracing::info!("stopping with {left} alarm(s) not acknowledged: kept in the spool");
    }
    tracing::info!("patchbay-agent stopped");
    Ok(())
}
