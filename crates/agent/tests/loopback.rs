//! The real agent against a tiny in-test hub: a TLS WebSocket server on the loopback interface with
//! an rcgen self-signed certificate, speaking the proto messages.

use futures_util::{SinkExt, StreamExt};
use patchbay_agent::{
    run_agent, run_sim, AgentChecks, AgentOptions, CancellationToken, LinkTimings, Password,
    SimOptions, Trust,
};
use patchbay_proto::{AlarmEvent, Envelope, Hello, Message, Refused, Report, Welcome};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use std::{
    collections::BTreeSet,
    io::Write,
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::Arc,
    time::{Duration, Instant},
};
use tokio::{net::TcpListener, sync::mpsc};
use tokio_rustls::{server::TlsStream, TlsAcceptor};
use tokio_tungstenite::{
    tungstenite::{
        handshake::server::{Request, Response},
        Message as WsMsg,
    },
    WebSocketStream,
};

type Ws = WebSocketStream<TlsStream<tokio::net::TcpStream>>;

enum HubEvent {
    /// A WebSocket connection on this path.
    Ws(Box<Ws>, String),
    TlsError(String),
}

struct FakeHub {
    addr: SocketAddr,
    cert_pem: String,
    events: mpsc::UnboundedReceiver<HubEvent>,
}

const WAIT: Duration = Duration::from_secs(5);

impl FakeHub {
    async fn start() -> Self {
        let ck = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
            .unwrap_or_else(|e| panic!("{e}"));
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.key_pair.serialize_der()));
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|e| panic!("{e}"))
        .with_no_client_auth()
        .with_single_cert(vec![ck.cert.der().clone()], key)
        .unwrap_or_else(|e| panic!("{e}"));
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let (tx, events) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    let tls = match acceptor.accept(tcp).await {
                        Ok(t) => t,
                        Err(e) => {
                            let _ = tx.send(HubEvent::TlsError(e.to_string()));
                            return;
                        }
                    };
                    let (path_tx, path_rx) = std::sync::mpsc::channel();
                    #[allow(clippy::result_large_err)]
                    let cb = move |req: &Request, resp: Response| {
                        let _ = path_tx.send(req.uri().path().to_string());
                        Ok(resp)
                    };
                    if let Ok(ws) = tokio_tungstenite::accept_hdr_async(tls, cb).await {
                        let path = path_rx.try_recv().unwrap_or_default();
                        let _ = tx.send(HubEvent::Ws(Box::new(ws), path));
                    }
                });
            }
        });
        Self {
            addr,
            cert_pem: ck.cert.pem(),
            events,
        }
    }

    fn url(&self) -> String {
        format!("wss://127.0.0.1:{}", self.addr.port())
    }

    async fn next_event(&mut self, wait: Duration) -> Option<HubEvent> {
        tokio::time::timeout(wait, self.events.recv())
            .await
            .ok()
            .flatten()
    }

    async fn accept(&mut self) -> Ws {
        match self.next_event(WAIT).await {
            Some(HubEvent::Ws(ws, path)) => {
                assert_eq!(path, "/agent", "the agent dials proto::AGENT_PATH");
                *ws
            }
            Some(HubEvent::TlsError(e)) => panic!("TLS failed: {e}"),
            None => panic!("no connection within {WAIT:?}"),
        }
    }
}

/// The next envelope, and its raw JSON.
async fn recv(ws: &mut Ws) -> (Envelope, serde_json::Value) {
    loop {
        let frame = tokio::time::timeout(WAIT, ws.next())
            .await
            .unwrap_or_else(|_| panic!("nothing from the agent within {WAIT:?}"));
        match frame {
            Some(Ok(WsMsg::Text(t))) => {
                let env = Envelope::from_json(t.as_str()).unwrap_or_else(|e| panic!("{e}: {t}"));
                let raw = serde_json::from_str(t.as_str()).unwrap_or_else(|e| panic!("{e}"));
                return (env, raw);
            }
            Some(Ok(WsMsg::Ping(_) | WsMsg::Pong(_))) => {}
            other => panic!("unexpected frame: {other:?}"),
        }
    }
}

async fn recv_hello(ws: &mut Ws) -> Hello {
    match recv(ws).await.0.message {
        Message::Hello(h) => h,
        other => panic!("hello expected first, got {other:?}"),
    }
}

