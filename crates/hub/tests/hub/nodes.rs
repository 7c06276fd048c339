//! Scale-out: several `patchbay serve` nodes on one database. A command issued through node B for
//! an agent held by node A reaches it (PostgreSQL `LISTEN/NOTIFY`); the outbox sends each mail
//! once; a periodic task runs once per period across the nodes; and every node answers
//! `/metrics` for Prometheus.
//!
//! Two nodes on one SQLite file stand in for the same layout where PostgreSQL is not given: SQLite
//! has no notices, so there a command for another node's agent is refused as such — never left
//! to time out.

use crate::common::*;
use crate::fixtures::customer;
use crate::mail::smtp_sink;
use crate::remote::{connect_over, proxy_tls_at, ssh_customer, DOMAIN, PROXY_PASSWORD, PROXY_USER};
use patchbay_store::audit::AuditMeta;
use patchbay_store::outbox::NewMail;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn on_postgres() -> bool {
    std::env::var("PATCHBAY_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

/// The value of the sample `name` (with its labels, as exposed) in a `/metrics` text.
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

async fn metrics_of(hub: &TestHub, base: &str) -> String {
    let r = hub
        .client()
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), 200);
    r.text().await.unwrap_or_default()
}

#[tokio::test]
async fn scale_out_rmt_3_a_stream_asked_on_node_b_reaches_the_agent_held_by_node_a() {
    let hub = TestHub::start().await;
    let (node_b, base_b) = hub.second_node().await;
    // Acme's agent connects to node A (the first node).
    let _agent = ssh_customer(&hub, b"SSH-2.0-NodeA\r\n").await;
    let proxy_b = node_b
        .proxy_addr
        .unwrap_or_else(|| panic!("node B's proxy does not listen"));
    let target = format!("acme.maint.{DOMAIN}:22");
    let s = proxy_tls_at(&hub, proxy_b).await;
    let (a, mut s) = connect_over(s, &target, Some((PROXY_USER, PROXY_PASSWORD))).await;
    if !on_postgres() {
        // SQLite carries no notices between nodes: refused at once, saying why.
        assert_eq!(a.status, 503, "{a:?}");
        assert!(a.reason.contains("another hub node"), "{a:?}");
        node_b.shutdown().await;
        hub.stop().await;
        return;
    }
    assert_eq!(a.status, 200, "{a:?}");
    let payload = b"hello through node B".to_vec();
    s.write_all(&payload)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.shutdown().await.unwrap_or_else(|e| panic!("{e}"));
    let mut got = a.rest.clone();
    tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut got))
        .await
        .unwrap_or_else(|_| panic!("the stream never ended"))
        .ok();
    let banner = b"SSH-2.0-NodeA\r\n";
    assert!(got.starts_with(banner), "{got:?}");
    assert_eq!(&got[banner.len()..], &payload[..]);
    // Node B carried it (the session is its), node A handed the request over.
    let sessions = hub
        .store()
        .list_remote_sessions(
            &Default::default(),
            None,
            patchbay_store::PageRequest::new(0, 10),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .items;
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].node_id, node_b.state.agents.node_id);
    let (a_text, b_text) = (
        metrics_of(&hub, &hub.base).await,
        metrics_of(&hub, &base_b).await,
    );
    assert_eq!(
        sample(&b_text, "patchbay_node_commands_total{direction=\"sent\"}"),
        Some(1.0),
        "{b_text}"
    );
    assert_eq!(
        sample(
            &a_text,
            "patchbay_node_commands_total{direction=\"received\"}"
        ),
        Some(1.0),
        "{a_text}"
    );
    node_b.shutdown().await;
    hub.stop().await;
}

