//! CUS-7: the subscription e-mail, delivered to a real SMTP server (a minimal sink speaking the
//! protocol on loopback) or kept in the outbox when no relay is configured.

use crate::common::*;
use crate::fixtures;
use patchbay_domain::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Accepts SMTP sessions and keeps every message's DATA.
pub(crate) async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    sink(None).await
}

/// The same over implicit TLS (`smtps://`) with this certificate and key (PEM).
pub(crate) async fn smtps_sink(cert: &str, key: &str) -> (u16, Arc<Mutex<Vec<String>>>) {
    use rustls::pki_types::pem::PemObject;
    let chain = rustls::pki_types::CertificateDer::pem_slice_iter(cert.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{e}"));
    let key = rustls::pki_types::PrivateKeyDer::from_pem_slice(key.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap_or_else(|e| panic!("{e}"))
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap_or_else(|e| panic!("{e}"));
    sink(Some(tokio_rustls::TlsAcceptor::from(Arc::new(config)))).await
}

async fn sink(tls: Option<tokio_rustls::TlsAcceptor>) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let got = Arc::new(Mutex::new(Vec::new()));
    let store = got.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let store = store.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                match tls {
                    None => session(sock, store).await,
                    Some(acceptor) => {
                        // A client that refuses the certificate ends the handshake: no session.
                        if let Ok(s) = acceptor.accept(sock).await {
                            session(s, store).await;
                        }
                    }
                }
            });
        }
    });
    (port, got)
}

async fn session<S>(sock: S, store: Arc<Mutex<Vec<String>>>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (r, mut w) = tokio::io::split(sock);
    let mut lines = BufReader::new(r).lines();
    let _ = w.write_all(b"220 sink.test ESMTP\r\n").await;
    let mut data: Option<String> = None;
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(buf) = data.as_mut() {
            if line == "." {
                if let Ok(mut g) = store.lock() {
                    g.push(std::mem::take(buf));
                }
                data = None;
                let _ = w.write_all(b"250 2.0.0 queued\r\n").await;
            } else {
                buf.push_str(&line);
                buf.push('\n');
            }
            continue;
        }
        let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 sink.test\r\n",
            "DATA" => {
                data = Some(String::new());
                b"354 end with .\r\n"
            }
            "QUIT" => {
                let _ = w.write_all(b"221 bye\r\n").await;
                break;
            }
            _ => b"250 OK\r\n",
        };
        let _ = w.write_all(reply).await;
        let _ = w.flush().await;
    }
}

async fn customer(hub: &TestHub, cid: &str, email: &str) -> String {
    fixtures::customer(hub, &format!("Cust {cid}"))
        .customer_id(cid)
        .service_password("Never#InMail-42")
        .with("email", email)
        .await
        .to_string()
}

