//! WGO-4: mobile lines in bulk from a CSV file, through the API and the console. The file is
//! checked as a whole before anything is queued; then each row succeeds or fails on its own with
//! its reasons, a row is never half applied, and the result file has every row's outcome.

use crate::calling_api::{add_numbers, ok, org, s, Org, Who, PEOPLE};
use crate::common::*;
use crate::fixtures::admin_browser;
use futures_util::StreamExt;
use patchbay_domain::mobile_bulk::{template_header, ImportStatus};
use patchbay_domain::{CustomerId, MobileImportId};
use patchbay_store::calling::mobile_imports::NewImport;
use reqwest::StatusCode;
use serde_json::{json, Value};

const BULK: &str = "/v1/telephony/config/mobileLines/bulk";
const SUB: &str = "Sub-bulk-1";

/// An organisation with `people` professional people in its French location (no number, no
/// extension), `numbers` free numbers and a mobile subscription of 5,000 lines. Returns the
/// numbers.
async fn org_with_people(
    a: &Who<'_>,
    label: &str,
    series: u32,
    people: usize,
) -> (Org, Vec<String>) {
    let o = org(a, label).await;
    let path = format!("/v1/operations/customers/{}/licenses", o.id);
    ok(a.put(
        &path,
        json!({"professional": people + 10, "mobileSubscriptions": {SUB: 5000}}),
    )
    .await);
    let numbers: Vec<String> = (0..people)
        .map(|i| format!("+331555{series:02}{i:04}"))
        .collect();
    assert_eq!(
        add_numbers(a, &o.loc, json!({ "phoneNumbers": numbers })).await,
        StatusCode::CREATED
    );
    let made: Vec<(StatusCode, Value)> = futures_util::stream::iter(0..people)
        .map(|i| {
            let b = crate::calling_api::person_body(
                &o,
                &format!("p{i:04}@{label}.test"),
                &format!("Pe{i:04}"),
                "Bulk",
            );
            async move { a.post(PEOPLE, b).await }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    for (st, v) in made {
        assert_eq!(st, StatusCode::OK, "{v}");
    }
    (o, numbers)
}

fn csv_of(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(template_header(&[SUB.to_string()]))
        .unwrap_or_else(|e| panic!("{e}"));
    for r in rows {
        w.write_record(r).unwrap_or_else(|e| panic!("{e}"));
    }
    w.into_inner().unwrap_or_else(|e| panic!("{e}"))
}

/// A good row: the person, their number-to-be, TRUE.
fn row(user: &str, number: &str) -> Vec<String> {
    [
        user,
        "USER",
        "",
        number,
        "WEBEX_CALLING",
        "Webex Go Device",
        "",
        "HQ",
        "TRUE",
    ]
    .map(str::to_string)
    .to_vec()
}

async fn upload(a: &Who<'_>, o: &Org, query: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let path = o.q(&format!("{BULK}?{query}"));
    let headers = [("Content-Type", "text/csv")];
    a.0.send_bytes(reqwest::Method::POST, &a.1, &path, &headers, body)
        .await
}

/// Poll the import until it is finished (two minutes at most).
async fn finished(a: &Who<'_>, o: &Org, id: &str) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let v = ok(a.get(&o.q(&format!("{BULK}/{id}"))).await);
        if v["status"] == "done" || v["status"] == "failed" {
            return v;
        }
        assert!(std::time::Instant::now() < deadline, "not finished: {v}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// The result file, parsed (header first).
async fn results(a: &Who<'_>, o: &Org, id: &str) -> Vec<Vec<String>> {
    let r =
        a.0.client()
            .get(a.0.url(&o.q(&format!("{BULK}/{id}/results?language=en"))))
            .bearer_auth(&a.1)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::OK);
    let ct = r.headers()["content-type"]
        .to_str()
        .unwrap_or("")
        .to_string();
    assert!(ct.starts_with("text/csv"), "{ct}");
    let body = r.bytes().await.unwrap_or_default();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&body[..])
        .records()
        .map(|r| {
            r.unwrap_or_else(|e| panic!("{e}"))
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn wgo_4_a_file_of_1000_rows_with_100_bad_ones_adds_900_lines_and_gives_100_reasons() {
    let hub = TestHub::start().await;
    let a = Who(&hub, hub.admin_token.clone());
    let (o, numbers) = org_with_people(&a, "bulk1k", 10, 1000).await;
    let mut rows = Vec::new();
    let mut bad = 0;
    for i in 0..1000usize {
        let user = format!("p{i:04}@bulk1k.test");
        let mut r = row(&user, &numbers[i]);
        if i % 10 == 9 {
            bad += 1;
            match (i / 10) % 6 {
                0 => r[0] = format!("ghost{i}@bulk1k.test"),
                1 => r[5] = "Yealink T54W".into(),
                2 => r[6] = "00:11:22:33:44:55".into(),
                3 => r[8] = "FALSE".into(),
                4 => r[2] = "9999".into(),
                // Looks right, but its number went to row 0's person: refused in the
                // transaction, after the device was inserted — nothing of it may remain.
                _ => r[3] = numbers[0].clone(),
            }
        }
        rows.push(r);
    }
    assert_eq!(bad, 100);
    let (st, v) = upload(&a, &o, "emailActivationCodes=false", csv_of(&rows)).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{v}");
    assert_eq!(v["totalRows"], 1000, "{v}");
    let id = s(&v, "id");
    let done = finished(&a, &o, &id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["doneRows"], 1000, "{done}");
    assert_eq!(done["succeededRows"], 900, "{done}");
    assert_eq!(done["failedRows"], 100, "{done}");
    // Exactly 900 lines and 900 units; nothing of a refused row.
    let lines = ok(a.get(&o.q("/v1/telephony/config/mobileLines")).await);
    assert_eq!(lines["items"].as_array().map(Vec::len), Some(900));
    let subs = ok(a
        .get(&o.q("/v1/telephony/config/mobileSubscriptions"))
        .await);
    assert_eq!(subs["items"][0]["consumedUnits"], 900, "{subs}");
    let taken = lines["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["email"].as_str().is_some_and(|e| e.starts_with("p0009@")))
        .count();
    assert_eq!(taken, 0, "row 10 (a ghost) made nothing");
    // The result file: a header and one row per row, 900 added with a code each, 100 refused
    // with their reasons in the columns at fault.
    let file = results(&a, &o, &id).await;
    assert_eq!(file.len(), 1001);
    assert_eq!(file[0][0], "Line");
    let added: Vec<&Vec<String>> = file[1..].iter().filter(|r| r[2] == "Added").collect();
    let refused: Vec<&Vec<String>> = file[1..].iter().filter(|r| r[2] == "Refused").collect();
    assert_eq!((added.len(), refused.len()), (900, 100));
    assert!(added
        .iter()
        .all(|r| r[4].len() == 19 && r[4].replace(' ', "").bytes().all(|b| b.is_ascii_digit())));
    assert!(refused.iter().all(|r| !r[3].is_empty() && r[4].is_empty()));
    // Row i is the file's line i + 2 (the header is line 1), and the result file's row i + 1.
    let reason = |i: usize| {
        assert_eq!(file[i + 1][0], (i + 2).to_string());
        file[i + 1][3].clone()
    };
    assert!(reason(9).starts_with("User Name:"), "{}", reason(9));
    assert!(reason(19).starts_with("Model:"), "{}", reason(19));
    assert!(reason(29).starts_with("MAC Address:"), "{}", reason(29));
    assert!(
        reason(39).contains("exactly one subscription"),
        "{}",
        reason(39)
    );
    assert!(
        reason(49).starts_with("Extension:") && reason(49).contains('—'),
        "{}",
        reason(49)
    );
    assert!(reason(59).starts_with("Phone Number:"), "{}", reason(59));
    // A code from the file activates its line.
    let code = added[0][4].clone();
    let r = hub
        .client()
        .post(hub.url("/v1/activation"))
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::OK);
    // The same file again: every row refused (each person has a line now), nothing added.
    let (st, v) = upload(&a, &o, "emailActivationCodes=false", csv_of(&rows[..50])).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{v}");
    let again = finished(&a, &o, &s(&v, "id")).await;
    assert_eq!(again["succeededRows"], 0, "{again}");
    assert_eq!(again["failedRows"], 50, "{again}");
    let file = results(&a, &o, &s(&v, "id")).await;
    assert!(
        file[2][3].contains("already has a mobile line"),
        "{:?}",
        file[2]
    );
    hub.stop().await;
}

#[tokio::test]
async fn wgo_4_a_file_the_hub_cannot_map_is_refused_as_a_whole() {
    let hub = TestHub::start().await;
    let a = Who(&hub, hub.admin_token.clone());
    let (o, numbers) = org_with_people(&a, "bulkhdr", 11, 2).await;
    let good = vec![row("p0000@bulkhdr.test", &numbers[0])];
    let refused = |(st, v): (StatusCode, Value), text: &str| {
        assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
        let all = descriptions(&v).join(" ");
        assert!(all.starts_with("file: "), "{all}");
        assert!(all.contains(text), "{text} not in {all}");
    };
    // A column missing.
    let text = String::from_utf8(csv_of(&good)).unwrap_or_default();
    let no_phone = text.replacen("Phone Number,", "", 1);
    refused(
        upload(&a, &o, "", no_phone.into_bytes()).await,
        "column Phone Number is missing",
    );
    // A subscription the organisation does not have.
    let other = text.replacen(SUB, "Sub-other", 1);
    refused(
        upload(&a, &o, "", other.into_bytes()).await,
        "no mobile subscription Sub-other",
    );
    // Not UTF-8, a header alone, nothing.
    let mut latin = text.clone().into_bytes();
    latin.extend_from_slice(b"p0001@bulkhdr.test,USER,,\xe9,,,,,TRUE\n");
    refused(upload(&a, &o, "", latin).await, "UTF-8 CSV at line 3");
    let header_only = text.lines().next().unwrap_or("").to_string();
    refused(
        upload(&a, &o, "", header_only.into_bytes()).await,
        "no rows below its header",
    );
    let (st, _) = upload(&a, &o, "", Vec::new()).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    // An option the API does not take is refused, not ignored.
    let (st, v) = upload(&a, &o, "emailCodes=true", csv_of(&good)).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    // Over 32 MiB: 413 before anything is queued.
    let mut big = csv_of(&good);
    big.resize(33 * 1024 * 1024, b'\n');
    let (st, _) = upload(&a, &o, "", big).await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);
    let list = ok(a.get(&o.q(BULK)).await);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0), "{list}");
    // Another customer's import is not found; a viewer cannot upload.
    let (o2, _) = org_with_people(&a, "bulkhdr2", 12, 1).await;
    let (st, v) = upload(&a, &o2, "", csv_of(&[row("x@bulkhdr2.test", "")])).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{v}");
    let (st, _) = a.get(&o.q(&format!("{BULK}/{}", s(&v, "id")))).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    hub.stop().await;
}

#[tokio::test]
async fn wgo_4_two_files_for_the_same_people_at_once_give_each_person_one_line() {
    let hub = TestHub::start().await;
    let a = Who(&hub, hub.admin_token.clone());
    let (o, numbers) = org_with_people(&a, "bulkpar", 13, 40).await;
    let rows: Vec<Vec<String>> = (0..40)
        .map(|i| row(&format!("p{i:04}@bulkpar.test"), &numbers[i]))
        .collect();
    let body = csv_of(&rows);
    let (x, y) = tokio::join!(
        upload(&a, &o, "emailActivationCodes=false", body.clone()),
        upload(&a, &o, "emailActivationCodes=false", body)
    );
    assert_eq!((x.0, y.0), (StatusCode::ACCEPTED, StatusCode::ACCEPTED));
    let (xi, yi) = (s(&x.1, "id"), s(&y.1, "id"));
    let (x, y) = tokio::join!(finished(&a, &o, &xi), finished(&a, &o, &yi));
    let added = x["succeededRows"].as_i64().unwrap_or(0) + y["succeededRows"].as_i64().unwrap_or(0);
    let refused = x["failedRows"].as_i64().unwrap_or(0) + y["failedRows"].as_i64().unwrap_or(0);
    assert_eq!((added, refused), (40, 40), "{x} {y}");
    let subs = ok(a
        .get(&o.q("/v1/telephony/config/mobileSubscriptions"))
        .await);
    assert_eq!(subs["items"][0]["consumedUnits"], 40, "{subs}");
    hub.stop().await;
}

#[tokio::test]
async fn wgo_4_an_import_is_held_by_one_node_and_taken_over_when_that_node_stops() {
    let hub = TestHub::start().await;
    let a = Who(&hub, hub.admin_token.clone());
    let (o, _) = org_with_people(&a, "bulknode", 14, 1).await;
    let store = hub.store();
    let customer = CustomerId(o.id.parse().unwrap_or_else(|e| panic!("{e}")));
    // An import queued by hand (no file behind it): node-a claims it. The hub's own runner
    // polls too; should it win the claim, it fails the import at once (no file), so another
    // one is queued.
    let meta = patchbay_store::AuditMeta::cli();
    let mut claimed = None;
    for _ in 0..3 {
        let new = NewImport {
            id: MobileImportId::new(),
            file_name: "by-hand.csv".into(),
            blob_key: "mobile-imports/none.csv".into(),
            total_rows: 1,
            email_codes: false,
            lang: "en".into(),
        };
        store
            .create_mobile_import(&meta, customer, &new)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let now = patchbay_store::now_ms();
        let got = store.claim_mobile_import("node-a", now - 60_000).await;
        if got.unwrap_or_else(|e| panic!("{e}")).is_some() {
            claimed = Some((new.id, now));
            break;
        }
    }
    let (id, now) = claimed.unwrap_or_else(|| panic!("node-a never claimed an import"));
    // Held by a live node: nobody else gets it.
    let second = store.claim_mobile_import("node-b", now - 60_000).await;
    assert!(second.unwrap_or_else(|e| panic!("{e}")).is_none());
    // Its holder silent since before `now + 1 s`: node-b takes it over, node-a has lost it.
    let taken = store.claim_mobile_import("node-b", now + 1_000).await;
    let taken = taken.unwrap_or_else(|e| panic!("{e}"));
    let taken = taken.unwrap_or_else(|| panic!("not taken over"));
    assert_eq!(taken.id, id);
    assert_eq!(taken.status, ImportStatus::Running);
    assert!(!store
        .renew_mobile_import(id, "node-a")
        .await
        .unwrap_or(true));
    assert!(store
        .renew_mobile_import(id, "node-b")
        .await
        .unwrap_or(false));
    // Only its holder finishes it; once its codes have expired, it is forgotten.
    let done = store
        .finish_mobile_import(id, "node-a", ImportStatus::Done, "")
        .await;
    assert!(!done.unwrap_or(true));
    let done = store
        .finish_mobile_import(id, "node-b", ImportStatus::Done, "")
        .await;
    assert!(done.unwrap_or(false));
    let kept = store.purge_mobile_imports(now - 1_000).await;
    assert_eq!(kept.unwrap_or(9), 0);
    let gone = store
        .purge_mobile_imports(patchbay_store::now_ms() + 1)
        .await;
    assert!(gone.unwrap_or(0) >= 1);
    assert!(store.mobile_import(None, id).await.is_err());
    hub.stop().await;
}

#[tokio::test]
async fn wgo_4_the_console_uploads_shows_progress_and_the_refused_rows() {
    let hub = TestHub::start().await;
    let a = Who(&hub, hub.admin_token.clone());
    let (o, numbers) = org_with_people(&a, "bulkcon", 15, 3).await;
    let b = admin_browser(&hub, "bulk-admin").await;
    let page = format!("/com/calling/mobile/bulk?org={}", o.id);
    let (st, html, _) = b.get(&page).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"bulk-template\""), "{html}");
    let (st, tpl, _) = b
        .get(&format!("/com/calling/mobile/bulk/template?org={}", o.id))
        .await;
    assert_eq!(st, StatusCode::OK, "{tpl}");
    assert!(tpl.contains(&format!("Webex Go [Sub-{SUB}]")), "{tpl}");
    let csrf = hidden(&html, "csrf").unwrap_or_default();
    let rows = vec![
        row("p0000@bulkcon.test", &numbers[0]),
        row("nobody@bulkcon.test", &numbers[1]),
    ];
    let send = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("emailCodes", "on")
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name("people.csv"),
            );
        b.client
            .post(hub.url(&format!(
                "/com/calling/mobile/bulk?csrf={csrf}&org={}",
                o.id
            )))
            .multipart(form)
            .send()
    };
    // A file the hub cannot map: the page again, the file field marked, nothing queued.
    let r = send(b"Colour\nred\n".to_vec())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap_or_default();
    assert!(
        html.contains("aria-invalid=\"true\"") && html.contains("Colour"),
        "{html}"
    );
    let r = send(csv_of(&rows)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap_or("").to_string();
    assert!(to.starts_with("/com/calling/mobile/bulk/"), "{to}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let html = loop {
        let (st, html, _) = b.get(&to).await;
        assert_eq!(st, StatusCode::OK);
        if html.contains("data-status=\"done\"") {
            break html;
        }
        // While it runs, the page refreshes itself (no script) and offers to stop it.
        assert!(html.contains("http-equiv=\"refresh\""), "{html}");
        assert!(std::time::Instant::now() < deadline, "{html}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert!(!html.contains("http-equiv=\"refresh\""));
    assert!(html.contains("<progress"), "{html}");
    assert!(html.contains("id=\"bulk-count-added\">1<"), "{html}");
    assert!(html.contains("nobody@bulkcon.test"), "{html}");
    // "E-mail activation codes" was asked, but this hub has no relay: the page says where the
    // codes are instead.
    assert!(html.contains("id=\"bulk-codes-note\""), "{html}");
    let (path, query) = to.split_once('?').unwrap_or((&to, ""));
    let (st, file, _) = b.get(&format!("{path}/results?{query}")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(file.contains("Added") && file.contains("Refused"), "{file}");
    // "E-mail activation codes" was asked, but this hub has no relay: the code is in the file.
    assert!(
        file.lines()
            .any(|l| l.contains("p0000@bulkcon.test") && l.matches(' ').count() >= 3),
        "{file}"
    );
    let (_, html, _) = b.get(&page).await;
    assert!(html.contains("people.csv"), "{html}");
    hub.stop().await;
}
