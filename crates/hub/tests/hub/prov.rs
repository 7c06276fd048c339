//! PRV-1 … PRV-3 on the phone file server: each vendor family's per-MAC file, parsed and checked
//! value by value; the same answer for an unknown MAC and a wrong password; the limit per
//! source; the audit and the "provisioned" time; a customer's own template.

use crate::calling_api::{body, ok, org, person, s, start, with, workspace, Who, GENERIC};
use md5::{Digest, Md5};
use patchbay_domain::prov::Vendor;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const PW: &str = "Xk7*mQ2_pL9=vR4+";

fn md5_hex(s: &str) -> String {
    hex::encode(Md5::digest(s.as_bytes()))
}

struct Phone {
    base: String,
    client: reqwest::Client,
}

/// One answer of the phone file server.
struct Answer {
    status: StatusCode,
    challenge: Option<String>,
    retry_after: Option<String>,
    content_type: Option<String>,
    body: String,
}

impl Phone {
    fn new(hub: &crate::common::TestHub) -> Self {
        let port = hub
            .running
            .phone_files_addr
            .map(|a| a.port())
            .unwrap_or_else(|| panic!("no phone file server"));
        let pem = std::fs::read(hub.dir.join("identity.crt.pem")).unwrap_or_default();
        let ca = reqwest::Certificate::from_pem(&pem).unwrap_or_else(|e| panic!("{e}"));
        let client = reqwest::Client::builder()
            .add_root_certificate(ca)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        Self {
            base: format!("https://127.0.0.1:{port}"),
            client,
        }
    }

    async fn get(&self, path: &str, auth: Option<String>) -> Answer {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let r = req.send().await.unwrap_or_else(|e| panic!("{e}"));
        let h = |n: &str| {
            r.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(String::from)
        };
        let (challenge, retry_after, content_type) =
            (h("www-authenticate"), h("retry-after"), h("content-type"));
        Answer {
            status: r.status(),
            challenge,
            retry_after,
            content_type,
            body: r.text().await.unwrap_or_default(),
        }
    }

    /// GET `path` as a phone does: ask, answer the digest challenge with `user`/`password`.
    async fn fetch(&self, path: &str, user: &str, password: &str) -> Answer {
        let first = self.get(path, None).await;
        assert_eq!(first.status, StatusCode::UNAUTHORIZED);
        let auth = digest(&first.challenge.unwrap_or_default(), path, user, password);
        self.get(path, Some(auth)).await
    }
}

