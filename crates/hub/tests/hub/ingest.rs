//! ALM-1 reliability with the `patchbay` binary and the real agent: alarms queued by an agent that
//! restarts while the hub is away arrive exactly once, and a hub killed with SIGKILL in the middle
//! of a burst keeps every alarm it acknowledged, the agent's replay counting nothing twice. On
//! SQLite and on PostgreSQL.

use crate::crash::{customer, free_port, healthy, serve, Scratch};
use patchbay_agent::{
    run_agent, AgentChecks, AgentOptions, CancellationToken, LinkTimings, Password, Trust,
};
use reqwest::Client;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const PASSWORD: &str = "Svc#Burst-2026";

struct Fleet {
    base: String,
    token: String,
    id: String,
    sys: PathBuf,
    cert: Vec<u8>,
}

impl Fleet {
    /// An administrator token, a customer, and the system directory of its (not yet started)
    /// agent.
    async fn new(s: &Scratch, c: &Client, port: u16, cid: &str) -> Self {
        let token = s.admin_token().trim().to_string();
        let base = format!("https://localhost:{port}");
        let created: Value = c
            .post(format!("{base}/v1/operations/customers"))
            .bearer_auth(&token)
            .json(&json!({"name": format!("Burst {cid}"), "customerId": cid, "serviceUserName": "COMAdmin", "servicePassword": PASSWORD}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_default();
        let id = created["id"].as_str().unwrap_or_default().to_string();
        assert!(!id.is_empty(), "{created}");
        let sys = s.dir.join(format!("system-{cid}"));
        std::fs::create_dir_all(&sys).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            sys.join("system.toml"),
            "name = \"burst-ipo\"\nprofile = \"ip500v2\"\nversion = \"11.1.3.0.12\"\naddress = \"192.0.2.10\"\nport = 443\n\
             [flags]\ncentral_management = true\n\
             [service_account]\nrights = [\"status-read\", \"configuration\", \"upgrade\"]\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let cert = std::fs::read(s.dir.join("identity.crt.pem")).unwrap_or_default();
        Self {
            base,
            token,
            id,
            sys,
            cert,
        }
    }

    fn start_agent(&self, cid: &str) -> (tokio::task::JoinHandle<()>, CancellationToken) {
        let mut opts = AgentOptions::new(
            self.base.replace("https", "wss"),
            cid,
            Password::new(PASSWORD),
            &self.sys,
        );
        opts.trust = Trust::CaPem(self.cert.clone());
        opts.timings = LinkTimings {
            backoff_base: Duration::from_millis(100),
            backoff_cap: Duration::from_millis(300),
            ..LinkTimings::default()
        };
        opts.checks = AgentChecks {
            alarm_poll: Duration::from_millis(20),
            queue_capacity: 100_000,
            ..AgentChecks::default()
        };
        let stop = CancellationToken::new();
        let s = stop.clone();
        let task = tokio::spawn(async move {
            let _ = run_agent(opts, s).await;
        });
        (task, stop)
    }

    async fn wait_connected(&self, c: &Client) {
        let mut last = Value::Null;
        for _ in 0..150 {
            last = customer(c, &self.base, &self.token, &self.id).await;
            if last["connectivity"] == "green" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the agent did not connect: {last}");
    }

    /// Every alarm of the customer: description → occurrences. Read while nothing is being
    /// ingested (offset paging under concurrent inserts may show a row on two pages).
    async fn alarms(&self, c: &Client) -> BTreeMap<String, i64> {
        self.read_alarms(c, true).await
    }

    async fn read_alarms(&self, c: &Client, strict: bool) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        let mut start = 0;
        loop {
            let page: Value = c
                .get(format!(
                    "{}/v1/operations/alarms?customerId={}&max=1000&start={start}",
                    self.base, self.id
                ))
                .bearer_auth(&self.token)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .json()
                .await
                .unwrap_or_default();
            let items = page["items"].as_array().cloned().unwrap_or_default();
            for a in &items {
                let d = a["description"].as_str().unwrap_or_default().to_string();
                let n = a["occurrences"].as_i64().unwrap_or_default();
                let before = out.insert(d.clone(), n);
                assert!(!strict || before.is_none(), "{d} listed twice");
            }
            if items.len() < 1000 {
                return out;
            }
            start += items.len();
        }
    }

    /// Waits until the customer has `n` alarms of the burst; returns them.
    async fn wait_alarms(&self, c: &Client, n: usize) -> BTreeMap<String, i64> {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let got = self.read_alarms(c, false).await;
            let burst = got.keys().filter(|d| d.starts_with("burst ")).count();
            if burst >= n || Instant::now() > deadline {
                // Whatever was still on its way has landed by now (or never will).
                tokio::time::sleep(Duration::from_millis(500)).await;
                return self.alarms(c).await;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The customer's alarm count as the customer list shows it.
    async fn alarm_count(&self, c: &Client) -> i64 {
        customer(c, &self.base, &self.token, &self.id).await["alarmCount"]
            .as_i64()
            .unwrap_or(-1)
    }
}

fn raise(i: usize) -> String {
    format!(
        "{{\"event\":\"raise\",\"severity\":\"minor\",\"type\":\"qos\",\"description\":\"burst {i:06}\",\"key\":\"k-{i:06}\"}}\n"
    )
}

fn append(sys: &Path, from: usize, to: usize) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(sys.join("alarms.jsonl"))
        .unwrap_or_else(|e| panic!("{e}"));
    let text: String = (from..to).map(raise).collect();
    f.write_all(text.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
}

/// From the agent's spool journal: the last acknowledged number and the burst events numbered up
/// to it (their descriptions).
fn acknowledged(sys: &Path) -> (u64, BTreeSet<String>) {
    let text = std::fs::read_to_string(sys.join(".alarms.spool")).unwrap_or_default();
    let mut through = 0;
    let mut events = BTreeMap::new();
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if let Some(a) = v["ack"].as_u64() {
            through = through.max(a);
        }
        if let (Some(seq), Some(d)) = (v["seq"].as_u64(), v["event"]["description"].as_str()) {
            events.insert(seq, d.to_string());
        }
    }
    let acked = events
        .range(..=through)
        .map(|(_, d)| d.clone())
        .filter(|d| d.starts_with("burst "))
        .collect();
    (through, acked)
}

fn assert_exactly_once(got: &BTreeMap<String, i64>, n: usize) {
    let burst: Vec<(&String, &i64)> = got
        .iter()
        .filter(|(d, _)| d.starts_with("burst "))
        .collect();
    assert_eq!(burst.len(), n, "burst alarms present");
    let twice: Vec<_> = burst.iter().filter(|(_, n)| **n != 1).take(5).collect();
    assert!(twice.is_empty(), "counted more than once: {twice:?}");
}

/// ALM-1: an agent restarted while the hub is down keeps what it had queued (its spool), and
/// everything arrives exactly once when the hub is back.
#[tokio::test]
async fn alm_1_agent_restart_while_disconnected_delivers_queued_alarms_exactly_once() {
    let s = Scratch::new().await;
    let port = free_port();
    let mut hub = serve(&s.dir, &s.url, port);
    let c = healthy(&s.dir, port).await;
    let f = Fleet::new(&s, &c, port, "spool").await;
    let (agent, stop) = f.start_agent("spool");
    f.wait_connected(&c).await;
    append(&f.sys, 0, 200);
    let got = f.wait_alarms(&c, 200).await;
    assert_exactly_once(&got, 200);

    // The hub goes away; alarms keep coming and wait in the agent.
    let _ = hub.kill();
    let _ = hub.wait();
    append(&f.sys, 200, 1_200);
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::read_to_string(f.sys.join(".alarms.spool"))
        .unwrap_or_default()
        .matches("burst ")
        .count()
        < 1_200
    {
        assert!(
            Instant::now() < deadline,
            "the agent did not spool the alarms"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The agent restarts while disconnected, and more alarms come in meanwhile.
    stop.cancel();
    let _ = agent.await;
    append(&f.sys, 1_200, 1_500);
    let (agent, stop) = f.start_agent("spool");
    tokio::time::sleep(Duration::from_millis(300)).await;

    let mut hub = serve(&s.dir, &s.url, port);
    let c = healthy(&s.dir, port).await;
    let got = f.wait_alarms(&c, 1_500).await;
    assert_exactly_once(&got, 1_500);
    assert_eq!(f.alarm_count(&c).await, got.len() as i64);
    stop.cancel();
    let _ = agent.await;
    let _ = hub.kill();
    let _ = hub.wait();
    s.cleanup().await;
}

/// ALM-1: the hub is killed (SIGKILL) in the middle of a burst. Every alarm it had acknowledged
/// is in the database when it is back; the agent then sends what was not acknowledged — some of
/// it applied just before the kill — and every alarm is counted exactly once.
#[tokio::test]
async fn alm_1_a_hub_killed_during_a_burst_keeps_every_acknowledged_alarm_exactly_once() {
    let s = Scratch::new().await;
    let port = free_port();
    let mut hub = serve(&s.dir, &s.url, port);
    let c = healthy(&s.dir, port).await;
    let f = Fleet::new(&s, &c, port, "burst").await;
    let (agent, stop) = f.start_agent("burst");
    f.wait_connected(&c).await;

    // A burst of 20,000 alarms, written 500 at a time.
    const N: usize = 20_000;
    let sys = f.sys.clone();
    let writer = tokio::spawn(async move {
        for k in (0..N).step_by(500) {
            append(&sys, k, k + 500);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    // Killed once the hub has acknowledged some of it.
    let deadline = Instant::now() + Duration::from_secs(30);
    while acknowledged(&f.sys).1.len() < 1_000 {
        assert!(Instant::now() < deadline, "nothing acknowledged");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let _ = hub.kill();
    let _ = hub.wait();
    let (through, acked) = acknowledged(&f.sys);
    assert!(!acked.is_empty());
    let _ = writer.await;
    // The agent waits (its spool keeps everything) while the database is read as the kill left
    // it; it is started again afterwards.
    stop.cancel();
    let _ = agent.await;

    let mut hub = serve(&s.dir, &s.url, port);
    let c = healthy(&s.dir, port).await;
    // Everything acknowledged before the kill is there.
    let now = f.alarms(&c).await;
    let missing: Vec<_> = acked
        .iter()
        .filter(|d| !now.contains_key(*d))
        .take(5)
        .collect();
    assert!(
        missing.is_empty(),
        "acknowledged through #{through} but missing after the kill: {missing:?}"
    );
    // Then everything, once.
    let (agent, stop) = f.start_agent("burst");
    let got = f.wait_alarms(&c, N).await;
    assert_exactly_once(&got, N);
    assert_eq!(f.alarm_count(&c).await, got.len() as i64);
    println!(
        "killed with {} of {N} alarms acknowledged (through #{through})",
        acked.len()
    );
    stop.cancel();
    let _ = agent.await;
    let _ = hub.kill();
    let _ = hub.wait();
    s.cleanup().await;
}
