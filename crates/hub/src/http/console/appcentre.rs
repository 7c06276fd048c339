//! Console: Application centre (APC-1), for Administrators — each of Patchbay's components with
//! its health measured now, its version and instances, every hub node, and the hub's own alarms.

use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::service::appcentre::{self as svc, ComponentStatus};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use axum::routing::get;
use patchbay_domain::health::Health;
use patchbay_domain::Capability;

pub const PATH: &str = "/com/appcentre";

struct ComponentRow {
    code: &'static str,
    name: String,
    health_code: &'static str,
    health: String,
    mark: &'static str,
    class: &'static str,
    version: String,
    instances: i64,
    facts: Vec<(String, String)>,
}

struct NodeRow {
    id: String,
    this_node: bool,
    version: String,
    started: String,
    uptime: String,
    heartbeat: String,
    agents: i64,
    tunnels: i64,
    silent: bool,
}

struct AlarmRow {
    component: String,
    component_name: String,
    severity: String,
    description: String,
    since: String,
    last: String,
    ongoing: bool,
}

#[derive(Template)]
#[template(path = "appcentre.html")]
struct AppCentrePage {
    ctx: Ctx,
    measured_at: String,
    components: Vec<ComponentRow>,
    nodes: Vec<NodeRow>,
    alarms: Vec<AlarmRow>,
}

fn when(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn component_row(ctx: &Ctx, c: ComponentStatus) -> ComponentRow {
    let (mark, class) = match c.health {
        Health::Ok => ("✓", "info"),
        Health::Degraded => ("!", "warn"),
        Health::Unhealthy => ("✗", "error"),
    };
    ComponentRow {
        code: c.component.code(),
        name: ctx.t(&format!("apc-component-{}", c.component.code())),
        health_code: c.health.code(),
        health: ctx.t(&format!("apc-health-{}", c.health.code())),
        mark,
        class,
        version: c.version,
        instances: c.instances,
        facts: c
            .facts
            .into_iter()
            .map(|(label, value)| (ctx.t(label), value))
            .collect(),
    }
}

async fn page(State(state): State<AppState>, caller: Caller) -> Result<Response, AppError> {
    caller.require(Capability::ServerSettings)?;
    let ctx = Ctx::new(&state, &caller, PATH);
    let o = svc::measure(&state).await;
    let now = jiff::Timestamp::now();
    let components = o
        .components
        .into_iter()
        .map(|c| component_row(&ctx, c))
        .collect();
    let nodes = o
        .nodes
        .into_iter()
        .map(|n| NodeRow {
            uptime: patchbay_domain::system::human_duration(
                now.duration_since(n.facts.started_at).as_secs(),
            ),
            started: when(n.facts.started_at),
            heartbeat: when(n.facts.heartbeat_at),
            id: n.facts.id,
            this_node: n.this_node,
            version: n.facts.version,
            agents: n.facts.agents,
            tunnels: n.facts.tunnels,
            silent: n.silent,
        })
        .collect();
    let alarms = o
        .alarms
        .into_iter()
        .map(|a| AlarmRow {
            component_name: ctx.t(&format!("apc-component-{}", a.component)),
            severity: ctx.t(&format!("apc-severity-{}", a.severity)),
            since: when(a.first_at),
            last: when(a.last_at),
            component: a.component,
            description: a.description,
            ongoing: a.ongoing,
        })
        .collect();
    Ok(render(&AppCentrePage {
        ctx,
        measured_at: when(now),
        components,
        nodes,
        alarms,
    }))
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::page(
        Method::GET,
        PATH,
        Capability::ServerSettings,
        "Application centre",
        get(page),
    )]
}
