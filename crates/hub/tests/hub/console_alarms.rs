//! Console alarm list (ALM-3 … ALM-6), dashboard charts (DSH-1), scoping (TEN-4) and kiosk live
//! updates (OPR-5), driven like a browser without JavaScript.

use crate::common::*;
use crate::fixtures::*;
use patchbay_domain::alarm::{AlarmType, Severity};
use patchbay_domain::{CustomerId, Role};
use reqwest::StatusCode;
use std::time::Duration;

/// Every value of `attr="…"` in document order, entities of `&` undone.
fn attrs(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(
            rest[..end]
                .replace("&#38;", "&")
                .replace("&amp;", "&")
                .replace("&#x2F;", "/"),
        );
        rest = &rest[end..];
    }
    out
}

/// The alarm ids listed in `#alarms-table`.
fn rows(html: &str) -> Vec<String> {
    attrs(html, "data-alarm")
}

/// The `<tr>` of an alarm.
fn row<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("data-alarm=\"{id}\""))
        .unwrap_or_else(|| panic!("row {id} not listed"));
    let end = html[start..]
        .find("</tr>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

/// The HTML of one element, from the opening tag that contains `marker` to `close`.
fn section<'a>(html: &'a str, marker: &str, close: &str) -> &'a str {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not found"));
    let end = html[start..].find(close).map_or(html.len(), |e| start + e);
    &html[start..end]
}

/// The count shown in the summary bar for `data-key="{key}"`.
fn summary_count(html: &str, key: &str) -> i64 {
    let item = section(html, &format!("data-key=\"{key}\""), "</a>");
    let s = section(item, "<strong data-count>", "</strong>");
    s.trim_start_matches("<strong data-count>")
        .parse()
        .unwrap_or(-1)
}

