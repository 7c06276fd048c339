//! The alarm list (ALM-3 … ALM-6): scoped list with a summary bar (counts per severity and per
//! type, each a filter link), search, filter panel, one-column sort cycling ↓ ↑ none, paging;
//! clear selected alarms and clear all alarms of one type, each behind a confirmation page.
//! Ongoing alarms cannot be selected, and the server refuses to clear them anyway.

use super::forms::FormMap;
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::api::alarms::{clear, ClearBody};
use crate::http::catalog::Endpoint;
use crate::http::list::{boolean, ListParams, ListSpec, MaxInLinks, Pager, Param};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::alarm::{AlarmType, Severity};
use patchbay_domain::{AlarmId, Capability, CustomerId, Rule};
use patchbay_store::alarms::{Alarm, AlarmFilter, AlarmSort};
use patchbay_store::customers::{CustomerFilter, CustomerSort};
use patchbay_store::{PageRequest, SortOrder, StoreError};

pub const PAGE_SIZES: [i64; 4] = [10, 25, 50, 100];
const DEFAULT_MAX: i64 = 25;
const LIST: &str = "/com/alarms";
/// How many customers (with alarms) the filter panel offers; search covers the rest.
const FILTER_CUSTOMERS: i64 = 200;

fn customer_id(v: &str) -> String {
    Some(v.trim().to_string())
        .filter(|c| c.parse::<CustomerId>().is_ok())
        .unwrap_or_default()
}

fn severity(v: &str) -> String {
    Severity::parse(v)
        .map(|s| s.as_str().to_string())
        .unwrap_or_default()
}

fn alarm_type(v: &str) -> String {
    AlarmType::parse(v)
        .map(|t| t.as_str().to_string())
        .unwrap_or_default()
}

/// The alarm list's parameters (ALM-3); invalid values are dropped.
pub static LIST_SPEC: ListSpec = ListSpec {
    path: LIST,
    params: &[
        Param::checked("customerId", customer_id),
        Param::checked("severity", severity),
        Param::checked("alarmType", alarm_type),
        Param::checked("ongoing", boolean),
        Param::search("search"),
    ],
    sorts: &[
        "customer",
        "systemName",
        "severity",
        "alarmType",
        "lastOccurrence",
        "occurrences",
        "description",
    ],
    default_order: "desc",
    sizes: &PAGE_SIZES,
    default_max: DEFAULT_MAX,
    max_in_links: MaxInLinks::WhenChanged,
};

/// The store filter of the list's criteria and search.
pub fn alarm_filter(lp: &ListParams) -> AlarmFilter {
    AlarmFilter {
        customer: lp.get("customerId").parse().ok(),
        severity: Severity::parse(lp.get("severity")),
        alarm_type: AlarmType::parse(lp.get("alarmType")),
        ongoing: match lp.get("ongoing") {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        search: lp.value("search"),
    }
}

/// The store order of the list's sort. Severity is stored as a rank (critical = 0):
/// "descending severity" means the most severe first, i.e. ascending rank.
pub fn alarm_sort(lp: &ListParams) -> Option<(AlarmSort, SortOrder)> {
    let (col, dir) = lp.sort_as::<AlarmSort>()?;
    let flip = |d| match d {
        SortOrder::Asc => SortOrder::Desc,
        SortOrder::Desc => SortOrder::Asc,
    };
    Some((
        col,
        if col == AlarmSort::Severity {
            flip(dir)
        } else {
            dir
        },
    ))
}

/// The list URL a confirmation page returns to: only the alarm list itself (never elsewhere).
fn safe_back(back: Option<&str>) -> ListParams {
    let q = back
        .and_then(|b| b.strip_prefix(LIST))
        .filter(|rest| rest.is_empty() || rest.starts_with('?'))
        .map(|rest| rest.trim_start_matches('?'));
    ListParams::parse(&LIST_SPEC, q)
}

pub fn severity_label(ctx: &Ctx, key: &str) -> String {
    ctx.t(&format!("alarms-severity-{key}"))
}

pub fn type_label(ctx: &Ctx, key: &str) -> String {
    ctx.t(&format!("alarms-type-{key}"))
}

pub struct Row {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub system_name: String,
    pub severity: String,
    pub severity_label: String,
    pub alarm_type: String,
    pub type_label: String,
    pub last: String,
    pub last_iso: String,
    pub occurrences: i64,
    pub description: String,
    pub ongoing: bool,
}

/// A system's name as shown: the hub's own pseudo-systems in the reader's language.
pub(super) fn system_label(ctx: &Ctx, name: String) -> String {
    if name == patchbay_domain::sip::REGISTRAR_SYSTEM_NAME {
        ctx.t("apc-component-registrar")
    } else {
        name
    }
}

fn row(ctx: &Ctx, a: Alarm) -> Row {
    Row {
        id: a.id.to_string(),
        customer_id: a.customer_id.to_string(),
        customer_name: a.customer_name,
        system_name: system_label(ctx, a.system_name),
        severity_label: severity_label(ctx, &a.severity),
        severity: a.severity,
        type_label: type_label(ctx, &a.alarm_type),
        alarm_type: a.alarm_type,
        last: ctx.datetime(a.last_occurrence),
        last_iso: a.last_occurrence.to_string(),
        occurrences: a.occurrences,
        description: a.description,
        ongoing: a.ongoing,
    }
}

/// One entry of the summary bar.
pub struct SummaryItem {
    pub key: &'static str,
    pub label: String,
    pub count: i64,
    pub href: String,
    pub active: bool,
}

fn count_of(pairs: &[(String, i64)], key: &str) -> i64 {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, n)| *n)
        .sum()
}

