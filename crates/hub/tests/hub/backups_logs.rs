//! A system's backups (BKP-5) and log files (LOG-2, LOG-3) through the API, with the real agent.

use crate::common::*;
use crate::fixtures::{agent, customer};
use crate::jobs_api::{connected, finished};
use patchbay_domain::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::path::Path;

const JOBS: &str = "/v1/operations/jobs";

fn write(dir: &Path, rel: &str, content: &str) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(p, content).unwrap_or_else(|e| panic!("{e}"));
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_default()
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_string()
}

/// BKP-5: a backup of two items, then a restore of one of them: that item is back as it was,
/// file by file, and the other is left as it is now. Restore refusals: an item the backup does not
/// hold (400), a backup of another system (404), a role without the restore right (403).
#[tokio::test]
async fn bkp_5_restore_puts_back_only_the_chosen_items() {
    let hub = TestHub::start().await;
    let (op_id, op) = hub.account("restore-op", Role::Operator).await;
    let c = customer(&hub, "Acme").operators(&[op_id]).await;
    let (stop, dir) = agent(&hub, "acme").start();
    write(&dir, "data/configuration/config.cfg", "lines=12\n");
    write(&dir, "data/configuration/users/alice.cfg", "ext=201\n");
    write(&dir, "data/custom-prompts/welcome.wav", "RIFF-original");
    let sys = connected(&hub, c).await;
    let r = hub
        .post(
            &hub.admin_token,
            JOBS,
            json!({"name": "Before", "operation": "backup", "customerIds": [c.to_string()], "items": ["configuration", "customPrompts"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let job = finished(&hub, &id_of(&r.json().await.unwrap_or_default())).await;
    assert_eq!(job["status"], "completed", "{job}");
    // The system changes after the backup.
    write(&dir, "data/configuration/config.cfg", "lines=99\n");
    std::fs::remove_file(dir.join("data/configuration/users/alice.cfg"))
        .unwrap_or_else(|e| panic!("{e}"));
    write(&dir, "data/custom-prompts/welcome.wav", "RIFF-new");
    let backups = format!("/v1/operations/systems/{sys}/backups");
    let (s, list) = hub.get(&hub.admin_token, &backups).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(
        list["items"][0]["items"],
        json!(["configuration", "customPrompts"])
    );
    assert_eq!(list["items"][0]["automatic"], false);
    let backup = id_of(&list["items"][0]);
    let restore = format!("{backups}/{backup}/actions/restore/invoke");
    // What a restore may ask.
    let r = hub
        .post(&hub.admin_token, &restore, json!({"items": ["mailboxes"]}))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = hub
        .post(&hub.admin_token, &restore, json!({"items": []}))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = hub
        .post(
            &hub.admin_token,
            &format!("{backups}/not-a-backup/actions/restore/invoke"),
            json!({"items": ["configuration"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The Operator sees the backups but may not restore (SPEC §3: Administrator, Supervisor).
    assert_eq!(hub.get(&op, &backups).await.0, StatusCode::OK);
    let r = hub
        .post(&op, &restore, json!({"items": ["configuration"]}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The restore itself.
    let r = hub
        .post(
            &hub.admin_token,
            &restore,
            json!({"items": ["configuration"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let job = finished(&hub, &id_of(&r.json().await.unwrap_or_default())).await;
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(job["operation"], "restore");
    assert_eq!(job["immediate"], true);
    assert_eq!(read(&dir, "data/configuration/config.cfg"), "lines=12\n");
    assert_eq!(
        read(&dir, "data/configuration/users/alice.cfg"),
        "ext=201\n"
    );
    assert_eq!(read(&dir, "data/custom-prompts/welcome.wav"), "RIFF-new");
    // The action slot is free again: a second restore runs too.
    let r = hub
        .post(
            &hub.admin_token,
            &restore,
            json!({"items": ["customPrompts"], "name": "Prompts back"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let job = finished(&hub, &id_of(&r.json().await.unwrap_or_default())).await;
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(job["name"], "Prompts back");
    assert_eq!(
        read(&dir, "data/custom-prompts/welcome.wav"),
        "RIFF-original"
    );
    stop.cancel();
    let _ = std::fs::remove_dir_all(&dir);
    hub.stop().await;
}

/// The entries of a zip: name → content.
async fn unzip(bytes: Vec<u8>) -> Vec<(String, String)> {
    use futures_util::io::AsyncReadExt;
    let zip = async_zip::base::read::mem::ZipFileReader::new(bytes)
        .await
        .unwrap_or_else(|e| panic!("not a zip: {e}"));
    let mut out = Vec::new();
    for i in 0..zip.file().entries().len() {
        let name = zip.file().entries()[i]
            .filename()
            .as_str()
            .unwrap_or_default()
            .to_string();
        let mut r = zip
            .reader_with_entry(i)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut s = String::new();
        r.read_to_string(&mut s)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        out.push((name, s));
    }
    out.sort();
    out
}

/// LOG-3: Fetch new logs collects the system's log files; a second fetch takes only what is new
/// or grew; the list filters by dates; chosen files download as one zip, streamed; delete removes
/// them and their blobs. Read-only may not manage logs; unknown filters and bad dates are 400.
#[tokio::test]
async fn log_3_fetch_new_logs_list_download_as_zip_and_delete() {
    let hub = TestHub::start().await;
    let (_, ro) = hub.account("logs-ro", Role::ReadOnly).await;
    let c = customer(&hub, "Acme").await;
    let (stop, dir) = agent(&hub, "acme").start();
    write(&dir, "logs/system.log", "boot\n");
    write(&dir, "logs/sip/trace.log", "INVITE\n");
    let sys = connected(&hub, c).await;
    let logs = format!("/v1/operations/systems/{sys}/logs");
    let fetch = format!("{logs}/actions/fetch/invoke");
    let r = hub.post(&hub.admin_token, &fetch, json!({})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let job = finished(&hub, &id_of(&r.json().await.unwrap_or_default())).await;
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(job["operation"], "logFetch");
    let (s, list) = hub.get(&hub.admin_token, &logs).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2), "{list}");
    // The system writes on: one file grows, one appears.
    write(&dir, "logs/system.log", "boot\nregistered\n");
    write(&dir, "logs/alarms.log", "link down\n");
    let r = hub
        .post(
            &hub.admin_token,
            JOBS,
            json!({"name": "More logs", "operation": "logFetch", "customerIds": [c.to_string()]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let job = finished(&hub, &id_of(&r.json().await.unwrap_or_default())).await;
    assert_eq!(job["status"], "completed", "{job}");
    let (_, list) = hub.get(&hub.admin_token, &logs).await;
    let mut paths: Vec<(String, u64)> = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["size"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        vec![
            ("alarms.log".to_string(), 10),
            ("sip/trace.log".to_string(), 7),
            ("system.log".to_string(), 16)
        ]
    );
    // One blob per file: the grown file's first copy is gone.
    let blobs = hub
        .running
        .state
        .blobs
        .list(&format!("logs/{sys}/"))
        .await
        .unwrap_or_default();
    assert_eq!(blobs.len(), 3, "{blobs:?}");
    // Dates: written today, so a filter from tomorrow finds none; to yesterday none either.
    let today = jiff::Zoned::now().date();
    let tomorrow = today.tomorrow().unwrap_or(today);
    let yesterday = today.yesterday().unwrap_or(today);
    let (_, found) = hub
        .get(&hub.admin_token, &format!("{logs}?from={today}&to={today}"))
        .await;
    assert_eq!(found["items"].as_array().map(Vec::len), Some(3));
    for q in [format!("from={tomorrow}"), format!("to={yesterday}")] {
        let (_, found) = hub.get(&hub.admin_token, &format!("{logs}?{q}")).await;
        assert_eq!(found["items"], json!([]), "{q}");
    }
    for q in ["from=yesterday", "to=2026-13-01", "level=debug"] {
        let (s, _) = hub.get(&hub.admin_token, &format!("{logs}?{q}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{q}");
    }
    let id = |path: &str| {
        list["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["path"] == path)
            .map(id_of)
            .unwrap_or_default()
    };
    // Download two as one zip.
    let r = hub
        .post(
            &hub.admin_token,
            &format!("{logs}/actions/download/invoke"),
            json!({"logIds": [id("system.log"), id("sip/trace.log")]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/zip")
    );
    let entries = unzip(r.bytes().await.map(|b| b.to_vec()).unwrap_or_default()).await;
    assert_eq!(
        entries,
        vec![
            ("ipo-1/sip/trace.log".to_string(), "INVITE\n".to_string()),
            (
                "ipo-1/system.log".to_string(),
                "boot\nregistered\n".to_string()
            ),
        ]
    );
    // Read-only: no log management at all.
    assert_eq!(hub.get(&ro, &logs).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        hub.post(&ro, &fetch, json!({})).await.status(),
        StatusCode::FORBIDDEN
    );
    // An id that is not this system's: 404, nothing deleted.
    let delete = format!("{logs}/actions/delete/invoke");
    let r = hub
        .post(
            &hub.admin_token,
            &delete,
            json!({"logIds": [id("alarms.log"), "someone-elses"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = hub
        .post(
            &hub.admin_token,
            &delete,
            json!({"logIds": [id("alarms.log")]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, list) = hub.get(&hub.admin_token, &logs).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2));
    let blobs = hub
        .running
        .state
        .blobs
        .list(&format!("logs/{sys}/"))
        .await
        .unwrap_or_default();
    assert_eq!(blobs.len(), 2);
    stop.cancel();
    let _ = std::fs::remove_dir_all(&dir);
    hub.stop().await;
}

async fn log_jobs(hub: &TestHub) -> Vec<Value> {
    hub.get(&hub.admin_token, &format!("{JOBS}?operation=logFetch"))
        .await
        .1["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// LOG-2 with an injected clock: before 00:30 no collection; from 00:30 one job per day over the
/// systems whose flag is on, created once however often (or from however many nodes) it is
/// asked; it runs and collects. PRF-4: files collected longer ago than the retention are deleted
/// with their blobs.
#[tokio::test]
async fn log_2_daily_collection_once_a_day_from_00_30_and_retention() {
    use patchbay_hub::service::jobs::logs::{daily_collection, expire_logs};
    // The runner's own daily collection (real clock) is off in test hubs: only the injected one.
    let hub = TestHub::start().await;
    let c = customer(&hub, "Acme").await;
    let (stop, dir) = agent(&hub, "acme").start();
    write(&dir, "logs/system.log", "boot\n");
    let sys = connected(&hub, c).await;
    let state = &hub.running.state;
    let tz = jiff::tz::TimeZone::system();
    // Yesterday's clock: its 00:30 start is past whatever the time of day the test runs at (with
    // today's, a run between 00:00 and 00:30 would wait for a start still to come).
    let day = jiff::Zoned::now()
        .date()
        .yesterday()
        .unwrap_or_else(|e| panic!("{e}"));
    let at = |h: i8, m: i8| {
        day.at(h, m, 0, 0)
            .to_zoned(tz.clone())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    assert!(!daily_collection(state, &at(0, 29))
        .await
        .unwrap_or_else(|e| panic!("{e}")));
    assert!(log_jobs(&hub).await.is_empty());
    // Two nodes (or restarts) asking at once make one job.
    let (early, late) = (at(0, 31), at(9, 0));
    let (a, b) = tokio::join!(
        daily_collection(state, &early),
        daily_collection(state, &late)
    );
    assert!(a.unwrap_or(false) && b.unwrap_or(false));
    let list = log_jobs(&hub).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["automatic"], true);
    let job = finished(&hub, &id_of(&list[0])).await;
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(
        hub.store()
            .held_logs(sys)
            .await
            .map(|h| h.len())
            .unwrap_or(0),
        1
    );
    // Retention: nothing is old enough today; 31 days on (30 by default) it all goes.
    let now = jiff::Timestamp::now();
    assert_eq!(expire_logs(state, now).await.unwrap_or(9), 0);
    let later = now + jiff::SignedDuration::from_hours(24 * 31);
    assert_eq!(expire_logs(state, later).await.unwrap_or(0), 1);
    let left = hub
        .store()
        .list_logs(
            &patchbay_store::logs::LogFilter {
                system: Some(sys),
                ..Default::default()
            },
            patchbay_store::PageRequest::new(0, 10),
        )
        .await
        .map(|p| p.total)
        .unwrap_or(-1);
    assert_eq!(left, 0);
    // The expired file is remembered: unchanged on the system, the next collection skips it.
    let r = hub
        .post(
            &hub.admin_token,
            &format!("/v1/operations/systems/{sys}/logs/actions/fetch/invoke"),
            json!({}),
        )
        .await;
    let job = finished(&hub, &id_of(&r.json().await.unwrap_or_default())).await;
    assert_eq!(job["status"], "completed", "{job}");
    let (_, list) = hub
        .get(
            &hub.admin_token,
            &format!("/v1/operations/systems/{sys}/logs"),
        )
        .await;
    assert_eq!(list["items"], json!([]));
    assert!(state
        .blobs
        .list(&format!("logs/{sys}/"))
        .await
        .unwrap_or_default()
        .is_empty());
    stop.cancel();
    let _ = std::fs::remove_dir_all(&dir);
    hub.stop().await;
}

/// The automatic backup jobs of one night (their names carry the system's local date).
async fn night_jobs(hub: &TestHub, date: &str) -> Vec<Value> {
    hub.get(
        &hub.admin_token,
        &format!("{JOBS}?operation=backup&search={date}"),
    )
    .await
    .1["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// BKP-3 with an injected clock, in the system's own time zone (reported by its agent): nothing
/// before the system's slot in the 02:00–04:00 window, then one automatic backup a night however
/// often (or from however many nodes) it is asked; it runs on the agent and is kept as automatic,
/// taken in the system's local time. A night when another action runs is failed at once, with the
/// reason.
#[tokio::test]
async fn bkp_3_one_automatic_backup_a_night_in_the_systems_own_time() {
    use patchbay_domain::backups::{automatic_slot, WINDOW_END};
    use patchbay_hub::service::jobs::backup::{automatic_backups, SKIPPED_BUSY};
    let hub = TestHub::start().await;
    let c = customer(&hub, "Acme").await;
    let (stop, dir) = agent(&hub, "acme").time_zone("Asia/Seoul").start();
    write(&dir, "data/configuration/config.cfg", "lines=12\n");
    let sys = connected(&hub, c).await;
    let seoul = jiff::tz::TimeZone::get("Asia/Seoul").unwrap_or_else(|e| panic!("{e}"));
    let mut zone = String::new();
    for _ in 0..50 {
        zone = hub.store().system_time_zone(sys).await.unwrap_or_default();
        if !zone.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(zone, "Asia/Seoul");
    let slot = automatic_slot(sys.to_string().as_bytes());
    let night = jiff::civil::date(2026, 11, 20);
    let at = |t: jiff::civil::Time| {
        night
            .to_datetime(t)
            .to_zoned(seoul.clone())
            .map(|z| z.timestamp())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let state = &hub.running.state;
    let before = slot
        .checked_sub(jiff::SignedDuration::from_secs(1))
        .unwrap_or(slot);
    assert_eq!(automatic_backups(state, at(before)).await.unwrap_or(9), 0);
    // Two nodes at once, at the slot and a minute before the window closes: one run.
    let last = WINDOW_END
        .checked_sub(jiff::SignedDuration::from_mins(1))
        .unwrap_or(WINDOW_END);
    let (x, y) = tokio::join!(
        automatic_backups(state, at(slot)),
        automatic_backups(state, at(last))
    );
    assert_eq!(x.unwrap_or(0) + y.unwrap_or(0), 1);
    // (Only this test's nights: the hub's own runner may meet Seoul's real night meanwhile.)
    let list = night_jobs(&hub, "2026-11-20").await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["automatic"], true);
    // Its start time is the slot, in Seoul; it is due (in the past) and runs now.
    let job = finished(&hub, &id_of(&list[0])).await;
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(job["startDate"], at(slot).to_string());
    // (The system's real night may have added its own automatic backup meanwhile.)
    let backups: Vec<_> = hub
        .store()
        .backups_of(sys)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|b| b.job_id.map(|j| j.to_string()).as_deref() == job["id"].as_str())
        .collect();
    assert_eq!(backups.len(), 1);
    assert!(backups[0].automatic);
    let local_now = jiff::Timestamp::now().to_zoned(seoul.clone()).datetime();
    let skew = backups[0].taken_local.duration_until(local_now);
    assert!(
        skew.as_secs().abs() < 120,
        "taken {} vs now {local_now} in Seoul",
        backups[0].taken_local
    );
    // The next night, another action runs on the system: the night's backup fails at once, saying why.
    let next = |t| {
        night
            .tomorrow()
            .unwrap_or(night)
            .to_datetime(t)
            .to_zoned(seoul.clone())
            .map(|z| z.timestamp())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let blocker = hub
        .post(
            &hub.admin_token,
            JOBS,
            json!({"name": "Held", "operation": "backup", "customerIds": [c.to_string()], "startAt": (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(3)).to_string()}),
        )
        .await;
    assert_eq!(blocker.status(), StatusCode::CREATED);
    // Take the system's action slot as a running action would.
    let claims = hub
        .store()
        .claim_due_parts(
            "elsewhere",
            false,
            jiff::Timestamp::now() + jiff::SignedDuration::from_hours(4),
            10,
        )
        .await
        .unwrap_or_default();
    assert!(!claims.is_empty());
    assert_eq!(automatic_backups(state, next(slot)).await.unwrap_or(0), 1);
    let list = night_jobs(&hub, "2026-11-21").await;
    let night2 = list
        .iter()
        .find(|j| j["automatic"] == true && j["status"] == "failed")
        .cloned()
        .unwrap_or_default();
    let (_, details) = hub
        .get(&hub.admin_token, &format!("{JOBS}/{}", id_of(&night2)))
        .await;
    assert_eq!(details["parts"][0]["reason"], SKIPPED_BUSY, "{details}");
    stop.cancel();
    let _ = std::fs::remove_dir_all(&dir);
    hub.stop().await;
}

/// The simulator carries out actions as the real agent does, on generated files (BKP-2, BKP-5,
/// LOG-3): a backup job over a simulated system completes with a real archive, its restore
/// completes, and Fetch new logs collects the system's log.
#[tokio::test]
async fn bkp_2_bkp_5_log_3_the_simulator_backs_up_restores_and_sends_its_logs() {
    use crate::fixtures::{SERVICE_PASSWORD, SERVICE_USER};
    use patchbay_agent::{run_sim, sim_customer_id, sim_report, Password, SimOptions, Trust};
    let hub = TestHub::start().await;
    let prefix = "simact";
    // A simulated system whose flags allow backups and logs, with a usable service account.
    let i = (1..500)
        .find(|i| {
            let r = sim_report(prefix, *i);
            let a = &r.service_account;
            r.flags.remote_upgrade_backup
                && r.flags.central_diagnostic_logs
                && r.profile != "legacy"
                && !(a.disabled || a.locked || a.password_expired || a.must_change_password)
                && !a.rights.is_empty()
        })
        .unwrap_or_else(|| panic!("no suitable simulated system"));
    let c = customer(&hub, "Sim")
        .customer_id(&sim_customer_id(prefix, i))
        .await;
    let root = std::env::temp_dir().join(format!("pb-sim-root-{}", uuid::Uuid::new_v4()));
    let mut opts = SimOptions::new(
        format!("wss://localhost:{}", hub.running.addr.port()),
        1,
        prefix,
        Password::new(SERVICE_PASSWORD),
    );
    opts.start_index = i;
    opts.service_user = SERVICE_USER.into();
    opts.trust = Trust::CaPem(hub.cert_pem.clone());
    opts.alarm_interval = std::time::Duration::ZERO;
    opts.ramp = std::time::Duration::ZERO;
    opts.summary_interval = None;
    opts.data_root = Some(root.clone());
    let stop = patchbay_agent::CancellationToken::new();
    let sim = tokio::spawn(run_sim(opts, stop.clone()));
    let sys = connected(&hub, c).await;
    let r = hub
        .post(
            &hub.admin_token,
            JOBS,
            json!({"name": "Sim backup", "operation": "backup", "customerIds": [c.to_string()]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let job = finished(&hub, &id_of(&r.json().await.unwrap_or_default())).await;
    assert_eq!(job["status"], "completed", "{job}");
    // This job's backup (a simulated system whose own night it is may hold its automatic one).
    let backups: Vec<_> = hub
        .store()
        .backups_of(sys)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|b| !b.automatic)
        .collect();
    assert_eq!(backups.len(), 1);
    assert!(backups[0].files >= 6, "{:?}", backups[0]);
    // Restore the configuration.
    let r = hub
        .post(
            &hub.admin_token,
            &format!(
                "/v1/operations/systems/{sys}/backups/{}/actions/restore/invoke",
                backups[0].id
            ),
            json!({"items": ["configuration"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let job = finished(&hub, &id_of(&r.json().await.unwrap_or_default())).await;
    assert_eq!(job["status"], "completed", "{job}");
    // Its log.
    let r = hub
        .post(
            &hub.admin_token,
            &format!("/v1/operations/systems/{sys}/logs/actions/fetch/invoke"),
            json!({}),
        )
        .await;
    let job = finished(&hub, &id_of(&r.json().await.unwrap_or_default())).await;
    assert_eq!(job["status"], "completed", "{job}");
    let (_, list) = hub
        .get(
            &hub.admin_token,
            &format!("/v1/operations/systems/{sys}/logs"),
        )
        .await;
    assert_eq!(list["items"][0]["path"], "system.log", "{list}");
    stop.cancel();
    let _ = sim.await;
    let _ = std::fs::remove_dir_all(&root);
    hub.stop().await;
}

/// RBAC-1 / RBAC-3 for this operations, each cell of the SPEC table on real resources:
/// back up (Administrator, Supervisor, Operator), restore (Administrator, Supervisor), manage
/// log files (all but Read-only; Support only out of read-only mode, RBAC-2).
#[tokio::test]
async fn rbac_1_backup_restore_and_logs_for_every_role() {
    use patchbay_domain::{Capability, Principal};
    let hub = TestHub::start().await;
    let mut actors = Vec::new();
    for role in [
        Role::Administrator,
        Role::Support,
        Role::Supervisor,
        Role::Operator,
        Role::ReadOnly,
    ] {
        let (id, t) = hub.account(&format!("ops-{}", role.as_str()), role).await;
        actors.push((role, role.default_read_only_mode(), id, t));
    }
    let (id, t) = hub
        .account_with("ops-support-rw", Role::Support, |f| {
            f.read_only_mode = false
        })
        .await;
    actors.push((Role::Support, false, id, t));
    let assigned: Vec<String> = actors
        .iter()
        .filter(|(r, ..)| matches!(r, Role::Supervisor | Role::Operator | Role::ReadOnly))
        .map(|(_, _, id, _)| id.clone())
        .collect();
    let c = customer(&hub, "Acme").operators(&assigned).await;
    let sys = crate::fixtures::system(&hub, c, "ipo-a")
        .flags(patchbay_domain::system::RemoteFlags {
            remote_upgrade_backup: true,
            central_diagnostic_logs: true,
            ..Default::default()
        })
        .report()
        .await;
    let (backup, _) = hub
        .store()
        .add_backup(&patchbay_store::backups::NewBackup {
            customer: c,
            system: sys,
            job: None,
            automatic: false,
            taken_local: jiff::civil::date(2026, 11, 1).at(10, 0, 0, 0),
            items: vec!["configuration".into()],
            files: 1,
            size: 10,
            sha256: "ab".repeat(32),
            blob_key: format!("backups/{sys}/rbac.tar.gz"),
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    for (role, ro, _, token) in &actors {
        let p = Principal {
            account_id: patchbay_domain::AccountId::new(),
            role: *role,
            read_only_mode: *ro,
            kiosk_mode: false,
            customer_id: None,
        };
        let expect = |cap: Capability, ok: StatusCode| {
            if p.allowed(cap) {
                ok
            } else {
                StatusCode::FORBIDDEN
            }
        };
        let who = format!("{role} (read-only mode {ro})");
        let r = hub
            .post(
                token,
                JOBS,
                json!({"name": "RBAC", "operation": "backup", "customerIds": [c.to_string()], "startAt": (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2)).to_string()}),
            )
            .await;
        assert_eq!(
            r.status(),
            expect(Capability::BackupManual, StatusCode::CREATED),
            "backup as {who}"
        );
        let r = hub
            .post(
                token,
                &format!("/v1/operations/systems/{sys}/backups/{backup}/actions/restore/invoke"),
                json!({"items": ["configuration"]}),
            )
            .await;
        assert_eq!(
            r.status(),
            expect(Capability::Restore, StatusCode::CREATED),
            "restore as {who}"
        );
        let (s, _) = hub
            .get(token, &format!("/v1/operations/systems/{sys}/logs"))
            .await;
        assert_eq!(
            s,
            expect(Capability::ManageLogFiles, StatusCode::OK),
            "logs as {who}"
        );
        let r = hub
            .post(
                token,
                JOBS,
                json!({"name": "RBAC logs", "operation": "logFetch", "customerIds": [c.to_string()]}),
            )
            .await;
        assert_eq!(
            r.status(),
            expect(Capability::ManageLogFiles, StatusCode::CREATED),
            "fetch logs as {who}"
        );
        // Everyone who sees operations sees the backups.
        let (s, _) = hub
            .get(token, &format!("/v1/operations/systems/{sys}/backups"))
            .await;
        assert_eq!(
            s,
            expect(Capability::ViewOperations, StatusCode::OK),
            "backups as {who}"
        );
    }
    hub.stop().await;
}

/// Crash safety: a backup or log blob that no row names (a crash between writing it and
/// recording it) is deleted by the sweep once it is older than a day; a recorded one, or a fresh
/// one (its upload may still be recorded), is kept.
#[tokio::test]
async fn job_5_blobs_without_their_row_are_swept() {
    use patchbay_hub::service::jobs::sweep_blobs;
    let hub = TestHub::start().await;
    let c = customer(&hub, "Acme").await;
    let sys = crate::fixtures::system(&hub, c, "ipo-a").report().await;
    let state = &hub.running.state;
    let put = |key: String| async move {
        let body = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(
            axum::body::Bytes::from_static(b"archive"),
        )]);
        state
            .blobs
            .put_stream(&key, body)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        key
    };
    let kept = put(format!("backups/{sys}/kept.tar.gz")).await;
    let orphan = put(format!("backups/{sys}/orphan.tar.gz")).await;
    let log_orphan = put(format!("logs/{sys}/job/abc.log")).await;
    // A phone file stored with its row, and one whose upload never got recorded (VNT-1).
    let pf_kept = put("phonefiles/vantage/kept".to_string()).await;
    put("phonefiles/vantage/orphan".to_string()).await;
    hub.store()
        .put_phone_files(
            &patchbay_store::AuditMeta::cli(),
            patchbay_domain::phonefiles::Area::Vantage,
            "bench.tar",
            &[patchbay_store::phonefiles::NewPhoneFile {
                id: "kept".into(),
                path: "fw/a.bin".into(),
                size: 7,
                sha256: "ab".repeat(32),
                blob_key: pf_kept.clone(),
            }],
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    hub.store()
        .add_backup(&patchbay_store::backups::NewBackup {
            customer: c,
            system: sys,
            job: None,
            automatic: false,
            taken_local: jiff::civil::date(2026, 11, 1).at(10, 0, 0, 0),
            items: vec!["configuration".into()],
            files: 1,
            size: 7,
            sha256: "ab".repeat(32),
            blob_key: kept.clone(),
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Today nothing is old enough.
    assert_eq!(
        sweep_blobs(state, jiff::Timestamp::now())
            .await
            .unwrap_or(9),
        0
    );
    // Two days on, the three without rows go.
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48);
    assert_eq!(sweep_blobs(state, later).await.unwrap_or(0), 3);
    let left: Vec<String> = state
        .blobs
        .list("backups")
        .await
        .unwrap_or_default()
        .into_iter()
        .chain(state.blobs.list("logs").await.unwrap_or_default())
        .map(|(k, _)| k)
        .collect();
    assert_eq!(left, vec![kept]);
    assert!(!left.contains(&orphan) && !left.contains(&log_orphan));
    let phone: Vec<String> = state
        .blobs
        .list("phonefiles")
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(phone, vec![pf_kept]);
    hub.stop().await;
}
