//! OPR-3 under concurrency: the lockout holds against parallel guesses, across two hub nodes on
//! one database, and for password changes through the API.

use crate::common::*;
use patchbay_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Outcomes of the audited login attempts on `login` (oldest first).
async fn outcomes(hub: &TestHub, action: &str, login: &str) -> Vec<String> {
    let (_, v) = hub
        .get(
            &hub.admin_token,
            &format!("/v1/operations/auditEvents?action={action}&max=1000"),
        )
        .await;
    let mut out: Vec<String> = v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["targetName"] == login)
        .map(|e| e["outcome"].as_str().unwrap_or("").to_string())
        .collect();
    out.reverse();
    out
}

fn count(outcomes: &[String], what: &str) -> usize {
    outcomes.iter().filter(|o| *o == what).count()
}

/// `n` console logins on `login` fired at once, spread over `bases`; the password of attempt
/// `right` (if any) is the right one. Returns the response statuses.
async fn parallel_logins(
    hub: &TestHub,
    bases: &[String],
    login: &str,
    n: usize,
    right: Option<usize>,
) -> Vec<StatusCode> {
    // Every browser first fetches its login form (CSRF), then all post together.
    let mut ready = Vec::new();
    for i in 0..n {
        let mut b = Browser::new(hub);
        b.base = bases[i % bases.len()].clone();
        let (_, html, _) = b.get("/com/login").await;
        let csrf = hidden(&html, "csrf").unwrap_or_default();
        let password = if Some(i) == right {
            PASSWORD.to_string()
        } else {
            format!("Wrong#Guess{i}")
        };
        ready.push((b, csrf, password));
    }
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(n));
    let mut tasks = tokio::task::JoinSet::new();
    for (b, csrf, password) in ready {
        let barrier = barrier.clone();
        let login = login.to_string();
        tasks.spawn(async move {
            barrier.wait().await;
            let form = [
                ("csrf", csrf.as_str()),
                ("login", login.as_str()),
                ("password", password.as_str()),
                ("language", "en"),
            ];
            b.post("/com/login", &form).await.0
        });
    }
    let mut statuses = Vec::new();
    while let Some(r) = tasks.join_next().await {
        statuses.push(r.unwrap_or_else(|e| panic!("{e}")));
    }
    statuses
}

#[tokio::test]
async fn opr_3_parallel_logins_get_at_most_three_password_checks() {
    let hub = TestHub::start().await;
    hub.account("race", Role::Operator).await;
    let bases = [hub.base.clone()];
    // 29 wrong passwords and the right one, all at once.
    let statuses = parallel_logins(&hub, &bases, "race", 30, Some(29)).await;
    let audited = outcomes(&hub, "login", "race").await;
    assert_eq!(audited.len(), 30, "every attempt is audited: {audited:?}");
    // At most three wrong passwords are checked; the right one only if it came in before the
    // third failure (a success frees its own slot, not the failures').
    let failed = count(&audited, "failure");
    let checked = failed + count(&audited, "success");
    assert!(
        failed <= 3 && checked <= 4,
        "{checked} password checks: {audited:?}"
    );
    assert_eq!(count(&audited, "blocked"), 30 - checked);
    let blocked = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(blocked, 30 - checked, "{statuses:?}");

    // 40 wrong passwords at once: exactly three are checked, the login is then blocked.
    hub.account("race2", Role::Operator).await;
    parallel_logins(&hub, &bases, "race2", 40, None).await;
    let audited = outcomes(&hub, "login", "race2").await;
    assert_eq!(count(&audited, "failure"), 3, "{audited:?}");
    assert_eq!(count(&audited, "blocked"), 37, "{audited:?}");
    let (s, _, _) = Browser::new(&hub).login("race2", PASSWORD, "en").await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    hub.stop().await;
}

#[tokio::test]
async fn opr_3_two_hub_nodes_share_the_lockout() {
    let hub = TestHub::start().await;
    let (node2, base2) = hub.second_node().await;
    hub.account("shared", Role::Operator).await;
    let bases = [hub.base.clone(), base2];
    parallel_logins(&hub, &bases, "shared", 24, None).await;
    let audited = outcomes(&hub, "login", "shared").await;
    assert_eq!(count(&audited, "failure"), 3, "{audited:?}");
    assert_eq!(count(&audited, "blocked"), 21, "{audited:?}");
    // Blocked on either node, even with the right password.
    for base in &bases {
        let mut b = Browser::new(&hub);
        b.base = base.clone();
        let (s, _, _) = b.login("shared", PASSWORD, "en").await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{base}");
    }
    node2.shutdown().await;
    hub.stop().await;
}

#[tokio::test]
async fn opr_3_api_password_change_failures_count_toward_the_lockout() {
    let hub = TestHub::start().await;
    let (_, token) = hub.account("guessed", Role::Operator).await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..20 {
        let req = hub
            .client()
            .put(hub.url("/v1/me/password"))
            .bearer_auth(&token)
            .json(
                &json!({"oldPassword": format!("Wrong#Guess{i}"), "newPassword": "New#Passw0rd-1"}),
            );
        tasks.spawn(async move {
            let r = req.send().await.unwrap_or_else(|e| panic!("{e}"));
            let retry = r.headers().get("retry-after").is_some();
            (r.status(), retry)
        });
    }
    let mut wrong = 0;
    while let Some(r) = tasks.join_next().await {
        match r.unwrap_or_else(|e| panic!("{e}")) {
            (StatusCode::BAD_REQUEST, _) => wrong += 1,
            (StatusCode::TOO_MANY_REQUESTS, true) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        wrong, 3,
        "three wrong answers are checked, the rest refused"
    );
    // The right current password is refused too while blocked, through the API and the console.
    let r = hub
        .api(
            &token,
            Method::PUT,
            "/v1/me/password",
            Some(json!({"oldPassword": PASSWORD, "newPassword": "New#Passw0rd-1"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let (s, _, _) = Browser::new(&hub).login("guessed", PASSWORD, "en").await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    let audited = outcomes(&hub, "password-change", "guessed").await;
    assert_eq!(count(&audited, "failure"), 3, "{audited:?}");
    hub.stop().await;
}
