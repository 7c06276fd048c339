//! The API contract under hostile input (API-1): one text rule for every name field, paging
//! bounds, the Webex error shape on every error, and an OpenAPI document that describes what is
//! served. Runs on SQLite and, with PATCHBAY_TEST_DATABASE_URL, on PostgreSQL.

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A 400 in the Webex shape naming `field` (its description starts with "field:").
fn assert_field(status: StatusCode, v: &Value, field: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {v}");
    assert_eq!(v["errors"][0]["errorCode"], 4000, "{v}");
    let prefix = format!("{field}:");
    assert!(
        descriptions(v).iter().any(|d| d.starts_with(&prefix)),
        "no {field} error in {v}"
    );
}

async fn call(hub: &TestHub, m: Method, path: &str, body: Value) -> (StatusCode, Value) {
    let r = hub.api(&hub.admin_token, m, path, Some(body)).await;
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

const HOSTILE: [&str; 3] = ["nul\u{0}byte", "ansi\u{1b}[31mred", "line\nbreak"];

#[tokio::test]
async fn api_1_nul_and_control_characters_are_refused_in_every_name_field() {
    let hub = TestHub::start().await;
    let (s, v) = call(
        &hub,
        Method::POST,
        "/v1/operations/customers",
        json!({"name": "Text Rules", "customerId": "text-rules", "serviceUserName": "COMAdmin", "servicePassword": "Svc#Text-2026"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let org = v["id"].as_str().unwrap_or_default().to_string();
    for bad in HOSTILE {
        let (s, v) = call(
            &hub,
            Method::POST,
            "/v1/operations/customers",
            json!({"name": bad, "customerId": "bad-text", "serviceUserName": "COMAdmin", "servicePassword": "Svc#Text-2026"}),
        )
        .await;
        assert_field(s, &v, "name");
        let (s, v) = call(
            &hub,
            Method::PUT,
            &format!("/v1/operations/customers/{org}"),
            json!({"notes": format!("fine\nmulti-line {bad}"), "tags": ["ok"]}),
        )
        .await;
        if bad.contains('\n') && !bad.contains('\u{0}') && !bad.contains('\u{1b}') {
            assert_eq!(s, StatusCode::OK, "notes keep line breaks: {v}");
        } else {
            assert_field(s, &v, "notes");
        }
        let (s, v) = call(
            &hub,
            Method::PUT,
            &format!("/v1/operations/customers/{org}"),
            json!({"tags": [bad]}),
        )
        .await;
        assert_field(s, &v, "tags");
        let (s, v) = call(
            &hub,
            Method::POST,
            &format!("/v1/workspaces?orgId={org}"),
            json!({"displayName": bad}),
        )
        .await;
        assert_field(s, &v, "displayName");
        let mut account = account_body("textrule", "operator");
        account["firstName"] = json!(bad);
        let (s, v) = call(&hub, Method::POST, "/v1/operations/accounts", account).await;
        assert_field(s, &v, "firstName");
        let (s, v) = call(
            &hub,
            Method::POST,
            "/v1/operations/distributors",
            json!({"name": bad}),
        )
        .await;
        assert_field(s, &v, "name");
        let (s, v) = call(
            &hub,
            Method::PUT,
            "/v1/operations/preferences",
            json!({"systemName": bad}),
        )
        .await;
        assert_field(s, &v, "systemName");
    }
    // A NUL in the login form, before any authentication: refused like a wrong password.
    let b = Browser::new(&hub);
    let (s, html, _) = b.login("ad\u{0}min", "x\u{0}y", "en").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Invalid login name or password."), "{html}");
    hub.stop().await;
}
