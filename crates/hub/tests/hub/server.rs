//! The server itself: health, TLS identity, OpenAPI, first administrator.

use crate::common::*;
use crate::fixtures::{staff, update_preferences};
use reqwest::{Method, StatusCode};
use serde_json::Value;

#[tokio::test]
async fn crt_1_self_signed_identity_valid_three_years_and_health() {
    let hub = TestHub::start().await;
    let r = hub.fetch("/healthz").await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = hub.fetch("/readyz").await;
    assert_eq!(r.status(), StatusCode::OK);
    let pem = String::from_utf8(hub.cert_pem.clone()).unwrap_or_default();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let key = hub.dir.join("identity.key.pem");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0);
        assert_eq!(mode, 0o600, "private key readable by its owner only");
        let mode = std::fs::metadata(hub.dir.join("secret.key"))
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0);
        assert_eq!(mode, 0o600);
    }
    assert_eq!(patchbay_hub::tls::VALIDITY_DAYS, 3 * 365 + 1);
    hub.stop().await;
}

#[tokio::test]
async fn api_1_openapi_document_lists_every_route() {
    let hub = TestHub::start().await;
    let r = hub.fetch("/v1/openapi.json").await;
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = r.json().await.unwrap_or_default();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    for e in patchbay_hub::http::api::endpoints() {
        let op = &doc["paths"][e.path][e.method.as_str().to_lowercase()];
        assert!(
            op.is_object(),
            "{} {} missing from OpenAPI",
            e.method,
            e.path
        );
    }
    assert!(doc["components"]["schemas"]["AccountJson"].is_object());
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    hub.stop().await;
}

#[tokio::test]
async fn opr_1_first_admin_created_once_with_forced_change() {
    let hub = TestHub::start().await;
    let (_, me) = hub.get(&hub.admin_token, "/v1/me").await;
    assert_eq!(me["loginName"], "admin");
    assert_eq!(me["role"], "administrator");
    assert_eq!(me["forcePasswordChange"], true);
    assert_eq!(
        patchbay_domain::password::check_policy(&hub.admin_password),
        Ok(())
    );
    // A second start on the same data creates no other administrator.
    assert_eq!(
        patchbay_hub::admin::ensure_first_admin(hub.store())
            .await
            .ok()
            .flatten(),
        None
    );
    hub.stop().await;
}

