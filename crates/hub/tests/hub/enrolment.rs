//! CUS-8 zero-touch enrolment: a real agent carrying its reseller's credential and a customer ID
//! the hub does not know is added pending, confirmed, then connects fully; a provider that
//! confirms automatically gets it connected at once; wrong credentials are refused, throttled
//! under parallel attempts and audited.

use crate::common::*;
use crate::fixtures::{self, agent};
use futures_util::{SinkExt, StreamExt};
use patchbay_domain::CustomerId;
use patchbay_proto::{Envelope, Hello, Message};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

async fn credential(hub: &TestHub, kind: &str, id: &str) -> String {
    let r = hub
        .post(
            &hub.admin_token,
            &format!("/v1/operations/{kind}/{id}/enrolmentCredential"),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap_or_default();
    v["credential"].as_str().unwrap_or_default().to_string()
}

/// The customer a system enrolled as, once it exists.
async fn enrolled(hub: &TestHub, cid: &str) -> CustomerId {
    for _ in 0..150 {
        if let Ok(Some(c)) = hub.store().service_credentials(cid).await {
            return c.id;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{cid} was not enrolled");
}

async fn customer_json(hub: &TestHub, id: CustomerId) -> Value {
    hub.get(&hub.admin_token, &format!("/v1/operations/customers/{id}"))
        .await
        .1
}

async fn wait_status(hub: &TestHub, id: CustomerId, status: &str, within: Duration) -> Value {
    let until = std::time::Instant::now() + within;
    loop {
        let v = customer_json(hub, id).await;
        if v["status"] == status {
            return v;
        }
        if std::time::Instant::now() > until {
            panic!("{id} never reached {status}: {v}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn cus_8_an_enrolled_system_is_pending_until_confirmed_then_connects_fully() {
    let hub = TestHub::start().await;
    let dist = fixtures::distributor(&hub, "Dist ZT").await;
    let res = fixtures::reseller(&hub, &dist, "Reseller ZT").await;
    let first = credential(&hub, "resellers", &res).await;
    let cred = credential(&hub, "resellers", &res).await;
    assert_ne!(first, cred, "a rotation makes a new credential");

    let (stop, _dir) = agent(&hub, "zt-paris")
        .system("ipo-paris")
        .enrolment(&cred)
        .start();
    let id = enrolled(&hub, "zt-paris").await;
    let v = wait_status(&hub, id, "pendingConfirmation", Duration::from_secs(10)).await;
    assert_eq!(v["enrolmentPending"], true, "{v}");
    assert_eq!(v["resellerId"], res.as_str(), "{v}");
    assert_eq!(v["distributorId"], dist.as_str(), "{v}");
    assert_eq!(v["name"], "ipo-paris (zt-paris)", "{v}");
    // Pending: no session, so no remote operation can reach it.
    let systems = hub.store().systems_of(id).await.unwrap_or_default();
    assert!(systems.iter().all(|s| !s.connected), "{systems:?}");
    let test: Value = hub
        .post(
            &hub.admin_token,
            &format!("/v1/operations/customers/{id}/actions/testConnection/invoke"),
            json!({}),
        )
        .await
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(test["ok"], false, "{test}");

    // The console shows it pending, with Confirm; confirming lets the system in.
    let browser = fixtures::admin_browser(&hub, "ztadmin").await;
    let (_, html, _) = browser.get(&format!("/com/customers/{id}")).await;
    assert!(html.contains("id=\"enrolment-pending\""), "pending shown");
    let details = format!("/com/customers/{id}");
    let (status, _, location) = browser
        .submit(&details, &format!("{details}/confirm"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location,
        Some(format!("/com/customers/{id}?done=confirmed"))
    );
    let r = hub
        .post(
            &hub.admin_token,
            &format!("/v1/operations/customers/{id}/actions/confirmEnrolment/invoke"),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "confirmed already");
    let v = wait_status(&hub, id, "connectionSuccessful", Duration::from_secs(20)).await;
    assert_eq!(v["enrolmentPending"], false, "{v}");
    stop.cancel();

    // A distributor that confirms automatically: its system connects at once.
    let dcred = credential(&hub, "distributors", &dist).await;
    let r = hub
        .put(
            &hub.admin_token,
            &format!("/v1/operations/distributors/{dist}/enrolmentCredential"),
            json!({ "autoConfirm": true }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (stop2, _) = agent(&hub, "zt-lyon")
        .system("ipo-lyon")
        .enrolment(&dcred)
        .start();
    let lyon = enrolled(&hub, "zt-lyon").await;
    let v = wait_status(&hub, lyon, "connectionSuccessful", Duration::from_secs(10)).await;
    assert_eq!(v["enrolmentPending"], false, "{v}");
    assert_eq!(v["resellerId"], Value::Null, "{v}");
    stop2.cancel();

    // Audited: each enrolment and the confirmation.
    let (_, audit) = hub
        .get(&hub.admin_token, "/v1/operations/auditEvents?max=200")
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "customer.enrol").count(),
        2,
        "{actions:?}"
    );
    assert!(
        actions.contains(&"customer.confirmEnrolment"),
        "{actions:?}"
    );
    assert!(actions.contains(&"enrolment.rotate"), "{actions:?}");
    hub.stop().await;
}

/// One raw hello with an enrolment credential; the hub's answer.
async fn hello(hub: &TestHub, cid: &str, credential: &str) -> Message {
    let mut ws = crate::nodes::agent_socket(hub).await;
    let hello = Envelope::new(
        "1",
        Message::Hello(Hello {
            customer_id: cid.into(),
            service_user: "COMAdmin".into(),
            password: fixtures::SERVICE_PASSWORD.into(),
            system_name: "ipo-x".into(),
            primary: true,
            agent_version: "test".into(),
            enrolment: Some(credential.into()),
        }),
    );
    ws.send(tokio_tungstenite::tungstenite::Message::text(
        hello.to_json(),
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(20), ws.next())
            .await
            .unwrap_or_else(|_| panic!("no answer"));
        if let Some(Ok(tokio_tungstenite::tungstenite::Message::Text(t))) = frame {
            return Envelope::from_json(&t)
                .unwrap_or_else(|e| panic!("{e}"))
                .message;
        }
    }
}

#[tokio::test]
async fn cus_8_wrong_credentials_are_refused_throttled_under_parallel_attempts_and_audited() {
    let hub = TestHub::start().await;
    let dist = fixtures::distributor(&hub, "Dist Guess").await;
    // No credential for a provider that does not exist, no preference without a credential.
    let unknown = uuid::Uuid::now_v7();
    let r = hub
        .post(
            &hub.admin_token,
            &format!("/v1/operations/resellers/{unknown}/enrolmentCredential"),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = hub
        .put(
            &hub.admin_token,
            &format!("/v1/operations/distributors/{dist}/enrolmentCredential"),
            json!({ "autoConfirm": true }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let cred = credential(&hub, "distributors", &dist).await;
    // The right id with a guessed secret, twelve at once from one address.
    let id_part = cred.split('.').nth(1).unwrap_or_default().to_string();
    let guess = format!("pbe1.{id_part}.{}", "A".repeat(43));
    let answers = futures_util::future::join_all((0..12).map(|i| {
        let (hub, guess) = (&hub, guess.clone());
        async move { hello(hub, &format!("zt-guess-{i}"), &guess).await }
    }))
    .await;
    let mut codes: Vec<String> = Vec::new();
    for a in &answers {
        match a {
            Message::Refused(r) => codes.push(r.status.clone()),
            other => panic!("a wrong credential was let in: {other:?}"),
        }
    }
    let invalid = codes.iter().filter(|c| *c == "invalidCredentials").count();
    let locked = codes.iter().filter(|c| *c == "temporarilyLocked").count();
    assert_eq!(invalid + locked, 12, "{codes:?}");
    assert!(
        invalid <= patchbay_domain::lockout::MAX_FAILURES,
        "no more guesses checked than the lockout allows: {codes:?}"
    );
    // Throttled: now even the right credential waits.
    match hello(&hub, "zt-right", &cred).await {
        Message::Refused(r) => {
            assert_eq!(r.status, "temporarilyLocked");
            assert!(r.retry_after_seconds.unwrap_or(0) > 0);
        }
        other => panic!("{other:?}"),
    }
    // Nothing was added, and each checked guess is audited as a failure.
    for i in 0..12 {
        let c = hub
            .store()
            .service_credentials(&format!("zt-guess-{i}"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(c.is_none());
    }
    let (_, audit) = hub
        .get(
            &hub.admin_token,
            "/v1/operations/auditEvents?action=customer.enrol&max=100",
        )
        .await;
    let failures = audit["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["outcome"] == "failure")
        .count();
    assert_eq!(failures, invalid, "{audit}");
    hub.stop().await;
}

#[tokio::test]
async fn cus_8_the_providers_page_makes_a_credential_shown_once_and_sets_auto_confirm() {
    let hub = TestHub::start().await;
    let dist = fixtures::distributor(&hub, "Dist Page").await;
    let browser = fixtures::admin_browser(&hub, "provadmin").await;
    let (_, html, _) = browser
        .submit(
            "/com/providers",
            &format!("/com/providers/distributors/{dist}/enrolment"),
            &[],
        )
        .await;
    let shown = html
        .split("id=\"enrolment-credential\"")
        .nth(1)
        .and_then(|rest| rest.split('>').nth(1))
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_default()
        .to_string();
    assert!(
        patchbay_domain::enrolment::parse_credential(&shown).is_some(),
        "{shown}"
    );
    let (_, again, _) = browser.get("/com/providers").await;
    assert!(!again.contains(&shown), "shown once only");
    assert!(again.contains("data-auto-confirm=\"off\""));
    let (status, _, location) = browser
        .submit(
            "/com/providers",
            &format!("/com/providers/distributors/{dist}/enrolment/auto"),
            &[("autoConfirm", "on")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/com/providers?done=enrolment"));
    let (_, after, _) = browser.get("/com/providers").await;
    assert!(after.contains("data-auto-confirm=\"on\""));
    // The credential works: a system enrolled with it is confirmed at once.
    let (stop, _) = agent(&hub, "zt-page").enrolment(&shown).start();
    let id = enrolled(&hub, "zt-page").await;
    wait_status(&hub, id, "connectionSuccessful", Duration::from_secs(10)).await;
    stop.cancel();
    hub.stop().await;
}
