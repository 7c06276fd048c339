//! The console: login, lockout, first-login gates, sessions, CSRF, account management pages.

use crate::common::*;
use crate::fixtures::{admin_browser, logged_in, update_preferences};
use patchbay_domain::Role;
use reqwest::StatusCode;

/// The id of the account found by searching for `login`.
async fn account_id(hub: &TestHub, login: &str) -> String {
    let path = format!("/v1/operations/accounts?search={login}");
    let (_, v) = hub.get(&hub.admin_token, &path).await;
    v["items"][0]["id"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn opr_3_three_failures_block_the_login_even_with_the_right_password() {
    let hub = TestHub::start().await;
    hub.account("lock", Role::Operator).await;
    let b = Browser::new(&hub);
    for _ in 0..3 {
        let (s, html, _) = b.login("lock", "Wrong#Password1", "en").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("Invalid login name or password."));
    }
    let (s, html, _) = b.login("lock", PASSWORD, "en").await;
    assert_eq!(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        "blocked even with the right password"
    );
    assert!(html.contains("blocked for 10 minutes"), "{html}");
    // Another login is not affected.
    hub.account("free", Role::Operator).await;
    let (s, _, loc) = b.login("free", PASSWORD, "en").await;
    assert_eq!(
        (s, loc.as_deref()),
        (StatusCode::SEE_OTHER, Some("/com/dashboard"))
    );
    // Every attempt is audited: failures, the block, the successes.
    let (_, v) = hub
        .get(
            &hub.admin_token,
            "/v1/operations/auditEvents?action=login&max=100",
        )
        .await;
    let outcomes: Vec<String> = v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["targetName"] == "lock")
        .map(|e| e["outcome"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(outcomes, ["blocked", "failure", "failure", "failure"]);
    hub.stop().await;
}

#[tokio::test]
async fn opr_4_first_login_terms_then_forced_password_change_then_dashboard() {
    let hub = TestHub::start().await;
    let b = Browser::new(&hub);
    let (s, _, loc) = b.login("admin", &hub.admin_password, "en").await;
    assert_eq!(
        (s, loc.as_deref()),
        (StatusCode::SEE_OTHER, Some("/com/dashboard"))
    );
    let (_, _, loc) = b.get("/com/dashboard").await;
    assert_eq!(loc.as_deref(), Some("/com/terms"));
    let (_, _, loc) = b.get("/com/accounts").await;
    assert_eq!(
        loc.as_deref(),
        Some("/com/terms"),
        "no page before the terms are accepted"
    );
    let (s, _, _) = b.submit("/com/terms", "/com/terms", &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, _, loc) = b.get("/com/dashboard").await;
    assert_eq!(
        loc.as_deref(),
        Some("/com/password"),
        "forced password change"
    );
    // Mismatched confirmation is refused with a field message.
    let (s, html, _) = b
        .submit(
            "/com/password",
            "/com/password",
            &[
                ("oldPassword", &hub.admin_password),
                ("newPassword", "Brand#New2026"),
                ("confirmPassword", "Other#New2026"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("does not match the new password"));
    let (s, _, loc) = b
        .submit(
            "/com/password",
            "/com/password",
            &[
                ("oldPassword", &hub.admin_password),
                ("newPassword", "Brand#New2026"),
                ("confirmPassword", "Brand#New2026"),
            ],
        )
        .await;
    assert_eq!(
        (s, loc.as_deref()),
        (StatusCode::SEE_OTHER, Some("/com/login?changed=1"))
    );
    // OPR-6: the change ended the session.
    let (_, _, loc) = b.get("/com/dashboard").await;
    assert_eq!(loc.as_deref(), Some("/com/login"));
    let (_, _, loc) = b.login("admin", "Brand#New2026", "en").await;
    assert_eq!(loc.as_deref(), Some("/com/dashboard"));
    let (s, html, _) = b.get("/com/dashboard").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"dashboard-empty\""));
    // OPR-6: logout from the user menu ends the session.
    let (s, _, loc) = b.submit("/com/dashboard", "/com/logout", &[]).await;
    assert_eq!(
        (s, loc.as_deref()),
        (StatusCode::SEE_OTHER, Some("/com/login"))
    );
    let (_, _, loc) = b.get("/com/dashboard").await;
    assert_eq!(loc.as_deref(), Some("/com/login"));
    hub.stop().await;
}

#[tokio::test]
async fn opr_5_idle_sessions_end_but_kiosk_sessions_stay_and_cannot_navigate() {
    let hub = TestHub::start().await;
    hub.account_with("idle", Role::Operator, |f| {
        f.session_timeout_minutes = Some(5)
    })
    .await;
    let b = logged_in(&hub, "idle").await;
    let token = b.session_token();
    let six_minutes_ago = jiff::Timestamp::now().as_millisecond() - 6 * 60 * 1000;
    hub.store()
        .set_session_last_seen(&token, six_minutes_ago)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (_, _, loc) = b.get("/com/dashboard").await;
    assert_eq!(loc.as_deref(), Some("/com/login?expired=1"));

    hub.account_with("wall", Role::ReadOnly, |f| f.kiosk_mode = true)
        .await;
    let k = logged_in(&hub, "wall").await;
    let token = k.session_token();
    let two_hours_ago = jiff::Timestamp::now().as_millisecond() - 2 * 3600 * 1000;
    hub.store()
        .set_session_last_seen(&token, two_hours_ago)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (s, html, _) = k.get("/com/dashboard").await;
    assert_eq!(s, StatusCode::OK, "kiosk sessions do not time out");
    assert!(
        html.contains("http-equiv=\"refresh\""),
        "kiosk dashboards refresh themselves"
    );
    assert!(
        !html.contains("id=\"menu\""),
        "no navigation menu in kiosk mode"
    );
    let (_, _, loc) = k.get("/com/profile").await;
    assert_eq!(loc.as_deref(), Some("/com/dashboard"));
    hub.stop().await;
}

#[tokio::test]
async fn ui_1_csrf_required_on_every_console_form() {
    let hub = TestHub::start().await;
    let b = admin_browser(&hub, "csrf").await;
    let (s, _, _) = b
        .post(
            "/com/accounts",
            &[
                ("loginName", "sneaky"),
                ("password", PASSWORD),
                ("role", "administrator"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = b
        .post(
            "/com/accounts",
            &[
                ("csrf", "forged"),
                ("loginName", "sneaky"),
                ("password", PASSWORD),
                ("role", "administrator"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, v) = hub
        .get(&hub.admin_token, "/v1/operations/accounts?search=sneaky")
        .await;
    assert_eq!(v["items"].as_array().map(Vec::len), Some(0));
    // The login form has its own token.
    let (s, html, _) = b
        .post("/com/login", &[("login", "csrf"), ("password", PASSWORD)])
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("class=\"error\""));
    hub.stop().await;
}

#[tokio::test]
async fn opr_8_console_account_list_add_edit_delete() {
    let hub = TestHub::start().await;
    let b = admin_browser(&hub, "boss").await;
    // Add with a field error first: the form comes back with the message and the typed values.
    let form = |login: &'static str, phone: &'static str| {
        vec![
            ("loginName", login),
            ("password", PASSWORD),
            ("confirmPassword", PASSWORD),
            ("role", "operator"),
            ("firstName", "Léa"),
            ("lastName", "Roux"),
            ("phoneNumber", phone),
            ("labels", "north, south"),
            ("forcePasswordChange", "on"),
        ]
    };
    let (s, html, _) = b
        .submit("/com/accounts/new", "/com/accounts", &form("lea", "12-34"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("must contain digits only, at most 15"),
        "{html}"
    );
    assert!(html.contains("value=\"lea\""));
    let (s, _, loc) = b
        .submit("/com/accounts/new", "/com/accounts", &form("lea", "0612"))
        .await;
    assert_eq!(
        (s, loc.as_deref()),
        (StatusCode::SEE_OTHER, Some("/com/accounts?done=created"))
    );
    for (login, role) in [("max", "support"), ("zed", "read-only")] {
        let mut f = form(login, "1");
        f[3] = ("role", role);
        let (s, _, _) = b.submit("/com/accounts/new", "/com/accounts", &f).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
    }
    // Search, sort cycling ↓ ↑ none, filter, items per page.
    let (_, html, _) = b.get("/com/accounts?search=ROUX").await;
    assert_eq!(html.matches("data-login=").count(), 3);
    let (_, html, _) = b
        .get("/com/accounts?sort=loginName&order=desc&max=10")
        .await;
    let order: Vec<&str> = html
        .split("data-login=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(order, ["zed", "max", "lea", "boss", "admin"]);
    assert!(
        html.replace("&#38;", "&")
            .contains("href=\"/com/accounts?sort=loginName&order=asc&max=10\""),
        "next click sorts ascending"
    );
    let (_, html, _) = b.get("/com/accounts?sort=loginName&order=asc").await;
    assert!(
        html.contains("data-sort=\"loginName\"")
            && html.contains("href=\"/com/accounts?max=25\" data-sort=\"loginName\""),
        "then unsorted"
    );
    let (_, html, _) = b.get("/com/accounts?role=support").await;
    assert_eq!(html.matches("data-login=").count(), 1);
    assert!(html.contains("id=\"active-filter\""));
    let (_, html, _) = b.get("/com/accounts?max=10&sort=loginName&order=asc").await;
    assert!(!html.contains("id=\"page-next\""));
    // Edit through the toolbar with one selection.
    let id = account_id(&hub, "lea").await;
    let (_, _, loc) = b.get(&format!("/com/accounts/edit?id={id}")).await;
    assert_eq!(loc, Some(format!("/com/accounts/{id}")));
    let mut f = form("lea", "0612");
    f[1] = ("password", "");
    f[2] = ("confirmPassword", "");
    f[4] = ("firstName", "Léonie");
    let (s, _, _) = b
        .submit(
            &format!("/com/accounts/{id}"),
            &format!("/com/accounts/{id}"),
            &f,
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, v) = hub
        .get(&hub.admin_token, &format!("/v1/operations/accounts/{id}"))
        .await;
    assert_eq!(v["firstName"], "Léonie");
    // Delete selected: confirm page, then delete; one's own account is refused.
    let (_, html, _) = b.get(&format!("/com/accounts/delete?id={id}")).await;
    assert!(html.contains("id=\"confirm-delete\"") && html.contains("<li>lea</li>"));
    let (s, _, loc) = b
        .submit(
            &format!("/com/accounts/delete?id={id}"),
            "/com/accounts/delete",
            &[("id", &id)],
        )
        .await;
    assert_eq!(
        (s, loc.as_deref()),
        (StatusCode::SEE_OTHER, Some("/com/accounts?done=deleted"))
    );
    let me = account_id(&hub, "boss").await;
    let (s, _, _) = b
        .submit("/com/accounts", "/com/accounts/delete", &[("id", &me)])
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    hub.stop().await;
}

#[tokio::test]
async fn ui_1_language_chosen_at_login_and_prf_5_system_name() {
    let hub = TestHub::start().await;
    let r = update_preferences(&hub, |p| p["systemName"] = serde_json::json!("Hub Paris")).await;
    assert_eq!(r.status(), StatusCode::OK);
    hub.account("fr", Role::Operator).await;
    let b = Browser::new(&hub);
    let (_, html, _) = b.get("/com/login?lang=fr").await;
    assert!(html.contains("<html lang=\"fr\">"));
    b.login("fr", PASSWORD, "fr").await;
    b.submit("/com/terms", "/com/terms", &[]).await;
    let (_, html, _) = b.get("/com/dashboard").await;
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("Tableau de bord"), "French menu expected");
    assert!(html.contains("id=\"system-name\">Hub Paris<"));
    // Romanian, Korean and Ukrainian files exist; untranslated messages fall back to English.
    for lang in ["ro", "ko", "uk"] {
        let (s, html, _) = b.get(&format!("/com/login?lang={lang}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
    }
    hub.stop().await;
}

/// UI-1: dates and times are written the way the page's language writes them (the About page's
/// start time: 26/11/2026 in French, 26.11.2026 in Ukrainian, 2026. 11. 26. in Korean).
#[tokio::test]
async fn ui_1_dates_follow_the_page_language() {
    let hub = TestHub::start().await;
    let today = jiff::Zoned::now();
    for (lang, pattern) in [
        ("en", "%Y-%m-%d"),
        ("fr", "%d/%m/%Y"),
        ("uk", "%d.%m.%Y"),
        ("ko", "%Y. %-m. %-d."),
    ] {
        let login = format!("dates-{lang}");
        hub.account(&login, Role::Operator).await;
        let b = Browser::new(&hub);
        b.login(&login, PASSWORD, lang).await;
        b.submit("/com/terms", "/com/terms", &[]).await;
        let (_, html, _) = b.get("/com/about").await;
        let date = today.strftime(pattern).to_string();
        assert!(html.contains(&date), "{lang}: {date} not in {html}");
    }
    hub.stop().await;
}

/// UI-1, OPR-4: the login page opens in the browser's language (Accept-Language) unless one was
/// picked, and offers the language once — the form's own field, which the login then applies.
#[tokio::test]
async fn ui_1_login_page_follows_the_browser_language_and_offers_it_once() {
    let hub = TestHub::start().await;
    let get = |path: &'static str, accept: &'static str| {
        let c = hub.client();
        let url = hub.url(path);
        async move {
            let r = c
                .get(url)
                .header("accept-language", accept)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            r.text().await.unwrap_or_default()
        }
    };
    for (accept, lang) in [
        ("ko-KR,ko;q=0.9,en;q=0.8", "ko"),
        ("de-DE, uk;q=0.7", "uk"),
        ("de", "en"),
    ] {
        let html = get("/com/login", accept).await;
        assert!(
            html.contains(&format!("<html lang=\"{lang}\">")),
            "{accept} → {lang}"
        );
        assert!(html.contains(&format!(
            "<option value=\"{lang}\" lang=\"{lang}\" selected"
        )));
    }
    // A language picked on the page wins over the browser's.
    let html = get("/com/login?lang=ro", "ko").await;
    assert!(html.contains("<html lang=\"ro\">"));
    // One language control: the select of the form, no second list of links.
    assert_eq!(html.matches("name=\"language\"").count(), 1);
    assert!(!html.contains("href=\"/com/login?lang="));
    hub.stop().await;
}

/// UI-1: every page opens with a link that skips to its content; before the first-login terms
/// are accepted and the forced password change is done, a page shows no menu (there is nowhere
/// to go yet), and the forced change is shown as something to do, not as a success.
#[tokio::test]
async fn ui_1_skip_link_and_no_menu_before_the_first_login_is_done() {
    let hub = TestHub::start().await;
    let b = Browser::new(&hub);
    let (_, login_page, _) = b.get("/com/login").await;
    assert!(
        login_page.contains("class=\"skip-link\" href=\"#main\""),
        "{login_page}"
    );
    b.login("admin", &hub.admin_password, "ko").await;
    let (s, html, _) = b.get("/com/terms").await;
    assert_eq!(s, StatusCode::OK);
    let body = html.split("<body>").nth(1).unwrap_or_default();
    assert!(
        body.trim_start()
            .starts_with("<a class=\"skip-link\" href=\"#main\">"),
        "{body}"
    );
    assert!(html.contains("<main id=\"main\""), "{html}");
    assert!(
        !html.contains("id=\"menu\""),
        "no menu before the terms: {html}"
    );
    b.submit("/com/terms", "/com/terms", &[]).await;
    let (_, html, _) = b.get("/com/password").await;
    assert!(
        !html.contains("id=\"menu\""),
        "no menu before the password change: {html}"
    );
    assert!(html.contains("class=\"attention\""), "{html}");
    hub.stop().await;
}
