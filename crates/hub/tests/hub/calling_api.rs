//! SPEC §15 through the Webex-compatible API: devices (DEV-1 … DEV-8), workspaces (WSP-1 … WSP-3),
//! numbers (NUM-1), licences, tenant isolation for customer administrators (RBAC-5), and the list
//! and `orgId` conventions Webex clients rely on (API-2).

use crate::common::*;
use crate::fixtures;
use patchbay_domain::provisioning::{check_sip_password, parse_webex_id, webex_id};
use patchbay_domain::{AccountId, DeviceId, Role};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const SIP_DOMAIN: &str = "sip.example.test";
/// Meets the DEV-4 policy: 16 characters, every class, no character three times in a row.
const STRONG: &str = "Xk7*mQ2_pL9=vR4+";
pub(crate) const GENERIC: &str = "Generic IPPhone Customer Managed";
const PARTNER: &str = "Partner Managed Yealink T33G";
const FAX: &str = "Fax Service Customer Managed";
pub(crate) const PRO: &str = "Webex Calling - Professional";
pub(crate) const WS: &str = "/v1/workspaces";
pub(crate) const PEOPLE: &str = "/v1/people";
pub(crate) const NUMBERS: &str = "/v1/telephony/config/numbers";

/// A customer with licences to spare and one location, `HQ`.
pub(crate) struct Org {
    pub id: String,
    pub loc: String,
    pub pro: String,
    pub basic: String,
    pub common: String,
}

impl Org {
    /// `path` acting on this organisation.
    pub fn q(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}orgId={}", self.id)
    }
}

/// Someone calling the API with a token.
pub(crate) struct Who<'a>(pub &'a TestHub, pub String);

