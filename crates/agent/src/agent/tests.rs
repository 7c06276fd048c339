//! Tests of the alarm queue and of the clears of the agent's own alarms.

use super::*;
use std::sync::atomic::Ordering::Relaxed;
use tokio::time::timeout;

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
