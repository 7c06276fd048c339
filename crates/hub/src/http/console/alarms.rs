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

/// The list's query string, parsed (invalid values are dropped) and able to write links that
/// change one thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListState {
    pub customer_id: String,
    pub severity: String,
    pub alarm_type: String,
    /// "", "true" or "false".
    pub ongoing: String,
    pub search: String,
    pub sort: String,
    pub order: String,
    pub start: i64,
    pub max: i64,
    pub filter_open: bool,
}

impl Default for ListState {
    fn default() -> Self {
        Self {
            customer_id: String::new(),
            severity: String::new(),
            alarm_type: String::new(),
            ongoing: String::new(),
            search: String::new(),
            sort: String::new(),
            order: String::new(),
            start: 0,
            max: DEFAULT_MAX,
            filter_open: false,
        }
    }
}

impl ListState {
    pub fn parse(q: &str) -> Self {
        let f = FormMap::parse(q.as_bytes());
        let sort = f
            .get("sort")
            .filter(|s| AlarmSort::parse(s).is_some())
            .unwrap_or("")
            .to_string();
        let order = f
            .get("order")
            .filter(|o| !sort.is_empty() && (*o == "asc" || *o == "desc"))
            .unwrap_or(if sort.is_empty() { "" } else { "desc" })
            .to_string();
        Self {
            customer_id: f
                .get("customerId")
                .map(str::trim)
                .filter(|c| c.parse::<CustomerId>().is_ok())
                .unwrap_or("")
                .to_string(),
            severity: f
                .get("severity")
                .and_then(Severity::parse)
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            alarm_type: f
                .get("alarmType")
                .and_then(AlarmType::parse)
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            ongoing: f
                .get("ongoing")
                .filter(|o| *o == "true" || *o == "false")
                .unwrap_or("")
                .to_string(),
            search: f.text("search").trim().to_string(),
            sort,
            order,
            start: f
                .get("start")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
                .max(0),
            max: f
                .get("max")
                .and_then(|v| v.parse().ok())
                .filter(|m| PAGE_SIZES.contains(m))
                .unwrap_or(DEFAULT_MAX),
            filter_open: f.checked("filter"),
        }
    }

