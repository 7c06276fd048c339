//! The alarm spool: every alarm event waits here, numbered in the agent's alarm stream, until the
//! hub acknowledges it (ALM-1). With a system directory it is also journaled to
//! `DIR/.alarms.spool`, so neither a hub restart, a network cut nor an agent restart loses an
//! event; the simulator keeps its spools in memory.
//!
//! Sending: [`AlarmSpool::take_batch`] hands out the events not yet sent on this connection, at
//! most [`WINDOW`] unacknowledged at a time. After a reconnection [`AlarmSpool::rewind`] makes
//! everything unacknowledged go again; the hub skips numbers it already applied, so nothing counts
//! twice. When the hub asks to slow down, sending pauses.
//!
//! Capacity: beyond `capacity` waiting events the oldest `raise` is dropped, never a `clear` (a
//! lost clear would leave an ongoing alarm stuck on the hub: only the agent's clear ends it). When
//! only clears wait, duplicate clears of one alarm are merged; distinct clears are kept beyond
//! capacity rather than lost.
//!
//! The journal is one JSON object per line: a header `{"stream":…,"next":…}`, then events
//! `{"seq":…,"event":{…}}`, acknowledgements `{"ack":…}` (everything up to that number is gone)
//! and drops `{"drop":…}`. It is rewritten (to a temporary file, then renamed) when most of it is
//! acknowledged. A torn last line (the agent was killed mid-write) is ignored.

use patchbay_proto::{AlarmAck, AlarmBatch, AlarmEvent, ALARM_BATCH_MAX};
use serde::{Deserialize, Serialize};
use std::collections::{HashSet, VecDeque};
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

#[cfg(test)]
mod tests;

pub const SPOOL_FILE: &str = ".alarms.spool";

/// Events sent and not yet acknowledged, at most.
pub const WINDOW: usize = 4_096;

/// Journal lines beyond the live events before it is rewritten.
const REWRITE_SLACK: usize = 4_096;

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) seq: u64,
    pub(crate) event: AlarmEvent,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Record {
    Header { stream: String, next: u64 },
    Event { seq: u64, event: AlarmEvent },
    Ack { ack: u64 },
    Drop { drop: u64 },
}

#[derive(Debug)]
struct Journal {
    path: PathBuf,
    file: File,
    /// Lines in the file.
    lines: usize,
    /// Written since the last sync.
    dirty: bool,
    /// The last write failed (logged once until one succeeds).
    failing: bool,
}

impl Journal {
    fn append(&mut self, r: &Record) {
        let mut line = serde_json::to_vec(r).unwrap_or_default();
        line.push(b'\n');
        match self.file.write_all(&line) {
            Ok(()) => {
                self.lines += 1;
                self.dirty = true;
                self.failing = false;
            }
            Err(e) => {
                if !self.failing {
                    tracing::warn!(
                        "cannot write {}: {e}; alarms are kept in memory only",
                        self.path.display()
                    );
                }
                self.failing = true;
            }
        }
    }
}

#[derive(Debug)]
struct Inner {
    stream: String,
    next_seq: u64,
    entries: VecDeque<Entry>,
    /// Entries before this index were sent on the current connection.
    cursor: usize,
    /// The hub asked to wait until then.
    paused_until: Option<Instant>,
    journal: Option<Journal>,
}

#[derive(Debug)]
pub(crate) struct AlarmSpool {
    inner: Mutex<Inner>,
    notify: Notify,
    capacity: usize,
    /// Raises dropped.
    pub(crate) dropped: AtomicU64,
    /// Duplicate clears merged.
    pub(crate) coalesced: AtomicU64,
    /// Clears kept beyond capacity.
    overflowed: AtomicU64,
    /// Events the hub acknowledged.
    pub(crate) acked: AtomicU64,
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

fn new_stream() -> String {
    format!("{:032x}", rand::random::<u128>())
}

impl AlarmSpool {
    fn with(inner: Inner, capacity: usize) -> Self {
        Self {
            inner: Mutex::new(inner),
            notify: Notify::new(),
            capacity: capacity.max(1),
            dropped: AtomicU64::new(0),
            coalesced: AtomicU64::new(0),
            overflowed: AtomicU64::new(0),
            acked: AtomicU64::new(0),
        }
    }

