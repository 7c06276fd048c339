//! Remote support through the proxy (RMT-1…4, RMT-8): real TLS to the proxy, `CONNECT` as
//! proxytunnel sends it, a real agent dialling back, real TCP targets on loopback.

use crate::common::*;
use crate::fixtures::*;
use crate::jobs_api::connected;
use base64::Engine;
use patchbay_domain::{CustomerId, DistributorId, ResellerId};
use patchbay_store::AuditMeta;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const DOMAIN: &str = "patchbay.local";
pub const PROXY_USER: &str = "reseller-a";
/// With the characters PITFALLS names: `$ @ # &` and non-ASCII.
pub const PROXY_PASSWORD: &str = "Pr0xy$@#&-wörd";

/// A distributor and a reseller under it, created in the store.
pub async fn providers(
    hub: &TestHub,
    distributor: &str,
    reseller: &str,
) -> (DistributorId, ResellerId) {
    let meta = AuditMeta::cli();
    let d = hub
        .store()
        .create_distributor(&meta, distributor)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let r = hub
        .store()
        .create_reseller(&meta, d, reseller)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    (d, r)
}

/// A reseller (under a new distributor) whose proxy account has `user` / `password`.
pub async fn reseller_with_proxy(
    hub: &TestHub,
    name: &str,
    user: &str,
    password: &str,
) -> (DistributorId, ResellerId) {
    let meta = AuditMeta::cli();
    let d = hub
        .store()
        .create_distributor(&meta, &format!("{name} distribution"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let r = hub
        .store()
        .create_reseller(&meta, d, name)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let accounts = hub
        .store()
        .proxy_accounts(patchbay_domain::Scope::All)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let account = accounts
        .iter()
        .find(|a| a.provider_id == r.to_string())
        .unwrap_or_else(|| panic!("no proxy account for the new reseller"));
    let hash = patchbay_store::crypto::hash_password(password);
    hub.store()
        .set_proxy_credentials(&meta, &account.id, user, Some(&hash))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    (d, r)
}

/// A customer of reseller `r` whose system `ipo-1` runs a real agent with `toml` appended.
pub async fn remote_customer(
    hub: &TestHub,
    name: &str,
    (d, r): (DistributorId, ResellerId),
    remote: (bool, bool),
    toml: &str,
) -> (CustomerId, patchbay_agent::CancellationToken) {
    let c = customer(hub, name)
        .with("distributorId", d.to_string())
        .with("resellerId", r.to_string())
        .await;
    let cid = name.split(' ').next().unwrap_or_default().to_lowercase();
    let (stop, _) = agent(hub, &cid)
        .remote(remote.0, remote.1)
        .extra(toml)
        .start();
    connected(hub, c).await;
    (c, stop)
}

/// A TCP service on loopback that greets first (as SSH does), then echoes until EOF, then
/// closes. Returns its port.
pub async fn echo_target(banner: &'static [u8]) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = l.local_addr().map(|a| a.port()).unwrap_or(0);
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let _ = s.write_all(banner).await;
                let (mut r, mut w) = s.split();
                let _ = tokio::io::copy(&mut r, &mut w).await;
                let _ = w.shutdown().await;
            });
        }
    });
    port
}

/// Reseller A with its proxy account, and its customer Acme whose system's SSH service is an
/// echo target greeting with `banner` (remote access on, co-located servers off).
pub async fn ssh_customer(
    hub: &TestHub,
    banner: &'static [u8],
) -> patchbay_agent::CancellationToken {
    let provider = reseller_with_proxy(hub, "Reseller A", PROXY_USER, PROXY_PASSWORD).await;
    let ssh = echo_target(banner).await;
    let (_, agent) = remote_customer(
        hub,
        "Acme",
        provider,
        (true, false),
        &format!("[remote]\nssh = \"127.0.0.1:{ssh}\"\n"),
    )
    .await;
    agent
}

/// A stream to Acme's SSH as proxytunnel opens it (see [`ssh_customer`]).
pub async fn acme_ssh(hub: &TestHub) -> (Answer, ProxyStream) {
    connect(
        hub,
        &format!("acme.maint.{DOMAIN}:22"),
        Some((PROXY_USER, PROXY_PASSWORD)),
    )
    .await
}

