//! HTTP: the API (`/v1`), the console (`/com`), health endpoints, and the layers every request
//! passes: security headers, error localisation, failure auditing.

pub mod api;
pub mod catalog;
pub mod console;
pub mod files;
pub mod filters;
pub mod gateway;
pub mod list;
pub mod metrics;
pub mod openapi;
pub mod phoneserver;
pub mod tus;

use crate::auth::{self, AuditSlot};
use crate::error::{body_for, AppError, ErrorMark};
use crate::i18n::I18n;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use patchbay_store::audit::AuditEntry;

/// Largest request body accepted (413 beyond).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// Longest request target (path and query) accepted (414 beyond).
pub const URI_LIMIT: usize = 8 * 1024;

pub fn router(state: AppState) -> Router {
    let (open, guarded): (Vec<_>, Vec<_>) = api::endpoints()
        .into_iter()
        .partition(|e| e.public || e.operator);
    let api = catalog::build(guarded)
        .route_layer(from_fn_with_state(state.clone(), auth::api_auth))
        .merge(catalog::build(open))
        .route("/v1/openapi.json", get(openapi::serve));
    Router::new()
        .route("/", get(|| async { Redirect::to("/com") }))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics::serve))
        .route(patchbay_proto::AGENT_PATH, get(gateway::upgrade))
        .route(
            patchbay_proto::TUNNEL_PATH,
            get(crate::proxy::tunnel::dial_back),
        )
        .route(
            files::PATH,
            axum::routing::put(files::upload)
                .get(files::download)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .merge(api)
        .merge(console::router(state.clone()))
        .route_layer(from_fn_with_state(state.clone(), metrics::timed))
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn(request_limits))
        .layer(from_fn(tus::tus_layer))
        .layer(from_fn(webex_errors))
        .layer(from_fn_with_state(state.clone(), audit_failures))
        .layer(from_fn_with_state(state.clone(), localise_errors))
        .layer(from_fn(security_headers))
        .with_state(state)
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => AppError::Internal(format!("database: {e}")).into_response(),
    }
}

async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/com") {
        console::not_found_page(req).await
    } else {
        AppError::NotFound.into_response()
    }
}

/// How much of an over-long body is read and dropped before answering 413, so that the client,
/// still sending, gets the answer (an HTTP/2 stream reset mid-upload loses it); and for how long.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(10);

/// Limits checked before routing: a request target over [`URI_LIMIT`] is 414, a declared body
/// length over [`BODY_LIMIT`] is 413 (Webex bodies). Bodies without a declared length meet the
/// same limit where they are read.
async fn request_limits(req: Request, next: Next) -> Response {
    let len = req
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().len())
        .unwrap_or(0);
    if len > URI_LIMIT {
        return AppError::UriTooLong.into_response();
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // Files between agents and the hub stream through whatever their size (files.rs).
    let path = req.uri().path();
    let streamed = path == files::PATH
        || tus::streams_body(path)
        || path == console::repository::PLAIN_UPLOAD
        // Customization files: up to 10 MB, read with that limit (CST-2).
        || (path.starts_with(api::customization::FOLDERS) && req.method() == Method::PUT)
        || console::customization::is_upload(path)
        // Phone-file archives: spooled to disk, up to 4 GiB (VNT-1, WPL-1).
        || api::phonefiles::is_upload(path)
        // WGO-4 bulk files: up to 32 MiB, read with that limit.
        || (api::webex::mobile_bulk::is_upload(path) && req.method() == Method::POST)
        || console::calling::mobile_bulk::is_upload(path)
        || console::phonefiles::is_upload(path);
    if !streamed && declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        let body = req.into_body();
        let _ = tokio::time::timeout(DRAIN_TIME, axum::body::to_bytes(body, DRAIN_LIMIT)).await;
        return AppError::TooLarge.into_response();
    }
    next.run(req).await
}

