//! Login (OPR-3, OPR-4), logout (OPR-6), first-login terms and forced password change.

use super::forms::{FieldMessages, FormMap};
use super::{render, session_cookie, Ctx, SESSION_COOKIE};
use crate::auth::Caller;
use crate::error::AppError;
use crate::service::login::{login, LoginRefusal};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;
use std::net::SocketAddr;

const LOGIN_CSRF_COOKIE: &str = "pb_login";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    login_csrf: String,
    login: String,
    error: String,
    info: String,
    banner_title: String,
    banner_html: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct LoginQuery {
    lang: Option<String>,
    changed: Option<String>,
    expired: Option<String>,
    disabled: Option<String>,
}

async fn login_page(
    state: &AppState,
    jar: CookieJar,
    lang: &str,
    login: String,
    error: String,
    info: String,
) -> Response {
    let ctx = Ctx::anonymous(state, lang, "/com/login");
    let prefs = state.preferences();
    let (banner_title, banner_html) = if prefs.security_banner.enabled {
        (
            prefs.security_banner.title.clone(),
            // Stored sanitised; sanitised again on the way out in case the store was edited by hand.
            patchbay_domain::preferences::sanitise_banner(&prefs.security_banner.description),
        )
    } else {
        (String::new(), String::new())
    };
    let token = patchbay_store::crypto::random_token();
    let cookie = Cookie::build((LOGIN_CSRF_COOKIE, token.clone()))
        .path("/com/login")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .build();
    let page = LoginPage {
        ctx,
        login_csrf: token,
        login,
        error,
        info,
        banner_title,
        banner_html,
    };
    (jar.add(cookie), render(&page)).into_response()
}

pub async fn page(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    // The language picked on this page, else the browser's (UI-1, OPR-4).
    let lang = match q.lang.as_deref() {
        Some(l) => crate::i18n::I18n::language(l),
        None => crate::i18n::I18n::from_accept_language(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or(""),
        ),
    };
    let ctx_lang = lang;
    let info_id = if q.changed.is_some() {
        "login-password-changed"
    } else if q.expired.is_some() {
        "login-session-expired"
    } else if q.disabled.is_some() {
        "login-account-disabled"
    } else {
        ""
    };
    let info = if info_id.is_empty() {
        String::new()
    } else {
        state.i18n.t(ctx_lang, info_id)
    };
    login_page(&state, jar, lang, String::new(), String::new(), info).await
}

pub async fn submit(
    State(state): State<AppState>,
    jar: CookieJar,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let lang = crate::i18n::I18n::language(form.get("language").unwrap_or("en"));
    let login_name = form.text("login");
    let cookie_token = jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_string());
    if cookie_token.is_none() || cookie_token.as_deref() != form.get("csrf") {
        let msg = state.i18n.t(lang, "login-form-expired");
        return Ok(login_page(&state, jar, lang, login_name, msg, String::new()).await);
    }
    let source = addr.ip().to_string();
    let result = login(&state, &login_name, &form.text("password"), lang, &source).await?;
    match result {
        Ok(ok) => {
            // A Customer administrator lands on the calling pages (RBAC-5).
            let to = match state.store.session(&ok.session_token).await? {
                Some((_, account)) => super::landing(&account.principal()),
                None => "/com/dashboard",
            };
            let jar = jar
                .remove(Cookie::build(LOGIN_CSRF_COOKIE).path("/com/login"))
                .add(session_cookie(ok.session_token));
            Ok((jar, Redirect::to(to)).into_response())
        }
        Err(refusal) => {
            let msg = match refusal {
                LoginRefusal::InvalidCredentials => state.i18n.t(lang, "login-invalid"),
                LoginRefusal::Disabled => state.i18n.t(lang, "login-disabled"),
                LoginRefusal::Expired => state.i18n.t(lang, "login-expired"),
                LoginRefusal::Blocked { retry_after_secs } => state.i18n.t_args(
                    lang,
                    "login-blocked",
                    &[("minutes", retry_after_secs.div_ceil(60).to_string())],
                ),
            };
            let mut resp = login_page(&state, jar, lang, login_name, msg, String::new()).await;
            if let LoginRefusal::Blocked { retry_after_secs } = refusal {
                *resp.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
                if let Ok(v) = retry_after_secs.to_string().parse() {
                    resp.headers_mut()
                        .insert(axum::http::header::RETRY_AFTER, v);
                }
            }
            Ok(resp)
        }
    }
}

/// OPR-6: logout from the user menu.
pub async fn logout(
    State(state): State<AppState>,
    caller: Caller,
    jar: CookieJar,
) -> Result<Response, AppError> {
    if let Some(s) = &caller.session {
        state
            .store
            .close_session(&caller.meta(), &s.id_hash, "logout")
            .await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/com"));
    Ok((jar, Redirect::to("/com/login")).into_response())
}

#[derive(Template)]
#[template(path = "terms.html")]
struct TermsPage {
    ctx: Ctx,
}

pub async fn terms(State(state): State<AppState>, caller: Caller) -> Response {
    if caller.account.terms_accepted {
        return Redirect::to(super::landing(&caller.principal)).into_response();
    }
    render(&TermsPage {
        ctx: Ctx::new(&state, &caller, "/com/terms"),
    })
}

pub async fn accept_terms(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, AppError> {
    state
        .store
        .accept_terms(&caller.meta(), caller.account.id)
        .await?;
    Ok(Redirect::to(super::landing(&caller.principal)).into_response())
}

#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub ctx: Ctx,
    pub forced: bool,
    pub errors: FieldMessages,
}

pub async fn password(State(state): State<AppState>, caller: Caller) -> Response {
    render(&PasswordPage {
        forced: caller.account.fields.force_password_change,
        ctx: Ctx::new(&state, &caller, "/com/password"),
        errors: FieldMessages::default(),
    })
}

/// OPR-6: old + new + confirm; success ends the session and asks for a new login.
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    jar: CookieJar,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let result = crate::service::accounts::change_own_password(
        &state,
        &caller,
        &form.text("oldPassword"),
        &form.text("newPassword"),
        Some(&form.text("confirmPassword")),
    )
    .await;
    match result {
        Ok(()) => {
            let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/com"));
            Ok((jar, Redirect::to("/com/login?changed=1")).into_response())
        }
        Err(
            e @ (AppError::Validation(_) | AppError::Conflict(..) | AppError::RateLimited { .. }),
        ) => {
            // OPR-3: wrong current passwords count toward the login's lockout.
            let ctx = Ctx::new(&state, &caller, "/com/password");
            let errors = FieldMessages::from_error(&e, &state.i18n, ctx.lang);
            let mut resp = render(&PasswordPage {
                forced: caller.account.fields.force_password_change,
                ctx,
                errors,
            });
            *resp.status_mut() = match e {
                AppError::RateLimited { .. } => axum::http::StatusCode::TOO_MANY_REQUESTS,
                _ => axum::http::StatusCode::BAD_REQUEST,
            };
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}
