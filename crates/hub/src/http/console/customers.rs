//! Console pages: customers (CUS-1 … CUS-6, SYS-2/3/6, TEN-4) and the provider tree (TEN-1).
//!
//! The list is scoped by the caller's role (CUS-3), filtered with the same query parameters as the
//! API's `CustomerQuery` (so dashboard links arrive pre-filtered, CUS-6), searchable, sortable one
//! column at a time (↓ ↑ none) and paged. Add / edit / delete selected with confirmation, details
//! with servers, remote-operations flags, assigned accounts and Test connection. Everything works
//! without JavaScript.

use super::forms::{FieldMessages, FormMap};
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::api::customers::{status_message, CustomerBody};
use crate::http::catalog::Endpoint;
use crate::service::customers::{self as svc, CustomerInput};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::customer::{self, DEFAULT_SERVICE_USER};
use patchbay_domain::system::{human_duration, Profile, RemoteFlags};
use patchbay_domain::{Capability, CustomerId, DistributorId, FieldError, ResellerId, Role, Rule};
use patchbay_store::customers::{Customer, CustomerFilter, CustomerSort, Dashboard};
use patchbay_store::systems::SystemView;
use patchbay_store::{AccountFilter, PageRequest, SortOrder, StoreError};

pub const PAGE_SIZES: [i64; 4] = [10, 25, 50, 100];

/// SYS-2 lights, in the order the filter offers them.
const LIGHTS: [&str; 3] = ["green", "amber", "red"];

/// SYS-3 status codes (the exact set), as stored on the customer row.
const STATUS_CODES: [&str; 20] = [
    "connectionSuccessful",
    "waitingForInitialConnection",
    "unreachableSince",
    "unreachableNotPrimary",
    "authorisationFailed",
    "connectionFailed",
    "insufficientRights",
    "invalidCredentials",
    "legacy",
    "tooManySessions",
    "newPasswordRequired",
    "noAuthorisationProvided",
    "noUserRightsEnabled",
    "remoteOperationsNotAllowed",
    "readRightsNotEnabled",
    "disabledByAdministrator",
    "temporarilyLocked",
    "currentlyDisabled",
    "passwordExpired",
    "upgradeRightsNotEnabled",
];

/// Notes longer than this are cut in the list (the full text is the cell's tooltip).
const NOTES_SHOWN: usize = 40;

const LIST: &str = "/com/customers";

// ---------------------------------------------------------------------------------------------
// Shared helpers

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn parse_customer(id: &str) -> Result<CustomerId, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

/// The light's words, for screen readers and the filter.
fn light_text(ctx: &Ctx, light: &str) -> String {
    if LIGHTS.contains(&light) {
        ctx.t(&format!("cus-light-{light}"))
    } else {
        light.to_string()
    }
}

/// The SYS-3 message in the page's language ("offline since <duration>" for unreachableSince);
/// unknown codes fall back to the API's English text.
fn status_text(ctx: &Ctx, code: &str, last_seen: Option<jiff::Timestamp>) -> String {
    let id = format!("cus-status-{code}");
    if !ctx.i18n.has("en", &id) {
        return status_message(code, last_seen);
    }
    if code == "unreachableSince" {
        let secs = last_seen
            .map(|t| jiff::Timestamp::now().duration_since(t).as_secs())
            .unwrap_or(0);
        return ctx.t1(&id, "duration", &human_duration(secs));
    }
    ctx.t(&id)
}

fn when(ctx: &Ctx, t: Option<jiff::Timestamp>) -> String {
    t.map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| ctx.t("never"))
}

/// Field messages for the customer form: the generic rule texts, with clearer words for the rules
/// this form meets (reseller of another distributor, fixed customer ID, DNS label).
fn field_messages(ctx: &Ctx, err: &AppError) -> FieldMessages {
    let mut m = FieldMessages::from_error(err, &ctx.i18n, ctx.lang);
    if let AppError::Validation(fields) = err {
        for f in fields {
            let id = match (f.field.as_ref(), &f.rule) {
                (_, Rule::DnsLabel) => "cus-rule-dns-label",
                ("customerId", Rule::NotAllowed) => "cus-rule-customer-id-fixed",
                ("operators", Rule::NotAllowed) => "cus-rule-operator-not-yours",
                ("operators", Rule::Invalid) => "cus-rule-operator-invalid",
                ("resellerId", Rule::Invalid) => "cus-rule-reseller-mismatch",
                ("distributorId", Rule::Invalid) => "cus-rule-distributor-invalid",
                ("confirmServicePassword", Rule::PasswordMismatch) => "cus-rule-password-mismatch",
                (_, Rule::NotAllowed) => "cus-rule-not-allowed",
                _ => continue,
            };
            m.by_field.insert(f.field.to_string(), ctx.t(id));
        }
    }
    m
}

/// Tags the caller may pick from: every tag for platform staff, the tags of the customers in
/// scope otherwise (never another tenant's tags, TEN-4).
async fn visible_tags(
    state: &AppState,
    caller: &Caller,
    dashboard: Option<&Dashboard>,
) -> Result<Vec<String>, AppError> {
    if caller.principal.role.sees_all_customers() {
        return Ok(state.store.all_tags().await?);
    }
    let mut tags: Vec<String> = match dashboard {
        Some(d) => d.tags.iter().map(|(t, _)| t.clone()).collect(),
        None => state
            .store
            .dashboard(caller.principal.scope())
            .await?
            .tags
            .into_iter()
            .map(|(t, _)| t)
            .collect(),
    };
    tags.sort_by_key(|a| a.to_lowercase());
    Ok(tags)
}

