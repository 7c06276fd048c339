//! Tests of the alarm spool: bounds, batches, acknowledgements and the journal.

use super::*;

fn alarm(d: &str) -> AlarmEvent {
    AlarmEvent {
        event: "raise".into(),
        severity: "minor".into(),
        alarm_type: "qos".into(),
        description: d.into(),
        key: None,
        ongoing: false,
        at: None,
        seq: None,
    }
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
        seq: None,
    }
}

fn contents(q: &AlarmSpool) -> Vec<String> {
    q.events()
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

fn ack(q: &AlarmSpool, through: u64) -> u64 {
    q.ack(&AlarmAck {
        stream: q.stream(),
        through,
        retry_after_ms: None,
    })
}

fn seqs(b: &AlarmBatch) -> Vec<u64> {
    b.events.iter().filter_map(|e| e.seq).collect()
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "patchbay-spool-{name}-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
    d
}

#[test]
fn alm_1_spool_is_bounded_and_drops_the_oldest_raise() {
    let q = AlarmSpool::memory(3);
    for d in ["a", "b", "c", "d"] {
        q.push(alarm(d));
    }
    assert_eq!(contents(&q), ["raise b", "raise c", "raise d"]);
    assert_eq!(q.dropped.load(Relaxed), 1);
    // Numbers keep rising across the drop: the hub sees a gap, not a repeat.
    let b = q.take_batch().unwrap_or_else(|| panic!("a batch"));
    assert_eq!(seqs(&b), [2, 3, 4]);
}

#[test]
fn alm_4_spool_never_drops_clear_events() {
    let q = AlarmSpool::memory(3);
    q.push(clear("A", "1"));
    q.push(alarm("b"));
    q.push(clear("C", "1"));
    // Full: the oldest raise goes, not the older clear before it.
    q.push(alarm("d"));
    assert_eq!(contents(&q), ["clear A@1", "clear C@1", "raise d"]);
    q.push(clear("E", "1"));
    assert_eq!(contents(&q), ["clear A@1", "clear C@1", "clear E@1"]);
    // Only clears wait: an incoming raise is the oldest raise there is.
    q.push(alarm("f"));
    assert_eq!(contents(&q), ["clear A@1", "clear C@1", "clear E@1"]);
    assert_eq!(q.dropped.load(Relaxed), 3);
}

#[test]
fn alm_4_spool_full_of_clears_merges_duplicates_and_never_drops_distinct_ones() {
    let q = AlarmSpool::memory(3);
    q.push(clear("A", "1"));
    q.push(clear("A", "2"));
    q.push(clear("B", "1"));
    // A new clear merges the duplicate pair (keeping the older, when the condition ended).
    q.push(clear("C", "1"));
    assert_eq!(contents(&q), ["clear A@1", "clear B@1", "clear C@1"]);
    // A duplicate of a waiting clear is merged into it.
    q.push(clear("B", "2"));
    assert_eq!(contents(&q), ["clear A@1", "clear B@1", "clear C@1"]);
    assert_eq!(q.coalesced.load(Relaxed), 2);
    // Distinct clears only: kept beyond capacity rather than dropped.
    q.push(clear("D", "1"));
    assert_eq!(q.len(), 4);
    assert_eq!(q.dropped.load(Relaxed), 0);
    // Keys are per type, and the description stands for a missing key.
    let q = AlarmSpool::memory(1);
    q.push(clear("A", "1"));
    let mut other_type = clear("A", "2");
    other_type.alarm_type = "trunk".into();
    q.push(other_type);
    assert_eq!(q.len(), 2);
    let q = AlarmSpool::memory(1);
    let mut by_desc = clear("", "1");
    by_desc.key = None;
    by_desc.description = "trunk 1 down".into();
    q.push(by_desc.clone());
    q.push(by_desc);
    assert_eq!(q.len(), 1);
}

#[test]
fn alm_1_spool_sends_within_its_window_and_forgets_only_what_is_acknowledged() {
    let q = AlarmSpool::memory(10_000);
    for i in 0..5_000 {
        q.push(alarm(&format!("e{i}")));
    }
    let mut sent = 0;
    while let Some(b) = q.take_batch() {
        assert!(b.events.len() <= ALARM_BATCH_MAX);
        sent += b.events.len();
    }
    // No more than the window travels unacknowledged.
    assert_eq!(sent, WINDOW);
    assert_eq!(ack(&q, 300), 300);
    assert_eq!(q.len(), 4_700);
    // The acknowledgement made room for 300 more.
    let more: usize = std::iter::from_fn(|| q.take_batch())
        .map(|b| b.events.len())
        .sum();
    assert_eq!(more, 300);
    // An acknowledgement of another stream (an old spool) is ignored; a repeated one is a no-op.
    assert_eq!(
        q.ack(&AlarmAck {
            stream: "other".into(),
            through: 4_000,
            retry_after_ms: None,
        }),
        0
    );
    assert_eq!(ack(&q, 300), 0);
    // A new connection: everything unacknowledged goes again, from the oldest.
    q.rewind();
    let b = q.take_batch().unwrap_or_else(|| panic!("a batch"));
    assert_eq!(b.events.first().and_then(|e| e.seq), Some(301));
}

#[tokio::test]
async fn alm_1_a_slow_down_pauses_sending_and_sends_nothing_twice() {
    let q = AlarmSpool::memory(100);
    for i in 0..10 {
        q.push(alarm(&format!("e{i}")));
    }
    let b = q.take_batch().unwrap_or_else(|| panic!("a batch"));
    assert_eq!(seqs(&b).len(), 10);
    // Four are durable, the rest taken; the hub's queue is filling.
    q.ack(&AlarmAck {
        stream: q.stream(),
        through: 4,
        retry_after_ms: Some(150),
    });
    // Paused: nothing goes, even what is new.
    q.push(alarm("e10"));
    assert!(q.take_batch().is_none());
    let started = Instant::now();
    let b = tokio::time::timeout(Duration::from_secs(5), q.next_batch())
        .await
        .unwrap_or_else(|_| panic!("no batch after the pause"));
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(seqs(&b), [11]);
    assert_eq!(q.len(), 7);
}

#[test]
fn alm_1_the_journal_keeps_unacknowledged_events_across_a_restart() {
    let dir = tmpdir("restart");
    let stream;
    {
        let q = AlarmSpool::open(&dir, 100).unwrap_or_else(|e| panic!("{e}"));
        stream = q.stream();
        for i in 1..=10 {
            q.push(alarm(&format!("e{i}")));
        }
        q.push(alarm("dropped"));
        // Sent, then the hub made the first four durable.
        let _ = q.take_batch();
        ack(&q, 4);
        q.sync();
    }
    // The agent was killed while writing a line.
    {
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.join(SPOOL_FILE))
            .unwrap_or_else(|e| panic!("{e}"));
        f.write_all(br#"{"seq":99,"event":{"ev"#)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let q = AlarmSpool::open(&dir, 100).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        q.stream(),
        stream,
        "same stream: the hub's mark still applies"
    );
    let b = q.take_batch().unwrap_or_else(|| panic!("a batch"));
    assert_eq!(seqs(&b), (5..=11).collect::<Vec<_>>());
    assert_eq!(b.events[0].description, "e5");
    // New events continue the numbering.
    q.push(alarm("after"));
    assert_eq!(q.take_batch().map(|b| seqs(&b)), Some(vec![12]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn alm_1_the_journal_is_rewritten_once_acknowledged_and_keeps_its_numbering() {
    let dir = tmpdir("rewrite");
    let q = AlarmSpool::open(&dir, 100_000).unwrap_or_else(|e| panic!("{e}"));
    let stream = q.stream();
    for round in 0..5u64 {
        for i in 0..2_000 {
            q.push(alarm(&format!("r{round}-{i}")));
        }
        while let Some(b) = q.take_batch() {
            let through = b.events.last().and_then(|e| e.seq).unwrap_or_default();
            ack(&q, through);
        }
    }
    assert_eq!(q.len(), 0);
    let size = std::fs::metadata(dir.join(SPOOL_FILE))
        .map(|m| m.len())
        .unwrap_or_default();
    // 10,000 events went through; the file holds far fewer lines than that.
    assert!(size < 2_000_000, "journal of {size} bytes");
    drop(q);
    let q = AlarmSpool::open(&dir, 100).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(q.stream(), stream);
    assert_eq!(q.len(), 0);
    q.push(alarm("next"));
    assert_eq!(q.take_batch().map(|b| seqs(&b)), Some(vec![10_001]));
    // A missing journal starts a new stream (the hub will not mistake its numbers for replays).
    drop(q);
    std::fs::remove_file(dir.join(SPOOL_FILE)).unwrap_or_else(|e| panic!("{e}"));
    let q = AlarmSpool::open(&dir, 100).unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(q.stream(), stream);
    let _ = std::fs::remove_dir_all(&dir);
}
