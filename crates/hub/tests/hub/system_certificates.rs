//! SYS-8: a real agent with automatic certificate management on gets its certificate from the
//! hub's issuing CA (checked with `openssl verify`), renewed without staff action; a failure
//! raises an alarm and shows on the customer.

use crate::common::*;
use crate::fixtures::{self, agent};
use futures_util::{SinkExt, StreamExt};
use patchbay_proto::{CertificateSigningRequest, Envelope, Hello, Message, Report};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

async fn openssl(args: &[&str]) -> (bool, String) {
    let out = tokio::process::Command::new("openssl")
        .args(args)
        .output()
        .await
        .unwrap_or_else(|e| panic!("openssl: {e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The serial of the certificate installed in the system directory, once there is one.
async fn installed_serial(dir: &Path) -> Option<String> {
    let cert = dir.join("certificates/system.crt.pem");
    if !cert.exists() {
        return None;
    }
    let (ok, out) = openssl(&["x509", "-in", &cert.to_string_lossy(), "-noout", "-serial"]).await;
    ok.then(|| out.trim().trim_start_matches("serial=").to_string())
}

async fn wait_serial(dir: &Path, not: Option<&str>, what: &str) -> String {
    for _ in 0..300 {
        if let Some(s) = installed_serial(dir).await {
            if Some(s.as_str()) != not {
                return s;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn systems(hub: &TestHub, id: &str) -> Value {
    hub.get(
        &hub.admin_token,
        &format!("/v1/operations/customers/{id}/systems"),
    )
    .await
    .1
}

#[tokio::test]
async fn sys_8_an_agent_gets_its_certificate_from_the_hub_ca_and_a_renewal_before_expiry() {
    // Short-lived certificates, checked often: the renewal comes within seconds.
    let hub = TestHub::start_with(|c| {
        c.system_certificate_validity = Duration::from_secs(15);
        c.certificate_check = Duration::from_millis(300);
    })
    .await;
    let id = fixtures::customer(&hub, "Cert Co")
        .customer_id("cert-co")
        .await
        .to_string();
    let browser = fixtures::admin_browser(&hub, "certadmin").await;
    let (stop, dir) = agent(&hub, "cert-co").certificates(true).start();
    let first = wait_serial(&dir, None, "the first certificate").await;

    // Signed by the hub's issuing CA: `openssl verify` with the CA the agent installed, which
    // is the one the hub keeps in its data dir.
    let certs = dir.join("certificates");
    let ca = certs.join("ca.crt.pem");
    let hub_ca = std::fs::read_to_string(hub.dir.join("issuing-ca.crt.pem"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        std::fs::read_to_string(&ca).unwrap_or_default(),
        hub_ca,
        "the agent trusts the hub's issuing CA"
    );
    let leaf = certs.join("leaf.pem");
    let (ok, out) = openssl(&[
        "x509",
        "-in",
        &certs.join("system.crt.pem").to_string_lossy(),
        "-out",
        &leaf.to_string_lossy(),
    ])
    .await;
    assert!(ok, "{out}");
    let (ok, out) = openssl(&[
        "verify",
        "-CAfile",
        &ca.to_string_lossy(),
        &leaf.to_string_lossy(),
    ])
    .await;
    assert!(ok && out.contains(": OK"), "openssl verify: {out}");
    // Administrators download the same CA from the certificates page.
    let (_, downloaded, _) = browser.get("/com/certificates/issuing-ca.pem").await;
    assert_eq!(downloaded, hub_ca);
    // The CA is not the identity: the identity's key signs nothing for the systems.
    assert_ne!(hub_ca.as_bytes(), hub.cert_pem.as_slice());
    let (ok, out) = openssl(&[
        "x509",
        "-in",
        &leaf.to_string_lossy(),
        "-noout",
        "-subject",
        "-ext",
        "subjectAltName",
    ])
    .await;
    assert!(ok, "{out}");
    assert!(
        out.contains("CN=ipo-1") || out.contains("CN = ipo-1"),
        "{out}"
    );
    assert!(
        out.contains("10.0.0.10"),
        "the reported address is covered: {out}"
    );
    // The key stayed on the system (0600) and is the certificate's.
    let key = certs.join("system.key.pem");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0);
        assert_eq!(mode, 0o600);
    }
    let (_, cert_pub) =
        openssl(&["x509", "-in", &leaf.to_string_lossy(), "-noout", "-pubkey"]).await;
    let (_, key_pub) = openssl(&["pkey", "-in", &key.to_string_lossy(), "-pubout"]).await;
    assert_eq!(cert_pub, key_pub);

    // The customer's details show it, through the API and the console.
    let v = systems(&hub, &id).await;
    let cert = &v["items"][0]["certificate"];
    assert_eq!(
        cert["serial"].as_str().map(str::to_ascii_uppercase),
        Some(first.to_ascii_uppercase()),
        "{v}"
    );
    assert!(cert["notAfter"].is_string(), "{v}");
    let (_, html, _) = browser.get(&format!("/com/customers/{id}")).await;
    assert!(
        html.to_ascii_uppercase()
            .contains(&first.to_ascii_uppercase()),
        "the details page shows the serial"
    );

    // Two thirds through its fifteen seconds, the hub renews it without anyone asking.
    let second = wait_serial(&dir, Some(&first), "the renewal").await;
    assert_ne!(first, second);
    let v = systems(&hub, &id).await;
    assert_eq!(
        v["items"][0]["certificate"]["serial"]
            .as_str()
            .map(str::to_ascii_uppercase),
        Some(second.to_ascii_uppercase())
    );
    assert_eq!(v["items"][0]["certificate"]["failure"], "");
    stop.cancel();
    hub.stop().await;
}

/// A raw agent session (the protocol as a third-party agent speaks it).
async fn raw_session(
    hub: &TestHub,
) -> tokio_tungstenite::WebSocketStream<crate::remote::ProxyStream> {
    let mut ws = crate::nodes::agent_socket(hub).await;
    let hello = Envelope::new(
        "1",
        Message::Hello(Hello {
            customer_id: "cert-fail".into(),
            service_user: "COMAdmin".into(),
            password: crate::fixtures::SERVICE_PASSWORD.into(),
            system_name: "ipo-9".into(),
            primary: true,
            agent_version: "test".into(),
            enrolment: None,
        }),
    );
    send(&mut ws, &hello).await;
    match next(&mut ws).await {
        Message::Welcome(_) => {}
        other => panic!("{other:?}"),
    }
    ws
}

async fn send(
    ws: &mut tokio_tungstenite::WebSocketStream<crate::remote::ProxyStream>,
    e: &Envelope,
) {
    ws.send(tokio_tungstenite::tungstenite::Message::text(e.to_json()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

async fn next(ws: &mut tokio_tungstenite::WebSocketStream<crate::remote::ProxyStream>) -> Message {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .unwrap_or_else(|_| panic!("nothing from the hub"));
        if let Some(Ok(tokio_tungstenite::tungstenite::Message::Text(t))) = frame {
            return Envelope::from_json(&t)
                .unwrap_or_else(|e| panic!("{e}"))
                .message;
        }
    }
}

#[tokio::test]
async fn sys_8_a_failed_renewal_raises_an_alarm_and_shows_on_the_customer() {
    let hub = TestHub::start().await;
    let id = fixtures::customer(&hub, "Cert Fail")
        .customer_id("cert-fail")
        .await
        .to_string();
    let mut ws = raw_session(&hub).await;
    let report = Report {
        system_name: "ipo-9".into(),
        profile: "ip500v2".into(),
        version: "12.1".into(),
        address: "10.0.0.9".into(),
        port: 443,
        servers: Vec::new(),
        flags: patchbay_proto::Flags {
            auto_certificate_management: true,
            ..Default::default()
        },
        service_account: Default::default(),
        time_zone: String::new(),
        tunnels: Vec::new(),
        phone_firmware: String::new(),
    };
    send(&mut ws, &Envelope::new("2", Message::Report(report))).await;
    let request = match next(&mut ws).await {
        Message::CertificateRequest(r) => r,
        other => panic!("{other:?}"),
    };
    // A signing request the hub did not ask for is not signed.
    send(
        &mut ws,
        &Envelope::new(
            "3",
            Message::CertificateSigningRequest(CertificateSigningRequest {
                request_id: "not-asked".into(),
                csr_pem: "-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n"
                    .into(),
                reason: String::new(),
            }),
        ),
    )
    .await;
    // The system cannot make its key.
    send(
        &mut ws,
        &Envelope::new(
            "4",
            Message::CertificateSigningRequest(CertificateSigningRequest {
                request_id: request.request_id,
                csr_pem: String::new(),
                reason: "the key store is full".into(),
            }),
        ),
    )
    .await;
    let mut alarm = Value::Null;
    for _ in 0..100 {
        let (_, v) = hub
            .get(
                &hub.admin_token,
                &format!("/v1/operations/alarms?customerId={id}"),
            )
            .await;
        if let Some(a) = v["items"].as_array().and_then(|a| {
            a.iter().find(|a| {
                a["description"]
                    .as_str()
                    .unwrap_or("")
                    .contains("key store is full")
            })
        }) {
            alarm = a.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(alarm["alarmType"], "security", "{alarm}");
    assert_eq!(alarm["systemName"], "ipo-9", "{alarm}");
    let v = systems(&hub, &id).await;
    let cert = &v["items"][0]["certificate"];
    assert_eq!(cert["serial"], "", "none installed: {v}");
    assert!(
        cert["failure"]
            .as_str()
            .unwrap_or("")
            .contains("key store is full"),
        "{v}"
    );
    let browser = fixtures::admin_browser(&hub, "certfail").await;
    let (_, html, _) = browser.get(&format!("/com/customers/{id}")).await;
    assert!(
        html.contains("data-certificate-failure"),
        "the details page shows the failure"
    );
    drop(ws);
    hub.stop().await;
}
