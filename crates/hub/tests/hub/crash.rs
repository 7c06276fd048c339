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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn serve(dir: &Path, url: &str, port: u16) -> Child {
    Command::new(BIN)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
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

async fn healthy(dir: &Path, port: u16) -> Client {
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

struct Scratch {
    dir: PathBuf,
    url: String,
    pg: Option<(String, String)>,
}

impl Scratch {
    async fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("patchbay-bin-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let (url, pg) = database_url(&dir).await;
        Self { dir, url, pg }
    }
    async fn cleanup(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        drop_database(self.pg).await;
    }
    /// An administrator and its API token, through the command line.
    fn admin_token(&self) -> String {
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

async fn customer(c: &Client, base: &str, token: &str, id: &str) -> Value {
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
