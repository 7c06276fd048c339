//! SIP-1, SIP-3 and SIP-4 without a registrar process: the subscriber rows Kamailio reads follow
//! every device change in its transaction; the bindings and failures Kamailio writes become the
//! device's status, the API's registration details and the Security alarm. (e2e/sip-ci.sh runs
//! the same against real Kamailio and baresip.)

use crate::calling_api::{items, ok, org, person, s, start, Who, GENERIC};
use crate::prov::device;
use md5::{Digest, Md5};
use patchbay_domain::provisioning::parse_webex_id;
use patchbay_domain::sip::Binding;
use patchbay_domain::DeviceId;
use patchbay_hub::service::sip::monitor;
use serde_json::json;

const PW: &str = "Xk7*mQ2_pL9=vR4+";

fn md5_hex(s: &str) -> String {
    hex::encode(Md5::digest(s.as_bytes()))
}

fn device_id(webex: &str) -> DeviceId {
    DeviceId(parse_webex_id("DEVICE", webex).unwrap_or_default())
}

#[tokio::test]
async fn sip_1_subscribers_follow_create_reset_lines_and_delete() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let p = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    let q = person(&a, &o, "bob@acme.test", "Bob", "Ray").await;
    let (d, user, registrar) = device(&a, &o, "personId", &p, "00:11:22:33:44:55", GENERIC).await;
    let id = device_id(&s(&d, "id"));
    let subs = hub.store().device_subscribers(id).await.unwrap_or_default();
    assert_eq!(subs.len(), 1, "{subs:?}");
    assert_eq!(
        (
            subs[0].username.as_str(),
            subs[0].domain.as_str(),
            subs[0].port
        ),
        (user.as_str(), registrar.as_str(), 1)
    );
    assert_eq!(subs[0].ha1, md5_hex(&format!("{user}:{registrar}:{PW}")));
    assert_eq!(
        subs[0].ha1b,
        md5_hex(&format!("{user}@{registrar}:{registrar}:{PW}"))
    );
    assert!(subs[0].tls_only, "the generic profile is SIP-TLS only");

    // A shared line: its own user, the device's password.
    let members = o.q(&format!(
        "/v1/telephony/config/devices/{}/members",
        s(&d, "id")
    ));
    let owner = ok(a.get(&members).await);
    let first = items(&owner, "members")[0]["id"].clone();
    let (status, v) = a
        .put(&members, json!({"members": [{"id": first}, {"id": q}]}))
        .await;
    assert!(status.is_success(), "{status} {v}");
    let subs = hub.store().device_subscribers(id).await.unwrap_or_default();
    assert_eq!(subs.len(), 2, "{subs:?}");
    let line2 = format!("{user}_2");
    assert_eq!(
        (subs[1].username.as_str(), subs[1].port),
        (line2.as_str(), 2)
    );
    assert_eq!(subs[1].ha1, md5_hex(&format!("{line2}:{registrar}:{PW}")));

    // Reset: every line's keys change with the password, in the same transaction.
    let reset = o.q(&format!(
        "/v1/telephony/config/devices/{}/actions/resetSipPassword/invoke",
        s(&d, "id")
    ));
    let new = s(&ok(a.post(&reset, json!({})).await), "sipPassword");
    let subs = hub.store().device_subscribers(id).await.unwrap_or_default();
    assert_eq!(subs[0].ha1, md5_hex(&format!("{user}:{registrar}:{new}")));
    assert_eq!(subs[1].ha1, md5_hex(&format!("{line2}:{registrar}:{new}")));

    // Back to one line, then delete: the rows go with them.
    let (status, v) = a.put(&members, json!({"members": [{"id": first}]})).await;
    assert!(status.is_success(), "{status} {v}");
    assert_eq!(
        hub.store()
            .device_subscribers(id)
            .await
            .unwrap_or_default()
            .len(),
        1
    );
    assert_eq!(
        a.del(&o.q(&format!("/v1/devices/{}", s(&d, "id"))))
            .await
            .as_u16(),
        204
    );
    assert!(hub
        .store()
        .device_subscribers(id)
        .await
        .unwrap_or_default()
        .is_empty());
    assert!(hub
        .store()
        .subscriber(&user, &registrar)
        .await
        .ok()
        .flatten()
        .is_none());
    hub.stop().await;
}