/// The `Authorization` answer to `challenge` for `GET path` (qop=auth).
fn digest(challenge: &str, path: &str, user: &str, password: &str) -> String {
    let field = |k: &str| {
        challenge
            .split(&format!("{k}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or("")
            .to_string()
    };
    let (realm, nonce) = (field("realm"), field("nonce"));
    let ha1 = md5_hex(&format!("{user}:{realm}:{password}"));
    let ha2 = md5_hex(&format!("GET:{path}"));
    let cnonce = "0a4f113b";
    let response = md5_hex(&format!("{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}"));
    format!(
        "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{path}\", \
         qop=auth, nc=00000001, cnonce=\"{cnonce}\", response=\"{response}\", algorithm=MD5"
    )
}

/// `key = value` lines (Yealink, Algo), comments and blank lines skipped.
fn key_values(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Every element of an XML document: `name[idx]` → text, and `name@attribute` → value.
fn xml(text: &str) -> BTreeMap<String, String> {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(text);
    let mut out = BTreeMap::new();
    let mut current = String::new();
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).to_string();
                let mut idx = String::new();
                for a in e.attributes().flatten() {
                    let k = String::from_utf8_lossy(a.key.as_ref()).to_string();
                    let v = a
                        .unescape_value()
                        .map(|v| v.to_string())
                        .unwrap_or_default();
                    if k == "idx" {
                        idx = v.clone();
                    }
                    out.insert(format!("{name}@{k}"), v);
                }
                current = if idx.is_empty() {
                    name
                } else {
                    format!("{name}[{idx}]")
                };
            }
            Ok(Event::Text(t)) => {
                let v = t.decode().map(|v| v.trim().to_string()).unwrap_or_default();
                if !v.is_empty() {
                    out.insert(current.clone(), v);
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => panic!("not XML: {e}\n{text}"),
            _ => {}
        }
    }
    out
}

/// A device of `model` for `owner` (`personId` / `workspaceId`), with its SIP user and registrar.
pub(crate) async fn device(
    a: &Who<'_>,
    o: &crate::calling_api::Org,
    kind: &str,
    owner: &str,
    mac: &str,
    model: &str,
) -> (Value, String, String) {
    let d = ok(a
        .dev(o, with(body(kind, owner, mac, model), "password", PW))
        .await);
    let (user, registrar) = s(&d, "linePort")
        .split_once('@')
        .map(|(u, r)| (u.to_string(), r.to_string()))
        .unwrap_or_default();
    (d, user, registrar)
}

#[tokio::test]
async fn prv_1_prv_3_each_vendor_gets_its_file_with_its_values() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let p = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    let w = workspace(&a, "Lobby", &o.loc, Some(&o.pro)).await;
    let phone = Phone::new(&hub);
    let cases = [
        (
            "Yealink T54W",
            "personId",
            p.as_str(),
            "00156501AB01",
            Vendor::Yealink,
        ),
        (
            "Poly VVX 450",
            "personId",
            p.as_str(),
            "0004F2AB0102",
            Vendor::Poly,
        ),
        (
            "Snom D785",
            "personId",
            p.as_str(),
            "000413AB0103",
            Vendor::Snom,
        ),
        (
            "Grandstream GRP2614",
            "personId",
            p.as_str(),
            "000B82AB0104",
            Vendor::Grandstream,
        ),
        (
            "Algo 8301",
            "workspaceId",
            w.as_str(),
            "0022EEAB0105",
            Vendor::Algo,
        ),
        (
            GENERIC,
            "personId",
            p.as_str(),
            "00163EAB0106",
            Vendor::Generic,
        ),
    ];
    for (model, kind, owner, mac, vendor) in cases {
        let (d, user, registrar) = device(&a, &o, kind, owner, mac, model).await;
        let prov = s(&d, "provisioningPassword");
        assert!(prov.len() >= 16, "{model}: {d}");
        assert!(d.get("provisioned").is_none(), "{d}");
        let path = format!("/prov/{}", vendor.file_name(mac));
        let got = phone.fetch(&path, &mac.to_lowercase(), &prov).await;
        assert_eq!(got.status, StatusCode::OK, "{model} {path}: {}", got.body);
        let tls = model != "Algo 8301";
        let (port, transport) = if tls {
            ("5061", "tls")
        } else {
            ("5060", "udp")
        };
        match vendor {
            Vendor::Yealink => {
                let kv = key_values(&got.body);
                assert_eq!(kv["account.1.user_name"], user);
                assert_eq!(kv["account.1.auth_name"], user);
                assert_eq!(kv["account.1.password"], PW);
                assert_eq!(kv["account.1.sip_server.1.address"], registrar);
                assert_eq!(kv["account.1.sip_server.1.port"], port);
                assert_eq!(kv["account.1.sip_server.1.transport_type"], "2");
                assert_eq!(kv["account.1.outbound_proxy.1.address"], "sip.example.test");
                assert_eq!(kv["account.1.label"], "Ann Lee");
            }
            Vendor::Poly => {
                let x = xml(&got.body);
                assert_eq!(x["reg@reg.1.auth.userId"], user);
                assert_eq!(x["reg@reg.1.auth.password"], PW);
                assert_eq!(x["reg@reg.1.address"], format!("{user}@{registrar}"));
                assert_eq!(x["reg@reg.1.server.1.transport"], "TLS");
                assert_eq!(x["reg@reg.1.server.1.port"], port);
            }
            Vendor::Snom => {
                let x = xml(&got.body);
                assert_eq!(x["user_name[1]"], user);
                assert_eq!(x["user_pass[1]"], PW);
                assert_eq!(x["user_host[1]"], registrar);
                assert_eq!(
                    x["user_outbound[1]"],
                    format!("sip.example.test:{port};transport={transport}")
                );
            }
            Vendor::Grandstream => {
                let x = xml(&got.body);
                assert_eq!(x["mac"], mac.to_lowercase());
                assert_eq!(
                    (x["P35"].as_str(), x["P36"].as_str(), x["P34"].as_str()),
                    (user.as_str(), user.as_str(), PW)
                );
                assert_eq!(x["P47"], registrar);
                assert_eq!(x["P130"], "2");
            }
            Vendor::Algo => {
                let kv = key_values(&got.body);
                assert_eq!(kv["sip.u1.auth"], user);
                assert_eq!(kv["sip.u1.pwd"], PW);
                assert_eq!(kv["sip.proxy"], registrar);
                assert_eq!(kv["sip.transport"], transport);
            }
            Vendor::Generic => {
                let kv = key_values(&got.body);
                assert_eq!(kv["user"], user);
                assert_eq!(kv["password"], PW);
                assert_eq!(kv["registrar"], registrar);
                assert_eq!(kv["port"], port);
            }
        }
        let xml_family = matches!(vendor, Vendor::Poly | Vendor::Snom | Vendor::Grandstream);
        assert_eq!(
            got.content_type
                .as_deref()
                .map(|c| c.starts_with("application/xml")),
            Some(xml_family)
        );
        // PRV-3: the device is marked provisioned.
        let after = ok(a.get(&o.q(&format!("/v1/devices/{}", s(&d, "id")))).await);
        assert!(
            after["provisioned"]
                .as_str()
                .is_some_and(|t| t.starts_with("20")),
            "{after}"
        );
        // Another family's name for the same MAC is refused like a wrong password.
        let other = if vendor == Vendor::Yealink {
            Vendor::Snom
        } else {
            Vendor::Yealink
        };
        let wrong = phone
            .fetch(
                &format!("/prov/{}", other.file_name(mac)),
                &mac.to_lowercase(),
                &prov,
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{model}");
    }
    // A shared line appears as account 2 of the Yealink.
    let (d, user, _) = device(&a, &o, "personId", &p, "00156501AB09", "Yealink T54W").await;
    let q = person(&a, &o, "bob@acme.test", "Bob", "Ray").await;
    let members = o.q(&format!(
        "/v1/telephony/config/devices/{}/members",
        s(&d, "id")
    ));
    let owner = ok(a.get(&members).await)["members"][0]["id"].clone();
    let (status, v) = a
        .put(&members, json!({"members": [{"id": owner}, {"id": q}]}))
        .await;
    assert!(status.is_success(), "{v}");
    let got = phone
        .fetch(
            "/prov/00156501ab09.cfg",
            "00156501ab09",
            &s(&d, "provisioningPassword"),
        )
        .await;
    let kv = key_values(&got.body);
    assert_eq!(kv["account.2.user_name"], format!("{user}_2"));
    assert_eq!(kv["account.2.password"], PW);
    assert_eq!(kv["account.2.label"], "Bob Ray");
    // Every fetch is audited.
    let audit = ok(a
        .get("/v1/operations/auditEvents?action=device.provisioned")
        .await);
    let n = audit["items"].as_array().map_or(0, |i| {
        i.iter()
            .filter(|e| e["action"] == "device.provisioned")
            .count()
    });
    assert!(n >= 7, "{audit}");
    hub.stop().await;
}

#[tokio::test]
async fn prv_2_unknown_mac_and_wrong_password_get_the_same_answer_and_are_limited() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let p = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    let (d, _, _) = device(&a, &o, "personId", &p, "00156501AB11", "Yealink T54W").await;
    let prov = s(&d, "provisioningPassword");
    let phone = Phone::new(&hub);
    let known = "/prov/00156501ab11.cfg";
    let unknown = "/prov/00156501ab12.cfg";
    // The files carry passwords: never over plain HTTP.
    let port = hub
        .running
        .phone_files_addr
        .map(|a| a.port())
        .unwrap_or_default();
    let plain = reqwest::get(format!("http://127.0.0.1:{port}{known}"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plain.status(), StatusCode::FORBIDDEN);
    let none = phone.get(known, None).await;
    let none_unknown = phone.get(unknown, None).await;
    for x in [&none, &none_unknown] {
        assert_eq!(x.status, StatusCode::UNAUTHORIZED);
        assert!(x
            .challenge
            .as_deref()
            .is_some_and(|c| c.starts_with("Digest realm=\"patchbay-provisioning\"")));
    }
    assert_eq!(none.body, none_unknown.body);
    let wrong = phone.fetch(known, "00156501ab11", "not-the-password").await;
    let stranger = phone
        .fetch(unknown, "00156501ab12", "not-the-password")
        .await;
    let shape = |x: &Answer| {
        (
            x.status,
            x.body.clone(),
            x.challenge
                .as_ref()
                .map(|c| c.split("nonce=").next().map(String::from)),
        )
    };
    assert_eq!(shape(&wrong), shape(&stranger));
    // The SIP password is not the provisioning password, and the MAC is the user.
    assert_eq!(
        phone.fetch(known, "00156501ab11", PW).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        phone.fetch(known, "admin", &prov).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        phone.fetch(known, "00156501ab11", &prov).await.status,
        StatusCode::OK
    );
    // A reset replaces it.
    let reset = o.q(&format!(
        "/v1/telephony/config/devices/{}/actions/resetSipPassword/invoke",
        s(&d, "id")
    ));
    let secrets = ok(a.post(&reset, json!({})).await);
    assert_eq!(
        phone.fetch(known, "00156501ab11", &prov).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        phone
            .fetch(known, "00156501ab11", &s(&secrets, "provisioningPassword"))
            .await
            .status,
        StatusCode::OK
    );
    let new_prov = s(&secrets, "provisioningPassword");
    let early = phone.get(known, None).await.challenge.unwrap_or_default();
    let right = digest(&early, known, "00156501ab11", &new_prov);
    // Parallel guesses from one source: beyond the limit, 429 with Retry-After.
    let guesses = (0..40).map(|i| {
        let phone = &phone;
        async move {
            phone
                .fetch(known, "00156501ab11", &format!("guess-{i}"))
                .await
        }
    });
    let answers = futures_util::future::join_all(guesses).await;
    let limited: Vec<&Answer> = answers
        .iter()
        .filter(|x| x.status == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert!(!limited.is_empty(), "no guess was limited");
    assert!(limited.iter().all(|x| x.retry_after.is_some()));
    assert!(answers.iter().all(|x| x.status != StatusCode::OK));
    // While the source waits, even the right password is refused.
    let blocked = phone.get(known, Some(right)).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.retry_after.is_some());
    // Refusals are audited too.
    let audit = ok(a
        .get("/v1/operations/auditEvents?action=device.provision")
        .await);
    let failures = audit["items"].as_array().map_or(0, |i| {
        i.iter().filter(|e| e["outcome"] == "failure").count()
    });
    assert!(failures >= 3, "{audit}");
    hub.stop().await;
}

#[tokio::test]
async fn prv_1_a_customers_own_template_is_checked_and_used() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let p = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    let (d, user, _) = device(&a, &o, "personId", &p, "00156501AB21", "Yealink T54W").await;
    let path = o.q("/v1/telephony/config/provisioningTemplates/yealink");
    let builtin = ok(a.get(&path).await);
    assert_eq!(builtin["custom"], false);
    assert!(s(&builtin, "body").contains("account."));
    // A template that does not render is refused with the reason.
    let (status, v) = a.put(&path, json!({"body": "{% for l in lines %}"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(
        a.put(
            &o.q("/v1/telephony/config/provisioningTemplates/nokia"),
            json!({"body": "x"})
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let own = "#!version:1.0.0.1\nacme.custom = 1\n{% for l in lines %}account.{{ l.port }}.user_name = {{ l.user }}\n{% endfor %}";
    let set = ok(a.put(&path, json!({"body": own})).await);
    assert_eq!(set["custom"], true);
    let phone = Phone::new(&hub);
    let got = phone
        .fetch(
            "/prov/00156501ab21.cfg",
            "00156501ab21",
            &s(&d, "provisioningPassword"),
        )
        .await;
    let kv = key_values(&got.body);
    assert_eq!(kv.get("acme.custom").map(String::as_str), Some("1"));
    assert_eq!(kv["account.1.user_name"], user);
    assert!(!kv.contains_key("account.1.password"));
    assert_eq!(a.del(&path).await, StatusCode::NO_CONTENT);
    assert_eq!(ok(a.get(&path).await)["custom"], false);
    hub.stop().await;
}
