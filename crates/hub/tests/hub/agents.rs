//! The real agent (the `patchbay-agent` library, the code the binary runs) against the real hub
//! over TLS WebSockets: SYS-1 … SYS-7, ALM-1/2, and tenant isolation through the API (TEN-4).

use crate::common::*;
use crate::fixtures::{self, agent, system, SERVICE_PASSWORD};
use patchbay_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

/// A customer named after the customer ID its agent logs in with; `extra` is merged into the body.
async fn customer(hub: &TestHub, cid: &str, extra: Value) -> String {
    fixtures::customer(hub, &format!("Customer {cid}"))
        .customer_id(cid)
        .merge(extra)
        .await
        .to_string()
}

/// Poll the customer until `pred` holds (15 s at most); returns the last JSON.
async fn wait_customer(
    hub: &TestHub,
    id: &str,
    what: &str,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    let mut last = Value::Null;
    for _ in 0..150 {
        let (_, v) = hub
            .get(&hub.admin_token, &format!("/v1/operations/customers/{id}"))
            .await;
        if pred(&v) {
            return v;
        }
        last = v;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}: {last}");
}

fn status_is(code: &'static str) -> impl Fn(&Value) -> bool {
    move |v| v["status"] == code
}

#[tokio::test]
async fn sys_1_sys_6_sys_7_agent_connects_authenticates_and_reports_its_servers() {
    let hub = TestHub::start().await;
    let id = customer(&hub, "acme", json!({})).await;
    let (_, before) = hub
        .get(&hub.admin_token, &format!("/v1/operations/customers/{id}"))
        .await;
    assert_eq!(
        (before["connectivity"].as_str(), before["status"].as_str()),
        (Some("red"), Some("waitingForInitialConnection"))
    );
    let port = hub.running.addr.port();
    let extra = format!(
        "[[servers]]\nname = \"sec-1\"\nrole = \"secondary\"\naddress = \"10.0.0.11\"\nversion = \"12.1.0.0.123\"\ncheck = \"tcp://127.0.0.1:{port}\"\n\
         [[servers]]\nname = \"app-1\"\nrole = \"application\"\naddress = \"10.0.0.12\"\nversion = \"12.1.0.0.123\"\n"
    );
    let (stop, _) = agent(&hub, "acme")
        .system("ipo-paris")
        .profile("server-edition")
        .extra(&extra)
        .start();
    let c = wait_customer(&hub, &id, "green", |v| {
        v["connectivity"] == "green" && v["version"] == "12.1.0.0.123"
    })
    .await;
    assert_eq!(c["status"], "connectionSuccessful");
    assert_eq!(c["systemName"], "ipo-paris");
    assert_eq!(c["profile"], "server-edition");
    let (_, systems) = hub
        .get(
            &hub.admin_token,
            &format!("/v1/operations/customers/{id}/systems"),
        )
        .await;
    let servers: Vec<(String, String)> = systems["items"][0]["servers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or("").to_string(),
                s["role"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        servers,
        [
            ("ipo-paris".into(), "primary".into()),
            ("sec-1".into(), "secondary".into()),
            ("app-1".into(), "application".into())
        ]
    );
    assert_eq!(
        systems["items"][0]["remoteOperations"]["remoteAccess"],
        true
    );
    assert_eq!(systems["items"][0]["connected"], true);
    // Test connection succeeds now.
    let r = hub
        .api(
            &hub.admin_token,
            Method::POST,
            &format!("/v1/operations/customers/{id}/actions/testConnection/invoke"),
            None,
        )
        .await;
    let t: Value = r.json().await.unwrap_or_default();
    assert_eq!(t["ok"], true, "{t}");
    // Connection lost → offline since <duration>.
    stop.cancel();
    let c = wait_customer(&hub, &id, "offline", status_is("unreachableSince")).await;
    assert_eq!(c["connectivity"], "red");
    assert!(
        c["statusMessage"]
            .as_str()
            .unwrap_or("")
            .starts_with("System unreachable or offline since"),
        "{c}"
    );
    let r = hub
        .api(
            &hub.admin_token,
            Method::POST,
            &format!("/v1/operations/customers/{id}/actions/testConnection/invoke"),
            None,
        )
        .await;
    let t: Value = r.json().await.unwrap_or_default();
    assert_eq!(t["ok"], false);
    assert_eq!(t["status"], "unreachableSince");
    hub.stop().await;
}

#[tokio::test]
async fn sys_3_each_refusal_comes_from_its_real_condition() {
    let hub = TestHub::start().await;
    // Wrong password → authorisation failed.
    let a = customer(&hub, "wrong-pw", json!({})).await;
    let (stop, _) = agent(&hub, "wrong-pw")
        .password("not-the-password")
        .system("s-a")
        .start();
    wait_customer(&hub, &a, "authorisation failed", |v| {
        v["status"] == "authorisationFailed" && v["connectivity"] == "amber"
    })
    .await;
    // …and repeated wrong passwords lock the service account for a while.
    wait_customer(
        &hub,
        &a,
        "temporarily locked",
        status_is("temporarilyLocked"),
    )
    .await;
    stop.cancel();
    // Unknown service user → invalid credentials.
    let b = customer(&hub, "wrong-user", json!({})).await;
    let (stop, _) = agent(&hub, "wrong-user")
        .user("NotComAdmin")
        .system("s-b")
        .start();
    wait_customer(
        &hub,
        &b,
        "invalid credentials",
        status_is("invalidCredentials"),
    )
    .await;
    stop.cancel();
    // Service account disabled on the customer entry → disabled by administrator.
    let c = customer(&hub, "disabled", json!({"serviceDisabled": true})).await;
    let (stop, _) = agent(&hub, "disabled").system("s-c").start();
    wait_customer(&hub, &c, "disabled", status_is("disabledByAdministrator")).await;
    stop.cancel();
    // Legacy profile → legacy (monitoring only).
    let d = customer(&hub, "old", json!({})).await;
    let (stop, _) = agent(&hub, "old").system("s-d").profile("legacy").start();
    wait_customer(&hub, &d, "legacy", status_is("legacy")).await;
    stop.cancel();
    // Rights the system grants its service account.
    let e = customer(&hub, "rights", json!({})).await;
    let (stop, _) = agent(&hub, "rights")
        .system("s-e")
        .rights("\"status-read\"")
        .start();
    wait_customer(
        &hub,
        &e,
        "insufficient rights",
        status_is("insufficientRights"),
    )
    .await;
    stop.cancel();
    let f = customer(&hub, "norights", json!({})).await;
    let (stop, _) = agent(&hub, "norights")
        .system("s-f")
        .rights("")
        .extra("password_expired = true\n")
        .start();
    wait_customer(&hub, &f, "password expired", status_is("passwordExpired")).await;
    stop.cancel();
    // Never connected.
    let g = customer(&hub, "never", json!({})).await;
    let (_, v) = hub
        .get(&hub.admin_token, &format!("/v1/operations/customers/{g}"))
        .await;
    assert_eq!(v["status"], "waitingForInitialConnection");
    hub.stop().await;
}

#[tokio::test]
async fn sys_3_too_many_simultaneous_sessions_for_one_customer() {
    let hub = TestHub::start().await;
    let id = customer(&hub, "crowd", json!({})).await;
    let limit = patchbay_domain::system::MAX_SESSIONS_PER_CUSTOMER as usize;
    let mut stops = Vec::new();
    for i in 0..limit {
        let node = format!("node-{i}");
        stops.push(agent(&hub, "crowd").system(&node).start().0);
    }
    for _ in 0..150 {
        if hub
            .store()
            .connected_systems(id.parse().unwrap_or_default(), "")
            .await
            .unwrap_or(0)
            == limit as i64
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        hub.store()
            .connected_systems(id.parse().unwrap_or_default(), "")
            .await
            .unwrap_or(0),
        limit as i64
    );
    stops.push(agent(&hub, "crowd").system("one-too-many").start().0);
    // The ninth is refused and the refusal recorded; the eight stay connected.
    let mut refused = false;
    for _ in 0..150 {
        if last_refusal(&hub, &id).await.as_deref() == Some("tooManySessions") {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        hub.store()
            .connected_systems(id.parse().unwrap_or_default(), "")
            .await
            .unwrap_or(0),
        limit as i64
    );
    assert!(
        refused,
        "the ninth system must be refused with tooManySessions"
    );
    for s in stops {
        s.cancel();
    }
    hub.stop().await;
}

async fn last_refusal(hub: &TestHub, id: &str) -> Option<String> {
    hub.store()
        .customer_last_refusal(id.parse().ok()?)
        .await
        .ok()
        .flatten()
}

#[tokio::test]
async fn sys_5_a_report_changed_while_disconnected_is_written_at_the_reconnection() {
    let hub = TestHub::start().await;
    let id = customer(&hub, "relay", json!({})).await;
    let (stop, _) = agent(&hub, "relay").version("12.1.0.0.123").start();
    wait_customer(&hub, &id, "first report", |v| {
        v["version"] == "12.1.0.0.123"
    })
    .await;
    stop.cancel();
    wait_customer(&hub, &id, "disconnected", status_is("unreachableSince")).await;
    // The same system comes back upgraded: its report differs from the one written.
    let (stop, _) = agent(&hub, "relay").version("12.2.0.0.7").start();
    wait_customer(&hub, &id, "new version", |v| {
        v["version"] == "12.2.0.0.7" && v["status"] == "connectionSuccessful"
    })
    .await;
    stop.cancel();
    wait_customer(
        &hub,
        &id,
        "disconnected again",
        status_is("unreachableSince"),
    )
    .await;
    // And back with the report it had before that: written again too.
    let (stop, _) = agent(&hub, "relay").version("12.1.0.0.123").start();
    wait_customer(&hub, &id, "old version", |v| {
        v["version"] == "12.1.0.0.123" && v["status"] == "connectionSuccessful"
    })
    .await;
    stop.cancel();
    hub.stop().await;
}

#[tokio::test]
async fn sys_1_agent_reconnects_after_a_hub_restart_and_keeps_reporting() {
    let hub = TestHub::start().await;
    let id = customer(&hub, "phoenix", json!({})).await;
    let (stop, dir) = agent(&hub, "phoenix").start();
    wait_customer(&hub, &id, "green", status_is("connectionSuccessful")).await;
    let hub = hub.restart().await;
    // After the restart the agent is back; a changed report arrives.
    wait_customer(&hub, &id, "reconnected", status_is("connectionSuccessful")).await;
    let toml = std::fs::read_to_string(dir.join("system.toml"))
        .unwrap_or_default()
        .replace("12.1.0.0.123", "12.2.0.0.7");
    std::fs::write(dir.join("system.toml"), toml).unwrap_or_else(|e| panic!("{e}"));
    wait_customer(&hub, &id, "new version", |v| v["version"] == "12.2.0.0.7").await;
    stop.cancel();
    hub.stop().await;
}

#[tokio::test]
async fn alm_1_alm_2_alarms_from_the_agent_raise_dedup_and_end() {
    let hub = TestHub::start().await;
    let id = customer(&hub, "noisy", json!({})).await;
    let (stop, dir) = agent(&hub, "noisy").start();
    wait_customer(&hub, &id, "green", status_is("connectionSuccessful")).await;
    let lines = [
        r#"{"event":"raise","severity":"major","type":"trunk","description":"SIP trunk 1 down","key":"trunk-1","ongoing":true}"#,
        r#"{"event":"raise","severity":"major","type":"trunk","description":"SIP trunk 1 down","key":"trunk-1","ongoing":true}"#,
        r#"{"event":"raise","severity":"warning","type":"security","description":"Fatal error on connection from 27.59.61.121","key":"tls-fatal","ongoing":false}"#,
    ];
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(dir.join("alarms.jsonl"))
        .unwrap_or_else(|e| panic!("{e}"));
    for l in lines {
        writeln!(f, "{l}").unwrap_or_else(|e| panic!("{e}"));
    }
    drop(f);
    let url = format!("/v1/operations/alarms?customerId={id}&sortBy=alarmType");
    let mut v = Value::Null;
    for _ in 0..150 {
        v = hub.get(&hub.admin_token, &url).await.1;
        let trunk = v["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["alarmType"] == "trunk")
            .cloned();
        if v["items"].as_array().map(Vec::len) == Some(2)
            && trunk.is_some_and(|t| t["occurrences"] == 2)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let items = v["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2, "{v}");
    let trunk = items
        .iter()
        .find(|a| a["alarmType"] == "trunk")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            trunk["occurrences"].clone(),
            trunk["ongoing"].clone(),
            trunk["severity"].clone()
        ),
        (json!(2), json!(true), json!("major"))
    );
    let c = wait_customer(&hub, &id, "alarm count", |v| v["alarmCount"] == 2).await;
    assert_eq!(c["alarmCount"], 2);
    // Ongoing: refused.
    let r = hub
        .post(
            &hub.admin_token,
            "/v1/operations/alarms/actions/clear/invoke",
            json!({"ids": [trunk["id"]]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // The system clears the condition; then the operator may clear the row.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("alarms.jsonl"))
        .unwrap_or_else(|e| panic!("{e}"));
    writeln!(f, r#"{{"event":"clear","type":"trunk","key":"trunk-1"}}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    drop(f);
    for _ in 0..150 {
        let v = hub.get(&hub.admin_token, &url).await.1;
        if v["items"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|a| a["alarmType"] == "trunk" && a["ongoing"] == false)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let r = hub
        .post(
            &hub.admin_token,
            "/v1/operations/alarms/actions/clear/invoke",
            json!({"ids": [trunk["id"]]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v = hub.get(&hub.admin_token, &url).await.1;
    assert_eq!(v["items"].as_array().map(Vec::len), Some(1));
    stop.cancel();
    hub.stop().await;
}

#[tokio::test]
async fn ten_4_operator_never_sees_another_customers_row_system_alarm_or_figure() {
    let hub = TestHub::start().await;
    let (op_id, op) = hub.account("op-a", Role::Operator).await;
    let a = customer(
        &hub,
        "tenant-a",
        json!({"operators": [op_id], "tags": ["alpha"]}),
    )
    .await;
    let b = customer(
        &hub,
        "tenant-b",
        json!({"tags": ["bravo"], "notes": "secret-b"}),
    )
    .await;
    for (cid, name) in [(&a, "sys-a"), (&b, "sys-b")] {
        let c = cid.parse().unwrap_or_default();
        system(&hub, c, name).connect().await;
        hub.store()
            .raise_alarm(&patchbay_store::alarms::AlarmRaise {
                customer: c,
                system_name: name,
                severity: patchbay_domain::alarm::Severity::Critical,
                alarm_type: patchbay_domain::alarm::AlarmType::Link,
                description: "Link down",
                key: "link",
                ongoing: false,
                at_ms: 1,
            })
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let (_, list) = hub.get(&op, "/v1/operations/customers").await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids, [a.as_str()]);
    for q in [
        "search=tenant-b",
        "search=secret-b",
        "tag=bravo",
        "connectivity=green&search=b",
    ] {
        let (_, v) = hub.get(&op, &format!("/v1/operations/customers?{q}")).await;
        assert!(
            v["items"]
                .as_array()
                .into_iter()
                .flatten()
                .all(|c| c["id"] != b.as_str()),
            "{q}: {v}"
        );
    }
    for path in [
        format!("/v1/operations/customers/{b}"),
        format!("/v1/operations/customers/{b}/systems"),
        format!("/v1/operations/customers/{b}/assignedAccounts"),
    ] {
        let (s, _) = hub.get(&op, &path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    let r = hub
        .api(
            &op,
            Method::POST,
            &format!("/v1/operations/customers/{b}/actions/testConnection/invoke"),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (_, alarms) = hub.get(&op, "/v1/operations/alarms").await;
    assert!(alarms["items"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|x| x["customerId"] == a.as_str()));
    assert_eq!(alarms["items"].as_array().map(Vec::len), Some(1));
    let (_, alarms) = hub
        .get(&op, &format!("/v1/operations/alarms?customerId={b}"))
        .await;
    assert_eq!(alarms["items"].as_array().map(Vec::len), Some(0));
    let (_, all) = hub
        .get(
            &hub.admin_token,
            &format!("/v1/operations/alarms?customerId={b}"),
        )
        .await;
    let b_alarm = all["items"][0]["id"].clone();
    let r = hub
        .post(
            &op,
            "/v1/operations/alarms/actions/clear/invoke",
            json!({"ids": [b_alarm]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (_, sum) = hub.get(&op, "/v1/operations/alarms/summary").await;
    assert_eq!(sum["total"], 1);
    let (_, d) = hub.get(&op, "/v1/operations/dashboard").await;
    assert_eq!(d["customers"], 1);
    assert_eq!(d["tags"], json!([{"key": "alpha", "count": 1}]));
    let (_, d) = hub.get(&hub.admin_token, "/v1/operations/dashboard").await;
    assert_eq!(d["customers"], 2);
    // Distributor counts are not shown to an Operator.
    let (_, ds) = hub.get(&op, "/v1/operations/distributors").await;
    assert!(ds["items"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|d| d["customers"].is_null()));
    // CUS-3: a label equal to the reseller's name assigns automatically.
    let dist = fixtures::distributor(&hub, "Northwind").await;
    let res = fixtures::reseller(&hub, &dist, "Alpine").await;
    let providers = json!({"distributorId": dist, "resellerId": res});
    let r = hub
        .put(
            &hub.admin_token,
            &format!("/v1/operations/customers/{b}"),
            providers,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, labelled) = hub
        .account_with("op-alpine", Role::Operator, |f| {
            f.labels = vec!["alpine".into()]
        })
        .await;
    let (_, v) = hub.get(&labelled, "/v1/operations/customers").await;
    let ids: Vec<&str> = v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids, [b.as_str()]);
    // Provider names are scoped too: the unlabelled Operator knows of none, the labelled one of its own.
    let names = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d["name"].as_str().map(str::to_string))
            .collect()
    };
    let (_, ds) = hub.get(&op, "/v1/operations/distributors").await;
    assert!(names(&ds).is_empty(), "{ds}");
    let (_, ds) = hub.get(&labelled, "/v1/operations/distributors").await;
    assert_eq!(names(&ds), ["Northwind"]);
    let (_, rs) = hub.get(&op, "/v1/operations/resellers").await;
    assert!(names(&rs).is_empty(), "{rs}");
    // Only Administrators shape the provider tree.
    let r = hub
        .post(&op, "/v1/operations/distributors", json!({"name": "Rogue"}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let rename = json!({"name": "Alpine"});
    let r = hub
        .put(&op, &format!("/v1/operations/distributors/{dist}"), rename)
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // An Operator may assign itself to a customer it adds, nobody else.
    let r = hub.post(&op, "/v1/operations/customers", json!({"name": "Op's", "customerId": "ops-own", "servicePassword": SERVICE_PASSWORD, "operators": [op_id]})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let (other_id, _) = hub.account("op-other", Role::Operator).await;
    let r = hub.post(&op, "/v1/operations/customers", json!({"name": "Op's 2", "customerId": "ops-two", "servicePassword": SERVICE_PASSWORD, "operators": [other_id]})).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let (_, assigned) = hub
        .get(
            &hub.admin_token,
            &format!("/v1/operations/customers/{b}/assignedAccounts"),
        )
        .await;
    assert_eq!(assigned["items"][0]["loginName"], "op-alpine");
    assert_eq!(assigned["items"][0]["manual"], false);
    hub.stop().await;
}

/// ALM-1 back-pressure: a hub whose alarm queue is filling tells the agent to pause
/// (`retryAfterMs`), and holds it back (reads nothing from it) while the queue is full. Every
/// alarm arrives, once.
#[tokio::test]
async fn alm_1_a_filling_ingest_queue_pauses_the_agent_and_loses_nothing() {
    let hub = TestHub::start_with(|c| c.alarm_queue = 512).await;
    let id = customer(&hub, "flood", json!({})).await;
    let (stop, dir) = agent(&hub, "flood").start();
    wait_customer(&hub, &id, "green", status_is("connectionSuccessful")).await;
    const N: usize = 4_000;
    let text: String = (0..N)
        .map(|i| {
            format!(
                "{{\"event\":\"raise\",\"severity\":\"minor\",\"type\":\"qos\",\"description\":\"flood {i:05}\"}}\n"
            )
        })
        .collect();
    std::fs::write(dir.join("alarms.jsonl"), text).unwrap_or_else(|e| panic!("{e}"));
    let counted = wait_customer(&hub, &id, "every alarm", |v| {
        v["alarmCount"].as_u64().unwrap_or_default() >= N as u64
    })
    .await;
    assert_eq!(counted["alarmCount"], N as u64);
    let stats = &hub.running.state.ingest.stats;
    assert!(
        stats.slowed.load(std::sync::atomic::Ordering::Relaxed) > 0,
        "the queue never filled: the test proves nothing"
    );
    let mut occurrences = 0;
    for start in (0..N).step_by(1000) {
        let (_, page) = hub
            .get(
                &hub.admin_token,
                &format!("/v1/operations/alarms?customerId={id}&max=1000&start={start}"),
            )
            .await;
        for a in page["items"].as_array().into_iter().flatten() {
            assert_eq!(a["occurrences"], 1, "{a}");
            occurrences += 1;
        }
    }
    assert_eq!(occurrences, N);
    stop.cancel();
    hub.stop().await;
}
