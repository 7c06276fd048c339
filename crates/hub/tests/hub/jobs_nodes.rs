//! Jobs over several hub nodes on one database (JOB-1, BKP-1): each node runs the parts of the
//! systems it holds, each part exactly once; on PostgreSQL a job made on one node starts at once on
//! the node holding its system (a `NOTIFY`), not at that node's next tick. And across a restart:
//! work due while the hub was down runs once when it is back.

use crate::common::*;
use crate::fixtures::{agent, customer};
use crate::jobs_api::{connected, finished};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn job_1_two_nodes_one_job_each_part_runs_once_on_its_node() {
    // A long tick on PostgreSQL: only the other node's notice can start the work in time.
    let tick = |pg: bool| {
        if pg {
            Duration::from_secs(120)
        } else {
            Duration::from_secs(1)
        }
    };
    let pg = std::env::var("PATCHBAY_TEST_DATABASE_URL").is_ok();
    let hub = TestHub::start_with(|c| c.jobs_tick = tick(pg)).await;
    let (node2, _) = hub.second_node_with(|c| c.jobs_tick = tick(pg)).await;
    let a = customer(&hub, "Acme").await;
    let b = customer(&hub, "Bolt").await;
    let (stop_a, dir_a) = agent(&hub, "acme").start();
    let (stop_b, dir_b) = agent(&hub, "bolt")
        .node(node2.addr.port())
        .system("ipo-b")
        .start();
    for d in [&dir_a, &dir_b] {
        std::fs::create_dir_all(d.join("data/configuration")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(d.join("data/configuration/config.cfg"), "lines=12\n")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let (sa, sb) = (connected(&hub, a).await, connected(&hub, b).await);
    // Give both runners their first (immediate) look, so that nothing but a wake starts the job.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = hub
        .post(
            &hub.admin_token,
            "/v1/operations/jobs",
            json!({"name": "Both nodes", "operation": "backup", "customerIds": [a.to_string(), b.to_string()]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<serde_json::Value>().await.unwrap_or_default()["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let job = finished(&hub, &id).await;
    assert_eq!(job["status"], "completed", "{job}");
    let parts = job["parts"].as_array().cloned().unwrap_or_default();
    assert_eq!(parts.len(), 2);
    assert!(parts.iter().all(|p| p["status"] == "completed"), "{job}");
    // Each part ran once: one backup per system, and no slot left taken.
    for s in [sa, sb] {
        assert_eq!(
            hub.store()
                .backups_of(s)
                .await
                .map(|b| b.len())
                .unwrap_or(0),
            1
        );
        assert_eq!(hub.store().system_action(s).await.ok(), Some(None));
    }
    stop_a.cancel();
    stop_b.cancel();
    node2.shutdown().await;
    for d in [dir_a, dir_b] {
        let _ = std::fs::remove_dir_all(d);
    }
    hub.stop().await;
}

/// JOB-1 across a restart: a job scheduled for a time that passes while the hub is down runs once
/// when it is back — its system's backup taken once, not twice, not never.
#[tokio::test]
async fn job_1_a_job_due_while_the_hub_was_down_runs_once_when_it_is_back() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Acme").await;
    let (stop, dir) = agent(&hub, "acme").start();
    std::fs::create_dir_all(dir.join("data/configuration")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("data/configuration/config.cfg"), "lines=12\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let sys = connected(&hub, c).await;
    let at = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2);
    let r = hub
        .post(
            &hub.admin_token,
            "/v1/operations/jobs",
            json!({"name": "While down", "operation": "backup", "customerIds": [c.to_string()], "startAt": at.to_string()}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<serde_json::Value>().await.unwrap_or_default()["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    // Down across the start time.
    let hub = hub.restart_after(Duration::from_secs(4)).await;
    let job = finished(&hub, &id).await;
    assert_eq!(job["status"], "completed", "{job}");
    // Later ticks do not run it again.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        hub.store()
            .backups_of(sys)
            .await
            .map(|b| b.len())
            .unwrap_or(0),
        1
    );
    let (_, again) = hub
        .get(&hub.admin_token, &format!("/v1/operations/jobs/{id}"))
        .await;
    assert_eq!(again["status"], "completed");
    stop.cancel();
    let _ = std::fs::remove_dir_all(&dir);
    hub.stop().await;
}