impl Who<'_> {
    pub async fn go(&self, m: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let r = self.0.api(&self.1, m, path, body).await;
        let status = r.status();
        let text = r.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.go(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.go(Method::POST, path, Some(body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.go(Method::PUT, path, Some(body)).await
    }
    pub async fn del(&self, path: &str) -> StatusCode {
        self.go(Method::DELETE, path, None).await.0
    }
    /// POST /v1/devices for `o`.
    pub async fn dev(&self, o: &Org, b: Value) -> (StatusCode, Value) {
        self.post(&o.q("/v1/devices"), b).await
    }
    /// The raw body of a GET, to search for what must never appear.
    pub async fn raw(&self, path: &str) -> String {
        let r = self.0.api(&self.1, Method::GET, path, None).await;
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        r.text().await.unwrap_or_default()
    }
}

pub(crate) async fn start() -> (TestHub, String) {
    let hub = TestHub::start_with(|c| c.sip_domain = Some(SIP_DOMAIN.into())).await;
    let token = hub.admin_token.clone();
    (hub, token)
}

pub(crate) fn s(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

pub(crate) fn items<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key].as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// `field` of every element of the list under `key`.
pub(crate) fn ids(v: &Value, key: &str, field: &str) -> Vec<String> {
    items(v, key).iter().map(|i| s(i, field)).collect()
}

/// A 400 with the Webex error body, naming `field`.
pub(crate) fn assert_field((status, v): (StatusCode, Value), field: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {v}");
    assert_eq!(v["errors"][0]["errorCode"], 4000, "{v}");
    assert!(v["trackingId"].is_string(), "{v}");
    let prefix = format!("{field}:");
    let found = descriptions(&v).iter().any(|d| d.starts_with(&prefix));
    assert!(found, "no {field} error in {v}");
}

fn assert_conflict((status, v): (StatusCode, Value), text: &str) {
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["errors"][0]["errorCode"], 4090, "{v}");
    let all = descriptions(&v).join(" ");
    assert!(all.contains(text), "{text} not in {v}");
}

/// The body of a 200, or a panic with what came instead.
pub(crate) fn ok((status, v): (StatusCode, Value)) -> Value {
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

fn org_wid(id: &str) -> String {
    let u = uuid::Uuid::parse_str(id).unwrap_or_else(|e| panic!("{e}"));
    webex_id("ORGANIZATION", &u)
}

pub(crate) fn mac(i: u32) -> String {
    format!("5C-00-00-00-{:02X}-{:02X}", (i >> 8) & 0xff, i & 0xff)
}

/// A device body for a person (`personId`) or a workspace (`workspaceId`).
pub(crate) fn body(owner: &str, id: &str, mac: &str, model: &str) -> Value {
    json!({"mac": mac, owner: id, "model": model})
}

/// A generic customer-managed phone for person `p`, with MAC number `i`.
pub(crate) fn pd(p: &str, i: u32) -> Value {
    body("personId", p, &mac(i), GENERIC)
}

pub(crate) fn with(mut v: Value, key: &str, value: impl Into<Value>) -> Value {
    v[key] = value.into();
    v
}

/// A customer `label` created by the administrator; its id.
async fn customer(hub: &TestHub, label: &str) -> String {
    let c = fixtures::customer(hub, &format!("Customer {label}"));
    c.customer_id(label).await.to_string()
}

async fn set_licences(a: &Who<'_>, cid: &str, body: Value) -> (StatusCode, Value) {
    let path = format!("/v1/operations/customers/{cid}/licenses");
    a.put(&path, body).await
}

/// A licence of `cid` found by name on GET /v1/licenses: (id, total, consumed).
async fn licence(a: &Who<'_>, cid: &str, name: &str) -> (String, i64, i64) {
    let v = ok(a.get(&format!("/v1/licenses?orgId={cid}")).await);
    let l = items(&v, "items").iter().find(|l| l["name"] == name);
    let l = l.unwrap_or_else(|| panic!("no {name} in {v}"));
    let n = |k: &str| l[k].as_i64().unwrap_or(-1);
    (s(l, "id"), n("totalUnits"), n("consumedUnits"))
}

pub(crate) async fn location(a: &Who<'_>, cid: &str, name: &str) -> String {
    let b = json!({"name": name, "timeZone": "Europe/Paris", "address": {"address1": "1 rue de la Paix",
        "city": "Paris", "postalCode": "75002", "country": "FR"}});
    let path = format!("/v1/locations?orgId={cid}");
    s(&ok(a.post(&path, b).await), "id")
}

/// An `Org` for a customer and location made by hand (licences to be filled in).
fn org_of(id: &str, loc: &str) -> Org {
    let (id, loc, none) = (id.to_string(), loc.to_string(), String::new());
    let (pro, basic, common) = (none.clone(), none.clone(), none);
    Org {
        id,
        loc,
        pro,
        basic,
        common,
    }
}

pub(crate) async fn org(a: &Who<'_>, label: &str) -> Org {
    let id = customer(a.0, label).await;
    let all = json!({"professional": 50, "basic": 50, "workspaces": 50});
    ok(set_licences(a, &id, all).await);
    Org {
        loc: location(a, &id, "HQ").await,
        pro: licence(a, &id, PRO).await.0,
        basic: licence(a, &id, "Webex Calling - Basic").await.0,
        common: licence(a, &id, "Webex Calling - Workspaces").await.0,
        id,
    }
}

pub(crate) fn person_body(o: &Org, email: &str, first: &str, last: &str) -> Value {
    json!({"emails": [email], "firstName": first, "lastName": last, "locationId": o.loc,
        "licenses": [o.pro], "orgId": o.id})
}

pub(crate) async fn person(a: &Who<'_>, o: &Org, email: &str, first: &str, last: &str) -> String {
    let b = person_body(o, email, first, last);
    s(&ok(a.post(PEOPLE, b).await), "id")
}

/// A workspace body; no licence means no calling.
pub(crate) fn ws_body(
    name: &str,
    loc: &str,
    licence: Option<&str>,
    number: &str,
    ext: &str,
) -> Value {
    let calling = json!({"type": "webexCalling", "webexCalling":
        {"licenses": [licence], "locationId": loc, "phoneNumber": number, "extension": ext}});
    let b = json!({"displayName": name, "locationId": loc});
    match licence {
        Some(_) => with(b, "calling", calling),
        None => b,
    }
}

pub(crate) async fn workspace(a: &Who<'_>, name: &str, loc: &str, licence: Option<&str>) -> String {
    let b = ws_body(name, loc, licence, "", "");
    s(&ok(a.post(WS, b).await), "id")
}

pub(crate) async fn add_numbers(a: &Who<'_>, loc: &str, numbers: Value) -> StatusCode {
    let path = format!("/v1/telephony/config/locations/{loc}/numbers");
    a.post(&path, numbers).await.0
}

/// What `devices.sip_password` holds, opened with the hub's key; never the clear text itself.
async fn stored_password(hub: &TestHub, device: &str) -> String {
    let u = parse_webex_id("DEVICE", device).unwrap_or_else(|| panic!("device id {device}"));
    let stored = hub.store().device_sealed_password(DeviceId(u)).await;
    let stored = stored.unwrap_or_else(|e| panic!("{e}"));
    let clear = hub.running.state.secrets.open(&stored);
    let clear = clear.unwrap_or_else(|e| panic!("{e}"));
    assert!(!stored.contains(&clear), "clear password at rest");
    clear
}

pub(crate) fn next_link(r: &reqwest::Response) -> Option<String> {
    let h = r.headers().get("link")?.to_str().ok()?;
    assert!(h.ends_with("; rel=\"next\""), "{h}");
    Some(h[h.find('<')? + 1..h.find('>')?].to_string())
}

#[tokio::test]
async fn dev_1_partner_managed_needs_an_approved_model_and_a_password() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let p = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    let devices = o.q("/v1/devices");
    let b = |model: &str| body("personId", &p, "00:11:22:33:44:55", model);
    // Not in the approved list (the catalogue): refused, password or not.
    let homebrew = with(b("Partner Managed Homebrew"), "password", STRONG);
    assert_field(a.post(&devices, homebrew).await, "model");
    // Approved, but no password, or a weak one.
    for pw in [Value::Null, json!(""), json!("password")] {
        let d = with(b(PARTNER), "password", pw);
        assert_field(a.post(&devices, d).await, "password");
    }
    // Activation-code models are not added by MAC; PLACE-only models not to people.
    assert_field(a.post(&devices, b("Webex Go Device")).await, "mac");
    assert_field(a.post(&devices, b("Algo 8301")).await, "model");
    let list = ok(a.get(&devices).await);
    assert_eq!(items(&list, "items").len(), 0, "nothing created: {list}");
    let d = ok(a.post(&devices, with(b(PARTNER), "password", STRONG)).await);
    assert_eq!(s(&d, "managedBy"), "PARTNER");
    assert_eq!((s(&d, "model"), s(&d, "personId")), (PARTNER.into(), p));
    assert_eq!(s(&d, "mac"), "001122334455");
    assert_eq!(stored_password(&hub, &s(&d, "id")).await, STRONG);
    // The catalogue says which models are partner-managed.
    let sup = ok(a.get("/v1/telephony/config/supportedDevices").await);
    let managed = |m: &str| {
        let found = items(&sup, "devices").iter().find(|d| d["model"] == m);
        found.map(|d| s(d, "managedBy"))
    };
    assert_eq!(managed(PARTNER).as_deref(), Some("PARTNER"));
    assert_eq!(managed(GENERIC).as_deref(), Some("CUSTOMER"));
    hub.stop().await;
}

#[tokio::test]
async fn dev_1_fax_service_gets_a_read_only_placeholder_mac() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let p = person(&a, &o, "fax@acme.test", "Fax", "Desk").await;
    let devices = o.q("/v1/devices");
    let given = body("personId", &p, "00:11:22:33:44:55", FAX);
    let ma = s(&ok(a.post(&devices, given).await), "mac");
    let none = json!({"personId": p, "model": FAX});
    let mb = s(&ok(a.post(&devices, none).await), "mac");
    for m in [&ma, &mb] {
        assert!(m.starts_with("02") && m.len() == 12, "{m}");
        let upper_hex = |c: char| c.is_ascii_digit() || ('A'..='F').contains(&c);
        assert!(m.chars().all(upper_hex), "{m}");
    }
    assert_ne!(ma, "001122334455", "the supplied MAC is ignored");
    assert_ne!(ma, mb, "placeholders are unique");
    // The supplied MAC stays free; the placeholder is taken.
    let path = o.q("/v1/telephony/config/devices/actions/validateMacs/invoke");
    let macs = json!({"macs": ["00:11:22:33:44:55", ma]});
    let v = ok(a.post(&path, macs).await);
    let states = ids(&v, "macStatus", "state");
    assert_eq!(states, ["AVAILABLE", "UNAVAILABLE"], "{v}");
    hub.stop().await;
}