/// Every error outside the console has the Webex body, whoever produced it: the responses axum and
/// its layers make themselves (405 from the method router, 413 from the body limit, 400 from a
/// rejected extractor …) are re-made from the matching [`AppError`].
async fn webex_errors(req: Request, next: Next) -> Response {
    let console = req.uri().path().starts_with("/com");
    let resp = next.run(req).await;
    let status = resp.status();
    if console
        || !(status.is_client_error() || status.is_server_error())
        || resp.extensions().get::<ErrorMark>().is_some()
    {
        return resp;
    }
    let err = match status.as_u16() {
        401 => AppError::Unauthorized,
        403 => AppError::Forbidden,
        404 => AppError::NotFound,
        405 => AppError::MethodNotAllowed,
        413 => AppError::TooLarge,
        414 => AppError::UriTooLong,
        s if s < 500 => {
            let body = axum::body::to_bytes(resp.into_body(), 4096)
                .await
                .unwrap_or_default();
            let text = String::from_utf8_lossy(&body).trim().to_string();
            let mut replaced = AppError::Malformed(if text.is_empty() {
                format!("HTTP {s}")
            } else {
                text
            })
            .into_response();
            *replaced.status_mut() = status;
            return replaced;
        }
        _ => AppError::Internal(format!("HTTP {status} without a body")),
    };
    let allow = resp.headers().get(header::ALLOW).cloned();
    let mut replaced = err.into_response();
    if let Some(allow) = allow {
        replaced.headers_mut().insert(header::ALLOW, allow);
    }
    replaced
}

/// Re-render Webex error bodies in the caller's language (Accept-Language; English default).
async fn localise_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(I18n::from_accept_language)
        .unwrap_or("en");
    let resp = next.run(req).await;
    if lang == "en" {
        return resp;
    }
    let Some(ErrorMark(err, tracking)) = resp.extensions().get::<ErrorMark>().cloned() else {
        return resp;
    };
    let body = body_for(&err, tracking, &|e| state.i18n.error_texts(lang, e));
    let (mut parts, _) = resp.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let json = serde_json::to_vec(&body).unwrap_or_default();
    Response::from_parts(parts, axum::body::Body::from(json))
}

/// Every state-changing request that fails or is refused leaves an audit record (successful ones
/// are recorded inside their own transaction by the store).
async fn audit_failures(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let changes = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut path = req.uri().path().to_string();
    // ONB-1: an invitation's path is its secret; the record names the page, not the link.
    if path.starts_with("/com/invitation/") {
        path = "/com/invitation/…".into();
    }
    let slot = AuditSlot::default();
    req.extensions_mut().insert(slot.clone());
    let source = auth::source_of(req.extensions());
    let resp = next.run(req).await;
    let status = resp.status();
    // Login attempts audit themselves; a source held back from activation codes (WGO-5) is not
    // recorded for each refused try (a flood must not fill the audit log).
    let held_back = status == axum::http::StatusCode::TOO_MANY_REQUESTS && path == "/v1/activation";
    if changes
        && (status.is_client_error() || status.is_server_error())
        && path != "/com/login"
        && !held_back
    {
        let meta = slot.get().unwrap_or(patchbay_store::AuditMeta {
            actor_id: None,
            actor_login: String::new(),
            source,
        });
        let outcome = match status.as_u16() {
            401 | 403 => "denied",
            _ => "failure",
        };
        let detail = resp
            .extensions()
            .get::<ErrorMark>()
            .map(|ErrorMark(e, t)| format!("{} {} ({t})", status.as_u16(), e.kind()))
            .unwrap_or_else(|| status.as_u16().to_string());
        let entry = AuditEntry {
            action: "request",
            target_type: "path",
            target_id: format!("{method} {path}"),
            outcome,
            detail,
            ..Default::default()
        };
        if let Err(e) = state.store.audit(&meta, entry).await {
            tracing::error!(error = %e, "cannot write audit record");
        }
    }
    resp
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    ));
    resp
}
