//! `/v1/operations/jobs` (JOB-1…5, BKP-1, BKP-2, SYS-6) through the API, with the real agent.

use crate::common::*;
use crate::fixtures::{agent, customer};
use patchbay_domain::{CustomerId, Role, SystemId};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

const JOBS: &str = "/v1/operations/jobs";

/// Wait until the customer's system is connected and reported.
pub async fn connected(hub: &TestHub, c: CustomerId) -> SystemId {
    for _ in 0..100 {
        let systems = hub.store().systems_of(c).await.unwrap_or_default();
        if let Some(s) = systems
            .iter()
            .find(|s| s.connected && !s.servers.is_empty())
        {
            return s.id;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the agent never connected")
}

fn in_an_hour() -> String {
    (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1)).to_string()
}

async fn create(hub: &TestHub, token: &str, body: Value) -> (StatusCode, Value) {
    let r = hub.post(token, JOBS, body).await;
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

fn description(v: &Value) -> String {
    v["errors"][0]["description"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Wait until job `id` ends; its details.
pub async fn finished(hub: &TestHub, id: &str) -> Value {
    let mut job = Value::Null;
    for _ in 0..150 {
        job = hub.get(&hub.admin_token, &format!("{JOBS}/{id}")).await.1;
        if job["status"] == "completed" || job["status"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    job
}

/// JOB-1, JOB-2, BKP-2: a backup job created through the API runs on the agent; the list and the
/// details show it completed, each server's part too.
#[tokio::test]
async fn bkp_2_job_1_a_backup_job_through_the_api_completes() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Acme").await;
    let (stop, dir) = agent(&hub, "acme").start();
    std::fs::create_dir_all(dir.join("data/configuration")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("data/configuration/config.cfg"), "lines=12\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let sys = connected(&hub, c).await;
    let (s, v) = create(
        &hub,
        &hub.admin_token,
        json!({"name": "Before the upgrade", "operation": "backup", "customerIds": [c.to_string()], "items": ["configuration"]}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap_or_default().to_string();
    let mut job = Value::Null;
    for _ in 0..100 {
        job = hub.get(&hub.admin_token, &format!("{JOBS}/{id}")).await.1;
        if job["status"] == "completed" || job["status"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(job["immediate"], true);
    assert_eq!(job["parts"][0]["server"], "ipo-1");
    assert_eq!(job["parts"][0]["status"], "completed");
    assert_eq!(job["parts"][0]["systemId"], sys.to_string());
    let (s, list) = hub
        .get(
            &hub.admin_token,
            &format!("{JOBS}?status=completed&operation=backup"),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["items"][0]["id"], id.as_str());
    assert_eq!(list["items"][0]["customers"], json!(["Acme"]));
    assert_eq!(
        hub.store().backups_of(sys).await.map(|b| b.len()).ok(),
        Some(1)
    );
    // Unknown filter values are refused, not ignored.
    let (s, v) = hub
        .get(&hub.admin_token, &format!("{JOBS}?status=done"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, _) = hub
        .get(&hub.admin_token, &format!("{JOBS}?colour=blue"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    stop.cancel();
    let _ = std::fs::remove_dir_all(&dir);
    hub.stop().await;
}

/// JOB-3, JOB-4: pause, resume, stop and delete follow the rules, each refusal a 409 saying why;
/// a job started now cannot be paused.
#[tokio::test]
async fn job_4_commands_and_their_refusals_through_the_api() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Acme").await;
    let (stop, dir) = agent(&hub, "acme").start();
    connected(&hub, c).await;
    let t = hub.admin_token.clone();
    let (s, v) = create(
        &hub,
        &t,
        json!({"name": "Nightly", "operation": "backup", "customerIds": [c.to_string()], "startAt": in_an_hour()}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap_or_default().to_string();
    let act = |a: &str| format!("{JOBS}/{id}/actions/{a}/invoke");
    let status = |r: reqwest::Response| r.status();
    assert_eq!(
        status(hub.post(&t, &act("resume"), json!({})).await),
        StatusCode::CONFLICT
    );
    assert_eq!(
        status(hub.post(&t, &act("pause"), json!({})).await),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        hub.get(&t, &format!("{JOBS}/{id}")).await.1["status"],
        "paused"
    );
    let r = hub.post(&t, &act("pause"), json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let v: Value = r.json().await.unwrap_or_default();
    assert_eq!(
        description(&v),
        "Only a scheduled job that has not started can be paused."
    );
    assert_eq!(
        status(hub.post(&t, &act("resume"), json!({})).await),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        status(hub.post(&t, &act("stop"), json!({})).await),
        StatusCode::NO_CONTENT
    );
    let (_, job) = hub.get(&t, &format!("{JOBS}/{id}")).await;
    assert_eq!(
        (job["status"].as_str(), job["parts"][0]["status"].as_str()),
        (Some("stopped"), Some("stopped"))
    );
    assert_eq!(
        status(hub.post(&t, &act("resume"), json!({})).await),
        StatusCode::CONFLICT
    );
    assert_eq!(
        status(hub.delete(&t, &format!("{JOBS}/{id}")).await),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        hub.get(&t, &format!("{JOBS}/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    // A job started now: no pause, in any language.
    let (_, v) = create(
        &hub,
        &t,
        json!({"name": "Now", "operation": "backup", "customerIds": [c.to_string()]}),
    )
    .await;
    let now_id = v["id"].as_str().unwrap_or_default().to_string();
    let r = hub
        .client()
        .post(hub.url(&format!("{JOBS}/{now_id}/actions/pause/invoke")))
        .bearer_auth(&t)
        .header("accept-language", "fr")
        .json(&json!({}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let v: Value = r.json().await.unwrap_or_default();
    assert!(
        description(&v).starts_with("Une tâche démarrée immédiatement"),
        "{v}"
    );
    stop.cancel();
    let _ = std::fs::remove_dir_all(&dir);
    hub.stop().await;
}

/// BKP-2's rules, SYS-6 and TEN-4: every field checked, a system whose backup flag is off
/// refused, a customer without a system refused, another tenant's customer not found, and an
/// Operator sees only the jobs of the customers assigned to them.
#[tokio::test]
async fn bkp_2_sys_6_ten_4_what_a_backup_job_may_ask() {
    let hub = TestHub::start().await;
    let (op_id, op) = hub.account("jobs-op", Role::Operator).await;
    let a = customer(&hub, "Acme").operators(&[op_id]).await;
    let z = customer(&hub, "Zenith").await;
    // Acme's system reports with every flag off (a system known but never reported has none).
    hub.store()
        .system_connected(a, "ipo-a", "elsewhere")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let t = hub.admin_token.clone();
    let body = |extra: Value| {
        let mut b =
            json!({"name": "Weekly", "operation": "backup", "customerIds": [a.to_string()]});
        for (k, v) in extra.as_object().into_iter().flatten() {
            b[k] = v.clone();
        }
        b
    };
    for (extra, field) in [
        (json!({"name": "  "}), "name"),
        (json!({"name": "x".repeat(65)}), "name"),
        (json!({"operation": "restore"}), "operation"),
        (json!({"startAt": "yesterday"}), "startAt"),
        (json!({"startAt": "2020-01-01T00:00:00Z"}), "startAt"),
        (json!({"items": ["configuration", "recordings"]}), "items"),
        (json!({"customerIds": []}), "customerIds"),
    ] {
        let (s, v) = create(&hub, &t, body(extra.clone())).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{extra}: {v}");
        assert!(
            description(&v).contains(field) || v.to_string().contains(field),
            "{extra}: {v}"
        );
    }
    let (s, v) = create(&hub, &t, body(json!({}))).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(
        description(&v),
        "Remote upgrade/backup is disabled on a selected system."
    );
    let (s, v) = create(&hub, &t, body(json!({"customerIds": [z.to_string()]}))).await;
    assert_eq!(
        (s, description(&v)),
        (
            StatusCode::CONFLICT,
            "A selected customer has no system known to the hub yet.".to_string()
        )
    );
    // The Operator: Zenith is not theirs (404, as if it did not exist).
    let (s, _) = create(&hub, &op, body(json!({"customerIds": [z.to_string()]}))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A scheduled job on Zenith (a system reporting with the backup flag on) is invisible to them.
    let zs = crate::fixtures::system(&hub, z, "ipo-z")
        .flags(patchbay_domain::system::RemoteFlags {
            remote_upgrade_backup: true,
            ..Default::default()
        })
        .report()
        .await;
    let (s, v) = create(&hub, &t, json!({"name": "Zenith nightly", "operation": "backup", "customerIds": [z.to_string()], "startAt": in_an_hour()})).await;
    assert_eq!(s, StatusCode::CREATED, "{v} ({zs})");
    let zid = v["id"].as_str().unwrap_or_default().to_string();
    let (_, list) = hub.get(&op, JOBS).await;
    assert_eq!(list["items"], json!([]));
    assert_eq!(
        hub.get(&op, &format!("{JOBS}/{zid}")).await.0,
        StatusCode::NOT_FOUND
    );
    let r = hub
        .post(
            &op,
            &format!("{JOBS}/{zid}/actions/pause/invoke"),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A job over Acme and Zenith: the Operator sees it with Acme's part only, and may not change
    // it (it reaches a customer that is not theirs).
    let on = patchbay_domain::system::RemoteFlags {
        remote_upgrade_backup: true,
        ..Default::default()
    };
    crate::fixtures::system(&hub, a, "ipo-a")
        .flags(on)
        .report()
        .await;
    let (s, v) = create(
        &hub,
        &t,
        json!({"name": "Both", "operation": "backup", "customerIds": [a.to_string(), z.to_string()], "startAt": in_an_hour()}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let both = v["id"].as_str().unwrap_or_default().to_string();
    let (_, list) = hub.get(&op, JOBS).await;
    assert_eq!(list["items"][0]["id"], both.as_str());
    assert_eq!(list["items"][0]["customers"], json!(["Acme"]));
    let (_, details) = hub.get(&op, &format!("{JOBS}/{both}")).await;
    assert_eq!(details["parts"].as_array().map(Vec::len), Some(1));
    assert_eq!(details["customers"], json!(["Acme"]));
    let r = hub
        .post(
            &op,
            &format!("{JOBS}/{both}/actions/pause/invoke"),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = hub.delete(&op, &format!("{JOBS}/{both}")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    hub.stop().await;
}
