//! SWR-1 and SYS-4 over real HTTPS: the tus protocol (creation, HEAD, PATCH, termination,
//! checksum, an interrupted PATCH that keeps what arrived, racing PATCHes), the whole file's
//! SHA-256 recorded by the hub, the console's plain upload, and "new version available".

use crate::common::{Browser, TestHub};
use crate::fixtures::{admin_browser, customer, staff, system};
use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};

const UPLOADS: &str = "/v1/operations/repository/uploads";

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn metadata(name: &str, version: &str, profile: &str) -> String {
    format!(
        "filename {},version {},profile {}",
        b64(name),
        b64(version),
        b64(profile)
    )
}

/// A tus request with the bearer token.
fn tus(hub: &TestHub, token: &str, method: Method, path: &str) -> reqwest::RequestBuilder {
    hub.client()
        .request(method, hub.url(path))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
}

async fn create(hub: &TestHub, token: &str, len: usize, version: &str) -> reqwest::Response {
    tus(hub, token, Method::POST, UPLOADS)
        .header("Upload-Length", len.to_string())
        .header(
            "Upload-Metadata",
            metadata("ipo-r12.bin", version, "ip500v2"),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn location(hub: &TestHub, token: &str, len: usize, version: &str) -> String {
    let r = create(hub, token, len, version).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.headers()["tus-resumable"], "1.0.0");
    let loc = r.headers()["location"].to_str().unwrap_or("").to_string();
    assert!(
        loc.starts_with(&format!("{UPLOADS}/")),
        "relative Location: {loc}"
    );
    loc
}

async fn offset(hub: &TestHub, token: &str, loc: &str) -> (StatusCode, i64) {
    let r = tus(hub, token, Method::HEAD, loc)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let off = r
        .headers()
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    (r.status(), off)
}

async fn patch(
    hub: &TestHub,
    token: &str,
    loc: &str,
    at: usize,
    body: Vec<u8>,
    checksum: Option<String>,
) -> reqwest::Response {
    let mut req = tus(hub, token, Method::PATCH, loc)
        .header("Upload-Offset", at.to_string())
        .header("Content-Type", "application/offset+octet-stream");
    if let Some(c) = checksum {
        req = req.header("Upload-Checksum", c);
    }
    req.body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

fn sha1_b64(b: &[u8]) -> String {
    use sha1::Digest as _;
    format!(
        "sha1 {}",
        base64::engine::general_purpose::STANDARD.encode(sha1::Sha1::digest(b))
    )
}

#[tokio::test]
async fn swr_1_tus_upload_resumes_after_a_cut_and_records_the_whole_files_sha256() {
    let hub = TestHub::start().await;
    let token = hub.admin_token.clone();
    // Discovery.
    let r = tus(&hub, &token, Method::OPTIONS, UPLOADS)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(r.headers()["tus-version"], "1.0.0");
    let ext = r.headers()["tus-extension"].to_str().unwrap_or("");
    for e in ["creation", "termination", "checksum", "expiration"] {
        assert!(ext.contains(e), "{ext}");
    }
    // Another protocol version: 412.
    let r = hub
        .client()
        .post(hub.url(UPLOADS))
        .bearer_auth(&token)
        .header("Tus-Resumable", "0.2.2")
        .header("Upload-Length", "10")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(r.headers()["tus-version"], "1.0.0");
    // Bad metadata: every field named.
    let r = tus(&hub, &token, Method::POST, UPLOADS)
        .header("Upload-Length", "10")
        .header("Upload-Metadata", metadata("../x", "latest", "legacy"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let text = r.text().await.unwrap_or_default();
    for f in ["filename", "version", "profile"] {
        assert!(text.contains(f), "{text}");
    }

    let len = 6 * 1024 * 1024 + 123;
    let data = content(len);
    let loc = location(&hub, &token, len, "12.2.0.0.1").await;

    // A PATCH whose connection breaks after 3 MiB keeps what arrived.
    let first: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(data[..1024 * 1024].to_vec()),
        Ok(data[1024 * 1024..2 * 1024 * 1024].to_vec()),
        Ok(data[2 * 1024 * 1024..3 * 1024 * 1024].to_vec()),
        Err(std::io::Error::other("client killed")),
    ];
    let cut = tus(&hub, &token, Method::PATCH, &loc)
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            first,
        )))
        .send()
        .await;
    assert!(cut.is_err(), "the cut request fails on the client side");
    // The hub counts the kept bytes once the request has ended on its side.
    let mut kept = 0;
    for _ in 0..100 {
        let (s, off) = offset(&hub, &token, &loc).await;
        assert_eq!(s, StatusCode::OK);
        if off > 0 {
            kept = off;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(kept > 0 && kept <= 3 * 1024 * 1024, "kept {kept}");
    let kept = kept as usize;

    // The wrong offset: 409, nothing moves.
    let r = patch(&hub, &token, &loc, 0, data[..10].to_vec(), None).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // A checksum that does not match: 460, nothing kept.
    let r = patch(
        &hub,
        &token,
        &loc,
        kept,
        data[kept..].to_vec(),
        Some(sha1_b64(b"other")),
    )
    .await;
    assert_eq!(r.status().as_u16(), 460);
    assert_eq!(offset(&hub, &token, &loc).await.1, kept as i64);
    // An unknown checksum algorithm: 400.
    let r = patch(
        &hub,
        &token,
        &loc,
        kept,
        data[kept..].to_vec(),
        Some("md5 AAAA".into()),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // Racing PATCHes of the next megabyte: one wins, the offset only moves forward.
    let next = kept + 1024 * 1024;
    let mut racers = Vec::new();
    for _ in 0..4 {
        racers.push(patch(
            &hub,
            &token,
            &loc,
            kept,
            data[kept..next].to_vec(),
            None,
        ));
    }
    let statuses: Vec<u16> = futures_util::future::join_all(racers)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 204).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 204 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(offset(&hub, &token, &loc).await.1, next as i64);

    // The rest, with its checksum: the release exists.
    let rest = data[next..].to_vec();
    let sum = sha1_b64(&rest);
    let r = patch(&hub, &token, &loc, next, rest, Some(sum)).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(r.headers()["upload-offset"], len.to_string().as_str());
    let release = r.headers()["patchbay-release"]
        .to_str()
        .unwrap_or("")
        .to_string();
    let (s, v) = hub
        .get(
            &token,
            &format!("/v1/operations/repository/releases/{release}"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["sha256"], hex::encode(Sha256::digest(&data)));
    assert_eq!(v["size"], len as i64);
    assert_eq!(v["version"], "12.2.0.0.1");
    assert_eq!(v["uploadedBy"], "admin");
    // The finished upload is gone; the same version cannot come again.
    assert_eq!(offset(&hub, &token, &loc).await.0, StatusCode::NOT_FOUND);
    let r = create(&hub, &token, 10, "12.2.0.0.1").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap_or_default().contains("version"));
    // The chunks are removed: only the release remains in the blob store.
    let blobs = hub
        .running
        .state
        .blobs
        .list("uploads")
        .await
        .unwrap_or_default();
    assert!(blobs.is_empty(), "{blobs:?}");

    // Termination.
    let loc2 = location(&hub, &token, 100, "12.3").await;
    let r = patch(&hub, &token, &loc2, 0, content(40), None).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // Expiration: each accepted PATCH says until when the upload is kept.
    assert!(
        r.headers()
            .get("upload-expires")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.ends_with(" GMT")),
        "{:?}",
        r.headers()
    );
    let r = tus(&hub, &token, Method::DELETE, &loc2)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(offset(&hub, &token, &loc2).await.0, StatusCode::NOT_FOUND);
    // More bytes than the length: 413, nothing kept.
    let loc3 = location(&hub, &token, 10, "12.4").await;
    assert_eq!(
        patch(&hub, &token, &loc3, 0, content(11), None)
            .await
            .status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(offset(&hub, &token, &loc3).await.1, 0);
    hub.stop().await;
}

#[tokio::test]
async fn swr_1_only_administrators_upload_and_uploads_are_their_own() {
    let hub = TestHub::start().await;
    let (_, op_token) = hub.account("op-swr", patchbay_domain::Role::Operator).await;
    let (_, admin2) = hub
        .account("admin-swr", patchbay_domain::Role::Administrator)
        .await;
    let r = create(&hub, &op_token, 10, "1.0").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (s, v) = hub
        .get(&op_token, "/v1/operations/repository/releases")
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // Another administrator's upload does not exist for you.
    let loc = location(&hub, &hub.admin_token, 10, "1.0").await;
    assert_eq!(offset(&hub, &admin2, &loc).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        patch(&hub, &admin2, &loc, 0, content(10), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // Open uploads are limited (4 per account), also when created in parallel.
    let mut made = Vec::new();
    for i in 0..6 {
        made.push(create(
            &hub,
            &admin2,
            10,
            Box::leak(format!("2.{i}").into_boxed_str()),
        ));
    }
    let created = futures_util::future::join_all(made)
        .await
        .into_iter()
        .filter(|r| r.status() == StatusCode::CREATED)
        .count();
    assert_eq!(created, 4);
    let (_, v) = hub.get(&admin2, UPLOADS).await;
    assert_eq!(v["items"].as_array().map(Vec::len), Some(4));
    hub.stop().await;
}

/// The console's plain upload (no JavaScript): the file streams to its release; the list shows
/// it with the hub's checksum; a system of that profile on an older version shows "new version".
#[tokio::test]
async fn swr_1_sys_4_plain_console_upload_and_new_version_available() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Newton Ltd").await;
    system(&hub, c, "se-1").version("12.1").report().await;
    let b: Browser = admin_browser(&hub, "repo-admin").await;
    let (_, html, _) = b.get("/com/repository").await;
    assert!(html.contains("id=\"release-upload\""), "{html}");
    let csrf = crate::common::hidden(&html, "csrf").unwrap_or_default();
    let data = content(300_000);
    let form = reqwest::multipart::Form::new()
        .text("version", "12.2.1")
        .text("profile", "server-edition")
        .text("phoneFirmware", "4.1.7")
        .part(
            "file",
            reqwest::multipart::Part::bytes(data.clone()).file_name("se-12.2.1.iso"),
        );
    let r = b
        .client
        .post(hub.url(&format!("/com/repository/upload?csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html, _) = b.get("/com/repository?done=uploaded").await;
    assert!(html.contains("se-12.2.1.iso"), "{html}");
    assert!(html.contains(&hex::encode(Sha256::digest(&data))));
    // SYS-4 in the API and on the console.
    let (_, v) = hub
        .get(
            &hub.admin_token,
            &format!("/v1/operations/customers/{c}/systems"),
        )
        .await;
    assert_eq!(v["items"][0]["newVersion"], "12.2.1", "{v}");
    let (_, html, _) = b.get(&format!("/com/customers/{c}")).await;
    assert!(html.contains("data-new-version=\"12.2.1\""));
    let (_, html, _) = b.get("/com/customers").await;
    assert!(html.contains("data-new-version=\"12.2.1\""));
    // A release of another profile, or an older one, lights nothing.
    let (_, v) = hub
        .get(
            &hub.admin_token,
            "/v1/operations/repository/releases?profile=ip500v2",
        )
        .await;
    assert_eq!(v["items"].as_array().map(Vec::len), Some(0));
    // Without the CSRF token: refused.
    let r = b
        .client
        .post(hub.url("/com/repository/upload"))
        .multipart(reqwest::multipart::Form::new().text("version", "1"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A duplicate version comes back on the form with the field's message.
    let form = reqwest::multipart::Form::new()
        .text("version", "12.2.1")
        .text("profile", "server-edition")
        .part(
            "file",
            reqwest::multipart::Part::bytes(vec![1u8; 10]).file_name("again.iso"),
        );
    let r = b
        .client
        .post(hub.url(&format!("/com/repository/upload?csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap_or_default();
    assert!(html.contains("aria-invalid=\"true\""), "{html}");
    // An Operator sees the list, not the form.
    let (_, op) = staff(&hub, "op-repo", patchbay_domain::Role::Operator).await;
    let (s, html, _) = op.get("/com/repository").await;
    assert_eq!(s, StatusCode::OK);
    assert!(!html.contains("id=\"release-upload\""));
    assert!(html.contains("se-12.2.1.iso"));
    // Deleting it (Administrator) turns SYS-4 off again.
    let id = hub
        .get(&hub.admin_token, "/v1/operations/repository/releases")
        .await
        .1["items"][0]["id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let r = hub
        .delete(
            &hub.admin_token,
            &format!("/v1/operations/repository/releases/{id}"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, v): (StatusCode, Value) = hub
        .get(
            &hub.admin_token,
            &format!("/v1/operations/customers/{c}/systems"),
        )
        .await;
    assert!(v["items"][0]["newVersion"].is_null(), "{v}");
    hub.stop().await;
}

/// The console's resumable path: the script's requests carry the CSRF token in a header; without
/// it a PATCH is refused.
#[tokio::test]
async fn swr_1_console_tus_needs_the_csrf_header() {
    let hub = TestHub::start().await;
    let b = admin_browser(&hub, "repo-tus").await;
    let (_, html, _) = b.get("/com/repository").await;
    let csrf = crate::common::hidden(&html, "csrf").unwrap_or_default();
    let base = "/com/repository/uploads";
    let r = b
        .client
        .post(hub.url(base))
        .header("Tus-Resumable", "1.0.0")
        .header("X-CSRF-Token", &csrf)
        .header("Upload-Length", "5")
        .header("Upload-Metadata", metadata("a.bin", "3.0", "accs"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::CREATED);
    let loc = r.headers()["location"].to_str().unwrap_or("").to_string();
    assert!(loc.starts_with("/com/repository/uploads/"), "{loc}");
    let send = |token: Option<&str>| {
        let mut req = b
            .client
            .patch(hub.url(&loc))
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", "0")
            .header("Content-Type", "application/offset+octet-stream")
            .body(b"hello".to_vec());
        if let Some(t) = token {
            req = req.header("X-CSRF-Token", t);
        }
        req.send()
    };
    let r = send(None).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = send(Some("wrong")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = send(Some(&csrf)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(r.headers().contains_key("patchbay-release"));
    hub.stop().await;
}

/// A release in the repository through tus (one PATCH); its id.
pub async fn upload_release(
    hub: &TestHub,
    bytes: &[u8],
    version: &str,
    profile: &str,
    firmware: &str,
) -> String {
    let meta = format!(
        "{},phoneFirmware {}",
        metadata(&format!("rel-{version}.bin"), version, profile),
        b64(firmware)
    );
    let r = tus(hub, &hub.admin_token, Method::POST, UPLOADS)
        .header("Upload-Length", bytes.len().to_string())
        .header("Upload-Metadata", meta)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.text().await);
    let loc = r.headers()["location"].to_str().unwrap_or("").to_string();
    let r = patch(hub, &hub.admin_token, &loc, 0, bytes.to_vec(), None).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    r.headers()["patchbay-release"]
        .to_str()
        .unwrap_or("")
        .to_string()
}
