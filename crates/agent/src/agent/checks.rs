//! The agent's own checks (server reachability, disk space) and the alarms they raise and clear.

use crate::spool::AlarmSpool;
use crate::{
    disk::{disk_clear, disk_usage, DiskWatch},
    system::{Probe, SystemConfig},
};
use patchbay_proto::{AlarmEvent, Report};
use std::{
    collections::{BTreeSet, HashMap, HashSet},
    path::PathBuf,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};
use tokio::{net::TcpStream, time::timeout};

fn now() -> Option<String> {
    Some(jiff::Timestamp::now().to_string())
}

/// What the latest evaluation of the agent's own checks found OK. The agent keeps no record of
/// what it raised before a restart, and the hub refuses to clear an ongoing alarm itself: so after
/// each `welcome` the agent clears each of its own alarms whose condition is OK (the hub treats
/// clearing an alarm it does not have as a no-op). Without this, an alarm raised before a restart
/// whose condition ended meanwhile would stay ongoing on the hub forever.
#[derive(Debug, Default)]
pub(super) struct Conditions {
    /// The used percentage of the system directory's volume, when below the clear threshold.
    pub(super) disk_ok: Option<u8>,
    /// The servers of `system.toml` not found unreachable (no `check`, or it answered).
    pub(super) servers_ok: BTreeSet<String>,
}

/// The agent's own alarms: their queue and their conditions. Events are queued while the
/// conditions are locked, so the clears queued after `welcome` never overtake a newer raise.
pub(super) struct OwnAlarms {
    pub(super) spool: Arc<AlarmSpool>,
    pub(super) conditions: Mutex<Conditions>,
    pub(super) dir: PathBuf,
}

impl OwnAlarms {
    pub(super) fn lock(&self) -> MutexGuard<'_, Conditions> {
        self.conditions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// After `welcome`: queues a clear for each own alarm whose condition is OK (unless such a
    /// clear is already waiting). Runs after the first evaluation of the checks, so a condition
    /// that really fails is never cleared.
    pub(super) fn clear_what_is_ok(&self) {
        let c = self.lock();
        let mut n = 0usize;
        if let Some(pct) = c.disk_ok {
            let desc = format!("Disk space OK on {}: {pct} % used", self.dir.display());
            n += usize::from(self.spool.push_clear_once(disk_clear(desc)));
        }
        for name in &c.servers_ok {
            n += usize::from(self.spool.push_clear_once(clear_unreachable(name)));
        }
        if n > 0 {
            tracing::debug!("clearing {n} of the agent's own alarms whose condition is OK");
        }
    }
}

/// The servers' reachability and the current configuration.
pub(super) struct Monitor {
    pub(super) config: SystemConfig,
    pub(super) offline: HashMap<String, bool>,
    /// Servers whose "unreachable" alarm is raised.
    pub(super) raised: HashSet<String>,
    pub(super) probe_timeout: Duration,
    /// The system directory (`installed.json`).
    pub(super) dir: std::path::PathBuf,
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
    /// The report, with the versions upgrades installed in place of the configured ones.
    pub(super) fn report(&self) -> Report {
        let mut r = self.config.report(&self.offline);
        crate::upgrade::Installed::load(&self.dir).overlay(&mut r);
        r
    }

    /// A new `system.toml`: the servers removed from it get their alarm cleared (it may have been
    /// raised before a restart), then every server is probed.
    pub(super) async fn set_config(&mut self, config: SystemConfig, own: &OwnAlarms) {
        {
            let mut c = own.lock();
            let kept: HashSet<&str> = config.servers.iter().map(|s| s.name.as_str()).collect();
            for s in &self.config.servers {
                if !kept.contains(s.name.as_str()) {
                    tracing::info!("server {} removed from system.toml", s.name);
                    self.raised.remove(&s.name);
                    self.offline.remove(&s.name);
                    c.servers_ok.remove(&s.name);
                    own.spool.push(clear_unreachable(&s.name));
                }
            }
        }
        self.config = config;
        self.check_servers(own).await;
    }

    pub(super) async fn check_servers(&mut self, own: &OwnAlarms) {
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
        let queue = &*own.spool;
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
                    seq: None,
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
    fn forget_removed(&mut self, queue: &AlarmSpool) {
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
        seq: None,
    }
}

/// Measures the system directory's volume once: raises or clears the disk alarm.
pub(super) fn check_disk(watch: &mut DiskWatch, own: &OwnAlarms, warned: &mut bool) {
    let dir = &own.dir;
    let usage = disk_usage(dir);
    let mut c = own.lock();
    match usage {
        Ok(u) => {
            let pct = u.used_percent();
            tracing::debug!("{}: {pct} % used", dir.display());
            if let Some(a) = watch.evaluate(pct, dir) {
                tracing::info!("{}", a.description);
                own.spool.push(a);
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
