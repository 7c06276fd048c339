//! Tests of the alarm store: folding repeats, clearing, the summary; a system's connect, report
//! and disconnect driving the customer's status.

use super::*;
use crate::audit::AuditMeta;
use crate::customers::CustomerWrite;
use crate::sql::PageRequest;
use crate::StoreError;
use patchbay_domain::customer::CustomerFields;
use patchbay_domain::Scope;

pub(crate) async fn customer(s: &Store, cid: &str) -> CustomerId {
    s.create_customer(
        &AuditMeta::cli(),
        &CustomerWrite {
            fields: CustomerFields {
                name: cid.to_uppercase(),
                customer_id: cid.into(),
                service_user_name: "COMAdmin".into(),
                ..Default::default()
            },
            sealed_password: Some("sealed".into()),
            distributor_id: None,
            reseller_id: None,
            operators: vec![],
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

fn raise(c: CustomerId, key: &str, ongoing: bool, at: i64) -> AlarmRaise<'_> {
    AlarmRaise {
        customer: c,
        system_name: "sys",
        severity: Severity::Major,
        alarm_type: AlarmType::Trunk,
        description: "Trunk 1 down",
        key,
        ongoing,
        at_ms: at,
    }
}

#[tokio::test]
async fn alm_2_repeats_fold_into_one_row_and_alm_4_ongoing_cannot_be_cleared() {
    let s = crate::testing::store().await;
    let a = customer(&s, "acme").await;
    let b = customer(&s, "bravo").await;
    assert_eq!(
        s.raise_alarm(&raise(a, "t1", true, 1000)).await.ok(),
        Some(1)
    );
    assert_eq!(
        s.raise_alarm(&raise(a, "t1", true, 3000)).await.ok(),
        Some(2)
    );
    assert_eq!(
        s.raise_alarm(&raise(a, "t1", true, 2000)).await.ok(),
        Some(3)
    );
    s.raise_alarm(&raise(b, "t1", false, 1000))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (items, total) = s
        .list_alarms(
            Scope::All,
            &AlarmFilter::default(),
            None,
            PageRequest::new(0, 10),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(total, 2);
    let mine = items
        .iter()
        .find(|x| x.customer_id == a)
        .unwrap_or_else(|| panic!("alarm"));
    assert_eq!(
        (
            mine.occurrences,
            mine.last_occurrence.as_millisecond(),
            mine.ongoing
        ),
        (3, 3000, true)
    );
    assert_eq!(
        s.customer(Scope::All, a).await.map(|c| c.alarm_count).ok(),
        Some(1)
    );
    let err = s
        .clear_alarms(&AuditMeta::cli(), Scope::All, &[mine.id])
        .await;
    assert!(matches!(
        err,
        Err(StoreError::Refused(crate::Refusal::AlarmOngoing))
    ));
    assert!(s
        .end_alarm(a, "sys", AlarmType::Trunk, "t1")
        .await
        .unwrap_or(false));
    assert_eq!(
        s.clear_alarms(&AuditMeta::cli(), Scope::All, &[mine.id])
            .await
            .ok(),
        Some(1)
    );
    assert_eq!(
        s.customer(Scope::All, a).await.map(|c| c.alarm_count).ok(),
        Some(0)
    );
    // Another customer's alarm is invisible and cannot be cleared from a customer scope.
    let (items, _) = s
        .list_alarms(
            Scope::Customer(a),
            &AlarmFilter::default(),
            None,
            PageRequest::new(0, 10),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(items.is_empty());
    let (theirs, _) = s
        .list_alarms(
            Scope::Customer(b),
            &AlarmFilter::default(),
            None,
            PageRequest::new(0, 10),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let err = s
        .clear_alarms(&AuditMeta::cli(), Scope::Customer(a), &[theirs[0].id])
        .await;
    assert!(matches!(err, Err(StoreError::NotFound)));
}

#[tokio::test]
async fn alm_3_severity_and_type_filters_hold_within_one_customer_and_platform_wide() {
    let s = crate::testing::store().await;
    let a = customer(&s, "acme").await;
    let b = customer(&s, "bravo").await;
    for (c, key) in [(a, "a1"), (b, "b1")] {
        s.raise_alarm(&raise(c, key, false, 1000))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let count = |scope: Scope, f: AlarmFilter| {
        let s = s.clone();
        async move {
            s.list_alarms(scope, &f, None, PageRequest::new(0, 10))
                .await
                .map(|(_, total)| total)
                .unwrap_or_else(|e| panic!("{e}"))
        }
    };
    let typed = |severity, alarm_type| AlarmFilter {
        severity,
        alarm_type,
        ..Default::default()
    };
    // The raise is a major trunk alarm.
    for scope in [Scope::All, Scope::Customer(a)] {
        let all = scope == Scope::All;
        let n = if all { 2 } else { 1 };
        assert_eq!(count(scope, typed(Some(Severity::Major), None)).await, n);
        assert_eq!(count(scope, typed(None, Some(AlarmType::Trunk))).await, n);
        assert_eq!(
            count(scope, typed(Some(Severity::Major), Some(AlarmType::Trunk))).await,
            n
        );
        assert_eq!(count(scope, typed(Some(Severity::Critical), None)).await, 0);
        assert_eq!(count(scope, typed(None, Some(AlarmType::Link))).await, 0);
    }
    let of_b = AlarmFilter {
        customer: Some(b),
        alarm_type: Some(AlarmType::Trunk),
        ..Default::default()
    };
    assert_eq!(count(Scope::All, of_b).await, 1);
}

#[tokio::test]
async fn alm_5_clear_a_type_keeps_ongoing() {
    let s = crate::testing::store().await;
    let a = customer(&s, "acme").await;
    s.raise_alarm(&raise(a, "k1", true, 1))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.raise_alarm(&raise(a, "k2", false, 1))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.raise_alarm(&raise(a, "k3", false, 1))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        s.clear_alarms_of_type(&AuditMeta::cli(), Scope::All, AlarmType::Trunk)
            .await
            .ok(),
        Some(2)
    );
    let (items, _) = s
        .list_alarms(
            Scope::All,
            &AlarmFilter::default(),
            None,
            PageRequest::new(0, 10),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(items.len(), 1);
    assert!(items[0].ongoing);
    assert_eq!(
        s.customer(Scope::All, a).await.map(|c| c.alarm_count).ok(),
        Some(1)
    );
    let sum = s
        .alarm_summary(Scope::All, &AlarmFilter::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (sum.total, sum.by_type.clone()),
        (1, vec![("trunk".to_string(), 1)])
    );
}

#[tokio::test]
async fn sys_2_connect_report_disconnect_drive_the_customer_status() {
    use patchbay_domain::system::{Refusal, Right};
    let s = crate::testing::store().await;
    let a = customer(&s, "acme").await;
    let c = s
        .customer(Scope::All, a)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (c.light.as_str(), c.status_code.as_str()),
        ("red", "waitingForInitialConnection")
    );
    s.record_refusal(a, Refusal::AuthorisationFailed)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let c = s
        .customer(Scope::All, a)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (c.light.as_str(), c.status_code.as_str()),
        ("amber", "authorisationFailed")
    );
    let (sys, _) = s
        .system_connected(a, "ipo-1", "node-a")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let report =
        crate::systems::tests::report_with("12.1", vec![Right::StatusRead, Right::Configuration]);
    s.system_report(a, sys, &report)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let c = s
        .customer(Scope::All, a)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (
            c.light.as_str(),
            c.status_code.as_str(),
            c.version.as_str(),
            c.system_name.as_str()
        ),
        ("green", "connectionSuccessful", "12.1", "ipo-1")
    );
    let at = s.system_connected_at(sys).await.unwrap_or(0);
    s.system_disconnected(a, sys, "node-a", at)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let c = s
        .customer(Scope::All, a)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (c.light.as_str(), c.status_code.as_str()),
        ("red", "unreachableSince")
    );
    assert_eq!(
        s.systems_of(a).await.map(|v| v[0].servers.len()).ok(),
        Some(1)
    );
    // Renamed on the system side: the live system, not the oldest row, decides the status.
    s.system_connected(a, "ipo-renamed", "node-a")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let c = s
        .customer(Scope::All, a)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (c.system_name.as_str(), c.light.as_str()),
        ("ipo-renamed", "amber")
    );
    let (renamed, _) = s
        .system_connected(a, "ipo-renamed", "node-a")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let at = s.system_connected_at(renamed).await.unwrap_or(0);
    s.system_disconnected(a, renamed, "node-a", at)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // A node that stops heart-beating releases its systems.
    s.system_connected(a, "ipo-1", "node-b")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.node_heartbeat("node-b", "")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert_eq!(
        s.release_systems(Some(std::time::Duration::from_millis(1)), None)
            .await
            .ok(),
        Some(1)
    );
    let d = s
        .dashboard(Scope::All)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.by_light, vec![("red".to_string(), 1)]);
}