#[derive(Template)]
#[template(path = "alarms.html")]
struct ListPage {
    ctx: Ctx,
    lp: ListParams,
    pager: Pager,
    rows: Vec<Row>,
    total: i64,
    summary_total: i64,
    /// Summary-bar "all": neither severity nor type.
    all_link: String,
    all_active: bool,
    by_severity: Vec<SummaryItem>,
    by_type: Vec<SummaryItem>,
    /// Name of the customer the list is filtered on (ALM-6), empty when none.
    customer_label: String,
    severity_name: String,
    type_name: String,
    customers: Vec<(String, String)>,
    severities: Vec<(&'static str, String)>,
    types: Vec<(&'static str, String)>,
    notice: String,
    can_clear: bool,
}

impl ListPage {
    fn columns(&self) -> Vec<(&'static str, String)> {
        [
            ("customer", "alarms-col-customer"),
            ("systemName", "alarms-col-system"),
            ("severity", "alarms-col-severity"),
            ("alarmType", "alarms-col-type"),
            ("lastOccurrence", "alarms-col-last"),
            ("occurrences", "alarms-col-occurrences"),
            ("description", "alarms-col-description"),
        ]
        .into_iter()
        .map(|(c, id)| (c, self.ctx.t(id)))
        .collect()
    }
}

fn severities(ctx: &Ctx) -> Vec<(&'static str, String)> {
    Severity::ALL
        .iter()
        .map(|s| (s.as_str(), severity_label(ctx, s.as_str())))
        .collect()
}

fn types(ctx: &Ctx) -> Vec<(&'static str, String)> {
    AlarmType::ALL
        .iter()
        .map(|t| (t.as_str(), type_label(ctx, t.as_str())))
        .collect()
}

/// The name of a customer for the active-filter line; its id when the caller cannot see it.
async fn customer_name(state: &AppState, caller: &Caller, id: &str) -> Result<String, AppError> {
    let Ok(cid) = id.parse::<CustomerId>() else {
        return Ok(String::new());
    };
    match state.store.customer(caller.principal.scope(), cid).await {
        Ok(c) => Ok(c.fields.name),
        Err(StoreError::NotFound) => Ok(id.to_string()),
        Err(e) => Err(e.into()),
    }
}

fn notice(ctx: &Ctx, q: &str) -> String {
    let f = FormMap::parse(q.as_bytes());
    let Some(n) = f.get("cleared").and_then(|n| n.parse::<u64>().ok()) else {
        return String::new();
    };
    match f.get("clearedType").and_then(AlarmType::parse) {
        Some(t) => ctx.i18n.t_args(
            ctx.lang,
            "alarms-cleared-type",
            &[("count", ctx.n(&n)), ("type", type_label(ctx, t.as_str()))],
        ),
        None => ctx.t1("alarms-cleared", "count", &ctx.n(&n)),
    }
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let q = q.unwrap_or_default();
    let lp = ListParams::parse(&LIST_SPEC, Some(&q));
    let scope = caller.principal.scope();
    let filter = alarm_filter(&lp);
    let (items, total) = state
        .store
        .list_alarms(scope, &filter, alarm_sort(&lp), lp.page())
        .await?;
    let summary = state.store.alarm_summary(scope, &filter).await?;
    let rows: Vec<Row> = items.into_iter().map(|a| row(&ctx, a)).collect();
    let by_severity = Severity::ALL
        .iter()
        .map(|s| SummaryItem {
            key: s.as_str(),
            label: severity_label(&ctx, s.as_str()),
            count: count_of(&summary.by_severity, s.as_str()),
            href: lp.toggle("severity", s.as_str()),
            active: lp.is("severity", s.as_str()),
        })
        .collect();
    let by_type = AlarmType::ALL
        .iter()
        .map(|t| SummaryItem {
            key: t.as_str(),
            label: type_label(&ctx, t.as_str()),
            count: count_of(&summary.by_type, t.as_str()),
            href: lp.toggle("alarmType", t.as_str()),
            active: lp.is("alarmType", t.as_str()),
        })
        .collect();
    let customer_label = match lp.value("customerId") {
        None => String::new(),
        Some(id) => customer_name(&state, &caller, &id).await?,
    };
    let mut customers = Vec::new();
    if lp.filter_open {
        let (with_alarms, _) = state
            .store
            .list_customers(
                scope,
                &CustomerFilter {
                    has_alarms: Some(true),
                    ..Default::default()
                },
                Some((CustomerSort::Name, SortOrder::Asc)),
                PageRequest::new(0, FILTER_CUSTOMERS),
            )
            .await?;
        customers = with_alarms
            .into_iter()
            .map(|c| (c.id.to_string(), c.fields.name))
            .collect::<Vec<_>>();
        if let Some(id) = lp.value("customerId") {
            if !customers.iter().any(|(c, _)| *c == id) {
                customers.insert(0, (id, customer_label.clone()));
            }
        }
    }
    let page = ListPage {
        severity_name: lp
            .value("severity")
            .map(|v| severity_label(&ctx, &v))
            .unwrap_or_default(),
        type_name: lp
            .value("alarmType")
            .map(|v| type_label(&ctx, &v))
            .unwrap_or_default(),
        notice: notice(&ctx, &q),
        severities: severities(&ctx),
        types: types(&ctx),
        pager: lp.pager(rows.len(), total),
        summary_total: summary.total,
        all_link: lp.without(&["severity", "alarmType"]),
        all_active: lp.get("severity").is_empty() && lp.get("alarmType").is_empty(),
        by_severity,
        by_type,
        customer_label,
        customers,
        rows,
        total,
        can_clear: caller.can(Capability::ClearAlarms),
        lp,
        ctx,
    };
    Ok(render(&page))
}

mod clear;
use clear::*;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::page(
            Method::GET,
            LIST,
            Capability::ViewOperations,
            "Alarms",
            get(list),
        ),
        Endpoint::page(
            Method::GET,
            "/com/alarms/clear",
            Capability::ClearAlarms,
            "Confirm clearing the selected alarms",
            get(confirm_clear),
        ),
        Endpoint::page(
            Method::POST,
            "/com/alarms/clear",
            Capability::ClearAlarms,
            "Clear the selected alarms",
            post(clear_selected),
        ),
        Endpoint::page(
            Method::GET,
            "/com/alarms/clear-type",
            Capability::ClearAlarms,
            "Confirm clearing all alarms of one type",
            get(confirm_clear_type),
        ),
        Endpoint::page(
            Method::POST,
            "/com/alarms/clear-type",
            Capability::ClearAlarms,
            "Clear all alarms of one type",
            post(clear_type),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alm_3_sort_cycles_and_links_keep_the_other_criteria() {
        let parse = |q| ListParams::parse(&LIST_SPEC, Some(q));
        let st = parse("severity=Major&alarmType=bogus&search=%20x%20&max=50&start=3");
        assert_eq!(st.get("severity"), "major");
        assert_eq!(st.get("alarmType"), "");
        assert_eq!(st.get("search"), "x");
        assert_eq!(
            st.sort_link("occurrences"),
            "/com/alarms?severity=major&search=x&sort=occurrences&order=desc&max=50"
        );
        let d = parse("sort=occurrences&order=desc");
        assert_eq!(
            d.sort_link("occurrences"),
            "/com/alarms?sort=occurrences&order=asc"
        );
        let a = parse("sort=occurrences&order=asc");
        assert_eq!(a.sort_link("occurrences"), "/com/alarms");
        assert_eq!(
            st.toggle("severity", "major"),
            "/com/alarms?search=x&max=50"
        );
        assert_eq!(
            parse("").toggle("alarmType", "trunk"),
            "/com/alarms?alarmType=trunk"
        );
        // Descending severity is the most severe first (lowest rank).
        let s = parse("sort=severity&order=desc");
        assert_eq!(alarm_sort(&s), Some((AlarmSort::Severity, SortOrder::Asc)));
    }

    #[test]
    fn alm_4_confirmation_returns_only_to_the_alarm_list() {
        assert_eq!(
            safe_back(Some("/com/alarms?severity=minor")).url(),
            "/com/alarms?severity=minor"
        );
        assert_eq!(safe_back(Some("https://evil.example/")).url(), LIST);
        assert_eq!(safe_back(Some("/com/alarmsx?y=1")).url(), LIST);
        assert_eq!(
            safe_back(None).url_and(&[("cleared", "2".into())]),
            "/com/alarms?cleared=2"
        );
    }
}
