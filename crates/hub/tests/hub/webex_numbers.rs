//! The Webex number list (NUM-1, API-2): numbers and extension-only entries together, every
//! filter Webex documents applied, the `details=true` counts. On SQLite and, with
//! PATCHBAY_TEST_DATABASE_URL, on PostgreSQL.

use crate::calling_api::{add_numbers, location, ok, org, s, start, Org, Who, NUMBERS};
use crate::common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// One customer's numbers, built the same way for every filter test:
///
/// | entry          | location | holder          | state    | kind     |
/// |----------------|----------|-----------------|----------|----------|
/// | +33160871135   | HQ       | Ann Lee (2001)  | ACTIVE   | DID      |
/// | +33160871136   | HQ       | —               | INACTIVE | DID      |
/// | +33450000001   | Annex    | —               | ACTIVE   | DID      |
/// | +33612345678   | HQ       | —               | ACTIVE   | MOBILE   |
/// | +33800123456   | HQ       | —               | ACTIVE   | TOLLFREE |
/// | ext. 2002      | HQ       | Bo Kay          | ACTIVE   | —        |
/// | ext. 3001      | HQ       | Lobby (place)   | ACTIVE   | —        |
struct Numbers {
    hub: TestHub,
    token: String,
    o: Org,
    annex: String,
    ann: String,
    lobby: String,
}

const ALL: [&str; 7] = [
    "+33160871135",
    "+33160871136",
    "+33450000001",
    "+33612345678",
    "+33800123456",
    "x2002",
    "x3001",
];

impl Numbers {
    async fn new() -> Self {
        let (hub, token) = start().await;
        let a = Who(&hub, token.clone());
        let o = org(&a, "acme").await;
        let annex = location(&a, &o.id, "Annex").await;
        let add = |loc: String, b: Value| {
            let a = Who(&hub, token.clone());
            async move { assert_eq!(add_numbers(&a, &loc, b).await, StatusCode::CREATED) }
        };
        add(
            o.loc.clone(),
            json!({"phoneNumbers": ["+33160871135"], "state": "ACTIVE"}),
        )
        .await;
        add(o.loc.clone(), json!({"phoneNumbers": ["+33160871136"]})).await;
        add(
            o.loc.clone(),
            json!({"phoneNumbers": ["+33612345678"], "numberType": "MOBILE", "state": "ACTIVE"}),
        )
        .await;
        add(
            o.loc.clone(),
            json!({"phoneNumbers": ["+33800123456"], "numberType": "TOLLFREE", "state": "ACTIVE"}),
        )
        .await;
        add(
            annex.clone(),
            json!({"phoneNumbers": ["+33450000001"], "state": "ACTIVE"}),
        )
        .await;
        let (ann, _, lobby) = crate::webex_api::ann_bo_lobby(&a, &o).await;
        Self {
            hub,
            token,
            o,
            annex,
            ann,
            lobby,
        }
    }

    fn who(&self) -> Who<'_> {
        Who(&self.hub, self.token.clone())
    }

    /// GET the numbers with query `q` (orgId added).
    async fn get(&self, q: &str) -> Value {
        ok(self.who().get(&self.o.q(&format!("{NUMBERS}{q}"))).await)
    }

    /// The entries `q` lists, each as its number or `x<extension>` when it has none.
    async fn entries(&self, q: &str) -> Vec<String> {
        let v = self.get(q).await;
        v["phoneNumbers"]
            .as_array()
            .unwrap_or_else(|| panic!("{q}: {v}"))
            .iter()
            .map(|e| match e["phoneNumber"].as_str() {
                Some(n) => n.to_string(),
                None => format!("x{}", s(e, "extension")),
            })
            .collect()
    }

    /// Every `(query, entries)` case lists exactly those entries, in that order.
    async fn expect(&self, cases: &[(&str, &[&str])]) {
        for (q, want) in cases {
            assert_eq!(self.entries(q).await, *want, "{q}");
        }
    }

    async fn stop(self) {
        self.hub.stop().await;
    }
}

