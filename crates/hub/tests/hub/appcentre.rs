//! APC-1: the application centre measures each of Patchbay's components (not assumed), lists every
//! hub node, and raises the hub's own alarms when one is unhealthy — a silent node, an identity
//! certificate within 90 days of its end (CRT-1's alarm) — and ends them when it recovers.

use crate::common::*;
use crate::fixtures;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn component<'a>(v: &'a Value, code: &str) -> &'a Value {
    v["components"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["component"] == code))
        .unwrap_or_else(|| panic!("no {code} in {v}"))
}

fn ongoing<'a>(v: &'a Value, code: &str) -> Option<&'a Value> {
    v["alarms"].as_array().and_then(|a| {
        a.iter()
            .find(|x| x["component"] == code && x["ongoing"] == true)
    })
}

/// A self-signed identity for localhost valid `days` more days.
fn identity_valid_for(days: i64) -> (String, String) {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap_or_else(|e| panic!("{e}"));
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(days);
    let key = rcgen::KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
    let cert = params.self_signed(&key).unwrap_or_else(|e| panic!("{e}"));
    (cert.pem(), key.serialize_pem())
}

#[tokio::test]
async fn apc_1_components_are_measured_and_an_unhealthy_one_raises_a_hub_alarm() {
    let hub = TestHub::start_with(|c| {
        c.registrar_probe = None;
        c.public_address = Some("localhost".into());
    })
    .await;
    let path = "/v1/operations/applicationCentre";
    let (s, v) = hub.get(&hub.admin_token, path).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // Measured: a real round trip, a real blob probe, the migrations the database holds.
    let db = component(&v, "database");
    assert_eq!(db["health"], "ok", "{db}");
    assert!(
        db["facts"]["latency"]
            .as_str()
            .unwrap_or("")
            .ends_with(" ms"),
        "{db}"
    );
    let migrations = db["facts"]["migrations"].as_str().unwrap_or("");
    let (applied, known) = migrations
        .split_once(' ')
        .map(|(n, _)| n)
        .and_then(|n| n.split_once('/'))
        .unwrap_or(("", "-"));
    assert_eq!(applied, known, "every migration applied: {db}");
    assert!(!db["version"].as_str().unwrap_or("").is_empty(), "{db}");
    assert_eq!(component(&v, "blobStore")["health"], "ok");
    assert_eq!(component(&v, "mailer")["facts"]["queue"], "0");
    assert_eq!(component(&v, "agentGateway")["facts"]["connected"], "0");
    assert_eq!(component(&v, "identityCertificate")["health"], "ok");
    let nodes = v["nodes"].as_array().cloned().unwrap_or_default();
    assert_eq!(nodes.len(), 1, "{v}");
    assert_eq!(nodes[0]["silent"], false);
    assert!(
        !nodes[0]["version"].as_str().unwrap_or("").is_empty(),
        "{v}"
    );
    assert!(v["alarms"].as_array().is_some_and(|a| a.is_empty()), "{v}");

    // A second node that stops beating: the nodes component is unhealthy and raises an alarm.
    let (node2, _) = hub.second_node().await;
    let (_, v) = hub.get(&hub.admin_token, path).await;
    assert_eq!(v["nodes"].as_array().map(Vec::len), Some(2), "{v}");
    let second = node2.state.agents.node_id.clone();
    node2.shutdown().await;
    // A clean stop removes its row; a crash leaves it with its last heartbeat, a minute ago
    // here (not waiting the 30 s out).
    let aged = jiff::Timestamp::now().as_millisecond() - 60_000;
    hub.store()
        .exec_admin(&format!(
            "INSERT INTO hub_nodes (id, started_at, heartbeat_at, agent_url, version) \
             VALUES ('{second}', {aged}, {aged}, '', '0.1.0')"
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // CRT-1: an identity within 90 days of its end raises its alarm too.
    let (cert, key) = identity_valid_for(30);
    let r = hub
        .put(
            &hub.admin_token,
            "/v1/operations/certificates/identity",
            json!({ "certificatePem": cert, "keyPem": key }),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    patchbay_hub::service::appcentre::sweep(&hub.running.state).await;
    let (_, v) = hub.get(&hub.admin_token, path).await;
    assert_eq!(component(&v, "nodes")["health"], "unhealthy", "{v}");
    let nodes_alarm = ongoing(&v, "nodes").unwrap_or_else(|| panic!("no nodes alarm: {v}"));
    assert_eq!(nodes_alarm["severity"], "major");
    assert!(nodes_alarm["description"]
        .as_str()
        .unwrap_or("")
        .contains(&second));
    assert_eq!(component(&v, "identityCertificate")["health"], "degraded");
    let cert_alarm =
        ongoing(&v, "identityCertificate").unwrap_or_else(|| panic!("no certificate alarm: {v}"));
    assert_eq!(cert_alarm["severity"], "warning");

    // The console shows the same, and the dashboard points there.
    let browser = fixtures::admin_browser(&hub, "apcadmin").await;
    let (status, html, _) = browser.get("/com/appcentre").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("data-component=\"nodes\" data-health=\"unhealthy\""),
        "{html}"
    );
    assert!(html.contains(&format!("data-node=\"{second}\" data-silent=\"true\"")));
    assert!(html.contains("data-alarm=\"identityCertificate\" data-ongoing=\"true\""));
    let (_, dash, _) = browser.get("/com/dashboard").await;
    assert!(dash.contains("id=\"apc-warning\""), "the dashboard warns");

    // Recovered: the node is gone for a day, the identity renewed — the alarms end.
    let long_ago = jiff::Timestamp::now().as_millisecond() - 2 * 86_400_000;
    hub.store()
        .exec_admin(&format!(
            "UPDATE hub_nodes SET heartbeat_at = {long_ago} WHERE id = '{second}'"
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let r = hub
        .post(
            &hub.admin_token,
            "/v1/operations/certificates/identity/regenerate",
            json!({}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    patchbay_hub::service::appcentre::sweep(&hub.running.state).await;
    let (_, v) = hub.get(&hub.admin_token, path).await;
    assert!(ongoing(&v, "nodes").is_none(), "{v}");
    assert!(ongoing(&v, "identityCertificate").is_none(), "{v}");
    assert_eq!(
        v["alarms"].as_array().map(Vec::len),
        Some(2),
        "ended, still listed: {v}"
    );
    let (_, dash, _) = browser.get("/com/dashboard").await;
    assert!(!dash.contains("id=\"apc-warning\""));

    // Administrators only.
    let (_, operator) = fixtures::staff(&hub, "apcop", patchbay_domain::Role::Operator).await;
    let (status, _, _) = operator.get("/com/appcentre").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    hub.stop().await;
}
