//! VNT-1, WPL-1 over the API, the console and the phone file server: archives unpacked on
//! arrival (tar and zip), listed, downloaded as one zip, deleted; dangerous archives refused with
//! nothing stored; the phone file server answers over HTTP and HTTPS on one port with ranges,
//! 304 for an unchanged file and 404 outside the folders; Administrators only.

use crate::common::{hidden, TestHub};
use crate::fixtures::{admin_browser, staff, tar};
use patchbay_domain::phonefiles::Area;
use patchbay_domain::Role;
use reqwest::header;
use reqwest::StatusCode;
use serde_json::{json, Value};

const BASE: &str = "/v1/operations/phone-files";

async fn zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    use async_zip::base::write::ZipFileWriter;
    use async_zip::{Compression, ZipEntryBuilder};
    let mut z = ZipFileWriter::new(Vec::new());
    for (name, data) in files {
        let e = ZipEntryBuilder::new((*name).to_string().into(), Compression::Deflate);
        z.write_entry_whole(e, data)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    z.close().await.unwrap_or_else(|e| panic!("{e}"))
}

/// A zip whose one entry inflates past the size its central directory declares.
async fn lying_zip() -> Vec<u8> {
    let mut z = zip(&[("fw/bomb.bin", &vec![0u8; 1 << 20])]).await;
    let at = z
        .windows(4)
        .rposition(|w| w == b"PK\x01\x02")
        .unwrap_or_else(|| panic!("no central directory"));
    // Uncompressed size: offset 24 of a central directory header.
    z[at + 24..at + 28].copy_from_slice(&64u32.to_le_bytes());
    z
}

async fn upload(hub: &TestHub, token: &str, area: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let path = format!("{BASE}/{area}/archives");
    let headers = [("Content-Type", "application/octet-stream")];
    hub.send_bytes(reqwest::Method::POST, token, &path, &headers, body)
        .await
}

/// A tar header block named `name` as written (no normalising), of `kind` and `size`, with its
/// checksum.
fn raw_header(name: &str, kind: tar::EntryType, size: u64) -> Vec<u8> {
    let mut h = tar::Header::new_ustar();
    h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(0o644);
    h.set_cksum();
    h.as_bytes().to_vec()
}

/// `tar -C dir -cf x.tar .`: the folder itself (`./`) first, then `./fw/dot.bin`.
fn dot_tar() -> Vec<u8> {
    let mut t = raw_header("./", tar::EntryType::Directory, 0);
    t.extend(raw_header("./fw/dot.bin", tar::EntryType::Regular, 3));
    t.extend(b"dot");
    t.extend(vec![0u8; 509 + 1024]);
    t
}

