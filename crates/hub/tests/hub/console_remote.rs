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
    let (d, r) = crate::remote::providers(&hub, "North", "Nimbus").await;
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

/// A Web Manager on the system (plain HTTP, as the agent reaches it): its start page names the
/// request line and the cookies it got; `POST /login` redirects home and sets a cookie at `/`.
async fn web_manager() -> u16 {
    use tokio::net::TcpListener;
    let l = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = l.local_addr().map(|a| a.port()).unwrap_or(0);
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let mut got = Vec::new();
                let mut buf = [0u8; 4096];
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&got).to_string();
                let line = head.lines().next().unwrap_or_default().to_string();
                let cookies = head
                    .lines()
                    .find_map(|l| {
                        l.strip_prefix("cookie: ")
                            .or_else(|| l.strip_prefix("Cookie: "))
                    })
                    .unwrap_or("none")
                    .to_string();
                let answer = if line.starts_with("POST /login") {
                    "HTTP/1.1 302 Found\r\nLocation: /WebManagement/home\r\nSet-Cookie: wm=1; Path=/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string()
                } else {
                    let body = format!("<p>Web Manager: {line} cookies={cookies}</p>");
                    format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
                };
                let _ = s.write_all(answer.as_bytes()).await;
            });
        }
    });
    port
}

#[tokio::test]
async fn rmt_5_launch_application_opens_the_systems_web_manager_for_those_who_may() {
    let hub = TestHub::start().await;
    let provider = reseller_with_proxy(&hub, "Reseller A", PROXY_USER, PROXY_PASSWORD).await;
    let wm = web_manager().await;
    let (c, _agent) = remote_customer(
        &hub,
        "Acme",
        provider,
        (false, false),
        &format!("[remote]\nweb_manager = \"127.0.0.1:{wm}\"\n"),
    )
    .await;
    let (op_id, op) = staff(&hub, "launch-op", Role::Operator).await;
    let (sup_id, sup) = staff(&hub, "launch-sup", Role::Supervisor).await;
    let r = hub
        .put(
            &hub.admin_token,
            &format!("/v1/operations/customers/{c}"),
            serde_json::json!({"operators": [op_id, sup_id]}),
        )
        .await;
    assert!(r.status().is_success());
    // The Operator's details page offers it; the Supervisor's does not (SPEC §3).
    let (_, html, _) = op.get(&format!("/com/customers/{c}")).await;
    let href = format!("/com/launch/{c}/WebManagement/WebManagement.html");
    assert!(html.contains(&format!("href=\"{href}\"")), "{html}");
    let (_, html, _) = sup.get(&format!("/com/customers/{c}")).await;
    assert!(!html.contains("launch-web-manager"));
    let (s, _, _) = sup.get(&href).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Through the system's agent (remote access is off: central management is its own flag).
    let (s, html, _) = op.get(&format!("{href}?lang=x")).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(
        html.contains("Web Manager: GET /WebManagement/WebManagement.html?lang=x HTTP/1.1"),
        "{html}"
    );
    assert!(
        html.contains("cookies=none"),
        "the console session reached the system: {html}"
    );
    // Its own forms post without the console's CSRF token; its redirects and cookies stay under
    // the launch path.
    let r = op
        .client
        .post(format!("{}/com/launch/{c}/login", hub.base))
        .form(&[("user", "Administrator")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::FOUND);
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some(format!("/com/launch/{c}/WebManagement/home").as_str())
    );
    assert_eq!(
        r.headers().get("set-cookie").and_then(|v| v.to_str().ok()),
        Some(format!("wm=1; Path=/com/launch/{c}/").as_str())
    );
    // Audited with the account that launched it.
    let mut rows = Vec::new();
    for _ in 0..100 {
        rows = hub
            .store()
            .list_remote_sessions(
                &Default::default(),
                None,
                patchbay_store::PageRequest::new(0, 50),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .items;
        if rows.len() >= 2 && rows.iter().all(|r| r.ended_at.is_some()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        rows.iter().any(|r| r.proxy_user == "launch-op"
            && r.outcome == "closed"
            && r.customer_name == "Acme"),
        "{rows:?}"
    );
}
