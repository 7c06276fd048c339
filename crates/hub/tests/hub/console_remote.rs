//! Remote support in the console (RMT-2, RMT-6, RMT-7, RMT-8): proxy accounts, the customer's
//! remote-support panel and command generator, the session audit, the PAC file and the bundles.

use crate::common::*;
use crate::fixtures::*;
use crate::remote::{connect, remote_customer, reseller_with_proxy, PROXY_PASSWORD, PROXY_USER};
use patchbay_domain::Role;
use reqwest::StatusCode;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn rmt_2_an_operator_sets_the_proxy_account_in_the_console() {
    let hub = TestHub::start().await;
    let meta = patchbay_store::AuditMeta::cli();
    let d = hub
        .store()
        .create_distributor(&meta, "North")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let r = hub
        .store()
        .create_reseller(&meta, d, "Nimbus")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (op_id, op) = staff(&hub, "con-operator", Role::Operator).await;
    customer(&hub, "Nova")
        .with("distributorId", d.to_string())
        .with("resellerId", r.to_string())
        .operators(&[op_id.as_str()])
        .await;
    let (s, html, _) = op.get("/com/proxy-accounts").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Nimbus") && html.contains("North"), "{html}");
    assert!(html.contains("Not set yet"));
    let edit = html
        .split("href=\"/com/proxy-accounts/")
        .nth(2)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string();
    assert!(!edit.is_empty(), "no edit link for the reseller: {html}");
    let path = format!("/com/proxy-accounts/{edit}");
    let (s, form, _) = op.get(&path).await;
    assert_eq!(s, StatusCode::OK);
    assert!(form.contains("name=\"userName\""));
    // Field by field: different confirmation; then a bad user name and a short password.
    let (s, html, _) = op
        .submit(
            &path,
            &path,
            &[
                ("userName", "nimbus"),
                ("password", PROXY_PASSWORD),
                ("confirmPassword", "other"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("The two passwords differ."), "{html}");
    let (s, html, _) = op
        .submit(
            &path,
            &path,
            &[
                ("userName", "a:b"),
                ("password", "short"),
                ("confirmPassword", "short"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("id=\"userName-error\">") && html.contains("aria-invalid=\"true\""),
        "{html}"
    );
    let (s, _, location) = op
        .submit(
            &path,
            &path,
            &[
                ("userName", "nimbus-support"),
                ("password", PROXY_PASSWORD),
                ("confirmPassword", PROXY_PASSWORD),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/com/proxy-accounts?saved=1"));
    let (_, html, _) = op.get("/com/proxy-accounts?saved=1").await;
    assert!(html.contains("Proxy account saved.") && html.contains("nimbus-support"));
    assert!(!html.contains("argon2") && !html.contains(PROXY_PASSWORD));
    // The Administrator sees the accounts, cannot set them (RMT-2: a non-Administrator does).
    let admin = admin_browser(&hub, "con-admin").await;
    let (s, html, _) = admin.get("/com/proxy-accounts").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("nimbus-support") && !html.contains("href=\"/com/proxy-accounts/"));
    let (s, _, _) = admin.get(&path).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn rmt_6_customer_details_show_remote_support_addresses_and_commands_to_provider_staff() {
    let hub = TestHub::start().await;
    let provider = reseller_with_proxy(&hub, "Reseller A", PROXY_USER, PROXY_PASSWORD).await;
    let toml = "[[servers]]\nname = \"exp1\"\nrole = \"expansion\"\naddress = \"10.0.0.11\"\n\
                [[remote.tunnels]]\napplication = \"rdp\"\naddress = \"192.168.1.20\"\n\
                [[remote.tunnels]]\napplication = \"https\"\naddress = \"192.168.1.21\"\nport = 8443\n";
    let (c, _agent) = remote_customer(&hub, "Acme", provider, (true, true), toml).await;
    let (bolt, _agent2) = remote_customer(&hub, "Bolt", provider, (false, false), "").await;
    let (op_id, op) = staff(&hub, "rmt-op", Role::Operator).await;
    for id in [c, bolt] {
        let r = hub
            .put(
                &hub.admin_token,
                &format!("/v1/operations/customers/{id}"),
                serde_json::json!({"operators": [op_id]}),
            )
            .await;
        assert!(r.status().is_success());
    }
    // The agent's tunnel entries reach the hub with its report.
    for _ in 0..100 {
        if hub
            .store()
            .systems_of(c)
            .await
            .unwrap_or_default()
            .iter()
            .any(|s| s.tunnels.len() == 2)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (s, html, _) = op
        .get(&format!(
            "/com/customers/{c}?ptLinux=/opt/pt/proxytunnel&sshLogin=admin"
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"remote-support\""), "{html}");
    for host in [
        "acme.maint.patchbay.local",
        "acme-exp1.maint.patchbay.local",
        "acme-192.168.1.20.maint.patchbay.local",
    ] {
        assert!(html.contains(host), "{host} missing");
    }
    assert!(html.contains("https://acme.maint.patchbay.local:7071/login"));
    assert!(html.contains("https://acme-192.168.1.21.maint.patchbay.local:8443/"));
    // The generator: the given path and login, the account's user, the password masked.
    assert!(html.contains("ssh -o ProxyCommand=&#34;/opt/pt/proxytunnel -E -p "));
    assert!(html.contains(&format!("-P &#39;{PROXY_USER}:********&#39;")));
    assert!(html.contains("admin@acme.maint.patchbay.local"));
    assert!(
        html.contains("-d acme-192.168.1.20.maint.patchbay.local:3389") && html.contains("-a 3389")
    );
    assert!(!html.contains(PROXY_PASSWORD));
    assert!(html.contains("/com/remoteproxy/proxy.pac"));
    // A system whose remote access is off says so.
    let (_, html, _) = op.get(&format!("/com/customers/{bolt}")).await;
    assert!(html.contains("Remote access is disabled"), "{html}");
    // The Administrator does not see remote-support addresses (SPEC §3).
    let admin = admin_browser(&hub, "rmt-admin").await;
    let (_, html, _) = admin.get(&format!("/com/customers/{c}")).await;
    assert!(!html.contains("id=\"remote-support\""));
}

#[tokio::test]
async fn rmt_8_the_console_lists_sessions_and_ends_a_live_one() {
    let hub = TestHub::start().await;
    let _agent = crate::remote::ssh_customer(&hub, b"SSH-2.0-Test\r\n").await;
    let (a, mut s) = crate::remote::acme_ssh(&hub).await;
    assert_eq!(a.status, 200);
    s.write_all(b"ping").await.unwrap_or_else(|e| panic!("{e}"));
    s.flush().await.ok();
    let (_, refused) = connect(
        &hub,
        "zulu.maint.patchbay.local:22",
        Some((PROXY_USER, PROXY_PASSWORD)),
    )
    .await;
    drop(refused);
    let admin = admin_browser(&hub, "rmt-admin").await;
    let (st, html, _) = admin.get("/com/remote-sessions").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.contains("acme.maint.patchbay.local:22")
            && html.contains("zulu.maint.patchbay.local:22")
    );
    assert!(html.contains("Unknown customer ID"));
    // Filtered to live sessions only, then to one outcome; an unknown outcome is dropped.
    let (_, html, _) = admin.get("/com/remote-sessions?live=true").await;
    assert!(html.contains("acme.maint") && !html.contains("zulu.maint"));
    let (_, html, _) = admin
        .get("/com/remote-sessions?outcome=unknown-customer")
        .await;
    assert!(!html.contains("acme.maint") && html.contains("zulu.maint"));
    let (_, html, _) = admin.get("/com/remote-sessions?search=zulu").await;
    assert!(html.contains("zulu.maint") && !html.contains("acme.maint"));
    let (_, html, _) = admin.get("/com/remote-sessions?live=true").await;
    let id = html
        .split("action=\"/com/remote-sessions/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_default()
        .to_string();
    let (st, _, location) = admin
        .submit(
            "/com/remote-sessions",
            &format!("/com/remote-sessions/{id}/end"),
            &[("back", "/com/remote-sessions?live=true")],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some("/com/remote-sessions?live=true&ended=1")
    );
    let mut rest = Vec::new();
    assert!(
        tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut rest))
            .await
            .is_ok()
    );
    // Supervisors do not see the audit.
    let (_, sup) = staff(&hub, "rmt-sup", Role::Supervisor).await;
    let (st, _, _) = sup.get("/com/remote-sessions").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn rmt_7_the_pac_file_and_the_bundles_carry_this_hubs_proxy_and_trust_root() {
    let hub = TestHub::start().await;
    let port = hub.running.proxy_addr.map(|a| a.port()).unwrap_or(0);
    // The PAC file needs no session (browsers fetch it on their own).
    let r = hub.fetch("/com/remoteproxy/proxy.pac").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-ns-proxy-autoconfig")));
    let pac = r.text().await.unwrap_or_default();
    assert!(
        pac.contains("dnsDomainIs(host, \".maint.patchbay.local\")"),
        "{pac}"
    );
    assert!(pac.contains(&format!(":{port}\"")), "{pac}");
    assert!(pac.contains("return \"HTTPS "));
    let (_, ro) = staff(&hub, "rmt-ro", Role::ReadOnly).await;
    for (path, names) in [
        (
            "/com/downloads/proxytunnel.zip",
            vec!["README.txt", "patchbay-hub-ca.pem"],
        ),
        (
            "/com/downloads/admin-tools.zip",
            vec![
                "README.txt",
                "patchbay-hub-ca.pem",
                "proxy.pac",
                "browser-extension/manifest.json",
                "browser-extension/background.js",
            ],
        ),
        (
            "/com/downloads/browser-extension.zip",
            vec!["manifest.json", "background.js"],
        ),
    ] {
        let r = ro
            .client
            .get(format!("{}{path}", hub.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let body = r.bytes().await.unwrap_or_default();
        assert!(body.starts_with(b"PK"), "{path} is not a zip");
        for n in names {
            assert!(
                body.windows(n.len()).any(|w| w == n.as_bytes()),
                "{path} lacks {n}"
            );
        }
    }
    let r = ro
        .client
        .get(format!("{}/com/downloads/ca.pem", hub.base))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        r.bytes().await.unwrap_or_default().as_ref(),
        hub.cert_pem.as_slice()
    );
    let (s, html, _) = ro.get("/com/downloads/admin-tools").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("*.maint.patchbay.local") && html.contains(&format!(":{port}")));
}
