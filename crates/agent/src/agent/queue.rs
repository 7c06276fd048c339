//! The bounded queue of alarms waiting to be sent to the hub.

use patchbay_proto::AlarmEvent;
use std::{
    collections::{HashSet, VecDeque},
    sync::{
        atomic::{AtomicU64, Ordering::Relaxed},
        Mutex,
    },
};
use tokio::sync::Notify;

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
    pub(super) dropped: AtomicU64,
    /// Duplicate clears merged.
    pub(super) coalesced: AtomicU64,
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

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<AlarmEvent>> {
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
