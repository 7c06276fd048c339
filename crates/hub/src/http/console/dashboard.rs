//! The dashboard (DSH-1): five charts drawn as server-side SVG — customers by connectivity,
//! alarms by severity, alarms by type, tags, software versions — all within the caller's scope.
//! Every segment links to the matching list, pre-filtered; every legend entry toggles its series
//! through the `hide` query parameter (`?hide=severity:minor`), so nothing needs JavaScript.
//!
//! Kiosk screens (OPR-5) keep updating without navigation: the page refreshes itself, and
//! `/com/dashboard/live` (the charts as an HTML fragment) and `/com/dashboard/events`
//! (server-sent events carrying that fragment every 10 s) let a script swap the charts in place.

use super::{render, Ctx, SESSION_COOKIE};
use crate::auth::{account_usable, Caller};
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::state::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, Method};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::cookie::CookieJar;
use patchbay_domain::alarm::{AlarmType, Severity};
use patchbay_domain::Capability;
use patchbay_store::customers::Dashboard;
use std::convert::Infallible;
use std::f64::consts::PI;
use std::time::{Duration, Instant};

const PAGE: &str = "/com/dashboard";
const LIVE: &str = "/com/dashboard/live";
const EVENTS: &str = "/com/dashboard/events";
/// How often the event stream pushes fresh figures.
const LIVE_EVERY: Duration = Duration::from_secs(10);
/// An event stream ends after this long; the browser reconnects through the session checks.
const STREAM_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// Donut geometry (viewBox 0 0 120 120).
const CENTRE: f64 = 60.0;
const OUTER: f64 = 56.0;
const INNER: f64 = 34.0;

/// One series of a chart, with its legend entry.
pub struct Segment {
    pub key: String,
    pub label: String,
    pub count: i64,
    /// The pre-filtered list this series opens.
    pub href: String,
    /// The dashboard with this series toggled.
    pub toggle: String,
    pub toggle_title: String,
    pub open_title: String,
    pub hidden: bool,
    pub class: String,
    /// Donut: the segment's outline.
    pub path: String,
    /// Bars: the bar's length, in percent of the longest visible bar.
    pub bar_pct: String,
}

pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub donut: bool,
    /// Sum of the visible series.
    pub total: i64,
    pub segments: Vec<Segment>,
}

impl Chart {
    pub fn has_data(&self) -> bool {
        !self.segments.is_empty()
    }
    pub fn visible(&self) -> impl Iterator<Item = &Segment> {
        self.segments.iter().filter(|s| !s.hidden)
    }
    pub fn all_hidden(&self) -> bool {
        self.has_data() && self.visible().next().is_none()
    }
}

/// Everything the charts fragment shows.
pub struct View {
    pub customers: i64,
    pub customers_text: String,
    pub charts: Vec<Chart>,
    /// Kiosk sessions only watch: no links, no toggles.
    pub kiosk: bool,
    pub live_url: String,
    pub events_url: String,
    pub updated: String,
    pub updated_iso: String,
}

/// The series a viewer switched off, as `chart:key` entries (in kiosk mode, none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hidden(Vec<String>);

impl Hidden {
    pub fn parse(q: Option<&str>) -> Self {
        let mut v: Vec<String> = url::form_urlencoded::parse(q.unwrap_or("").as_bytes())
            .filter(|(k, _)| k == "hide")
            .map(|(_, v)| v.into_owned())
            .filter(|v| {
                v.split_once(':')
                    .is_some_and(|(c, k)| !c.is_empty() && !k.is_empty())
            })
            .collect();
        v.dedup();
        Self(v)
    }

    fn contains(&self, chart: &str, key: &str) -> bool {
        self.0
            .iter()
            .any(|h| h.split_once(':') == Some((chart, key)))
    }

    fn query(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for h in &self.0 {
            s.append_pair("hide", h);
        }
        format!("?{}", s.finish())
    }

    /// The dashboard link with `chart:key` switched on or off.
    fn toggled(&self, chart: &str, key: &str) -> String {
        let entry = format!("{chart}:{key}");
        let mut next = self.clone();
        if self.contains(chart, key) {
            next.0.retain(|h| h.split_once(':') != Some((chart, key)));
        } else {
            next.0.push(entry);
        }
        format!("{PAGE}{}", next.query())
    }
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn count_of(pairs: &[(String, i64)], key: &str) -> i64 {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, n)| *n)
        .sum()
}

