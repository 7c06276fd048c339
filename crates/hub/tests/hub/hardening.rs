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

/// Every `(method, path)` of the served API document with its operation.
async fn operations(hub: &TestHub) -> (Value, Vec<(String, String, Value)>) {
    let (s, doc) = hub.get(&hub.admin_token, "/v1/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            ops.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    assert!(ops.len() > 60, "{} operations", ops.len());
    (doc, ops)
}

/// `path` with every `{param}` replaced by a well-formed id nothing has.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                uuid::Uuid::now_v7().to_string()
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn unknown_named(v: &Value, name: &str) -> bool {
    descriptions(v)
        .iter()
        .any(|d| d.starts_with(&format!("{name}:")) && d.contains("is not accepted here"))
}

#[tokio::test]
async fn api_1_openapi_describes_every_parameter_body_and_error() {
    let hub = TestHub::start().await;
    let (doc, ops) = operations(&hub).await;
    for (method, path, op) in &ops {
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let named =
            |name: &str, place: &str| params.iter().any(|p| p["name"] == name && p["in"] == place);
        for seg in path.split('/').filter(|s| s.starts_with('{')) {
            let name = seg.trim_matches(|c| c == '{' || c == '}');
            assert!(
                named(name, "path"),
                "{method} {path}: path parameter {name}"
            );
        }
        let ok = &op["responses"]["200"];
        if ok["headers"]["Link"].is_object() {
            assert!(
                named("max", "query") && named("start", "query"),
                "{method} {path}: a paged list documents max and start"
            );
        }
        // An unauthenticated operation (WGO-5's activation) declares no security and answers
        // neither 401 nor 403.
        let public = op["security"] == serde_json::json!([]);
        let codes: &[&str] = if public {
            assert!(
                op["responses"]["401"].is_null(),
                "{method} {path}: public, no 401"
            );
            &["400", "404", "429"]
        } else {
            &["400", "401", "403", "404", "429"]
        };
        for code in codes {
            assert_eq!(
                op["responses"][*code]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{method} {path}: {code}"
            );
        }
        let success = op["responses"]
            .as_object()
            .map(|r| r.keys().filter(|k| k.starts_with('2')).count())
            .unwrap_or(0);
        assert_eq!(success, 1, "{method} {path}: one documented success");
    }
    // Status codes as served: a password change answers 204, not 200.
    let pw = &doc["paths"]["/v1/me/password"]["put"]["responses"];
    assert!(pw["204"].is_object() && pw["200"].is_null(), "{pw}");
    // The preferences are camelCase, as the API speaks, and closed to unknown fields.
    let prefs = &doc["components"]["schemas"]["Preferences"]["properties"];
    assert!(prefs["sessionTimeoutMinutes"].is_object(), "{prefs}");
    assert!(prefs["session_timeout_minutes"].is_null(), "{prefs}");
    assert_eq!(
        doc["components"]["schemas"]["PreferencesUpdate"]["additionalProperties"],
        false
    );
    // Constraints come from the domain's limits.
    assert_eq!(
        doc["components"]["schemas"]["CustomerBody"]["properties"]["name"]["maxLength"],
        patchbay_domain::customer::NAME_MAX
    );
    hub.stop().await;
}

#[tokio::test]
async fn api_1_undeclared_query_parameters_and_body_fields_are_refused_on_every_operation() {
    let hub = TestHub::start().await;
    let (_, ops) = operations(&hub).await;
    // The few operations an Administrator may not use (RMT-2: proxy credentials are set by a
    // provider's staff) are tried as an Operator.
    let (_, operator) = hub
        .account("hardening-operator", patchbay_domain::Role::Operator)
        .await;
    // The mobile operators' API (MOB-1) is tried with an operator's own token.
    let made = hub
        .post(
            &hub.admin_token,
            "/v1/operations/mobileOperators",
            json!({"name": "Hardening Mobile"}),
        )
        .await;
    let made: Value = made.json().await.unwrap_or_default();
    let mobile_operator = made["token"].as_str().unwrap_or_default().to_string();
    for (method, path, op) in &ops {
        let m = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
        let token = if path.starts_with("/v1/operations/proxyAccounts/") && method == "PUT" {
            operator.as_str()
        } else if path.starts_with("/v1/mobileOperator/") {
            mobile_operator.as_str()
        } else {
            hub.admin_token.as_str()
        };
        // A filter the operation does not declare is a 400 naming it, never ignored.
        let r = hub
            .api(
                token,
                m.clone(),
                &format!("{}?zzFilter=1", concrete(path)),
                None,
            )
            .await;
        let s = r.status();
        let v: Value = r.json().await.unwrap_or_default();
        assert_eq!(s, StatusCode::BAD_REQUEST, "{method} {path}: {v}");
        // A HEAD answer has no body.
        assert!(
            method == "HEAD" || unknown_named(&v, "zzFilter"),
            "{method} {path}: {v}"
        );
        // Every documented query parameter is taken (whatever its value makes of the request).
        for p in op["parameters"].as_array().into_iter().flatten() {
            if p["in"] != "query" {
                continue;
            }
            let name = p["name"].as_str().unwrap_or_default();
            let schema = &p["schema"];
            let value = match (&schema["enum"], schema["type"].as_str()) {
                (Value::Array(e), _) if !e.is_empty() => e[0].as_str().unwrap_or("x").to_string(),
                (_, Some("integer")) => schema["minimum"].as_i64().unwrap_or(1).to_string(),
                (_, Some("boolean")) => "true".into(),
                _ => "x".into(),
            };
            let r = hub
                .api(
                    token,
                    m.clone(),
                    &format!("{}?{name}={value}", concrete(path)),
                    None,
                )
                .await;
            let v: Value = r.json().await.unwrap_or_default();
            assert!(!unknown_named(&v, name), "{method} {path} ?{name}: {v}");
        }
        // A body field the operation does not take is a 400 naming it.
        if op["requestBody"]["content"]["application/json"].is_object() {
            let r = hub
                .api(
                    token,
                    m.clone(),
                    &concrete(path),
                    Some(json!({"zzField": 1})),
                )
                .await;
            let s = r.status();
            let v: Value = r.json().await.unwrap_or_default();
            assert_eq!(s, StatusCode::BAD_REQUEST, "{method} {path}: {v}");
            assert!(unknown_named(&v, "zzField"), "{method} {path}: {v}");
        }
    }
    // A filter value outside what Webex documents is refused, not answered with every number
    // (the filters themselves are applied: calling_api::num_1_every_webex_number_filter_is_applied).
    for q in [
        "ownerType=ROBOT",
        "state=SLEEPING",
        "numberType=PAGER",
        "details=maybe",
    ] {
        let (s, v) = hub
            .get(
                &hub.admin_token,
                &format!("/v1/telephony/config/numbers?{q}"),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{q}: {v}");
    }
    hub.stop().await;
}

/// A refused request is audited even when what it names is hostile: the unknown field's name
/// (NUL and an escape sequence in it) reaches the record as U+FFFD, on PostgreSQL too, which
/// refuses NUL in text.
#[tokio::test]
async fn rbac_4_refusals_naming_control_characters_are_still_audited() {
    let hub = TestHub::start().await;
    let (s, v) = call(
        &hub,
        Method::POST,
        "/v1/operations/distributors",
        json!({"name": "Audited", "zz\u{0}\u{1b}field": 1}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = hub
        .get(
            &hub.admin_token,
            "/v1/operations/auditEvents?outcome=failure&max=50",
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let events = v["items"].as_array().cloned().unwrap_or_default();
    let refused = events
        .iter()
        .find(|e| e["targetId"] == "POST /v1/operations/distributors");
    let refused = refused.unwrap_or_else(|| panic!("no record of the refusal in {v}"));
    let detail = refused["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("zz\u{FFFD}\u{FFFD}field"), "{detail}");
    hub.stop().await;
}

#[tokio::test]
async fn api_1_paging_values_are_validated() {
    let hub = TestHub::start().await;
    for list in [
        "/v1/operations/customers",
        "/v1/operations/accounts",
        "/v1/operations/alarms",
        "/v1/operations/auditEvents",
    ] {
        for (q, field) in [
            ("max=-1", "max"),
            ("max=0", "max"),
            ("max=1000000000000", "max"),
            ("max=1001", "max"),
            ("start=-5", "start"),
            ("max=abc", "max"),
        ] {
            let (s, v) = hub.get(&hub.admin_token, &format!("{list}?{q}")).await;
            assert_field(s, &v, field);
        }
        for q in ["max=1", "max=1000", "start=0", "start=10&max=5"] {
            let (s, v) = hub.get(&hub.admin_token, &format!("{list}?{q}")).await;
            assert_eq!(s, StatusCode::OK, "{list}?{q}: {v}");
        }
    }
    hub.stop().await;
}

#[tokio::test]
async fn api_1_query_values_and_control_characters_get_field_errors() {
    let hub = TestHub::start().await;
    for q in [
        "/v1/operations/customers?search=%00",
        "/v1/people?displayName=%00",
        "/v1/operations/alarms?search=a%1B%5B31m",
    ] {
        let (s, v) = hub.get(&hub.admin_token, q).await;
        let field = q
            .split('?')
            .nth(1)
            .and_then(|p| p.split('=').next())
            .unwrap_or_default();
        assert_field(s, &v, field);
    }
    let (s, v) = hub
        .get(&hub.admin_token, "/v1/operations/alarms?ongoing=maybe")
        .await;
    assert_field(s, &v, "ongoing");
    hub.stop().await;
}

#[tokio::test]
async fn api_1_every_error_has_the_webex_shape() {
    let hub = TestHub::start().await;
    let webex = |v: &Value| {
        v["message"].is_string()
            && v["trackingId"].is_string()
            && v["errors"][0]["errorCode"].is_number()
    };
    // 405, with Allow.
    let r = hub
        .api(&hub.admin_token, Method::DELETE, "/v1/me", None)
        .await;
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.headers().get("allow").is_some());
    let v: Value = r.json().await.unwrap_or_default();
    assert!(webex(&v), "{v}");
    // 414.
    let long = format!("/v1/operations/customers?search={}", "a".repeat(20_000));
    let r = hub.api(&hub.admin_token, Method::GET, &long, None).await;
    assert_eq!(r.status(), StatusCode::URI_TOO_LONG);
    let v: Value = r.json().await.unwrap_or_default();
    assert!(webex(&v), "{v}");
    // 400 for a body that is not JSON.
    let r = hub
        .client()
        .post(hub.url("/v1/operations/customers"))
        .bearer_auth(&hub.admin_token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let v: Value = r.json().await.unwrap_or_default();
    assert!(webex(&v), "{v}");
    // 413 over HTTP/1.1 and HTTP/2, with a declared length and streamed.
    let big = vec![b'a'; 3 * 1024 * 1024];
    let pem = reqwest::Certificate::from_pem(&hub.cert_pem).unwrap_or_else(|e| panic!("{e}"));
    let h1 = reqwest::Client::builder()
        .add_root_certificate(pem.clone())
        .http1_only()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let h2 = reqwest::Client::builder()
        .add_root_certificate(pem)
        .http2_prior_knowledge()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    for (name, c) in [("HTTP/1.1", &h1), ("HTTP/2", &h2)] {
        for streamed in [false, true] {
            let body = if streamed {
                let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
                    big.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
                reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
            } else {
                reqwest::Body::from(big.clone())
            };
            let r = c
                .post(hub.url("/v1/operations/customers"))
                .bearer_auth(&hub.admin_token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{name} streamed={streamed}: {e}"));
            assert_eq!(
                r.status(),
                StatusCode::PAYLOAD_TOO_LARGE,
                "{name} {streamed}"
            );
            let v: Value = r.json().await.unwrap_or_default();
            assert!(webex(&v), "{name} streamed={streamed}: {v}");
        }
    }
    // In the caller's language too.
    let r = hub
        .client()
        .delete(hub.url("/v1/me"))
        .bearer_auth(&hub.admin_token)
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let v: Value = r.json().await.unwrap_or_default();
    assert_eq!(v["message"], "Méthode non autorisée", "{v}");
    hub.stop().await;
}

#[tokio::test]
async fn api_1_console_searches_with_control_characters_are_not_server_errors() {
    let hub = TestHub::start().await;
    let b = crate::fixtures::admin_browser(&hub, "nulsearch").await;
    for page in [
        "/com/customers?search=%00",
        "/com/alarms?search=%00",
        "/com/accounts?search=%00",
        "/com/calling/people?search=%00",
        "/com/calling/devices?search=%00",
        "/com/calling/workspaces?search=%00",
        "/com/calling/numbers?search=%00",
        "/com/customers?tag=%00&search=a%1B%5B31m",
    ] {
        let (s, html, _) = b.get(page).await;
        assert!(s.as_u16() < 500, "{page}: {s}");
        assert!(
            html.starts_with("<!doctype html>"),
            "{page}: a console page"
        );
    }
    // The login form before authentication, on both databases.
    let (s, html, _) = Browser::new(&hub).login("x\u{0}", "y", "en").await;
    assert_eq!(s, StatusCode::OK, "{html}");
    hub.stop().await;
}
