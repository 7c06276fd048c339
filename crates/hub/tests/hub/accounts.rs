//! `/v1/operations/accounts`, `/v1/me`, preferences and audit through the API.

use crate::common::*;
use crate::fixtures::update_preferences;
use patchbay_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ACCOUNTS: &str = "/v1/operations/accounts";

#[tokio::test]
async fn opr_1_account_fields_validated_with_field_level_errors() {
    let hub = TestHub::start().await;
    let t = hub.admin_token.clone();
    let bad = json!({
        "loginName": "far-too-long-login-name",
        "password": "short",
        "role": "operator",
        "firstName": "A".repeat(20),
        "lastName": "B".repeat(20),
        "phoneNumber": "+33 1 23",
        "mobile": "1234567890123456",
        "email": "not-an-email",
        "sessionTimeoutMinutes": 7,
        "kioskMode": true,
        "expiresOn": "2001-01-01"
    });
    let r = hub.post(&t, ACCOUNTS, bad).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap_or_default();
    assert!(body["trackingId"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(body["errors"][0]["errorCode"], 4000);
    let d = descriptions(&body).join("\n");
    for field in [
        "loginName",
        "lastName",
        "phoneNumber",
        "mobile",
        "email",
        "sessionTimeoutMinutes",
        "kioskMode",
        "expiresOn",
        "password",
    ] {
        assert!(
            d.contains(&format!("{field}:")),
            "no error for {field} in {d}"
        );
    }
    // Nothing was written.
    let (_, list) = hub.get(&t, ACCOUNTS).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    // Unknown fields and wrong types name the field.
    let r = hub
        .post(&t, ACCOUNTS, json!({"loginName": "x", "kioskMode": "yes"}))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap_or_default();
    assert!(descriptions(&body)[0].starts_with("kioskMode"), "{body}");
    hub.stop().await;
}

#[tokio::test]
async fn opr_1_create_get_update_delete_round_trip() {
    let hub = TestHub::start().await;
    let t = hub.admin_token.clone();
    let mut body = account_body("ana", "support");
    body["labels"] = json!(["north", "north", " east "]);
    body["phoneNumber"] = json!("0123456789");
    body["kioskMode"] = json!(true);
    let r = hub.post(&t, ACCOUNTS, body).await;
    assert_eq!(r.status(), StatusCode::OK);
    let a: Value = r.json().await.unwrap_or_default();
    assert!(
        a.get("password").is_none(),
        "password must never be returned"
    );
    assert_eq!(
        a["labels"],
        json!(["east", "north"]),
        "deduplicated, trimmed, sorted"
    );
    assert_eq!(
        a["readOnlyMode"], true,
        "Support starts in read-only mode (RBAC-2)"
    );
    assert_eq!(a["forcePasswordChange"], true);
    let expected_expiry =
        patchbay_domain::account::default_expiry(jiff::Zoned::now().date()).to_string();
    assert_eq!(
        a["expiresOn"],
        json!(expected_expiry),
        "expiry defaults to one year ahead"
    );
    let id = a["id"].as_str().unwrap_or_default().to_string();
    // Duplicate login, case-insensitively: 400 naming loginName.
    let r = hub
        .post(&t, ACCOUNTS, account_body("ANA", "operator"))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: Value = r.json().await.unwrap_or_default();
    assert!(
        descriptions(&e)[0].starts_with("loginName: is already in use"),
        "{e}"
    );
    // Update: switch read-only mode off, clear expiry.
    let r = hub
        .put(
            &t,
            &format!("{ACCOUNTS}/{id}"),
            json!({"readOnlyMode": false, "expiresOn": null}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let a: Value = r.json().await.unwrap_or_default();
    assert_eq!(
        (
            a["readOnlyMode"].clone(),
            a["expiresOn"].clone(),
            a["kioskMode"].clone()
        ),
        (json!(false), Value::Null, json!(true))
    );
    // Kiosk mode is refused when the role changes to one that cannot use it.
    let r = hub
        .put(&t, &format!("{ACCOUNTS}/{id}"), json!({"role": "operator"}))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Not found is 404, not 400; a malformed id is 404 too.
    let (s, _) = hub
        .get(
            &t,
            &format!("/v1/operations/accounts/{}", uuid::Uuid::now_v7()),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = hub.get(&t, "/v1/operations/accounts/not-a-uuid").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let r = hub.delete(&t, &format!("{ACCOUNTS}/{id}")).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (s, _) = hub.get(&t, &format!("{ACCOUNTS}/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    hub.stop().await;
}

#[tokio::test]
async fn opr_8_never_delete_own_account_nor_last_admin() {
    let hub = TestHub::start().await;
    let t = hub.admin_token.clone();
    let (_, me) = hub.get(&t, "/v1/me").await;
    let my_id = me["id"].as_str().unwrap_or_default().to_string();
    let r = hub.delete(&t, &format!("{ACCOUNTS}/{my_id}")).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = hub
        .put(
            &t,
            &format!("{ACCOUNTS}/{my_id}"),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // A second administrator cannot remove the last enabled one either.
    let (other, other_token) = hub.account("second", Role::Administrator).await;
    let r = hub
        .put(
            &other_token,
            &format!("{ACCOUNTS}/{my_id}"),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "two admins: one may be disabled"
    );
    let r = hub.api(&t, Method::GET, "/v1/me", None).await;
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "a disabled account's token stops working"
    );
    let r = hub
        .delete(&other_token, &format!("{ACCOUNTS}/{other}"))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    hub.stop().await;
}

#[tokio::test]
async fn opr_8_list_filter_search_sort_and_link_paging() {
    let hub = TestHub::start().await;
    let t = hub.admin_token.clone();
    for (login, role, label) in [
        ("bob", "operator", "north"),
        ("carl", "supervisor", "south"),
        ("dina", "operator", "south"),
        ("eve", "read-only", "north"),
    ] {
        let mut b = account_body(login, role);
        b["labels"] = json!([label]);
        b["email"] = json!(format!("{login}@corp.example"));
        let r = hub.post(&t, ACCOUNTS, b).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let names = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|i| i["loginName"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let (_, v) = hub
        .get(
            &t,
            "/v1/operations/accounts?role=operator&sortBy=loginName&sortOrder=desc",
        )
        .await;
    assert_eq!(names(&v), ["dina", "bob"]);
    let (_, v) = hub
        .get(
            &t,
            "/v1/operations/accounts?label=south&search=CORP.EXAMPLE",
        )
        .await;
    assert_eq!(names(&v).len(), 2);
    let (_, v) = hub.get(&t, "/v1/operations/accounts?search=nort").await;
    assert_eq!(names(&v).len(), 2, "search covers labels");
    let (s, v) = hub.get(&t, "/v1/operations/accounts?sortBy=password").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(descriptions(&v)[0].starts_with("sortBy"));
    // Paging: max=2 over 5 accounts, following absolute Link rel="next" headers.
    let mut url = hub.url("/v1/operations/accounts?max=2&sortBy=loginName");
    let mut seen = Vec::new();
    for _ in 0..5 {
        let r = hub
            .client()
            .get(&url)
            .bearer_auth(&t)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let link = r
            .headers()
            .get("link")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        let v: Value = r.json().await.unwrap_or_default();
        seen.extend(names(&v));
        let Some(link) = link else { break };
        assert!(
            link.starts_with("<https://localhost:") && link.ends_with(">; rel=\"next\""),
            "{link}"
        );
        url = link
            .trim_start_matches('<')
            .split('>')
            .next()
            .unwrap_or_default()
            .to_string();
    }
    assert_eq!(seen, ["admin", "bob", "carl", "dina", "eve"]);
    hub.stop().await;
}

#[tokio::test]
async fn opr_9_supervisor_manages_only_its_operators_with_its_labels() {
    let hub = TestHub::start().await;
    let (_, sup) = hub
        .account_with("sup", Role::Supervisor, |f| f.labels = vec!["north".into()])
        .await;
    // Operators only.
    let r = hub
        .post(&sup, ACCOUNTS, account_body("boss", "administrator"))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Only its own labels.
    let mut b = account_body("op-a", "operator");
    b["labels"] = json!(["south"]);
    let r = hub.post(&sup, ACCOUNTS, b.clone()).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    b["labels"] = json!(["north"]);
    let r = hub.post(&sup, ACCOUNTS, b).await;
    assert_eq!(r.status(), StatusCode::OK);
    let mine: Value = r.json().await.unwrap_or_default();
    // An Operator the administrator created is invisible to the Supervisor.
    let r = hub
        .post(&hub.admin_token, ACCOUNTS, account_body("op-b", "operator"))
        .await;
    let theirs: Value = r.json().await.unwrap_or_default();
    let (_, list) = hub.get(&sup, ACCOUNTS).await;
    let logins: Vec<_> = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| i["loginName"].clone())
        .collect();
    assert_eq!(logins, [json!("op-a")]);
    let (s, _) = hub
        .get(
            &sup,
            &format!(
                "/v1/operations/accounts/{}",
                theirs["id"].as_str().unwrap_or("")
            ),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let r = hub
        .delete(
            &sup,
            &format!(
                "/v1/operations/accounts/{}",
                theirs["id"].as_str().unwrap_or("")
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Its own operator: edit and delete.
    let id = mine["id"].as_str().unwrap_or("");
    let r = hub
        .put(
            &sup,
            &format!("{ACCOUNTS}/{id}"),
            json!({"firstName": "Zoe"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = hub
        .put(
            &sup,
            &format!("{ACCOUNTS}/{id}"),
            json!({"role": "supervisor"}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "no promotion beyond Operator"
    );
    // RBAC-5: only customer administrators carry a customer, and nobody becomes one by a role change.
    let mut b = account_body("op-c", "operator");
    b["customerId"] = json!(uuid::Uuid::now_v7().to_string());
    let r = hub.post(&sup, ACCOUNTS, b).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = hub
        .put(
            &hub.admin_token,
            &format!("{ACCOUNTS}/{id}"),
            json!({"role": "customer-admin"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = hub.delete(&sup, &format!("{ACCOUNTS}/{id}")).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    hub.stop().await;
}

#[tokio::test]
async fn opr_2_password_policy_and_history() {
    let hub = TestHub::start().await;
    let (_, t) = hub.account("pat", Role::Operator).await;
    let change = |old: &str, new: &str| json!({"oldPassword": old, "newPassword": new});
    let r = hub
        .put(
            &t,
            "/v1/me/password",
            change("wrong-Password1", "Another#Pass9"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let v: Value = r.json().await.unwrap_or_default();
    assert!(descriptions(&v)[0].starts_with("oldPassword"));
    for weak in ["short1A", "alllowercaseletters", &"Aa1".repeat(11)] {
        let r = hub.put(&t, "/v1/me/password", change(PASSWORD, weak)).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{weak}");
    }
    // The current password is in the history: refused.
    let r = hub
        .put(&t, "/v1/me/password", change(PASSWORD, PASSWORD))
        .await;
    let v: Value = r.json().await.unwrap_or_default();
    assert!(descriptions(&v)[0].contains("last 5 passwords"), "{v}");
    let r = hub
        .put(&t, "/v1/me/password", change(PASSWORD, "Second#Pass22"))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = hub
        .put(&t, "/v1/me/password", change("Second#Pass22", PASSWORD))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "going back to a previous password is refused"
    );
    // With history 0 (PRF-2) the old one is accepted again — except the current one.
    let r = update_preferences(&hub, |p| p["passwordHistoryCount"] = json!(0)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = hub
        .put(&t, "/v1/me/password", change("Second#Pass22", PASSWORD))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // Stored as argon2id only.
    let hash = hub
        .store()
        .password_hash(
            hub.get(&t, "/v1/me").await.1["id"]
                .as_str()
                .unwrap_or("")
                .parse()
                .unwrap_or_default(),
        )
        .await
        .unwrap_or_default();
    assert!(hash.starts_with("$argon2id$"));
    hub.stop().await;
}

#[tokio::test]
async fn opr_7_avatar_type_and_size_checked() {
    let hub = TestHub::start().await;
    let t = hub.admin_token.clone();
    let put = |body: Vec<u8>| {
        let c = hub.client();
        let url = hub.url("/v1/me/avatar");
        let t = t.clone();
        async move {
            c.put(url)
                .bearer_auth(t)
                .body(body)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
        }
    };
    let r = put(b"<svg onload=alert(1)></svg>".to_vec()).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = put(vec![0x89; 300 * 1024]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // A real 1×1 PNG.
    let png = base64_decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
    let r = put(png.clone()).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = hub.api(&t, Method::GET, "/v1/me/avatar", None).await;
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/png")
    );
    assert_eq!(r.bytes().await.map(|b| b.to_vec()).unwrap_or_default(), png);
    hub.stop().await;
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .unwrap_or_default()
}

#[tokio::test]
async fn prf_preferences_validated_sanitised_and_applied() {
    let hub = TestHub::start().await;
    let t = hub.admin_token.clone();
    let (s, mut p) = hub.get(&t, "/v1/operations/preferences").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (
            p["sessionTimeoutMinutes"].clone(),
            p["logRetentionDays"].clone(),
            p["logLevel"].clone()
        ),
        (json!(15), json!(30), json!("INFO"))
    );
    p["systemName"] = json!("x".repeat(33));
    p["sessionTimeoutMinutes"] = json!(12);
    let r = hub.put(&t, "/v1/operations/preferences", p.clone()).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let v: Value = r.json().await.unwrap_or_default();
    let d = descriptions(&v).join("|");
    assert!(
        d.contains("systemName") && d.contains("sessionTimeoutMinutes"),
        "{d}"
    );
    p["systemName"] = json!("Lab hub");
    p["sessionTimeoutMinutes"] = json!(20);
    p["logLevel"] = json!("DEBUG");
    p["securityBanner"] = json!({"enabled": true, "title": "Notice", "description": "<h2>Private</h2><script>alert(1)</script><p onclick='x'>Authorised <b>only</b></p>"});
    let r = hub.put(&t, "/v1/operations/preferences", p).await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = r.json().await.unwrap_or_default();
    assert_eq!(
        saved["securityBanner"]["description"],
        json!("<h2>Private</h2><p>Authorised <b>only</b></p>")
    );
    let (_, again) = hub.get(&t, "/v1/operations/preferences").await;
    assert_eq!(again, saved);
    // The banner shows on the login page, sanitised (PRF-6).
    let b = Browser::new(&hub);
    let (_, html, _) = b.get("/com/login").await;
    assert!(
        html.contains("<h2>Private</h2><p>Authorised <b>only</b></p>")
            && !html.contains("<script>alert")
    );
    hub.stop().await;
}

#[tokio::test]
async fn rbac_4_tokens_hashed_and_audit_log_records_changes_and_failures() {
    let hub = TestHub::start().await;
    let t = hub.admin_token.clone();
    let r = hub
        .post(&t, ACCOUNTS, account_body("audited", "operator"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, op) = hub.account("op", Role::Operator).await;
    let r = hub.put(&op, "/v1/operations/preferences", json!({})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let body: Value = r.json().await.unwrap_or_default();
    assert_eq!(body["errors"][0]["errorCode"], 4030);
    let r = hub.api("pb_not-a-token", Method::GET, "/v1/me", None).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (s, v) = hub.get(&t, "/v1/operations/auditEvents?max=50").await;
    assert_eq!(s, StatusCode::OK);
    let events = v["items"].as_array().cloned().unwrap_or_default();
    let create = events
        .iter()
        .find(|e| e["action"] == "account.create" && e["targetName"] == "audited");
    let create = create.unwrap_or_else(|| panic!("no create record in {v}"));
    assert_eq!(create["actorLoginName"], "admin");
    assert_eq!(create["outcome"], "success");
    assert_eq!(create["sourceAddress"], "127.0.0.1");
    let denied = events
        .iter()
        .find(|e| e["outcome"] == "denied" && e["targetId"] == "PUT /v1/operations/preferences");
    let denied = denied.unwrap_or_else(|| panic!("no denied record in {v}"));
    assert_eq!(denied["actorLoginName"], "op");
    // Operators cannot read the audit log.
    let (s, _) = hub.get(&op, "/v1/operations/auditEvents").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Secrets never appear in the audit trail.
    assert!(!v.to_string().contains(PASSWORD));
    hub.stop().await;
}

#[tokio::test]
async fn ui_1_api_errors_localised_by_accept_language() {
    let hub = TestHub::start().await;
    let call = |accept: &'static str| {
        let r = hub
            .client()
            .post(hub.url(ACCOUNTS))
            .bearer_auth(&hub.admin_token)
            .header("accept-language", accept)
            .json(&json!({"loginName": "", "password": "Correct#Horse42", "role": "operator"}));
        async move {
            let r = r.send().await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(r.status(), StatusCode::BAD_REQUEST);
            let v: Value = r.json().await.unwrap_or_default();
            (
                v["message"].as_str().unwrap_or_default().to_string(),
                descriptions(&v)[0].clone(),
            )
        }
    };
    let (en_message, en_field) = call("en").await;
    assert!(en_field.contains("is required"), "{en_field}");
    let mut seen = vec![en_field];
    for accept in ["fr-FR,fr;q=0.9", "ro", "ko-KR", "uk,en;q=0.5"] {
        let (message, field) = call(accept).await;
        assert!(
            !field.is_empty() && !seen.contains(&field),
            "{accept}: {field}"
        );
        assert_ne!(message, en_message, "{accept}: the error message too");
        seen.push(field);
    }
    hub.stop().await;
}
