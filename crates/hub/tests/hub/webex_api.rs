//! The Webex calls automation users make first (API-2): the token check, organisations,
//! licences, devices' members and settings, calling locations, feature numbers, Webex fields
//! kept as sent, and keyset paging. On SQLite and, with PATCHBAY_TEST_DATABASE_URL, on
//! PostgreSQL.

use crate::calling_api::{
    add_numbers, location, ok, org, person_body, s, start, with, Org, Who, PEOPLE, WS,
};
use crate::common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A customer administrator of `o` calling with a token of their own.
pub(crate) async fn customer_admin<'a>(
    hub: &'a TestHub,
    admin: &Who<'_>,
    o: &Org,
    login: &str,
) -> Who<'a> {
    let acc = account_body(login, "customer-admin");
    let acc = with(acc, "customerId", o.id.as_str());
    let acc = ok(admin.post("/v1/operations/accounts", acc).await);
    let acc: patchbay_domain::AccountId = s(&acc, "id").parse().unwrap_or_else(|e| panic!("{e:?}"));
    let meta = patchbay_store::AuditMeta::cli();
    let token = hub.store().create_token(&meta, acc, "t").await;
    Who(hub, token.unwrap_or_else(|e| panic!("{e}")))
}

fn uuid_of(kind: &str, webex: &str) -> String {
    patchbay_domain::provisioning::parse_webex_id(kind, webex)
        .unwrap_or_else(|| panic!("{kind} id {webex}"))
        .to_string()
}

#[tokio::test]
async fn api_2_people_me_answers_for_the_token() {
    let (hub, t) = start().await;
    let admin = Who(&hub, t);
    let me = ok(admin.get("/v1/people/me").await);
    assert_eq!(me["userName"], "admin", "{me}");
    assert_eq!(me["type"], "person", "{me}");
    assert_eq!(me["roles"], json!(["administrator"]), "{me}");
    assert!(
        me.get("orgId").is_none(),
        "a provider account has no org: {me}"
    );
    let id = uuid_of("PEOPLE", me["id"].as_str().unwrap_or_default());
    let (_, accounts) = admin.get("/v1/operations/accounts?max=100").await;
    let mine = accounts["items"].as_array().into_iter().flatten();
    let mine: Vec<_> = mine.filter(|a| a["loginName"] == "admin").collect();
    assert_eq!(mine.first().map(|a| s(a, "id")), Some(id), "{accounts}");
    // callingData is taken as Webex clients send it (any case); another value is refused.
    ok(admin.get("/v1/people/me?callingData=True").await);
    let (st, _) = admin.get("/v1/people/me?callingData=perhaps").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    // A customer administrator's person carries their organisation.
    let o = org(&admin, "acme").await;
    let ca = customer_admin(&hub, &admin, &o, "ca-acme").await;
    let me = ok(ca.get("/v1/people/me").await);
    assert_eq!(uuid_of("ORGANIZATION", &s(&me, "orgId")), o.id, "{me}");
    assert_eq!(me["roles"], json!(["customer-admin"]), "{me}");
    // No token, no person.
    let r = hub
        .api("pb_nope", reqwest::Method::GET, "/v1/people/me", None)
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    hub.stop().await;
}

