//! Alarm ingest (ALM-1 at volume): the agent sessions of this node hand their alarm events to one
//! bounded queue; one writer drains it into batches, each applied in one transaction
//! (`Store::apply_alarm_events`), then tells every session how far its stream is durable so the
//! agent may forget those events.
//!
//! Back-pressure is explicit: the queue holds at most [`QUEUE_EVENTS`] events. Once it is more
//! than half full, each batch taken is answered with a request to pause (`retryAfterMs`). A batch
//! that does not fit waits for room, and its session reads nothing from its socket meanwhile, so
//! the agent is held back by TCP as well. Nothing is refused and sent again (a resend storm would
//! eat the time the writer needs), nothing grows without bound, nothing is dropped: an event
//! leaves the agent's spool only when acknowledged.
//!
//! A batch that fails (the database is away) is tried again, with growing pauses, before the
//! queue moves on, so the events of one stream are always applied in order. On shutdown the
//! writer drains what it took (up to [`DRAIN_LIMIT`]) before the pool closes.

use patchbay_proto::ALARM_BATCH_MAX;
use patchbay_store::alarms::{Applied, IngestEvent};
use patchbay_store::Store;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

/// Events waiting for the writer, at most.
pub const QUEUE_EVENTS: usize = 100_000;
/// Writers applying batches in parallel on PostgreSQL (each system's events go to one of them).
pub const PG_WRITERS: usize = 2;
/// Events per transaction, at most (what is waiting is taken up to this).
pub const BATCH_EVENTS: usize = 8_192;
/// How long an agent is asked to wait when the queue is more than half full or full.
pub const RETRY_AFTER: Duration = Duration::from_millis(250);
/// How long shutdown waits for the writer to apply what it took.
pub const DRAIN_LIMIT: Duration = Duration::from_secs(10);

/// The latest durable point of one session's alarm stream: (stream, through).
pub type AckPoint = Option<(Arc<str>, u64)>;

/// Where the writer reports a session's durable point.
#[derive(Clone, Debug)]
pub struct Acker {
    tx: Arc<watch::Sender<AckPoint>>,
}

impl Acker {
    /// A new acknowledgement channel for one session.
    pub fn channel() -> (Acker, watch::Receiver<AckPoint>) {
        let (tx, rx) = watch::channel(None);
        (Acker { tx: Arc::new(tx) }, rx)
    }

    fn advance(&self, stream: &Arc<str>, through: u64) {
        self.tx.send_if_modified(|cur| match cur {
            Some((s, t)) if s == stream && *t >= through => false,
            _ => {
                *cur = Some((stream.clone(), through));
                true
            }
        });
    }
}

struct Submission {
    events: Vec<IngestEvent>,
    ack: Option<(Acker, Arc<str>, u64)>,
    _permit: OwnedSemaphorePermit,
}

/// The hub is shutting down: nothing more is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

/// Counters for `/metrics` and the benchmarks.
#[derive(Debug, Default)]
pub struct IngestStats {
    pub events_applied: AtomicU64,
    pub raises_applied: AtomicU64,
    pub replays_skipped: AtomicU64,
    pub batches: AtomicU64,
    pub batch_failures: AtomicU64,
    /// Time spent applying batches (microseconds).
    pub apply_micros: AtomicU64,
    /// Batches that waited for room (the queue was full).
    pub waited: AtomicU64,
    /// Batches taken while the queue was more than half full (the sender was asked to pause).
    pub slowed: AtomicU64,
}

/// This node's alarm queue and its writer.
pub struct Ingest {
    /// One queue per writer: a system's events always go to the same one, in order.
    lanes: Vec<Lane>,
    permits: Arc<Semaphore>,
    capacity: usize,
    closing: CancellationToken,
    /// Say when the writers have stopped.
    writers: Mutex<Vec<tokio::sync::oneshot::Receiver<()>>>,
    pub stats: Arc<IngestStats>,
}

struct Lane {
    tx: mpsc::UnboundedSender<Submission>,
    rx: Mutex<Option<mpsc::UnboundedReceiver<Submission>>>,
}

impl Default for Ingest {
    fn default() -> Self {
        Self::new(QUEUE_EVENTS, 1)
    }
}

impl Ingest {
    /// A queue of at most `capacity` events, applied by `writers` writers in parallel (one for
    /// SQLite, whose writes are serial anyway; more for PostgreSQL).
    pub fn new(capacity: usize, writers: usize) -> Self {
        let capacity = capacity.clamp(ALARM_BATCH_MAX, Semaphore::MAX_PERMITS);
        let lanes = (0..writers.max(1))
            .map(|_| {
                let (tx, rx) = mpsc::unbounded_channel();
                Lane {
                    tx,
                    rx: Mutex::new(Some(rx)),
                }
            })
            .collect();
        Self {
            lanes,
            permits: Arc::new(Semaphore::new(capacity)),
            capacity,
            closing: CancellationToken::new(),
            writers: Mutex::new(Vec::new()),
            stats: Arc::default(),
        }
    }