pub type ProxyStream = tokio_rustls::client::TlsStream<TcpStream>;

/// TLS to the hub's proxy, trusting its identity.
pub async fn proxy_tls(hub: &TestHub) -> ProxyStream {
    let addr = hub
        .running
        .proxy_addr
        .unwrap_or_else(|| panic!("the proxy does not listen"));
    proxy_tls_at(hub, addr).await
}

/// TLS to the proxy at `addr` (another node of the hub), trusting the hub's identity.
pub async fn proxy_tls_at(hub: &TestHub, addr: std::net::SocketAddr) -> ProxyStream {
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls_pemfile_certs(&hub.cert_pem) {
        roots.add(c).unwrap_or_else(|e| panic!("{e}"));
    }
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let name =
        rustls::pki_types::ServerName::try_from("localhost").unwrap_or_else(|e| panic!("{e}"));
    connector
        .connect(name, tcp)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn rustls_pemfile_certs(pem: &[u8]) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(pem)
        .filter_map(Result::ok)
        .collect()
}

/// What the proxy answered: status, reason phrase, and bytes that came after the head.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub reason: String,
    pub head: String,
    pub rest: Vec<u8>,
}

/// Send `head` and read the answer's head (and whatever follows it in the same reads).
pub async fn ask<S: AsyncRead + AsyncWrite + Unpin>(s: &mut S, head: &str) -> Answer {
    s.write_all(head.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = tokio::time::timeout(Duration::from_secs(20), s.read(&mut chunk))
            .await
            .unwrap_or_else(|_| panic!("no answer from the proxy"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(n > 0, "the proxy closed before answering: {buf:?}");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).to_string();
    let line = head.lines().next().unwrap_or_default().to_string();
    let mut parts = line.splitn(3, ' ');
    let _ = parts.next();
    let status = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let reason = parts.next().unwrap_or_default().to_string();
    Answer {
        status,
        reason,
        head,
        rest: buf[end..].to_vec(),
    }
}

pub fn basic(user: &str, password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
}

/// `CONNECT target` as proxytunnel sends it.
pub async fn connect(
    hub: &TestHub,
    target: &str,
    credentials: Option<(&str, &str)>,
) -> (Answer, ProxyStream) {
    let s = proxy_tls(hub).await;
    connect_over(s, target, credentials).await
}

/// `CONNECT target` over an open proxy connection `s`.
pub async fn connect_over(
    mut s: ProxyStream,
    target: &str,
    credentials: Option<(&str, &str)>,
) -> (Answer, ProxyStream) {
    let auth = credentials
        .map(|(u, p)| format!("Proxy-Authorization: Basic {}\r\n", basic(u, p)))
        .unwrap_or_default();
    let a = ask(
        &mut s,
        &format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n{auth}Proxy-Connection: Keep-Alive\r\n\r\n"),
    )
    .await;
    (a, s)
}

async fn sessions(hub: &TestHub) -> Vec<patchbay_store::remote::RemoteSession> {
    hub.store()
        .list_remote_sessions(
            &Default::default(),
            None,
            patchbay_store::PageRequest::new(0, 100),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .items
}

#[tokio::test]
async fn rmt_3_connect_carries_a_stream_to_the_systems_ssh_with_half_close_and_byte_counts() {
    let hub = TestHub::start().await;
    let _agent = ssh_customer(&hub, b"SSH-2.0-Test\r\n").await;
    let target = format!("acme.maint.{DOMAIN}:22");
    let (a, mut s) = connect(&hub, &target, Some((PROXY_USER, PROXY_PASSWORD))).await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.reason, "Connection established");
    assert!(
        !a.head.to_ascii_lowercase().contains("content-length"),
        "{}",
        a.head
    );
    // The target speaks first; its banner may come in the same read as the head.
    let payload: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    s.write_all(&payload)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Half-close: the echo finishes and closes only once it has read our EOF.
    s.shutdown().await.unwrap_or_else(|e| panic!("{e}"));
    let mut got = a.rest.clone();
    tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut got))
        .await
        .unwrap_or_else(|_| panic!("the stream never ended"))
        .ok();
    let banner = b"SSH-2.0-Test\r\n";
    assert_eq!(
        got.len(),
        banner.len() + payload.len(),
        "bytes lost or added"
    );
    assert!(got.starts_with(banner));
    assert!(
        got[banner.len()..] == payload[..],
        "the echo differs from what was sent"
    );
    // RMT-8: the session with its byte counts.
    let mut rows = Vec::new();
    for _ in 0..100 {
        rows = sessions(&hub).await;
        if rows.first().is_some_and(|r| r.ended_at.is_some()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let r = &rows[0];
    assert_eq!(r.outcome, "closed", "{r:?}");
    assert_eq!(r.proxy_user, PROXY_USER);
    assert_eq!(r.provider_name, "Reseller A");
    assert_eq!(r.customer_name, "Acme");
    assert_eq!(r.system_name, "ipo-1");
    assert_eq!(r.target, target);
    assert_eq!(r.source_address, "127.0.0.1");
    assert_eq!(r.bytes_up, payload.len() as i64);
    assert_eq!(r.bytes_down, (payload.len() + banner.len()) as i64);
}

#[tokio::test]
async fn rmt_3_every_refusal_says_what_is_wrong() {
    let hub = TestHub::start().await;
    let a = reseller_with_proxy(&hub, "Reseller A", PROXY_USER, PROXY_PASSWORD).await;
    let b = reseller_with_proxy(&hub, "Reseller B", "reseller-b", "Other#Pass1").await;
    let ssh = echo_target(b"").await;
    let dead = {
        let l = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        l.local_addr().map(|a| a.port()).unwrap_or(1)
    };
    let toml = format!(
        "[remote]\nssh = \"127.0.0.1:{ssh}\"\nweb_control = \"127.0.0.1:{dead}\"\n\
         [[remote.tunnels]]\napplication = \"rdp\"\naddress = \"127.0.0.1\"\nport = {ssh}\n"
    );
    let (_, _g1) = remote_customer(&hub, "Acme", a, (true, false), &toml).await;
    let (_, _g2) = remote_customer(&hub, "Bolt", a, (false, false), &toml).await;
    let (_, _g3) = remote_customer(&hub, "Coda", a, (true, true), &toml).await;
    let (_, _g4) = remote_customer(&hub, "Dyna", b, (true, true), &toml).await;
    // A customer with no system connected.
    customer(&hub, "Echo")
        .with("resellerId", a.1.to_string())
        .with("distributorId", a.0.to_string())
        .await;
    let good = Some((PROXY_USER, PROXY_PASSWORD));
    type Case<'a> = (&'a str, Option<(&'a str, &'a str)>, u16, &'a str);
    let cases: Vec<Case> = vec![
        (
            "acme.maint.patchbay.local:22",
            None,
            407,
            "Proxy credentials required",
        ),
        (
            "acme.maint.patchbay.local:22",
            Some((PROXY_USER, "wrong")),
            407,
            "Proxy user name or password is wrong",
        ),
        (
            "nobody.maint.patchbay.local:22",
            Some(("nobody-at-all", "x")),
            407,
            "Proxy user name or password is wrong",
        ),
        (
            "acme.example.org:22",
            good,
            403,
            "Not a remote-support address of this hub",
        ),
        (
            "zulu.maint.patchbay.local:22",
            good,
            404,
            "Unknown customer ID",
        ),
        // Another reseller's customer: the same answer as one that does not exist.
        (
            "dyna.maint.patchbay.local:22",
            good,
            404,
            "Unknown customer ID",
        ),
        (
            "acme-pbx9.maint.patchbay.local:22",
            good,
            404,
            "Unknown system name for this customer",
        ),
        ("echo.maint.patchbay.local:22", good, 503, "System offline"),
        (
            "bolt.maint.patchbay.local:22",
            good,
            403,
            "Remote access is disabled",
        ),
        (
            "acme.maint.patchbay.local:80",
            good,
            403,
            "Port 80 is not a remote-support service",
        ),
        (
            "acme-127.0.0.1.maint.patchbay.local:3389",
            good,
            403,
            "Remote access to co-located servers is disabled",
        ),
        (
            "coda-127.0.0.2.maint.patchbay.local:3389",
            good,
            403,
            "No tunnel entry on the system for this target",
        ),
    ];
    for (target, creds, status, reason) in cases {
        let (ans, _) = connect(&hub, target, creds).await;
        assert_eq!(
            (ans.status, ans.reason.as_str()),
            (status, reason),
            "{target}"
        );
        if status == 407 {
            assert!(
                ans.head.contains("Proxy-Authenticate: Basic")
                    || ans.head.contains("proxy-authenticate: Basic"),
                "{}",
                ans.head
            );
        }
    }
    let (ans, _) = connect(&hub, "acme.maint.patchbay.local:7071", good).await;
    assert_eq!(ans.status, 502, "{ans:?}");
    assert!(
        ans.reason.starts_with("Target unreachable: "),
        "{}",
        ans.reason
    );
    // Not a proxy request at all.
    let mut s = proxy_tls(&hub).await;
    let ans = ask(&mut s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(
        (ans.status, ans.reason.as_str()),
        (400, "Not a proxy request")
    );
    // Each authenticated refusal is audited with its code; no row holds a password.
    let rows = sessions(&hub).await;
    let codes: Vec<&str> = rows.iter().map(|r| r.outcome.as_str()).collect();
    for code in [
        "not-remote-support-address",
        "unknown-customer",
        "unknown-system",
        "system-offline",
        "remote-access-disabled",
        "port-not-allowed",
        "colocated-disabled",
        "no-tunnel-entry",
        "target-unreachable",
    ] {
        assert!(codes.contains(&code), "{code} not audited: {codes:?}");
    }
    let dump = format!("{rows:?}");
    assert!(
        !dump.contains(PROXY_PASSWORD) && !dump.contains("wrong"),
        "{dump}"
    );
}

#[tokio::test]
async fn rmt_1_a_colocated_host_is_reached_through_the_systems_tunnel_entry() {
    let hub = TestHub::start().await;
    let provider = reseller_with_proxy(&hub, "Reseller A", PROXY_USER, PROXY_PASSWORD).await;
    let rdp = echo_target(b"RDP?").await;
    let toml = format!(
        "[[remote.tunnels]]\napplication = \"rdp\"\naddress = \"127.0.0.1\"\nport = {rdp}\n"
    );
    let (_, _agent) = remote_customer(&hub, "Acme", provider, (true, true), &toml).await;
    let (a, mut s) = connect(
        &hub,
        &format!("acme-127.0.0.1.maint.{DOMAIN}:{rdp}"),
        Some((PROXY_USER, PROXY_PASSWORD)),
    )
    .await;
    assert_eq!(a.status, 200, "{a:?}");
    s.write_all(b"hello")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.shutdown().await.unwrap_or_else(|e| panic!("{e}"));
    let mut got = a.rest;
    let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut got)).await;
    assert_eq!(got, b"RDP?hello");
}

#[tokio::test]
async fn rmt_3_plain_http_absolute_form_requests_are_carried() {
    let hub = TestHub::start().await;
    let provider = reseller_with_proxy(&hub, "Reseller A", PROXY_USER, PROXY_PASSWORD).await;
    // A minimal HTTP/1.1 server: answers every request with the path it was asked.
    let l = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = l.local_addr().map(|a| a.port()).unwrap_or(0);
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&got).to_string();
                let line = head.lines().next().unwrap_or_default().to_string();
                let leaked = head.to_ascii_lowercase().contains("proxy-authorization");
                let body = format!("{line} leaked={leaked}");
                let _ = s
                    .write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).as_bytes())
                    .await;
            });
        }
    });
    let toml = format!(
        "[[remote.tunnels]]\napplication = \"http\"\naddress = \"127.0.0.1\"\nport = {port}\n"
    );
    let (_, _agent) = remote_customer(&hub, "Acme", provider, (true, true), &toml).await;
    let mut s = proxy_tls(&hub).await;
    let host = format!("acme-127.0.0.1.maint.{DOMAIN}:{port}");
    let a = ask(
        &mut s,
        &format!(
            "GET http://{host}/status?x=1 HTTP/1.1\r\nHost: {host}\r\nProxy-Authorization: Basic {}\r\n\r\n",
            basic(PROXY_USER, PROXY_PASSWORD)
        ),
    )
    .await;
    assert_eq!(a.status, 200, "{a:?}");
    let mut body = a.rest;
    while body.len() < "GET /status?x=1 HTTP/1.1 leaked=false".len() {
        let mut chunk = [0u8; 1024];
        match tokio::time::timeout(Duration::from_secs(10), s.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => body.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    assert_eq!(
        String::from_utf8_lossy(&body),
        "GET /status?x=1 HTTP/1.1 leaked=false"
    );
}

#[tokio::test]
async fn rmt_2_parallel_password_guesses_are_throttled_like_console_logins() {
    let hub = TestHub::start().await;
    let _agent = ssh_customer(&hub, b"").await;
    let target = format!("acme.maint.{DOMAIN}:22");
    let hub = Arc::new(hub);
    let mut tasks = Vec::new();
    for i in 0..12 {
        let (hub, target) = (hub.clone(), target.clone());
        tasks.push(tokio::spawn(async move {
            let pw = format!("guess-{i}");
            connect(&hub, &target, Some((PROXY_USER, &pw)))
                .await
                .0
                .status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap_or_default());
    }
    let checked = statuses.iter().filter(|s| **s == 407).count();
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    assert!(checked <= 3, "{statuses:?}");
    assert_eq!(checked + throttled, 12, "{statuses:?}");
    // Even the right password waits out the block.
    let (a, _) = connect(&hub, &target, Some((PROXY_USER, PROXY_PASSWORD))).await;
    assert_eq!(a.status, 429, "{a:?}");
    assert!(
        a.reason.starts_with("Too many failed logins"),
        "{}",
        a.reason
    );
    assert!(a.head.contains("retry-after") || a.head.contains("Retry-After"));
}

/// The proxy accounts `token` may see.
async fn accounts_seen(hub: &TestHub, token: &str) -> Vec<serde_json::Value> {
    let (s, v) = hub.get(token, "/v1/operations/proxyAccounts").await;
    assert_eq!(s, reqwest::StatusCode::OK, "{v}");
    v["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn rmt_2_proxy_accounts_exist_per_provider_and_are_set_by_supervisors_and_operators() {
    use patchbay_domain::Role;
    use reqwest::StatusCode;
    use serde_json::json;
    let hub = TestHub::start().await;
    let meta = AuditMeta::cli();
    let (d, r) = providers(&hub, "North", "Nimbus").await;
    let d2 = hub
        .store()
        .create_distributor(&meta, "South")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Created with each provider, nothing set yet.
    let all = accounts_seen(&hub, &hub.admin_token).await;
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(all
        .iter()
        .all(|a| a["userName"] == "" && a["passwordSet"] == false));
    assert_eq!(all[0]["providerType"], "distributor");
    let (op, op_token) = hub.account("rmt-operator", Role::Operator).await;
    let (_, ro_token) = hub.account("rmt-reader", Role::ReadOnly).await;
    let (_, other_token) = hub.account("rmt-other", Role::Operator).await;
    let c = customer(&hub, "Nova")
        .with("distributorId", d.to_string())
        .with("resellerId", r.to_string())
        .operators(&[op.as_str()])
        .await;
    let _ = c;
    // An Operator sees the accounts of its customers' providers only.
    let seen = accounts_seen(&hub, &op_token).await;
    let names: Vec<&str> = seen
        .iter()
        .filter_map(|a| a["providerName"].as_str())
        .collect();
    assert_eq!(names, ["North", "Nimbus"]);
    assert!(accounts_seen(&hub, &other_token).await.is_empty());
    let nimbus = seen[1]["id"].as_str().unwrap_or_default().to_string();
    let south = all
        .iter()
        .find(|a| a["providerId"] == d2.to_string())
        .and_then(|a| a["id"].as_str())
        .unwrap_or_default()
        .to_string();
    let path = format!("/v1/operations/proxyAccounts/{nimbus}");
    let good = json!({"userName": "nimbus-support", "password": PROXY_PASSWORD});
    // RMT-2: not the Administrator, not Read-only; not another provider's account.
    assert_eq!(
        hub.put(&hub.admin_token, &path, good.clone())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        hub.put(&ro_token, &path, good.clone()).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        hub.put(&other_token, &path, good.clone()).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        hub.put(
            &op_token,
            &format!("/v1/operations/proxyAccounts/{south}"),
            good.clone()
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    // Field by field.
    let r = hub.put(&op_token, &path, json!({"userName": "a:b"})).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = r.json().await.unwrap_or_default();
    let text = body.to_string();
    assert!(
        text.contains("userName") && text.contains("password"),
        "{text}"
    );
    let r = hub
        .put(
            &op_token,
            &path,
            json!({"userName": "nimbus", "password": "short"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        hub.put(&op_token, &path, good.clone()).await.status(),
        StatusCode::NO_CONTENT
    );
    // Shown without the password; the user name alone can change later.
    let seen = accounts_seen(&hub, &ro_token).await;
    assert!(
        seen.is_empty(),
        "a Read-only account without customers sees none"
    );
    let seen = accounts_seen(&hub, &op_token).await;
    assert_eq!(seen[1]["userName"], "nimbus-support");
    assert_eq!(seen[1]["passwordSet"], true);
    assert!(!format!("{seen:?}").contains("argon2"));
    assert_eq!(
        hub.put(&op_token, &path, json!({"userName": "nimbus-help"}))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    // The new user name logs in with the old password; the old one no longer does.
    assert!(hub
        .store()
        .proxy_login("NIMBUS-help")
        .await
        .ok()
        .flatten()
        .is_some());
    assert!(hub
        .store()
        .proxy_login("nimbus-support")
        .await
        .ok()
        .flatten()
        .is_none());
    // Unique, case-insensitively, across providers.
    let north = seen[0]["id"].as_str().unwrap_or_default().to_string();
    let r = hub
        .put(
            &op_token,
            &format!("/v1/operations/proxyAccounts/{north}"),
            json!({"userName": "Nimbus-Help", "password": PROXY_PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Deleting the provider deletes its proxy account.
    hub.store()
        .delete_distributor(&meta, d2)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(accounts_seen(&hub, &hub.admin_token).await.len(), 2);
}

#[tokio::test]
async fn rmt_8_an_administrator_sees_sessions_and_ends_a_live_one() {
    use patchbay_domain::Role;
    use reqwest::StatusCode;
    let hub = TestHub::start().await;
    let _agent = ssh_customer(&hub, b"SSH-2.0-Test\r\n").await;
    let (a, mut s) = acme_ssh(&hub).await;
    assert_eq!(a.status, 200);
    s.write_all(b"abc").await.unwrap_or_else(|e| panic!("{e}"));
    s.flush().await.ok();
    let (_, sup) = hub.account("rmt-sup", Role::Supervisor).await;
    let (st, _) = hub.get(&sup, "/v1/operations/remoteSessions").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, v) = hub
        .get(&hub.admin_token, "/v1/operations/remoteSessions?live=true")
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let items = v["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{v}");
    assert_eq!(items[0]["outcome"], "open");
    let id = items[0]["id"].as_str().unwrap_or_default().to_string();
    let (st, v) = hub
        .get(
            &hub.admin_token,
            "/v1/operations/remoteSessions?outcome=nonsense",
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    let end = format!("/v1/operations/remoteSessions/{id}/actions/end/invoke");
    let r = hub
        .post(&hub.admin_token, &end, serde_json::json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // The client's stream ends.
    let mut rest = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut rest)).await;
    assert!(ended.is_ok(), "the stream was not ended");
    let mut outcome = String::new();
    for _ in 0..100 {
        let (_, v) = hub
            .get(&hub.admin_token, "/v1/operations/remoteSessions")
            .await;
        outcome = v["items"][0]["outcome"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if outcome != "open" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(outcome, "ended");
    let r = hub
        .post(&hub.admin_token, &end, serde_json::json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = hub
        .post(
            &hub.admin_token,
            "/v1/operations/remoteSessions/nope/actions/end/invoke",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
