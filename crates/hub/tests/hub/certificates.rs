//! CRT-1, CRT-2: the hub's identity replaced from a PKCS#12 file made by `openssl`, seen by
//! `openssl s_client` on every listener (and on a second node) without a restart while a
//! connected agent keeps its session; each refusal with its reason; the trusted certificates
//! completing a chain; the console page.

use crate::common::*;
use crate::fixtures::{self, agent};
use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn openssl(dir: &Path, args: &str) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("openssl {args}"))
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("openssl: {e}"));
    assert!(
        out.status.success(),
        "openssl {args}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, a leaf for localhost issued by it (with its own key), a PKCS#12 of the leaf, its key
/// and the CA (password `s3cret`), and a key that matches nothing.
fn make_certificates(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    openssl(dir, "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj '/CN=Patchbay Test CA' -days 30");
    openssl(dir, "req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr -subj '/CN=localhost'");
    std::fs::write(
        dir.join("san.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    openssl(dir, "x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out leaf.crt -days 30 -extfile san.ext");
    openssl(dir, "pkcs12 -export -inkey leaf.key -in leaf.crt -certfile ca.crt -passout pass:s3cret -out identity.p12");
    openssl(
        dir,
        "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key",
    );
}

/// The SHA-256 fingerprint of the certificate `openssl s_client` is shown on `port` (run
/// without blocking the runtime the hub serves on).
async fn served_fingerprint(port: u16) -> String {
    let out = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl s_client -connect 127.0.0.1:{port} -servername localhost </dev/null 2>/dev/null \
             | openssl x509 -noout -fingerprint -sha256"
        ))
        .output()
        .await
        .unwrap_or_else(|e| panic!("s_client: {e}"));
    fingerprint_of(&String::from_utf8_lossy(&out.stdout))
}

fn fingerprint_of(openssl_line: &str) -> String {
    openssl_line
        .trim()
        .rsplit('=')
        .next()
        .unwrap_or_default()
        .replace(':', "")
        .to_ascii_lowercase()
}

fn file_fingerprint(dir: &Path, file: &str) -> String {
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(dir.join(file))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    fingerprint_of(&String::from_utf8_lossy(&out.stdout))
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// An API client that accepts whichever identity the hub serves (it changes during the test).
fn any_client() -> reqwest::Client {
    reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn call(
    hub: &TestHub,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut r = any_client()
        .request(method, hub.url(path))
        .bearer_auth(&hub.admin_token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn refusal(v: &Value) -> (String, String) {
    let d = v["errors"][0]["description"].as_str().unwrap_or_default();
    let field = v["errors"][0]["field"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| d.split(':').next().unwrap_or_default().to_string());
    (field, d.to_string())
}

#[tokio::test]
async fn crt_1_crt_2_an_openssl_pkcs12_is_served_by_every_listener_without_a_restart() {
    let hub = TestHub::start_with(|c| {
        c.public_address = Some("localhost".into());
        c.proxy_listen = Some("127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")));
        c.phone_files_listen = Some("127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")));
    })
    .await;
    let dir = hub.dir.join("made-by-openssl");
    make_certificates(&dir);
    let ports = [
        hub.running.addr.port(),
        hub.running.proxy_addr.map(|a| a.port()).unwrap_or_default(),
        hub.running
            .phone_files_addr
            .map(|a| a.port())
            .unwrap_or_default(),
    ];
    let original = fingerprint_of(&{
        let (_, v) = call(
            &hub,
            Method::GET,
            "/v1/operations/certificates/identity",
            None,
        )
        .await;
        v["fingerprint"].as_str().unwrap_or_default().to_string()
    });
    for port in ports {
        assert_eq!(
            served_fingerprint(port).await,
            original,
            "port {port} before"
        );
    }

    // A connected agent (it trusts only the first identity, so it could not come back).
    let cid = fixtures::customer(&hub, "Customer crt")
        .customer_id("crt")
        .await
        .to_string();
    let (stop, _) = agent(&hub, "crt").start();
    let green = |v: &Value| v["connectivity"] == "green";
    wait_for(&hub, &cid, green).await;

    // Each refusal with its reason, nothing changed.
    let p12 = base64::engine::general_purpose::STANDARD
        .encode(std::fs::read(dir.join("identity.p12")).unwrap_or_else(|e| panic!("{e}")));
    let path = "/v1/operations/certificates/identity";
    let (s, v) = call(
        &hub,
        Method::PUT,
        path,
        Some(json!({"pkcs12": p12, "password": "wrong"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(refusal(&v).1.contains("password does not open"), "{v}");
    let mismatched = format!("{}{}", read(&dir, "leaf.crt"), read(&dir, "ca.crt"));
    let (s, v) = call(
        &hub,
        Method::PUT,
        path,
        Some(json!({"certificatePem": mismatched, "keyPem": read(&dir, "other.key")})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        refusal(&v)
            .1
            .contains("no certificate matches the private key"),
        "{v}"
    );
    let (expired_cert, expired_key) = expired_identity();
    let (s, v) = call(
        &hub,
        Method::PUT,
        path,
        Some(json!({"certificatePem": expired_cert, "keyPem": expired_key})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(refusal(&v).1.contains("has expired"), "{v}");
    // The leaf alone: its issuer is neither in the file nor trusted.
    let (s, v) = call(
        &hub,
        Method::PUT,
        path,
        Some(json!({"certificatePem": read(&dir, "leaf.crt"), "keyPem": read(&dir, "leaf.key")})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(refusal(&v).1.contains("chain is incomplete"), "{v}");
    for port in ports {
        assert_eq!(
            served_fingerprint(port).await,
            original,
            "port {port} after refusals"
        );
    }

    // CRT-2: trusting the CA completes the chain.
    let (s, v) = call(
        &hub,
        Method::POST,
        "/v1/operations/certificates/trusted",
        Some(json!({"pem": read(&dir, "ca.crt")})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["items"][0]["subject"], "CN=Patchbay Test CA", "{v}");
    let ca_id = v["items"][0]["id"].as_str().unwrap_or_default().to_string();
    let (s, v) = call(
        &hub,
        Method::POST,
        "/v1/operations/certificates/trusted",
        Some(json!({"pem": read(&dir, "ca.crt")})),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "the same certificate twice: {v}"
    );
    let (s, v) = call(
        &hub,
        Method::PUT,
        path,
        Some(json!({"certificatePem": read(&dir, "leaf.crt"), "keyPem": read(&dir, "leaf.key")})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // A second node follows the deployment's identity at its next heartbeat.
    let (node2, _) = hub.second_node().await;

    // The PKCS#12 file made by openssl, with its password.
    let (s, v) = call(
        &hub,
        Method::PUT,
        path,
        Some(json!({"pkcs12": p12, "password": "s3cret"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let leaf = file_fingerprint(&dir, "leaf.crt");
    assert_eq!(
        fingerprint_of(v["fingerprint"].as_str().unwrap_or_default()),
        leaf
    );
    assert_eq!(v["issuer"], "CN=Patchbay Test CA");
    for port in ports {
        assert_eq!(
            served_fingerprint(port).await,
            leaf,
            "port {port} after the upload"
        );
    }
    let mut followed = false;
    for _ in 0..60 {
        if served_fingerprint(node2.addr.port()).await == leaf {
            followed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(followed, "the second node serves the new identity");
    // The chain served carries the CA, and verifies against it.
    let out = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl s_client -connect 127.0.0.1:{} -servername localhost -CAfile ca.crt -verify_return_error </dev/null 2>&1",
            ports[0]
        ))
        .current_dir(&dir)
        .output()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Verify return code: 0 (ok)"), "{text}");

    // The agent kept its session all along.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (_, c) = call(
        &hub,
        Method::GET,
        &format!("/v1/operations/customers/{cid}"),
        None,
    )
    .await;
    assert_eq!(c["connectivity"], "green", "{c}");
    assert_eq!(hub.running.state.agents.held().len(), 1);

    // The identity survives a restart of the data dir's files' owner: the database holds it.
    let (_, shown) = call(&hub, Method::GET, path, None).await;
    assert_eq!(
        fingerprint_of(shown["fingerprint"].as_str().unwrap_or_default()),
        leaf
    );
    assert_eq!(
        shown["status"]["state"], "expiring",
        "30 days left: {shown}"
    );

    // Deleting the trusted CA; an unknown id is not found.
    let t = format!("/v1/operations/certificates/trusted/{ca_id}");
    let r = any_client()
        .delete(hub.url(&t))
        .bearer_auth(&hub.admin_token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = any_client()
        .delete(hub.url(&t))
        .bearer_auth(&hub.admin_token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Regenerate: self-signed again, three years, for the public address.
    let (s, v) = call(
        &hub,
        Method::POST,
        "/v1/operations/certificates/identity/regenerate",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["issuer"], v["subject"]);
    assert_eq!(v["status"]["state"], "valid");
    let regenerated = fingerprint_of(v["fingerprint"].as_str().unwrap_or_default());
    assert_ne!(regenerated, leaf);
    assert_eq!(served_fingerprint(ports[0]).await, regenerated);
    stop.cancel();
    node2.shutdown().await;
    hub.stop().await;
}

/// A self-signed identity for localhost that expired last year.
fn expired_identity() -> (String, String) {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap_or_else(|e| panic!("{e}"));
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    let key = rcgen::KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
    let cert = params.self_signed(&key).unwrap_or_else(|e| panic!("{e}"));
    (cert.pem(), key.serialize_pem())
}

async fn wait_for(hub: &TestHub, cid: &str, pred: impl Fn(&Value) -> bool) {
    for _ in 0..150 {
        let (_, v) = call(
            hub,
            Method::GET,
            &format!("/v1/operations/customers/{cid}"),
            None,
        )
        .await;
        if pred(&v) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for the customer");
}

#[tokio::test]
async fn crt_1_crt_2_the_certificates_page_adds_and_refuses_with_reasons() {
    let hub = TestHub::start().await;
    let dir = hub.dir.join("made-by-openssl");
    make_certificates(&dir);
    hub.account("certs", patchbay_domain::Role::Administrator)
        .await;
    let b = crate::fixtures::logged_in(&hub, "certs").await;
    let (s, html, _) = b.get("/com/certificates").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"crt-identity-subject\""), "{html}");
    assert!(html.contains("CN=Patchbay hub"), "{html}");
    assert!(html.contains("id=\"crt-trusted-none\""));
    let csrf = hidden(&html, "csrf").unwrap_or_default();

    // A PKCS#12 file with a wrong password: the reason beside the password field.
    let form = reqwest::multipart::Form::new()
        .part(
            "certificate",
            reqwest::multipart::Part::bytes(
                std::fs::read(dir.join("identity.p12")).unwrap_or_default(),
            )
            .file_name("identity.p12"),
        )
        .text("password", "wrong");
    let r = b
        .client
        .post(hub.url(&format!("/com/certificates/identity?csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap_or_default();
    assert!(html.contains("does not open this PKCS#12 file"), "{html}");
    assert!(html.contains("id=\"crt-password\" name=\"password\" autocomplete=\"off\" aria-describedby=\"crt-password-error\" aria-invalid=\"true\""), "{html}");

    // CRT-2 from the page: add the CA, then delete it.
    let form = reqwest::multipart::Form::new().part(
        "certificate",
        reqwest::multipart::Part::bytes(std::fs::read(dir.join("ca.crt")).unwrap_or_default())
            .file_name("ca.crt"),
    );
    let r = b
        .client
        .post(hub.url(&format!("/com/certificates/trusted?csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html, _) = b.get("/com/certificates?done=trusted").await;
    assert!(html.contains("CN=Patchbay Test CA"), "{html}");
    assert!(html.contains("id=\"notice\""), "{html}");
    let id = html
        .split("data-certificate=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string();
    let (s, html, _) = b
        .submit(
            "/com/certificates",
            "/com/certificates/trusted/delete",
            &[("id", id.as_str())],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let (_, html, _) = b.get("/com/certificates").await;
    assert!(!html.contains("CN=Patchbay Test CA"));

    // Regenerate asks first, then replaces the identity.
    let (s, html, _) = b.get("/com/certificates/regenerate").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"crt-regenerate-form\""), "{html}");
    let before = html
        .split("id=\"crt-identity-fingerprint\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or_default()
        .to_string();
    let (s, _, _) = b
        .submit("/com/certificates", "/com/certificates/regenerate", &[])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html, _) = b.get("/com/certificates?done=identity").await;
    assert!(!html.contains(&before), "a new identity");
    let (s, pem, _) = b.get("/com/certificates/identity.pem").await;
    assert_eq!(s, StatusCode::OK);
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    hub.stop().await;
}