#[tokio::test]
async fn dev_2_device_for_a_person_or_a_workspace_exactly_one() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let p = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    let w = workspace(&a, "Lobby", &o.loc, Some(&o.pro)).await;
    let devices = o.q("/v1/devices");
    let both = with(pd(&p, 1), "workspaceId", w.as_str());
    assert_field(a.post(&devices, both).await, "workspaceId");
    let neither = json!({"mac": mac(1), "model": GENERIC});
    assert_field(a.post(&devices, neither).await, "personId");
    let d = ok(a.dev(&o, pd(&p, 1)).await);
    assert_eq!((s(&d, "personId"), d.get("workspaceId")), (p, None));
    assert_eq!(s(&d, "displayName"), "Ann Lee");
    let ws_phone = body("workspaceId", &w, &mac(2), GENERIC);
    let d = ok(a.dev(&o, ws_phone).await);
    assert_eq!((s(&d, "workspaceId"), d.get("personId")), (w, None));
    assert_eq!(s(&d, "locationId"), o.loc);
    hub.stop().await;
}

#[tokio::test]
async fn dev_3_mac_normalised_and_unique_across_the_platform() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let (oa, ob) = (org(&a, "acme").await, org(&a, "bolt").await);
    let pa = person(&a, &oa, "ann@acme.test", "Ann", "Lee").await;
    let pb = person(&a, &ob, "bob@bolt.test", "Bob", "Ray").await;
    let (da, db) = (oa.q("/v1/devices"), ob.q("/v1/devices"));
    let mixed = body("personId", &pa, "00-1A-2b-3C-4d-5E", GENERIC);
    let d = ok(a.post(&da, mixed).await);
    assert_eq!(s(&d, "mac"), "001A2B3C4D5E");
    for taken in ["001a.2b3c.4d5e", "00:1a:2b:3c:4d:5e", "001A2B3C4D5E"] {
        let (st, v) = a.post(&db, body("personId", &pb, taken, GENERIC)).await;
        assert!(descriptions(&v)[0].contains("in use"), "{v}");
        assert_field((st, v), "mac");
    }
    for m in ["00:1A:2B:3C:4D", "00:1A:2B:3C:4D:ZZ", "0001.A2B3C4D5E"] {
        assert_field(a.post(&db, body("personId", &pb, m, GENERIC)).await, "mac");
    }
    let (taken, free) = ("00:1a:2b:3c:4d:5e", "00-11-22-33-44-55");
    let sent = [taken, free, "0011.2233.4455", "nope"];
    let path = ob.q("/v1/telephony/config/devices/actions/validateMacs/invoke");
    let v = ok(a.post(&path, json!({ "macs": sent })).await);
    assert_eq!(v["status"], "ERRORS");
    assert_eq!(ids(&v, "macStatus", "mac"), sent, "echoed as sent");
    let states = ["UNAVAILABLE", "AVAILABLE", "DUPLICATE_IN_LIST", "INVALID"];
    assert_eq!(ids(&v, "macStatus", "state"), states);
    // Found by MAC in any form; once deleted, the MAC is free for the other customer.
    let list = ok(a.get(&format!("{da}&mac=00:1a:2b:3c:4d:5e")).await);
    assert_eq!(ids(&list, "items", "id"), [s(&d, "id")]);
    let st = a.del(&format!("/v1/devices/{}", s(&d, "id"))).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let dotted = body("personId", &pb, "001a.2b3c.4d5e", GENERIC);
    ok(a.post(&db, dotted).await);
    hub.stop().await;
}

#[tokio::test]
async fn dev_4_sip_credentials_generated_and_the_password_never_returned() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let p = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    let devices = o.q("/v1/devices");
    let supplied = with(body("personId", &p, &mac(1), GENERIC), "password", STRONG);
    let r = hub.api(&a.1, Method::POST, &devices, Some(supplied)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let created = r.text().await.unwrap_or_default();
    let d: Value = serde_json::from_str(&created).unwrap_or_default();
    let (id, user) = (s(&d, "id"), s(&d, "sipUserName"));
    assert!(user.starts_with("annlee") && user.len() == 12, "{user}");
    let one = format!("/v1/telephony/config/devices/{id}");
    let t = ok(a.get(&o.q(&one)).await);
    let line_port = format!("{user}@acme.{SIP_DOMAIN}");
    assert_eq!(s(&t["owner"], "sipUserName"), user);
    assert_eq!(s(&t["owner"], "linePort"), line_port);
    assert_eq!(s(&t["owner"], "id"), p);
    assert_eq!(s(&t["proxy"], "outboundProxy"), SIP_DOMAIN);
    assert_eq!(s(&t, "registrarDomain"), format!("acme.{SIP_DOMAIN}"));
    assert_eq!(s(&d, "linePort"), line_port);
    // A generated one (none supplied) meets the policy and is sealed the same way.
    let g = ok(a.dev(&o, pd(&p, 2)).await);
    let generated = stored_password(&hub, &s(&g, "id")).await;
    let policy = check_sip_password(&generated, &s(&g, "sipUserName"));
    assert_eq!(policy, Ok(()));
    assert_eq!(stored_password(&hub, &id).await, STRONG);
    // No response carries either SIP password, under any name; the creation's answer carries
    // the provisioning password once (PRV-2), and only there.
    let without_prov = |v: &Value| {
        let mut v = v.clone();
        let prov = v
            .as_object_mut()
            .and_then(|o| o.remove("provisioningPassword"));
        assert!(
            prov.is_some_and(|p| p.as_str().is_some_and(|p| p.len() >= 16)),
            "{v}"
        );
        v.to_string()
    };
    let mut bodies = vec![without_prov(&d), without_prov(&g)];
    for path in [
        format!("/v1/devices/{id}"),
        devices.clone(),
        one.clone(),
        format!("{one}/members"),
        "/v1/operations/auditEvents".to_string(),
    ] {
        bodies.push(a.raw(&path).await);
    }
    for b in &bodies {
        let leaked = b.contains(STRONG) || b.contains(&generated);
        assert!(!leaked, "password in {b}");
        assert!(!b.to_lowercase().contains("password\":"), "{b}");
    }
    // Nor does the database file.
    if hub.database_url.starts_with("sqlite") {
        for f in ["patchbay.db", "patchbay.db-wal"] {
            let bytes = std::fs::read(hub.dir.join(f)).unwrap_or_default();
            for pw in [STRONG, &generated] {
                let found = bytes.windows(pw.len()).any(|w| w == pw.as_bytes());
                assert!(!found, "clear password in {f}");
            }
        }
    }
    hub.stop().await;
}

