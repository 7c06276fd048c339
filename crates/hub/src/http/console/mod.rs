//! The web console under `/com` (UI-1): server-rendered askama pages that work without
//! JavaScript. Sessions are cookies (Secure, HttpOnly, SameSite=Strict); every form carries the
//! session's CSRF token. Each page names its capability in the catalog like the API does.

mod accounts;
mod alarms;
mod appcentre;
pub(crate) mod calling;
mod certificates;
mod client_log;
mod ctx;
mod customers;
pub mod customization;
mod dashboard;
mod forms;
mod invitation;
mod jobs;
mod login;
mod mail;
mod mobile_operators;
mod operations;
mod pages;
pub mod phonefiles;
mod profile;
mod refresh;
mod remote;
pub mod repository;
mod upgrade;

pub use ctx::Ctx;

use crate::auth::{account_usable, AuditSlot, Caller};
use crate::error::{AppError, ErrorMark};
use crate::http::catalog::{self, Endpoint};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use patchbay_domain::Capability;

pub const SESSION_COOKIE: &str = "pb_session";

/// Every console page behind login.
pub fn endpoints() -> Vec<Endpoint> {
    let mut all = Vec::new();
    all.extend(pages::endpoints());
    all.extend(accounts::endpoints());
    all.extend(profile::endpoints());
    all.extend(customers::endpoints());
    all.extend(alarms::endpoints());
    all.extend(dashboard::endpoints());
    all.extend(mail::endpoints());
    all.extend(mobile_operators::endpoints());
    all.extend(certificates::endpoints());
    all.extend(appcentre::endpoints());
    all.extend(client_log::endpoints());
    all.extend(jobs::endpoints());
    all.extend(operations::endpoints());
    all.extend(calling::endpoints());
    all.extend(remote::endpoints());
    all.extend(repository::endpoints());
    all.extend(upgrade::endpoints());
    all.extend(refresh::endpoints());
    all.extend(phonefiles::endpoints());
    all.extend(customization::endpoints());
    all
}

pub fn router(state: AppState) -> Router<AppState> {
    // Pages every signed-in account may use, whatever its role: the first-login gates and logout.
    let session_pages = Router::new()
        .route("/com/logout", axum::routing::post(login::logout))
        .route("/com/terms", get(login::terms).post(login::accept_terms))
        .route(
            "/com/password",
            get(login::password).post(login::change_password),
        );
    let private = catalog::build(endpoints())
        .merge(session_pages)
        .route_layer(from_fn_with_state(state.clone(), console_auth))
        .layer(from_fn_with_state(state.clone(), html_errors));
    Router::new()
        .route("/com", get(root))
        .route("/com/login", get(login::page).post(login::submit))
        .route(
            "/com/invitation/{token}",
            get(invitation::form).post(invitation::submit),
        )
        .route("/com/static/app.css", get(pages::css))
        .route("/com/static/app.js", get(pages::js))
        .route("/com/static/upload.js", get(pages::upload_js))
        .route("/com/static/ops.css", get(pages::ops_css))
        .route("/com/remoteproxy/proxy.pac", get(remote::pac))
        .merge(private)
}

pub fn session_cookie(token: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/com")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .build()
}

/// The first page after login (OPR-4): the dashboard, or the calling pages for a Customer
/// administrator, who sees no operations pages (RBAC-5).
pub fn landing(p: &patchbay_domain::Principal) -> &'static str {
    if p.allowed(Capability::ViewOperations) || !p.allowed(Capability::ViewProvisioning) {
        "/com/dashboard"
    } else {
        "/com/calling/devices"
    }
}

/// `/com`: the signed-in account's landing page (the dashboard when not signed in; login follows).
async fn root(State(state): State<AppState>, jar: CookieJar) -> Response {
    let token = jar.get(SESSION_COOKIE).map(|c| c.value().to_string());
    let account = match token {
        Some(t) => state.store.session(&t).await.ok().flatten().map(|(_, a)| a),
        None => None,
    };
    let to = account
        .map(|a| landing(&a.principal()))
        .unwrap_or("/com/dashboard");
    Redirect::to(to).into_response()
}

fn to_login(query: &str) -> Response {
    let jar = CookieJar::new().remove(Cookie::build(SESSION_COOKIE).path("/com"));
    (jar, Redirect::to(&format!("/com/login{query}"))).into_response()
}