#[tokio::test]
async fn sip_3_status_and_details_follow_the_registrar_bindings() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let p = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    let (d, user, registrar) = device(&a, &o, "personId", &p, "00:11:22:33:44:66", GENERIC).await;
    let wid = s(&d, "id");
    let state = &hub.running.state;
    let tz = patchbay_hub::service::sip::registrar_tz();
    let now = jiff::Timestamp::now();
    let binding = Binding {
        username: user.clone(),
        domain: registrar.clone(),
        contact: format!("<sip:{user}@198.51.100.7:5062;transport=tls>"),
        received: Some("sip:198.51.100.7:40112;transport=tls".into()),
        expires: now + jiff::SignedDuration::from_secs(600),
        user_agent: "Yealink SIP-T54W 96.86.0.100".into(),
        last_modified: now,
        socket: Some("tls:192.0.2.1:5061".into()),
    };
    assert_eq!(
        s(
            &ok(a.get(&o.q(&format!("/v1/devices/{wid}"))).await),
            "connectionStatus"
        ),
        "disconnected"
    );
    let write = state.registrar.write_binding_for_tests(&binding, &tz).await;
    assert!(write.is_ok(), "{write:?}");
    assert_eq!(monitor::mirror(state).await.unwrap_or_default(), 1);
    assert_eq!(
        s(
            &ok(a.get(&o.q(&format!("/v1/devices/{wid}"))).await),
            "connectionStatus"
        ),
        "connected"
    );
    let filtered = ok(a.get(&o.q("/v1/devices?connectionStatus=connected")).await);
    assert_eq!(items(&filtered, "items").len(), 1, "{filtered}");
    let regs = ok(a
        .get(&o.q(&format!("/v1/devices/{wid}/registrations")))
        .await);
    let line = &items(&regs, "items")[0];
    assert_eq!(line["registered"], true, "{regs}");
    assert_eq!(s(line, "userAgent"), "Yealink SIP-T54W 96.86.0.100");
    assert_eq!(s(line, "sourceAddress"), "198.51.100.7:40112");
    assert_eq!(s(line, "transport"), "tls");
    assert_eq!(s(line, "sipUserName"), user);
    // The console's details page shows the same.
    let org_uuid = parse_webex_id("ORGANIZATION", &o.id).unwrap_or_default();
    let browser = crate::fixtures::admin_browser(&hub, "sipadmin").await;
    let (_, page, _) = browser
        .get(&format!(
            "/com/calling/devices/{}?org={org_uuid}",
            device_id(&wid)
        ))
        .await;
    assert!(
        page.contains("data-registered=\"true\"") && page.contains("Yealink SIP-T54W"),
        "{page}"
    );

    // An expired binding (not yet removed by the registrar) is not a registration.
    let cleared = state.registrar.clear_bindings_for_tests().await;
    assert!(cleared.is_ok(), "{cleared:?}");
    let old = Binding {
        expires: now - jiff::SignedDuration::from_secs(5),
        ..binding
    };
    let write = state.registrar.write_binding_for_tests(&old, &tz).await;
    assert!(write.is_ok(), "{write:?}");
    assert_eq!(monitor::mirror(state).await.unwrap_or_default(), 1);
    assert_eq!(
        s(
            &ok(a.get(&o.q(&format!("/v1/devices/{wid}"))).await),
            "connectionStatus"
        ),
        "disconnected"
    );
    let regs = ok(a
        .get(&o.q(&format!("/v1/devices/{wid}/registrations")))
        .await);
    assert_eq!(items(&regs, "items")[0]["registered"], false, "{regs}");
    hub.stop().await;
}