#[tokio::test]
async fn api_2_organizations_are_the_customers_the_caller_may_act_on() {
    let (hub, t) = start().await;
    let admin = Who(&hub, t);
    let (a, b) = (org(&admin, "acme").await, org(&admin, "bolt").await);
    let all = ok(admin.get("/v1/organizations").await);
    let orgs = all["items"].as_array().cloned().unwrap_or_default();
    let ids: Vec<String> = orgs
        .iter()
        .map(|o| uuid_of("ORGANIZATION", &s(o, "id")))
        .collect();
    assert!(ids.contains(&a.id) && ids.contains(&b.id), "{all}");
    let acme = orgs
        .iter()
        .find(|o| uuid_of("ORGANIZATION", &s(o, "id")) == a.id);
    let acme = acme.unwrap_or_else(|| panic!("{all}"));
    assert_eq!(acme["displayName"], "Customer acme", "{acme}");
    assert!(s(acme, "created").ends_with('Z'), "{acme}");
    // The organisation id is the orgId of every other call.
    let locs = ok(admin
        .get(&format!("/v1/locations?orgId={}", s(acme, "id")))
        .await);
    assert_eq!(locs["items"][0]["name"], "HQ", "{locs}");
    let one = ok(admin
        .get(&format!("/v1/organizations/{}", s(acme, "id")))
        .await);
    assert_eq!(one["displayName"], "Customer acme");
    // A customer administrator sees their own organisation only.
    let ca = customer_admin(&hub, &admin, &a, "ca-acme").await;
    let mine = ok(ca.get("/v1/organizations").await);
    let mine = mine["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(uuid_of("ORGANIZATION", &s(&mine[0], "id")), a.id);
    let bolt = patchbay_domain::provisioning::webex_id(
        "ORGANIZATION",
        &uuid::Uuid::parse_str(&b.id).unwrap_or_default(),
    );
    let (st, v) = ca.get(&format!("/v1/organizations/{bolt}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    let (st, _) = ca.get("/v1/organizations/not-an-org").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    hub.stop().await;
}

#[tokio::test]
async fn api_2_licence_ids_decode_and_details_list_the_holders() {
    use base64::Engine;
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    for (i, name) in ["Ann", "Bo", "Cy"].iter().enumerate() {
        let p = crate::calling_api::person_body(&o, &format!("p{i}@acme.test"), name, "Lee");
        ok(a.post(PEOPLE, p).await);
    }
    let ws = crate::calling_api::ws_body("Lobby", &o.loc, Some(&o.pro), "", "");
    ok(a.post(WS, ws).await);
    // The id is Webex-shaped: ciscospark://us/LICENSE/<org>:<CODE>_<uuid>.
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
    let raw = b64
        .decode(o.pro.trim_end_matches('='))
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8(raw).unwrap_or_default();
    let last = text.rsplit('/').next().unwrap_or_default();
    let (org_part, lic) = last.rsplit_once(':').unwrap_or_default();
    assert_eq!(org_part, o.id, "{text}");
    let (code, lic_uuid) = lic.split_once('_').unwrap_or_default();
    assert_eq!(code, "BCSTD", "{text}");
    assert!(uuid::Uuid::parse_str(lic_uuid).is_ok(), "{text}");
    // Details: units and who consumes them.
    let one = format!("/v1/licenses/{}", o.pro);
    let d = ok(a.get(&one).await);
    assert_eq!(d["name"], "Webex Calling - Professional", "{d}");
    assert_eq!(d["totalUnits"], 50, "{d}");
    assert_eq!(d["consumedUnits"], 4, "{d}");
    assert_eq!(d["consumedByUsers"], 3, "{d}");
    assert_eq!(d["consumedByWorkspaces"], 1, "{d}");
    assert!(d.get("users").is_none(), "{d}");
    // includeAssignedTo=user lists the holders, paged by Link.
    let mut next = Some(format!("{one}?includeAssignedTo=user&max=2"));
    let mut emails = Vec::new();
    let mut pages = 0;
    while let Some(url) = next.take() {
        let r = hub.api(&a.1, reqwest::Method::GET, &url, None).await;
        assert_eq!(r.status(), StatusCode::OK);
        next =
            crate::calling_api::next_link(&r).map(|l| l[l.find("/v1/").unwrap_or(0)..].to_string());
        let v: Value = r.json().await.unwrap_or_default();
        assert_eq!(v["name"], "Webex Calling - Professional", "{v}");
        for u in v["users"].as_array().into_iter().flatten() {
            assert_eq!(u["type"], "INTERNAL", "{u}");
            emails.push(s(u, "email"));
        }
        pages += 1;
    }
    emails.sort();
    assert_eq!(emails, ["p0@acme.test", "p1@acme.test", "p2@acme.test"]);
    assert_eq!(pages, 2);
    let basic = ok(a
        .get(&format!("/v1/licenses/{}?includeAssignedTo=user", o.basic))
        .await);
    assert_eq!(basic["users"], json!([]), "{basic}");
    // Values and ids it does not know.
    let (st, _) = a.get(&format!("{one}?includeAssignedTo=workspace")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _) = a.get("/v1/licenses/not-a-licence").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // Another organisation's administrator does not see it.
    let other = org(&a, "bolt").await;
    let ca = customer_admin(&hub, &a, &other, "ca-bolt").await;
    let (st, _) = ca.get(&one).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    hub.stop().await;
}

#[tokio::test]
async fn api_2_location_coordinates_come_back_as_sent() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let body = json!({"name": "Paris", "timeZone": "Europe/Paris", "latitude": 48.8566,
        "longitude": "2.3522", "address": {"address1": "1 rue de Rivoli", "city": "Paris",
        "postalCode": "75001", "country": "FR"}});
    let made = ok(a.post(&o.q("/v1/locations"), body.clone()).await);
    let one = format!("/v1/locations/{}", s(&made, "id"));
    let got = ok(a.get(&one).await);
    assert_eq!(got["latitude"], 48.8566, "{got}");
    assert_eq!(got["longitude"], 2.3522, "{got}");
    // An update without them keeps them; null clears one.
    ok(a.put(&one, json!({"notes": "moved nothing"})).await);
    let got = ok(a.get(&one).await);
    assert_eq!(got["longitude"], 2.3522, "{got}");
    ok(a.put(&one, json!({"latitude": null})).await);
    let got = ok(a.get(&one).await);
    assert!(got.get("latitude").is_none(), "{got}");
    assert_eq!(got["longitude"], 2.3522, "{got}");
    // Out of range or not a number: a field error.
    for (field, v) in [
        ("latitude", json!(91)),
        ("longitude", json!(-180.5)),
        ("latitude", json!("north")),
        ("longitude", json!(true)),
    ] {
        let (st, e) = a.put(&one, json!({ field: v })).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{field}={v}: {e}");
        assert!(
            descriptions(&e)
                .iter()
                .any(|d| d.starts_with(&format!("{field}:"))),
            "{e}"
        );
    }
    hub.stop().await;
}

#[tokio::test]
async fn api_2_person_directory_fields_come_back_as_sent() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let boss = crate::calling_api::person(&a, &o, "boss@acme.test", "Bea", "Boss").await;
    let body = person_body(&o, "ann@acme.test", "Ann", "Lee");
    let body = with(body, "title", "Network engineer");
    let body = with(body, "department", "IT");
    let body = with(body, "nickName", "Annie");
    let body = with(body, "manager", "Bea Boss");
    let body = with(body, "managerId", boss.as_str());
    let body = with(
        body,
        "addresses",
        json!([{"type": "work", "streetAddress": "1 rue de Rivoli", "locality": "Paris",
            "postalCode": "75001", "country": "FR"}]),
    );
    let ann = ok(a.post(PEOPLE, body).await);
    let one = format!("{PEOPLE}/{}", s(&ann, "id"));
    let got = ok(a.get(&one).await);
    for (k, v) in [
        ("title", "Network engineer"),
        ("department", "IT"),
        ("nickName", "Annie"),
        ("manager", "Bea Boss"),
        ("managerId", boss.as_str()),
    ] {
        assert_eq!(got[k], v, "{k}: {got}");
    }
    assert_eq!(got["addresses"][0]["locality"], "Paris", "{got}");
    assert_eq!(got["addresses"][0]["type"], "work", "{got}");
    // An update of one field keeps the others.
    ok(a.put(&one, json!({"title": "Architect"})).await);
    let got = ok(a.get(&one).await);
    assert_eq!(got["title"], "Architect");
    assert_eq!(got["department"], "IT");
    assert_eq!(got["addresses"][0]["country"], "FR");
    // The manager is a person of the same organisation, not oneself.
    let other = org(&a, "bolt").await;
    let stranger = crate::calling_api::person(&a, &other, "s@bolt.test", "Sam", "Stranger").await;
    for bad in [stranger.as_str(), s(&ann, "id").as_str(), "not-an-id"] {
        let (st, e) = a.put(&one, json!({ "managerId": bad })).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}: {e}");
        assert!(
            descriptions(&e).iter().any(|d| d.starts_with("managerId:")),
            "{e}"
        );
    }
    let (st, e) = a.put(&one, json!({ "title": "x".repeat(129) })).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
    // A manager who leaves is no longer anyone's manager.
    assert_eq!(
        a.del(&format!("{PEOPLE}/{boss}")).await,
        StatusCode::NO_CONTENT
    );
    let got = ok(a.get(&one).await);
    assert!(got.get("managerId").is_none(), "{got}");
    assert_eq!(got["manager"], "Bea Boss", "the name stays as sent: {got}");
    hub.stop().await;
}

