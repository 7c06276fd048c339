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
    use crate::systems::{ServerInfo, SystemReport};
    use patchbay_domain::system::{Profile, Refusal, RemoteFlags, Right, ServiceAccountState};
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
    let report = SystemReport {
        profile: Profile::ServerEdition,
        version: "12.1".into(),
        address: "10.0.0.1".into(),
        port: 443,
        flags: RemoteFlags {
            central_management: true,
            ..Default::default()
        },
        account: ServiceAccountState {
            rights: vec![Right::StatusRead, Right::Configuration],
            ..Default::default()
        },
        servers: vec![ServerInfo {
            name: "ipo-1".into(),
            role: "primary".into(),
            address: "10.0.0.1".into(),
            version: "12.1".into(),
            state: "online".into(),
        }],
        time_zone: String::new(),
        phone_firmware: String::new(),
        tunnels: Vec::new(),
    };
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
    s.node_heartbeat("node-b")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        s.release_systems(crate::now_ms() + 1, None).await.ok(),
        Some(1)
    );
    let d = s
        .dashboard(Scope::All)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.by_light, vec![("red".to_string(), 1)]);
}
