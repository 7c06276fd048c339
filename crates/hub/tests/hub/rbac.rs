//! RBAC-1 / RBAC-3: every API route and every console page, for every role, against the policy
//! table. Allowed → anything but 403; denied → 403 (API: with the Webex error body).

use crate::common::*;
use crate::fixtures::{admin_browser, staff};
use patchbay_domain::{Principal, Role};
use reqwest::{Method, StatusCode};
use serde_json::Value;

fn sample(path: &str) -> String {
    path.replace("{id}", &uuid::Uuid::now_v7().to_string())
}

fn principal(role: Role) -> Principal {
    Principal {
        account_id: patchbay_domain::AccountId::new(),
        role,
        read_only_mode: role.default_read_only_mode(),
        kiosk_mode: false,
        customer_id: None,
    }
}

fn login_of(role: Role) -> String {
    format!("r-{}", role.as_str())
}

#[tokio::test]
async fn rbac_1_every_api_route_for_every_role() {
    let hub = TestHub::start().await;
    let mut tokens = Vec::new();
    for role in Role::ALL {
        let (_, t) = hub.account(&login_of(role), role).await;
        tokens.push((role, t));
    }
    let mut checked = 0;
    for e in patchbay_hub::http::api::endpoints() {
        if e.public {
            // Served to anyone (WGO-5's activation): no token is needed, so none is refused.
            let r = hub
                .client()
                .request(
                    Method::from_bytes(e.method.as_str().as_bytes()).unwrap_or(Method::GET),
                    hub.url(&sample(e.path)),
                )
                .json(&serde_json::json!({}))
                .send()
                .await
                .unwrap_or_else(|err| panic!("{err}"));
            assert!(
                !matches!(r.status(), StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN),
                "{} {}: {}",
                e.method,
                e.path,
                r.status()
            );
            continue;
        }
        if e.operator {
            // A mobile operator's API (MOB-1): staff tokens, whatever the role, are refused.
            for (role, token) in &tokens {
                let method =
                    Method::from_bytes(e.method.as_str().as_bytes()).unwrap_or(Method::GET);
                let r = hub.api(token, method, &sample(e.path), None).await;
                assert_eq!(
                    r.status(),
                    StatusCode::UNAUTHORIZED,
                    "{} {} with a {role} token",
                    e.method,
                    e.path
                );
            }
            checked += 1;
            continue;
        }
        for (role, token) in &tokens {
            let method = Method::from_bytes(e.method.as_str().as_bytes()).unwrap_or(Method::GET);
            let body =
                (method == Method::POST || method == Method::PUT).then(|| serde_json::json!({}));
            let r = hub.api(token, method, &sample(e.path), body).await;
            let status = r.status();
            let allowed = principal(*role).allowed(e.capability);
            if allowed {
                assert_ne!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{} {} as {role} should be allowed",
                    e.method,
                    e.path
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{} {} as {role} should be denied",
                    e.method,
                    e.path
                );
                // A HEAD answer has no body.
                if e.method != axum::http::Method::HEAD {
                    let v: Value = r.json().await.unwrap_or_default();
                    assert_eq!(
                        v["errors"][0]["errorCode"], 4030,
                        "Webex error body expected"
                    );
                    assert!(v["trackingId"].is_string());
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 11 * 6);
    hub.stop().await;
}

#[tokio::test]
async fn rbac_1_every_console_page_for_every_role() {
    let hub = TestHub::start().await;
    let mut browsers = Vec::new();
    for role in Role::ALL {
        let (_, b) = staff(&hub, &login_of(role), role).await;
        browsers.push((role, b));
    }
    for e in patchbay_hub::http::console::endpoints() {
        for (role, b) in &browsers {
            let path = sample(e.path);
            let (status, html, _) = match e.method {
                axum::http::Method::POST => b.submit("/com/profile", &path, &[]).await,
                axum::http::Method::GET => b.get(&path).await,
                // Scripts' requests (resumable uploads) carry the CSRF token in a header.
                ref m => b.script(m.as_str(), "/com/profile", &path).await,
            };
            let allowed = principal(*role).allowed(e.capability);
            if allowed {
                assert_ne!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{} {path} as {role} should be allowed",
                    e.method
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{} {path} as {role} should be denied",
                    e.method
                );
                assert!(html.contains("403"), "an HTML error page is expected");
            }
        }
    }
    hub.stop().await;
}

#[tokio::test]
async fn rbac_1_menu_offers_only_what_the_role_may_use() {
    let hub = TestHub::start().await;
    let (_, b) = staff(&hub, "op", Role::Operator).await;
    let (_, html, _) = b.get("/com/dashboard").await;
    assert!(html.contains("id=\"menu-customers\""));
    for hidden in [
        "menu-preferences",
        "menu-accounts",
        "menu-files",
        "menu-appcentre",
        "menu-certificates",
    ] {
        assert!(
            !html.contains(&format!("id=\"{hidden}\"")),
            "{hidden} offered to an Operator"
        );
    }
    let admin = admin_browser(&hub, "adm2").await;
    let (_, html, _) = admin.get("/com/dashboard").await;
    for shown in [
        "menu-preferences",
        "menu-accounts",
        "menu-files",
        "menu-appcentre",
        "menu-certificates",
        "menu-about",
        "menu-help",
        "menu-profile",
    ] {
        assert!(
            html.contains(&format!("id=\"{shown}\"")),
            "{shown} missing for an Administrator"
        );
    }
    hub.stop().await;
}