#[tokio::test]
async fn cus_7_subscription_email_delivered_over_smtp_without_the_password() {
    let (port, got) = smtp_sink().await;
    let hub = TestHub::start_with(|c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.public_address = Some("hub.example.net:7080".into());
    })
    .await;
    let a = customer(&hub, "acme", "it@acme.example").await;
    let b = customer(&hub, "nomail", "").await;
    let r = hub
        .post(
            &hub.admin_token,
            "/v1/operations/customers/actions/sendEmail/invoke",
            json!({"ids": [a, b]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap_or_default();
    assert_eq!(v, json!({"queued": 1, "skipped": ["Cust nomail"]}));
    let mut mail = String::new();
    for _ in 0..100 {
        if let Some(m) = got.lock().ok().and_then(|g| g.first().cloned()) {
            mail = m;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(mail.contains("To: it@acme.example"), "{mail}");
    assert!(mail.contains("Customer ID: acme"));
    assert!(mail.contains("wss://hub.example.net:7080"));
    assert!(
        !mail.contains("Never#InMail-42"),
        "the service password must never be mailed"
    );
    let mut status = Value::Null;
    for _ in 0..50 {
        let (_, o) = hub.get(&hub.admin_token, "/v1/operations/outbox").await;
        status = o["items"][0]["status"].clone();
        if status == "sent" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, "sent");
    hub.stop().await;
}

#[tokio::test]
async fn cus_7_without_a_relay_mail_is_kept_in_the_outbox_and_scoped() {
    let hub = TestHub::start().await;
    let a = customer(&hub, "acme", "it@acme.example").await;
    let (_, op) = hub.account("op", Role::Operator).await;
    // Not assigned: the Operator cannot mail this customer.
    let r = hub
        .post(
            &op,
            "/v1/operations/customers/actions/sendEmail/invoke",
            json!({"ids": [a]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = hub
        .post(
            &hub.admin_token,
            "/v1/operations/customers/actions/sendEmail/invoke",
            json!({"ids": [a]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, o) = hub.get(&hub.admin_token, "/v1/operations/outbox").await;
    assert_eq!(o["items"][0]["status"], "kept");
    assert_eq!(o["items"][0]["to"], "it@acme.example");
    // The console shows it to Administrators.
    let b = fixtures::admin_browser(&hub, "boss").await;
    let (s, html, _) = b.get("/com/outbox").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("it@acme.example"));
    let (s, html, _) = b.get(&format!("/com/customers/email?id={a}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"confirm-email\""));
    hub.stop().await;
}

/// UI-1: the subscription e-mail is written in the language asked for (API `language`, or the
/// console's pick, defaulting to the caller's language); an unknown language is a field error.
#[tokio::test]
async fn ui_1_subscription_email_in_the_chosen_language() {
    let hub = TestHub::start().await;
    let a = customer(&hub, "acme", "it@acme.example").await;
    let send = |language: Value| {
        let body = json!({"ids": [a.clone()], "language": language});
        let hub = &hub;
        async move {
            hub.post(
                &hub.admin_token,
                "/v1/operations/customers/actions/sendEmail/invoke",
                body,
            )
            .await
        }
    };
    let r = send(json!("de")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let v: Value = r.json().await.unwrap_or_default();
    assert!(v["errors"].to_string().contains("language"), "{v}");
    let r = send(json!("fr")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, o) = hub.get(&hub.admin_token, "/v1/operations/outbox").await;
    let m = &o["items"][0];
    assert_eq!(
        m["subject"],
        "Paramètres de connexion Patchbay pour Cust acme"
    );
    let body = m["body"].as_str().unwrap_or_default();
    assert!(body.contains("ID client : acme"), "{body}");
    assert!(body.contains("patchbay-agent run --hub wss://"), "{body}");
    assert!(!body.contains("Never#InMail-42"));
    // The console: the language picked on the confirmation page.
    let b = fixtures::admin_browser(&hub, "boss").await;
    let (_, html, _) = b.get(&format!("/com/customers/email?id={a}")).await;
    assert!(html.contains("id=\"email-language\""));
    let confirm = format!("/com/customers/email?id={a}");
    let (s, _, _) = b
        .submit(
            &confirm,
            "/com/customers/email",
            &[("id", &a), ("language", "ko")],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, o) = hub.get(&hub.admin_token, "/v1/operations/outbox").await;
    let subjects: Vec<String> = o["items"]
        .as_array()
        .map(|v| v.iter().map(|m| m["subject"].to_string()).collect())
        .unwrap_or_default();
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("Cust acme의 Patchbay 연결 정보")),
        "{subjects:?}"
    );
    hub.stop().await;
}

/// Send the subscription e-mail to customer `id` and wait for its outcome: `Ok` once the relay
/// took it, `Err(reason)` once an attempt failed.
async fn delivered(hub: &TestHub, id: &str) -> Result<(), String> {
    let r = hub
        .post(
            &hub.admin_token,
            "/v1/operations/customers/actions/sendEmail/invoke",
            json!({"ids": [id]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    for _ in 0..100 {
        let (_, o) = hub.get(&hub.admin_token, "/v1/operations/outbox").await;
        let m = &o["items"][0];
        if m["status"] == "sent" {
            return Ok(());
        }
        if m["attempts"].as_i64().unwrap_or(0) > 0 {
            return Err(m["lastError"].as_str().unwrap_or_default().to_string());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no outcome for the mail");
}

async fn set_level(hub: &TestHub, level: &str) {
    let r = hub
        .put(
            &hub.admin_token,
            "/v1/operations/preferences",
            json!({"securityLevel": level}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

fn self_signed(name: &str) -> (String, String) {
    let key = rcgen::KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
    let cert = rcgen::CertificateParams::new(vec![name.to_string()])
        .and_then(|p| p.self_signed(&key))
        .unwrap_or_else(|e| panic!("{e}"));
    (cert.pem(), key.serialize_pem())
}

#[tokio::test]
async fn prf_3_crt_2_each_security_level_against_a_relay_with_a_self_signed_certificate() {
    // Two relays over implicit TLS: one whose self-signed certificate names the host the hub
    // dials (localhost), one whose names another.
    let (right, right_key) = self_signed("localhost");
    let (wrong, wrong_key) = self_signed("mail.example.net");
    let (right_port, right_got) = smtps_sink(&right, &right_key).await;
    let (wrong_port, wrong_got) = smtps_sink(&wrong, &wrong_key).await;
    for (port, cert, got) in [
        (right_port, &right, &right_got),
        (wrong_port, &wrong, &wrong_got),
    ] {
        let hub = TestHub::start_with(|c| {
            c.smtp_url = Some(format!("smtps://localhost:{port}"));
        })
        .await;
        let a = customer(&hub, "acme", "it@acme.example").await;
        let named = port == right_port;
        // Untrusted: only the lowest level delivers.
        set_level(&hub, "unrestricted").await;
        assert_eq!(delivered(&hub, &a).await, Ok(()), "unrestricted, untrusted");
        for level in ["medium", "high"] {
            set_level(&hub, level).await;
            let e = delivered(&hub, &a).await.err().unwrap_or_default();
            assert!(
                e.contains("certificate") || e.contains("issuer"),
                "{level}, untrusted: {e}"
            );
        }
        // Trusted (CRT-2): medium checks the chain only, high the name too.
        let r = hub
            .post(
                &hub.admin_token,
                "/v1/operations/certificates/trusted",
                json!({"pem": cert}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        set_level(&hub, "medium").await;
        assert_eq!(delivered(&hub, &a).await, Ok(()), "medium, trusted");
        set_level(&hub, "high").await;
        let high = delivered(&hub, &a).await;
        if named {
            assert_eq!(high, Ok(()), "high, trusted, right name");
        } else {
            let e = high.err().unwrap_or_default();
            assert!(
                e.contains("name") || e.contains("NotValidForName"),
                "high, wrong name: {e}"
            );
        }
        // (Failed messages are tried again later, under the level then in force.)
        assert!(got.lock().map(|g| !g.is_empty()).unwrap_or_default());
        hub.stop().await;
    }
}