#[tokio::test]
async fn prf_7_log_level_applied_at_once() {
    let hub = TestHub::start().await;
    let r = update_preferences(&hub, |p| p["logLevel"] = serde_json::json!("DEBUG")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let levels = hub.log_levels.lock().map(|v| v.clone()).unwrap_or_default();
    assert_eq!(
        levels.last(),
        Some(&patchbay_domain::preferences::LogLevel::Debug)
    );
    hub.stop().await;
}

/// Run the real `patchbay` binary against the running hub's data dir / database.
/// It runs on a blocking thread so the in-process hub keeps serving meanwhile.
async fn cli(hub: &TestHub, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let dir = hub.dir.clone();
    let url = hub.database_url.clone();
    let stdin = stdin.map(str::to_string);
    tokio::task::spawn_blocking(move || run_cli(&args, &dir, &url, stdin.as_deref()))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn run_cli(
    args: &[String],
    dir: &std::path::Path,
    url: &str,
    stdin: Option<&str>,
) -> (bool, String, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_patchbay"));
    cmd.args(args)
        .arg("--data-dir")
        .arg(dir)
        .arg("--database-url")
        .arg(url)
        .env_remove("PATCHBAY_CONFIG")
        .env("PATCHBAY_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.unwrap_or("").as_bytes());
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// `patchbay admin create-user` of `cli-op` with `role`, the password on standard input.
async fn create_user(hub: &TestHub, role: &str, stdin: &str) -> (bool, String, String) {
    let args = [
        "admin",
        "create-user",
        "--login",
        "cli-op",
        "--role",
        role,
        "--password-stdin",
    ];
    cli(hub, &args, Some(stdin)).await
}

#[tokio::test]
async fn cli_1_admin_commands_work_offline_against_the_data() {
    let hub = TestHub::start().await;
    let (ok, out, err) = cli(&hub, &["migrate"], None).await;
    assert!(ok, "{err}");
    assert!(out.contains("schema up to date"));
    let (ok, _, err) = create_user(&hub, "operator", "weak\n").await;
    assert!(!ok);
    assert!(err.contains("password"), "{err}");
    let (ok, out, err) = create_user(&hub, "operator", "Cli#Operator42\n").await;
    assert!(ok, "{err}");
    assert!(out.contains("created cli-op (operator)"));
    let (ok, _, err) = create_user(&hub, "nobody", "Cli#Operator42\n").await;
    assert!(!ok && err.contains("unknown role"), "{err}");
    let (ok, token, err) = cli(&hub, &["admin", "create-token", "--login", "cli-op"], None).await;
    assert!(ok, "{err}");
    let token = token.trim().to_string();
    assert!(token.starts_with("pb_"));
    let (s, me) = hub.get(&token, "/v1/me").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["loginName"], "cli-op");
    assert_eq!(me["forcePasswordChange"], false);
    // The password works in the console.
    let b = Browser::new(&hub);
    let (_, _, loc) = b.login("cli-op", "Cli#Operator42", "en").await;
    assert_eq!(loc.as_deref(), Some("/com/dashboard"));
    let (ok, _, err) = cli(
        &hub,
        &[
            "admin",
            "reset-password",
            "--login",
            "cli-op",
            "--password-stdin",
        ],
        Some("Reset#Operator42\n"),
    )
    .await;
    assert!(ok, "{err}");
    let (_, me) = hub.get(&token, "/v1/me").await;
    assert_eq!(me["forcePasswordChange"], true);
    let (ok, _, err) = cli(&hub, &["admin", "create-token", "--login", "ghost"], None).await;
    assert!(!ok && err.contains("no account"), "{err}");
    hub.stop().await;
}

#[tokio::test]
async fn api_1_guessing_tokens_is_rate_limited_but_valid_tokens_pass() {
    let hub = TestHub::start().await;
    for i in 0..patchbay_hub::auth::Throttle::LIMIT {
        let r = hub
            .api(&format!("pb_guess{i}"), Method::GET, "/v1/me", None)
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = hub.api("pb_guess-again", Method::GET, "/v1/me", None).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    let v: Value = r.json().await.unwrap_or_default();
    assert_eq!(v["errors"][0]["errorCode"], 4290);
    // The address's valid tokens still work: the guessing is throttled, not the address.
    let (s, _) = hub.get(&hub.admin_token, "/v1/me").await;
    assert_eq!(s, StatusCode::OK);
    let (_, other) = hub
        .account("neighbour", patchbay_domain::Role::Operator)
        .await;
    let (s, v) = hub.get(&other, "/v1/me").await;
    assert_eq!(
        (s, v["loginName"].as_str()),
        (StatusCode::OK, Some("neighbour"))
    );
    // ... while guesses from it are still refused.
    let r = hub.api("pb_guess-more", Method::GET, "/v1/me", None).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    hub.stop().await;
}

#[tokio::test]
async fn dsh_1_demo_seeds_a_living_fleet() {
    let hub = TestHub::start().await;
    let password = patchbay_hub::demo::seed(&hub.running.state, 3)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Idempotent.
    patchbay_hub::demo::seed(&hub.running.state, 3)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // The first demo customer has calling data: licences, numbers and two people.
    let (_, customers) = hub
        .get(
            &hub.admin_token,
            "/v1/operations/customers?search=Acme%20Logistics%20001",
        )
        .await;
    let org = customers["items"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (_, people) = hub
        .get(&hub.admin_token, &format!("/v1/people?orgId={org}"))
        .await;
    assert_eq!(
        people["items"].as_array().map(Vec::len),
        Some(2),
        "{people}"
    );
    let (_, lic) = hub
        .get(&hub.admin_token, &format!("/v1/licenses?orgId={org}"))
        .await;
    assert_eq!(lic["items"][0]["consumedUnits"], 2, "{lic}");
    let stop = patchbay_agent::CancellationToken::new();
    patchbay_hub::demo::spawn_fleet(
        &hub.running.state,
        hub.running.addr.port(),
        3,
        password,
        stop.clone(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut by_status = Value::Null;
    for _ in 0..200 {
        let (_, d) = hub.get(&hub.admin_token, "/v1/operations/dashboard").await;
        by_status = d["byStatus"].clone();
        let count = |code: &str| {
            by_status
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["key"] == code)
                .and_then(|c| c["count"].as_i64())
                .unwrap_or(0)
        };
        // The simulator varies profiles and rights: every other status is a connected system.
        let total: i64 = by_status
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["count"].as_i64())
            .sum();
        let connected = total
            - count("disabledByAdministrator")
            - count("invalidCredentials")
            - count("waitingForInitialConnection")
            - count("unreachableSince");
        if connected == 3
            && count("disabledByAdministrator") == 1
            && count("invalidCredentials") == 1
            && count("waitingForInitialConnection") == 1
        {
            stop.cancel();
            hub.stop().await;
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("demo fleet did not settle: {by_status}");
}

#[tokio::test]
async fn abt_1_about_shows_version_and_build() {
    let hub = TestHub::start().await;
    let (_, b) = staff(&hub, "reader", patchbay_domain::Role::ReadOnly).await;
    let (s, html, _) = b.get("/com/about").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(&format!(
            "id=\"about-version\">{}<",
            env!("CARGO_PKG_VERSION")
        )),
        "{html}"
    );
    assert!(html.contains("SQLite") || html.contains("PostgreSQL"));
    // The build: the version-control revision and the build date, never a placeholder.
    let build = html
        .split("<dd id=\"about-build\">")
        .nth(1)
        .and_then(|rest| rest.split("</dd>").next())
        .unwrap_or_else(|| panic!("no build in {html}"));
    let (revision, date) = build.split_once(" (").unwrap_or_else(|| panic!("{build}"));
    assert!(
        revision.len() == 12 && revision.chars().all(|c| c.is_ascii_hexdigit())
            || revision == "unknown",
        "{build}"
    );
    let date = date.trim_end_matches(')');
    assert!(date.parse::<jiff::civil::Date>().is_ok(), "{build}");
    assert!(!html.contains(" dev<"), "{html}");
    hub.stop().await;
}

/// Scale-out: the hub raises its open-files soft limit to the hard limit at start (every agent
/// connection holds a descriptor) and keeps the figure it can hold.
#[tokio::test]
async fn scale_the_hub_raises_its_open_files_limit_to_the_hard_limit() {
    // Lowered first (to half the hard limit: the other tests of this process keep enough), so
    // the hub has something to raise.
    #[cfg(unix)]
    {
        use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
        let cur = getrlimit(Resource::Nofile);
        let hard = cur.maximum.unwrap_or(1 << 20);
        let _ = setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some((hard / 2).max(4096).min(hard)),
                maximum: cur.maximum,
            },
        );
    }
    let hub = TestHub::start().await;
    let limit = hub.running.state.open_files.get().copied().unwrap_or(0);
    let now = patchbay_agent::open_files_limit().unwrap_or(0);
    assert_eq!(limit, now, "the limit recorded is the one in force");
    #[cfg(unix)]
    {
        let hard = rustix::process::getrlimit(rustix::process::Resource::Nofile)
            .maximum
            .unwrap_or(1 << 20);
        assert_eq!(
            now,
            hard.min(1 << 20),
            "soft limit raised to the hard limit"
        );
    }
    hub.stop().await;
}
