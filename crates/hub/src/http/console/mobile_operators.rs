//! Console: the hub's mobile operators (MOB-1), for Administrators — the list, a new operator
//! and a new token for one, each token shown once with how the operator's system uses it.

use super::forms::{FieldMessages, FormMap};
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::service::calling::operators as svc;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use patchbay_domain::Capability;

pub const PATH: &str = "/com/mobile-operators";

#[derive(Template)]
#[template(path = "mobile_operators.html")]
struct OperatorsPage {
    ctx: Ctx,
    /// (id, name, created, created ISO, token action)
    operators: Vec<(String, String, String, String, String)>,
    name: String,
    errors: FieldMessages,
    /// (operator name, token) just made: shown this once.
    token: Option<(String, String)>,
    api_url: String,
}

async fn page_with(
    state: &AppState,
    ctx: Ctx,
    name: String,
    errors: FieldMessages,
    token: Option<(String, String)>,
) -> Result<Response, AppError> {
    let operators = state
        .store
        .mobile_operators()
        .await?
        .into_iter()
        .map(|o| {
            (
                o.id.to_string(),
                o.name,
                ctx.datetime(o.created_at),
                o.created_at.to_string(),
                format!("{PATH}/{}/token", o.id),
            )
        })
        .collect();
    let status = if errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut r = render(&OperatorsPage {
        api_url: format!(
            "https://{}/v1/mobileOperator/authorizations",
            state.config.public_address()
        ),
        operators,
        name,
        errors,
        token,
        ctx,
    });
    *r.status_mut() = status;
    Ok(r)
}

async fn page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    page_with(&state, ctx, String::new(), FieldMessages::default(), None).await
}

async fn add(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let name = FormMap::parse(&body).text("name");
    match svc::create_operator(&state, &caller, &name).await {
        Ok((op, token)) => {
            page_with(
                &state,
                ctx,
                String::new(),
                FieldMessages::default(),
                Some((op.name, token)),
            )
            .await
        }
        Err(e @ AppError::Validation(_)) => {
            let errors = FieldMessages::from_error(&e, &ctx.i18n, ctx.lang);
            page_with(&state, ctx, name, errors, None).await
        }
        Err(e) => Err(e),
    }
}

async fn rotate(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let op = state.store.mobile_operator(id).await?;
    let token = svc::rotate_token(&state, &caller, id).await?;
    page_with(
        &state,
        ctx,
        String::new(),
        FieldMessages::default(),
        Some((op.name, token)),
    )
    .await
}

pub fn endpoints() -> Vec<Endpoint> {
    let cap = Capability::ServerSettings;
    vec![
        Endpoint::page(Method::GET, PATH, cap, "Mobile operators", get(page)),
        Endpoint::page(Method::POST, PATH, cap, "Mobile operators", post(add)),
        Endpoint::page(
            Method::POST,
            "/com/mobile-operators/{id}/token",
            cap,
            "Mobile operator token",
            post(rotate),
        ),
    ]
}