// ---------------------------------------------------------------------------------------------
// List (CUS-4, CUS-6)

/// The list's query string (the API's `CustomerQuery` names), able to write links that change
/// one thing.
#[derive(Debug, Clone, Default)]
pub struct ListState {
    pub search: String,
    pub connectivity: String,
    pub status: String,
    pub tag: String,
    pub version: String,
    pub profile: String,
    pub distributor: String,
    pub reseller: String,
    /// "", "true" or "false".
    pub has_alarms: String,
    pub sort: String,
    pub order: String,
    pub start: i64,
    pub max: i64,
    pub filter_open: bool,
}

impl ListState {
    fn parse(q: Option<&str>) -> Self {
        let f = FormMap::parse(q.unwrap_or("").as_bytes());
        let text = |k: &str| f.text(k).trim().to_string();
        let max = f
            .get("max")
            .and_then(|v| v.parse().ok())
            .filter(|m| PAGE_SIZES.contains(m))
            .unwrap_or(25);
        Self {
            search: text("search"),
            connectivity: Some(text("connectivity").to_lowercase())
                .filter(|v| LIGHTS.contains(&v.as_str()))
                .unwrap_or_default(),
            status: Some(text("status"))
                .filter(|v| STATUS_CODES.contains(&v.as_str()))
                .unwrap_or_default(),
            tag: text("tag"),
            version: text("version"),
            profile: text("profile"),
            distributor: text("distributor"),
            reseller: text("reseller"),
            has_alarms: match f.get("hasAlarms") {
                Some("true" | "1" | "yes") => "true".into(),
                Some("false" | "0" | "no") => "false".into(),
                _ => String::new(),
            },
            sort: f
                .get("sort")
                .filter(|s| CustomerSort::parse(s).is_some())
                .unwrap_or("")
                .to_string(),
            order: f
                .get("order")
                .filter(|o| *o == "asc" || *o == "desc")
                .unwrap_or("")
                .to_string(),
            start: f
                .get("start")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
                .max(0),
            max,
            filter_open: f.checked("filter"),
        }
    }

    fn criteria(&self) -> [(&'static str, &String); 8] {
        [
            ("connectivity", &self.connectivity),
            ("status", &self.status),
            ("tag", &self.tag),
            ("version", &self.version),
            ("profile", &self.profile),
            ("distributor", &self.distributor),
            ("reseller", &self.reseller),
            ("hasAlarms", &self.has_alarms),
        ]
    }

    /// Non-empty parameters, for hidden inputs of the search, filter and page-size forms.
    pub fn pairs(
        &self,
        with_search: bool,
        with_criteria: bool,
        with_max: bool,
    ) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if with_search && !self.search.is_empty() {
            out.push(("search", self.search.clone()));
        }
        if with_criteria {
            for (k, v) in self.criteria() {
                if !v.is_empty() {
                    out.push((k, v.clone()));
                }
            }
        }
        for (k, v) in [("sort", &self.sort), ("order", &self.order)] {
            if !v.is_empty() {
                out.push((k, v.clone()));
            }
        }
        if with_max {
            out.push(("max", self.max.to_string()));
        }
        out
    }

    fn query(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.pairs(true, true, false) {
            s.append_pair(k, &v);
        }
        if self.start > 0 {
            s.append_pair("start", &self.start.to_string());
        }
        s.append_pair("max", &self.max.to_string());
        if self.filter_open {
            s.append_pair("filter", "1");
        }
        format!("{LIST}?{}", s.finish())
    }

    fn filter(&self) -> CustomerFilter {
        let opt = |v: &String| Some(v.clone()).filter(|s| !s.is_empty());
        CustomerFilter {
            search: opt(&self.search),
            light: opt(&self.connectivity),
            status_code: opt(&self.status),
            tag: opt(&self.tag),
            version: opt(&self.version),
            profile: opt(&self.profile),
            distributor: opt(&self.distributor),
            reseller: opt(&self.reseller),
            has_alarms: match self.has_alarms.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
        }
    }