#[tokio::test]
async fn num_1_numbers_and_extension_only_entries_are_listed_together() {
    let n = Numbers::new().await;
    n.expect(&[("", &ALL)]).await;
    let v = n.get("?extension=2002").await;
    let e = &v["phoneNumbers"][0];
    assert!(e.get("phoneNumber").is_none(), "{e}");
    assert_eq!(e["owner"]["type"], "PEOPLE", "{e}");
    assert_eq!(e["owner"]["lastName"], "Kay", "{e}");
    assert_eq!(e["location"]["name"], "HQ", "{e}");
    assert!(
        e["mainNumber"].is_boolean() && e["tollFreeNumber"].is_boolean(),
        "{e}"
    );
    // Paging walks the same entries.
    let mut seen = Vec::new();
    let a = n.who();
    let mut next = Some(n.o.q(&format!("{NUMBERS}?max=3")));
    while let Some(url) = next.take() {
        let r = n.hub.api(&a.1, reqwest::Method::GET, &url, None).await;
        next =
            crate::calling_api::next_link(&r).map(|l| l[l.find("/v1/").unwrap_or(0)..].to_string());
        let v: Value = r.json().await.unwrap_or_default();
        for e in v["phoneNumbers"].as_array().into_iter().flatten() {
            seen.push(
                e["phoneNumber"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("x{}", s(e, "extension"))),
            );
        }
    }
    assert_eq!(seen, ALL);
    n.stop().await;
}

#[tokio::test]
async fn num_1_filter_location_id_and_phone_number() {
    let n = Numbers::new().await;
    let annex = format!("?locationId={}", n.annex);
    let hq = format!("?locationId={}", n.o.loc);
    n.expect(&[
        (&annex, &["+33450000001"]),
        (
            &hq,
            &[
                "+33160871135",
                "+33160871136",
                "+33612345678",
                "+33800123456",
                "x2002",
                "x3001",
            ],
        ),
        ("?phoneNumber=0871", &["+33160871135", "+33160871136"]),
        ("?phoneNumber=%2B33800", &["+33800123456"]),
    ])
    .await;
    n.stop().await;
}

#[tokio::test]
async fn num_1_filter_available_and_assigned() {
    let n = Numbers::new().await;
    let free: &[&str] = &[
        "+33160871136",
        "+33450000001",
        "+33612345678",
        "+33800123456",
    ];
    let held: &[&str] = &["+33160871135", "x2002", "x3001"];
    n.expect(&[
        ("?available=true", free),
        ("?available=false", held),
        ("?assigned=true", held),
        ("?assigned=False", free),
    ])
    .await;
    n.stop().await;
}

#[tokio::test]
async fn num_1_filter_owner_id_type_and_name() {
    let n = Numbers::new().await;
    let ann = format!("?ownerId={}", n.ann);
    let lobby = format!("?ownerId={}", n.lobby);
    n.expect(&[
        (&ann, &["+33160871135"]),
        (&lobby, &["x3001"]),
        ("?ownerType=PEOPLE", &["+33160871135", "x2002"]),
        ("?ownerType=PLACE", &["x3001"]),
        ("?ownerType=VIRTUAL_LINE", &[]),
        ("?ownerType=HUNT_GROUP", &[]),
        ("?ownerName=kay", &["x2002"]),
        ("?ownerName=LOBBY", &["x3001"]),
        ("?ownerName=Ann%20Lee", &["+33160871135"]),
        ("?ownerName=nobody", &[]),
    ])
    .await;
    n.stop().await;
}

#[tokio::test]
async fn num_1_filter_state_and_number_type() {
    let n = Numbers::new().await;
    n.expect(&[
        ("?state=INACTIVE", &["+33160871136"]),
        (
            "?state=ACTIVE",
            &[
                "+33160871135",
                "+33450000001",
                "+33612345678",
                "+33800123456",
                "x2002",
                "x3001",
            ],
        ),
        ("?numberType=EXTENSION", &["x2002", "x3001"]),
        (
            "?numberType=NUMBER",
            &[
                "+33160871135",
                "+33160871136",
                "+33450000001",
                "+33612345678",
                "+33800123456",
            ],
        ),
        ("?numberType=MOBILE", &["+33612345678"]),
        ("?numberType=TOLLFREE", &["+33800123456"]),
        ("?ownerType=PEOPLE&numberType=NUMBER", &["+33160871135"]),
    ])
    .await;
    n.stop().await;
}