/// Ann Lee (number +33160871135, extension 2001), Bo Kay (extension 2002 only) and the Lobby
/// workspace (Workspaces licence, extension 3001) of `o`, whose HQ holds +33160871135: their ids.
pub(crate) async fn ann_bo_lobby(a: &Who<'_>, o: &Org) -> (String, String, String) {
    let ann = person_body(o, "ann@acme.test", "Ann", "Lee");
    let ann = with(ann, "extension", "2001");
    let ann = with(
        ann,
        "phoneNumbers",
        json!([{"type": "work", "value": "+33160871135"}]),
    );
    let ann = s(&ok(a.post(PEOPLE, ann).await), "id");
    let bo = with(
        person_body(o, "bo@acme.test", "Bo", "Kay"),
        "extension",
        "2002",
    );
    let bo = s(&ok(a.post(PEOPLE, bo).await), "id");
    let lobby = json!({"displayName": "Lobby", "locationId": o.loc, "orgId": o.id,
        "calling": {"type": "webexCalling", "webexCalling":
            {"licenses": [o.common], "locationId": o.loc, "extension": "3001"}}});
    let lobby = s(&ok(a.post(WS, lobby).await), "id");
    (ann, bo, lobby)
}

/// Ann (number +33160871135, ext 2001, Professional) owns a phone on which the Lobby workspace
/// (ext 3001, Workspaces licence) has a line; Bo (ext 2002) does not.
struct Lines {
    hub: TestHub,
    token: String,
    o: Org,
    ann: String,
    bo: String,
    lobby: String,
    device: String,
}