    fn sort_order(&self) -> Option<(CustomerSort, SortOrder)> {
        CustomerSort::parse(&self.sort).map(|c| {
            (
                c,
                if self.order == "asc" {
                    SortOrder::Asc
                } else {
                    SortOrder::Desc
                },
            )
        })
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

    /// Open or hide the panel; the criteria stay as they are (CUS-6).
    pub fn toggle_filter_link(&self) -> String {
        let mut next = self.clone();
        next.filter_open = !self.filter_open;
        next.query()
    }

    pub fn clear_filter_link(&self) -> String {
        let mut next = self.clone();
        for v in [
            &mut next.connectivity,
            &mut next.status,
            &mut next.tag,
            &mut next.version,
            &mut next.profile,
            &mut next.distributor,
            &mut next.reseller,
            &mut next.has_alarms,
        ] {
            v.clear();
        }
        next.start = 0;
        next.query()
    }

    pub fn filter_active(&self) -> bool {
        self.criteria().iter().any(|(_, v)| !v.is_empty())
    }

    /// Whether criterion `key` currently has value `v` (for `selected`).
    pub fn sel(&self, key: &str, v: &str) -> bool {
        self.criteria()
            .iter()
            .any(|(k, cur)| *k == key && cur.as_str() == v)
    }

    pub fn max_is(&self, m: &i64) -> bool {
        self.max == *m
    }
}

pub struct Row {
    pub id: String,
    pub name: String,
    pub customer_id: String,
    pub light: String,
    pub light_text: String,
    pub system_name: String,
    pub profile: String,
    pub version: String,
    pub alarm_count: i64,
    pub alarms_link: String,
    pub operators: String,
    pub operators_title: String,
    pub tags: Vec<String>,
    pub notes_short: String,
    pub notes: String,
    pub status_text: String,
    pub needs_attention: bool,
}

fn row(ctx: &Ctx, c: Customer) -> Row {
    let status_text = status_text(ctx, &c.status_code, c.last_seen_at);
    let logins: Vec<&str> = c.operators.iter().map(|(_, l)| l.as_str()).collect();
    let operators = logins.join(", ");
    // CUS-3 tooltip: the manually assigned accounts (Administrator and Support are never
    // assigned); label-assigned ones are listed on the details panel.
    let operators_title = if logins.is_empty() {
        ctx.t("cus-operators-none")
    } else {
        ctx.t1("cus-operators-title", "logins", &operators)
    };
    let notes_short = if c.fields.notes.chars().count() > NOTES_SHOWN {
        let cut: String = c.fields.notes.chars().take(NOTES_SHOWN).collect();
        format!("{}…", cut.trim_end())
    } else {
        c.fields.notes.clone()
    };
    Row {
        id: c.id.to_string(),
        alarms_link: format!("/com/alarms?customerId={}", c.id),
        light_text: light_text(ctx, &c.light),
        name: c.fields.name,
        customer_id: c.fields.customer_id,
        light: c.light,
        system_name: c.system_name,
        profile: c.profile,
        version: c.version,
        alarm_count: c.alarm_count,
        operators,
        operators_title,
        tags: c.fields.tags,
        notes_short,
        notes: c.fields.notes,
        status_text,
        needs_attention: c.needs_attention,
    }
}

/// Choices of the filter panel, loaded only while the panel is open.
#[derive(Default)]
pub struct Panel {
    pub lights: Vec<(String, String)>,
    pub statuses: Vec<(String, String)>,
    pub profiles: Vec<String>,
    pub tags: Vec<String>,
    pub versions: Vec<String>,
    pub distributors: Vec<String>,
    pub resellers: Vec<String>,
}

#[derive(Template)]
#[template(path = "customers.html")]
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
    notice: String,
    active: Vec<(String, String)>,
    panel: Panel,
    can_add: bool,
    can_edit: bool,
    can_delete: bool,
    can_email: bool,
}

impl ListPage {
    fn columns(&self) -> Vec<(&'static str, String)> {
        [
            ("name", "cus-col-name"),
            ("systemName", "cus-col-systemName"),
            ("customerId", "cus-col-customerId"),
            ("profile", "cus-col-profile"),
            ("version", "cus-col-version"),
            ("alarmCount", "cus-col-alarms"),
        ]
        .into_iter()
        .map(|(c, id)| (c, self.ctx.t(id)))
        .collect()
    }
}

/// The active criteria in words, for the "Active filter" line (CUS-6).
fn active_filter(ctx: &Ctx, st: &ListState) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in st.criteria() {
        if v.is_empty() {
            continue;
        }
        let shown = match k {
            "connectivity" => light_text(ctx, v),
            "status" => status_text(ctx, v, None),
            "hasAlarms" if v == "true" => ctx.t("cus-yes"),
            "hasAlarms" => ctx.t("cus-no"),
            _ => v.clone(),
        };
        out.push((ctx.t(&format!("cus-filter-{k}")), shown));
    }
    out
}

