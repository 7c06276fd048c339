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

/// The installed certificate alone (without the CA after it), for `openssl verify`.
async fn leaf_of(certs: &Path) -> std::path::PathBuf {
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
    leaf
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
    let leaf = leaf_of(&certs).await;
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

/// An organisation's CA made with `openssl` in `dir`: a root, and under it the issuing CA to
/// upload (EC P-256, a name in UTF-8 with several attributes, its key in PKCS#8), a PKCS#12 of
/// it (password `s3cret`), and a certificate that is not a CA.
async fn own_ca(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    let p = |f: &str| dir.join(f).to_string_lossy().into_owned();
    std::fs::write(
        dir.join("ca.ext"),
        "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n\
         subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.join("leaf.ext"),
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for args in [
        vec![
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &p("root.key"),
            "-out",
            &p("root.crt"),
            "-subj",
            "/C=FR/O=Opérateur Test/CN=Test Root CA",
            "-utf8",
            "-days",
            "30",
        ],
        vec![
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &p("issuing.key"),
            "-out",
            &p("issuing.csr"),
            "-subj",
            "/C=FR/O=Opérateur Test/OU=Téléphonie/CN=Test Issuing CA",
            "-utf8",
        ],
        vec![
            "x509",
            "-req",
            "-in",
            &p("issuing.csr"),
            "-CA",
            &p("root.crt"),
            "-CAkey",
            &p("root.key"),
            "-CAcreateserial",
            "-out",
            &p("issuing.crt"),
            "-days",
            "30",
            "-extfile",
            &p("ca.ext"),
        ],
        vec![
            "pkcs12",
            "-export",
            "-inkey",
            &p("issuing.key"),
            "-in",
            &p("issuing.crt"),
            "-certfile",
            &p("root.crt"),
            "-passout",
            "pass:s3cret",
            "-out",
            &p("issuing.p12"),
        ],
        vec![
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &p("leaf.key"),
            "-out",
            &p("leaf.csr"),
            "-subj",
            "/CN=not a CA",
        ],
        vec![
            "x509",
            "-req",
            "-in",
            &p("leaf.csr"),
            "-CA",
            &p("root.crt"),
            "-CAkey",
            &p("root.key"),
            "-CAcreateserial",
            "-out",
            &p("leaf.crt"),
            "-days",
            "30",
            "-extfile",
            &p("leaf.ext"),
        ],
    ] {
        let (ok, out) = openssl(&args).await;
        assert!(ok, "openssl {args:?}: {out}");
    }
}

fn read(dir: &Path, f: &str) -> String {
    std::fs::read_to_string(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))
}

#[tokio::test]
async fn sys_8_an_uploaded_ca_issues_every_systems_certificate_in_place_of_the_generated_one() {
    let hub = TestHub::start_with(|c| c.certificate_check = Duration::from_millis(300)).await;
    fixtures::customer(&hub, "Own CA Co")
        .customer_id("own-ca")
        .await;
    let (stop, dir) = agent(&hub, "own-ca").certificates(true).start();
    let first = wait_serial(&dir, None, "the first certificate").await;
    let generated = std::fs::read_to_string(hub.dir.join("issuing-ca.crt.pem")).unwrap_or_default();

    let ca_dir = hub.dir.join("own-ca");
    own_ca(&ca_dir).await;
    let chain = format!(
        "{}{}",
        read(&ca_dir, "issuing.crt"),
        read(&ca_dir, "root.crt")
    );

    // Refused through the API, each with its reason beside its field: not a CA, a key of
    // another certificate, a PKCS#12 file with a wrong password.
    let refused = |v: &Value| {
        let d = v["errors"][0]["description"].as_str().unwrap_or("");
        let (field, why) = d.split_once(": ").unwrap_or(("", d));
        (field.to_string(), why.to_string())
    };
    let path = "/v1/operations/certificates/issuingCa";
    let r = hub
        .put(
            &hub.admin_token,
            path,
            serde_json::json!({"certificatePem": read(&ca_dir, "leaf.crt"), "keyPem": read(&ca_dir, "leaf.key")}),
        )
        .await;
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap_or_default();
    assert_eq!(refused(&v).0, "certificatePem", "{v}");
    assert!(
        refused(&v).1.contains("not a certification authority"),
        "{v}"
    );
    let r = hub
        .put(
            &hub.admin_token,
            path,
            serde_json::json!({"certificatePem": chain, "keyPem": read(&ca_dir, "leaf.key")}),
        )
        .await;
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap_or_default();
    assert_eq!(refused(&v).0, "keyPem", "{v}");
    use base64::Engine;
    let p12 = base64::engine::general_purpose::STANDARD
        .encode(std::fs::read(ca_dir.join("issuing.p12")).unwrap_or_default());
    let r = hub
        .put(
            &hub.admin_token,
            path,
            serde_json::json!({"pkcs12": p12, "password": "wrong"}),
        )
        .await;
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap_or_default();
    assert_eq!(refused(&v).0, "password", "{v}");
    let (_, v) = hub.get(&hub.admin_token, path).await;
    assert_eq!(
        v["pem"].as_str(),
        Some(generated.as_str()),
        "nothing changed: {v}"
    );

    // An Administrator replaces it from the certificates page with the PEM chain and its key.
    let browser = fixtures::admin_browser(&hub, "ownca").await;
    let (_, html, _) = browser.get("/com/certificates").await;
    let csrf = hidden(&html, "csrf").unwrap_or_default();
    let form = reqwest::multipart::Form::new()
        .part(
            "certificate",
            reqwest::multipart::Part::bytes(chain.clone().into_bytes()).file_name("chain.pem"),
        )
        .part(
            "key",
            reqwest::multipart::Part::bytes(read(&ca_dir, "issuing.key").into_bytes())
                .file_name("issuing.key"),
        );
    let r = browser
        .client
        .post(hub.url(&format!("/com/certificates/issuing-ca?csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), 303);
    let (_, html, _) = browser.get("/com/certificates?done=issuing-ca").await;
    assert!(html.contains("Test Issuing CA"), "{html}");
    assert!(html.contains("id=\"notice\""), "{html}");
    let (_, downloaded, _) = browser.get("/com/certificates/issuing-ca.pem").await;
    assert_eq!(downloaded, chain);
    assert_eq!(
        read(&hub.dir, "issuing-ca.crt.pem"),
        chain,
        "the data dir's mirror"
    );
    let (_, v) = hub.get(&hub.admin_token, path).await;
    assert!(
        v["subject"]
            .as_str()
            .unwrap_or("")
            .contains("Test Issuing CA"),
        "{v}"
    );

    // Without anyone asking, the system gets a certificate from the new CA, which `openssl
    // verify` chains to the organisation's root through the uploaded CA.
    let second = wait_serial(&dir, Some(&first), "a certificate from the uploaded CA").await;
    assert_ne!(first, second);
    let certs = dir.join("certificates");
    assert_eq!(
        read(&certs, "ca.crt.pem"),
        chain,
        "the system trusts the uploaded chain"
    );
    let leaf = leaf_of(&certs).await;
    let (ok, out) = openssl(&[
        "verify",
        "-CAfile",
        &ca_dir.join("root.crt").to_string_lossy(),
        "-untrusted",
        &ca_dir.join("issuing.crt").to_string_lossy(),
        &leaf.to_string_lossy(),
    ])
    .await;
    assert!(ok && out.contains(": OK"), "openssl verify: {out}");
    let (ok, out) = openssl(&[
        "verify",
        "-CAfile",
        &hub.dir.join("own-ca/root.crt").to_string_lossy(),
        &leaf.to_string_lossy(),
    ])
    .await;
    assert!(!ok, "the root alone does not vouch for it: {out}");

    // The PKCS#12 form is accepted too (the same CA again: every system is issued again).
    let r = hub
        .put(
            &hub.admin_token,
            path,
            serde_json::json!({"pkcs12": p12, "password": "s3cret"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let third = wait_serial(
        &dir,
        Some(&second),
        "a certificate after the PKCS#12 upload",
    )
    .await;
    assert_ne!(second, third);
    let (_, v) = hub
        .get(
            &hub.admin_token,
            "/v1/operations/auditEvents?action=certificate.issuing-ca",
        )
        .await;
    assert_eq!(v["items"].as_array().map(Vec::len), Some(2), "{v}");
    stop.cancel();
    hub.stop().await;
}