impl Lines {
    async fn new() -> Self {
        let (hub, token) = start().await;
        let a = Who(&hub, token.clone());
        let o = org(&a, "acme").await;
        let n = json!({"phoneNumbers": ["+33160871135"], "state": "ACTIVE"});
        assert_eq!(add_numbers(&a, &o.loc, n).await, StatusCode::CREATED);
        let (ann, bo, lobby) = ann_bo_lobby(&a, &o).await;
        let phone = crate::calling_api::body(
            "personId",
            &ann,
            &crate::calling_api::mac(7),
            "Yealink T54W",
        );
        let device = s(&ok(a.dev(&o, phone).await), "id");
        let members = format!("/v1/telephony/config/devices/{device}/members");
        let (st, v) = a.put(&members, json!({"members": [{"id": lobby}]})).await;
        assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
        Self {
            hub,
            token,
            o,
            ann,
            bo,
            lobby,
            device,
        }
    }

    fn who(&self) -> Who<'_> {
        Who(&self.hub, self.token.clone())
    }

    fn dev(&self, tail: &str) -> String {
        self.o.q(&format!(
            "/v1/telephony/config/devices/{}{tail}",
            self.device
        ))
    }
}

#[tokio::test]
async fn dev_6_members_carry_number_extension_location_and_licence() {
    let l = Lines::new().await;
    let a = l.who();
    let v = ok(a.get(&l.dev("/members")).await);
    let members = v["members"].as_array().cloned().unwrap_or_default();
    assert_eq!(members.len(), 2, "{v}");
    let ann = &members[0];
    assert_eq!(ann["id"], l.ann.as_str(), "{v}");
    assert_eq!(ann["phoneNumber"], "+33160871135", "{ann}");
    assert_eq!(ann["extension"], "2001", "{ann}");
    assert_eq!(ann["location"]["id"], l.o.loc.as_str(), "{ann}");
    assert_eq!(ann["location"]["name"], "HQ", "{ann}");
    assert_eq!(ann["licenseType"], "PROFESSIONAL_USER", "{ann}");
    let lobby = &members[1];
    assert_eq!(lobby["id"], l.lobby.as_str(), "{v}");
    assert_eq!(lobby["extension"], "3001", "{lobby}");
    assert_eq!(lobby["licenseType"], "WORKSPACE", "{lobby}");
    assert!(lobby.get("phoneNumber").is_none(), "{lobby}");
    // Available: Bo only (Ann and the Lobby are lines already), with location and licence.
    let v = ok(a.get(&l.dev("/availableMembers")).await);
    let avail = v["members"].as_array().cloned().unwrap_or_default();
    assert_eq!(avail.len(), 1, "{v}");
    assert_eq!(avail[0]["id"], l.bo.as_str());
    assert_eq!(avail[0]["location"]["name"], "HQ", "{v}");
    assert_eq!(avail[0]["licenseType"], "PROFESSIONAL_USER", "{v}");
    hub_stop(l).await;
}