    /// The parameters that differ from the defaults, in a stable order.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (k, v) in [
            ("customerId", &self.customer_id),
            ("severity", &self.severity),
            ("alarmType", &self.alarm_type),
            ("ongoing", &self.ongoing),
            ("search", &self.search),
            ("sort", &self.sort),
            ("order", &self.order),
        ] {
            if !v.is_empty() {
                out.push((k, v.clone()));
            }
        }
        if self.start > 0 {
            out.push(("start", self.start.to_string()));
        }
        if self.max != DEFAULT_MAX {
            out.push(("max", self.max.to_string()));
        }
        if self.filter_open {
            out.push(("filter", "1".to_string()));
        }
        out
    }

    /// The list URL of this state.
    pub fn query(&self) -> String {
        with_params(LIST, &self.pairs())
    }

    /// Hidden inputs that keep the state in a GET form, minus the keys the form sets itself.
    fn hidden_except(&self, skip: &[&str]) -> Vec<(&'static str, String)> {
        self.pairs()
            .into_iter()
            .filter(|(k, _)| !skip.contains(k) && *k != "start" && *k != "filter")
            .collect()
    }

    pub fn hidden_for_search(&self) -> Vec<(&'static str, String)> {
        self.hidden_except(&["search"])
    }

    pub fn hidden_for_filter(&self) -> Vec<(&'static str, String)> {
        self.hidden_except(&["customerId", "severity", "alarmType", "ongoing"])
    }

    pub fn hidden_for_pager(&self) -> Vec<(&'static str, String)> {
        self.hidden_except(&["max"])
    }

    /// Header link: one column at a time, cycling descending → ascending → unsorted (CUS-6).
    pub fn sort_link(&self, col: &str) -> String {
        let mut next = self.clone();
        next.start = 0;
        if self.sort != col {
            next.sort = col.to_string();
            next.order = "desc".into();
        } else if self.order == "desc" {
            next.order = "asc".into();
        } else {
            next.sort.clear();
            next.order.clear();
        }
        next.query()
    }

    pub fn sort_mark(&self, col: &str) -> &'static str {
        match (self.sort == col, self.order.as_str()) {
            (true, "desc") => "↓",
            (true, "asc") => "↑",
            _ => "",
        }
    }

    pub fn aria_sort(&self, col: &str) -> &'static str {
        match (self.sort == col, self.order.as_str()) {
            (true, "desc") => "descending",
            (true, "asc") => "ascending",
            _ => "none",
        }
    }

    pub fn page_link(&self, start: i64) -> String {
        let mut next = self.clone();
        next.start = start.max(0);
        next.query()
    }

    pub fn toggle_filter_link(&self) -> String {
        let mut next = self.clone();
        next.filter_open = !self.filter_open;
        next.query()
    }

    /// Clear every filter criterion (search stays: it is separate, CUS-6).
    pub fn clear_filter_link(&self) -> String {
        let mut next = self.clone();
        next.customer_id.clear();
        next.severity.clear();
        next.alarm_type.clear();
        next.ongoing.clear();
        next.start = 0;
        next.query()
    }

    /// Summary-bar link for a severity: selects it, or clears it when it is the active one.
    pub fn severity_link(&self, key: &str) -> String {
        let mut next = self.clone();
        next.start = 0;
        next.severity = if self.severity == key {
            String::new()
        } else {
            key.to_string()
        };
        next.query()
    }

    /// Summary-bar link for a type: selects it, or clears it when it is the active one.
    pub fn type_link(&self, key: &str) -> String {
        let mut next = self.clone();
        next.start = 0;
        next.alarm_type = if self.alarm_type == key {
            String::new()
        } else {
            key.to_string()
        };
        next.query()
    }

    /// Summary-bar "all": neither severity nor type.
    pub fn all_link(&self) -> String {
        let mut next = self.clone();
        next.start = 0;
        next.severity.clear();
        next.alarm_type.clear();
        next.query()
    }

    pub fn customer_is(&self, id: &str) -> bool {
        self.customer_id == id
    }
    pub fn severity_is(&self, s: &str) -> bool {
        self.severity == s
    }
    pub fn type_is(&self, t: &str) -> bool {
        self.alarm_type == t
    }
    pub fn ongoing_is(&self, o: &str) -> bool {
        self.ongoing == o
    }
    pub fn max_is(&self, m: &i64) -> bool {
        self.max == *m
    }

    pub fn filter_active(&self) -> bool {
        !self.customer_id.is_empty()
            || !self.severity.is_empty()
            || !self.alarm_type.is_empty()
            || !self.ongoing.is_empty()
    }

    pub fn filter(&self) -> AlarmFilter {
        AlarmFilter {
            customer: self.customer_id.parse().ok(),
            severity: Severity::parse(&self.severity),
            alarm_type: AlarmType::parse(&self.alarm_type),
            ongoing: match self.ongoing.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            search: Some(self.search.clone()).filter(|s| !s.is_empty()),
        }
    }

    pub fn sort(&self) -> Option<(AlarmSort, SortOrder)> {
        let col = AlarmSort::parse(&self.sort)?;
        let desc = self.order != "asc";
        // Severity is stored as a rank (critical = 0): "descending severity" means the most
        // severe first, i.e. ascending rank.
        let desc = if col == AlarmSort::Severity {
            !desc
        } else {
            desc
        };
        Some((
            col,
            if desc {
                SortOrder::Desc
            } else {
                SortOrder::Asc
            },
        ))
    }
}

/// `base` with `pairs` appended as query parameters.
fn with_params(base: &str, pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return base.to_string();
    }
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}{}", s.finish())
}

/// The list URL a confirmation page returns to: only the alarm list itself (never elsewhere).
fn safe_back(back: Option<&str>) -> ListState {
    let q = back
        .and_then(|b| b.strip_prefix(LIST))
        .filter(|rest| rest.is_empty() || rest.starts_with('?'))
        .map(|rest| rest.trim_start_matches('?'))
        .unwrap_or("");
    ListState::parse(q)
}

