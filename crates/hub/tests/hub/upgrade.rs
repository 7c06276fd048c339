//! UPG-1, UPG-2, PRF-9 with real agents: a three-server network transfers a release (staged,
//! versions unchanged), then upgrades (a part per server, each server's new version and the
//! phone firmware reported); one profile per job; no downgrade unless the preferences allow it;
//! a release that fails its checksum on the system changes nothing.

use crate::common::TestHub;
use crate::fixtures::{agent, customer};
use crate::jobs_api::{connected, finished};
use crate::repository::upload_release;
use patchbay_domain::CustomerId;
use patchbay_store::AuditMeta;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

const JOBS: &str = "/v1/operations/jobs";
const NETWORK: &str =
    "[[servers]]\nname = \"sec-1\"\nrole = \"secondary\"\naddress = \"10.0.0.11\"\n\
[[servers]]\nname = \"exp-1\"\nrole = \"expansion\"\naddress = \"10.0.0.12\"\n";

async fn upgrade(
    hub: &TestHub,
    customers: &[CustomerId],
    release: &str,
    action: &str,
) -> (StatusCode, Value) {
    let ids: Vec<String> = customers.iter().map(|c| c.to_string()).collect();
    let r = hub
        .post(
            &hub.admin_token,
            JOBS,
            json!({"name": format!("Upgrade {action}"), "operation": "upgrade", "customerIds": ids,
                   "releaseId": release, "upgradeAction": action, "restartPhones": true}),
        )
        .await;
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn system(hub: &TestHub, c: CustomerId) -> Value {
    hub.get(
        &hub.admin_token,
        &format!("/v1/operations/customers/{c}/systems"),
    )
    .await
    .1["items"][0]
        .clone()
}

/// Waits until the system reports `version` on every server.
async fn reports(hub: &TestHub, c: CustomerId, version: &str) -> Value {
    let mut sys = Value::Null;
    for _ in 0..100 {
        sys = system(hub, c).await;
        let servers = sys["servers"].as_array().cloned().unwrap_or_default();
        if sys["version"] == version && servers.iter().all(|s| s["version"] == version) {
            return sys;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the system never reported {version}: {sys}")
}

fn parts(job: &Value) -> Vec<(String, String, String)> {
    job["parts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                p["server"].as_str().unwrap_or("").to_string(),
                p["status"].as_str().unwrap_or("").to_string(),
                p["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn refusal(v: &Value) -> String {
    v["errors"][0]["description"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn upg_1_upg_2_transfer_then_upgrade_a_three_server_network() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Upton Ltd").await;
    let (stop, dir) = agent(&hub, "upton")
        .system("se-1")
        .profile("server-edition")
        .extra(NETWORK)
        .start();
    connected(&hub, c).await;
    let release = upload_release(
        &hub,
        &vec![7u8; 200_000],
        "12.2.0.0.1",
        "server-edition",
        "4.1.7",
    )
    .await;
    // Transfer only: staged on the system, every server's part completed, nothing moved.
    let (s, v) = upgrade(&hub, &[c], &release, "transfer").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let job = finished(&hub, v["id"].as_str().unwrap_or("")).await;
    assert_eq!(job["status"], "completed", "{job}");
    let servers: Vec<String> = parts(&job)
        .into_iter()
        .map(|(s, st, _)| format!("{s}:{st}"))
        .collect();
    assert_eq!(
        servers,
        ["se-1:completed", "sec-1:completed", "exp-1:completed"]
    );
    assert!(dir.join("staged/12.2.0.0.1/rel-12.2.0.0.1.bin").is_file());
    assert_eq!(system(&hub, c).await["version"], "12.1.0.0.123");
    assert_eq!(system(&hub, c).await["newVersion"], "12.2.0.0.1");
    // Upgrade: applies what was staged on each server; the system reports the new versions and
    // the phone firmware (UPG-2); "new version available" goes out.
    let (s, v) = upgrade(&hub, &[c], &release, "upgrade").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let job = finished(&hub, v["id"].as_str().unwrap_or("")).await;
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(parts(&job).len(), 3);
    let sys = reports(&hub, c, "12.2.0.0.1").await;
    assert_eq!(sys["phoneFirmware"], "4.1.7");
    assert!(sys["newVersion"].is_null(), "{sys}");
    // The same version again: refused.
    let (s, v) = upgrade(&hub, &[c], &release, "transferAndUpgrade").await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(refusal(&v).contains("already runs"), "{v}");
    stop.cancel();
    hub.stop().await;
}

#[tokio::test]
async fn upg_1_prf_9_one_profile_no_downgrade_and_a_bad_checksum_changes_nothing() {
    let hub = TestHub::start().await;
    let se = customer(&hub, "Seaton Ltd").await;
    let ipo = customer(&hub, "Ipswich Ltd").await;
    let (stop_se, _) = agent(&hub, "seaton")
        .system("se-2")
        .profile("server-edition")
        .start();
    let (stop_ipo, _) = agent(&hub, "ipswich").system("ipo-2").start();
    connected(&hub, se).await;
    connected(&hub, ipo).await;
    let se_release = upload_release(&hub, &vec![1u8; 5000], "12.3", "server-edition", "").await;
    let ipo_release = upload_release(&hub, &vec![2u8; 5000], "12.3", "ip500v2", "").await;
    // One profile per job, and the release's.
    let (s, v) = upgrade(&hub, &[se, ipo], &se_release, "transferAndUpgrade").await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(refusal(&v).contains("different profiles"), "{v}");
    let (s, v) = upgrade(&hub, &[se], &ipo_release, "transferAndUpgrade").await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(refusal(&v).contains("another profile"), "{v}");
    // An unknown release and an unknown action are field errors.
    let (s, v) = upgrade(&hub, &[se], "nope", "transferAndUpgrade").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = upgrade(&hub, &[se], &se_release, "reboot").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    // Upgrade fields on another operation are refused, not ignored.
    let r = hub
        .post(&hub.admin_token, JOBS, json!({"name": "B", "operation": "backup", "customerIds": [se.to_string()], "releaseId": se_release}))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // A downgrade (12.0 < 12.1.0.0.123) is refused until PRF-9 allows it.
    let old = upload_release(&hub, &vec![3u8; 5000], "12.0", "server-edition", "").await;
    let (s, v) = upgrade(&hub, &[se], &old, "transferAndUpgrade").await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(refusal(&v).contains("downgrades"), "{v}");
    let mut p = hub
        .store()
        .preferences()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    p.allow_downgrades = true;
    hub.store()
        .set_preferences(&AuditMeta::cli(), &p)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    hub.running.state.reload_preferences().await;
    let (s, v) = upgrade(&hub, &[se], &old, "transferAndUpgrade").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let job = finished(&hub, v["id"].as_str().unwrap_or("")).await;
    assert_eq!(job["status"], "completed", "{job}");
    reports(&hub, se, "12.0").await;
    // A release whose file no longer matches its checksum fails on the system and leaves the
    // version as it was.
    let release = hub
        .store()
        .release(&se_release)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let other = futures_util::stream::iter([Ok::<_, String>(bytes::Bytes::from(vec![9u8; 5000]))]);
    hub.running
        .state
        .blobs
        .put_stream(&release.blob_key, other)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (s, v) = upgrade(&hub, &[se], &se_release, "transferAndUpgrade").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let job = finished(&hub, v["id"].as_str().unwrap_or("")).await;
    assert_eq!(job["status"], "failed", "{job}");
    let (_, status, reason) = parts(&job).remove(0);
    assert_eq!(status, "failed");
    assert!(reason.contains("checksum mismatch"), "{reason}");
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(system(&hub, se).await["version"], "12.0");
    stop_se.cancel();
    stop_ipo.cancel();
    hub.stop().await;
}

/// The console's Upgrade action: the form lists the releases of the systems' profile and
/// recommends a backup; a refusal comes back on the form; a valid one opens the job.
#[tokio::test]
async fn upg_1_the_console_upgrade_form() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Formby Ltd").await;
    let (stop, _) = agent(&hub, "formby").system("ipo-f").start();
    connected(&hub, c).await;
    let same = upload_release(&hub, &[5u8; 100], "12.1.0.0.123", "ip500v2", "").await;
    let newer = upload_release(&hub, &[6u8; 100], "12.4", "ip500v2", "").await;
    upload_release(&hub, &[7u8; 100], "13.0", "accs", "").await;
    let b = crate::fixtures::admin_browser(&hub, "upg-admin").await;
    let (s, html, _) = b.get(&format!("/com/customers/upgrade?id={c}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"upgrade-backup-first\""));
    assert!(html.contains(&format!("value=\"{newer}\"")), "{html}");
    assert!(
        !html.contains("13.0 —"),
        "another profile's release is not offered"
    );
    let form = |release: &str| {
        vec![
            ("id", c.to_string()),
            ("name", "Console upgrade".to_string()),
            ("releaseId", release.to_string()),
            ("upgradeAction", "transferAndUpgrade".to_string()),
            ("when", "now".to_string()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let b = &b;
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            b.submit("/com/customers", "/com/customers/upgrade", &pairs)
                .await
        }
    };
    let (s, html, _) = post(form(&same)).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(html.contains("data-refusal"), "{html}");
    assert!(html.contains("already runs"), "{html}");
    let (s, _, to) = post(form(&newer)).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let job = to.unwrap_or_default();
    assert!(job.starts_with("/com/jobs/"), "{job}");
    let done = finished(&hub, job.trim_start_matches("/com/jobs/")).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["operation"], "upgrade");
    reports(&hub, c, "12.4").await;
    stop.cancel();
    hub.stop().await;
}