#[tokio::test]
async fn dev_4_generated_passwords_meet_the_policy() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let loc = &o.loc;
    let path = format!("/v1/telephony/config/locations/{loc}/actions/generatePassword/invoke");
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..20 {
        let v = ok(a.go(Method::POST, &path, None).await);
        let pw = s(&v, "exampleSipPassword");
        assert_eq!(check_sip_password(&pw, ""), Ok(()), "{pw}");
        seen.insert(pw);
    }
    assert_eq!(seen.len(), 20, "generated passwords repeat");
    // What the generator gives is accepted back as a device password.
    let p = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    let devices = o.q("/v1/devices");
    let pw = seen.first().cloned().unwrap_or_default();
    let with_pw = |i: u32, pw: &str| with(body("personId", &p, &mac(i), GENERIC), "password", pw);
    let d = ok(a.post(&devices, with_pw(1, &pw)).await);
    assert_eq!(stored_password(&hub, &s(&d, "id")).await, pw);
    // Too short, a class missing, a character three times in a row: refused on `password`.
    let (short, no_special) = ("Short*1a", "ABCdef123456789xyz");
    for weak in [short, "lower-digits-12345", no_special, "Aaa*bbb1cccc2dd3"] {
        assert_field(a.post(&devices, with_pw(2, weak)).await, "password");
    }
    hub.stop().await;
}

#[tokio::test]
async fn dev_5_reset_returns_a_new_password_once() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let p = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    let supplied = with(body("personId", &p, &mac(1), GENERIC), "password", STRONG);
    let d = ok(a.post(&o.q("/v1/devices"), supplied).await);
    let (id, user) = (s(&d, "id"), s(&d, "sipUserName"));
    let one = format!("/v1/telephony/config/devices/{id}");
    let reset = format!("{one}/actions/resetSipPassword/invoke");
    let first = s(&ok(a.go(Method::POST, &reset, None).await), "sipPassword");
    assert_eq!(check_sip_password(&first, &user), Ok(()));
    assert_ne!(first, STRONG);
    assert_eq!(stored_password(&hub, &id).await, first);
    let second = s(&ok(a.go(Method::POST, &reset, None).await), "sipPassword");
    assert!(!second.is_empty() && second != first);
    assert_eq!(stored_password(&hub, &id).await, second);
    // Shown once: no read returns it afterwards.
    for path in [format!("/v1/devices/{id}"), one.clone()] {
        let body = a.raw(&path).await;
        assert!(!body.contains(&second) && !body.contains(&first), "{body}");
    }
    // A supplied password (partner-managed update) must meet the policy, user name excluded.
    let with_user = format!("Z*9{user}xY");
    for weak in ["weak", "NoSpecials1234567", "", with_user.as_str()] {
        let v = a.put(&one, json!({ "sipPassword": weak })).await;
        assert_field(v, "sipPassword");
    }
    assert_eq!(stored_password(&hub, &id).await, second);
    let (st, _) = a.put(&one, json!({ "sipPassword": STRONG })).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(stored_password(&hub, &id).await, STRONG);
    hub.stop().await;
}

#[tokio::test]
async fn dev_6_lines_up_to_the_port_count_and_remove_all_keeps_the_owner() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let (o, other) = (org(&a, "acme").await, org(&a, "bolt").await);
    let owner = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    let p2 = person(&a, &o, "cy@acme.test", "Cy", "Dee").await;
    let w = workspace(&a, "Lobby", &o.loc, Some(&o.pro)).await;
    let stranger = person(&a, &other, "x@bolt.test", "Xavier", "Bolt").await;
    let ata = body("personId", &owner, &mac(1), "Grandstream HT812");
    let d = ok(a.post(&o.q("/v1/devices"), ata).await);
    let members = format!("/v1/telephony/config/devices/{}/members", s(&d, "id"));
    let set = |ids: &[&str]| json!({"members": ids.iter().map(|i| json!({ "id": i })).collect::<Vec<_>>()});
    let lines = |v: &Value| -> Vec<(String, i64, bool, String)> {
        let port = |m: &Value| m["port"].as_i64().unwrap_or(0);
        let primary = |m: &Value| m["primaryOwner"] == true;
        let line = |m: &Value| (s(m, "id"), port(m), primary(m), s(m, "lineType"));
        items(v, "members").iter().map(line).collect()
    };
    let (st, v) = a.put(&members, set(&[&w])).await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
    let v = ok(a.get(&members).await);
    assert_eq!(v["maxLineCount"], 2, "{v}");
    let two = vec![
        (owner.clone(), 1, true, "PRIMARY".to_string()),
        (w.clone(), 2, false, "SHARED_CALL_APPEARANCE".to_string()),
    ];
    assert_eq!(lines(&v), two);
    // A third line does not fit the two ports; another customer's person is not a candidate.
    assert_field(a.put(&members, set(&[&w, &p2])).await, "members");
    assert_field(a.put(&members, set(&[&stranger])).await, "members");
    assert_eq!(lines(&ok(a.get(&members).await)), two, "unchanged");
    // availableMembers: who is not on the device yet, from this customer only.
    let available = members.replace("/members", "/availableMembers");
    let av = ok(a.get(&available).await);
    assert_eq!(ids(&av, "members", "id"), [p2.as_str()], "{av}");
    // Remove all lines: no body at all; the owner stays on port 1.
    let (st, _) = a.go(Method::PUT, &members, None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(lines(&ok(a.get(&members).await)), two[..1]);
    hub.stop().await;
}