async fn hub_stop(l: Lines) {
    l.hub.stop().await;
}

#[tokio::test]
async fn dev_6_available_members_filters_order_and_count() {
    let l = Lines::new().await;
    let a = l.who();
    // Two more candidates: Cy Abel (number +33160871136) and Dee Zed.
    let n = json!({"phoneNumbers": ["+33160871136"], "state": "ACTIVE"});
    assert_eq!(add_numbers(&a, &l.o.loc, n).await, StatusCode::CREATED);
    let cy = person_body(&l.o, "cy@acme.test", "Cy", "Abel");
    let cy = with(
        cy,
        "phoneNumbers",
        json!([{"type": "work", "value": "+33160871136"}]),
    );
    ok(a.post(PEOPLE, cy).await);
    ok(
        a.post(PEOPLE, person_body(&l.o, "dee@acme.test", "Dee", "Zed"))
            .await,
    );
    let names = |v: &Value| -> Vec<String> {
        v["members"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| s(m, "lastName"))
            .collect()
    };
    let list = |q: &str| l.dev(&format!("/availableMembers{q}"));
    let count = |q: &str| l.dev(&format!("/availableMembers/count{q}"));
    for (q, want) in [
        ("", vec!["Kay", "Abel", "Zed"]),
        ("?order=lname", vec!["Abel", "Kay", "Zed"]),
        ("?order=fname", vec!["Kay", "Abel", "Zed"]),
        ("?phoneNumber=871136", vec!["Abel"]),
        ("?extension=2002", vec!["Kay"]),
        ("?memberName=ze", vec!["Zed"]),
        (
            "?usageType=SHARED_LINE&order=lname",
            vec!["Abel", "Kay", "Zed"],
        ),
        (
            "?usageType=DEVICE_OWNER&order=lname",
            vec!["Abel", "Kay", "Zed"],
        ),
    ] {
        let v = ok(a.get(&list(q)).await);
        assert_eq!(names(&v), want, "{q}: {v}");
        let c = ok(a
            .get(&count(
                q.replace("order=lname", "")
                    .replace("order=fname", "")
                    .trim_end_matches('&'),
            ))
            .await);
        assert_eq!(c["totalCount"], want.len(), "count{q}: {c}");
    }
    for bad in ["?usageType=ROBOT", "?order=age"] {
        let (st, _) = a.get(&list(bad)).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}");
    }
    // The count takes no order: asking one is refused, not ignored.
    let (st, _) = a.get(&count("?order=lname")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    hub_stop(l).await;
}