pub fn severity_label(ctx: &Ctx, key: &str) -> String {
    ctx.t(&format!("alarms-severity-{key}"))
}

pub fn type_label(ctx: &Ctx, key: &str) -> String {
    ctx.t(&format!("alarms-type-{key}"))
}

/// An alarm time in the hub's local time zone.
fn local_time(tz: &jiff::tz::TimeZone, t: jiff::Timestamp) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
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

fn row(ctx: &Ctx, tz: &jiff::tz::TimeZone, a: Alarm) -> Row {
    Row {
        id: a.id.to_string(),
        customer_id: a.customer_id.to_string(),
        customer_name: a.customer_name,
        system_name: a.system_name,
        severity_label: severity_label(ctx, &a.severity),
        severity: a.severity,
        type_label: type_label(ctx, &a.alarm_type),
        alarm_type: a.alarm_type,
        last: local_time(tz, a.last_occurrence),
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
    st: ListState,
    rows: Vec<Row>,
    total: i64,
    first: i64,
    last: i64,
    prev: Option<String>,
    next: Option<String>,
    sizes: Vec<i64>,
    summary_total: i64,
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
            &[
                ("count", n.to_string()),
                ("type", type_label(ctx, t.as_str())),
            ],
        ),
        None => ctx.t1("alarms-cleared", "count", &n.to_string()),
    }
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let q = q.unwrap_or_default();
    let st = ListState::parse(&q);
    let scope = caller.principal.scope();
    let filter = st.filter();
    let (items, total) = state
        .store
        .list_alarms(
            scope,
            &filter,
            st.sort(),
            PageRequest::new(st.start, st.max),
        )
        .await?;
    let summary = state.store.alarm_summary(scope, &filter).await?;
    let ctx = Ctx::for_caller(&state, &caller, LIST).await;
    let tz = jiff::tz::TimeZone::system();
    let rows: Vec<Row> = items.into_iter().map(|a| row(&ctx, &tz, a)).collect();
    let shown = rows.len() as i64;
    let by_severity = Severity::ALL
        .iter()
        .map(|s| SummaryItem {
            key: s.as_str(),
            label: severity_label(&ctx, s.as_str()),
            count: count_of(&summary.by_severity, s.as_str()),
            href: st.severity_link(s.as_str()),
            active: st.severity == s.as_str(),
        })
        .collect();
    let by_type = AlarmType::ALL
        .iter()
        .map(|t| SummaryItem {
            key: t.as_str(),
            label: type_label(&ctx, t.as_str()),
            count: count_of(&summary.by_type, t.as_str()),
            href: st.type_link(t.as_str()),
            active: st.alarm_type == t.as_str(),
        })
        .collect();
    let customer_label = if st.customer_id.is_empty() {
        String::new()
    } else {
        customer_name(&state, &caller, &st.customer_id).await?
    };
    let mut customers = Vec::new();
    if st.filter_open {
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
        if !st.customer_id.is_empty() && !customers.iter().any(|(id, _)| *id == st.customer_id) {
            customers.insert(0, (st.customer_id.clone(), customer_label.clone()));
        }
    }
    let page = ListPage {
        severity_name: if st.severity.is_empty() {
            String::new()
        } else {
            severity_label(&ctx, &st.severity)
        },
        type_name: if st.alarm_type.is_empty() {
            String::new()
        } else {
            type_label(&ctx, &st.alarm_type)
        },
        notice: notice(&ctx, &q),
        severities: severities(&ctx),
        types: types(&ctx),
        sizes: PAGE_SIZES.to_vec(),
        first: if shown == 0 { 0 } else { st.start + 1 },
        last: st.start + shown,
        prev: (st.start > 0).then(|| st.page_link(st.start - st.max)),
        next: (st.start + shown < total).then(|| st.page_link(st.start + shown)),
        summary_total: summary.total,
        all_active: st.severity.is_empty() && st.alarm_type.is_empty(),
        by_severity,
        by_type,
        customer_label,
        customers,
        rows,
        total,
        can_clear: caller.can(Capability::ClearAlarms),
        st,
        ctx,
    };
    Ok(render(&page))
}