#[tokio::test]
async fn dev_7_devices_found_by_name() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let ann = person(&a, &o, "ann@acme.test", "Annabelle", "Lee").await;
    let bob = person(&a, &o, "bob@acme.test", "Bob", "Ray").await;
    for (i, p) in [(1, &ann), (2, &bob), (3, &ann)] {
        ok(a.dev(&o, pd(p, i)).await);
    }
    let find = |q: &str| o.q(&format!("/v1/devices?displayName={q}"));
    let v = ok(a.get(&find("NABEL")).await);
    let owners = ids(&v, "items", "personId");
    assert_eq!(owners, [ann.clone(), ann.clone()], "{v}");
    let v = ok(a.get(&find("ray")).await);
    assert_eq!(ids(&v, "items", "displayName"), ["Bob Ray"], "{v}");
    let v = ok(a.get(&find("zzz")).await);
    assert_eq!(items(&v, "items").len(), 0, "{v}");
    hub.stop().await;
}

#[tokio::test]
async fn dev_8_customer_managed_refused_in_bulk_partner_managed_accepted_per_device() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let p = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    let item = |m: &str, model: &str, pw: Option<&str>| {
        with(body("personId", &p, m, model), "password", pw)
    };
    let batch = json!({"devices": [
        item(&mac(1), PARTNER, Some(STRONG)),
        item(&mac(2), GENERIC, Some(STRONG)),
        item("zz", PARTNER, Some(STRONG)),
        item(&mac(4), PARTNER, None),
        item(&mac(5), "Partner Managed Poly Edge E350", Some(STRONG)),
        item(&mac(1), PARTNER, Some(STRONG)),
    ]});
    let v = ok(a.post(&o.q("/v1/devices/bulk"), batch).await);
    let n = |i: &Value, k: &str| i[k].as_i64().unwrap_or(-1);
    let result = |i: &Value| (n(i, "index"), n(i, "status"));
    let got: Vec<(i64, i64)> = items(&v, "items").iter().map(result).collect();
    let want = [(0, 201), (1, 400), (2, 400), (3, 400), (4, 201), (5, 400)];
    assert_eq!(got, want);
    for (i, field) in [(1, "model:"), (2, "mac:"), (3, "password:"), (5, "mac:")] {
        let error = descriptions(&v["items"][i]["error"]).join(" ");
        assert!(error.starts_with(field), "{i}: {v}");
    }
    assert_eq!(v["items"][4]["device"]["managedBy"], "PARTNER");
    assert!(!v.to_string().contains(STRONG));
    let mut macs = ids(&ok(a.get(&o.q("/v1/devices")).await), "items", "mac");
    macs.sort();
    assert_eq!(macs, ["5C0000000001", "5C0000000005"]);
    // One at a time, with a generated password, a customer-managed device is fine.
    ok(a.dev(&o, item(&mac(2), GENERIC, None)).await);
    hub.stop().await;
}

#[tokio::test]
async fn wsp_1_workspace_name_rules() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let mut bad: Vec<String> = vec![String::new(), "   ".into(), "x".repeat(31)];
    bad.extend(['%', '#', '<', '>', '/', '\\', '"'].map(|c| format!("Room {c} 1")));
    for name in &bad {
        let (st, v) = a.post(WS, ws_body(name, &o.loc, None, "", "")).await;
        let code = &v["errors"][0]["errorCode"];
        assert!(code.is_u64(), "integer errorCode: {v}");
        assert_field((st, v), "displayName");
    }
    let list = ok(a.get(&o.q(WS)).await);
    assert_eq!(items(&list, "items").len(), 0, "{list}");
    let thirty = "y".repeat(30);
    let v = ok(a.post(WS, ws_body(&thirty, &o.loc, None, "", "")).await);
    assert_eq!(s(&v, "displayName"), thirty);
    // Renaming follows the same rules.
    let one = format!("{WS}/{}", s(&v, "id"));
    let rename = json!({"displayName": "a/b"});
    assert_field(a.put(&one, rename).await, "displayName");
    hub.stop().await;
}

#[tokio::test]
async fn wsp_2_professional_up_to_five_devices_common_area_one() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let pro = workspace(&a, "Board room", &o.loc, Some(&o.pro)).await;
    let common = workspace(&a, "Lobby", &o.loc, Some(&o.common)).await;
    let bare = workspace(&a, "Store room", &o.loc, None).await;
    let devices = o.q("/v1/devices");
    let on = |w: &str, i: u32| body("workspaceId", w, &mac(i), GENERIC);
    let mut made = Vec::new();
    for i in 0..5 {
        made.push(s(&ok(a.post(&devices, on(&pro, i)).await), "id"));
    }
    assert_conflict(a.post(&devices, on(&pro, 5)).await, "professional: 5");
    let w = ok(a.get(&format!("{WS}/{pro}")).await);
    assert_eq!(w["deviceCount"], 5, "{w}");
    assert_eq!(w["deviceLimit"], 5, "{w}");
    // A licence that cannot hold the devices it has is refused.
    let down = ws_body("Board room", &o.loc, Some(&o.common), "", "");
    let (st, v) = a.put(&format!("{WS}/{pro}"), down).await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    // Deleting one frees the slot.
    let st = a.del(&format!("/v1/devices/{}", made[0])).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    ok(a.post(&devices, on(&pro, 5)).await);
    // Common area: exactly one.
    ok(a.post(&devices, on(&common, 10)).await);
    assert_conflict(a.post(&devices, on(&common, 11)).await, "common area: 1");
    // No calling licence: no device; and a Basic licence is not a workspace licence.
    assert_conflict(a.post(&devices, on(&bare, 12)).await, "no calling licence");
    let basic = ws_body("Kiosk", &o.loc, Some(&o.basic), "", "");
    assert_field(a.post(WS, basic).await, "calling.webexCalling.licenses");
    let list = ok(a.get(&format!("{devices}&workspaceId={common}")).await);
    assert_eq!(items(&list, "items").len(), 1, "{list}");
    hub.stop().await;
}