fn polar(r: f64, a: f64) -> (f64, f64) {
    (CENTRE + r * a.cos(), CENTRE + r * a.sin())
}

/// An annulus sector from angle `a0` to `a1` (radians, clockwise), or the whole ring.
fn donut_path(a0: f64, a1: f64) -> String {
    if a1 - a0 >= 2.0 * PI - 1e-9 {
        let (o, i) = (OUTER, INNER);
        return format!(
            "M{:.2} {c:.2}A{o} {o} 0 1 1 {:.2} {c:.2}A{o} {o} 0 1 1 {:.2} {c:.2}Z\
             M{:.2} {c:.2}A{i} {i} 0 1 0 {:.2} {c:.2}A{i} {i} 0 1 0 {:.2} {c:.2}Z",
            CENTRE + o,
            CENTRE - o,
            CENTRE + o,
            CENTRE + i,
            CENTRE - i,
            CENTRE + i,
            c = CENTRE,
        );
    }
    let large = i32::from(a1 - a0 > PI);
    let (x0, y0) = polar(OUTER, a0);
    let (x1, y1) = polar(OUTER, a1);
    let (x2, y2) = polar(INNER, a1);
    let (x3, y3) = polar(INNER, a0);
    format!(
        "M{x0:.2} {y0:.2}A{OUTER} {OUTER} 0 {large} 1 {x1:.2} {y1:.2}L{x2:.2} {y2:.2}A{INNER} {INNER} 0 {large} 0 {x3:.2} {y3:.2}Z"
    )
}

/// A series before layout.
struct Item {
    key: String,
    label: String,
    count: i64,
    href: String,
    class: String,
}

fn chart(
    ctx: &Ctx,
    hidden: &Hidden,
    id: &'static str,
    title_id: &str,
    donut: bool,
    items: Vec<Item>,
) -> Chart {
    let mut segments: Vec<Segment> = items
        .into_iter()
        .filter(|i| i.count > 0)
        .map(|i| Segment {
            hidden: hidden.contains(id, &i.key),
            toggle: hidden.toggled(id, &i.key),
            toggle_title: String::new(),
            open_title: ctx.t1("dashboard-open-list", "series", &i.label),
            key: i.key,
            label: i.label,
            count: i.count,
            href: i.href,
            class: i.class,
            path: String::new(),
            bar_pct: String::new(),
        })
        .collect();
    for s in &mut segments {
        let msg = if s.hidden {
            "dashboard-series-show"
        } else {
            "dashboard-series-hide"
        };
        s.toggle_title = ctx.t1(msg, "series", &s.label);
    }
    let total: i64 = segments.iter().filter(|s| !s.hidden).map(|s| s.count).sum();
    let max = segments
        .iter()
        .filter(|s| !s.hidden)
        .map(|s| s.count)
        .max()
        .unwrap_or(0);
    let mut angle = -PI / 2.0;
    for s in segments.iter_mut().filter(|s| !s.hidden) {
        if donut {
            let sweep = 2.0 * PI * (s.count as f64) / (total as f64);
            s.path = donut_path(angle, angle + sweep);
            angle += sweep;
        } else {
            // A visible sliver even for the smallest count.
            let pct = (100.0 * (s.count as f64) / (max as f64)).max(2.0);
            s.bar_pct = format!("{pct:.1}");
        }
    }
    Chart {
        id,
        title: ctx.t(title_id),
        donut,
        total,
        segments,
    }
}