#[tokio::test]
async fn num_1_filter_extension() {
    let n = Numbers::new().await;
    n.expect(&[
        ("?extension=2001", &["+33160871135"]),
        ("?extension=3001", &["x3001"]),
        ("?extension=9999", &[]),
    ])
    .await;
    let v = n.get("?extension=2001").await;
    assert_eq!(v["phoneNumbers"][0]["extension"], "2001", "{v}");
    n.stop().await;
}

#[tokio::test]
async fn num_1_filter_toll_free_and_telephony_types() {
    let n = Numbers::new().await;
    n.expect(&[
        ("?tollFreeNumbers=true", &["+33800123456"]),
        (
            "?tollFreeNumbers=false",
            &[
                "+33160871135",
                "+33160871136",
                "+33450000001",
                "+33612345678",
                "x2002",
                "x3001",
            ],
        ),
        ("?includedTelephonyTypes=MOBILE_NUMBER", &["+33612345678"]),
        (
            "?includedTelephonyTypes=PSTN_NUMBER",
            &[
                "+33160871135",
                "+33160871136",
                "+33450000001",
                "+33800123456",
            ],
        ),
        (
            "?includedTelephonyTypes=PSTN_NUMBER,MOBILE_NUMBER",
            &[
                "+33160871135",
                "+33160871136",
                "+33450000001",
                "+33612345678",
                "+33800123456",
            ],
        ),
        (
            "?includedTelephonyTypes=PSTN_NUMBER&tollFreeNumbers=true",
            &["+33800123456"],
        ),
    ])
    .await;
    let v = n.get("?includedTelephonyTypes=MOBILE_NUMBER").await;
    assert_eq!(
        v["phoneNumbers"][0]["includedTelephonyTypes"],
        "MOBILE_NUMBER"
    );
    let v = n.get("?tollFreeNumbers=true").await;
    assert_eq!(v["phoneNumbers"][0]["tollFreeNumber"], true);
    n.stop().await;
}

/// Properties Patchbay never gives a number: asked for, nothing; asked against, everything.
#[tokio::test]
async fn num_1_filter_properties_no_number_here_has() {
    let n = Numbers::new().await;
    for q in [
        "restrictedNonGeoNumbers",
        "serviceNumber",
        "reservedNumber",
        "elinEnabled",
    ] {
        n.expect(&[(&format!("?{q}=true"), &[]), (&format!("?{q}=false"), &ALL)])
            .await;
    }
    n.expect(&[
        ("?phoneNumberType=PRIMARY", &ALL),
        ("?phoneNumberType=FAX", &[]),
        ("?phoneNumberType=ALTERNATE", &[]),
    ])
    .await;
    n.stop().await;
}

#[tokio::test]
async fn num_1_order_by_last_name_number_or_extension() {
    let n = Numbers::new().await;
    n.expect(&[
        (
            "?order=lastName",
            &[
                "x2002",
                "+33160871135",
                "x3001",
                "+33160871136",
                "+33450000001",
                "+33612345678",
                "+33800123456",
            ],
        ),
        ("?order=dn", &ALL),
        (
            "?order=extension",
            &[
                "+33160871135",
                "x2002",
                "x3001",
                "+33160871136",
                "+33450000001",
                "+33612345678",
                "+33800123456",
            ],
        ),
    ])
    .await;
    n.stop().await;
}

#[tokio::test]
async fn num_1_details_counts_every_matching_entry() {
    let n = Numbers::new().await;
    let v = n.get("?details=true&max=1").await;
    assert_eq!(v["phoneNumbers"].as_array().map(Vec::len), Some(1), "{v}");
    let c = &v["count"];
    for (k, want) in [
        ("total", 7),
        ("assigned", 3),
        ("unAssigned", 4),
        ("available", 4),
        ("inActive", 1),
        ("extensionOnly", 2),
        ("tollFreeNumbers", 1),
        ("mobileNumber", 1),
        ("serviceNumber", 0),
    ] {
        assert_eq!(c[k], want, "{k}: {c}");
    }
    // Counted over what the filters match.
    let v = n.get("?details=true&ownerType=PEOPLE").await;
    assert_eq!(v["count"]["total"], 2, "{v}");
    assert_eq!(v["count"]["extensionOnly"], 1, "{v}");
    // Without details there is no count.
    let v = n.get("").await;
    assert!(v.get("count").is_none(), "{v}");
    n.stop().await;
}