fn ev(
    c: CustomerId,
    key: &str,
    change: patchbay_domain::alarm_ingest::Change,
) -> patchbay_domain::alarm_ingest::Event {
    patchbay_domain::alarm_ingest::Event {
        fingerprint: fingerprint(&c.to_string(), "sys", AlarmType::Trunk, key),
        customer: c.to_string(),
        system_name: "sys".into(),
        alarm_type: AlarmType::Trunk,
        change,
    }
}

fn up(at: i64) -> patchbay_domain::alarm_ingest::Change {
    patchbay_domain::alarm_ingest::Change::Raise {
        severity: Severity::Major,
        description: format!("down at {at}"),
        ongoing: true,
        at_ms: at,
    }
}

/// By key: (occurrences, last occurrence, ongoing).
async fn rows(s: &Store) -> std::collections::BTreeMap<String, (i64, i64, bool)> {
    let (items, _) = s
        .list_alarms(
            Scope::All,
            &AlarmFilter::default(),
            None,
            PageRequest::new(0, 100),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    items
        .into_iter()
        .map(|a| {
            (
                format!("{}:{}", a.customer_name, a.description),
                (a.occurrences, a.last_occurrence.as_millisecond(), a.ongoing),
            )
        })
        .collect()
}

/// ALM-1 at volume: a batch from several systems is applied as its events would be one by one,
/// a replayed event (its number already applied in its stream) counts nothing, a new stream starts
/// afresh, and events of a customer deleted meanwhile are dropped without failing the batch.
#[tokio::test]
async fn alm_1_alm_2_a_batch_applies_like_its_events_and_skips_replays() {
    use patchbay_domain::alarm_ingest::Change;
    let s = crate::testing::store().await;
    let a = customer(&s, "acme").await;
    let b = customer(&s, "bravo").await;
    let gone = customer(&s, "gone").await;
    s.raise_alarm(&raise(a, "t1", true, 1000))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (sys_a, sys_b) = (
        patchbay_domain::SystemId::new(),
        patchbay_domain::SystemId::new(),
    );
    let s1: std::sync::Arc<str> = "stream-1".into();
    let seq = |system, stream: &std::sync::Arc<str>, n| {
        Some(Origin {
            system,
            stream: stream.clone(),
            seq: n,
        })
    };
    let batch = vec![
        IngestEvent {
            origin: seq(sys_a, &s1, 1),
            event: ev(a, "t1", up(3000)),
        },
        IngestEvent {
            origin: seq(sys_a, &s1, 2),
            event: ev(a, "t1", up(2000)),
        },
        IngestEvent {
            origin: seq(sys_a, &s1, 3),
            event: ev(a, "t2", up(2500)),
        },
        IngestEvent {
            origin: seq(sys_a, &s1, 5),
            event: ev(a, "t2", Change::Clear),
        },
        IngestEvent {
            origin: seq(sys_a, &s1, 6),
            event: ev(a, "none", Change::Clear),
        },
        IngestEvent {
            origin: seq(sys_b, &s1, 1),
            event: ev(b, "t3", up(100)),
        },
        // An older agent: no number, no skipping.
        IngestEvent {
            origin: None,
            event: ev(b, "t3", up(200)),
        },
    ];
    let done = s
        .apply_alarm_events(&batch)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (done.events, done.raises, done.new_alarms, done.replayed),
        (7, 5, 2, 0)
    );
    let want = [
        ("ACME:Trunk 1 down".to_string(), (1, 1000, true)),
        ("ACME:down at 2000".to_string(), (3, 3000, true)),
        ("ACME:down at 2500".to_string(), (1, 2500, false)),
        ("BRAVO:down at 200".to_string(), (2, 200, true)),
    ];
    // The first raise was replaced by the batch's latest description.
    let got = rows(&s).await;
    assert_eq!(got.len(), 3, "{got:?}");
    for (k, v) in want.iter().skip(1) {
        assert_eq!(got.get(k), Some(v), "{k}: {got:?}");
    }
    let st = &s;
    let count = |c| async move { st.customer(Scope::All, c).await.map(|c| c.alarm_count).ok() };
    assert_eq!((count(a).await, count(b).await), (Some(2), Some(1)));

    // The same batch again (the acknowledgement was lost): only the unnumbered event counts.
    let again = s
        .apply_alarm_events(&batch)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((again.events, again.replayed), (1, 6));
    let got = rows(&s).await;
    assert_eq!(got.get("ACME:down at 2000"), Some(&(3, 3000, true)));
    assert_eq!(got.get("BRAVO:down at 200"), Some(&(3, 200, true)));

    // A new stream of the same system (its spool was created afresh) starts from any number;
    // a customer deleted meanwhile loses its events, the rest of the batch stands.
    s.delete_customers(&AuditMeta::cli(), Scope::All, &[gone])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let s2: std::sync::Arc<str> = "stream-2".into();
    let next = s
        .apply_alarm_events(&[
            IngestEvent {
                origin: seq(sys_a, &s2, 1),
                event: ev(a, "t1", up(4000)),
            },
            IngestEvent {
                origin: seq(sys_b, &s1, 2),
                event: ev(gone, "t9", up(4000)),
            },
        ])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((next.events, next.orphaned, next.replayed), (1, 1, 0));
    assert_eq!(
        rows(&s).await.get("ACME:down at 4000"),
        Some(&(4, 4000, true))
    );
    assert_eq!((count(a).await, count(b).await), (Some(2), Some(1)));
}