/// A few hundred bytes of zip whose Zip64 end record claims 2^36 entries.
fn zip64_count_bomb() -> Vec<u8> {
    let mut z = b"PK\x03\x04".to_vec();
    z.extend([0u8; 26]);
    let at = z.len() as u64;
    z.extend(b"PK\x06\x06");
    z.extend(44u64.to_le_bytes());
    z.extend([45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    z.extend((1u64 << 36).to_le_bytes());
    z.extend((1u64 << 36).to_le_bytes());
    z.extend(46u64.to_le_bytes());
    z.extend(0u64.to_le_bytes());
    z.extend(b"PK\x06\x07");
    z.extend(0u32.to_le_bytes());
    z.extend(at.to_le_bytes());
    z.extend(1u32.to_le_bytes());
    z.extend(b"PK\x05\x06");
    z.extend([0xff; 8]);
    z.extend([0xff; 8]);
    z.extend([0, 0]);
    z
}

fn paths(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["path"].as_str().map(String::from))
        .collect()
}

/// The status line of a GET of `path` exactly as written.
async fn raw_get(port: u16, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let req = format!("GET {path} HTTP/1.1\r\nHost: phone\r\nConnection: close\r\n\r\n");
    tcp.write_all(req.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    let _ = tcp.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).chars().take(12).collect()
}

fn firmware() -> Vec<u8> {
    (0..300_000u32).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn vnt_1_wpl_1_archives_unpacked_served_with_ranges_and_refused_when_dangerous() {
    let hub = TestHub::start().await;
    let token = hub.admin_token.clone();
    let fw = firmware();
    let (s, v) = upload(
        &hub,
        &token,
        "vantage",
        tar(&[("./fw/K1xx_2.1.bin", &fw), ("apps/dialer.apk", b"apk")]),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v, json!({"files": 2, "replaced": 0}));
    let (s, v) = upload(
        &hub,
        &token,
        "workplace",
        zip(&[("win/Setup.msi", b"msi"), ("appcast.xml", b"<rss/>")]).await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // The same path again replaces the file.
    let (_, v) = upload(
        &hub,
        &token,
        "vantage",
        tar(&[("apps/dialer.apk", b"apk2")]),
    )
    .await;
    assert_eq!(v, json!({"files": 1, "replaced": 1}));
    let (_, v) = hub.get(&token, &format!("{BASE}/vantage/files")).await;
    assert_eq!(paths(&v), ["apps/dialer.apk", "fw/K1xx_2.1.bin"]);
    let (_, w) = hub.get(&token, &format!("{BASE}/workplace/files")).await;
    assert_eq!(paths(&w), ["appcast.xml", "win/Setup.msi"]);

    // Dangerous or wrong archives: refused, nothing stored.
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    let mut b = tar::Builder::new(Vec::new());
    b.append_link(&mut link, "fw/evil", "/etc/passwd")
        .unwrap_or_else(|e| panic!("{e}"));
    let symlink = b.into_inner().unwrap_or_default();
    let mut traversal = tar(&[("aaaaaaaaaaaaaaaaaaaaaaaa.bin", b"x")]);
    traversal[..24].copy_from_slice(b"../../../../escaped.bin\0");
    // The header's checksum, recomputed over the changed name.
    let sum: u32 = traversal[..512]
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(*b)
            }
        })
        .sum();
    traversal[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let cases = [
        ("symlink", symlink, "link"),
        ("traversal", traversal, "escaped.bin"),
        ("bomb", lying_zip().await, "bytes"),
        ("not an archive", b"MZ just an exe".to_vec(), "archive"),
        ("zip64 count", zip64_count_bomb(), "10000"),
        ("bad name", zip(&[("sp ace.bin", b"x")]).await, "sp ace.bin"),
    ];
    for (tag, body, want) in cases {
        let (s, v) = upload(&hub, &token, "vantage", body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{tag}: {v}");
        let text = v["errors"][0]["description"].as_str().unwrap_or("");
        assert!(text.contains(want), "{tag}: {v}");
    }
    let (_, v) = hub.get(&token, &format!("{BASE}/vantage/files")).await;
    assert_eq!(paths(&v).len(), 2, "{v}");
    // An archive of a folder made with `tar -C dir -cf x.tar .` is taken, `./` and all.
    let (s, v) = upload(&hub, &token, "vantage", dot_tar()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["files"], 1, "{v}");
    assert!(!hub
        .running
        .state
        .config
        .data_dir
        .join("tmp")
        .read_dir()
        .map(|mut d| d.next().is_some())
        .unwrap_or(false));

    // The phone file server: plain HTTP and HTTPS on one port.
    let port = hub
        .running
        .phone_files_addr
        .map(|a| a.port())
        .unwrap_or_else(|| panic!("no phone file server"));
    let plain = reqwest::Client::new();
    let http = format!("http://127.0.0.1:{port}");
    let r = plain
        .get(format!("{http}/vantage/fw/K1xx_2.1.bin"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[header::ACCEPT_RANGES], "bytes");
    let modified = r.headers()[header::LAST_MODIFIED]
        .to_str()
        .unwrap_or("")
        .to_string();
    assert_eq!(r.bytes().await.unwrap_or_default().as_ref(), &fw[..]);
    // A download resumed: bytes 1000 to the end, then a middle range.
    let r = plain
        .get(format!("{http}/vantage/fw/K1xx_2.1.bin"))
        .header(header::RANGE, "bytes=1000-")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        r.headers()[header::CONTENT_RANGE],
        format!("bytes 1000-{}/{}", fw.len() - 1, fw.len()).as_str()
    );
    assert_eq!(r.bytes().await.unwrap_or_default().as_ref(), &fw[1000..]);
    let r = plain
        .get(format!("{http}/vantage/fw/K1xx_2.1.bin"))
        .header(header::RANGE, "bytes=10-19")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.bytes().await.unwrap_or_default().as_ref(), &fw[10..20]);
    let r = plain
        .get(format!("{http}/vantage/fw/K1xx_2.1.bin"))
        .header(header::RANGE, format!("bytes={}-", fw.len()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    // Unchanged since the phone's copy: 304, no body.
    let r = plain
        .get(format!("{http}/vantage/fw/K1xx_2.1.bin"))
        .header(header::IF_MODIFIED_SINCE, modified.as_str())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = plain
        .head(format!("{http}/vantage/fw/K1xx_2.1.bin"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()[header::CONTENT_LENGTH],
        fw.len().to_string().as_str()
    );
    let etag = r.headers()[header::ETAG].to_str().unwrap_or("").to_string();
    for tag in [
        etag.clone(),
        format!("W/{etag}"),
        "\"other\", *".to_string(),
    ] {
        let r = plain
            .get(format!("{http}/vantage/fw/K1xx_2.1.bin"))
            .header(header::IF_NONE_MATCH, tag.as_str())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "{tag}");
    }
    let r = plain
        .get(format!("{http}/vantage/fw/K1xx_2.1.bin"))
        .header(header::IF_NONE_MATCH, "\"other\"")
        .header(header::IF_MODIFIED_SINCE, modified.as_str())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "If-None-Match decides over If-Modified-Since"
    );
    // If-Range with another version's tag: the whole file, not a slice of a different one.
    let r = plain
        .get(format!("{http}/vantage/fw/K1xx_2.1.bin"))
        .header(header::RANGE, "bytes=0-9")
        .header(header::IF_RANGE, "\"older\"")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::OK);
    let r = plain
        .get(format!("{http}/vantage/fw/K1xx_2.1.bin"))
        .header(header::IF_MODIFIED_SINCE, "Thu, 01 Jan 2015 00:00:00 GMT")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::OK);
    // HTTPS on the same port, the hub's certificate.
    let r = hub
        .client()
        .get(format!("https://localhost:{port}/workplace/appcast.xml"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap_or_default(), "<rss/>");
    // Outside the folders, unknown, or not GET/HEAD.
    // Sent as is (a client library would resolve the dots first).
    for path in [
        "/vantage/../workplace/appcast.xml",
        "/vantage/fw/../../workplace/appcast.xml",
        "/../etc/passwd",
    ] {
        assert_eq!(raw_get(port, path).await, "HTTP/1.1 404", "{path}");
    }
    for path in [
        "/vantage/%2e%2e/secret",
        "/vantage/missing.bin",
        "/vantage//fw/K1xx_2.1.bin",
        "/other/appcast.xml",
        "/",
        "/v1/operations/phone-files/vantage/files",
    ] {
        let r = plain
            .get(format!("{http}{path}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let r = plain
        .delete(format!("{http}/vantage/fw/K1xx_2.1.bin"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);

    // Download two as one zip, then delete one (all or nothing).
    let ids: Vec<String> = hub
        .store()
        .phone_files(Area::Vantage)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|f| f.id)
        .collect();
    let r = hub
        .post(
            &token,
            &format!("{BASE}/vantage/files/actions/download/invoke"),
            json!({"fileIds": ids}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let z = r.bytes().await.unwrap_or_default();
    assert!(z.starts_with(b"PK"));
    assert!(z.windows(15).any(|w| w == b"fw/K1xx_2.1.bin"));
    let del = |ids: Value| {
        let (hub, token) = (&hub, &token);
        async move {
            hub.post(
                token,
                &format!("{BASE}/vantage/files/actions/delete/invoke"),
                json!({"fileIds": ids}),
            )
            .await
            .status()
        }
    };
    assert_eq!(del(json!([ids[0], "nope"])).await, StatusCode::NOT_FOUND);
    assert_eq!(del(json!([ids[0]])).await, StatusCode::NO_CONTENT);
    let (_, v) = hub.get(&token, &format!("{BASE}/vantage/files")).await;
    assert_eq!(paths(&v), ["fw/K1xx_2.1.bin", "fw/dot.bin"]);
    // Unknown folder: 404; an Operator: 403.
    assert_eq!(
        hub.get(&token, &format!("{BASE}/other/files")).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, op) = hub.account("phf-op", Role::Operator).await;
    assert_eq!(
        hub.get(&op, &format!("{BASE}/vantage/files")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        upload(&hub, &op, "vantage", tar(&[("a.bin", b"x")]))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    hub.stop().await;
}

#[tokio::test]
async fn vnt_1_the_console_uploads_lists_and_deletes_behind_a_confirmation() {
    let hub = TestHub::start().await;
    let b = admin_browser(&hub, "phf-admin").await;
    let page = "/com/phone-files/workplace";
    let (s, html, _) = b.get(page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"menu-vantage\"") && html.contains("/workplace/"));
    let csrf = hidden(&html, "csrf").unwrap_or_default();
    let send = |name: &'static str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        );
        b.client
            .post(hub.url(&format!("{page}/upload?csrf={csrf}")))
            .multipart(form)
            .send()
    };
    let r = send("bad.tar", b"not an archive at all".to_vec())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap_or_default();
    assert!(html.contains("aria-invalid=\"true\""), "{html}");
    let r = send(
        "client.zip",
        zip(&[("mac/Workplace.dmg", b"dmg"), ("appcast.xml", b"<rss/>")]).await,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html, _) = b.get(&format!("{page}?done=uploaded")).await;
    assert!(html.contains("mac/Workplace.dmg") && html.contains("id=\"notice\""));
    let ids: Vec<String> = hub
        .store()
        .phone_files(Area::Workplace)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|f| f.id)
        .collect();
    let (s, html, _) = b
        .submit(page, &format!("{page}/delete"), &[("id", ids[0].as_str())])
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"confirm-delete\""));
    let (s, _, _) = b
        .submit(
            page,
            &format!("{page}/delete"),
            &[("id", ids[0].as_str()), ("confirm", "on")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(
        hub.store()
            .phone_files(Area::Workplace)
            .await
            .unwrap_or_default()
            .len(),
        1
    );
    let (_, op) = staff(&hub, "phf-op2", Role::Operator).await;
    assert_eq!(op.get(page).await.0, StatusCode::FORBIDDEN);
    hub.stop().await;
}

#[tokio::test]
async fn vnt_1_a_taken_port_keeps_the_hub_up_and_says_why() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let addr = taken.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let hub = TestHub::start_with(|c| c.phone_files_listen = Some(addr)).await;
    assert!(hub.running.phone_files_addr.is_none());
    let b = admin_browser(&hub, "phf-down").await;
    let (s, html, _) = b.get("/com/phone-files/vantage").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("id=\"phone-files-down\"") && html.contains(&addr.to_string()),
        "{html}"
    );
    drop(taken);
    hub.stop().await;
}