    /// The lane of a submission: by its system (or, for older agents, its customer).
    fn lane(&self, events: &[IngestEvent]) -> &Lane {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        match events.first() {
            Some(IngestEvent {
                origin: Some(o), ..
            }) => o.system.to_string().hash(&mut h),
            Some(e) => e.event.customer.hash(&mut h),
            None => {}
        }
        &self.lanes[(h.finish() % self.lanes.len() as u64) as usize]
    }

    /// Events waiting now.
    pub fn queued(&self) -> usize {
        self.capacity - self.permits.available_permits()
    }

    /// Events that may wait, at most.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Queue `events`, acknowledged (when `ack` names the session, its stream and the events'
    /// last number) once applied. When the queue is full this waits for room: the session stops
    /// reading its socket meanwhile, which holds its agent back. `Ok(true)`: taken, and the queue
    /// is more than half full — the session asks its agent to pause.
    pub async fn submit(
        &self,
        events: Vec<IngestEvent>,
        ack: Option<(Acker, Arc<str>, u64)>,
    ) -> Result<bool, Closed> {
        let n = events.len().clamp(1, self.capacity) as u32;
        let permit = match self.permits.clone().try_acquire_many_owned(n) {
            Ok(p) => p,
            Err(_) => {
                self.stats.waited.fetch_add(1, Relaxed);
                tokio::select! {
                    p = self.permits.clone().acquire_many_owned(n) => p.map_err(|_| Closed)?,
                    _ = self.closing.cancelled() => return Err(Closed),
                }
            }
        };
        if self.closing.is_cancelled() {
            return Err(Closed);
        }
        self.lane(&events)
            .tx
            .send(Submission {
                events,
                ack,
                _permit: permit,
            })
            .map_err(|_| Closed)?;
        let pressed = self.permits.available_permits() < self.capacity / 2;
        if pressed {
            self.stats.slowed.fetch_add(1, Relaxed);
        }
        Ok(pressed)
    }

    /// Start the writer (once), on a thread of its own with its own database connections: the
    /// round trips of a batch (thousands of rows) then never wait behind the thousands of agent
    /// sessions in the main runtime's queue. An in-memory database (tests of the store) cannot be
    /// shared that way: its writer runs on the main runtime with the hub's pool.
    pub fn spawn_writer(&self, store: Store) -> std::io::Result<()> {
        for (n, lane) in self.lanes.iter().enumerate() {
            let Some(rx) = lane.rx.lock().ok().and_then(|mut r| r.take()) else {
                continue;
            };
            let (closing, stats) = (self.closing.clone(), self.stats.clone());
            let (done_tx, done_rx) = tokio::sync::oneshot::channel();
            if let Ok(mut w) = self.writers.lock() {
                w.push(done_rx);
            }
            let store = store.clone();
            if store.in_memory() {
                tokio::spawn(async move {
                    write_loop(store, rx, closing, stats).await;
                    let _ = done_tx.send(());
                });
                continue;
            }
            std::thread::Builder::new()
                .name(format!("alarm-writer-{n}"))
                .spawn(move || {
                    match tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        Ok(rt) => rt.block_on(async move {
                            let Some(own) = connect(&store, &closing).await else {
                                return;
                            };
                            write_loop(own.clone(), rx, closing, stats).await;
                            own.close().await;
                        }),
                        Err(e) => tracing::error!(error = %e, "the alarm writer cannot start"),
                    }
                    let _ = done_tx.send(());
                })?;
        }
        Ok(())
    }

    /// Take nothing more, apply what was taken (up to [`DRAIN_LIMIT`]), then return.
    pub async fn drain(&self) {
        self.closing.cancel();
        let writers = self
            .writers
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default();
        let all = futures_util::future::join_all(writers);
        if tokio::time::timeout(DRAIN_LIMIT + Duration::from_secs(2), all)
            .await
            .is_err()
        {
            tracing::warn!("alarm ingest did not drain in time; agents will send again");
        }
    }
}