async fn recv_report(ws: &mut Ws) -> Report {
    match recv(ws).await.0.message {
        Message::Report(r) => r,
        other => panic!("report expected, got {other:?}"),
    }
}

thread_local! {
    /// Events of a batch not yet handed out by `recv_alarm` (each test runs on its own thread).
    static PENDING: std::cell::RefCell<std::collections::VecDeque<(AlarmEvent, serde_json::Value)>> =
        Default::default();
}

/// Acknowledge a batch as the hub does once it is durable.
async fn ack(ws: &mut Ws, b: &patchbay_proto::AlarmBatch) {
    let through = b.events.last().and_then(|e| e.seq).unwrap_or_default();
    send(
        ws,
        Message::AlarmAck(patchbay_proto::AlarmAck {
            stream: b.stream.clone(),
            through,
            retry_after_ms: None,
        }),
    )
    .await;
}

/// The next alarm event, with `{"kind", "body"}` as it travelled (the batch's kind, the event's
/// fields); each batch is acknowledged as it arrives.
async fn recv_alarm(ws: &mut Ws) -> (AlarmEvent, serde_json::Value) {
    if let Some(next) = PENDING.with(|p| p.borrow_mut().pop_front()) {
        return next;
    }
    match recv(ws).await {
        (
            Envelope {
                message: Message::Alarms(b),
                ..
            },
            raw,
        ) => {
            ack(ws, &b).await;
            PENDING.with(|p| {
                let mut p = p.borrow_mut();
                for (i, e) in b.events.into_iter().enumerate() {
                    let one =
                        serde_json::json!({"kind": raw["kind"], "body": raw["body"]["events"][i]});
                    p.push_back((e, one));
                }
            });
            PENDING
                .with(|p| p.borrow_mut().pop_front())
                .unwrap_or_else(|| panic!("an empty batch"))
        }
        (other, _) => panic!("alarms expected, got {other:?}"),
    }
}

