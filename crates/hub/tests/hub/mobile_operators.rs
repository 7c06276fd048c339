//! Mobile-operator numbers (MOB-1 … MOB-3) through the API: a location's operator account
//! authorised by the operator through its own API and token (Pending up to 48 hours, then Failed
//! by itself), up to 20 of its numbers per request each checked with its reason, a support case
//! instead, and an operator's number given to a person bringing their mobile device.

use crate::calling_api::{add_numbers, ok, org, person_body, s, Org, Who, PEOPLE};
use crate::common::*;
use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const OPS: &str = "/v1/operations/mobileOperators";
const AUTHS: &str = "/v1/mobileOperator/authorizations";

/// A new operator and its token.
async fn operator(a: &Who<'_>, name: &str) -> (String, String) {
    let (st, v) = a.post(OPS, json!({ "name": name })).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    (s(&v, "id"), s(&v, "token"))
}

fn account_path(o: &Org) -> String {
    o.q(&format!(
        "/v1/telephony/config/locations/{}/operatorAccount",
        o.loc
    ))
}

fn numbers_path(o: &Org) -> String {
    o.q(&format!(
        "/v1/telephony/config/locations/{}/mobileNumbers",
        o.loc
    ))
}

/// The operator's own API, with its token.
async fn as_operator(
    hub: &TestHub,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let r = hub.api(token, method, path, body).await;
    let st = r.status();
    (st, r.json().await.unwrap_or(Value::Null))
}

async fn request(a: &Who<'_>, o: &Org, op: &str, id: &str, confirm: &str) -> (StatusCode, Value) {
    let b = json!({"operatorId": op, "operatorAccountId": id, "confirmOperatorAccountId": confirm});
    a.post(&account_path(o), b).await
}

