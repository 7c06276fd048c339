//! PRF-3 and CRT-2 for the database: a PostgreSQL URL asking for TLS (`sslmode=require`) is
//! checked as the security level says, against the trusted certificates — mirrored into the data
//! dir because the connection is made before the database can be read. Runs against the
//! PostgreSQL of PATCHBAY_TEST_DATABASE_URL when it serves TLS (Debian's does, with its
//! "snakeoil" certificate for `localhost`).

use crate::common::*;
use patchbay_hub::tls::outbound::{database_url, LEVEL_FILE, TRUSTED_FILE};
use serde_json::{json, Value};

/// The server's certificate, as `openssl s_client` is shown it after PostgreSQL's STARTTLS.
async fn server_certificate(host: &str, port: u16) -> Option<String> {
    let out = tokio::process::Command::new("openssl")
        .args([
            "s_client",
            "-starttls",
            "postgres",
            "-connect",
            &format!("{host}:{port}"),
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let start = text.find("-----BEGIN CERTIFICATE-----")?;
    let end = text[start..].find("-----END CERTIFICATE-----")? + start;
    Some(format!("{}-----END CERTIFICATE-----\n", &text[start..end]))
}

/// `base` pointed at `host`, asking for TLS.
fn with_tls(base: &url::Url, host: &str) -> String {
    let mut u = base.clone();
    u.set_host(Some(host)).unwrap_or_else(|e| panic!("{e}"));
    u.query_pairs_mut().append_pair("sslmode", "require");
    u.to_string()
}

/// Connect as the hub would at its next start with the mirror in `dir`.
async fn connects(url: &str, dir: &std::path::Path) -> Result<(), String> {
    let effective = database_url(url, dir);
    match patchbay_store::Store::connect_sized(&effective, 1).await {
        Ok(store) => {
            let pinged = store.ping().await.map_err(|e| e.to_string());
            store.close().await;
            pinged
        }
        Err(e) => Err(e.to_string()),
    }
}

async fn set_level(hub: &TestHub, level: &str) {
    let r = hub
        .put(
            &hub.admin_token,
            "/v1/operations/preferences",
            json!({ "securityLevel": level }),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        std::fs::read_to_string(hub.dir.join(LEVEL_FILE))
            .unwrap_or_default()
            .trim(),
        level,
        "the level is mirrored at once"
    );
}

#[tokio::test]
async fn prf_3_crt_2_postgres_tls_follows_the_level_and_the_trusted_certificates() {
    let Some(base) = std::env::var("PATCHBAY_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("PATCHBAY_TEST_DATABASE_URL not set: PostgreSQL TLS not tried");
        return;
    };
    let base = url::Url::parse(&base).unwrap_or_else(|e| panic!("{e}"));
    let host = base.host_str().unwrap_or("127.0.0.1").to_string();
    let port = base.port().unwrap_or(5432);
    let Some(server_pem) = server_certificate(&host, port).await else {
        eprintln!("the PostgreSQL server at {host}:{port} does not offer TLS: not tried");
        return;
    };
    let hub = TestHub::start().await;
    let dir = hub.dir.clone();
    let by_address = with_tls(&base, "127.0.0.1");

    // Unrestricted: encrypted, whatever the certificate.
    set_level(&hub, "unrestricted").await;
    connects(&by_address, &dir)
        .await
        .unwrap_or_else(|e| panic!("unrestricted: {e}"));

    // Medium: the chain must reach a trusted certificate or a public root, and (as the
    // database driver checks) the certificate must name the host.
    set_level(&hub, "medium").await;
    let e = connects(&by_address, &dir)
        .await
        .err()
        .unwrap_or_else(|| panic!("an untrusted server certificate is refused at Medium"));
    assert!(e.to_ascii_lowercase().contains("certificate"), "{e}");
    let r = hub
        .post(
            &hub.admin_token,
            "/v1/operations/certificates/trusted",
            json!({ "pem": server_pem }),
        )
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap_or_default();
    let trusted_id = v["items"][0]["id"].as_str().unwrap_or_default().to_string();
    assert!(std::fs::read_to_string(dir.join(TRUSTED_FILE))
        .unwrap_or_default()
        .contains("BEGIN CERTIFICATE"));
    let der = rustls::pki_types::pem::PemObject::from_pem_slice(server_pem.as_bytes())
        .map(|d: rustls::pki_types::CertificateDer<'static>| d)
        .unwrap_or_else(|e| panic!("{e}"));
    let names = patchbay_hub::tls::certificate::describe(&der)
        .unwrap_or_else(|e| panic!("{e:?}"))
        .names;
    for level in ["medium", "high"] {
        set_level(&hub, level).await;
        if !names.iter().any(|n| n == "127.0.0.1") {
            let e = connects(&by_address, &dir)
                .await
                .err()
                .unwrap_or_else(|| panic!("a certificate not naming 127.0.0.1 is refused"));
            assert!(e.contains("not valid for name"), "{level}: {e}");
        }
        if names.iter().any(|n| n == "localhost") {
            connects(&with_tls(&base, "localhost"), &dir)
                .await
                .unwrap_or_else(|e| panic!("{level}, trusted, named: {e}"));
        }
    }
    // No longer trusted: refused again.
    let r = hub
        .delete(
            &hub.admin_token,
            &format!("/v1/operations/certificates/trusted/{trusted_id}"),
        )
        .await;
    assert_eq!(r.status(), 204);
    assert!(!std::fs::read_to_string(dir.join(TRUSTED_FILE))
        .unwrap_or_default()
        .contains("BEGIN CERTIFICATE"));
    let e = connects(&with_tls(&base, "localhost"), &dir)
        .await
        .err()
        .unwrap_or_else(|| panic!("refused once no longer trusted"));
    assert!(e.to_ascii_lowercase().contains("certificate"), "{e}");
    hub.stop().await;
}