/// The writer's own connections (again and again while the database is away, until shutdown).
async fn connect(store: &Store, closing: &CancellationToken) -> Option<Store> {
    loop {
        match store.sibling().await {
            Ok(s) => return Some(s),
            Err(e) => tracing::warn!(error = %e, "the alarm writer cannot reach the database"),
        }
        tokio::select! {
            _ = closing.cancelled() => return None,
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

async fn write_loop(
    store: Store,
    mut rx: mpsc::UnboundedReceiver<Submission>,
    closing: CancellationToken,
    stats: Arc<IngestStats>,
) {
    let mut deadline: Option<Instant> = None;
    loop {
        let first = if closing.is_cancelled() {
            let d = *deadline.get_or_insert_with(|| Instant::now() + DRAIN_LIMIT);
            if Instant::now() >= d {
                return;
            }
            match rx.try_recv() {
                Ok(s) => s,
                Err(_) => return,
            }
        } else {
            tokio::select! {
                s = rx.recv() => match s { Some(s) => s, None => return },
                _ = closing.cancelled() => continue,
            }
        };
        let mut batch = vec![first];
        let mut n = batch[0].events.len();
        while n < BATCH_EVENTS {
            match rx.try_recv() {
                Ok(s) => {
                    n += s.events.len();
                    batch.push(s);
                }
                Err(_) => break,
            }
        }
        let mut events = Vec::with_capacity(n);
        for s in &mut batch {
            events.append(&mut s.events);
        }
        if apply(&store, &events, &closing, &mut deadline, &stats).await {
            for s in &batch {
                if let Some((acker, stream, through)) = &s.ack {
                    acker.advance(stream, *through);
                }
            }
        }
    }
}

/// Apply one batch, trying again while the database fails (until the drain deadline). Returns
/// whether it was applied.
async fn apply(
    store: &Store,
    events: &[IngestEvent],
    closing: &CancellationToken,
    deadline: &mut Option<Instant>,
    stats: &IngestStats,
) -> bool {
    let mut pause = Duration::from_millis(50);
    loop {
        let started = Instant::now();
        match store.apply_alarm_events(events).await {
            Ok(a) => {
                let took = started.elapsed();
                stats
                    .apply_micros
                    .fetch_add(took.as_micros() as u64, Relaxed);
                tracing::debug!(
                    events = events.len(),
                    ms = took.as_millis() as u64,
                    "alarm batch applied"
                );
                record(stats, &a);
                return true;
            }
            Err(e) => {
                stats.batch_failures.fetch_add(1, Relaxed);
                tracing::warn!(error = %e, events = events.len(), "alarm batch failed; trying again");
            }
        }
        if closing.is_cancelled() {
            let d = *deadline.get_or_insert_with(|| Instant::now() + DRAIN_LIMIT);
            if Instant::now() + pause >= d {
                return false;
            }
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(5));
    }
}

fn record(stats: &IngestStats, a: &Applied) {
    stats.events_applied.fetch_add(a.events, Relaxed);
    stats.raises_applied.fetch_add(a.raises, Relaxed);
    stats.replays_skipped.fetch_add(a.replayed, Relaxed);
    stats.batches.fetch_add(1, Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;
    use patchbay_domain::alarm::AlarmType;
    use patchbay_domain::alarm_ingest::{Change, Event};

    fn events(n: usize) -> Vec<IngestEvent> {
        (0..n)
            .map(|i| IngestEvent {
                origin: None,
                event: Event {
                    fingerprint: format!("f{i}"),
                    customer: "c".into(),
                    system_name: "s".into(),
                    alarm_type: AlarmType::QoS,
                    change: Change::Clear,
                },
            })
            .collect()
    }

    #[tokio::test]
    async fn alm_1_the_queue_is_bounded_asks_to_pause_and_waits_for_room() {
        let q = Ingest::new(ALARM_BATCH_MAX * 2, 1);
        assert_eq!(q.capacity(), 512);
        assert_eq!(q.submit(events(200), None).await, Ok(false));
        // More than half full: taken, with a request to pause.
        assert_eq!(q.submit(events(256), None).await, Ok(true));
        assert_eq!(q.queued(), 456);
        // 100 more do not fit: the submission waits (nothing queued) until the writer makes room.
        let waiting = tokio::time::timeout(Duration::from_millis(100), q.submit(events(100), None));
        assert!(waiting.await.is_err(), "taken beyond capacity");
        assert_eq!(q.queued(), 456);
        let rx = q.lanes[0].rx.lock().ok().and_then(|mut r| r.take());
        let mut rx = rx.unwrap_or_else(|| panic!("receiver"));
        let first = rx.recv().await;
        let (a, ()) = tokio::join!(q.submit(events(100), None), async move { drop(first) });
        assert_eq!(a, Ok(true));
        assert_eq!(q.queued(), 356);
        assert_eq!(q.stats.waited.load(Relaxed), 2);
        // Shutting down: nothing more is taken (no writer here: the drain returns at once).
        q.drain().await;
        assert_eq!(q.submit(events(1), None).await, Err(Closed));
    }

    #[test]
    fn alm_1_acknowledgements_only_move_forward() {
        let (acker, rx) = Acker::channel();
        let s: Arc<str> = "s".into();
        acker.advance(&s, 10);
        acker.advance(&s, 7);
        assert_eq!(*rx.borrow(), Some((s.clone(), 10)));
        let t: Arc<str> = "t".into();
        acker.advance(&t, 1);
        assert_eq!(*rx.borrow(), Some((t, 1)));
    }
}