/// Pages a session may reach before it has accepted the terms / changed its password, and the
/// only pages a kiosk session may reach (OPR-4, OPR-5).
const GATE_FREE: [&str; 3] = ["/com/terms", "/com/password", "/com/logout"];
const KIOSK_PAGES: [&str; 4] = [
    "/com/dashboard",
    "/com/dashboard/live",
    "/com/dashboard/events",
    "/com/logout",
];

/// Session authentication, idle timeout, first-login gates, kiosk pinning and CSRF.
async fn console_auth(
    State(state): State<AppState>,
    jar: CookieJar,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
        return Ok(to_login(""));
    };
    let Some((session, account)) = state.store.session(&token).await? else {
        return Ok(to_login(""));
    };
    let caller = Caller::new(
        account,
        Some(session.clone()),
        crate::auth::source_of(req.extensions()),
    );
    if !account_usable(&state, &caller.account).await? {
        state
            .store
            .close_session(&caller.meta(), &session.id_hash, "session.end.disabled")
            .await?;
        return Ok(to_login("?disabled=1"));
    }
    let kiosk = caller.principal.kiosk_mode && caller.principal.role.may_use_kiosk();
    let now = jiff::Timestamp::now();
    if !kiosk {
        let minutes = match caller.account.fields.session_timeout_minutes {
            Some(m) => m,
            None => state.preferences().session_timeout_minutes,
        };
        let idle = now.duration_since(session.last_seen_at);
        if idle.as_secs() > minutes * 60 {
            state
                .store
                .close_session(&caller.meta(), &session.id_hash, "session.timeout")
                .await?;
            return Ok(to_login("?expired=1"));
        }
    }
    if now.duration_since(session.last_seen_at).as_secs() >= 10 {
        state.store.touch_session(&session.id_hash).await?;
    }
    let path = req.uri().path().to_string();
    if !caller.account.terms_accepted && !GATE_FREE.contains(&path.as_str()) {
        return Ok(Redirect::to("/com/terms").into_response());
    }
    if caller.account.terms_accepted
        && caller.account.fields.force_password_change
        && !GATE_FREE.contains(&path.as_str())
    {
        return Ok(Redirect::to("/com/password").into_response());
    }
    if kiosk && !KIOSK_PAGES.contains(&path.as_str()) && !GATE_FREE.contains(&path.as_str()) {
        return Ok(Redirect::to("/com/dashboard").into_response());
    }
    let mut req = req;
    // The Web Manager a system serves under the launch path (RMT-5) posts its own forms and
    // requests; the session cookie is SameSite=Strict, so no other site can send them.
    let changes = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if changes && !path.starts_with("/com/launch/") {
        req = forms::check_csrf(req, &session.csrf_token).await?;
    }
    if let Some(slot) = req.extensions().get::<AuditSlot>() {
        slot.set(caller.meta());
    }
    req.extensions_mut().insert(caller);
    Ok(next.run(req).await)
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: Ctx,
    status: u16,
    title: String,
    detail: String,
}

/// Turn API-style errors from console routes into pages (status kept).
async fn html_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let caller = req.extensions().get::<Caller>().cloned();
    let path = req.uri().path().to_string();
    let resp = next.run(req).await;
    let Some(ErrorMark(err, tracking)) = resp.extensions().get::<ErrorMark>().cloned() else {
        return resp;
    };
    let status = resp.status();
    let ctx = match &caller {
        Some(c) => Ctx::new(&state, c, &path),
        None => Ctx::anonymous(&state, "en", &path),
    };
    let (title, details) = state.i18n.error_texts(ctx.lang, &err);
    let mut detail = details.join(" ");
    if matches!(*err, AppError::Internal(_)) {
        detail = format!("{detail} ({tracking})");
    }
    let page = ErrorPage {
        ctx,
        status: status.as_u16(),
        title,
        detail,
    };
    let mut out = render(&page);
    *out.status_mut() = status;
    out.extensions_mut().insert(ErrorMark(err, tracking));
    out
}

pub async fn not_found_page(req: Request) -> Response {
    let _ = req;
    (
        StatusCode::NOT_FOUND,
        Html("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title><link rel=\"stylesheet\" href=\"/com/static/app.css\"></head><body><main class=\"narrow\"><h1>404</h1><p><a href=\"/com/dashboard\">Dashboard</a></p></main></body></html>"),
    )
        .into_response()
}

/// Render a template; a rendering failure is an internal error with a tracking id.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(e) => AppError::Internal(format!("template: {e}")).into_response(),
    }
}

/// For console handlers that need a capability beyond their route's (e.g. object-level checks).
pub fn deny_unless(caller: &Caller, cap: Capability) -> Result<(), AppError> {
    caller.require(cap)
}
