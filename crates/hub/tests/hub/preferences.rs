//! Server preferences (PRF-1 … PRF-11) as the pages use them: read from the hub's memory, not the
//! database on every page, and picked up when another node changes them.

use crate::common::*;
use patchbay_store::AuditMeta;
use reqwest::StatusCode;

/// PRF-5: the system name under the menu bar. A change stored by another node (here: written to
/// the shared database directly) shows once this node's heartbeat re-reads the preferences; a
/// change made through this node shows at once.
#[tokio::test]
async fn prf_5_preferences_are_cached_and_reloaded_from_other_nodes() {
    let hub = TestHub::start().await;
    hub.account("prefs-op", patchbay_domain::Role::Operator)
        .await;
    let b = Browser::new(&hub);
    b.login_ready("prefs-op", PASSWORD).await;
    let mut p = hub
        .store()
        .preferences()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    p.system_name = "Other node".into();
    hub.store()
        .set_preferences(&AuditMeta::cli(), &p)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (s, html, _) = b.get("/com/help").await;
    assert_eq!(s, StatusCode::OK);
    assert!(!html.contains("Other node"), "served from the cache");
    hub.running.state.reload_preferences().await;
    let (_, html, _) = b.get("/com/help").await;
    assert!(html.contains("Other node"), "reloaded");
    // Through this node's API: at once.
    let (_, mut json) = hub
        .get(&hub.admin_token, "/v1/operations/preferences")
        .await;
    json["systemName"] = serde_json::json!("This node");
    let r = hub
        .api(
            &hub.admin_token,
            reqwest::Method::PUT,
            "/v1/operations/preferences",
            Some(json),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, html, _) = b.get("/com/help").await;
    assert!(html.contains("This node"));
    hub.stop().await;
}

/// PRF-8: with client logging on, pages carry the reporting hook and the hub takes the console's
/// script errors (CSRF-checked, any signed-in role); off, it refuses them instead of pretending.
#[tokio::test]
async fn prf_8_client_logging_takes_the_consoles_errors_only_when_on() {
    let hub = TestHub::start().await;
    hub.account("prefs-ro", patchbay_domain::Role::ReadOnly)
        .await;
    let b = Browser::new(&hub);
    b.login_ready("prefs-ro", PASSWORD).await;
    let send = |csrf: String, body: &'static str| {
        b.client
            .post(hub.url("/com/client-log"))
            .header("X-CSRF-Token", csrf)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    let report = r#"{"level":"error","message":"TypeError: x is undefined\nforged","source":"/com/static/app.js","line":12,"page":"/com/dashboard"}"#;
    let (_, html, _) = b.get("/com/dashboard").await;
    assert!(!html.contains("pb-client-log"), "off by default");
    let csrf = hidden(&html, "csrf").unwrap_or_default();
    let r = send(csrf.clone(), report)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::CONFLICT);

    let r = hub
        .put(
            &hub.admin_token,
            "/v1/operations/preferences",
            serde_json::json!({"clientLogging": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, html, _) = b.get("/com/dashboard").await;
    assert!(html.contains(r#"<meta name="pb-client-log""#), "{html}");
    let r = send(csrf.clone(), report)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = send("wrong".into(), report)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = send(csrf.clone(), r#"{"level":"loud","message":"x"}"#)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = send(csrf, r#"{"level":"info","message":"x","extra":1}"#)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "an unknown field is refused"
    );
    hub.stop().await;
}
