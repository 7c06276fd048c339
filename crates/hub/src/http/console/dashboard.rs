//! Console pages: the dashboard (DSH-1). Being extended with charts.

use super::{render, Ctx};
use crate::auth::Caller;
use crate::http::catalog::Endpoint;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use axum::routing::get;
use patchbay_domain::Capability;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
}

async fn dashboard(State(state): State<AppState>, caller: Caller) -> Response {
    render(&DashboardPage {
        ctx: Ctx::for_caller(&state, &caller, "/com/dashboard").await,
    })
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        Method::GET,
        "/com/dashboard",
        Capability::ViewOperations,
        "Dashboard",
        get(dashboard),
    )]
}