#[tokio::test]
async fn scale_out_two_nodes_send_each_queued_mail_exactly_once() {
    let (port, got) = smtp_sink().await;
    let smtp = format!("smtp://127.0.0.1:{port}");
    let hub = TestHub::start_with(|c| c.smtp_url = Some(smtp.clone())).await;
    let (node_b, _) = hub
        .second_node_with(|c| c.smtp_url = Some(smtp.clone()))
        .await;
    let mails: Vec<NewMail> = (0..40)
        .map(|i| NewMail {
            to: format!("noc{i}@example.net"),
            subject: format!("Message {i:02}"),
            body: "Both nodes see this message; one sends it.".into(),
            target_type: "account",
            target_id: format!("a{i}"),
            target_name: format!("noc{i}"),
            sensitive: false,
        })
        .collect();
    hub.store()
        .enqueue_mail(&AuditMeta::system(), &mails, "queued")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut sent = 0;
    for _ in 0..300 {
        let counts = hub.store().outbox_counts().await.unwrap_or_default();
        sent = counts
            .iter()
            .find(|(s, _)| s == "sent")
            .map_or(0, |(_, n)| *n);
        if sent == 40 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(sent, 40);
    // Both mailers tick every 2 s: give them time to send anything twice.
    tokio::time::sleep(Duration::from_millis(4_500)).await;
    let got = got.lock().map(|g| g.clone()).unwrap_or_default();
    let mut subjects: Vec<String> = got
        .iter()
        .filter_map(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("Subject: ").map(str::to_string))
        })
        .collect();
    subjects.sort();
    let expected: Vec<String> = (0..40).map(|i| format!("Message {i:02}")).collect();
    assert_eq!(subjects, expected, "each mail once, none lost");
    node_b.shutdown().await;
    hub.stop().await;
}

#[tokio::test]
async fn scale_out_a_periodic_task_runs_once_across_two_nodes_and_metrics_say_which() {
    let hub = TestHub::start().await;
    let (node_b, base_b) = hub.second_node().await;
    let mut runs = None;
    for _ in 0..100 {
        runs = hub
            .store()
            .periodic_runs("housekeeping")
            .await
            .unwrap_or(None);
        if runs.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (n, node) = runs.unwrap_or_else(|| panic!("the housekeeping never ran"));
    // Both nodes looked at start; one ran it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        hub.store()
            .periodic_runs("housekeeping")
            .await
            .ok()
            .flatten(),
        Some((1, node.clone()))
    );
    assert_eq!(n, 1);
    let name = "patchbay_periodic_runs_total{task=\"housekeeping\"}";
    let a = metrics_of(&hub, &hub.base).await;
    let b = metrics_of(&hub, &base_b).await;
    let total = sample(&a, name).unwrap_or(0.0) + sample(&b, name).unwrap_or(0.0);
    assert_eq!(total, 1.0, "{a}\n{b}");
    let ran_here = if node == hub.running.state.agents.node_id {
        &a
    } else {
        &b
    };
    assert_eq!(sample(ran_here, name), Some(1.0));
    node_b.shutdown().await;
    hub.stop().await;
}

