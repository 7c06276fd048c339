//! The `patchbay` binary as an operator runs it: commands that print a secret print only that on
//! standard output, and a hub killed with SIGKILL shows its systems offline as soon as it is back
//! (SYS-2), on SQLite and on PostgreSQL.

use crate::common::*;
use patchbay_agent::{run_agent, AgentOptions, CancellationToken, LinkTimings, Password, Trust};
use reqwest::Client;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_patchbay");

/// `patchbay <args> --data-dir dir --database-url url`, with `stdin`; returns (stdout, stderr).
fn run(args: &[&str], dir: &Path, url: &str, stdin: &str) -> (String, String) {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .arg("--database-url")
        .arg(url)
        // Plenty to log: migrations, connections.
        .env("PATCHBAY_LOG", "debug")
        .env_remove("PATCHBAY_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin.as_bytes());
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let (o, e) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert!(out.status.success(), "patchbay {args:?}: {o}\n{e}");
    (o, e)
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"))
}

pub(crate) fn serve(dir: &Path, url: &str, port: u16) -> Child {
    Command::new(BIN)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        // Hubs of parallel tests must not race for the proxy's or phone file server's default port.
        .args(["--proxy-listen", "127.0.0.1:0"])
        .args(["--phone-files-listen", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(dir)
        .arg("--database-url")
        .arg(url)
        .env("PATCHBAY_LOG", "warn")
        .env_remove("PATCHBAY_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn client(dir: &Path) -> Client {
    let pem = std::fs::read(dir.join("identity.crt.pem")).unwrap_or_else(|e| panic!("{e}"));
    Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(&pem).unwrap_or_else(|e| panic!("{e}")),
        )
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

pub(crate) async fn healthy(dir: &Path, port: u16) -> Client {
    for _ in 0..100 {
        if dir.join("identity.crt.pem").exists() {
            let c = client(dir);
            let ok = c
                .get(format!("https://localhost:{port}/healthz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                return c;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the hub on port {port} did not come up");
}

pub(crate) struct Scratch {
    pub(crate) dir: PathBuf,
    pub(crate) url: String,
    pg: Option<(String, String)>,
}

impl Scratch {
    pub(crate) async fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("patchbay-bin-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let (url, pg) = database_url(&dir).await;
        Self { dir, url, pg }
    }
    pub(crate) async fn cleanup(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        drop_database(self.pg).await;
    }
    /// An administrator and its API token, through the command line.
    pub(crate) fn admin_token(&self) -> String {
        run(
            &[
                "admin",
                "create-user",
                "--login",
                "ops",
                "--role",
                "administrator",
                "--password-stdin",
            ],
            &self.dir,
            &self.url,
            "Str0ng#Passw0rd\n",
        );
        run(
            &["admin", "create-token", "--login", "ops"],
            &self.dir,
            &self.url,
            "",
        )
        .0
    }
}

#[tokio::test]
async fn cli_1_create_token_prints_only_the_token_on_stdout() {
    let s = Scratch::new().await;
    let out = s.admin_token();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "stdout must be the token alone: {out:?}");
    assert!(
        lines[0].starts_with("pb_") && !lines[0].contains(' ') && !lines[0].contains('\u{1b}'),
        "{out:?}"
    );
    // `TOKEN=$(…)` works: the token authenticates.
    let port = free_port();
    let mut hub = serve(&s.dir, &s.url, port);
    let c = healthy(&s.dir, port).await;
    let r = c
        .get(format!("https://localhost:{port}/v1/me"))
        .bearer_auth(lines[0])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let _ = hub.kill();
    let _ = hub.wait();
    s.cleanup().await;
}

pub(crate) async fn customer(c: &Client, base: &str, token: &str, id: &str) -> Value {
    c.get(format!("{base}/v1/operations/customers/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default()
}

#[tokio::test]
async fn sys_2_a_killed_hub_shows_its_systems_offline_as_soon_as_it_is_back() {
    let s = Scratch::new().await;
    let token = s.admin_token();
    let token = token.trim();
    let port = free_port();
    let base = format!("https://localhost:{port}");
    let mut hub = serve(&s.dir, &s.url, port);
    let c = healthy(&s.dir, port).await;
    let created: Value = c
        .post(format!("{base}/v1/operations/customers"))
        .bearer_auth(token)
        .json(&json!({"name": "Crash Test", "customerId": "crash", "serviceUserName": "COMAdmin", "servicePassword": "Svc#Crash-2026"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    let id = created["id"].as_str().unwrap_or_default().to_string();
    // A real agent connects.
    let sys = s.dir.join("system");
    std::fs::create_dir_all(&sys).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        sys.join("system.toml"),
        "name = \"crash-ipo\"\nprofile = \"ip500v2\"\nversion = \"11.1.3.0.12\"\naddress = \"192.0.2.10\"\nport = 443\n\
         [flags]\ncentral_management = true\nremote_upgrade_backup = true\nremote_access = true\n\
         [service_account]\nrights = [\"status-read\", \"configuration\", \"upgrade\"]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut opts = AgentOptions::new(
        base.replace("https", "wss"),
        "crash",
        Password::new("Svc#Crash-2026"),
        &sys,
    );
    opts.trust = Trust::CaPem(std::fs::read(s.dir.join("identity.crt.pem")).unwrap_or_default());
    opts.timings = LinkTimings {
        backoff_base: Duration::from_millis(100),
        backoff_cap: Duration::from_millis(300),
        ..LinkTimings::default()
    };
    let stop = CancellationToken::new();
    let agent_stop = stop.clone();
    let agent = tokio::spawn(async move {
        let _ = run_agent(opts, agent_stop).await;
    });
    let mut last = Value::Null;
    for _ in 0..150 {
        last = customer(&c, &base, token, &id).await;
        if last["connectivity"] == "green" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(last["connectivity"], "green", "{last}");
    // SIGKILL: nothing is released on the way down. The agent stays away.
    let _ = hub.kill();
    let _ = hub.wait();
    stop.cancel();
    let _ = agent.await;
    let mut hub = serve(&s.dir, &s.url, port);
    let c = healthy(&s.dir, port).await;
    let after = customer(&c, &base, token, &id).await;
    assert_ne!(
        after["connectivity"], "green",
        "the killed hub's connection is gone at once: {after}"
    );
    assert_ne!(after["status"], "connectionSuccessful", "{after}");
    let _ = hub.kill();
    let _ = hub.wait();
    s.cleanup().await;
}

/// A simulated system that may be backed up: flags on, a usable service account with every right.
fn backup_capable(prefix: &str, i: u32) -> bool {
    let r = patchbay_agent::sim_report(prefix, i);
    let a = &r.service_account;
    r.flags.remote_upgrade_backup
        && r.profile != "legacy"
        && !(a.disabled || a.locked || a.password_expired || a.must_change_password)
        && a.rights.len() == 3
}

/// JOB-5, BKP-1, BKP-2 crash safety: the hub is killed (SIGKILL) while 50 simulated systems back
/// up, and started again. Every part ends — completed when its system confirms it (results kept
/// by the agents, actions the dead process had in flight sent again), else failed with a reason —
/// each completed part left exactly one backup, every backup's blob is in the blob store and no
/// backup blob is left without its row; no system is left holding its action slot.
#[tokio::test]
async fn job_5_a_hub_killed_during_fifty_backups_leaves_nothing_stuck() {
    use patchbay_agent::{run_sim, sim_customer_id, SimOptions};
    let s = Scratch::new().await;
    let token = s.admin_token();
    let token = token.trim().to_string();
    let port = free_port();
    let base = format!("https://localhost:{port}");
    let mut hub = serve(&s.dir, &s.url, port);
    let c = healthy(&s.dir, port).await;
    let prefix = "kill";
    let picks: Vec<u32> = (1..1000)
        .filter(|i| backup_capable(prefix, *i))
        .take(50)
        .collect();
    assert_eq!(picks.len(), 50);
    let mut ids = Vec::new();
    for i in &picks {
        let created: Value = c
            .post(format!("{base}/v1/operations/customers"))
            .bearer_auth(&token)
            .json(&json!({"name": format!("Kill {i}"), "customerId": sim_customer_id(prefix, *i), "serviceUserName": "COMAdmin", "servicePassword": "Svc#Kill-2026"}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_default();
        ids.push(created["id"].as_str().unwrap_or_default().to_string());
    }
    // The simulator runs every index up to the last pick; the others are refused (no customer).
    let root = s.dir.join("sim");
    let mut opts = SimOptions::new(
        base.replace("https", "wss"),
        *picks.last().unwrap_or(&1),
        prefix,
        Password::new("Svc#Kill-2026"),
    );
    opts.trust = Trust::CaPem(std::fs::read(s.dir.join("identity.crt.pem")).unwrap_or_default());
    opts.alarm_interval = Duration::ZERO;
    opts.ramp = Duration::from_millis(500);
    opts.summary_interval = None;
    opts.data_root = Some(root);
    opts.timings = LinkTimings {
        backoff_base: Duration::from_millis(100),
        backoff_cap: Duration::from_millis(500),
        ..LinkTimings::default()
    };
    let stop = CancellationToken::new();
    let sim = tokio::spawn(run_sim(opts, stop.clone()));
    let connected = |c: Client, token: String, base: String| async move {
        let list: Value = c
            .get(format!(
                "{base}/v1/operations/customers?max=200&search=kill"
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_default();
        list["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|x| x["connectivity"] == "green")
            .count()
    };
    let mut n = 0;
    for _ in 0..300 {
        n = connected(c.clone(), token.clone(), base.clone()).await;
        if n == 50 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(n, 50, "simulated systems connected");
    let job: Value = c
        .post(format!("{base}/v1/operations/jobs"))
        .bearer_auth(&token)
        .json(&json!({"name": "Fifty", "operation": "backup", "customerIds": ids}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    let job_id = job["id"].as_str().unwrap_or_default().to_string();
    assert!(!job_id.is_empty(), "{job}");
    let details = |c: Client, token: String, base: String, id: String| async move {
        c.get(format!("{base}/v1/operations/jobs/{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .ok()?
            .json::<Value>()
            .await
            .ok()
    };
    // Kill it once the work is under way.
    for _ in 0..200 {
        let d = details(c.clone(), token.clone(), base.clone(), job_id.clone())
            .await
            .unwrap_or_default();
        let done = d["parts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["status"] == "completed")
            .count();
        if done >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = hub.kill();
    let _ = hub.wait();
    let mut hub = serve(&s.dir, &s.url, port);
    let c = healthy(&s.dir, port).await;
    let mut last = Value::Null;
    for _ in 0..600 {
        last = details(c.clone(), token.clone(), base.clone(), job_id.clone())
            .await
            .unwrap_or_default();
        if last["status"] == "completed" || last["status"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let parts = last["parts"].as_array().cloned().unwrap_or_default();
    assert!(!parts.is_empty(), "{last}");
    for p in &parts {
        let st = p["status"].as_str().unwrap_or_default();
        assert!(
            st == "completed" || (st == "failed" && !p["reason"].as_str().unwrap_or("").is_empty()),
            "a part left {st}: {p}"
        );
    }
    // Backups: one per completed system, each with its blob; no backup blob without its row.
    let mut systems: Vec<String> = parts
        .iter()
        .filter(|p| p["status"] == "completed")
        .filter_map(|p| p["systemId"].as_str().map(String::from))
        .collect();
    systems.sort();
    systems.dedup();
    let mut rows = 0;
    for sid in &systems {
        let b: Value = c
            .get(format!("{base}/v1/operations/systems/{sid}/backups"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .json()
            .await
            .unwrap_or_default();
        // This job's backup; a simulated system whose own night it is (BKP-3, 02:00–04:00 in
        // its time zone) may also hold its automatic one.
        let items = b["items"].as_array().cloned().unwrap_or_default();
        let of_job = items
            .iter()
            .filter(|x| x["jobId"] == job_id.as_str())
            .count();
        assert_eq!(of_job, 1, "{sid}: {b}");
        rows += items.len();
    }
    let blobs = walk(&s.dir.join("blobs").join("backups"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "gz"))
        .count();
    // Never a backup without its blob. A blob whose upload the kill interrupted before its row
    // was recorded may stay (written first, row second, by design); the hourly sweep deletes
    // such blobs once a day old (`service::jobs::sweep_blobs`, tested in `backups_logs`).
    assert!(
        blobs >= rows,
        "{blobs} backup blobs on disk for {rows} backups recorded"
    );
    let failed: Vec<&str> = parts
        .iter()
        .filter(|p| p["status"] == "failed")
        .filter_map(|p| p["reason"].as_str())
        .collect();
    println!(
        "killed during the job: {} of 50 systems backed up ({} parts), {} parts failed: {:?}",
        systems.len(),
        parts.len(),
        failed.len(),
        failed.iter().take(3).collect::<Vec<_>>()
    );
    stop.cancel();
    let _ = sim.await;
    let _ = hub.kill();
    let _ = hub.wait();
    s.cleanup().await;
}

/// Every file below `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