/// An alarm named on a confirmation page.
pub struct Target {
    pub id: String,
    pub text: String,
    pub ongoing: bool,
}

#[derive(Template)]
#[template(path = "alarms_clear.html")]
struct ClearPage {
    ctx: Ctx,
    back: String,
    targets: Vec<Target>,
    error: String,
}

fn parse_ids(ids: &[String]) -> Result<Vec<AlarmId>, AppError> {
    ids.iter()
        .map(|i| i.trim().parse::<AlarmId>().map_err(|_| AppError::NotFound))
        .collect()
}

/// Describe the selected alarms. They were picked on the list page the user came from, so that
/// page is read again; an id not on it (changed meanwhile) is named by its id.
async fn targets(
    state: &AppState,
    caller: &Caller,
    ctx: &Ctx,
    back: &ListState,
    ids: &[AlarmId],
) -> Result<Vec<Target>, AppError> {
    let (items, _) = state
        .store
        .list_alarms(
            caller.principal.scope(),
            &back.filter(),
            back.sort(),
            PageRequest::new(back.start, back.max),
        )
        .await?;
    Ok(ids
        .iter()
        .map(|id| match items.iter().find(|a| a.id == *id) {
            Some(a) => Target {
                id: id.to_string(),
                text: format!(
                    "{} · {} · {} · {} — {}",
                    a.customer_name,
                    a.system_name,
                    severity_label(ctx, &a.severity),
                    type_label(ctx, &a.alarm_type),
                    a.description
                ),
                ongoing: a.ongoing,
            },
            None => Target {
                id: id.to_string(),
                text: id.to_string(),
                ongoing: false,
            },
        })
        .collect())
}

/// "Clear selected": confirm first (ALM-4).
async fn confirm_clear(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = FormMap::parse(q.unwrap_or_default().as_bytes());
    let back = safe_back(form.get("back"));
    let ids = parse_ids(&form.all("id"))?;
    if ids.is_empty() {
        return Ok(Redirect::to(&back.query()).into_response());
    }
    let ctx = Ctx::for_caller(&state, &caller, LIST).await;
    let targets = targets(&state, &caller, &ctx, &back, &ids).await?;
    let error = if targets.iter().any(|t| t.ongoing) {
        ctx.t("conflict-alarm-ongoing")
    } else {
        String::new()
    };
    Ok(render(&ClearPage {
        ctx,
        back: back.query(),
        targets,
        error,
    }))
}

async fn clear_selected(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let back = safe_back(form.get("back"));
    let raw = form.all("id");
    let ids = parse_ids(&raw)?;
    if ids.is_empty() {
        return Ok(Redirect::to(&back.query()).into_response());
    }
    let body = ClearBody {
        ids: Some(raw.iter().map(|s| s.trim().to_string()).collect()),
        alarm_type: None,
    };
    match clear(&state, &caller, body).await {
        Ok(n) => {
            let to = with_params(&back.query(), &[("cleared", n.to_string())]);
            Ok(Redirect::to(&to).into_response())
        }
        Err(err @ AppError::Conflict(..)) => {
            let ctx = Ctx::for_caller(&state, &caller, LIST).await;
            let targets = targets(&state, &caller, &ctx, &back, &ids).await?;
            let error = match &err {
                AppError::Conflict(id, _) => ctx.t(id),
                _ => String::new(),
            };
            let mut r = render(&ClearPage {
                ctx,
                back: back.query(),
                targets,
                error,
            });
            *r.status_mut() = StatusCode::CONFLICT;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "alarms_clear_type.html")]
struct ClearTypePage {
    ctx: Ctx,
    back: String,
    alarm_type: &'static str,
    summary: String,
    ongoing_text: String,
    clearable: i64,
    ongoing: i64,
}

fn parse_type(form: &FormMap) -> Result<Option<AlarmType>, AppError> {
    match form
        .get("alarmType")
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => Ok(None),
        Some(t) => AlarmType::parse(t)
            .map(Some)
            .ok_or_else(|| AppError::field("alarmType", Rule::Invalid)),
    }
}