#[tokio::test]
async fn wsp_3_number_and_extension_from_the_workspace_location() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let branch = location(&a, &o.id, "Branch").await;
    let hq_number = json!({"phoneNumbers": ["+33160871135"]});
    let st = add_numbers(&a, &o.loc, hq_number).await;
    assert_eq!(st, StatusCode::CREATED);
    let branch_number = json!({"phoneNumbers": ["+33450000001"]});
    let st = add_numbers(&a, &branch, branch_number).await;
    assert_eq!(st, StatusCode::CREATED);
    let ann = person_body(&o, "ann@acme.test", "Ann", "Lee");
    let ann = with(ann, "extension", "2001");
    ok(a.post(PEOPLE, ann).await);
    let ws = |name: &str, loc: &str, number: &str, ext: &str| {
        ws_body(name, loc, Some(&o.pro), number, ext)
    };
    // The branch's number is not the HQ's.
    let v = a.post(WS, ws("Lobby", &o.loc, "+33450000001", "")).await;
    assert_field(v, "calling.webexCalling.phoneNumber");
    // 2001 is Ann's in HQ, but free in the branch.
    let v = a.post(WS, ws("Lobby", &o.loc, "", "2001")).await;
    assert_field(v, "calling.webexCalling.extension");
    let annex = ws("Annex", &branch, "+33450000001", "2001");
    ok(a.post(WS, annex).await);
    let lobby = ws("Lobby", &o.loc, "+33 1 60 87 11 35", "2002");
    let v = ok(a.post(WS, lobby).await);
    let wc = &v["calling"]["webexCalling"];
    assert_eq!(s(wc, "phoneNumber"), "+33160871135");
    assert_eq!(s(wc, "extension"), "2002");
    assert_eq!(s(wc, "locationId"), o.loc);
    // The refused attempts consumed nothing: Ann and two workspaces hold professional units.
    assert_eq!(licence(&a, &o.id, PRO).await.2, 3);
    let path = o.q("/v1/telephony/config/numbers?phoneNumber=%2B33160871135");
    let n = ok(a.get(&path).await);
    let owner = &n["phoneNumbers"][0]["owner"];
    assert_eq!(s(owner, "id"), s(&v, "id"), "{n}");
    assert_eq!(s(owner, "type"), "PLACE");
    hub.stop().await;
}

#[tokio::test]
async fn num_1_numbers_per_location_one_owner_and_mobile_filter() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let (o, b) = (org(&a, "acme").await, org(&a, "bolt").await);
    let fixed = json!({"phoneNumbers": ["+33 1 60 87 11 35", "+33160871136"], "state": "ACTIVE"});
    assert_eq!(add_numbers(&a, &o.loc, fixed).await, StatusCode::CREATED);
    let mobile = json!({"phoneNumbers": ["+33612345678"], "numberType": "MOBILE"});
    assert_eq!(add_numbers(&a, &o.loc, mobile).await, StatusCode::CREATED);
    let numbers = |v: &Value| ids(v, "phoneNumbers", "phoneNumber");
    let list = |q: &str| o.q(&format!("/v1/telephony/config/numbers{q}"));
    let all = ok(a.get(&list("")).await);
    let want = ["+33160871135", "+33160871136", "+33612345678"];
    assert_eq!(numbers(&all), want);
    let types = ids(&all, "phoneNumbers", "includedTelephonyTypes");
    assert_eq!(types, ["PSTN_NUMBER", "PSTN_NUMBER", "MOBILE_NUMBER"]);
    let mobile_type = "?includedTelephonyTypes=MOBILE_NUMBER";
    for q in ["?numberType=MOBILE", mobile_type] {
        let m = ok(a.get(&list(q)).await);
        assert_eq!(numbers(&m), ["+33612345678"], "{q}: {m}");
    }
    // A number exists once on the platform: not twice here, not at another customer.
    let again = json!({"phoneNumbers": ["+33450000009", "+33160871135"]});
    for loc in [&o.loc, &b.loc] {
        let path = format!("/v1/telephony/config/locations/{loc}/numbers");
        assert_field(a.post(&path, again.clone()).await, "phoneNumbers");
    }
    let bl = ok(a.get(&b.q(NUMBERS)).await);
    assert_eq!(numbers(&bl).len(), 0, "all or nothing: {bl}");
    // One owner at a time.
    let number = json!([{"type": "work", "value": "+33160871135"}]);
    let with_number = |p: Value| with(p, "phoneNumbers", number.clone());
    let ann = with_number(person_body(&o, "a@acme.test", "Ann", "Lee"));
    let ann = ok(a.post(PEOPLE, ann).await);
    assert_eq!(ann["phoneNumbers"][0]["value"], "+33160871135");
    let cy = with_number(person_body(&o, "c@acme.test", "Cy", "Dee"));
    assert_field(a.post(PEOPLE, cy).await, "phoneNumbers");
    let ws = ws_body("Lobby", &o.loc, Some(&o.pro), "+33160871135", "");
    assert_field(a.post(WS, ws).await, "calling.webexCalling.phoneNumber");
    let owned = ok(a.get(&list(&format!("?ownerId={}", s(&ann, "id")))).await);
    assert_eq!(numbers(&owned), ["+33160871135"], "{owned}");
    assert_eq!(owned["phoneNumbers"][0]["owner"]["type"], "PEOPLE");
    let free = ok(a.get(&list("?available=true")).await);
    assert_eq!(numbers(&free), ["+33160871136", "+33612345678"]);
    // An assigned number cannot be removed; a free one can.
    let path = format!("/v1/telephony/config/locations/{}/numbers", o.loc);
    let remove = |n: &str| Some(json!({ "phoneNumbers": [n] }));
    let v = a.go(Method::DELETE, &path, remove("+33160871135")).await;
    assert_conflict(v, "in use");
    let (st, _) = a.go(Method::DELETE, &path, remove("+33160871136")).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let all = ok(a.get(&list("")).await);
    assert_eq!(numbers(&all), ["+33160871135", "+33612345678"]);
    hub.stop().await;
}

