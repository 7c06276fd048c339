//! Filters of the Webex people, workspace and device lists (API-2, DEV-7): every filter Webex
//! documents is applied — properties nothing here has match nothing when asked for — or refused
//! with a 400 saying Patchbay does not support it. Never the unfiltered list.

use crate::calling_api::{ok, org, person, s, start, Org, Who, PEOPLE, WS};
use crate::common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn names(v: &Value, field: &str) -> Vec<String> {
    v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| s(i, field))
        .collect()
}

/// Each `(query, names)` lists exactly those, in that order.
async fn expect(a: &Who<'_>, o: &Org, path: &str, field: &str, cases: &[(&str, &[&str])]) {
    for (q, want) in cases {
        let v = ok(a.get(&o.q(&format!("{path}{q}"))).await);
        assert_eq!(names(&v, field), *want, "{path}{q}: {v}");
    }
}

/// A 400 naming `field`, saying Patchbay does not support it.
async fn refused(a: &Who<'_>, o: &Org, path: &str, q: &str, field: &str) {
    let (st, e) = a.get(&o.q(&format!("{path}{q}"))).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{path}{q}: {e}");
    let d = descriptions(&e);
    assert!(
        d.iter().any(|d| d.starts_with(&format!("{field}:"))),
        "{path}{q}: {e}"
    );
}

#[tokio::test]
async fn api_2_workspace_filters_are_applied_or_refused() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let calling = json!({"type": "webexCalling", "webexCalling":
        {"licenses": [o.pro], "locationId": o.loc}});
    for b in [
        json!({"displayName": "Alpha", "capacity": 4, "type": "focus", "calling": calling, "locationId": o.loc}),
        json!({"displayName": "Beta", "supportedDevices": "collaborationDevices"}),
        json!({"displayName": "Gamma", "calling": {"type": "freeCalling"}, "capacity": 8}),
    ] {
        ok(a.post(&o.q(WS), b).await);
    }
    let all: &[&str] = &["Alpha", "Beta", "Gamma"];
    expect(
        &a,
        &o,
        WS,
        "displayName",
        &[
            ("", all),
            ("?capacity=4", &["Alpha"]),
            ("?capacity=-1", &["Beta"]),
            ("?calling=webexCalling", &["Alpha"]),
            ("?calling=freeCalling", &["Gamma"]),
            ("?calling=none", &["Beta"]),
            ("?calling=hybridCalling", &[]),
            ("?supportedDevices=collaborationDevices", &["Beta"]),
            ("?supportedDevices=phones", &["Alpha", "Gamma"]),
            ("?type=focus", &["Alpha"]),
            ("?displayName=beta", &["Beta"]),
            ("?workspaceLocationId=anything", &[]),
            ("?floorId=anything", &[]),
            ("?calendar=none", all),
            ("?calendar=google", &[]),
            ("?deviceHostedMeetingsEnabled=false", all),
            ("?deviceHostedMeetingsEnabled=true", &[]),
            ("?devicePlatform=cisco", &[]),
            ("?plannedMaintenance=off", all),
            ("?plannedMaintenance=on", &[]),
            ("?includeDevices=false&includeCapabilities=false", all),
        ],
    )
    .await;
    for (q, field) in [
        ("?healthLevel=ok", "healthLevel"),
        ("?customAttribute=x", "customAttribute"),
        ("?includeDevices=true", "includeDevices"),
        ("?includeCapabilities=true", "includeCapabilities"),
        ("?capacity=-2", "capacity"),
        ("?calling=carrierPigeon", "calling"),
        ("?type=ballroom", "type"),
    ] {
        refused(&a, &o, WS, q, field).await;
    }
    let (_, e) = a.get(&o.q(&format!("{WS}?healthLevel=ok"))).await;
    assert!(e.to_string().contains("does not support"), "{e}");
    hub.stop().await;
}

#[tokio::test]
async fn api_2_people_filters_roles_and_exclude_status() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    person(&a, &o, "bo@acme.test", "Bo", "Kay").await;
    expect(
        &a,
        &o,
        PEOPLE,
        "firstName",
        &[
            ("", &["Ann", "Bo"]),
            ("?email=BO@acme.test", &["Bo"]),
            ("?displayName=lee", &["Ann"]),
            ("?roles=Y2lzY29zcGFyazovL3VzL1JPTEUvaWRfZnVsbF9hZG1pbg", &[]),
            ("?callingData=False&excludeStatus=True", &["Ann", "Bo"]),
        ],
    )
    .await;
    let v = ok(a.get(&o.q(&format!("{PEOPLE}?excludeStatus=true"))).await);
    assert!(v["items"][0].get("status").is_none(), "{v}");
    let v = ok(a.get(&o.q(&format!("{PEOPLE}?excludeStatus=false"))).await);
    assert_eq!(v["items"][0]["status"], "active", "{v}");
    refused(&a, &o, PEOPLE, "?excludeStatus=maybe", "excludeStatus").await;
    hub.stop().await;
}

#[tokio::test]
async fn dev_7_device_filters_for_properties_no_device_has() {
    let (hub, t) = start().await;
    let a = Who(&hub, t);
    let o = org(&a, "acme").await;
    let p = person(&a, &o, "ann@acme.test", "Ann", "Lee").await;
    ok(a.dev(&o, crate::calling_api::pd(&p, 1)).await);
    let path = "/v1/devices";
    let count = |v: &Value| v["items"].as_array().map_or(0, Vec::len);
    let v = ok(a.get(&o.q(path)).await);
    assert_eq!(count(&v), 1, "{v}");
    for q in [
        "workspaceLocationId=x",
        "tag=lobby",
        "serial=FCH1234",
        "software=RoomOS",
        "upgradeChannel=Stable",
        "errorCode=x",
        "capability=xapi",
        "permission=xapi",
        "type=roomdesk",
        "devicePlatform=cisco",
        "plannedMaintenance=upcoming",
    ] {
        let v = ok(a.get(&o.q(&format!("{path}?{q}"))).await);
        assert_eq!(count(&v), 0, "{q}: {v}");
    }
    let v = ok(a
        .get(&o.q(&format!(
            "{path}?type=phone&connectionStatus=disconnected&plannedMaintenance=off"
        )))
        .await);
    assert_eq!(count(&v), 1, "{v}");
    let (st, _) = a.get(&o.q(&format!("{path}?devicePlatform=pager"))).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    hub.stop().await;
}