#[tokio::test]
async fn sip_4_repeated_wrong_passwords_raise_a_security_alarm() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let p = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    let (_, user, registrar) = device(&a, &o, "personId", &p, "00:11:22:33:44:77", GENERIC).await;
    let state = &hub.running.state;
    let threshold = patchbay_domain::sip::AUTH_FAILURE_THRESHOLD;
    // One short of the threshold: no alarm; an unknown user never raises one.
    for _ in 0..threshold - 1 {
        let r = state
            .registrar
            .record_auth_failure_for_tests(&user, &registrar, "203.0.113.9")
            .await;
        assert!(r.is_ok(), "{r:?}");
        let r = state
            .registrar
            .record_auth_failure_for_tests("nobody", &registrar, "203.0.113.9")
            .await;
        assert!(r.is_ok(), "{r:?}");
    }
    let mut seen = monitor::Seen::default();
    assert_eq!(monitor::failures(state, &mut seen).await.unwrap_or(9), 0);
    let security = |v: &serde_json::Value| {
        items(v, "items")
            .iter()
            .filter(|x| x["alarmType"] == "security")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert!(security(&ok(a.get("/v1/operations/alarms").await)).is_empty());
    let r = state
        .registrar
        .record_auth_failure_for_tests(&user, &registrar, "203.0.113.9")
        .await;
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(monitor::failures(state, &mut seen).await.unwrap_or(9), 1);
    // Nothing new: no repeat.
    assert_eq!(monitor::failures(state, &mut seen).await.unwrap_or(9), 0);
    let found = security(&ok(a.get("/v1/operations/alarms").await));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        s(&found[0], "description").contains(&user)
            && s(&found[0], "description").contains("203.0.113.9")
    );
    assert_eq!(s(&found[0], "severity"), "major");
    // The console names the registrar in the reader's language.
    hub.account("fr-sip", patchbay_domain::Role::Administrator)
        .await;
    let b = crate::common::Browser::new(&hub);
    b.login("fr-sip", crate::common::PASSWORD, "fr").await;
    b.submit("/com/terms", "/com/terms", &[]).await;
    let (_, html, _) = b.get("/com/alarms").await;
    assert!(
        html.contains("<td>Registraire SIP</td>"),
        "translated system name"
    );
    assert!(!html.contains("SIP registrar"));
    hub.stop().await;
}

#[tokio::test]
async fn sip_1_deleting_a_shared_line_member_removes_its_subscriber() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let p = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    let q = person(&a, &o, "bob@acme.test", "Bob", "Ray").await;
    let (d, _, _) = device(&a, &o, "personId", &p, "00:11:22:33:44:88", GENERIC).await;
    let id = device_id(&s(&d, "id"));
    let members = o.q(&format!(
        "/v1/telephony/config/devices/{}/members",
        s(&d, "id")
    ));
    let first = items(&ok(a.get(&members).await), "members")[0]["id"].clone();
    let (status, v) = a
        .put(&members, json!({"members": [{"id": first}, {"id": q}]}))
        .await;
    assert!(status.is_success(), "{status} {v}");
    assert_eq!(
        hub.store()
            .device_subscribers(id)
            .await
            .unwrap_or_default()
            .len(),
        2
    );
    assert_eq!(a.del(&o.q(&format!("/v1/people/{q}"))).await.as_u16(), 204);
    let left = hub.store().device_subscribers(id).await.unwrap_or_default();
    assert_eq!(
        left.iter().map(|x| x.port).collect::<Vec<_>>(),
        vec![1],
        "{left:?}"
    );
    hub.stop().await;
}

/// A password reset and a line change at the same time: whichever commits last, every line's key
/// is the key of the password the device ends with.
#[tokio::test]
async fn sip_1_parallel_reset_and_line_changes_leave_matching_keys() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let p = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    let q = person(&a, &o, "bob@acme.test", "Bob", "Ray").await;
    let (d, user, registrar) = device(&a, &o, "personId", &p, "00:11:22:33:44:99", GENERIC).await;
    let id = device_id(&s(&d, "id"));
    let members = o.q(&format!(
        "/v1/telephony/config/devices/{}/members",
        s(&d, "id")
    ));
    let first = items(&ok(a.get(&members).await), "members")[0]["id"].clone();
    let reset = o.q(&format!(
        "/v1/telephony/config/devices/{}/actions/resetSipPassword/invoke",
        s(&d, "id")
    ));
    for round in 0..4 {
        let lines = if round % 2 == 0 {
            json!({"members": [{"id": first}, {"id": q}]})
        } else {
            json!({"members": [{"id": first}]})
        };
        let (r1, r2, r3) = tokio::join!(
            a.post(&reset, json!({})),
            a.put(&members, lines),
            a.post(&reset, json!({}))
        );
        assert!(r1.0.is_success() && r2.0.is_success() && r3.0.is_success());
        let sealed = hub
            .store()
            .device_sealed_password(id)
            .await
            .unwrap_or_default();
        let pw = hub.running.state.secrets.open(&sealed).unwrap_or_default();
        for sub in hub.store().device_subscribers(id).await.unwrap_or_default() {
            let u = if sub.port == 1 {
                user.clone()
            } else {
                format!("{user}_{}", sub.port)
            };
            assert_eq!(
                sub.ha1,
                md5_hex(&format!("{u}:{registrar}:{pw}")),
                "round {round}, port {}",
                sub.port
            );
        }
    }
    hub.stop().await;
}