/// Alarm ids of a customer, through the API.
async fn alarm_ids(hub: &TestHub, query: &str) -> Vec<(String, bool)> {
    let (s, v) = hub
        .get(
            &hub.admin_token,
            &format!("/v1/operations/alarms?max=100{query}"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    (
                        x["id"].as_str().unwrap_or_default().to_string(),
                        x["ongoing"].as_bool().unwrap_or(false),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn alm_3_summary_bar_counts_and_filters() {
    let hub = TestHub::start().await;
    let a = customer(&hub, "Acme").await;
    alarms(
        &hub,
        a,
        &[
            (Severity::Major, AlarmType::Trunk, "Trunk 1 down", false),
            (Severity::Major, AlarmType::Trunk, "Trunk 2 down", false),
            (Severity::Minor, AlarmType::Link, "Link flapping", false),
            (
                Severity::Critical,
                AlarmType::Trunk,
                "All trunks down",
                true,
            ),
            // A repeat folds into its row (ALM-2): still four rows.
            (Severity::Major, AlarmType::Trunk, "Trunk 1 down", false),
        ],
    )
    .await;
    let b = admin_browser(&hub, "alm3").await;

    let (s, html, _) = b.get("/com/alarms").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"alarms-table\""));
    assert_eq!(rows(&html).len(), 4);
    assert!(html.contains("id=\"alarm-summary\""));
    assert!(html.contains("id=\"summary-all\" class=\"summary-item summary-all active\""));
    assert_eq!(summary_count(&html, "major"), 2);
    assert_eq!(summary_count(&html, "minor"), 1);
    assert_eq!(summary_count(&html, "critical"), 1);
    assert_eq!(summary_count(&html, "warning"), 0);
    assert_eq!(summary_count(&html, "trunk"), 3);
    assert_eq!(summary_count(&html, "link"), 1);
    assert!(html.contains("Trunk 1 down"));
    assert!(
        row(&html, &alarm_ids(&hub, "&severity=major").await[0].0).contains("<td class=\"num\">")
    );
    // Columns: customer link, system, severity, type, last occurrence, occurrences, description.
    assert!(html.contains(&format!("href=\"/com/customers/{a}\">Acme</a>")));
    assert!(html.contains("<td>ipo-1</td>"));
    assert!(html.contains("<time datetime="));
    assert!(
        html.contains("<td class=\"num\">2</td>"),
        "occurrences of the repeat"
    );

    // Each summary entry is a filter link; the active one is highlighted.
    let hrefs = attrs(&html, "href");
    assert!(hrefs.contains(&"/com/alarms?severity=major".to_string()));
    assert!(hrefs.contains(&"/com/alarms?alarmType=trunk".to_string()));
    let (s, html, _) = b.get("/com/alarms?severity=major").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(rows(&html).len(), 2);
    assert!(html.contains("data-key=\"major\" aria-current=\"true\""));
    assert!(html.contains("id=\"active-filter\""));
    assert!(html.contains("data-filter=\"severity\">Severity = Major<"));
    // The bar keeps counting every severity so each stays clickable.
    assert_eq!(summary_count(&html, "minor"), 1);
    // Clicking the active entry again clears it.
    assert!(attrs(&html, "href").contains(&"/com/alarms".to_string()));

    let (_, html, _) = b.get("/com/alarms?alarmType=trunk").await;
    assert_eq!(rows(&html).len(), 3);
    assert!(html.contains("data-key=\"trunk\" aria-current=\"true\""));
    let (_, html, _) = b.get("/com/alarms?alarmType=trunk&severity=critical").await;
    assert_eq!(rows(&html).len(), 1);
    assert!(row(&html, &rows(&html)[0]).contains("data-ongoing=\"true\""));

    // Filter panel, ongoing criterion, search combined with a filter (CUS-6).
    let (_, html, _) = b.get("/com/alarms?filter=1").await;
    assert!(html.contains("id=\"filter-panel\""));
    assert!(html.contains(&format!("<option value=\"{a}\" >Acme</option>")));
    let (_, html, _) = b.get("/com/alarms?ongoing=false").await;
    assert_eq!(rows(&html).len(), 3);
    let (_, html, _) = b.get("/com/alarms?search=flapping").await;
    assert_eq!(rows(&html).len(), 1);
    let (_, html, _) = b.get("/com/alarms?search=trunk&severity=major").await;
    assert_eq!(rows(&html).len(), 2);
    // Unknown values are ignored rather than failing the page.
    let (s, html, _) = b
        .get("/com/alarms?severity=bogus&customerId=nope&sort=x")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(rows(&html).len(), 4);

    // Sort one column, cycling ↓ ↑ none; descending severity puts Critical first.
    let (_, html, _) = b.get("/com/alarms").await;
    assert!(attrs(&html, "href").contains(&"/com/alarms?sort=severity&order=desc".to_string()));
    let (_, html, _) = b.get("/com/alarms?sort=severity&order=desc").await;
    assert!(html.contains("aria-sort=\"descending\""));
    assert!(html.contains("↓"));
    let first = rows(&html)[0].clone();
    assert!(row(&html, &first).contains("data-severity=\"critical\""));
    assert!(attrs(&html, "href").contains(&"/com/alarms?sort=severity&order=asc".to_string()));
    let (_, html, _) = b.get("/com/alarms?sort=severity&order=asc").await;
    let last = rows(&html)[3].clone();
    assert!(row(&html, &last).contains("data-severity=\"critical\""));
    assert!(attrs(&html, "data-sort").contains(&"severity".to_string()));
    assert!(attrs(&html, "href").contains(&"/com/alarms".to_string()));

    // Items per page and paging.
    let (_, html, _) = b.get("/com/alarms?max=10").await;
    assert!(html.contains("<option value=\"10\" selected>"));
    for i in 0..9 {
        alarms(
            &hub,
            a,
            &[(
                Severity::Warning,
                AlarmType::QoS,
                &format!("Jitter {i}"),
                false,
            )],
        )
        .await;
    }
    let (_, html, _) = b.get("/com/alarms?max=10").await;
    assert_eq!(rows(&html).len(), 10);
    assert!(html.contains("id=\"page-next\""));
    assert!(attrs(&html, "href").contains(&"/com/alarms?start=10&max=10".to_string()));
    let (_, html, _) = b.get("/com/alarms?start=10&max=10").await;
    assert_eq!(rows(&html).len(), 3);
    assert!(html.contains("id=\"page-prev\""));
    hub.stop().await;
}

#[tokio::test]
async fn alm_4_ongoing_alarm_cannot_be_selected_or_cleared() {
    let hub = TestHub::start().await;
    let a = customer(&hub, "Acme").await;
    alarms(
        &hub,
        a,
        &[
            (
                Severity::Critical,
                AlarmType::Trunk,
                "All trunks down",
                true,
            ),
            (Severity::Minor, AlarmType::Link, "Link flapped", false),
            (
                Severity::Minor,
                AlarmType::Link,
                "Link flapped again",
                false,
            ),
        ],
    )
    .await;
    let ids = alarm_ids(&hub, "").await;
    let ongoing = ids
        .iter()
        .find(|(_, o)| *o)
        .map(|(i, _)| i.clone())
        .unwrap_or_default();
    let done: Vec<String> = ids
        .iter()
        .filter(|(_, o)| !*o)
        .map(|(i, _)| i.clone())
        .collect();
    assert_eq!(done.len(), 2);
    let b = admin_browser(&hub, "alm4").await;

    let (_, html, _) = b.get("/com/alarms").await;
    assert!(html.contains("data-select-all"));
    assert!(html.contains("id=\"alarms-clear-selected\""));
    let ongoing_row = row(&html, &ongoing);
    assert!(ongoing_row.contains("data-ongoing=\"true\""));
    assert!(
        !ongoing_row.contains("name=\"id\""),
        "an ongoing alarm must not be selectable: {ongoing_row}"
    );
    assert!(!ongoing_row.contains(&format!("value=\"{ongoing}\"")));
    for id in &done {
        let r = row(&html, id);
        assert!(r.contains("data-ongoing=\"false\""));
        assert!(r.contains(&format!("name=\"id\" value=\"{id}\"")));
    }

    // Clear selected → confirmation page → Confirm.
    let (s, html, _) = b
        .get(&format!(
            "/com/alarms/clear?back=%2Fcom%2Falarms%3Fseverity%3Dminor&id={}",
            done[0]
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"confirm-clear\""));
    assert!(html.contains("Link flapped"));
    let csrf = hidden(&html, "csrf").unwrap_or_default();
    let (s, _, loc) = b
        .post(
            "/com/alarms/clear",
            &[
                ("csrf", csrf.as_str()),
                ("back", "/com/alarms?severity=minor"),
                ("id", done[0].as_str()),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some("/com/alarms?severity=minor&cleared=1"));
    let (_, html, _) = b.get("/com/alarms?severity=minor&cleared=1").await;
    assert!(html.contains("id=\"notice\""));
    assert!(html.contains("Alarms cleared: 1."));
    assert!(!rows(&html).contains(&done[0]));

    // The confirmation of an ongoing alarm says no and offers no Confirm button.
    let (s, html, _) = b.get(&format!("/com/alarms/clear?id={ongoing}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"clear-error\""));
    assert!(!html.contains("id=\"confirm-clear\""));

    // Posting its id anyway: 409, the message, and nothing is cleared (not even the other one).
    for form in [
        vec![ongoing.as_str()],
        vec![done[1].as_str(), ongoing.as_str()],
    ] {
        let mut fields = vec![("csrf", csrf.as_str())];
        fields.extend(form.iter().map(|i| ("id", *i)));
        let (s, html, _) = b.post("/com/alarms/clear", &fields).await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert!(html.contains("An ongoing alarm cannot be cleared."));
    }
    let left: Vec<String> = alarm_ids(&hub, "").await.into_iter().map(|x| x.0).collect();
    assert!(left.contains(&ongoing));
    assert!(left.contains(&done[1]));

    // Nothing selected: back to the list. An unknown id: not found.
    let (s, _, loc) = b
        .post("/com/alarms/clear", &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(
        (s, loc.as_deref()),
        (StatusCode::SEE_OTHER, Some("/com/alarms"))
    );
    let bogus = uuid::Uuid::now_v7().to_string();
    let (s, _, _) = b
        .post(
            "/com/alarms/clear",
            &[("csrf", csrf.as_str()), ("id", bogus.as_str())],
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A confirmation never returns anywhere but the alarm list.
    let (_, html, _) = b
        .get(&format!(
            "/com/alarms/clear?back=https%3A%2F%2Fevil.example%2F&id={}",
            done[1]
        ))
        .await;
    assert!(!html.contains("evil.example"));

    // A Read-only account sees the list but no clear actions, and is refused anyway.
    let (_, ro) = staff(&hub, "alm4ro", Role::ReadOnly).await;
    let (s, html, _) = ro.get("/com/alarms").await;
    assert_eq!(s, StatusCode::OK);
    assert!(!html.contains("id=\"alarms-clear-selected\""));
    assert!(!html.contains("id=\"clear-type-form\""));
    assert!(!html.contains("name=\"id\""));
    let (s, _, _) = ro
        .submit(
            "/com/alarms",
            "/com/alarms/clear",
            &[("id", done[1].as_str())],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    hub.stop().await;
}

#[tokio::test]
async fn alm_5_clear_type_keeps_ongoing() {
    let hub = TestHub::start().await;
    let a = customer(&hub, "Acme").await;
    alarms(
        &hub,
        a,
        &[
            (Severity::Major, AlarmType::Trunk, "Trunk 1 down", false),
            (Severity::Major, AlarmType::Trunk, "Trunk 2 down", false),
            (
                Severity::Critical,
                AlarmType::Trunk,
                "All trunks down",
                true,
            ),
            (Severity::Minor, AlarmType::Link, "Link flapped", false),
        ],
    )
    .await;
    let b = admin_browser(&hub, "alm5").await;

    let (_, html, _) = b.get("/com/alarms").await;
    assert!(html.contains("id=\"clear-type-form\""));
    assert!(html.contains("<option value=\"trunk\">Trunk</option>"));
    let (s, html, _) = b
        .get("/com/alarms/clear-type?alarmType=trunk&back=%2Fcom%2Falarms")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Alarms to clear: 2."), "{html}");
    assert!(html.contains("Ongoing alarms of this type stay: 1."));
    assert!(html.contains("id=\"confirm-clear-type\""));
    let csrf = hidden(&html, "csrf").unwrap_or_default();
    let (s, _, loc) = b
        .post(
            "/com/alarms/clear-type",
            &[
                ("csrf", csrf.as_str()),
                ("alarmType", "trunk"),
                ("back", "/com/alarms"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let loc = loc.unwrap_or_default();
    assert_eq!(loc, "/com/alarms?cleared=2&clearedType=trunk");
    let (_, html, _) = b.get(&loc).await;
    assert!(html.contains("Trunk alarms cleared: 2. Ongoing ones stay."));
    let left = rows(&html);
    assert_eq!(left.len(), 2);
    assert!(html.contains("All trunks down"));
    assert!(html.contains("Link flapped"));
    assert!(!html.contains("Trunk 1 down"));

    // Nothing left to clear: no Confirm button.
    let (_, html, _) = b.get("/com/alarms/clear-type?alarmType=trunk").await;
    assert!(html.contains("id=\"clear-type-nothing\""));
    assert!(!html.contains("id=\"confirm-clear-type\""));
    // A bad type is refused; a missing one goes back to the list.
    let (s, _, _) = b
        .post(
            "/com/alarms/clear-type",
            &[("csrf", csrf.as_str()), ("alarmType", "weather")],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _, loc) = b
        .post("/com/alarms/clear-type", &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(
        (s, loc.as_deref()),
        (StatusCode::SEE_OTHER, Some("/com/alarms"))
    );
    hub.stop().await;
}

#[tokio::test]
async fn alm_6_customer_alarm_count_links_to_filtered_list() {
    let hub = TestHub::start().await;
    let a = customer(&hub, "Acme").await;
    let z = customer(&hub, "Zenith").await;
    alarms(
        &hub,
        a,
        &[
            (Severity::Major, AlarmType::Trunk, "Acme trunk down", false),
            (Severity::Warning, AlarmType::QoS, "Acme jitter", true),
        ],
    )
    .await;
    alarms(
        &hub,
        z,
        &[(
            Severity::Major,
            AlarmType::Trunk,
            "Zenith trunk down",
            false,
        )],
    )
    .await;
    let b = admin_browser(&hub, "alm6").await;

    let (s, html, _) = b.get(&format!("/com/alarms?customerId={a}")).await;
    assert_eq!(s, StatusCode::OK);
    let listed = rows(&html);
    assert_eq!(listed.len(), 2);
    assert!(html.contains("Acme trunk down") && html.contains("Acme jitter"));
    assert!(!html.contains("Zenith trunk down"));
    assert!(!html.contains(&format!("/com/customers/{z}")));
    // The active filter names the customer; the summary counts only its alarms.
    assert!(html.contains("data-filter=\"customerId\">Customer = Acme<"));
    assert_eq!(summary_count(&html, "major"), 1);
    assert_eq!(summary_count(&html, "warning"), 1);
    // The summary links keep the customer filter.
    assert!(attrs(&html, "href").contains(&format!("/com/alarms?customerId={a}&severity=major")));
    // The customer's alarm count (what the customer list shows and links) matches the list.
    let (_, c) = hub
        .get(&hub.admin_token, &format!("/v1/operations/customers/{a}"))
        .await;
    assert_eq!(c["alarmCount"].as_i64(), Some(listed.len() as i64));
    hub.stop().await;
}

/// Two customers, tagged, with versions and alarms.
async fn fleet(hub: &TestHub, operators: &[String]) -> (CustomerId, CustomerId) {
    let a = customer(hub, "Acme")
        .tags(&["gold", "north"])
        .operators(operators)
        .await;
    let z = customer(hub, "Zenith").tags(&["silver"]).await;
    system(hub, a, "ipo-1").report().await;
    alarms(
        hub,
        a,
        &[
            (Severity::Major, AlarmType::Trunk, "Acme trunk down", false),
            (Severity::Minor, AlarmType::Link, "Acme link flapped", false),
        ],
    )
    .await;
    alarms(
        hub,
        z,
        &[
            (
                Severity::Critical,
                AlarmType::Security,
                "Zenith intrusion",
                true,
            ),
            (
                Severity::Major,
                AlarmType::Trunk,
                "Zenith trunk down",
                false,
            ),
        ],
    )
    .await;
    (a, z)
}

/// The segment links (`<a … data-segment>`) of one chart: the donut's sectors, the bar rows' labels.
fn segments(html: &str, chart: &str) -> Vec<(String, String)> {
    let sec = section(html, &format!("id=\"chart-{chart}\""), "</section>");
    let mut out = Vec::new();
    let mut rest = sec;
    while let Some(i) = rest.find("<a ") {
        rest = &rest[i..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        if let Some(key) = attrs(tag, "data-segment").pop() {
            out.push((key, attrs(tag, "href").pop().unwrap_or_default()));
        }
        rest = &rest[1..];
    }
    out
}

/// The count of a legend entry of one chart.
fn legend_count(html: &str, chart: &str, key: &str) -> Option<i64> {
    let sec = section(html, &format!("id=\"chart-{chart}\""), "</section>");
    let at = sec.find(&format!("data-series=\"{key}\""))?;
    let item = &sec[at..sec[at..].find("</li>").map_or(sec.len(), |e| at + e)];
    let c = section(item, "class=\"legend-count\"", "</");
    c[c.rfind('>')? + 1..].trim().parse().ok()
}

#[tokio::test]
async fn dsh_1_dashboard_segments_link_to_prefiltered_lists() {
    let hub = TestHub::start().await;
    let b = admin_browser(&hub, "dsh1").await;
    let (_, html, _) = b.get("/com/dashboard").await;
    assert!(
        html.contains("id=\"dashboard-empty\""),
        "a fresh hub is empty"
    );
    fleet(&hub, &[]).await;

    let (s, html, _) = b.get("/com/dashboard").await;
    assert_eq!(s, StatusCode::OK);
    assert!(!html.contains("id=\"dashboard-empty\""));
    assert!(html.contains("Customers: 2"));
    for chart in ["connectivity", "severity", "type", "tags", "versions"] {
        assert!(
            html.contains(&format!("id=\"chart-{chart}\"")),
            "chart {chart} missing"
        );
    }
    let expect = [
        ("connectivity", "green", "/com/customers?connectivity=green"),
        ("connectivity", "red", "/com/customers?connectivity=red"),
        ("severity", "major", "/com/alarms?severity=major"),
        ("severity", "critical", "/com/alarms?severity=critical"),
        ("type", "trunk", "/com/alarms?alarmType=trunk"),
        ("type", "security", "/com/alarms?alarmType=security"),
        ("tags", "gold", "/com/customers?tag=gold"),
        ("tags", "silver", "/com/customers?tag=silver"),
        ("versions", "12.1", "/com/customers?version=12.1"),
    ];
    for (chart, key, href) in expect {
        let segs = segments(&html, chart);
        assert!(
            segs.contains(&(key.to_string(), href.to_string())),
            "{chart}: segment {key} → {href} missing in {segs:?}"
        );
    }
    // Severities without alarms draw nothing.
    assert!(!segments(&html, "severity")
        .iter()
        .any(|(k, _)| k == "warning"));
    // The legend lists each series with its count.
    assert_eq!(legend_count(&html, "severity", "major"), Some(2));
    assert_eq!(legend_count(&html, "type", "trunk"), Some(2));
    assert_eq!(legend_count(&html, "connectivity", "red"), Some(1));
    assert_eq!(legend_count(&html, "tags", "gold"), Some(1));
    assert_eq!(legend_count(&html, "versions", "12.1"), Some(1));
    // Bar charts show each series once, with its whole label (no second legend, nothing cut).
    for (chart, label) in [("tags", ">gold<"), ("versions", ">12.1<")] {
        let sec = section(&html, &format!("id=\"chart-{chart}\""), "</section>");
        assert_eq!(
            sec.matches(label).count(),
            1,
            "{chart}: {label} shown once in {sec}"
        );
    }

    // Following a segment opens the list pre-filtered, with the filter shown.
    let (_, href) = segments(&html, "severity")
        .into_iter()
        .find(|(k, _)| k == "major")
        .unwrap_or_default();
    let (s, list, _) = b.get(&href).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(rows(&list).len(), 2);
    assert!(list.contains("data-filter=\"severity\">Severity = Major<"));
    let (_, href) = segments(&html, "type")
        .into_iter()
        .find(|(k, _)| k == "security")
        .unwrap_or_default();
    let (_, list, _) = b.get(&href).await;
    assert_eq!(rows(&list).len(), 1);
    assert!(list.contains("Zenith intrusion"));
    // The customer-list targets answer too (that page is owned elsewhere).
    let (s, _, _) = b.get("/com/customers?tag=gold").await;
    assert_eq!(s, StatusCode::OK);
    hub.stop().await;
}

#[tokio::test]
async fn dsh_1_legend_toggles_series() {
    let hub = TestHub::start().await;
    fleet(&hub, &[]).await;
    let b = admin_browser(&hub, "dsh1l").await;
    let (_, html, _) = b.get("/com/dashboard").await;
    let sev = section(&html, "id=\"chart-severity\"", "</section>").to_string();
    let item = section(&sev, "data-series=\"minor\"", "</li>");
    assert!(item.contains("data-hidden=\"false\""));
    let toggle = attrs(item, "href")[0].clone();
    assert_eq!(toggle, "/com/dashboard?hide=severity%3Aminor");
    assert!(html.contains("data-live=\"/com/dashboard/live\""));

    let (s, html, _) = b.get(&toggle).await;
    assert_eq!(s, StatusCode::OK);
    let keys: Vec<String> = segments(&html, "severity")
        .into_iter()
        .map(|x| x.0)
        .collect();
    assert!(!keys.contains(&"minor".to_string()), "minor is hidden");
    assert!(keys.contains(&"major".to_string()));
    let sev = section(&html, "id=\"chart-severity\"", "</section>").to_string();
    let item = section(&sev, "data-series=\"minor\"", "</li>");
    assert!(item.contains("data-hidden=\"true\""));
    assert!(item.contains("legend-item off") || sev.contains("legend-item off"));
    // The legend still lists it with its count, and its link shows it again.
    assert_eq!(legend_count(&html, "severity", "minor"), Some(1));
    assert_eq!(attrs(item, "href")[0], "/com/dashboard");
    // The donut total counts the visible series only: 2 major + 1 critical.
    assert!(sev.contains("class=\"donut-total\" x=\"60\" y=\"57\" text-anchor=\"middle\">3<"));
    // The other charts are untouched, and every remaining segment still links to its list.
    assert!(segments(&html, "type").iter().any(|(k, _)| k == "link"));
    for (key, href) in segments(&html, "severity") {
        assert_eq!(href, format!("/com/alarms?severity={key}"));
        let (s, _, _) = b.get(&href).await;
        assert_eq!(s, StatusCode::OK);
    }
    // Toggles combine, keep the others, and the live URLs follow them.
    let type_toggle = {
        let t = section(&html, "id=\"chart-type\"", "</section>").to_string();
        attrs(section(&t, "data-series=\"trunk\"", "</li>"), "href")[0].clone()
    };
    assert_eq!(
        type_toggle,
        "/com/dashboard?hide=severity%3Aminor&hide=type%3Atrunk"
    );
    let (_, html, _) = b.get(&type_toggle).await;
    assert!(!segments(&html, "type").iter().any(|(k, _)| k == "trunk"));
    assert!(!segments(&html, "severity")
        .iter()
        .any(|(k, _)| k == "minor"));
    assert!(html
        .contains("data-live=\"/com/dashboard/live?hide=severity%3Aminor&#38;hide=type%3Atrunk\""));
    // Hiding every series of a chart says so.
    let (_, html, _) = b.get("/com/dashboard?hide=versions%3A12.1").await;
    let v = section(&html, "id=\"chart-versions\"", "</section>");
    assert!(v.contains("Every series of this chart is hidden."));
    hub.stop().await;
}

#[tokio::test]
async fn ten_4_operator_alarm_list_and_dashboard_scoped() {
    let hub = TestHub::start().await;
    let (op, _) = hub.account("alm-op", Role::Operator).await;
    let (a, z) = fleet(&hub, std::slice::from_ref(&op)).await;
    let zenith_alarm = alarm_ids(&hub, &format!("&customerId={z}")).await[0]
        .0
        .clone();
    let b = logged_in(&hub, "alm-op").await;

    let (s, html, _) = b.get("/com/alarms").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(rows(&html).len(), 2);
    assert!(html.contains("Acme trunk down"));
    assert!(!html.contains("Zenith"));
    assert!(html.contains("id=\"summary-all\" class=\"summary-item summary-all active\" href=\"/com/alarms\" aria-current=\"true\">All alarms <strong>2</strong>"));
    assert_eq!(summary_count(&html, "critical"), 0);
    assert_eq!(summary_count(&html, "security"), 0);
    assert_eq!(summary_count(&html, "major"), 1);
    let (_, html, _) = b.get("/com/alarms?filter=1").await;
    assert!(html.contains(&format!("<option value=\"{a}\" >Acme</option>")));
    assert!(!html.contains("Zenith"));
    // Another tenant's customer filter shows nothing of it.
    let (s, html, _) = b.get(&format!("/com/alarms?customerId={z}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(rows(&html).is_empty());
    assert!(!html.contains("Zenith"));
    assert_eq!(summary_count(&html, "major"), 0);
    // Nor can the operator clear it.
    let (s, _, _) = b
        .submit(
            "/com/alarms",
            "/com/alarms/clear",
            &[("id", zenith_alarm.as_str())],
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, html, _) = b
        .submit(
            "/com/alarms",
            "/com/alarms/clear-type",
            &[("alarmType", "trunk")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let left: Vec<String> = alarm_ids(&hub, "").await.into_iter().map(|x| x.0).collect();
    assert!(left.contains(&zenith_alarm), "another tenant's alarm stays");
    assert_eq!(left.len(), 3, "only Acme's trunk alarm went");

    // The dashboard shows A's figures only.
    let (_, html, _) = b.get("/com/dashboard").await;
    assert!(html.contains("Customers: 1"));
    assert_eq!(legend_count(&html, "connectivity", "green"), Some(1));
    assert_eq!(legend_count(&html, "connectivity", "red"), None);
    assert_eq!(legend_count(&html, "severity", "minor"), Some(1));
    assert_eq!(
        legend_count(&html, "severity", "major"),
        None,
        "trunk cleared"
    );
    assert_eq!(legend_count(&html, "severity", "critical"), None);
    assert_eq!(legend_count(&html, "type", "security"), None);
    assert_eq!(legend_count(&html, "tags", "gold"), Some(1));
    assert_eq!(legend_count(&html, "tags", "silver"), None);
    assert!(!html.contains("Zenith"));
    let (_, live, _) = b.get("/com/dashboard/live").await;
    assert!(live.contains("Customers: 1"));
    assert_eq!(legend_count(&live, "tags", "silver"), None);
    hub.stop().await;
}

/// Read server-sent-event text until `want` appears (or the stream ends / time runs out).
async fn read_until(resp: &mut reqwest::Response, buf: &mut String, want: &str, secs: u64) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !buf.contains(want) {
        match tokio::time::timeout_at(deadline, resp.chunk()).await {
            Ok(Ok(Some(bytes))) => buf.push_str(&String::from_utf8_lossy(&bytes)),
            _ => return false,
        }
    }
    true
}

#[tokio::test]
async fn opr_5_kiosk_dashboard_live_updates() {
    let hub = TestHub::start().await;
    let (wall, _) = hub
        .account_with("alm-wall", Role::ReadOnly, |f| f.kiosk_mode = true)
        .await;
    let (a, _) = fleet(&hub, std::slice::from_ref(&wall)).await;
    let k = logged_in(&hub, "alm-wall").await;

    let (s, html, _) = k.get("/com/dashboard").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("http-equiv=\"refresh\""));
    assert!(html.contains("data-live=\"/com/dashboard/live\""));
    assert!(html.contains("data-events=\"/com/dashboard/events\""));
    // Kiosk screens only watch: no links to lists, no toggles; filters in the URL are ignored.
    assert!(segments(&html, "severity").is_empty());
    assert!(html.contains("data-segment=\"major\""));
    assert!(!html.contains("legend-toggle"));
    let (_, html, _) = k.get("/com/dashboard?hide=severity%3Amajor").await;
    assert!(html.contains("data-segment=\"major\""));

    // Polling: the fragment follows the figures without navigating.
    let (s, live, _) = k.get("/com/dashboard/live").await;
    assert_eq!(
        s,
        StatusCode::OK,
        "kiosk sessions may poll the live fragment"
    );
    assert!(!live.contains("<html"), "a fragment, not a page");
    assert!(live.contains("id=\"dashboard-charts\""));
    assert_eq!(legend_count(&live, "severity", "major"), Some(1));
    assert_eq!(
        legend_count(&live, "severity", "critical"),
        None,
        "not assigned"
    );
    alarms(
        &hub,
        a,
        &[(Severity::Major, AlarmType::Link, "Acme second link", false)],
    )
    .await;
    let (_, live, _) = k.get("/com/dashboard/live").await;
    assert_eq!(legend_count(&live, "severity", "major"), Some(2));

    // Without an event-stream Accept header: one event, then the response ends.
    let (s, once, _) = k.get("/com/dashboard/events").await;
    assert_eq!(s, StatusCode::OK);
    assert!(once.contains("event: dashboard"));
    assert!(once.contains("retry: 10000"));

    // Server-sent events: a fragment at once, a fresh one every 10 s.
    let mut resp = k
        .client
        .get(format!("{}/com/dashboard/events", k.base))
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream")));
    let mut buf = String::new();
    assert!(
        read_until(&mut resp, &mut buf, "\n\n", 10).await,
        "first event: {buf}"
    );
    assert!(buf.contains("event: dashboard"));
    assert!(buf.contains("id: 0"));
    assert!(buf.contains("data: ") && buf.contains("dashboard-charts"));
    alarms(
        &hub,
        a,
        &[(Severity::Warning, AlarmType::QoS, "Acme jitter", false)],
    )
    .await;
    assert!(
        read_until(&mut resp, &mut buf, "id: 1", 25).await,
        "second event within 10 s: {buf}"
    );
    assert!(read_until(&mut resp, &mut buf, "data-series=\"warning\"", 5).await);

    // The kiosk still cannot navigate elsewhere.
    let (_, _, loc) = k.get("/com/alarms").await;
    assert_eq!(loc.as_deref(), Some("/com/dashboard"));
    // Logging out ends the stream at the next tick.
    let (s, _, _) = k.submit("/com/dashboard", "/com/logout", &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let ended = tokio::time::timeout(Duration::from_secs(25), async {
        while let Ok(Some(_)) = resp.chunk().await {}
    })
    .await;
    assert!(ended.is_ok(), "the event stream ends with the session");
    hub.stop().await;
}
