//! One simulated system's behaviour: its alarm generator and servers that come and go.

use super::report::{build_report, pick, rng_for};
use crate::link::{Source, SourceEvent};
use crate::spool::AlarmSpool;
use patchbay_proto::{AlarmAck, AlarmEvent, Report};
use rand::{rngs::StdRng, Rng};
use std::time::Duration;
use tokio::time::{sleep_until, Instant};

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
    /// Events until the hub acknowledges them (in memory).
    pub(super) spool: AlarmSpool,
    ongoing: Vec<Ongoing>,
    /// Mean time between two ticks (each makes `burst` events).
    interval: Duration,
    /// Events per tick.
    burst: u32,
    next_tick: Instant,
    /// Carries out the hub's actions on generated files (`None`: refused).
    pub(super) actions: Option<super::actions::SimActions>,
}

/// Events a simulated system keeps for the hub, at most.
const MAX_PENDING: usize = 1024;

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
        seq: None,
    }
}

impl SimSystem {
    /// A system making an event every `interval` on average, `burst` at a time.
    pub(crate) fn new(prefix: &str, i: u32, interval: Duration, burst: u32) -> Self {
        let burst = burst.max(1);
        let interval = interval * burst;
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
            spool: AlarmSpool::memory(MAX_PENDING),
            ongoing: Vec::new(),
            interval,
            burst,
            next_tick: Instant::now() + first,
            actions: None,
        };
        // Some systems already have a condition going on when they first connect.
        if !interval.is_zero() && s.rng.gen_bool(0.25) {
            s.raise_ongoing(Instant::now());
        }
        s
    }

    fn push(&mut self, a: AlarmEvent) {
        self.spool.push(a);
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
    pub(super) fn tick(&mut self, now: Instant) {
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
            if let Some(b) = self.spool.take_batch() {
                return SourceEvent::Alarms(b);
            }
            let results = self.actions.as_ref().map(|a| a.results.clone());
            let finished = async {
                match &results {
                    Some(r) => r.pop().await,
                    None => std::future::pending().await,
                }
            };
            let tick = async {
                if self.interval.is_zero() {
                    std::future::pending::<()>().await;
                }
                sleep_until(self.next_tick).await;
            };
            tokio::select! {
                r = finished => {
                    // An upgrade switches the reported versions (UPG-2), CustomData.xml the
                    // flags it set in system.toml (CST-5): report again.
                    if let Some(a) = &self.actions {
                        let before = self.report.clone();
                        crate::upgrade::Installed::load(a.dir()).overlay(&mut self.report);
                        if let Ok(cfg) = crate::system::SystemConfig::load(a.dir()) {
                            self.report.flags = cfg.flags;
                        }
                        self.dirty |= self.report != before;
                    }
                    return SourceEvent::ActionResult(r);
                }
                () = tick => {}
            }
            let now = Instant::now();
            // After a long disconnection, do not replay every missed step.
            let base = if self.next_tick + self.interval < now {
                now
            } else {
                self.next_tick
            };
            self.next_tick = base + self.interval.mul_f64(self.rng.gen_range(0.5..1.5));
            for _ in 0..self.burst {
                self.tick(now);
            }
        }
    }

    fn alarm_ack(&mut self, ack: &AlarmAck) -> u64 {
        self.spool.ack(ack)
    }

    fn welcomed(&mut self) {
        self.spool.rewind();
        // Results the hub has not acknowledged go again (it may have restarted meanwhile).
        if let Some(a) = &self.actions {
            a.results.reload();
        }
    }

    fn action(&mut self, action: patchbay_proto::Action) -> Option<patchbay_proto::ActionResult> {
        match &self.actions {
            Some(a) => {
                a.start(&self.report, action);
                None
            }
            None => Some(patchbay_proto::ActionResult {
                action_id: action.action_id,
                status: "failed".into(),
                reason: "this simulator was started without a data root".into(),
                archive: None,
                logs: Vec::new(),
                servers: Vec::new(),
            }),
        }
    }

    fn acked(&mut self, action_id: &str) {
        if let Some(a) = &self.actions {
            a.results.ack(action_id);
        }
    }
}