    /// A spool in memory only (the simulator).
    pub(crate) fn memory(capacity: usize) -> Self {
        Self::with(
            Inner {
                stream: new_stream(),
                next_seq: 1,
                entries: VecDeque::new(),
                cursor: 0,
                paused_until: None,
                journal: None,
            },
            capacity,
        )
    }

    /// The spool journaled in `dir`: what it held when the agent stopped is waiting again.
    pub(crate) fn open(dir: &Path, capacity: usize) -> io::Result<Self> {
        let path = dir.join(SPOOL_FILE);
        let mut stream = None;
        let mut next_seq = 1u64;
        let mut entries: VecDeque<Entry> = VecDeque::new();
        let mut lines = 0usize;
        match File::open(&path) {
            Ok(f) => {
                for line in BufReader::new(f).split(b'\n') {
                    let line = line?;
                    lines += 1;
                    let Ok(r) = serde_json::from_slice::<Record>(&line) else {
                        continue;
                    };
                    match r {
                        Record::Header { stream: s, next } => {
                            if stream.is_none() {
                                stream = Some(s);
                            }
                            next_seq = next_seq.max(next);
                        }
                        Record::Event { seq, event } => {
                            next_seq = next_seq.max(seq + 1);
                            if entries.back().is_none_or(|e| e.seq < seq) {
                                entries.push_back(Entry { seq, event });
                            }
                        }
                        Record::Ack { ack } => {
                            while entries.front().is_some_and(|e| e.seq <= ack) {
                                entries.pop_front();
                            }
                        }
                        Record::Drop { drop } => entries.retain(|e| e.seq != drop),
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let fresh = stream.is_none();
        let stream = stream.unwrap_or_else(new_stream);
        if !entries.is_empty() {
            tracing::info!(
                "{} alarm event(s) not acknowledged by the hub before the agent stopped: \
                 sending them again",
                entries.len()
            );
        }
        let file = OpenOptions::new().append(true).create(true).open(&path)?;
        let spool = Self::with(
            Inner {
                stream,
                next_seq,
                entries,
                cursor: 0,
                paused_until: None,
                journal: Some(Journal {
                    path,
                    file,
                    lines,
                    dirty: false,
                    failing: false,
                }),
            },
            capacity,
        );
        {
            let mut g = spool.lock();
            if fresh {
                rewrite(&mut g);
            }
        }
        Ok(spool)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn note_dropped(&self) {
        if let Some(n) = count(&self.dropped) {
            tracing::warn!(
                "alarm spool full ({} waiting): dropped the oldest raised alarm ({n} dropped so far)",
                self.capacity
            );
        }
    }

    fn note_coalesced(&self) {
        if let Some(n) = count(&self.coalesced) {
            tracing::warn!(
                "alarm spool full of clears ({} waiting): merged a duplicate clear ({n} so far)",
                self.capacity
            );
        }
    }

    /// Removes entry `i`, journaled.
    fn remove(&self, g: &mut Inner, i: usize) {
        if let Some(e) = g.entries.remove(i) {
            if i < g.cursor {
                g.cursor -= 1;
            }
            if let Some(j) = g.journal.as_mut() {
                j.append(&Record::Drop { drop: e.seq });
            }
        }
    }

    /// Makes room for `incoming` when the spool is full. Returns whether it is to be kept: not
    /// when it is the raise to drop, or a clear merged into a waiting duplicate.
    fn make_room(&self, g: &mut Inner, incoming: &AlarmEvent) -> bool {
        if g.entries.len() < self.capacity {
            return true;
        }
        let oldest_raise = g.entries.iter().position(|e| !is_clear(&e.event));
        if !is_clear(incoming) && oldest_raise.is_none() {
            // Only clears wait: the incoming raise is the oldest raise there is.
            self.note_dropped();
            return false;
        }
        if let Some(i) = oldest_raise {
            self.remove(g, i);
            self.note_dropped();
            return true;
        }
        // Only clears wait, and a clear comes: merge duplicates, keeping the older of two (the
        // time the condition ended).
        let id = alarm_id(incoming);
        if g.entries.iter().any(|e| alarm_id(&e.event) == id) {
            self.note_coalesced();
            return false;
        }
        let duplicate = {
            let mut seen = HashSet::new();
            g.entries
                .iter()
                .position(|e| !seen.insert(alarm_id(&e.event)))
        };
        if let Some(i) = duplicate {
            self.remove(g, i);
            self.note_coalesced();
            return true;
        }
        if let Some(n) = count(&self.overflowed) {
            tracing::warn!(
                "alarm spool full of distinct clears ({} waiting): keeping them all ({n} beyond \
                 capacity so far)",
                g.entries.len()
            );
        }
        true
    }

    fn append(&self, g: &mut Inner, event: AlarmEvent) {
        let seq = g.next_seq;
        g.next_seq += 1;
        if let Some(j) = g.journal.as_mut() {
            j.append(&Record::Event {
                seq,
                event: event.clone(),
            });
        }
        g.entries.push_back(Entry { seq, event });
    }

    pub(crate) fn push(&self, a: AlarmEvent) {
        {
            let mut g = self.lock();
            if !self.make_room(&mut g, &a) {
                return;
            }
            self.append(&mut g, a);
        }
        self.notify.notify_one();
    }

    /// Queues `clear` unless the latest waiting event of the same alarm is already a clear not
    /// yet sent (so repeated welcomes on a flapping link do not pile up clears). Returns whether
    /// it was queued.
    pub(crate) fn push_clear_once(&self, clear: AlarmEvent) -> bool {
        {
            let mut g = self.lock();
            let id = alarm_id(&clear);
            let cursor = g.cursor;
            let latest = g
                .entries
                .iter()
                .enumerate()
                .rfind(|(_, e)| alarm_id(&e.event) == id);
            if latest.is_some_and(|(i, e)| i >= cursor && is_clear(&e.event)) {
                return false;
            }
            if !self.make_room(&mut g, &clear) {
                return false;
            }
            self.append(&mut g, clear);
        }
        self.notify.notify_one();
        true
    }

    /// Events waiting (sent or not) for an acknowledgement.
    pub(crate) fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// The events waiting, oldest first (tests).
    #[cfg(test)]
    pub(crate) fn events(&self) -> Vec<AlarmEvent> {
        self.lock()
            .entries
            .iter()
            .map(|e| e.event.clone())
            .collect()
    }

    /// Take the oldest event as if the hub had acknowledged it (tests).
    #[cfg(test)]
    pub(crate) fn pop_acked(&self) -> AlarmEvent {
        let mut g = self.lock();
        g.cursor = g.cursor.saturating_sub(1);
        match g.entries.pop_front() {
            Some(e) => e.event,
            None => panic!("the spool is empty"),
        }
    }

    /// The stream's name (tests).
    #[cfg(test)]
    pub(crate) fn stream(&self) -> String {
        self.lock().stream.clone()
    }

    /// Make what was pushed so far durable (before the alarm file's offset moves past it).
    pub(crate) fn sync(&self) {
        let mut g = self.lock();
        if let Some(j) = g.journal.as_mut() {
            if j.dirty {
                if let Err(e) = j.file.sync_data() {
                    tracing::warn!("cannot sync {}: {e}", j.path.display());
                }
                j.dirty = false;
            }
        }
    }

    /// The next events to send, if any may go now.
    pub(crate) fn take_batch(&self) -> Option<AlarmBatch> {
        let mut g = self.lock();
        if g.paused_until.is_some_and(|t| Instant::now() < t) {
            return None;
        }
        g.paused_until = None;
        let room = WINDOW.saturating_sub(g.cursor);
        let n = g
            .entries
            .len()
            .saturating_sub(g.cursor)
            .min(room)
            .min(ALARM_BATCH_MAX);
        if n == 0 {
            return None;
        }
        let start = g.cursor;
        let events = g
            .entries
            .range(start..start + n)
            .map(|e| AlarmEvent {
                seq: Some(e.seq),
                ..e.event.clone()
            })
            .collect();
        g.cursor += n;
        Some(AlarmBatch {
            stream: g.stream.clone(),
            events,
        })
    }

    /// When sending is paused, until when.
    fn paused(&self) -> Option<Instant> {
        self.lock().paused_until.filter(|t| Instant::now() < *t)
    }

    /// Waits for events that may be sent. Cancel-safe.
    pub(crate) async fn next_batch(&self) -> AlarmBatch {
        loop {
            let notified = self.notify.notified();
            if let Some(b) = self.take_batch() {
                return b;
            }
            match self.paused() {
                Some(t) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(t.into()) => {}
                        _ = notified => {}
                    }
                }
                None => notified.await,
            }
        }
    }

    /// Everything unacknowledged goes again (a new connection).
    pub(crate) fn rewind(&self) {
        {
            let mut g = self.lock();
            g.cursor = 0;
            g.paused_until = None;
        }
        self.notify.notify_one();
    }

    /// The hub's acknowledgement: forget what is durable there; when it asks to slow down, wait
    /// and send the rest again.
    pub(crate) fn ack(&self, ack: &AlarmAck) -> u64 {
        let n = {
            let mut g = self.lock();
            if ack.stream != g.stream {
                return 0;
            }
            let mut n = 0usize;
            while g.entries.front().is_some_and(|e| e.seq <= ack.through) {
                g.entries.pop_front();
                n += 1;
            }
            g.cursor = g.cursor.saturating_sub(n);
            self.acked.fetch_add(n as u64, Relaxed);
            if n > 0 {
                if let Some(j) = g.journal.as_mut() {
                    j.append(&Record::Ack { ack: ack.through });
                }
                let live = g.entries.len();
                if g.journal
                    .as_ref()
                    .is_some_and(|j| j.lines > live * 2 + REWRITE_SLACK)
                {
                    rewrite(&mut g);
                }
            }
            if let Some(ms) = ack.retry_after_ms {
                g.paused_until = Some(Instant::now() + Duration::from_millis(ms.min(60_000)));
                // What was sent is taken: only pause.
            }
            n as u64
        };
        self.notify.notify_one();
        n
    }
}

/// Rewrite the journal with what is live now (temporary file, then rename).
fn rewrite(g: &mut Inner) {
    let Some(j) = g.journal.as_mut() else {
        return;
    };
    let tmp = j.path.with_extension("tmp");
    let res = (|| -> io::Result<File> {
        let mut out = io::BufWriter::new(File::create(&tmp)?);
        let mut line = serde_json::to_vec(&Record::Header {
            stream: g.stream.clone(),
            next: g.next_seq,
        })
        .unwrap_or_default();
        line.push(b'\n');
        out.write_all(&line)?;
        for e in &g.entries {
            let mut line = serde_json::to_vec(&Record::Event {
                seq: e.seq,
                event: e.event.clone(),
            })
            .unwrap_or_default();
            line.push(b'\n');
            out.write_all(&line)?;
        }
        let f = out.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, &j.path)?;
        OpenOptions::new().append(true).open(&j.path)
    })();
    match res {
        Ok(f) => {
            j.file = f;
            j.lines = 1 + g.entries.len();
            j.dirty = false;
        }
        Err(e) => tracing::warn!("cannot rewrite {}: {e}", j.path.display()),
    }
}
