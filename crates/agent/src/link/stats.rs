//! Counters of the links: the state gauges and the totals shown in the summary line.

use std::{
    fmt,
    sync::{
        atomic::{AtomicU64, Ordering::Relaxed},
        Mutex,
    },
};

/// Counters of one or many links (the simulator shares one across all its systems).
#[derive(Debug, Default)]
pub struct LinkStats {
    connecting: AtomicU64,
    connected: AtomicU64,
    refused: AtomicU64,
    reconnecting: AtomicU64,
    pub(super) welcomes: AtomicU64,
    pub(super) refusals: AtomicU64,
    pub(super) failures: AtomicU64,
    pub(super) losses: AtomicU64,
    pub(super) reports_sent: AtomicU64,
    pub(super) alarms_sent: AtomicU64,
    pub(super) alarms_acked: AtomicU64,
    pub(super) alarms_retried: AtomicU64,
    last_problem: Mutex<Option<String>>,
}

/// A point-in-time copy of [`LinkStats`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Links dialling or waiting for `welcome`.
    pub connecting: u64,
    /// Links welcomed and up.
    pub connected: u64,
    /// Links waiting to retry after `refused`.
    pub refused: u64,
    /// Links waiting to retry after a failure or a lost connection.
    pub reconnecting: u64,
    pub welcomes: u64,
    pub refusals: u64,
    pub failures: u64,
    pub losses: u64,
    pub reports_sent: u64,
    /// Alarm events written to sockets (a replay counts again).
    pub alarms_sent: u64,
    /// Alarm events the hub acknowledged (durable there).
    pub alarms_acked: u64,
    /// Times the hub asked to slow down.
    pub alarms_retried: u64,
    /// The latest failure or refusal, for the summary line.
    pub last_problem: Option<String>,
}

impl fmt::Display for StatsSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "connected {}, connecting {}, refused {}, reconnecting {} \
             (welcomes {}, refusals {}, failures {}, losses {}; reports {}, alarms {}, acked {}, \
             slow-downs {})",
            self.connected,
            self.connecting,
            self.refused,
            self.reconnecting,
            self.welcomes,
            self.refusals,
            self.failures,
            self.losses,
            self.reports_sent,
            self.alarms_sent,
            self.alarms_acked,
            self.alarms_retried
        )?;
        if let Some(p) = &self.last_problem {
            write!(f, "; last problem: {p}")?;
        }
        Ok(())
    }
}

impl LinkStats {
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            connecting: self.connecting.load(Relaxed),
            connected: self.connected.load(Relaxed),
            refused: self.refused.load(Relaxed),
            reconnecting: self.reconnecting.load(Relaxed),
            welcomes: self.welcomes.load(Relaxed),
            refusals: self.refusals.load(Relaxed),
            failures: self.failures.load(Relaxed),
            losses: self.losses.load(Relaxed),
            reports_sent: self.reports_sent.load(Relaxed),
            alarms_sent: self.alarms_sent.load(Relaxed),
            alarms_acked: self.alarms_acked.load(Relaxed),
            alarms_retried: self.alarms_retried.load(Relaxed),
            last_problem: self
                .last_problem
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        }
    }

    pub(super) fn problem(&self, p: String) {
        *self.last_problem.lock().unwrap_or_else(|e| e.into_inner()) = Some(p);
    }

    fn gauge(&self, s: LinkState) -> &AtomicU64 {
        match s {
            LinkState::Connecting => &self.connecting,
            LinkState::Connected => &self.connected,
            LinkState::Refused => &self.refused,
            LinkState::Reconnecting => &self.reconnecting,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LinkState {
    Connecting,
    Connected,
    Refused,
    Reconnecting,
}

/// Keeps one link counted in exactly one state gauge.
pub(super) struct Gauge<'a> {
    stats: &'a LinkStats,
    state: Option<LinkState>,
}

impl<'a> Gauge<'a> {
    pub(super) fn new(stats: &'a LinkStats) -> Self {
        Self { stats, state: None }
    }

    pub(super) fn set(&mut self, s: LinkState) {
        if self.state == Some(s) {
            return;
        }
        if let Some(old) = self.state.replace(s) {
            self.stats.gauge(old).fetch_sub(1, Relaxed);
        }
        self.stats.gauge(s).fetch_add(1, Relaxed);
    }
}

impl Drop for Gauge<'_> {
    fn drop(&mut self) {
        if let Some(old) = self.state.take() {
            self.stats.gauge(old).fetch_sub(1, Relaxed);
        }
    }
}