async fn panel(state: &AppState, caller: &Caller, ctx: &Ctx) -> Result<Panel, AppError> {
    // Versions and tags in scope only (TEN-4).
    let figures = state.store.dashboard(caller.principal.scope()).await?;
    let tags = visible_tags(state, caller, Some(&figures)).await?;
    let versions = figures.versions.into_iter().map(|(v, _)| v).collect();
    Ok(Panel {
        lights: LIGHTS
            .iter()
            .map(|l| (l.to_string(), light_text(ctx, l)))
            .collect(),
        statuses: STATUS_CODES
            .iter()
            .map(|c| (c.to_string(), status_text(ctx, c, None)))
            .collect(),
        profiles: Profile::ALL
            .iter()
            .map(|p| p.as_str().to_string())
            .collect(),
        tags,
        versions,
        distributors: state
            .store
            .distributors(caller.principal.scope())
            .await?
            .into_iter()
            .map(|d| d.name)
            .collect(),
        resellers: {
            let mut r: Vec<String> = state
                .store
                .resellers(caller.principal.scope(), None)
                .await?
                .into_iter()
                .map(|r| r.name)
                .collect();
            r.sort_by_key(|a| a.to_lowercase());
            r.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
            r
        },
    })
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let st = ListState::parse(q.as_deref());
    let (items, total) = state
        .store
        .list_customers(
            caller.principal.scope(),
            &st.filter(),
            st.sort_order(),
            PageRequest::new(st.start, st.max),
        )
        .await?;
    let ctx = Ctx::for_caller(&state, &caller, LIST).await;
    let rows: Vec<Row> = items.into_iter().map(|c| row(&ctx, c)).collect();
    let shown = rows.len() as i64;
    let notice = match FormMap::parse(q.as_deref().unwrap_or("").as_bytes()).get("done") {
        Some("deleted") => ctx.t("cus-deleted"),
        _ => String::new(),
    };
    let panel = if st.filter_open {
        panel(&state, &caller, &ctx).await?
    } else {
        Panel::default()
    };
    let page = ListPage {
        sizes: PAGE_SIZES.to_vec(),
        first: if shown == 0 { 0 } else { st.start + 1 },
        last: st.start + shown,
        prev: (st.start > 0).then(|| st.page_link(st.start - st.max)),
        next: (st.start + shown < total).then(|| st.page_link(st.start + shown)),
        active: active_filter(&ctx, &st),
        can_add: caller.can(Capability::AddDeleteCustomers),
        can_edit: caller.can(Capability::EditCustomers),
        can_delete: caller.can(Capability::AddDeleteCustomers),
        can_email: caller.can(Capability::ResendSubscriptionEmail),
        rows,
        total,
        st,
        ctx,
        notice,
        panel,
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// Details (CUS-5) and Test connection (CUS-2)

pub struct ServerRow {
    pub name: String,
    pub role: String,
    pub address: String,
    pub version: String,
    pub state: String,
    pub online: bool,
}

pub struct SystemRow {
    pub name: String,
    pub profile: String,
    pub version: String,
    pub address: String,
    pub connected: bool,
    pub last_seen: String,
    pub flags: Vec<(String, bool)>,
    pub servers: Vec<ServerRow>,
}

fn flags(ctx: &Ctx, f: &RemoteFlags) -> Vec<(String, bool)> {
    [
        ("centralManagement", f.central_management),
        ("centralDiagnosticLogs", f.central_diagnostic_logs),
        ("remoteUpgradeBackup", f.remote_upgrade_backup),
        ("remoteAccess", f.remote_access),
        ("colocatedServers", f.colocated_servers),
        ("autoCertificateManagement", f.auto_certificate_management),
        ("phoneAutoProvisioning", f.phone_auto_provisioning),
    ]
    .into_iter()
    .map(|(k, on)| (ctx.t(&format!("cus-flag-{k}")), on))
    .collect()
}

/// A message of this file when it exists, the raw value otherwise.
fn word(ctx: &Ctx, prefix: &str, v: &str) -> String {
    let id = format!("{prefix}{v}");
    if ctx.i18n.has("en", &id) {
        ctx.t(&id)
    } else {
        v.to_string()
    }
}

fn system_row(ctx: &Ctx, s: SystemView) -> SystemRow {
    SystemRow {
        flags: flags(ctx, &s.flags),
        address: if s.port > 0 {
            format!("{}:{}", s.address, s.port)
        } else {
            s.address
        },
        last_seen: when(ctx, s.last_seen_at),
        name: s.name,
        profile: s.profile,
        version: s.version,
        connected: s.connected,
        servers: s
            .servers
            .into_iter()
            .map(|v| ServerRow {
                role: word(ctx, "cus-server-role-", &v.role),
                online: v.state == "online",
                state: word(ctx, "cus-server-state-", &v.state),
                name: v.name,
                address: v.address,
                version: v.version,
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "customers_details.html")]
struct DetailsPage {
    ctx: Ctx,
    c: Customer,
    light_text: String,
    status_text: String,
    address: String,
    last_seen: String,
    systems: Vec<SystemRow>,
    /// (login, assigned by hand)
    assigned: Vec<(String, bool)>,
    /// Test connection: (ok, text).
    test: Option<(bool, String)>,
    notice: String,
    can_edit: bool,
}

async fn details_page(
    state: &AppState,
    caller: &Caller,
    id: CustomerId,
    test: Option<(bool, String)>,
    notice: &str,
) -> Result<Response, AppError> {
    let c = svc::get(state, caller, id).await?;
    let ctx = Ctx::for_caller(state, caller, LIST).await;
    let systems = state
        .store
        .systems_of(id)
        .await?
        .into_iter()
        .map(|s| system_row(&ctx, s))
        .collect();
    let assigned = state
        .store
        .assigned_accounts(id)
        .await?
        .into_iter()
        .map(|(_, login, manual)| (login, manual))
        .collect();
    let notice = match notice {
        "created" => ctx.t("cus-created"),
        "updated" => ctx.t("cus-updated"),
        _ => String::new(),
    };
    let page = DetailsPage {
        light_text: light_text(&ctx, &c.light),
        status_text: status_text(&ctx, &c.status_code, c.last_seen_at),
        address: match (c.address.is_empty(), c.port) {
            (true, _) => String::new(),
            (false, p) if p > 0 => format!("{}:{p}", c.address),
            (false, _) => c.address.clone(),
        },
        last_seen: when(&ctx, c.last_seen_at),
        can_edit: caller.can(Capability::EditCustomers),
        c,
        systems,
        assigned,
        test,
        notice,
        ctx,
    };
    Ok(render(&page))
}

async fn details(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let done = FormMap::parse(q.as_deref().unwrap_or("").as_bytes()).text("done");
    details_page(&state, &caller, parse_customer(&id)?, None, &done).await
}

/// CUS-2 Test connection: success only when the system is connected and authenticated now;
/// otherwise the SYS-3 reason. Shown inline on the details page.
async fn test_connection(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_customer(&id)?;
    let (ok, _light, code) = svc::test_connection(&state, &caller, id).await?;
    let c = svc::get(&state, &caller, id).await?;
    let ctx = Ctx::for_caller(&state, &caller, LIST).await;
    let reason = status_text(&ctx, &code, c.last_seen_at);
    let text = if ok {
        if code == "connectionSuccessful" {
            ctx.t("cus-test-ok")
        } else {
            format!("{} {reason}", ctx.t("cus-test-ok"))
        }
    } else {
        ctx.t1("cus-test-failed", "reason", &reason)
    };
    details_page(&state, &caller, id, Some((ok, text)), "").await
}

// ---------------------------------------------------------------------------------------------
// Add / edit (CUS-1, CUS-2)

/// The form's values as typed (kept on error).
#[derive(Debug, Clone, Default)]
pub struct FormValues {
    pub name: String,
    pub customer_id: String,
    pub service_user_name: String,
    pub service_disabled: bool,
    pub distributor_id: String,
    pub reseller_id: String,
    pub tags: String,
    pub phone: String,
    pub email: String,
    pub notes: String,
    pub operators: Vec<String>,
}

impl FormValues {
    fn of(c: &Customer) -> Self {
        Self {
            name: c.fields.name.clone(),
            customer_id: c.fields.customer_id.clone(),
            service_user_name: c.fields.service_user_name.clone(),
            service_disabled: c.fields.service_disabled,
            distributor_id: c.distributor_id.map(|d| d.to_string()).unwrap_or_default(),
            reseller_id: c.reseller_id.map(|r| r.to_string()).unwrap_or_default(),
            tags: c.fields.tags.join(", "),
            phone: c.fields.phone.clone(),
            email: c.fields.email.clone(),
            notes: c.fields.notes.clone(),
            operators: c.operators.iter().map(|(id, _)| id.to_string()).collect(),
        }
    }

    fn read(form: &FormMap) -> Self {
        Self {
            name: form.text("name"),
            customer_id: form.text("customerId"),
            service_user_name: form.text("serviceUserName"),
            service_disabled: form.checked("serviceDisabled"),
            distributor_id: form.text("distributorId"),
            reseller_id: form.text("resellerId"),
            tags: form.text("tags"),
            phone: form.text("phone"),
            email: form.text("email"),
            notes: form.text("notes"),
            operators: form
                .all("operators")
                .into_iter()
                .filter(|o| !o.is_empty())
                .collect(),
        }
    }

    fn tag_list(&self) -> Vec<String> {
        self.tags
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect()
    }
}

pub struct ResellerOption {
    pub id: String,
    pub label: String,
    pub distributor_id: String,
}

#[derive(Template)]
#[template(path = "customers_form.html")]
struct FormPage {
    ctx: Ctx,
    /// None when adding.
    id: Option<String>,
    v: FormValues,
    errors: FieldMessages,
    distributors: Vec<(String, String)>,
    resellers: Vec<ResellerOption>,
    tags: Vec<String>,
    /// (account id, label) the caller may assign.
    operators: Vec<(String, String)>,
    /// Assigned accounts the caller cannot manage; the service keeps them.
    kept: Vec<String>,
    customer_id_locked: bool,
}

impl FormPage {
    fn dist_is(&self, id: &str) -> bool {
        self.v.distributor_id == id
    }
    fn res_is(&self, id: &str) -> bool {
        self.v.reseller_id == id
    }
    fn op_is(&self, id: &str) -> bool {
        self.v.operators.iter().any(|o| o == id)
    }
}

/// Accounts the caller may assign: Supervisor, Operator and Read-only accounts; a Supervisor only
/// itself and the Operators it created (OPR-9).
async fn assignable(state: &AppState, caller: &Caller) -> Result<Vec<(String, String)>, AppError> {
    let mut out = Vec::new();
    let page = PageRequest::new(0, PageRequest::MAX);
    let supervisor = caller.principal.role == Role::Supervisor;
    // Who may be assigned mirrors `service::customers::check_operators`: Administrators any staff
    // account, a Supervisor itself and its Operators, anyone else only itself.
    let roles: &[Role] = if supervisor {
        &[Role::Operator]
    } else if caller.principal.role == Role::Administrator {
        &[Role::Supervisor, Role::Operator, Role::ReadOnly]
    } else {
        &[]
    };
    if !caller.principal.role.sees_all_customers() {
        out.push((
            caller.account.id.to_string(),
            format!(
                "{} ({})",
                caller.account.fields.login_name,
                caller.account.display_name()
            ),
        ));
    }
    for role in roles {
        let filter = AccountFilter {
            role: Some(*role),
            created_by: supervisor.then_some(caller.account.id),
            ..Default::default()
        };
        let (items, _) = state.store.list_accounts(&filter, None, page).await?;
        out.extend(items.into_iter().map(|a| {
            let label = format!("{} ({})", a.fields.login_name, a.display_name());
            (a.id.to_string(), label)
        }));
    }
    out.sort_by_key(|a| a.1.to_lowercase());
    Ok(out)
}

async fn form_page(
    state: &AppState,
    caller: &Caller,
    current: Option<&Customer>,
    v: FormValues,
    errors: FieldMessages,
) -> Result<FormPage, AppError> {
    let ctx = Ctx::for_caller(state, caller, LIST).await;
    let distributors = state
        .store
        .distributors(caller.principal.scope())
        .await?
        .into_iter()
        .map(|d| (d.id.to_string(), d.name))
        .collect();
    let resellers = state
        .store
        .resellers(caller.principal.scope(), None)
        .await?
        .into_iter()
        .map(|r| ResellerOption {
            id: r.id.to_string(),
            label: format!("{} › {}", r.distributor_name, r.name),
            distributor_id: r.distributor_id.to_string(),
        })
        .collect();
    let tags = visible_tags(state, caller, None).await?;
    let operators = assignable(state, caller).await?;
    let kept = current
        .map(|c| {
            c.operators
                .iter()
                .filter(|(id, _)| !operators.iter().any(|(o, _)| *o == id.to_string()))
                .map(|(_, login)| login.clone())
                .collect()
        })
        .unwrap_or_default();
    let customer_id_locked =
        current.is_some() && !state.store.preferences().await?.allow_customer_id_change;
    Ok(FormPage {
        ctx,
        id: current.map(|c| c.id.to_string()),
        v,
        errors,
        distributors,
        resellers,
        tags,
        operators,
        kept,
        customer_id_locked,
    })
}

async fn new_form(State(state): State<AppState>, caller: Caller) -> Result<Response, AppError> {
    let v = FormValues {
        service_user_name: DEFAULT_SERVICE_USER.to_string(),
        ..Default::default()
    };
    let page = form_page(&state, &caller, None, v, FieldMessages::default()).await?;
    Ok(render(&page))
}

/// Read the posted form into the service's input (through the API's body parser), with the
/// checks only a form has (password confirmation).
fn read_input(
    form: &FormMap,
    v: &FormValues,
    current: Option<&Customer>,
) -> Result<CustomerInput, AppError> {
    let password = form.text("servicePassword");
    let mut errs: Vec<FieldError> = Vec::new();
    if password != form.text("confirmServicePassword") {
        errs.push(FieldError::new(
            "confirmServicePassword",
            Rule::PasswordMismatch,
        ));
    }
    let body = CustomerBody {
        name: Some(v.name.clone()),
        customer_id: Some(v.customer_id.clone()),
        service_user_name: Some(v.service_user_name.clone()),
        // Empty on update keeps the stored password.
        service_password: if current.is_some() && password.is_empty() {
            None
        } else {
            Some(password)
        },
        service_disabled: Some(v.service_disabled),
        distributor_id: Some(v.distributor_id.clone()),
        reseller_id: Some(v.reseller_id.clone()),
        tags: Some(v.tag_list()),
        phone: Some(v.phone.clone()),
        email: Some(v.email.clone()),
        notes: Some(v.notes.clone()),
        operators: Some(v.operators.clone()),
    };
    let input = match body.into_input(current) {
        Ok(i) => i,
        Err(AppError::Validation(mut e)) => {
            errs.append(&mut e);
            return Err(AppError::Validation(errs));
        }
        Err(e) => return Err(e),
    };
    if !errs.is_empty() {
        // Show every field's problem at once, not the confirmation alone.
        let fields = customer::normalise(input.fields.clone());
        if let Err(mut e) = customer::validate(&fields, input.service_password.as_deref()) {
            errs.append(&mut e);
        }
        return Err(AppError::Validation(errs));
    }
    Ok(input)
}

async fn rerender_form(
    state: &AppState,
    caller: &Caller,
    current: Option<&Customer>,
    v: FormValues,
    err: AppError,
) -> Result<Response, AppError> {
    match err {
        AppError::Validation(_) | AppError::Conflict(..) => {
            let ctx = Ctx::for_caller(state, caller, LIST).await;
            let errors = field_messages(&ctx, &err);
            let page = form_page(state, caller, current, v, errors).await?;
            let mut r = render(&page);
            *r.status_mut() = StatusCode::BAD_REQUEST;
            Ok(r)
        }
        other => Err(other),
    }
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let v = FormValues::read(&form);
    let input = match read_input(&form, &v, None) {
        Ok(i) => i,
        Err(e) => return rerender_form(&state, &caller, None, v, e).await,
    };
    match svc::create(&state, &caller, input).await {
        Ok(c) => Ok(Redirect::to(&format!("{LIST}/{}?done=created", c.id)).into_response()),
        Err(e) => rerender_form(&state, &caller, None, v, e).await,
    }
}

async fn edit_form(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let c = svc::get(&state, &caller, parse_customer(&id)?).await?;
    let v = FormValues::of(&c);
    let page = form_page(&state, &caller, Some(&c), v, FieldMessages::default()).await?;
    Ok(render(&page))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id = parse_customer(&id)?;
    let current = svc::get(&state, &caller, id).await?;
    let form = FormMap::parse(&body);
    let mut v = FormValues::read(&form);
    if form.get("customerId").is_none() {
        // A disabled (or absent) field keeps the stored customer ID.
        v.customer_id = current.fields.customer_id.clone();
    }
    let input = match read_input(&form, &v, Some(&current)) {
        Ok(i) => i,
        Err(e) => return rerender_form(&state, &caller, Some(&current), v, e).await,
    };
    match svc::update(&state, &caller, id, input).await {
        Ok(_) => Ok(Redirect::to(&format!("{LIST}/{id}?done=updated")).into_response()),
        Err(e) => rerender_form(&state, &caller, Some(&current), v, e).await,
    }
}

fn selected(q: Option<&str>) -> Vec<String> {
    FormMap::parse(q.unwrap_or("").as_bytes()).all("id")
}

/// Toolbar "Edit": exactly one selected customer opens its form.
async fn edit_selected(RawQuery(q): RawQuery) -> Response {
    match selected(q.as_deref()).as_slice() {
        [one] => Redirect::to(&format!("{LIST}/{}/edit", urlencode(one))).into_response(),
        _ => Redirect::to(LIST).into_response(),
    }
}

// ---------------------------------------------------------------------------------------------
// Delete selected (CUS-2): confirm, then all or nothing.

#[derive(Template)]
#[template(path = "customers_delete.html")]
struct DeletePage {
    ctx: Ctx,
    targets: Vec<(String, String)>,
}

async fn confirm_delete(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let mut targets = Vec::new();
    for id in selected(q.as_deref()) {
        let c = svc::get(&state, &caller, parse_customer(&id)?).await?;
        targets.push((c.id.to_string(), c.fields.name));
    }
    if targets.is_empty() {
        return Ok(Redirect::to(LIST).into_response());
    }
    let ctx = Ctx::for_caller(&state, &caller, LIST).await;
    Ok(render(&DeletePage { ctx, targets }))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let ids = form
        .all("id")
        .iter()
        .map(|s| parse_customer(s))
        .collect::<Result<Vec<_>, _>>()?;
    if ids.is_empty() {
        return Ok(Redirect::to(LIST).into_response());
    }
    svc::delete(&state, &caller, &ids).await?;
    Ok(Redirect::to(&format!("{LIST}?done=deleted")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Providers (TEN-1)

pub struct ResellerRow {
    pub id: String,
    pub name: String,
    pub customers: i64,
}

pub struct DistributorRow {
    pub id: String,
    pub name: String,
    pub customers: i64,
    pub resellers: Vec<ResellerRow>,
}

#[derive(Template)]
#[template(path = "providers.html")]
struct ProvidersPage {
    ctx: Ctx,
    rows: Vec<DistributorRow>,
    /// Counts only for roles that see every customer (TEN-4).
    show_counts: bool,
    can_manage: bool,
    notice: String,
    error: String,
    /// Typed values and field messages of the two add forms.
    d_name: String,
    d_error: String,
    r_name: String,
    r_distributor: String,
    r_error: String,
}

impl ProvidersPage {
    fn r_dist_is(&self, id: &str) -> bool {
        self.r_distributor == id
    }
}

#[derive(Default)]
struct ProviderMessages {
    notice: String,
    error: String,
    d_name: String,
    d_error: String,
    r_name: String,
    r_distributor: String,
    r_error: String,
}

async fn providers_page(
    state: &AppState,
    caller: &Caller,
    m: ProviderMessages,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = Ctx::for_caller(state, caller, LIST).await;
    let resellers = state
        .store
        .resellers(caller.principal.scope(), None)
        .await?;
    let rows = state
        .store
        .distributors(caller.principal.scope())
        .await?
        .into_iter()
        .map(|d| DistributorRow {
            id: d.id.to_string(),
            resellers: resellers
                .iter()
                .filter(|r| r.distributor_id == d.id)
                .map(|r| ResellerRow {
                    id: r.id.to_string(),
                    name: r.name.clone(),
                    customers: r.customers,
                })
                .collect(),
            name: d.name,
            customers: d.customers,
        })
        .collect();
    let mut r = render(&ProvidersPage {
        ctx,
        rows,
        show_counts: caller.principal.role.sees_all_customers(),
        can_manage: caller.can(Capability::ServerSettings),
        notice: m.notice,
        error: m.error,
        d_name: m.d_name,
        d_error: m.d_error,
        r_name: m.r_name,
        r_distributor: m.r_distributor,
        r_error: m.r_error,
    });
    *r.status_mut() = status;
    Ok(r)
}

async fn providers(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let done = FormMap::parse(q.as_deref().unwrap_or("").as_bytes()).text("done");
    let ctx = Ctx::for_caller(&state, &caller, LIST).await;
    let notice = match done.as_str() {
        "added" => ctx.t("prov-added"),
        "deleted" => ctx.t("prov-deleted"),
        _ => String::new(),
    };
    let m = ProviderMessages {
        notice,
        ..Default::default()
    };
    providers_page(&state, &caller, m, StatusCode::OK).await
}

/// The words of a provider-name error.
fn name_error(ctx: &Ctx, e: &AppError) -> String {
    let m = FieldMessages::from_error(e, &ctx.i18n, ctx.lang);
    match e {
        AppError::Validation(f) => f
            .iter()
            .map(|f| {
                let field = match f.field.as_ref() {
                    "distributorId" => ctx.t("prov-distributor"),
                    _ => ctx.t("prov-name"),
                };
                format!("{field}: {}", m.of(&f.field))
            })
            .collect::<Vec<_>>()
            .join(" "),
        _ => m.general.join(" "),
    }
}

async fn add_distributor(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let name = form.text("name");
    let result = match svc::validate_provider_name(&name) {
        Ok(()) => state
            .store
            .create_distributor(&caller.meta(), &name)
            .await
            .map(|_| ())
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/com/providers?done=added").into_response()),
        Err(e @ AppError::Validation(_)) => {
            let ctx = Ctx::for_caller(&state, &caller, LIST).await;
            let m = ProviderMessages {
                d_error: name_error(&ctx, &e),
                d_name: name,
                ..Default::default()
            };
            providers_page(&state, &caller, m, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e),
    }
}

async fn add_reseller(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let name = form.text("name");
    let dist = form.text("distributorId");
    let result = async {
        svc::validate_provider_name(&name)?;
        let d: DistributorId = if dist.is_empty() {
            return Err(AppError::field("distributorId", Rule::Required));
        } else {
            dist.parse()
                .map_err(|_| AppError::field("distributorId", Rule::Invalid))?
        };
        state
            .store
            .create_reseller(&caller.meta(), d, &name)
            .await
            .map_err(AppError::from)
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/com/providers?done=added").into_response()),
        Err(e @ AppError::Validation(_)) => {
            let ctx = Ctx::for_caller(&state, &caller, LIST).await;
            let m = ProviderMessages {
                r_error: name_error(&ctx, &e),
                r_name: name,
                r_distributor: dist,
                ..Default::default()
            };
            providers_page(&state, &caller, m, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e),
    }
}

/// A provider still in use stays, with a clear message (409).
async fn in_use(state: &AppState, caller: &Caller, id: &str) -> Result<Response, AppError> {
    let ctx = Ctx::for_caller(state, caller, LIST).await;
    let m = ProviderMessages {
        error: ctx.t(id),
        ..Default::default()
    };
    providers_page(state, caller, m, StatusCode::CONFLICT).await
}

async fn delete_distributor(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: DistributorId = id.parse().map_err(|_| AppError::NotFound)?;
    match state.store.delete_distributor(&caller.meta(), id).await {
        Ok(()) => Ok(Redirect::to("/com/providers?done=deleted").into_response()),
        Err(StoreError::InUse(_)) => in_use(&state, &caller, "prov-distributor-in-use").await,
        Err(e) => Err(e.into()),
    }
}

async fn delete_reseller(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: ResellerId = id.parse().map_err(|_| AppError::NotFound)?;
    match state.store.delete_reseller(&caller.meta(), id).await {
        Ok(()) => Ok(Redirect::to("/com/providers?done=deleted").into_response()),
        Err(StoreError::InUse(_)) => in_use(&state, &caller, "prov-reseller-in-use").await,
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewOperations;
    let add = Capability::AddDeleteCustomers;
    let edit = Capability::EditCustomers;
    vec![
        Endpoint::page(Method::GET, LIST, view, "Customers", get(list)),
        Endpoint::page(Method::POST, LIST, add, "Create customer", post(create)),
        Endpoint::page(
            Method::GET,
            "/com/customers/new",
            add,
            "Add customer",
            get(new_form),
        ),
        Endpoint::page(
            Method::GET,
            "/com/customers/edit",
            edit,
            "Edit selected customer",
            get(edit_selected),
        ),
        Endpoint::page(
            Method::GET,
            "/com/customers/delete",
            add,
            "Confirm customer deletion",
            get(confirm_delete),
        ),
        Endpoint::page(
            Method::POST,
            "/com/customers/delete",
            add,
            "Delete selected customers",
            post(delete),
        ),
        Endpoint::page(
            Method::GET,
            "/com/customers/{id}",
            view,
            "Customer details",
            get(details),
        ),
        Endpoint::page(
            Method::POST,
            "/com/customers/{id}",
            edit,
            "Update customer",
            post(update),
        ),
        Endpoint::page(
            Method::GET,
            "/com/customers/{id}/edit",
            edit,
            "Edit customer",
            get(edit_form),
        ),
        Endpoint::page(
            Method::POST,
            "/com/customers/{id}/test",
            view,
            "Test connection",
            post(test_connection),
        ),
        Endpoint::page(
            Method::GET,
            "/com/providers",
            view,
            "Distributors and resellers",
            get(providers),
        ),
        Endpoint::page(
            Method::POST,
            "/com/providers/distributors",
            Capability::ServerSettings,
            "Add distributor",
            post(add_distributor),
        ),
        Endpoint::page(
            Method::POST,
            "/com/providers/resellers",
            Capability::ServerSettings,
            "Add reseller",
            post(add_reseller),
        ),
        Endpoint::page(
            Method::POST,
            "/com/providers/distributors/{id}/delete",
            Capability::ServerSettings,
            "Delete distributor",
            post(delete_distributor),
        ),
        Endpoint::page(
            Method::POST,
            "/com/providers/resellers/{id}/delete",
            Capability::ServerSettings,
            "Delete reseller",
            post(delete_reseller),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cus_6_list_state_round_trips_api_names_and_cycles_sort() {
        let st = ListState::parse(Some(
            "connectivity=RED&tag=gold&version=12.1&hasAlarms=true&status=bogus&sort=name&order=desc&max=10&filter=1",
        ));
        assert_eq!(st.connectivity, "red");
        assert_eq!(st.status, "", "unknown status codes are ignored");
        assert!(st.filter_active());
        let f = st.filter();
        assert_eq!(f.light.as_deref(), Some("red"));
        assert_eq!(f.has_alarms, Some(true));
        assert!(st.sort_link("name").contains("order=asc"));
        let asc = ListState::parse(Some("sort=name&order=asc"));
        assert!(!asc.sort_link("name").contains("sort="));
        assert!(st.sort_link("version").contains("sort=version&order=desc"));
        // Hiding the panel keeps the criteria.
        let hidden = st.toggle_filter_link();
        assert!(hidden.contains("tag=gold") && !hidden.contains("filter=1"));
        assert!(!st.clear_filter_link().contains("tag="));
    }
}
