//! Mobile lines (WGO-1 … WGO-5) through the API: the prerequisites checked on the server, the
//! subscription's units under parallel requests, the activation code mailed over SMTP or shown
//! when the organisation suppresses e-mail, and the one-time redemption for SIP registration
//! data — refused identically when used, expired or unknown, and rate-limited.

use crate::calling_api::{add_numbers, assert_field, ok, org, person, s, Org, Who, PEOPLE};
use crate::common::*;
use patchbay_domain::provisioning::parse_webex_id;
use patchbay_domain::{CustomerId, DeviceId, Role};
use reqwest::StatusCode;
use serde_json::{json, Value};

const SETTINGS: &str = "/v1/telephony/config/mobileSettings";
const ACTIVATE: &str = "/v1/activation";

async fn start_with_smtp(port: Option<u16>) -> (TestHub, String) {
    let hub = TestHub::start_with(|c| {
        c.sip_domain = Some("sip.example.test".into());
        c.smtp_url = port.map(|p| format!("smtp://127.0.0.1:{p}"));
    })
    .await;
    let t = hub.admin_token.clone();
    (hub, t)
}

/// `o` with mobile subscriptions of these sizes.
async fn grant(a: &Who<'_>, o: &Org, subs: Value) {
    let path = format!("/v1/operations/customers/{}/licenses", o.id);
    ok(a.put(&path, json!({ "mobileSubscriptions": subs })).await);
}

fn line_path(o: &Org, person: &str) -> String {
    o.q(&format!("{PEOPLE}/{person}/mobileLine"))
}

/// A person with a professional licence and the number `number` (given to them here).
async fn numbered(a: &Who<'_>, o: &Org, email: &str, number: &str) -> String {
    assert_eq!(
        add_numbers(a, &o.loc, json!({"phoneNumbers": [number]})).await,
        StatusCode::CREATED
    );
    let mut b = crate::calling_api::person_body(o, email, "Mo", "Bile");
    b["phoneNumbers"] = json!([{"type": "work", "value": number}]);
    s(&ok(a.post(PEOPLE, b).await), "id")
}

async fn suppress(a: &Who<'_>, o: &Org, yes: bool) {
    ok(a.put(&o.q(SETTINGS), json!({ "suppressEmail": yes })).await);
}