#[tokio::test]
async fn dev_7_device_settings_are_kept_and_changes_applied() {
    let l = Lines::new().await;
    let a = l.who();
    let settings = l.dev("/settings");
    let v = ok(a.get(&settings).await);
    assert_eq!(v["customizations"], json!({}), "{v}");
    assert_eq!(v["customEnabled"], false, "{v}");
    assert!(v.get("lastUpdateTime").is_none(), "{v}");
    let mpp = json!({"mpp": {"displayName": "Front desk", "backlightTimer": "ONE_MIN"}});
    let body = json!({"customizations": mpp, "customEnabled": true});
    let (st, e) = a
        .put(&format!("{settings}&model=Yealink%20T54W"), body)
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{e}");
    let v = ok(a
        .get(&format!("{settings}&deviceModel=Yealink%20T54W"))
        .await);
    assert_eq!(v["customizations"], mpp, "{v}");
    assert_eq!(v["customEnabled"], true, "{v}");
    assert!(
        v["lastUpdateTime"]
            .as_i64()
            .is_some_and(|t| t > 1_700_000_000_000),
        "{v}"
    );
    // Only customEnabled: the customizations stay.
    ok_204(a.put(&settings, json!({"customEnabled": false})).await);
    let v = ok(a.get(&settings).await);
    assert_eq!(
        (v["customEnabled"].clone(), v["customizations"].clone()),
        (json!(false), mpp)
    );
    // What it does not take: another model, unknown kinds, a non-object.
    let (st, _) = a
        .get(&format!("{settings}&deviceModel=Poly%20VVX%20250"))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    for bad in [json!({"fax": {}}), json!([1]), json!({"mpp": 3})] {
        let (st, e) = a.put(&settings, json!({ "customizations": bad })).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
    }
    // applyChanges is recorded.
    let (st, e) = a
        .go(
            reqwest::Method::POST,
            &l.dev("/actions/applyChanges/invoke"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{e}");
    let audit = ok(a
        .get("/v1/operations/auditEvents?action=device.applyChanges")
        .await);
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(1), "{audit}");
    hub_stop(l).await;
}

fn ok_204((st, v): (StatusCode, Value)) {
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
}

#[tokio::test]
async fn wsp_2_workspace_devices_own_and_shared_with_the_limit() {
    let l = Lines::new().await;
    let a = l.who();
    // The Lobby's own phone (a Workspaces licence allows one).
    let own = crate::calling_api::body(
        "workspaceId",
        &l.lobby,
        &crate::calling_api::mac(8),
        crate::calling_api::GENERIC,
    );
    let own = s(&ok(a.dev(&l.o, own).await), "id");
    let v = ok(a
        .get(&l.o.q(&format!(
            "/v1/telephony/config/workspaces/{}/devices",
            l.lobby
        )))
        .await);
    assert_eq!(v["maxDeviceCount"], 1, "{v}");
    let devices = v["devices"].as_array().cloned().unwrap_or_default();
    let by_id = |id: &str| {
        devices
            .iter()
            .find(|d| d["id"] == id)
            .cloned()
            .unwrap_or_default()
    };
    let mine = by_id(&own);
    assert_eq!(
        (mine["primaryOwner"].clone(), mine["type"].clone()),
        (json!(true), json!("PRIMARY")),
        "{v}"
    );
    assert_eq!(mine["owner"]["type"], "PLACE", "{mine}");
    let shared = by_id(&l.device);
    assert_eq!(shared["type"], "SHARED_CALL_APPEARANCE", "{v}");
    assert_eq!(shared["primaryOwner"], false, "{v}");
    assert_eq!(shared["owner"]["id"], l.ann.as_str(), "{shared}");
    assert_eq!(shared["activationState"], "ACTIVATING", "{shared}");
    assert_eq!(devices.len(), 2, "{v}");
    // Its SIP address is the one its phone registers as.
    let sip = ok(a
        .get(&l.o.q(&format!("/v1/telephony/config/devices/{own}")))
        .await);
    let want = format!(
        "{}@{}",
        s(&sip["owner"], "sipUserName"),
        s(&sip, "registrarDomain")
    );
    let ws = ok(a.get(&format!("{WS}/{}", l.lobby)).await);
    assert_eq!(ws["sipAddress"], want.as_str(), "{ws}");
    hub_stop(l).await;
}

#[tokio::test]
async fn num_1_person_and_workspace_feature_numbers() {
    let l = Lines::new().await;
    let a = l.who();
    let v = ok(a
        .get(&l.o.q(&format!(
            "{PEOPLE}/{}/features/numbers?preferE164Format=true",
            l.ann
        )))
        .await);
    assert_eq!(v["distinctiveRingEnabled"], false, "{v}");
    assert_eq!(
        v["phoneNumbers"],
        json!([{"primary": true, "directNumber": "+33160871135", "extension": "2001"}])
    );
    // The path and org parameter wxc_sdk uses for workspaces: trailing slash and org_id.
    let path = format!("{WS}/{}/features/numbers/?org_id={}", l.lobby, l.o.id);
    let v = ok(a.get(&path).await);
    assert_eq!(
        v["phoneNumbers"],
        json!([{"primary": true, "extension": "3001"}]),
        "{v}"
    );
    assert_eq!(v["workspace"]["id"], l.lobby.as_str(), "{v}");
    assert_eq!(v["location"]["id"], l.o.loc.as_str(), "{v}");
    assert_eq!(
        uuid_of("ORGANIZATION", &s(&v["organization"], "id")),
        l.o.id,
        "{v}"
    );
    let v = ok(a
        .get(&l.o.q(&format!("{WS}/{}/features/numbers", l.lobby)))
        .await);
    assert_eq!(v["workspace"]["id"], l.lobby.as_str(), "{v}");
    // Another organisation's id: not found.
    let other = org(&a, "bolt").await;
    let (st, _) = a
        .get(&other.q(&format!("{PEOPLE}/{}/features/numbers", l.ann)))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    hub_stop(l).await;
}

#[tokio::test]
async fn api_2_telephony_locations_list_and_details() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    location(&a, &o.id, "Annex").await;
    location(&a, &o.id, "Branch").await;
    let names = |v: &Value| -> Vec<String> {
        v["locations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| s(l, "name"))
            .collect()
    };
    let list = |q: &str| o.q(&format!("/v1/telephony/config/locations{q}"));
    assert_eq!(
        names(&ok(a.get(&list("")).await)),
        ["Annex", "Branch", "HQ"]
    );
    assert_eq!(
        names(&ok(a.get(&list("?order=desc")).await)),
        ["HQ", "Branch", "Annex"]
    );
    assert_eq!(
        names(&ok(a.get(&list("?name=an")).await)),
        ["Annex", "Branch"]
    );
    let (st, _) = a.get(&list("?order=sideways")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let one = ok(a
        .get(&o.q(&format!("/v1/telephony/config/locations/{}", o.loc)))
        .await);
    assert_eq!(one["name"], "HQ", "{one}");
    assert_eq!(one["callingLineId"]["name"], "HQ", "{one}");
    hub.stop().await;
}

#[tokio::test]
async fn wsp_1_a_workspace_with_only_a_name_for_a_provider_or_a_customer_admin() {
    let (hub, t) = start().await;
    let admin = Who(&hub, t);
    let (a, _b) = (org(&admin, "acme").await, org(&admin, "bolt").await);
    // A provider administrator names the organisation.
    let w = ok(admin.post(&a.q(WS), json!({"displayName": "Huddle"})).await);
    assert_eq!(uuid_of("ORGANIZATION", &s(&w, "orgId")), a.id, "{w}");
    // Without orgId, seeing two organisations: which one is asked for.
    let (st, e) = admin.post(WS, json!({"displayName": "Nowhere"})).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
    assert!(
        descriptions(&e).iter().any(|d| d.starts_with("orgId:")),
        "{e}"
    );
    // A customer administrator needs no orgId.
    let ca = customer_admin(&hub, &admin, &a, "ca-acme").await;
    let w = ok(ca.post(WS, json!({"displayName": "Focus"})).await);
    assert_eq!(uuid_of("ORGANIZATION", &s(&w, "orgId")), a.id, "{w}");
    hub.stop().await;
}

/// The path and query of a `Link` next URL.
fn relative(link: &str) -> String {
    link[link.find("/v1/").unwrap_or(0)..].to_string()
}

#[tokio::test]
async fn api_2_paging_by_cursor_survives_deletions_during_the_walk() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let mut ids = Vec::new();
    for (i, first) in ["Ada", "Ben", "Cal", "Dan", "Eve", "Fay"]
        .iter()
        .enumerate()
    {
        let p = crate::calling_api::person(&a, &o, &format!("p{i}@acme.test"), first, "Walk").await;
        ids.push(p);
    }
    let page = |url: String| {
        let hub = &hub;
        let token = a.1.clone();
        async move {
            let r = hub.api(&token, reqwest::Method::GET, &url, None).await;
            assert_eq!(r.status(), StatusCode::OK, "{url}");
            let next = crate::calling_api::next_link(&r).map(|l| relative(&l));
            let v: Value = r.json().await.unwrap_or_default();
            let names: Vec<String> = v["items"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| s(p, "firstName"))
                .collect();
            (names, next)
        }
    };
    let (first, next) = page(o.q(&format!("{PEOPLE}?max=2"))).await;
    assert_eq!(first, ["Ada", "Ben"]);
    let next = next.unwrap_or_else(|| panic!("no next page"));
    assert!(
        next.contains("cursor=") && !next.contains("start="),
        "{next}"
    );
    // Ada and Ben go while the client is between pages: Cal is still next, nobody is skipped.
    for gone in &ids[..2] {
        assert_eq!(
            a.del(&format!("{PEOPLE}/{gone}")).await,
            StatusCode::NO_CONTENT
        );
    }
    let (second, next) = page(next).await;
    assert_eq!(second, ["Cal", "Dan"]);
    let (third, next) = page(next.unwrap_or_else(|| panic!("no third page"))).await;
    assert_eq!(third, ["Eve", "Fay"]);
    assert!(next.is_none(), "{next:?}");
    // The same for numbers, workspaces, devices and locations: cursors in the links.
    for path in [
        "/v1/telephony/config/numbers",
        WS,
        "/v1/devices",
        "/v1/locations",
    ] {
        let (st, _) = a.get(&o.q(&format!("{path}?max=1"))).await;
        assert_eq!(st, StatusCode::OK, "{path}");
    }
    // A cursor the hub did not make, one of another list's shape, or one with an offset: 400.
    let device_shaped = patchbay_store::list::Cursor(vec![
        patchbay_store::list::KeyValue::Text("x".into()),
        patchbay_store::list::KeyValue::Int(1),
        patchbay_store::list::KeyValue::Text("y".into()),
    ])
    .encode();
    let person_shaped = patchbay_store::list::Cursor(vec![
        patchbay_store::list::KeyValue::Text("Cal Walk".into()),
        patchbay_store::list::KeyValue::Text(ids[2].clone()),
    ])
    .encode();
    for (q, field) in [
        ("cursor=not-a-cursor".to_string(), "cursor"),
        (format!("cursor={device_shaped}"), "cursor"),
        (format!("cursor={person_shaped}&start=3"), "start"),
    ] {
        let (st, e) = a.get(&o.q(&format!("{PEOPLE}?{q}"))).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{q}: {e}");
        assert!(
            descriptions(&e)
                .iter()
                .any(|d| d.starts_with(&format!("{field}:"))),
            "{q}: {e}"
        );
    }
    // A list paged by offset only refuses a cursor rather than ignoring it.
    let (st, e) = a
        .get(&format!("/v1/operations/accounts?cursor={person_shaped}"))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
    assert!(
        descriptions(&e).iter().any(|d| d.starts_with("cursor:")),
        "{e}"
    );
    hub.stop().await;
}

/// wxc_sdk reads a workspace, changes a field and writes the whole model back: the read-only
/// fields it echoes are taken when they say what the workspace is, refused when they would
/// change it. A workspace without calling has no feature numbers.
#[tokio::test]
async fn wsp_1_a_workspace_read_changed_and_written_back() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let w = ok(a.post(&o.q(WS), json!({"displayName": "Probe"})).await);
    let one = format!("{WS}/{}", s(&w, "id"));
    let mut back = ok(a.get(&one).await);
    back["capacity"] = json!(3);
    let (st, v) = a.put(&one, back.clone()).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["capacity"], 3, "{v}");
    for (field, value) in [
        ("deviceCount", json!(4)),
        ("deviceLimit", json!(9)),
        ("hotdeskingStatus", json!("on")),
        ("created", json!("2001-01-01T00:00:00.000Z")),
        ("sipAddress", json!("someone@else.example")),
    ] {
        let mut changed = back.clone();
        changed[field] = value;
        let (st, e) = a.put(&one, changed).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{field}: {e}");
        assert!(
            descriptions(&e)
                .iter()
                .any(|d| d.starts_with(&format!("{field}:"))),
            "{e}"
        );
    }
    // Read-only fields on a create are refused.
    let (st, e) = a
        .post(&o.q(WS), json!({"displayName": "New", "deviceCount": 0}))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
    let (st, _) = a.get(&o.q(&format!("{one}/features/numbers"))).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    hub.stop().await;
}