/// "Clear all of type": confirm first, saying how many go and how many ongoing ones stay (ALM-5).
async fn confirm_clear_type(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = FormMap::parse(q.unwrap_or_default().as_bytes());
    let back = safe_back(form.get("back"));
    let Some(t) = parse_type(&form)? else {
        return Ok(Redirect::to(&back.query()).into_response());
    };
    let scope = caller.principal.scope();
    let count = |ongoing: bool| {
        let state = state.clone();
        async move {
            let f = AlarmFilter {
                alarm_type: Some(t),
                ongoing: Some(ongoing),
                ..Default::default()
            };
            state
                .store
                .list_alarms(scope, &f, None, PageRequest::new(0, 1))
                .await
                .map(|(_, n)| n)
        }
    };
    let clearable = count(false).await?;
    let ongoing = count(true).await?;
    let ctx = Ctx::for_caller(&state, &caller, LIST).await;
    let summary = ctx.i18n.t_args(
        ctx.lang,
        "alarms-clear-type-confirm",
        &[
            ("type", type_label(&ctx, t.as_str())),
            ("count", clearable.to_string()),
        ],
    );
    let ongoing_text = ctx.t1("alarms-clear-type-ongoing", "count", &ongoing.to_string());
    Ok(render(&ClearTypePage {
        summary,
        ongoing_text,
        ctx,
        back: back.query(),
        alarm_type: t.as_str(),
        clearable,
        ongoing,
    }))
}

async fn clear_type(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let back = safe_back(form.get("back"));
    let Some(t) = parse_type(&form)? else {
        return Ok(Redirect::to(&back.query()).into_response());
    };
    let n = clear(
        &state,
        &caller,
        ClearBody {
            ids: None,
            alarm_type: Some(t.as_str().to_string()),
        },
    )
    .await?;
    let to = with_params(
        &back.query(),
        &[
            ("cleared", n.to_string()),
            ("clearedType", t.as_str().to_string()),
        ],
    );
    Ok(Redirect::to(&to).into_response())
}

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
        let st = ListState::parse("severity=Major&alarmType=bogus&search=%20x%20&max=50&start=3");
        assert_eq!(st.severity, "major");
        assert_eq!(st.alarm_type, "");
        assert_eq!(st.search, "x");
        assert_eq!(
            st.sort_link("occurrences"),
            "/com/alarms?severity=major&search=x&sort=occurrences&order=desc&max=50"
        );
        let d = ListState::parse("sort=occurrences&order=desc");
        assert_eq!(
            d.sort_link("occurrences"),
            "/com/alarms?sort=occurrences&order=asc"
        );
        let a = ListState::parse("sort=occurrences&order=asc");
        assert_eq!(a.sort_link("occurrences"), "/com/alarms");
        assert_eq!(st.severity_link("major"), "/com/alarms?search=x&max=50");
        assert_eq!(
            ListState::default().type_link("trunk"),
            "/com/alarms?alarmType=trunk"
        );
        // Descending severity is the most severe first (lowest rank).
        let s = ListState::parse("sort=severity&order=desc");
        assert_eq!(s.sort(), Some((AlarmSort::Severity, SortOrder::Asc)));
    }

    #[test]
    fn alm_4_confirmation_returns_only_to_the_alarm_list() {
        assert_eq!(
            safe_back(Some("/com/alarms?severity=minor")).query(),
            "/com/alarms?severity=minor"
        );
        assert_eq!(safe_back(Some("https://evil.example/")).query(), LIST);
        assert_eq!(safe_back(Some("/com/alarmsx?y=1")).query(), LIST);
        assert_eq!(
            with_params("/com/alarms", &[("cleared", "2".into())]),
            "/com/alarms?cleared=2"
        );
    }
}