#[tokio::test]
async fn licences_are_consumed_and_running_out_is_a_clear_error() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let cid = customer(&hub, "acme").await;
    ok(set_licences(&a, &cid, json!({"professional": 1, "workspaces": 1})).await);
    let loc = location(&a, &cid, "HQ").await;
    let (pro, total, used) = licence(&a, &cid, PRO).await;
    assert_eq!((total, used), (1, 0));
    let mut o = org_of(&cid, &loc);
    o.pro.clone_from(&pro);
    let first = person_body(&o, "a@acme.test", "Ann", "Lee");
    let first = ok(a.post(PEOPLE, first).await);
    assert_eq!(first["licenses"], json!([pro]));
    assert_eq!(licence(&a, &cid, PRO).await.2, 1);
    // Running out: a 409 naming the licence, for a person and for a workspace alike.
    let second = person_body(&o, "b@acme.test", "Bob", "Ray");
    let left = "No Webex Calling - Professional licence is left";
    assert_conflict(a.post(PEOPLE, second.clone()).await, left);
    let lobby = ws_body("Lobby", &loc, Some(&pro), "", "");
    assert_conflict(a.post(WS, lobby).await, PRO);
    let people = ok(a.get(&o.q(PEOPLE)).await);
    assert_eq!(items(&people, "items").len(), 1, "half-created: {people}");
    // Fewer units than are consumed: refused.
    let none = json!({"professional": 0});
    assert_field(set_licences(&a, &cid, none).await, "professional");
    // Deleting the person frees the unit.
    let st = a.del(&format!("{PEOPLE}/{}", s(&first, "id"))).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(licence(&a, &cid, PRO).await.2, 0);
    ok(a.post(PEOPLE, second).await);
    assert_eq!(licence(&a, &cid, PRO).await, (pro, 1, 1));
    hub.stop().await;
}

#[tokio::test]
async fn rbac_5_customer_admin_of_a_cannot_see_or_change_b() {
    let (hub, t) = start().await;
    let admin = Who(&hub, t);
    let (a, b) = (org(&admin, "acme").await, org(&admin, "bolt").await);
    let mut made = Vec::new();
    for (o, i) in [(&a, 1), (&b, 2)] {
        let n = json!({ "phoneNumbers": [format!("+3316087113{i}")] });
        assert_eq!(add_numbers(&admin, &o.loc, n).await, StatusCode::CREATED);
        let p = person(&admin, o, &format!("p{i}@x.test"), "Pat", &format!("P{i}")).await;
        let w = workspace(&admin, &format!("Room {i}"), &o.loc, Some(&o.pro)).await;
        let d = ok(admin.dev(o, pd(&p, i)).await);
        made.push((p, w, s(&d, "id")));
    }
    let ((pa, wa, da), (pb, wb, db)) = (made[0].clone(), made[1].clone());
    let acc = account_body("ca-acme", "customer-admin");
    let acc = with(acc, "customerId", a.id.as_str());
    let acc = ok(admin.post("/v1/operations/accounts", acc).await);
    let acc: AccountId = s(&acc, "id").parse().unwrap_or_else(|e| panic!("{e:?}"));
    let meta = patchbay_store::AuditMeta::cli();
    let token = hub.store().create_token(&meta, acc, "t").await;
    let ca = Who(&hub, token.unwrap_or_else(|e| panic!("{e}")));
    // B's resources by id: not found, whatever the verb.
    let dev_b = format!("/v1/telephony/config/devices/{db}");
    let nums_b = format!("/v1/telephony/config/locations/{}/numbers", b.loc);
    let locs_b = format!("/v1/locations/{}", b.loc);
    let (people_b, ws_b) = (format!("{PEOPLE}/{pb}"), format!("{WS}/{wb}"));
    let reset_b = format!("{dev_b}/actions/resetSipPassword/invoke");
    let members_b = format!("{dev_b}/members");
    let (get, put, post, del) = (Method::GET, Method::PUT, Method::POST, Method::DELETE);
    let attempts = [
        (&get, format!("/v1/devices/{db}")),
        (&get, dev_b.clone()),
        (&get, members_b.clone()),
        (&get, people_b.clone()),
        (&get, ws_b.clone()),
        (&get, locs_b.clone()),
        (&get, nums_b),
        (&del, format!("/v1/devices/{db}")),
        (&post, reset_b),
        (&put, members_b),
        (&put, people_b),
        (&del, ws_b),
        (&del, locs_b),
    ];
    for (m, path) in attempts {
        let body = (*m == put).then(|| {
            if path.ends_with("/members") {
                json!({"members": []})
            } else {
                json!({"firstName": "Hacked"})
            }
        });
        let (st, v) = ca.go(m.clone(), &path, body).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{m} {path}: {v}");
    }
    // Naming B explicitly: not found; A's own device under B's orgId neither.
    let lists = [
        ("/v1/devices", "items"),
        (PEOPLE, "items"),
        (WS, "items"),
        ("/v1/locations", "items"),
        (NUMBERS, "phoneNumbers"),
    ];
    for (path, _) in lists.iter().chain(&[("/v1/licenses", "items")]) {
        let (st, _) = ca.get(&b.q(path)).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}");
    }
    let (st, _) = ca.get(&b.q(&format!("/v1/devices/{da}"))).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // A is its own to manage, but B's people and workspaces cannot be pulled into it.
    let theirs = body("personId", &pb, &mac(3), GENERIC);
    assert_field(ca.post("/v1/devices", theirs).await, "personId");
    let members = format!("/v1/telephony/config/devices/{da}/members");
    let m = |id: &str| json!({"members": [{ "id": id }]});
    assert_field(ca.put(&members, m(&wb)).await, "members");
    let (st, v) = ca.put(&members, m(&wa)).await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
    // Lists, without orgId: A's only.
    let a_org = json!(org_wid(&a.id));
    for (path, key) in lists {
        let v = ok(ca.get(path).await);
        assert_eq!(items(&v, key).len(), 1, "{path}: {v}");
        let org = items(&v, key)[0].get("orgId");
        assert!(org.is_none_or(|org| *org == a_org), "{path}: {v}");
    }
    assert_eq!(ids(&ok(ca.get(PEOPLE).await), "items", "id"), [pa.as_str()]);
    let v = ok(ca.get(NUMBERS).await);
    assert_eq!(ids(&v, "phoneNumbers", "phoneNumber"), ["+33160871131"]);
    ok(admin.get(&format!("/v1/devices/{db}")).await);
    // No operations route at all.
    let mut checked = 0;
    for e in patchbay_hub::http::api::endpoints() {
        if !e.path.starts_with("/v1/operations") {
            continue;
        }
        let m = Method::from_bytes(e.method.as_str().as_bytes()).unwrap_or(Method::GET);
        let body = (m == Method::POST || m == Method::PUT).then(|| json!({}));
        let path = e.path.replace("{id}", &a.id).replace("{model}", GENERIC);
        let (st, _) = ca.go(m, &path, body).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{} {}", e.method, e.path);
        checked += 1;
    }
    assert!(checked > 10, "{checked}");
    // Read-only staff only look, and only at what they are assigned.
    let ro = Who(&hub, hub.account("ro", Role::ReadOnly).await.1);
    assert_eq!(ro.get(&a.q("/v1/devices")).await.0, StatusCode::NOT_FOUND);
    let (st, _) = ro.post(&a.q("/v1/devices"), json!({})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    hub.stop().await;
}