#[tokio::test]
async fn scale_out_metrics_show_agents_ingest_requests_jobs_and_the_pool() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Acme").await;
    let (stop, dir) = crate::fixtures::agent(&hub, "acme").start();
    crate::jobs_api::connected(&hub, c).await;
    let (status, _) = hub.get(&hub.admin_token, "/v1/operations/customers").await;
    assert_eq!(status, 200);
    let r = hub
        .post(
            &hub.admin_token,
            "/v1/operations/jobs",
            serde_json::json!({"name": "Counted", "operation": "backup", "customerIds": [c.to_string()]}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let text = metrics_of(&hub, &hub.base).await;
    assert_eq!(
        sample(&text, "patchbay_agents_connected"),
        Some(1.0),
        "{text}"
    );
    assert!(sample(&text, "patchbay_agents_capacity").unwrap_or(0.0) > 0.0);
    assert!(sample(&text, "patchbay_open_files").unwrap_or(0.0) > 0.0);
    assert_eq!(sample(&text, "patchbay_alarm_queue_depth"), Some(0.0));
    assert!(sample(&text, "patchbay_alarm_queue_capacity").unwrap_or(0.0) > 0.0);
    assert!(text.contains("patchbay_alarm_events_applied_total "));
    assert!(
        text.lines().any(
            |l| l.starts_with("patchbay_http_request_duration_seconds_count{")
                && l.contains("route=\"/v1/operations/customers\"")
                && l.contains("status=\"200\"")
        ),
        "{text}"
    );
    assert!(sample(&text, "patchbay_db_pool_max").unwrap_or(0.0) >= 1.0);
    assert!(text.contains("patchbay_db_pool_connections{state=\"idle\"}"));
    assert!(
        text.lines()
            .any(|l| l.starts_with("patchbay_job_parts{status=") && l.ends_with(" 1")),
        "{text}"
    );
    assert!(text.trim_end().ends_with("# EOF"));
    stop.cancel();
    let _ = std::fs::remove_dir_all(dir);
    hub.stop().await;
}

#[tokio::test]
async fn scale_out_metrics_need_the_token_when_one_is_configured() {
    let hub = TestHub::start_with(|c| c.metrics_token = Some("scrape-Secret-1".into())).await;
    let url = hub.url("/metrics");
    let none = hub
        .client()
        .get(&url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(none.status(), 401);
    let wrong = hub
        .client()
        .get(&url)
        .bearer_auth("scrape-Secret-2")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(wrong.status(), 401);
    let right = hub
        .client()
        .get(&url)
        .bearer_auth("scrape-Secret-1")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(right.status(), 200);
    assert!(right
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/openmetrics-text")));
    hub.stop().await;
}

/// A WSS connection to the hub's agent gateway, trusting its identity.
pub(crate) async fn agent_socket(
    hub: &TestHub,
) -> tokio_tungstenite::WebSocketStream<crate::remote::ProxyStream> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls::pki_types::CertificateDer::pem_slice_iter(&hub.cert_pem).flatten() {
        roots.add(c).unwrap_or_else(|e| panic!("{e}"));
    }
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(hub.running.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let name =
        rustls::pki_types::ServerName::try_from("localhost").unwrap_or_else(|e| panic!("{e}"));
    let tls = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
        .connect(name, tcp)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let url = format!("wss://localhost:{}/agent", hub.running.addr.port());
    tokio_tungstenite::client_async(url, tls)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .0
}

#[tokio::test]
async fn scale_out_sys_1_a_busy_node_tells_agents_when_to_come_back_instead_of_timing_out() {
    use futures_util::{SinkExt, StreamExt};
    use patchbay_proto::{Envelope, Hello, Message};
    // No admission free: every agent finds the node busy admitting others.
    let hub = TestHub::start_with(|c| c.agent_admissions = 0).await;
    let acme = customer(&hub, "Acme").await;
    let mut ws = agent_socket(&hub).await;
    let hello = Envelope::new(
        "1",
        Message::Hello(Hello {
            customer_id: "acme".into(),
            service_user: "COMAdmin".into(),
            password: crate::fixtures::SERVICE_PASSWORD.into(),
            system_name: "ipo-1".into(),
            primary: true,
            agent_version: "test".into(),
            enrolment: None,
        }),
    );
    ws.send(tokio_tungstenite::tungstenite::Message::text(
        hello.to_json(),
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let started = std::time::Instant::now();
    let answer = tokio::time::timeout(Duration::from_secs(10), ws.next())
        .await
        .unwrap_or_else(|_| panic!("no answer from a busy node"));
    let text = match answer {
        Some(Ok(tokio_tungstenite::tungstenite::Message::Text(t))) => t.to_string(),
        other => panic!("{other:?}"),
    };
    let refused = match Envelope::from_json(&text).map(|e| e.message) {
        Ok(Message::Refused(r)) => r,
        other => panic!("{other:?}"),
    };
    assert_eq!(refused.status, "connectionFailed");
    // A node that was not busy before asks for the shortest wait (the line is empty).
    let retry = refused.retry_after_seconds.unwrap_or(0);
    assert_eq!(retry, 5);
    // Told at once (the admission wait), not after the agent's own 15 s timeout.
    assert!(started.elapsed() < Duration::from_secs(8));
    // Never admitted: not shown connected, and counted.
    let systems = hub
        .store()
        .systems_of(acme)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(systems.is_empty(), "{systems:?}");
    let text = metrics_of(&hub, &hub.base).await;
    assert_eq!(
        sample(&text, "patchbay_agents_busy_refusals_total"),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, "patchbay_agents_busy_retry_seconds"),
        Some(5.0)
    );
    hub.stop().await;
}