/// Lay the store's figures out as the five charts.
pub fn build_view(ctx: &Ctx, d: &Dashboard, hidden: &Hidden) -> View {
    let kiosk = ctx.menu.kiosk;
    let none = Hidden::default();
    let hidden = if kiosk { &none } else { hidden };
    let connectivity = ["green", "amber", "red"]
        .into_iter()
        .map(|l| Item {
            key: l.to_string(),
            label: ctx.t(&format!("dashboard-light-{l}")),
            count: count_of(&d.by_light, l),
            href: format!("/com/customers?connectivity={l}"),
            class: format!("light-{l}"),
        })
        .collect();
    let severity = Severity::ALL
        .into_iter()
        .map(|s| Item {
            key: s.as_str().to_string(),
            label: super::alarms::severity_label(ctx, s.as_str()),
            count: count_of(&d.alarms_by_severity, s.as_str()),
            href: format!("/com/alarms?severity={}", s.as_str()),
            class: format!("sev-{}", s.as_str()),
        })
        .collect();
    let types = AlarmType::ALL
        .into_iter()
        .map(|t| Item {
            key: t.as_str().to_string(),
            label: super::alarms::type_label(ctx, t.as_str()),
            count: count_of(&d.alarms_by_type, t.as_str()),
            href: format!("/com/alarms?alarmType={}", t.as_str()),
            class: format!("type-{}", t.as_str()),
        })
        .collect();
    let tags = d
        .tags
        .iter()
        .map(|(t, n)| Item {
            key: t.clone(),
            label: t.clone(),
            count: *n,
            href: format!("/com/customers?tag={}", enc(t)),
            class: "bar".into(),
        })
        .collect();
    let versions = d
        .versions
        .iter()
        .map(|(v, n)| Item {
            key: v.clone(),
            label: v.clone(),
            count: *n,
            href: format!("/com/customers?version={}", enc(v)),
            class: "bar".into(),
        })
        .collect();
    let now = jiff::Zoned::now();
    View {
        customers: d.customers,
        customers_text: ctx.t1("dashboard-customers-total", "count", &ctx.n(&d.customers)),
        charts: vec![
            chart(
                ctx,
                hidden,
                "connectivity",
                "dashboard-chart-connectivity",
                true,
                connectivity,
            ),
            chart(
                ctx,
                hidden,
                "severity",
                "dashboard-chart-severity",
                true,
                severity,
            ),
            chart(ctx, hidden, "type", "dashboard-chart-type", true, types),
            chart(ctx, hidden, "tags", "dashboard-chart-tags", false, tags),
            chart(
                ctx,
                hidden,
                "versions",
                "dashboard-chart-versions",
                false,
                versions,
            ),
        ],
        kiosk,
        live_url: format!("{LIVE}{}", hidden.query()),
        events_url: format!("{EVENTS}{}", hidden.query()),
        updated: ctx.t1(
            "dashboard-updated",
            "time",
            &now.strftime("%H:%M:%S").to_string(),
        ),
        updated_iso: now.timestamp().to_string(),
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    v: View,
    /// CRT-1: the identity certificate's warning, for those who may replace it.
    certificate_warning: String,
    /// APC-1: the hub's ongoing alarms, for those who see the application centre.
    hub_alarms: String,
}

/// Just the charts, for live updates.
#[derive(Template)]
#[template(path = "dashboard_charts.html")]
struct ChartsFragment {
    ctx: Ctx,
    v: View,
}

async fn view(state: &AppState, caller: &Caller, hidden: &Hidden) -> Result<(Ctx, View), AppError> {
    let d = state.store.dashboard(caller.principal.scope()).await?;
    let ctx = Ctx::new(state, caller, PAGE);
    let v = build_view(&ctx, &d, hidden);
    Ok((ctx, v))
}

async fn fragment(state: &AppState, caller: &Caller, hidden: &Hidden) -> Result<String, AppError> {
    let (ctx, v) = view(state, caller, hidden).await?;
    ChartsFragment { ctx, v }
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))
}

async fn dashboard(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let (ctx, v) = view(&state, &caller, &Hidden::parse(q.as_deref())).await?;
    let certificate_warning = match crate::service::certificates::identity_expiry(&state) {
        e if e.warns() && ctx.menu.certificates => ctx.t1(
            "crt-dashboard-warning",
            "state",
            &super::certificates::state_text(&ctx, e),
        ),
        _ => String::new(),
    };
    let hub_alarms = if ctx.menu.app_centre {
        let ongoing = state
            .store
            .hub_alarms()
            .await?
            .iter()
            .filter(|a| a.ongoing)
            .count();
        if ongoing > 0 {
            ctx.t1("apc-dashboard-alarms", "count", &ongoing.to_string())
        } else {
            String::new()
        }
    } else {
        String::new()
    };
    Ok(render(&DashboardPage {
        ctx,
        v,
        certificate_warning,
        hub_alarms,
    }))
}

/// `GET /com/dashboard/live`: the charts as an HTML fragment, for polling (OPR-5).
async fn live(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let (ctx, v) = view(&state, &caller, &Hidden::parse(q.as_deref())).await?;
    Ok(render(&ChartsFragment { ctx, v }))
}