#[tokio::test]
async fn api_2_lists_page_with_an_absolute_next_link_carrying_every_parameter() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    for (i, first) in (0..).zip(["One", "Two", "Three", "Other"]) {
        let last = if first == "Other" { "Person" } else { "Pager" };
        let p = person(&a, &o, &format!("p{i}@acme.test"), first, last).await;
        ok(a.dev(&o, pd(&p, i)).await);
    }
    let numbers = json!({"phoneNumbers": ["+33160871135", "+33160871136", "+33450000001"]});
    assert_eq!(add_numbers(&a, &o.loc, numbers).await, StatusCode::CREATED);
    let origin = format!("https://localhost:{}/v1/", hub.running.addr.port());
    let org = format!("orgId={}", o.id);
    let cases = [
        ("/v1/devices", "items", "displayName=pager", 3),
        (PEOPLE, "items", "displayName=PAGER", 3),
        (NUMBERS, "phoneNumbers", "phoneNumber=%2B331608711", 2),
    ];
    for (path, key, filter, want) in cases {
        let mut url = hub.url(&format!("{path}?{org}&{filter}&max=1"));
        let mut seen = Vec::new();
        loop {
            let r = hub.client().get(&url).bearer_auth(&a.1).send().await;
            let r = r.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(r.status(), StatusCode::OK, "{url}");
            let next = next_link(&r);
            let v: Value = r.json().await.unwrap_or_default();
            assert_eq!(items(&v, key).len(), 1, "{url}: {v}");
            seen.push(items(&v, key)[0].to_string());
            let Some(next) = next else { break };
            assert!(next.starts_with(&origin), "absolute: {next}");
            // Keyset paging: the next page starts after a cursor, not at an offset.
            for part in [org.as_str(), filter, "max=1", "cursor="] {
                assert!(next.contains(part), "{part} missing from {next}");
            }
            assert!(!next.contains("start="), "{next}");
            url = next;
        }
        let all = seen.len();
        seen.sort();
        seen.dedup();
        assert_eq!((all, seen.len()), (want, want), "{path}: {seen:?}");
        let matching = seen.iter().all(|i| i.contains("Pager"));
        assert!(key != "items" || matching, "{seen:?}");
    }
    hub.stop().await;
}

#[tokio::test]
async fn api_2_orgid_required_when_a_provider_sees_several_customers() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let oa = org(&a, "acme").await;
    // One customer: it is implied.
    let v = ok(a.get("/v1/locations").await);
    assert_eq!(ids(&v, "items", "id"), [oa.loc.as_str()]);
    let b = customer(&hub, "bolt").await;
    let (locations, devices) = ("/v1/locations", "/v1/devices");
    for path in [locations, devices, PEOPLE, "/v1/licenses", NUMBERS] {
        assert_field(a.get(path).await, "orgId");
    }
    assert_field(a.post("/v1/locations", json!({"name": "X"})).await, "orgId");
    // Named as a plain uuid or a Webex id it works; a malformed one is a field error.
    for org in [b.clone(), org_wid(&b)] {
        let v = ok(a.get(&format!("/v1/locations?orgId={org}")).await);
        assert_eq!(items(&v, "items").len(), 0, "{v}");
    }
    assert_field(a.get("/v1/locations?orgId=nonsense").await, "orgId");
    // An operator assigned to one of them needs no orgId, and cannot name the other.
    let (op_id, op) = hub.account("op", Role::Operator).await;
    let assign = json!({ "operators": [op_id] });
    let path = format!("/v1/operations/customers/{}", oa.id);
    ok(a.put(&path, assign).await);
    let op = Who(&hub, op);
    let v = ok(op.get("/v1/locations").await);
    assert_eq!(ids(&v, "items", "id"), [oa.loc.as_str()]);
    let (st, _) = op.get(&format!("/v1/locations?orgId={b}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    hub.stop().await;
}