/// An organisation whose location's account `op` has authorised.
async fn authorised(a: &Who<'_>, label: &str, op: &str, token: &str) -> Org {
    let o = org(a, label).await;
    let (st, v) = request(a, &o, op, &format!("ACC-{label}"), &format!("ACC-{label}")).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let path = format!("{AUTHS}/{}", s(&v, "id"));
    let (st, v) = as_operator(
        a.0,
        token,
        Method::PUT,
        &path,
        Some(json!({"status": "authorized"})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    o
}

#[tokio::test]
async fn mob_1_an_operator_account_is_authorised_by_the_operator_through_its_own_api() {
    let hub = TestHub::start().await;
    let a = Who(&hub, hub.admin_token.clone());
    let (op, token) = operator(&a, "Orange Business").await;
    let (other, other_token) = operator(&a, "Bouygues Pro").await;
    let o = org(&a, "mob1op").await;
    let choices = ok(a.get(&o.q("/v1/telephony/config/mobileOperators")).await);
    assert_eq!(
        choices["items"].as_array().map(Vec::len),
        Some(2),
        "{choices}"
    );
    // The ID typed twice the same, or nothing.
    let (st, v) = request(&a, &o, &op, "ACME-4711", "ACME-4712").await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    assert!(descriptions(&v).join(" ").contains("does not match"), "{v}");
    let (st, _) = a.get(&account_path(&o)).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // Two requests at once for the location: one account; its ID never changes afterwards.
    let tries: Vec<(StatusCode, Value)> = futures_util::stream::iter(0..6)
        .map(|i| {
            let id = format!("ACME-47{i:02}");
            let (a, o, op) = (&a, &o, &op);
            async move { request(a, o, op, &id, &id).await }
        })
        .buffer_unordered(6)
        .collect()
        .await;
    let made: Vec<&Value> = tries
        .iter()
        .filter(|(st, _)| *st == StatusCode::CREATED)
        .map(|(_, v)| v)
        .collect();
    assert_eq!(made.len(), 1, "{tries:?}");
    let acc = made[0].clone();
    assert_eq!(acc["status"], "pending", "{acc}");
    assert!(acc["expiryTime"].is_string(), "{acc}");
    let id = s(&acc, "id");
    let (st, _) = request(&a, &o, &op, "OTHER-1", "OTHER-1").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let got = ok(a.get(&account_path(&o)).await);
    assert_eq!(got["operatorAccountId"], acc["operatorAccountId"], "{got}");
    // No numbers before the operator authorises.
    let (st, v) = a
        .post(&numbers_path(&o), json!({"phoneNumbers": ["+33612345678"]}))
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    // The operator's API takes the operator's token only: a staff token is refused there, and
    // the operator's token is refused everywhere else.
    let (st, _) = as_operator(&hub, &a.1, Method::GET, AUTHS, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = as_operator(&hub, &token, Method::GET, "/v1/people", None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, v) = as_operator(
        &hub,
        &token,
        Method::GET,
        &format!("{AUTHS}?status=pending"),
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["items"][0]["id"], id.as_str(), "{v}");
    let (_, v) = as_operator(&hub, &other_token, Method::GET, AUTHS, None).await;
    assert_eq!(v["items"].as_array().map(Vec::len), Some(0), "{v}");
    let (st, _) = as_operator(
        &hub,
        &token,
        Method::GET,
        &format!("{AUTHS}?status=maybe"),
        None,
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    // Another operator cannot answer it.
    let path = format!("{AUTHS}/{id}");
    let fail = Some(json!({"status": "failed"}));
    let authorise = Some(json!({"status": "authorized"}));
    let (st, _) = as_operator(&hub, &other_token, Method::PUT, &path, authorise.clone()).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // Pending → Failed; a failed one is not failed again; Failed → Authorized; an authorised one
    // is not failed afterwards.
    let (st, v) = as_operator(&hub, &token, Method::PUT, &path, fail.clone()).await;
    assert_eq!(
        (st, v["status"].clone()),
        (StatusCode::OK, json!("failed")),
        "{v}"
    );
    let (st, _) = as_operator(&hub, &token, Method::PUT, &path, fail.clone()).await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, v) = as_operator(&hub, &token, Method::PUT, &path, authorise.clone()).await;
    assert_eq!(
        (st, v["status"].clone()),
        (StatusCode::OK, json!("authorized")),
        "{v}"
    );
    let (st, _) = as_operator(&hub, &token, Method::PUT, &path, fail.clone()).await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, _) = as_operator(
        &hub,
        &token,
        Method::PUT,
        &path,
        Some(json!({"status": "maybe"})),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(ok(a.get(&account_path(&o)).await)["status"], "authorized");
    // A request left unanswered 48 hours has failed by itself: it can no longer be failed, only
    // authorised.
    let o2 = org(&a, "mob1late").await;
    let (_, v) = request(&a, &o2, &op, "LATE-1", "LATE-1").await;
    let late = s(&v, "id");
    hub.store()
        .age_operator_account_for_tests(late.parse().unwrap_or_default(), 48)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok(a.get(&account_path(&o2)).await)["status"], "failed");
    let (_, v) = as_operator(
        &hub,
        &token,
        Method::GET,
        &format!("{AUTHS}?status=failed"),
        None,
    )
    .await;
    assert!(
        v["items"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|x| x["id"] == late.as_str()),
        "{v}"
    );
    let late_path = format!("{AUTHS}/{late}");
    let (st, _) = as_operator(&hub, &token, Method::PUT, &late_path, fail).await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, _) = as_operator(&hub, &token, Method::PUT, &late_path, authorise).await;
    assert_eq!(st, StatusCode::OK);
    // A new token: the old one stops working.
    let (st, v) = a.post(&format!("{OPS}/{op}/token"), json!({})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _) = as_operator(&hub, &token, Method::GET, AUTHS, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = as_operator(&hub, &s(&v, "token"), Method::GET, AUTHS, None).await;
    assert_eq!(st, StatusCode::OK);
    // Only hub Administrators manage operators.
    let (_, support) = hub
        .account("mob-support", patchbay_domain::Role::Support)
        .await;
    let (st, _) = Who(&hub, support).post(OPS, json!({"name": "Nope"})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let _ = other;
    hub.stop().await;
}

#[tokio::test]
async fn mob_2_up_to_20_numbers_each_checked_with_its_reason_or_a_support_case() {
    let hub = TestHub::start().await;
    let a = Who(&hub, hub.admin_token.clone());
    let (op, token) = operator(&a, "Free Pro").await;
    let o = authorised(&a, "mob2", &op, &token).await;
    assert_eq!(
        add_numbers(&a, &o.loc, json!({"phoneNumbers": ["+33699999999"]})).await,
        StatusCode::CREATED
    );
    // Every number at fault, with its reason; then none is added.
    let typed = "+33 6 12 34 56 78, +33155550101, +447700900123, 06 12, +33612345678, +33699999999";
    let (st, v) = a
        .post(&numbers_path(&o), json!({"phoneNumbers": [typed]}))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    let all = descriptions(&v);
    assert_eq!(all.len(), 5, "{all:?}");
    assert!(
        all[0].starts_with("+33155550101: ") && all[0].contains("not a mobile number"),
        "{all:?}"
    );
    assert!(
        all[1].starts_with("+447700900123: ") && all[1].contains("(FR)"),
        "{all:?}"
    );
    assert!(
        all[2].starts_with("06 12: ") && all[2].contains("not"),
        "{all:?}"
    );
    assert!(all[3].starts_with("+33612345678: "), "{all:?}");
    assert!(
        all[4].starts_with("+33699999999: ") && all[4].contains("in use"),
        "{all:?}"
    );
    let mobile = ok(a
        .get(&o.q("/v1/telephony/config/numbers?numberType=MOBILE"))
        .await);
    assert_eq!(
        mobile["phoneNumbers"].as_array().map(Vec::len),
        Some(0),
        "{mobile}"
    );
    // More than 20 at once: refused as a whole.
    let many: Vec<String> = (0..21).map(|i| format!("+3361100{i:04}")).collect();
    let (st, v) = a
        .post(&numbers_path(&o), json!({"phoneNumbers": many}))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    // Twenty good ones: all added, as mobile numbers of the location.
    let twenty: Vec<String> = (0..20)
        .map(|i| format!("+33 6 11 00 {:02} {:02}", i / 100, i % 100))
        .collect();
    let (st, v) = a
        .post(
            &numbers_path(&o),
            json!({"phoneNumbers": [twenty.join(", ")]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["phoneNumbers"][0], "+33611000000", "{v}");
    let mobile = ok(a
        .get(&o.q("/v1/telephony/config/numbers?numberType=MOBILE"))
        .await);
    assert_eq!(
        mobile["phoneNumbers"].as_array().map(Vec::len),
        Some(20),
        "{mobile}"
    );
    // A support case instead (saying what is needed).
    let path = o.q(&format!(
        "/v1/telephony/config/locations/{}/supportCases",
        o.loc
    ));
    let (st, _) = a.post(&path, json!({"details": "  "})).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, v) = a
        .post(
            &path,
            json!({"details": "Please port our 40 company mobiles"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["topic"], "mobile-numbers");
    let cases = ok(a.get(&o.q("/v1/telephony/config/supportCases")).await);
    assert_eq!(
        cases["items"][0]["details"], "Please port our 40 company mobiles",
        "{cases}"
    );
    hub.stop().await;
}

#[tokio::test]
async fn mob_3_an_operator_number_as_primary_brings_the_mobile_device() {
    let hub = TestHub::start().await;
    let a = Who(&hub, hub.admin_token.clone());
    let (op, token) = operator(&a, "SFR Business").await;
    let o = authorised(&a, "mob3", &op, &token).await;
    assert_eq!(
        add_numbers(
            &a,
            &o.loc,
            json!({"phoneNumbers": ["+33155550301"], "state": "ACTIVE"})
        )
        .await,
        StatusCode::CREATED
    );
    let (st, v) = a
        .post(
            &numbers_path(&o),
            json!({"phoneNumbers": ["+33 6 55 00 03 01"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let mut b = person_body(&o, "mona@mob3.test", "Mona", "Mobile");
    b["phoneNumbers"] = json!([{"type": "work", "value": "+33155550301"}]);
    let p = s(&ok(a.post(PEOPLE, b.clone()).await), "id");
    let devices = |p: String| {
        let a = &a;
        let o = &o;
        async move {
            let v = ok(a.get(&o.q(&format!("/v1/devices?personId={p}"))).await);
            v["items"].as_array().cloned().unwrap_or_default()
        }
    };
    assert!(devices(p.clone()).await.is_empty());
    // The mobile number replaces the fixed primary number; the mobile device comes with it.
    b["phoneNumbers"] = json!([{"type": "work", "value": "+33655000301"}]);
    let (st, v) = a.put(&o.q(&format!("{PEOPLE}/{p}")), b.clone()).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let got = ok(a.get(&o.q(&format!("{PEOPLE}/{p}"))).await);
    assert_eq!(got["phoneNumbers"][0]["value"], "+33655000301", "{got}");
    let devs = devices(p.clone()).await;
    assert_eq!(devs.len(), 1, "{devs:?}");
    assert_eq!(devs[0]["product"], "Mobile line (Webex Go)", "{devs:?}");
    let fixed = ok(a
        .get(&o.q("/v1/telephony/config/numbers?phoneNumber=%2B33155550301"))
        .await);
    assert!(
        fixed["phoneNumbers"][0]["owner"].is_null(),
        "the fixed number is free: {fixed}"
    );
    // Saving again keeps the one device; the fixed number back takes it away.
    let (st, _) = a.put(&o.q(&format!("{PEOPLE}/{p}")), b.clone()).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(devices(p.clone()).await.len(), 1);
    b["phoneNumbers"] = json!([{"type": "work", "value": "+33155550301"}]);
    let (st, _) = a.put(&o.q(&format!("{PEOPLE}/{p}")), b).await;
    assert_eq!(st, StatusCode::OK);
    assert!(devices(p.clone()).await.is_empty());
    // A mobile number added by hand (not through an operator account) brings no device.
    assert_eq!(
        add_numbers(
            &a,
            &o.loc,
            json!({"phoneNumbers": ["+33655000399"], "numberType": "MOBILE"})
        )
        .await,
        StatusCode::CREATED
    );
    let mut c = person_body(&o, "hand@mob3.test", "Hand", "Made");
    c["phoneNumbers"] = json!([{"type": "work", "value": "+33655000399"}]);
    let q = s(&ok(a.post(PEOPLE, c).await), "id");
    assert!(devices(q).await.is_empty());
    hub.stop().await;
}

#[tokio::test]
async fn mob_1_the_console_requests_in_two_steps_and_shows_each_number_at_fault() {
    let hub = TestHub::start().await;
    let a = Who(&hub, hub.admin_token.clone());
    let b = crate::fixtures::admin_browser(&hub, "mob-admin").await;
    // The operators page: a new operator's token is shown once.
    let (st, html, _) = b
        .submit(
            "/com/mobile-operators",
            "/com/mobile-operators",
            &[("name", "Console Mobile")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{html}");
    let token = html
        .split("id=\"mop-token-value\" translate=\"no\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap_or_default()
        .to_string();
    assert!(token.starts_with("pbmo_"), "{html}");
    let ops = ok(a.get("/v1/operations/mobileOperators").await);
    let op = s(&ops["items"][0], "id");
    let o = org(&a, "mob1con").await;
    let loc = patchbay_domain::provisioning::parse_webex_id("LOCATION", &o.loc)
        .unwrap_or_else(|| panic!("location id {}", o.loc));
    let page = format!("/com/calling/locations/{loc}?org={}", o.id);
    let (st, html, _) = b.get(&page).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("id=\"mob-request\""), "{html}");
    let form = format!("/com/calling/locations/{loc}/operator?org={}", o.id);
    // Next with two different IDs: the form again, the confirmation field marked.
    let (st, html, _) = b
        .submit(
            &form,
            &form,
            &[
                ("operatorId", op.as_str()),
                ("operatorAccountId", "CON-1"),
                ("confirmOperatorAccountId", "CON-2"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(html.contains("does not match"), "{html}");
    // Next with the same ID twice: the confirmation step, nothing stored yet.
    let fields = [
        ("operatorId", op.as_str()),
        ("operatorAccountId", "CON-1"),
        ("confirmOperatorAccountId", "CON-1"),
    ];
    let (st, html, _) = b.submit(&form, &form, &fields).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("id=\"mob-confirm-warning\""), "{html}");
    let (st, _) = a.get(&account_path(&o)).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let mut confirmed = fields.to_vec();
    confirmed.push(("confirmed", "on"));
    let (st, _, to) = b.submit(&form, &form, &confirmed).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert!(to.unwrap_or_default().contains("done=operator"));
    let acc = ok(a.get(&account_path(&o)).await);
    assert_eq!(acc["status"], "pending");
    // Asked again: back to the location, the ID unchanged.
    let (st, _, _) = b.get(&form).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let path = format!("{AUTHS}/{}", s(&acc, "id"));
    let authorise = Some(json!({"status": "authorized"}));
    let (st, _) = as_operator(&hub, &token, Method::PUT, &path, authorise).await;
    assert_eq!(st, StatusCode::OK);
    let (_, html, _) = b.get(&page).await;
    assert!(
        html.contains("data-status=\"authorized\"") && html.contains("id=\"mob-add-numbers\""),
        "{html}"
    );
    let numbers = format!("/com/calling/locations/{loc}/mobile-numbers?org={}", o.id);
    let typed = "+33 6 70 00 00 01, +33155550101";
    let (st, html, _) = b
        .submit(&numbers, &numbers, &[("phoneNumbers", typed)])
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("+33155550101</span>: is not a mobile number"),
        "{html}"
    );
    assert!(html.contains(typed), "what was typed is kept: {html}");
    let (st, _, to) = b
        .submit(&numbers, &numbers, &[("phoneNumbers", "+33 6 70 00 00 01")])
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert!(to.unwrap_or_default().contains("done=numbers"));
    let case = format!("/com/calling/locations/{loc}/support-case?org={}", o.id);
    let (st, _, _) = b
        .submit(&case, &case, &[("details", "Ten more, please")])
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, html, _) = b.get(&page).await;
    assert!(html.contains("Ten more, please"), "{html}");
    hub.stop().await;
}