async fn send(ws: &mut Ws, m: Message) {
    ws.send(WsMsg::text(Envelope::new("h1", m).to_json()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

fn welcome(heartbeat_seconds: u64) -> Message {
    Message::Welcome(Welcome {
        hub_version: "test-hub".into(),
        heartbeat_seconds,
    })
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "patchbay-agent-it-{name}-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
    d
}

fn append_alarm(dir: &Path, line: &str) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(dir.join("alarms.jsonl"))
        .unwrap_or_else(|e| panic!("{e}"));
    writeln!(f, "{line}").unwrap_or_else(|e| panic!("{e}"));
}

fn system_toml(version: &str, up_port: u16, down_port: u16) -> String {
    format!(
        r#"name = "ipo-test-1"
profile = "server-edition"
version = "{version}"
address = "10.0.0.10"
port = 443
[flags]
central_management = true
remote_access = true
[service_account]
rights = ["status-read", "configuration"]
[[servers]]
name = "exp-1"
role = "expansion"
address = "10.0.0.11"
check = "tcp://127.0.0.1:{up_port}"
[[servers]]
name = "exp-2"
role = "expansion"
address = "10.0.0.12"
check = "tcp://127.0.0.1:{down_port}"
"#
    )
}

fn fast_timings() -> LinkTimings {
    LinkTimings {
        connect_timeout: Duration::from_secs(3),
        welcome_timeout: Duration::from_secs(3),
        backoff_base: Duration::from_millis(50),
        backoff_cap: Duration::from_millis(200),
        ..LinkTimings::default()
    }
}

async fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    l.local_addr().unwrap_or_else(|e| panic!("{e}")).port()
}

#[tokio::test]
async fn sys_1_agent_hello_report_alarms_reconnect_and_refused_retry_after() {
    let mut hub = FakeHub::start().await;
    let dir = tmpdir("run");
    let ca = dir.join("hub.pem");
    std::fs::write(&ca, &hub.cert_pem).unwrap_or_else(|e| panic!("{e}"));
    let pw = dir.join("password");
    std::fs::write(&pw, "s3cret\n").unwrap_or_else(|e| panic!("{e}"));
    // exp-1 answers (a bound listener accepts TCP connections), exp-2 does not.
    let up = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let up_port = up.local_addr().unwrap_or_else(|e| panic!("{e}")).port();
    let down_port = closed_port().await;
    let sys = dir.join("system");
    std::fs::create_dir_all(&sys).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        sys.join("system.toml"),
        system_toml("12.1.0.0.123", up_port, down_port),
    )
    .unwrap_or_else(|e| panic!("{e}"));

    let mut opts = AgentOptions::new(
        hub.url(),
        "acme",
        Password::from_file(&pw).unwrap_or_else(|e| panic!("{e}")),
        &sys,
    );
    opts.trust = Trust::CaFile(ca.clone());
    opts.timings = fast_timings();
    opts.checks = AgentChecks {
        config_reload: Duration::from_millis(100),
        alarm_poll: Duration::from_millis(20),
        // Any volume is "almost full" at 0 %: proves the disk alarm end to end.
        disk_raise_percent: 0,
        disk_clear_percent: 0,
        ..AgentChecks::default()
    };
    let shutdown = CancellationToken::new();
    let agent = tokio::spawn(run_agent(opts, shutdown.clone()));

    // 1. hello with the right fields, then welcome → report with the primary first.
    let mut ws = hub.accept().await;
    let hello = recv_hello(&mut ws).await;
    assert_eq!(hello.customer_id, "acme");
    assert_eq!(hello.service_user, "COMAdmin");
    assert_eq!(hello.password, "s3cret", "trailing newline trimmed");
    assert_eq!(hello.system_name, "ipo-test-1");
    assert!(hello.primary);
    assert_eq!(hello.agent_version, env!("CARGO_PKG_VERSION"));
    send(&mut ws, welcome(1)).await;
    let report = recv_report(&mut ws).await;
    assert_eq!(report.system_name, "ipo-test-1");
    assert_eq!(report.profile, "server-edition");
    assert!(report.flags.central_management && !report.flags.colocated_servers);
    assert_eq!(
        report.service_account.rights,
        ["status-read", "configuration"]
    );
    let servers: Vec<_> = report
        .servers
        .iter()
        .map(|s| (s.name.as_str(), s.role.as_str(), s.state.as_str()))
        .collect();
    assert_eq!(
        servers,
        [
            ("ipo-test-1", "primary", "online"),
            ("exp-1", "expansion", "online"),
            ("exp-2", "expansion", "offline"),
        ]
    );

    // 2. The agent's own alarms: the unreachable server and the (forced) full disk; and (ALM-4)
    //    the clear of the reachable server's alarm, in case it was raised before a restart.
    let mut keys = BTreeSet::new();
    for _ in 0..3 {
        let (a, _) = recv_alarm(&mut ws).await;
        if a.key.as_deref() == Some("server-unreachable-exp-1") {
            assert_eq!(
                (a.event.as_str(), a.alarm_type.as_str(), a.ongoing),
                ("clear", "link", false)
            );
        } else if a.key.as_deref() == Some("server-unreachable-exp-2") {
            assert_eq!(
                (
                    a.event.as_str(),
                    a.severity.as_str(),
                    a.alarm_type.as_str(),
                    a.ongoing
                ),
                ("raise", "major", "link", true)
            );
            assert_eq!(a.description, "Server exp-2 unreachable");
        } else {
            assert_eq!(a.key.as_deref(), Some("disk-full"));
            assert_eq!(
                (a.severity.as_str(), a.alarm_type.as_str()),
                ("major", "services")
            );
            assert!(a.description.starts_with("Disk almost full on "), "{a:?}");
        }
        keys.insert(a.key.unwrap_or_default());
    }
    assert_eq!(keys.len(), 3, "{keys:?}");

    // 3. ALM-1: a line appended to alarms.jsonl is forwarded, `type` becoming `alarmType`.
    append_alarm(
        &sys,
        r#"{"event":"raise","severity":"critical","type":"trunk","description":"SIP trunk 1 down","key":"trunk-1","ongoing":true,"at":"2025-03-01T10:00:00Z"}"#,
    );
    let (a, raw) = recv_alarm(&mut ws).await;
    assert_eq!(raw["kind"], "alarms");
    assert!(raw["body"]["seq"].is_u64());
    assert_eq!(raw["body"]["alarmType"], "trunk");
    assert_eq!(a.severity, "critical");
    assert_eq!(a.description, "SIP trunk 1 down");
    assert_eq!(a.key.as_deref(), Some("trunk-1"));
    assert!(a.ongoing);
    assert_eq!(a.at.as_deref(), Some("2025-03-01T10:00:00Z"));

    // 4. system.toml changes → a new report.
    std::fs::write(
        sys.join("system.toml"),
        system_toml("12.1.0.1.7", up_port, down_port),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let report = recv_report(&mut ws).await;
    assert_eq!(report.version, "12.1.0.1.7");

    // 5. The hub goes away: the agent reconnects; this time the hub refuses with retry_after.
    drop(ws);
    let mut ws = hub.accept().await;
    let hello = recv_hello(&mut ws).await;
    assert_eq!(hello.customer_id, "acme");
    send(
        &mut ws,
        Message::Refused(Refused {
            status: "too-many-sessions".into(),
            message: "Too many simultaneous sessions".into(),
            retry_after_seconds: Some(1),
        }),
    )
    .await;
    let refused_at = Instant::now();
    let _ = ws.close(None).await;
    drop(ws);
    // Produced while disconnected: queued, sent after the next report.
    append_alarm(&sys, r#"{"event":"clear","type":"trunk","key":"trunk-1"}"#);

    // 6. The retry waits for retry_after (1 s, far above the 200 ms back-off cap), then reports
    //    again and delivers the queued alarm.
    let mut ws = hub.accept().await;
    let waited = refused_at.elapsed();
    assert!(
        waited >= Duration::from_millis(950),
        "retried after {waited:?}, before retry_after"
    );
    let _ = recv_hello(&mut ws).await;
    send(&mut ws, welcome(1)).await;
    let report = recv_report(&mut ws).await;
    assert_eq!(report.servers[0].role, "primary");
    assert_eq!(report.version, "12.1.0.1.7");
    let (a, _) = recv_alarm(&mut ws).await;
    assert_eq!(
        (a.event.as_str(), a.key.as_deref()),
        ("clear", Some("trunk-1"))
    );

    shutdown.cancel();
    let res = tokio::time::timeout(WAIT, agent)
        .await
        .unwrap_or_else(|_| panic!("agent did not stop"))
        .unwrap_or_else(|e| panic!("{e}"));
    res.unwrap_or_else(|e| panic!("{e}"));
    // The offset is remembered for the next start.
    assert!(sys.join(".alarms.offset").exists());
    drop(up);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn sys_1_missed_pongs_count_as_connection_lost() {
    let mut hub = FakeHub::start().await;
    let sys = tmpdir("pong");
    std::fs::write(
        sys.join("system.toml"),
        "name = \"p\"\nprofile = \"ip500v2\"\nversion = \"11.1\"\naddress = \"p.lan\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut opts = AgentOptions::new(hub.url(), "pong", Password::new("pw"), &sys);
    // Lab mode: no verification of the (self-signed) certificate.
    opts.trust = Trust::InsecureSkipVerify;
    opts.timings = LinkTimings {
        heartbeat_override: Some(Duration::from_millis(100)),
        ..fast_timings()
    };
    let shutdown = CancellationToken::new();
    let agent = tokio::spawn(run_agent(opts, shutdown.clone()));
    let mut ws = hub.accept().await;
    let _ = recv_hello(&mut ws).await;
    send(&mut ws, welcome(20)).await;
    let _ = recv_report(&mut ws).await;
    // Stop reading: no pongs go back. After 3 unanswered pings the agent gives up and redials.
    let t = Instant::now();
    let mut ws2 = hub.accept().await;
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
    let hello = recv_hello(&mut ws2).await;
    assert_eq!(hello.customer_id, "pong");
    drop(ws);
    shutdown.cancel();
    let _ = tokio::time::timeout(WAIT, agent).await;
    let _ = std::fs::remove_dir_all(&sys);
}

#[tokio::test]
async fn sys_1_only_the_trusted_certificate_is_accepted() {
    let mut hub = FakeHub::start().await;
    let sys = tmpdir("trust");
    std::fs::write(
        sys.join("system.toml"),
        "name = \"t\"\nprofile = \"accs\"\nversion = \"7.1\"\naddress = \"t.lan\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let other = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()])
        .unwrap_or_else(|e| panic!("{e}"));
    let mut opts = AgentOptions::new(hub.url(), "t", Password::new("pw"), &sys);
    opts.trust = Trust::CaPem(other.cert.pem().into_bytes());
    opts.timings = fast_timings();
    let shutdown = CancellationToken::new();
    let agent = tokio::spawn(run_agent(opts, shutdown.clone()));
    match hub.next_event(WAIT).await {
        Some(HubEvent::TlsError(_)) => {}
        Some(HubEvent::Ws(..)) => panic!("connected with an untrusted certificate"),
        None => panic!("the agent never tried"),
    }
    // It keeps retrying, and never gets through.
    for _ in 0..2 {
        if let Some(HubEvent::Ws(..)) = hub.next_event(Duration::from_millis(400)).await {
            panic!("connected with an untrusted certificate");
        }
    }
    shutdown.cancel();
    let _ = tokio::time::timeout(WAIT, agent).await;
    let _ = std::fs::remove_dir_all(&sys);
}

#[tokio::test]
async fn sys_1_sim_runs_one_authenticated_connection_per_system() {
    let mut hub = FakeHub::start().await;
    let mut opts = SimOptions::new(hub.url(), 3, "t", Password::new("simpw"));
    opts.start_index = 5;
    opts.trust = Trust::CaPem(hub.cert_pem.clone().into_bytes());
    opts.ramp = Duration::from_millis(100);
    opts.alarm_interval = Duration::from_millis(30);
    opts.summary_interval = None;
    opts.timings = fast_timings();
    let shutdown = CancellationToken::new();
    let sim = tokio::spawn(run_sim(opts, shutdown.clone()));
    let mut customers = BTreeSet::new();
    let mut conns = Vec::new();
    for _ in 0..3 {
        let mut ws = hub.accept().await;
        let hello = recv_hello(&mut ws).await;
        assert_eq!(hello.password, "simpw");
        assert!(hello.primary);
        assert_eq!(hello.system_name, format!("{}-sys", hello.customer_id));
        customers.insert(hello.customer_id.clone());
        send(&mut ws, welcome(20)).await;
        let r = recv_report(&mut ws).await;
        assert_eq!(r.system_name, hello.system_name);
        assert_eq!(
            r,
            patchbay_agent::sim_report("t", r.system_name[2..7].parse().unwrap_or(0))
        );
        conns.push(ws);
    }
    assert_eq!(
        customers.into_iter().collect::<Vec<_>>(),
        ["t-00005", "t-00006", "t-00007"]
    );
    // Each streams alarms (or a changed report) soon after.
    for ws in &mut conns {
        let (env, _) = recv(ws).await;
        assert!(matches!(
            env.message,
            Message::Alarms(_) | Message::Report(_)
        ));
    }
    shutdown.cancel();
    let stats = tokio::time::timeout(WAIT, sim)
        .await
        .unwrap_or_else(|_| panic!("sim did not stop"))
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stats.welcomes, 3);
    assert!(stats.reports_sent >= 3);
    assert_eq!(
        (stats.connected, stats.connecting, stats.reconnecting),
        (0, 0, 0)
    );
}

fn alm_4_system_toml(servers: &[(&str, Option<u16>)]) -> String {
    let mut t = String::from(
        "name = \"ipo-alm4\"\nprofile = \"server-edition\"\nversion = \"12.1\"\naddress = \"10.0.0.10\"\n",
    );
    for (name, port) in servers {
        t += &format!(
            "[[servers]]\nname = \"{name}\"\nrole = \"expansion\"\naddress = \"10.0.0.11\"\n"
        );
        if let Some(port) = port {
            t += &format!("check = \"tcp://127.0.0.1:{port}\"\n");
        }
    }
    t
}

/// Receives alarms until `n` have come; returns them as "event key".
async fn recv_alarm_keys(ws: &mut Ws, n: usize) -> BTreeSet<String> {
    let mut got = BTreeSet::new();
    for _ in 0..n {
        let (a, _) = recv_alarm(ws).await;
        assert!(
            got.insert(format!("{} {}", a.event, a.key.unwrap_or_default())),
            "{got:?}"
        );
    }
    got
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The hub refuses to clear an ongoing alarm: only the agent's clear ends it. An agent restarted
/// after raising one must clear it once its condition is OK, though it no longer remembers raising
/// it; it does so after every welcome, for each of its own alarms whose condition is OK.
#[tokio::test]
async fn alm_4_agent_clears_its_own_alarms_after_restart_when_condition_is_ok() {
    let mut hub = FakeHub::start().await;
    let sys = tmpdir("alm4");
    let up = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let up_port = up.local_addr().unwrap_or_else(|e| panic!("{e}")).port();
    let down_port = closed_port().await;
    // Any volume short of completely full is below 100 %: the disk condition is OK.
    let disk_ok = patchbay_agent::disk::disk_usage(&sys)
        .map(|u| u.used_percent() < 100)
        .unwrap_or(false);
    let start = |hub_url: String, sys: PathBuf| {
        let mut opts = AgentOptions::new(hub_url, "alm4", Password::new("pw"), &sys);
        opts.trust = Trust::InsecureSkipVerify;
        opts.timings = fast_timings();
        opts.checks = AgentChecks {
            config_reload: Duration::from_millis(100),
            disk_raise_percent: 100,
            disk_clear_percent: 100,
            ..AgentChecks::default()
        };
        let shutdown = CancellationToken::new();
        (tokio::spawn(run_agent(opts, shutdown.clone())), shutdown)
    };

    // First run: exp-1 is down → raised (ongoing).
    std::fs::write(
        sys.join("system.toml"),
        alm_4_system_toml(&[("exp-1", Some(down_port))]),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (agent, shutdown) = start(hub.url(), sys.clone());
    let mut ws = hub.accept().await;
    let _ = recv_hello(&mut ws).await;
    send(&mut ws, welcome(20)).await;
    let _ = recv_report(&mut ws).await;
    let mut first = set(&["raise server-unreachable-exp-1"]);
    if disk_ok {
        first.insert("clear disk-full".into());
    }
    assert_eq!(recv_alarm_keys(&mut ws, first.len()).await, first);
    // The agent forgets them once it has the acknowledgement (its spool journals it).
    let deadline = Instant::now() + WAIT;
    while !std::fs::read_to_string(sys.join(".alarms.spool"))
        .unwrap_or_default()
        .contains(r#"{"ack":"#)
    {
        assert!(
            Instant::now() < deadline,
            "the acknowledgement never reached the spool"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    shutdown.cancel();
    let _ = tokio::time::timeout(WAIT, agent).await;
    drop(ws);

    // Restart: exp-1 answers now, exp-2 is down, exp-3 has no check. The new agent never raised
    // anything, yet clears exp-1 (and exp-3, and the disk), and raises exp-2, never clearing it.
    std::fs::write(
        sys.join("system.toml"),
        alm_4_system_toml(&[
            ("exp-1", Some(up_port)),
            ("exp-2", Some(down_port)),
            ("exp-3", None),
        ]),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (agent, shutdown) = start(hub.url(), sys.clone());
    let mut ws = hub.accept().await;
    let _ = recv_hello(&mut ws).await;
    send(&mut ws, welcome(20)).await;
    let report = recv_report(&mut ws).await;
    assert_eq!(report.servers.len(), 4);
    let mut want = set(&[
        "clear server-unreachable-exp-1",
        "raise server-unreachable-exp-2",
        "clear server-unreachable-exp-3",
    ]);
    if disk_ok {
        want.insert("clear disk-full".into());
    }
    assert_eq!(recv_alarm_keys(&mut ws, want.len()).await, want);

    // Every (re)connection does it again (the raise of exp-2 was sent: it is not repeated).
    drop(ws);
    let mut ws = hub.accept().await;
    let _ = recv_hello(&mut ws).await;
    send(&mut ws, welcome(20)).await;
    let _ = recv_report(&mut ws).await;
    want.remove("raise server-unreachable-exp-2");
    assert_eq!(recv_alarm_keys(&mut ws, want.len()).await, want);

    // A server removed from system.toml gets its alarm cleared, even one the agent thinks fine.
    std::fs::write(
        sys.join("system.toml"),
        alm_4_system_toml(&[("exp-2", Some(down_port)), ("exp-3", None)]),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut saw_report = false;
    let mut saw_clear = false;
    while !(saw_report && saw_clear) {
        match recv(&mut ws).await.0.message {
            Message::Report(r) => {
                assert_eq!(r.servers.len(), 3);
                saw_report = true;
            }
            Message::Alarms(b) => {
                for a in &b.events {
                    assert_eq!(
                        (a.event.as_str(), a.key.as_deref()),
                        ("clear", Some("server-unreachable-exp-1"))
                    );
                }
                ack(&mut ws, &b).await;
                saw_clear = true;
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    shutdown.cancel();
    let _ = tokio::time::timeout(WAIT, agent).await;
    drop(up);
    let _ = std::fs::remove_dir_all(&sys);
}
