//! The console's Scheduled jobs pages (JOB-1…5): list, filter, commands with their refusals,
//! delete behind a confirmation, details with each server's part; what each role may do.

use crate::common::*;
use crate::fixtures::{customer, staff, system};
use patchbay_domain::system::RemoteFlags;
use patchbay_domain::Role;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn job_1_to_5_the_console_lists_commands_and_details_jobs() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Acme").await;
    system(&hub, c, "ipo-a")
        .flags(RemoteFlags {
            remote_upgrade_backup: true,
            ..Default::default()
        })
        .report()
        .await;
    let at = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(5)).to_string();
    let r = hub
        .post(
            &hub.admin_token,
            "/v1/operations/jobs",
            json!({"name": "Nightly Acme", "operation": "backup", "customerIds": [c.to_string()], "startAt": at}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<serde_json::Value>().await.unwrap_or_default()["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (_, admin) = staff(&hub, "jobs-admin", Role::Administrator).await;
    let (s, html, _) = admin.get("/com/jobs").await;
    assert_eq!(s, StatusCode::OK);
    let row = &html[html.find(&format!("data-job=\"{id}\"")).unwrap_or(0)..];
    assert!(
        row.contains("Nightly Acme") && row.contains("Acme"),
        "{html}"
    );
    assert!(row.contains(">Scheduled<"), "{row}");
    assert!(html.contains("id=\"jobs-zone\""));
    // Filters narrow it; an unknown value is dropped, not applied.
    let (_, html, _) = admin.get("/com/jobs?status=paused").await;
    assert!(!html.contains(&format!("data-job=\"{id}\"")));
    let (_, html, _) = admin.get("/com/jobs?status=bogus&operation=backup").await;
    assert!(html.contains(&format!("data-job=\"{id}\"")));
    // Pause: done, and the list says so.
    let pause = [
        ("action", "pause"),
        ("id", id.as_str()),
        ("back", "/com/jobs"),
    ];
    let (s, _, loc) = admin.submit("/com/jobs", "/com/jobs/command", &pause).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let loc = loc.unwrap_or_default();
    let (_, html, _) = admin.get(&loc).await;
    assert!(html.contains("Jobs paused: 1."), "{loc}: {html}");
    assert!(html.contains(">Paused<"));
    // Pausing it again is refused, with the reason.
    let (_, _, loc) = admin.submit("/com/jobs", "/com/jobs/command", &pause).await;
    let (_, html, _) = admin.get(&loc.unwrap_or_default()).await;
    assert!(html.contains("Jobs paused: 0."));
    assert!(
        html.contains("Only a scheduled job that has not started can be paused."),
        "{html}"
    );
    // Details: the job and its part on the system's server.
    let (s, html, _) = admin.get(&format!("/com/jobs/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Nightly Acme") && html.contains("id=\"parts-table\""));
    assert!(html.contains(">Waiting<"), "{html}");
    assert_eq!(
        admin.get("/com/jobs/not-a-job").await.0,
        StatusCode::NOT_FOUND
    );
    // A Read-only account sees the list without its buttons, and cannot command.
    let (_, ro) = staff(&hub, "jobs-ro", Role::ReadOnly).await;
    let (_, html, _) = ro.get("/com/jobs").await;
    assert!(!html.contains("id=\"jobs-pause\""));
    // (Read-only sees only assigned customers: the job's customer is not theirs.)
    assert!(!html.contains(&format!("data-job=\"{id}\"")));
    let (_, _, loc) = ro
        .submit(
            "/com/jobs",
            "/com/jobs/command",
            &[("action", "resume"), ("id", id.as_str())],
        )
        .await;
    let (_, html, _) = ro.get(&loc.unwrap_or_default()).await;
    assert!(html.contains("Jobs resumed: 0."), "{html}");
    // Delete: confirmation first, then gone.
    let del = [
        ("action", "delete"),
        ("id", id.as_str()),
        ("back", "/com/jobs"),
    ];
    let (s, html, _) = admin.submit("/com/jobs", "/com/jobs/command", &del).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"confirm-delete\"") && html.contains("Nightly Acme"));
    let (s, _, loc) = admin
        .submit(
            "/com/jobs",
            "/com/jobs/delete",
            &[("id", id.as_str()), ("back", "/com/jobs")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html, _) = admin.get(&loc.unwrap_or_default()).await;
    assert!(html.contains("Jobs deleted: 1."));
    assert!(!html.contains(&format!("data-job=\"{id}\"")));
    hub.stop().await;
}