/// The state of one event stream: who watches, and whether they still may.
struct Watch {
    state: AppState,
    token: String,
    source: String,
    hidden: Hidden,
    started: Instant,
    seq: u64,
    first: Option<Event>,
}

impl Watch {
    /// The caller again, as the session middleware would see it now: `None` once the session
    /// ended (logout, disabled account, idle timeout outside kiosk mode) or lost the right.
    async fn caller(&self) -> Option<Caller> {
        let (session, account) = self.state.store.session(&self.token).await.ok()??;
        if !account_usable(&self.state, &account).await.ok()? {
            return None;
        }
        let caller = Caller::new(account, Some(session), self.source.clone());
        let p = &caller.principal;
        if !(p.kiosk_mode && p.role.may_use_kiosk()) {
            let minutes = match caller.account.fields.session_timeout_minutes {
                Some(m) => m,
                None => self.state.preferences().session_timeout_minutes,
            };
            let last_seen = caller.session.as_ref()?.last_seen_at;
            if jiff::Timestamp::now().duration_since(last_seen).as_secs() > minutes * 60 {
                return None;
            }
        }
        caller.can(Capability::ViewOperations).then_some(caller)
    }

    async fn next(mut self) -> Option<(Result<Event, Infallible>, Self)> {
        if let Some(e) = self.first.take() {
            return Some((Ok(e), self));
        }
        tokio::time::sleep(LIVE_EVERY).await;
        if self.started.elapsed() >= STREAM_LIFETIME {
            return None;
        }
        let caller = self.caller().await?;
        let html = fragment(&self.state, &caller, &self.hidden).await.ok()?;
        self.seq += 1;
        let e = Event::default()
            .event("dashboard")
            .id(self.seq.to_string())
            .data(html);
        Some((Ok(e), self))
    }
}

/// `GET /com/dashboard/events`: server-sent events, one `dashboard` event carrying the charts
/// fragment at once and then every 10 s (OPR-5). A client that does not ask for an event stream
/// (`Accept: text/event-stream`) gets the first event only.
async fn events(
    State(state): State<AppState>,
    caller: Caller,
    jar: CookieJar,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let hidden = Hidden::parse(q.as_deref());
    let first = Event::default()
        .event("dashboard")
        .id("0")
        .retry(LIVE_EVERY)
        .data(fragment(&state, &caller, &hidden).await?);
    let streaming = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/event-stream"));
    if !streaming {
        let once = futures_util::stream::once(async move { Ok::<_, Infallible>(first) });
        return Ok(Sse::new(once).into_response());
    }
    let watch = Watch {
        state,
        token: jar
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_string())
            .unwrap_or_default(),
        source: caller.source.clone(),
        hidden,
        started: Instant::now(),
        seq: 0,
        first: Some(first),
    };
    let stream = futures_util::stream::unfold(watch, Watch::next);
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewOperations;
    vec![
        Endpoint::page(Method::GET, PAGE, view, "Dashboard", get(dashboard)),
        Endpoint::page(
            Method::GET,
            LIVE,
            view,
            "Dashboard charts (HTML fragment, for live updates)",
            get(live),
        ),
        Endpoint::page(
            Method::GET,
            EVENTS,
            view,
            "Dashboard charts every 10 s (server-sent events)",
            get(events),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dsh_1_hide_toggles_one_series_and_keeps_the_others() {
        let h = Hidden::parse(Some("hide=severity%3Aminor&hide=bogus&hide=type:trunk"));
        assert!(h.contains("severity", "minor"));
        assert!(!h.contains("severity", "major"));
        assert_eq!(
            h.toggled("severity", "minor"),
            "/com/dashboard?hide=type%3Atrunk"
        );
        assert_eq!(
            Hidden::default().toggled("tags", "a b"),
            "/com/dashboard?hide=tags%3Aa+b"
        );
    }

    #[test]
    fn dsh_1_donut_paths_close() {
        let full = donut_path(-PI / 2.0, 1.5 * PI);
        assert!(full.starts_with("M116.00 60.00A56 56 0 1 1 4.00 60.00"));
        let quarter = donut_path(-PI / 2.0, 0.0);
        assert!(quarter.starts_with("M60.00 4.00A56 56 0 0 1 116.00 60.00L94.00 60.00"));
        assert!(quarter.ends_with('Z'));
    }
}
