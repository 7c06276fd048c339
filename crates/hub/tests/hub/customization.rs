//! CST-1…3, CST-6 over HTTPS: folders, uploads checked before they are accepted (every problem
//! in the answer, in the caller's language), rename, delete, download as one zip; Administrators
//! only.

use crate::common::{hidden, TestHub};
use crate::fixtures::{admin_browser, customer, distributor, reseller, staff, tar};
use patchbay_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const FOLDERS: &str = "/v1/operations/customization/folders";

const CUSTOM_DATA: &[u8] =
    b"<customdata><security><centralmgmt>1</centralmgmt></security></customdata>";

async fn put(
    hub: &TestHub,
    token: &str,
    folder: &str,
    name: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let path = format!("{FOLDERS}/{folder}/files/{name}");
    hub.send_bytes(
        Method::PUT,
        token,
        &path,
        &[("Accept-Language", "fr")],
        body,
    )
    .await
}

#[tokio::test]
async fn cst_1_cst_3_cst_6_folders_checked_uploads_rename_delete_and_zip() {
    let hub = TestHub::start().await;
    let token = hub.admin_token.clone();
    let d = distributor(&hub, "North Distribution").await;
    let r = reseller(&hub, &d, "North Resale").await;
    let c = customer(&hub, "Cork Ltd")
        .with("distributorId", d.clone())
        .with("resellerId", r.clone())
        .await;
    let cf = format!("customer:{c}");
    // The tree: the distributor, its reseller; the customer once its folder holds a file.
    let (s, v) = hub.get(&token, FOLDERS).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let ids: Vec<&str> = v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(ids, [format!("distributor:{d}"), format!("reseller:{r}")]);
    let (s, v) = put(&hub, &token, &cf, "CustomData.xml", CUSTOM_DATA.to_vec()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let data_id = v["id"].as_str().unwrap_or("").to_string();
    assert_eq!(v["usedBySystems"], true);
    let (_, v) = hub.get(&token, FOLDERS).await;
    let customer_row = v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["id"] == cf.as_str())
        .cloned();
    assert_eq!(
        customer_row.map(|f| (f["parent"].clone(), f["files"].clone())),
        Some((json!(format!("reseller:{r}")), json!(1)))
    );
    // A bad archive: refused with every problem, in the caller's language.
    let bad = tar(&[
        (
            "46xxspecials.txt",
            b"GOTO NOWHERE\nSET SCREENSAVER gone.jpg\n",
        ),
        ("fw.bin", b"\0\0"),
    ]);
    let (s, v) = put(&hub, &token, &cf, "CustomPhoneFiles.tar", bad).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let texts: Vec<String> = v["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["description"].as_str().map(String::from))
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("fw.bin:") && t.contains("micrologiciel")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("46xxspecials.txt:1:") && t.contains("NOWHERE")),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t.contains("gone.jpg")), "{texts:?}");
    // A good one, with a warning kept.
    let good = tar(&[
        ("46xxspecials.txt", b"SET ADMIN_PASSWORD 1234\n"),
        ("46xxsettings.txt", b"SET A 1\n"),
    ]);
    let (s, v) = put(&hub, &token, &cf, "CustomPhoneFiles.tar", good).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let tar_id = v["id"].as_str().unwrap_or("").to_string();
    assert_eq!(v["warnings"][0]["code"], "settings-discouraged", "{v}");
    // Over 10 MB: 413.
    let (s, _) = put(
        &hub,
        &token,
        &cf,
        "big.bin",
        vec![0u8; 10 * 1024 * 1024 + 1],
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    // Rename: a taken name is refused, a free one is kept (and unused by systems).
    let rename = |id: &str, name: &str| {
        let path = format!("{FOLDERS}/{cf}/files/{id}/actions/rename/invoke");
        let (hub, token, body) = (&hub, &token, json!({"name": name}));
        async move { hub.post(token, &path, body).await }
    };
    assert_eq!(
        rename(&tar_id, "CustomData.xml").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        rename(&tar_id, "bad/name").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        rename(&tar_id, "CustomPhoneFiles-2026.tar").await.status(),
        StatusCode::NO_CONTENT
    );
    let (_, v) = hub.get(&token, &format!("{FOLDERS}/{cf}/files")).await;
    let names: Vec<(String, bool)> = v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["name"].as_str().unwrap_or("").to_string(),
                f["usedBySystems"].as_bool().unwrap_or(true),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("CustomData.xml".to_string(), true),
            ("CustomPhoneFiles-2026.tar".to_string(), false)
        ]
    );
    // Download both as one zip.
    let r = hub
        .post(
            &token,
            &format!("{FOLDERS}/{cf}/files/actions/download/invoke"),
            json!({"fileIds": [data_id, tar_id]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let zip = r.bytes().await.unwrap_or_default();
    assert!(zip.starts_with(b"PK"));
    for name in ["CustomData.xml", "CustomPhoneFiles-2026.tar"] {
        assert!(
            zip.windows(name.len()).any(|w| w == name.as_bytes()),
            "{name} in the zip"
        );
    }
    // Delete: all or nothing.
    let del = |ids: Value| {
        let path = format!("{FOLDERS}/{cf}/files/actions/delete/invoke");
        let (hub, token) = (&hub, &token);
        async move { hub.post(token, &path, json!({"fileIds": ids})).await }
    };
    assert_eq!(
        del(json!([data_id, "nope"])).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(del(json!([data_id])).await.status(), StatusCode::NO_CONTENT);
    let (_, v) = hub.get(&token, &format!("{FOLDERS}/{cf}/files")).await;
    assert_eq!(v["items"].as_array().map(Vec::len), Some(1));
    // Unknown folders are 404; an Operator may not manage files.
    assert_eq!(
        hub.get(
            &token,
            &format!("{FOLDERS}/customer:{}/files", uuid::Uuid::now_v7())
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        hub.get(&token, &format!("{FOLDERS}/team:x/files")).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, op) = hub.account("cst-op", Role::Operator).await;
    assert_eq!(
        hub.api(&op, Method::GET, FOLDERS, None).await.status(),
        StatusCode::FORBIDDEN
    );
    hub.stop().await;
}

#[tokio::test]
async fn cst_1_cst_3_the_console_folder_page() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Dover Ltd").await;
    let b = admin_browser(&hub, "cst-admin").await;
    // A customer's folder is opened by its customer ID.
    let (s, _, to) = b.get("/com/files/open?customerId=DOVER").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let folder = to.unwrap_or_default();
    assert_eq!(folder, format!("/com/files/customer:{c}"));
    let (_, _, to) = b.get("/com/files/open?customerId=nobody").await;
    let (_, html, _) = b.get(&to.unwrap_or_default()).await;
    assert!(html.contains("aria-invalid=\"true\""), "{html}");
    let (s, html, _) = b.get(&folder).await;
    assert_eq!(s, StatusCode::OK);
    let csrf = hidden(&html, "csrf").unwrap_or_default();
    let send = |name: &'static str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        );
        b.client
            .post(hub.url(&format!("{folder}/upload?csrf={csrf}")))
            .multipart(form)
            .send()
    };
    // Refused: the page lists the problems.
    let r = send("CustomTemplates.tar", tar(&[("a.txt", b"x")]))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap_or_default();
    assert!(
        html.contains("id=\"upload-problems\"") && html.contains("a.txt"),
        "{html}"
    );
    // Accepted.
    let r = send("CustomData.xml", CUSTOM_DATA.to_vec())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html, _) = b.get(&format!("{folder}?done=uploaded")).await;
    assert!(html.contains("data-file=\"CustomData.xml\""), "{html}");
    let id = hub
        .store()
        .folder_files(patchbay_store::customization::Folder::Customer(c.0))
        .await
        .unwrap_or_default()
        .remove(0)
        .id;
    // Delete behind a confirmation.
    let (s, html, _) = b
        .submit(&folder, &format!("{folder}/delete"), &[("id", id.as_str())])
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"confirm-delete\""));
    let (s, _, _) = b
        .submit(
            &folder,
            &format!("{folder}/delete"),
            &[("id", id.as_str()), ("confirm", "on")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(hub
        .store()
        .folder_files(patchbay_store::customization::Folder::Customer(c.0))
        .await
        .unwrap_or_default()
        .is_empty());
    // An Operator gets no file management.
    let (_, op) = staff(&hub, "cst-op2", Role::Operator).await;
    assert_eq!(op.get("/com/files").await.0, StatusCode::FORBIDDEN);
    hub.stop().await;
}
