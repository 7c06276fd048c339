//! CST-4, CST-2, CST-5 with real agents: a refresh job fetches the distributor's, then the
//! reseller's, then the customer's archives and the agent unpacks them over each other — checked
//! file by file in the system directory; `CustomData.xml` is applied at the system's first
//! connection only (never at a later one, never by a refresh); a system with central management
//! off is refused.

use crate::common::TestHub;
use crate::fixtures::{agent, customer, distributor, reseller, system, tar};
use crate::jobs_api::{connected, finished};
use patchbay_domain::system::RemoteFlags;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

const FOLDERS: &str = "/v1/operations/customization/folders";
const JOBS: &str = "/v1/operations/jobs";

async fn put(hub: &TestHub, folder: &str, name: &str, body: Vec<u8>) {
    let path = format!("{FOLDERS}/{folder}/files/{name}");
    let (s, v) = hub
        .send_bytes(reqwest::Method::PUT, &hub.admin_token, &path, &[], body)
        .await;
    assert_eq!(s, StatusCode::OK, "{folder}/{name}: {v}");
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

async fn flags(hub: &TestHub, c: patchbay_domain::CustomerId) -> RemoteFlags {
    hub.store()
        .systems_of(c)
        .await
        .unwrap_or_default()
        .first()
        .map(|s| s.flags)
        .unwrap_or_default()
}

const DATA_RESELLER: &[u8] = b"<customdata><security><remoteaccess>0</remoteaccess>\
<externalremoteaccess>1</externalremoteaccess></security><vmpro><backupmailboxes>1</backupmailboxes></vmpro></customdata>";
const DATA_DISTRIBUTOR: &[u8] =
    b"<customdata><security><logtransfer>0</logtransfer></security></customdata>";

#[tokio::test]
async fn cst_4_cst_2_refresh_layers_and_custom_data_at_first_connection_only() {
    let hub = TestHub::start().await;
    let d = distributor(&hub, "Layer Distribution").await;
    let r = reseller(&hub, &d, "Layer Resale").await;
    let c = customer(&hub, "Strata Ltd")
        .with("distributorId", d.clone())
        .with("resellerId", r.clone())
        .await;
    let (df, rf, cf) = (
        format!("distributor:{d}"),
        format!("reseller:{r}"),
        format!("customer:{c}"),
    );
    // CST-2: the reseller's CustomData.xml applies (the customer's folder holds none, and the
    // more specific folder wins over the distributor's).
    put(&hub, &df, "CustomData.xml", DATA_DISTRIBUTOR.to_vec()).await;
    put(&hub, &rf, "CustomData.xml", DATA_RESELLER.to_vec()).await;
    let (stop, dir) = agent(&hub, "strata").start();
    connected(&hub, c).await;
    let mut applied = RemoteFlags::default();
    for _ in 0..100 {
        applied = flags(&hub, c).await;
        if applied.colocated_servers {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        applied.colocated_servers && !applied.remote_access,
        "{applied:?}"
    );
    // What the distributor's file says is not applied: the reseller's file replaces it whole.
    assert!(applied.central_diagnostic_logs, "{applied:?}");
    let toml = read(&dir.join("system.toml"));
    assert!(toml.contains("mailboxes = true"), "{toml}");
    assert_eq!(read(&dir.join("CustomData.xml")).as_bytes(), DATA_RESELLER);

    // CST-4: archives in three layers.
    put(
        &hub,
        &df,
        "CustomPhoneFiles.tar",
        tar(&[
            ("46xxspecials.txt", b"SET A distributor\n"),
            ("46xxsettings.txt", b"SET B distributor\n"),
        ]),
    )
    .await;
    put(
        &hub,
        &df,
        "CustomTemplates.tar",
        tar(&[("trunk-d.xml", b"<template>d</template>")]),
    )
    .await;
    put(
        &hub,
        &rf,
        "CustomPhoneFiles.tar",
        tar(&[("46xxspecials.txt", b"SET A reseller\n")]),
    )
    .await;
    put(
        &hub,
        &rf,
        "CustomTemplates.tar",
        tar(&[
            ("trunk-r.xml", b"<template>r</template>"),
            ("trunk-d.xml", b"<template>r over d</template>"),
        ]),
    )
    .await;
    put(
        &hub,
        &cf,
        "CustomPhoneFiles.tar",
        tar(&[("46xxspecials.txt", b"SET A customer\n")]),
    )
    .await;
    // A CustomData.xml that arrives later is not applied, by a refresh or otherwise.
    put(
        &hub,
        &cf,
        "CustomData.xml",
        b"<customdata><security><remoteaccess>1</remoteaccess></security></customdata>".to_vec(),
    )
    .await;
    let r = hub
        .post(
            &hub.admin_token,
            JOBS,
            json!({"name": "Refresh Strata", "operation": "customizationRefresh", "customerIds": [c.to_string()]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap_or_default();
    let job = finished(&hub, v["id"].as_str().unwrap_or("")).await;
    assert_eq!(job["status"], "completed", "{job}");
    assert_eq!(job["operation"], "customizationRefresh", "{job}");
    let phone = dir.join("custom/phone-files");
    let templates = dir.join("custom/templates");
    assert_eq!(read(&phone.join("46xxspecials.txt")), "SET A customer\n");
    assert_eq!(read(&phone.join("46xxsettings.txt")), "SET B distributor\n");
    assert_eq!(
        read(&templates.join("trunk-d.xml")),
        "<template>r over d</template>"
    );
    assert_eq!(
        read(&templates.join("trunk-r.xml")),
        "<template>r</template>"
    );
    let mut names: Vec<String> = std::fs::read_dir(&phone)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["46xxsettings.txt", "46xxspecials.txt"]);
    assert_eq!(read(&dir.join("CustomData.xml")).as_bytes(), DATA_RESELLER);
    assert!(!flags(&hub, c).await.remote_access);
    stop.cancel();

    // The same system connecting again (here from a fresh directory) gets no CustomData.xml.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (stop, again) = agent(&hub, "strata").start();
    connected(&hub, c).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(!again.join("CustomData.xml").exists());
    assert!(read(&again.join("system.toml")).contains("remote_access = true"));
    stop.cancel();

    // Central management off: refused, nothing created.
    let off = customer(&hub, "Flat Ltd").await;
    system(&hub, off, "flat-1")
        .flags(RemoteFlags::default())
        .report()
        .await;
    let r = hub
        .post(
            &hub.admin_token,
            JOBS,
            json!({"name": "Refresh Flat", "operation": "customizationRefresh", "customerIds": [off.to_string()]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    hub.stop().await;
}

#[tokio::test]
async fn cst_4_the_console_refresh_form() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Formica Ltd").await;
    let (stop, dir) = agent(&hub, "formica").system("ipo-r").start();
    connected(&hub, c).await;
    put(
        &hub,
        &format!("customer:{c}"),
        "CustomPhoneFiles.tar",
        tar(&[("46xxspecials.txt", b"SET A console\n")]),
    )
    .await;
    let b = crate::fixtures::admin_browser(&hub, "rfr-admin").await;
    // The customer's details offer the action; the form lists the system and its archives.
    let (_, html, _) = b.get(&format!("/com/customers/{c}")).await;
    assert!(html.contains("id=\"details-refresh\""), "{html}");
    let (s, html, _) = b.get(&format!("/com/customers/refresh?id={c}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("ipo-r") && html.contains("CustomPhoneFiles.tar"),
        "{html}"
    );
    let post = |name: &'static str, when: &'static str, start: &'static str| {
        let (b, id) = (&b, c.to_string());
        async move {
            let form = [
                ("id", id.as_str()),
                ("name", name),
                ("when", when),
                ("startAt", start),
            ];
            b.submit("/com/customers", "/com/customers/refresh", &form)
                .await
        }
    };
    // No name, a start in the past: the form again with both fields marked.
    let (s, html, _) = post("", "later", "2001-01-01T10:00").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"refresh-name-error\""), "{html}");
    assert_eq!(html.matches("aria-invalid=\"true\"").count(), 2, "{html}");
    // Now: the job runs on the agent.
    let (s, _, to) = post("Console refresh", "now", "").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let job = to.unwrap_or_default();
    let done = finished(&hub, job.trim_start_matches("/com/jobs/")).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(
        read(&dir.join("custom/phone-files/46xxspecials.txt")),
        "SET A console\n"
    );
    // An Operator of another customer does not see this one: not found.
    let (_, op) = crate::fixtures::staff(&hub, "rfr-op", patchbay_domain::Role::Operator).await;
    let (s, _, _) = op.get(&format!("/com/customers/refresh?id={c}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    stop.cancel();
    hub.stop().await;
}

/// The agent takes exactly the bytes the hub recorded: a longer answer stops there (a wrong file
/// never fills the system's disk) and the part fails with the reason; the system keeps its files.
#[tokio::test]
async fn cst_4_an_archive_longer_than_recorded_is_refused_on_the_system() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Sizer Ltd").await;
    let (stop, dir) = agent(&hub, "sizer").start();
    connected(&hub, c).await;
    put(
        &hub,
        &format!("customer:{c}"),
        "CustomPhoneFiles.tar",
        tar(&[("46xxspecials.txt", b"SET A size\n")]),
    )
    .await;
    let f = hub
        .store()
        .folder_files(patchbay_store::customization::Folder::Customer(c.0))
        .await
        .unwrap_or_default()
        .remove(0);
    // The blob grows behind the record's back.
    let longer = futures_util::stream::iter([Ok::<_, String>(bytes::Bytes::from(vec![
        0u8;
        usize::try_from(f.size).unwrap_or(0)
            + 4096
    ]))]);
    hub.running
        .state
        .blobs
        .put_stream(&f.blob_key, longer)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let r = hub
        .post(
            &hub.admin_token,
            JOBS,
            json!({"name": "Refresh Sizer", "operation": "customizationRefresh", "customerIds": [c.to_string()]}),
        )
        .await;
    let v: Value = r.json().await.unwrap_or_default();
    let job = finished(&hub, v["id"].as_str().unwrap_or("")).await;
    assert_eq!(job["status"], "failed", "{job}");
    let reason = job["parts"][0]["reason"].as_str().unwrap_or("");
    assert!(reason.contains("bytes expected"), "{reason}");
    assert!(!dir.join("custom").exists());
    stop.cancel();
    hub.stop().await;
}
