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

/// Wait until the job the console redirected to (`/com/jobs/{id}`) has ended; its status.
async fn ended(hub: &TestHub, location: &str) -> String {
    let id = location.trim_start_matches("/com/jobs/");
    crate::jobs_api::finished(hub, id).await["status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// CUS-4's action menu with a real agent: Backup (now), Restore of chosen items, Log management
/// (Fetch new logs, download selected as a zip, delete selected); what each role may open.
#[tokio::test]
async fn bkp_2_bkp_5_log_3_the_customer_action_menu_backs_up_restores_and_manages_logs() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Acme").await;
    let (stop, dir) = crate::fixtures::agent(&hub, "acme").start();
    let file = |rel: &str, body: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(&dir)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(p, body).unwrap_or_else(|e| panic!("{e}"));
    };
    file("data/configuration/config.cfg", "lines=12\n");
    file("logs/system.log", "boot\n");
    crate::jobs_api::connected(&hub, c).await;
    let (_, admin) = staff(&hub, "ops-admin", Role::Administrator).await;
    let cid = c.to_string();
    // The list offers the three actions.
    let (_, html, _) = admin.get("/com/customers").await;
    for id in ["customer-backup", "customer-restore", "customer-logs"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    // Backup: the form, a missing name refused next to the field, then a job started now.
    let page = format!("/com/customers/backup?id={cid}");
    let (s, html, _) = admin.get(&page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Acme") && html.contains("name=\"startAt\""));
    let (s, html, _) = admin
        .submit(
            &page,
            "/com/customers/backup",
            &[("id", cid.as_str()), ("name", " "), ("when", "now")],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"backup-name-error\""), "{html}");
    let (s, _, loc) = admin
        .submit(
            &page,
            "/com/customers/backup",
            &[
                ("id", cid.as_str()),
                ("name", "From the console"),
                ("item", "configuration"),
                ("when", "now"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(ended(&hub, &loc.unwrap_or_default()).await, "completed");
    // SYS-4: the customer list shows the last action completed.
    let (_, html, _) = admin.get("/com/customers").await;
    assert!(html.contains("data-action=\"completed\""), "{html}");
    // Restore: the backup is listed with its item; restoring it brings the file back.
    file("data/configuration/config.cfg", "lines=99\n");
    let page = format!("/com/customers/restore?id={cid}");
    let (_, html, _) = admin.get(&page).await;
    assert!(html.contains("id=\"restore-warning\""));
    let backup = html
        .split("name=\"backup\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_string();
    let system = html
        .split("name=\"system\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_string();
    let (s, _, loc) = admin
        .submit(
            &page,
            "/com/customers/restore",
            &[
                ("id", cid.as_str()),
                ("system", system.as_str()),
                ("backup", backup.as_str()),
                ("item", "configuration"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(ended(&hub, &loc.unwrap_or_default()).await, "completed");
    assert_eq!(
        std::fs::read_to_string(dir.join("data/configuration/config.cfg")).unwrap_or_default(),
        "lines=12\n"
    );
    // Log management: fetch, list, download, delete.
    let page = format!("/com/customers/logs?id={cid}");
    let (_, html, _) = admin.get(&page).await;
    assert!(html.contains("id=\"logs-fetch\""));
    let (s, _, loc) = admin
        .submit(
            &page,
            "/com/customers/logs",
            &[("id", cid.as_str()), ("action", "fetch")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(ended(&hub, &loc.unwrap_or_default()).await, "completed");
    let (_, html, _) = admin.get(&page).await;
    assert!(html.contains("system.log"), "{html}");
    let log = html
        .split("name=\"file\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_string();
    let csrf = hidden(&html, "csrf").unwrap_or_default();
    let r = admin
        .client
        .post(format!("{}/com/customers/logs", admin.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("id", cid.as_str()),
            ("action", "download"),
            ("file", log.as_str()),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::OK);
    let zip = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
    assert!(zip.starts_with(b"PK"), "not a zip");
    let (s, _, loc) = admin
        .submit(
            &page,
            "/com/customers/logs",
            &[
                ("id", cid.as_str()),
                ("action", "delete"),
                ("file", log.as_str()),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html, _) = admin.get(&loc.unwrap_or_default()).await;
    assert!(html.contains("Log files deleted: 1."), "{html}");
    assert!(!html.contains("system.log"));
    // Roles: an Operator backs up but does not restore; Read-only does neither, nor logs.
    let (op_id, _) = hub.account("ops-op", Role::Operator).await;
    let _ = op_id;
    let op = crate::fixtures::logged_in(&hub, "ops-op").await;
    let (_, html, _) = op.get("/com/customers").await;
    assert!(!html.contains("id=\"customer-restore\""));
    assert_eq!(
        op.get(&format!("/com/customers/restore?id={cid}")).await.0,
        StatusCode::FORBIDDEN
    );
    let (_, ro) = staff(&hub, "ops-ro", Role::ReadOnly).await;
    for p in ["backup", "restore", "logs"] {
        assert_eq!(
            ro.get(&format!("/com/customers/{p}?id={cid}")).await.0,
            StatusCode::FORBIDDEN,
            "{p}"
        );
    }
    stop.cancel();
    let _ = std::fs::remove_dir_all(&dir);
    hub.stop().await;
}

/// SYS-4: the customer list marks a customer whose system runs an action (its slot is taken: no
/// other may start), then how its last action ended; another customer shows nothing.
#[tokio::test]
async fn sys_4_the_customer_list_shows_actions_in_progress_completed_and_failed() {
    use patchbay_domain::jobs::PartStatus;
    use patchbay_store::jobs::PartResult;
    let hub = TestHub::start().await;
    let c = customer(&hub, "Acme").await;
    customer(&hub, "Quiet").await;
    system(&hub, c, "ipo-a")
        .flags(RemoteFlags {
            remote_upgrade_backup: true,
            ..Default::default()
        })
        .report()
        .await;
    let (_, admin) = staff(&hub, "sys4-admin", Role::Administrator).await;
    let icons = |html: &str| html.matches("data-action=").count();
    let (_, html, _) = admin.get("/com/customers").await;
    assert_eq!(icons(&html), 0);
    let at = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1)).to_string();
    let r = hub
        .post(
            &hub.admin_token,
            "/v1/operations/jobs",
            json!({"name": "Soon", "operation": "backup", "customerIds": [c.to_string()], "startAt": at}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // A node takes the work (as when the system is connected to it).
    let claims = hub
        .store()
        .claim_due_parts(
            "elsewhere",
            false,
            jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2),
            10,
        )
        .await
        .unwrap_or_default();
    assert_eq!(claims.len(), 1);
    let (_, html, _) = admin.get("/com/customers").await;
    assert!(html.contains("data-action=\"inProgress\""), "{html}");
    assert!(html.contains("An action is in progress: no other may start"));
    assert_eq!(icons(&html), 1);
    let failed: Vec<PartResult> = claims[0]
        .parts
        .iter()
        .map(|p| PartResult {
            part: *p,
            status: PartStatus::Failed,
            reason: "disk full".into(),
        })
        .collect();
    hub.store()
        .finish_parts(&claims[0], &failed)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (_, html, _) = admin.get("/com/customers").await;
    assert!(html.contains("data-action=\"failed\""), "{html}");
    assert_eq!(icons(&html), 1);
    hub.stop().await;
}