/// POST /v1/activation without a token.
async fn activate(hub: &TestHub, code: &str) -> (StatusCode, Value) {
    let r = hub
        .client()
        .post(hub.url(ACTIVATE))
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = r.status();
    let text = r.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn device_id(v: &Value) -> DeviceId {
    DeviceId(parse_webex_id("DEVICE", &s(v, "deviceId")).unwrap_or_else(|| panic!("{v}")))
}

async fn consumed(a: &Who<'_>, o: &Org, sub: &str) -> i64 {
    let v = ok(a
        .get(&o.q("/v1/telephony/config/mobileSubscriptions"))
        .await);
    v["items"]
        .as_array()
        .and_then(|i| i.iter().find(|x| x["subscriptionId"] == sub))
        .and_then(|x| x["consumedUnits"].as_i64())
        .unwrap_or(-1)
}

#[tokio::test]
async fn wgo_1_mobile_line_prerequisites_are_checked_on_the_server() {
    let (hub, t) = start_with_smtp(None).await;
    let a = Who(&hub, t);
    let o = org(&a, "mob1").await;
    // No subscription carries mobile lines yet.
    let p = numbered(&a, &o, "ann@mob1.test", "+33155550101").await;
    assert_field(
        a.post(&line_path(&o, &p), json!({})).await,
        "subscriptionId",
    );
    grant(&a, &o, json!({"Sub-go-1": 5})).await;
    // A basic licence is not enough.
    let mut basic = crate::calling_api::person_body(&o, "bob@mob1.test", "Bob", "Basic");
    basic["licenses"] = json!([o.basic]);
    let bob = s(&ok(a.post(PEOPLE, basic).await), "id");
    let (st, v) = a.post(&line_path(&o, &bob), json!({})).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    let all = descriptions(&v).join(" | ");
    assert!(all.contains("professional calling licence"), "{all}");
    // A location outside the countries mobile lines are offered in.
    let path = format!("/v1/locations?orgId={}", o.id);
    let berlin = json!({"name": "Berlin", "timeZone": "Europe/Berlin", "address": {"address1": "Unter den Linden 1",
        "city": "Berlin", "postalCode": "10117", "country": "DE"}});
    let de = s(&ok(a.post(&path, berlin).await), "id");
    let mut b = crate::calling_api::person_body(&o, "dora@mob1.test", "Dora", "De");
    b["locationId"] = json!(de);
    let dora = s(&ok(a.post(PEOPLE, b).await), "id");
    let (st, v) = a
        .post(&line_path(&o, &dora), json!({"phoneNumber": "+4930555"}))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    let all = descriptions(&v).join(" | ");
    assert!(all.contains("US, GB, FR"), "{all}");
    // No number: one is required, and it must be a free number of the person's location.
    let nona = person(&a, &o, "nona@mob1.test", "Nona", "Number").await;
    assert_field(
        a.post(&line_path(&o, &nona), json!({})).await,
        "phoneNumber",
    );
    let (st, v) = a
        .post(
            &line_path(&o, &nona),
            json!({"phoneNumber": "+33155559999"}),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "unknown number: {v}");
    assert_eq!(
        add_numbers(&a, &o.loc, json!({"phoneNumbers": ["+33155550102"]})).await,
        StatusCode::CREATED
    );
    let (st, v) = a
        .post(
            &line_path(&o, &nona),
            json!({"phoneNumber": "+33155550102"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let got = ok(a.get(&o.q(&format!("{PEOPLE}/{nona}"))).await);
    assert_eq!(got["phoneNumbers"][0]["value"], "+33155550102", "{got}");
    // The line is on the person's devices, as a mobile device.
    let devs = ok(a.get(&o.q(&format!("/v1/devices?personId={nona}"))).await);
    assert_eq!(
        devs["items"][0]["product"], "Mobile line (Webex Go)",
        "{devs}"
    );
    // One mobile line per person.
    assert_field(a.post(&line_path(&o, &nona), json!({})).await, "personId");
    // With two subscriptions the administrator chooses; an unknown one is refused.
    grant(&a, &o, json!({"Sub-go-2": 5})).await;
    assert_field(
        a.post(&line_path(&o, &p), json!({})).await,
        "subscriptionId",
    );
    assert_field(
        a.post(&line_path(&o, &p), json!({"subscriptionId": "Sub-nope"}))
            .await,
        "subscriptionId",
    );
    let (st, v) = a
        .post(&line_path(&o, &p), json!({"subscriptionId": "Sub-go-2"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(consumed(&a, &o, "Sub-go-2").await, 1);
    // A customer administrator of another customer sees no such person.
    let other = org(&a, "mob1b").await;
    let cid = CustomerId(uuid::Uuid::parse_str(&other.id).unwrap_or_else(|e| panic!("{e}")));
    let (_, token) = hub
        .account_of(Some(cid), "mob1b-admin", Role::CustomerAdmin, |_| {})
        .await;
    let stranger = Who(&hub, token);
    let (st, _) = stranger
        .post(&format!("{PEOPLE}/{dora}/mobileLine"), json!({}))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    hub.stop().await;
}

#[tokio::test]
async fn wgo_1_subscription_units_hold_under_parallel_requests() {
    let (hub, t) = start_with_smtp(None).await;
    let a = Who(&hub, t);
    let o = org(&a, "mob2").await;
    grant(&a, &o, json!({"Sub-go": 3})).await;
    let mut people = Vec::new();
    for i in 0..8 {
        let n = format!("+3315555020{i}");
        people.push(numbered(&a, &o, &format!("p{i}@mob2.test"), &n).await);
    }
    let paths: Vec<String> = people.iter().map(|p| line_path(&o, p)).collect();
    let results = futures_util::future::join_all(paths.iter().map(|p| a.post(p, json!({})))).await;
    let made: Vec<&Value> = results
        .iter()
        .filter(|(st, _)| *st == StatusCode::CREATED)
        .map(|(_, v)| v)
        .collect();
    assert_eq!(made.len(), 3, "{results:?}");
    for (st, v) in &results {
        if *st != StatusCode::CREATED {
            assert_field((*st, v.clone()), "subscriptionId");
        }
    }
    assert_eq!(consumed(&a, &o, "Sub-go").await, 3);
    // Lowering below what is taken is refused; to what is taken is fine.
    let path = format!("/v1/operations/customers/{}/licenses", o.id);
    assert_field(
        a.put(&path, json!({"mobileSubscriptions": {"Sub-go": 2}}))
            .await,
        "mobileSubscriptions",
    );
    ok(a.put(&path, json!({"mobileSubscriptions": {"Sub-go": 3}}))
        .await);
    // Deleting the device gives its unit back; so does deleting a person with theirs.
    let first = device_id(made[0]);
    let wid = patchbay_domain::provisioning::webex_id("DEVICE", &first.0);
    assert_eq!(
        a.del(&o.q(&format!("/v1/devices/{wid}"))).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(consumed(&a, &o, "Sub-go").await, 2);
    let lines = ok(a.get(&o.q("/v1/telephony/config/mobileLines")).await);
    let owner = s(&lines["items"][0], "personId");
    assert_eq!(
        a.del(&o.q(&format!("{PEOPLE}/{owner}"))).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(consumed(&a, &o, "Sub-go").await, 1);
    hub.stop().await;
}

#[tokio::test]
async fn wgo_2_activation_code_is_mailed_over_smtp_or_shown_when_email_is_suppressed() {
    let (port, got) = crate::mail::smtp_sink().await;
    let (hub, t) = start_with_smtp(Some(port)).await;
    let a = Who(&hub, t);
    let o = org(&a, "mob3").await;
    grant(&a, &o, json!({"Sub-go": 5})).await;
    let p = numbered(&a, &o, "mia@mob3.test", "+33155550301").await;
    let (st, v) = a.post(&line_path(&o, &p), json!({"language": "fr"})).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["mailedTo"], "mia@mob3.test", "{v}");
    assert!(
        v.get("activationCode").is_none(),
        "mailed codes are not shown: {v}"
    );
    let expiry = jiff::Timestamp::strptime("%Y-%m-%dT%H:%M:%S%.fZ", s(&v, "expiryTime"))
        .or_else(|_| s(&v, "expiryTime").parse::<jiff::Timestamp>())
        .unwrap_or_else(|e| panic!("{e}: {v}"));
    let days = (expiry - jiff::Timestamp::now()).get_seconds() / 86_400;
    assert!((89..=90).contains(&days), "expires in {days} days");
    // The mail reaches the SMTP server, in French, with the code in groups of four.
    let mut mail = String::new();
    for _ in 0..100 {
        if let Some(m) = got.lock().ok().and_then(|g| g.last().cloned()) {
            mail = m;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(mail.contains("To: mia@mob3.test"), "{mail}");
    let code = regex_code(&mail).unwrap_or_else(|| panic!("no code in {mail}"));
    // The mailed code activates the line.
    let (st, v) = activate(&hub, &code).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    // An organisation that suppresses e-mail gets the code to hand over itself.
    suppress(&a, &o, true).await;
    let q = ok(a.get(&o.q(SETTINGS)).await);
    assert_eq!(
        q,
        json!({"suppressEmail": true, "countries": ["US", "GB", "FR"]})
    );
    let before = got.lock().map(|g| g.len()).unwrap_or(0);
    let p2 = numbered(&a, &o, "max@mob3.test", "+33155550302").await;
    let (st, v) = a.post(&line_path(&o, &p2), json!({})).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert!(v.get("mailedTo").is_none(), "{v}");
    let shown = s(&v, "activationCode");
    assert_eq!(shown.replace(' ', "").len(), 16, "{v}");
    // A new code replaces it; the old one no longer activates.
    let path = o.q(&format!("{PEOPLE}/{p2}/mobileLine/activationCode"));
    let again = ok(a.post(&path, json!({})).await);
    assert_ne!(s(&again, "activationCode"), shown);
    let (st, _) = activate(&hub, &shown).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, v) = activate(&hub, &s(&again, "activationCode")).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    // An activated line gets no new code.
    let (st, _) = a.post(&path, json!({})).await;
    assert_eq!(st, StatusCode::CONFLICT);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        got.lock().map(|g| g.len()).unwrap_or(0),
        before,
        "nothing mailed while suppressed"
    );
    hub.stop().await;
}

/// The 16 digits of `1234 5678 9012 3456` in a mail.
fn regex_code(mail: &str) -> Option<String> {
    mail.lines().find_map(|l| {
        let digits: String = l.chars().filter(|c| !c.is_whitespace()).collect();
        let at = digits.find(|c: char| c.is_ascii_digit())?;
        let run: String = digits[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        (run.len() == 16 && l.trim().len() == 19).then_some(run)
    })
}

#[tokio::test]
async fn wgo_5_a_code_redeems_once_for_sip_registration_data() {
    let (hub, t) = start_with_smtp(None).await;
    let a = Who(&hub, t);
    let o = org(&a, "mob5").await;
    grant(&a, &o, json!({"Sub-go": 5})).await;
    suppress(&a, &o, true).await;
    let p = numbered(&a, &o, "lea@mob5.test", "+33155550501").await;
    let v = a.post(&line_path(&o, &p), json!({})).await.1;
    let code = s(&v, "activationCode");
    let device = device_id(&v);
    // Ten parallel redemptions of one code: exactly one gets the registration data.
    let tries = futures_util::future::join_all((0..10).map(|_| activate(&hub, &code))).await;
    let won: Vec<&Value> = tries
        .iter()
        .filter(|(st, _)| *st == StatusCode::OK)
        .map(|(_, v)| v)
        .collect();
    assert_eq!(won.len(), 1, "{tries:?}");
    let data = won[0];
    let user = s(data, "sipUserName");
    let password = s(data, "sipPassword");
    assert_eq!(
        s(data, "linePort"),
        format!("{user}@{}", s(data, "registrarDomain"))
    );
    assert!(
        s(data, "registrarDomain").ends_with(".sip.example.test"),
        "{data}"
    );
    assert_eq!(s(data, "outboundProxy"), "sip.example.test");
    // The registrar's key is the one of the password handed out (the phone can register).
    let subs = hub.store().device_subscribers(device).await;
    let subs = subs.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(subs.len(), 1);
    let ha1 = patchbay_domain::sip::ha1(&user, &subs[0].domain, &password);
    assert_eq!(subs[0].ha1, ha1);
    // Used, unknown and malformed codes: the same refusal.
    let used = activate(&hub, &code).await;
    let unknown = activate(&hub, "0000 0000 0000 0001").await;
    let malformed = activate(&hub, "not a code").await;
    for (st, v) in [&used, &unknown, &malformed] {
        assert_eq!(*st, StatusCode::BAD_REQUEST, "{v}");
        assert_eq!(descriptions(v), descriptions(&used.1));
    }
    // An expired code: the same.
    let p2 = numbered(&a, &o, "leo@mob5.test", "+33155550502").await;
    let v = a.post(&line_path(&o, &p2), json!({})).await.1;
    let old = s(&v, "activationCode");
    hub.store()
        .expire_activation_codes_for_tests(device_id(&v))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let expired = activate(&hub, &old).await;
    assert_eq!(expired.0, StatusCode::BAD_REQUEST);
    assert_eq!(descriptions(&expired.1), descriptions(&used.1));
    let lines = ok(a.get(&o.q("/v1/telephony/config/mobileLines")).await);
    let states: Vec<(String, String)> = lines["items"]
        .as_array()
        .map(|i| i.iter().map(|l| (s(l, "email"), s(l, "state"))).collect())
        .unwrap_or_default();
    assert!(
        states.contains(&("lea@mob5.test".into(), "activated".into())),
        "{states:?}"
    );
    assert!(
        states.contains(&("leo@mob5.test".into(), "expired".into())),
        "{states:?}"
    );
    hub.stop().await;
}

#[tokio::test]
async fn wgo_5_activation_is_rate_limited_even_for_a_right_code() {
    let (hub, t) = start_with_smtp(None).await;
    let a = Who(&hub, t);
    let o = org(&a, "mob6").await;
    grant(&a, &o, json!({"Sub-go": 5})).await;
    suppress(&a, &o, true).await;
    let p = numbered(&a, &o, "rae@mob6.test", "+33155550601").await;
    let code = s(
        &a.post(&line_path(&o, &p), json!({})).await.1,
        "activationCode",
    );
    // Parallel guesses: at most the limit are answered 400, the rest 429 with Retry-After.
    let guesses = futures_util::future::join_all((0..40).map(|i| {
        let hub = &hub;
        async move { activate(hub, &format!("{:016}", 1_000 + i)).await.0 }
    }))
    .await;
    let refused = guesses
        .iter()
        .filter(|s| **s == StatusCode::BAD_REQUEST)
        .count();
    let limited = guesses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(refused + limited, 40, "{guesses:?}");
    assert!(refused <= 20, "{refused} guesses answered before the limit");
    assert!(limited >= 20, "{guesses:?}");
    // Blocked: even the right code waits.
    let (st, _) = activate(&hub, &code).await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    hub.stop().await;
}

#[tokio::test]
async fn wgo_3_console_adds_a_mobile_line_from_the_person_and_the_wizard() {
    let (port, _got) = crate::mail::smtp_sink().await;
    let (hub, t) = start_with_smtp(Some(port)).await;
    let a = Who(&hub, t);
    let o = org(&a, "mob7").await;
    let cid = CustomerId(uuid::Uuid::parse_str(&o.id).unwrap_or_else(|e| panic!("{e}")));
    let ca = crate::fixtures::customer_admin(&hub, "mob7-admin", cid).await;
    // No subscription yet: the page says so, and the form refuses with the reason.
    let (st, html, _) = ca.get("/com/calling/mobile").await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("id=\"mobile-no-subscriptions\""), "{html}");
    assert!(html.contains("US, GB, FR"));
    let p = numbered(&a, &o, "ivy@mob7.test", "+33155550701").await;
    let pid = parse_webex_id("PEOPLE", &p).unwrap_or_else(|| panic!("{p}"));
    let person_page = format!("/com/calling/people/{pid}");
    let form = format!("{person_page}/mobile");
    let (st, html, _) = ca.get(&person_page).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("id=\"person-add-mobile\""), "{html}");
    let (st, html, _) = ca.submit(&form, &form, &[]).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("data-field=\"subscriptionId\">has no subscription"),
        "{html}"
    );
    grant(&a, &o, json!({"Sub-go-a": 2, "Sub-go-b": 2})).await;
    // Two subscriptions: the form offers them; the person has a number, so none is asked.
    let (_, html, _) = ca.get(&form).await;
    assert!(html.contains("id=\"subscriptionId\"") && html.contains("Sub-go-b (2/2)"));
    assert!(!html.contains("id=\"phoneNumber\""));
    let (st, html, _) = ca
        .submit(&form, &form, &[("subscriptionId", "Sub-go-b")])
        .await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"mobile-code-mailed\""), "{html}");
    assert!(html.contains("ivy@mob7.test"));
    let (_, html, _) = ca.get(&person_page).await;
    assert!(html.contains("data-state=\"pending\""), "{html}");
    // Suppress e-mail from the mobile page: the next code is shown, and it activates.
    let (st, _, loc) = ca
        .submit(
            "/com/calling/mobile",
            "/com/calling/mobile",
            &[("suppressEmail", "on")],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some("/com/calling/mobile?done=saved"));
    let (_, html, _) = ca.get("/com/calling/mobile?done=saved").await;
    assert!(html.contains("id=\"suppress-email\" checked"), "{html}");
    assert!(html.contains("Settings saved."));
    let code_path = format!("{person_page}/mobile/code");
    let (st, html, _) = ca.submit(&person_page, &code_path, &[]).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    let code = html
        .split("id=\"activation-code\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap_or_else(|| panic!("no code shown: {html}"))
        .to_string();
    assert!(
        html.contains("href=\"mailto:ivy@mob7.test?subject="),
        "{html}"
    );
    let (st, v) = activate(&hub, &code).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (_, html, _) = ca.get(&person_page).await;
    assert!(html.contains("data-state=\"activated\""), "{html}");
    assert!(
        !html.contains("id=\"mobile-new-code\""),
        "activated: no new code"
    );
    // WGO-3: the wizard offers the mobile line for a person; a person without a number
    // chooses one of the location's free numbers.
    let q = person(&a, &o, "quinn@mob7.test", "Quinn", "Q").await;
    let qid = parse_webex_id("PEOPLE", &q).unwrap_or_else(|| panic!("{q}"));
    let (_, html, _) = ca
        .get(&format!(
            "/com/calling/devices/new?usage=person&person={qid}"
        ))
        .await;
    let link = format!("href=\"/com/calling/people/{qid}/mobile\"");
    assert!(html.contains(&link), "{html}");
    assert_eq!(
        crate::calling_api::add_numbers(&a, &o.loc, json!({"phoneNumbers": ["+33155550799"]}))
            .await,
        StatusCode::CREATED
    );
    let qform = format!("/com/calling/people/{qid}/mobile");
    let (_, html, _) = ca.get(&qform).await;
    assert!(
        html.contains("id=\"phoneNumber\"") && html.contains("+33155550799"),
        "{html}"
    );
    let (st, html, _) = ca
        .submit(
            &qform,
            &qform,
            &[
                ("subscriptionId", "Sub-go-a"),
                ("phoneNumber", "+33155550799"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"activation-code\""), "{html}");
    let (_, html, _) = ca.get("/com/calling/mobile").await;
    assert!(
        html.contains("Quinn Q") && html.contains("Mo Bile"),
        "{html}"
    );
    assert!(html.contains("data-state=\"activated\"") && html.contains("data-state=\"pending\""));
    hub.stop().await;
}
