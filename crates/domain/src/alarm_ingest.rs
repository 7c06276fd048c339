//! ALM-1 / ALM-2 at volume: how a batch of alarm events from many systems becomes a few statements.
//!
//! - [`StreamMark`]: how far a system's alarm stream has been applied. An event whose number is not
//!   beyond the mark was applied before (a replay after a lost acknowledgement) and counts nothing.
//! - [`fold`]: the events that remain, in arrival order, folded per fingerprint into one upsert
//!   row each (raises counted, first and last occurrence, the latest severity and description, the
//!   final ongoing state) plus the fingerprints only cleared. Applying the folded rows gives the
//!   same alarms as applying the events one by one.

use crate::alarm::{AlarmType, Severity};
use std::collections::HashMap;

/// What one event does to its alarm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Raised or repeated.
    Raise {
        severity: Severity,
        description: String,
        ongoing: bool,
        at_ms: i64,
    },
    /// The condition ended: the alarm is no longer ongoing.
    Clear,
}

/// One event, identified by its alarm's fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub fingerprint: String,
    pub customer: String,
    pub system_name: String,
    pub alarm_type: AlarmType,
    pub change: Change,
}

/// The raises of one fingerprint in a batch, as one upsert row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    pub fingerprint: String,
    pub customer: String,
    pub system_name: String,
    pub alarm_type: AlarmType,
    /// Raises in the batch (the occurrences they add).
    pub raises: i64,
    pub first_ms: i64,
    pub last_ms: i64,
    /// Of the latest raise.
    pub severity: Severity,
    pub description: String,
    /// After the batch's last event of this alarm (a clear after the raises ends it).
    pub ongoing: bool,
}

/// What a batch does, per fingerprint.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FoldedBatch {
    /// Alarms raised at least once, in first-seen order.
    pub raised: Vec<Folded>,
    /// Alarms only cleared (their row, if any, stops being ongoing).
    pub cleared: Vec<String>,
}

/// Fold `events` (in arrival order) per fingerprint.
pub fn fold<'a>(events: impl IntoIterator<Item = &'a Event>) -> FoldedBatch {
    let mut raised: Vec<Folded> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    let mut cleared: Vec<&str> = Vec::new();
    let mut cleared_seen: HashMap<&str, ()> = HashMap::new();
    for e in events {
        match &e.change {
            Change::Raise {
                severity,
                description,
                ongoing,
                at_ms,
            } => match at.get(e.fingerprint.as_str()) {
                Some(&i) => {
                    let f = &mut raised[i];
                    f.raises += 1;
                    f.first_ms = f.first_ms.min(*at_ms);
                    f.last_ms = f.last_ms.max(*at_ms);
                    f.severity = *severity;
                    f.description.clone_from(description);
                    f.ongoing = *ongoing;
                }
                None => {
                    at.insert(e.fingerprint.as_str(), raised.len());
                    raised.push(Folded {
                        fingerprint: e.fingerprint.clone(),
                        customer: e.customer.clone(),
                        system_name: e.system_name.clone(),
                        alarm_type: e.alarm_type,
                        raises: 1,
                        first_ms: *at_ms,
                        last_ms: *at_ms,
                        severity: *severity,
                        description: description.clone(),
                        ongoing: *ongoing,
                    });
                }
            },
            Change::Clear => match at.get(e.fingerprint.as_str()) {
                Some(&i) => raised[i].ongoing = false,
                None => {
                    if cleared_seen.insert(e.fingerprint.as_str(), ()).is_none() {
                        cleared.push(e.fingerprint.as_str());
                    }
                }
            },
        }
    }
    // A fingerprint cleared before its first raise of the batch: the raise decides (it came
    // later), so the separate clear is moot.
    let cleared = cleared
        .into_iter()
        .filter(|f| !at.contains_key(f))
        .map(str::to_string)
        .collect();
    FoldedBatch { raised, cleared }
}

/// Longest stream name an agent may use.
pub const STREAM_MAX: usize = 64;

/// How far one system's alarm stream has been applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamMark {
    pub stream: String,
    pub seq: u64,
}

impl StreamMark {
    /// Whether the event numbered `seq` of `stream` is new, moving the mark past it when it is.
    /// A different stream (the agent started a new spool) starts afresh.
    pub fn admit(mark: &mut Option<StreamMark>, stream: &str, seq: u64) -> bool {
        match mark {
            Some(m) if m.stream == stream => {
                if seq <= m.seq {
                    return false;
                }
                m.seq = seq;
            }
            _ => {
                *mark = Some(StreamMark {
                    stream: stream.to_string(),
                    seq,
                })
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raise(fp: &str, sev: Severity, ongoing: bool, at: i64) -> Event {
        Event {
            fingerprint: fp.into(),
            customer: "c".into(),
            system_name: "s".into(),
            alarm_type: AlarmType::Trunk,
            change: Change::Raise {
                severity: sev,
                description: format!("{fp} at {at}"),
                ongoing,
                at_ms: at,
            },
        }
    }

    fn clear(fp: &str) -> Event {
        Event {
            change: Change::Clear,
            ..raise(fp, Severity::Minor, false, 0)
        }
    }

    #[test]
    fn alm_2_repeats_fold_into_one_row_with_their_count() {
        let ev = [
            raise("a", Severity::Minor, true, 30),
            raise("b", Severity::Major, false, 10),
            raise("a", Severity::Critical, true, 20),
        ];
        let f = fold(&ev);
        assert!(f.cleared.is_empty());
        assert_eq!(f.raised.len(), 2);
        let a = &f.raised[0];
        assert_eq!((a.raises, a.first_ms, a.last_ms), (2, 20, 30));
        // The latest event decides the severity and description, not the latest timestamp.
        assert_eq!(a.severity, Severity::Critical);
        assert_eq!(a.description, "a at 20");
        assert!(a.ongoing);
    }

    #[test]
    fn alm_1_a_clear_after_raises_ends_the_alarm_and_a_raise_after_a_clear_wins() {
        let f = fold(&[
            raise("a", Severity::Minor, true, 1),
            clear("a"),
            clear("b"),
            clear("c"),
            raise("c", Severity::Minor, true, 2),
            clear("b"),
        ]);
        assert_eq!(f.cleared, vec!["b".to_string()]);
        let ongoing: Vec<_> = f
            .raised
            .iter()
            .map(|r| (r.fingerprint.as_str(), r.ongoing))
            .collect();
        assert_eq!(ongoing, vec![("a", false), ("c", true)]);
    }

    #[test]
    fn alm_1_a_replayed_event_is_admitted_once() {
        let mut m = None;
        assert!(StreamMark::admit(&mut m, "s1", 5));
        assert!(!StreamMark::admit(&mut m, "s1", 5));
        assert!(!StreamMark::admit(&mut m, "s1", 3));
        // Gaps are fine (the agent dropped a raise when its spool was full).
        assert!(StreamMark::admit(&mut m, "s1", 9));
        // A new spool starts a new stream from any number.
        assert!(StreamMark::admit(&mut m, "s2", 1));
        assert!(StreamMark::admit(&mut m, "s2", 2));
        assert_eq!(
            m,
            Some(StreamMark {
                stream: "s2".into(),
                seq: 2
            })
        );
    }
}
