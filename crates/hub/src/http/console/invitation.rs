//! ONB-1: the page an invitation link opens: the account's owner sets their password once (the
//! password policy applies), then signs in. A used, expired or unknown link gets the same page
//! saying so. No session is needed; the form carries its own CSRF token (a cookie on this path),
//! as the login page does.

use super::forms::{FieldMessages, FormMap};
use super::{render, Ctx};
use crate::error::AppError;
use crate::service::accounts as svc;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use std::net::SocketAddr;

const CSRF_COOKIE: &str = "pb_invite";

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    ctx: Ctx,
    /// The account's login name; empty when the link no longer works.
    login: String,
    csrf: String,
    errors: FieldMessages,
}

/// `?lang=` when given (the login page's language links), else the browser's.
fn lang_of(headers: &HeaderMap, query: Option<&str>) -> &'static str {
    let asked = FormMap::parse(query.unwrap_or("").as_bytes());
    match asked.get("lang") {
        Some(l) => crate::i18n::I18n::language(l),
        None => crate::i18n::I18n::from_accept_language(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or(""),
        ),
    }
}

fn page(
    state: &AppState,
    jar: CookieJar,
    lang: &str,
    login: String,
    errors: FieldMessages,
    status: StatusCode,
) -> Response {
    let ctx = Ctx::anonymous(state, lang, "/com/invitation");
    let token = patchbay_store::crypto::random_token();
    let cookie = Cookie::build((CSRF_COOKIE, token.clone()))
        .path("/com/invitation")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .build();
    let mut r = (
        jar.add(cookie),
        render(&InvitationPage {
            ctx,
            login,
            csrf: token,
            errors,
        }),
    )
        .into_response();
    *r.status_mut() = status;
    r
}

/// The page for a link that no longer works (used, expired, unknown): one answer for all.
fn gone(state: &AppState, jar: CookieJar, lang: &str) -> Response {
    page(
        state,
        jar,
        lang,
        String::new(),
        FieldMessages::default(),
        StatusCode::NOT_FOUND,
    )
}

/// The form again with what was wrong.
fn refused(state: &AppState, jar: CookieJar, lang: &str, login: String, e: &AppError) -> Response {
    let errors = FieldMessages::from_error(e, &state.i18n, lang);
    page(state, jar, lang, login, errors, StatusCode::BAD_REQUEST)
}

pub async fn form(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    Path(token): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let lang = lang_of(&headers, q.as_deref());
    let found = state
        .store
        .invitation(
            &patchbay_store::crypto::token_hash(&token),
            jiff::Timestamp::now(),
        )
        .await?;
    Ok(match found {
        Some((_, login)) => page(
            &state,
            jar,
            lang,
            login,
            FieldMessages::default(),
            StatusCode::OK,
        ),
        None => gone(&state, jar, lang),
    })
}

pub async fn submit(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, AppError> {
    let lang = lang_of(&headers, q.as_deref());
    let form = FormMap::parse(&body);
    let hash = patchbay_store::crypto::token_hash(&token);
    let Some((_, login)) = state
        .store
        .invitation(&hash, jiff::Timestamp::now())
        .await?
    else {
        return Ok(gone(&state, jar, lang));
    };
    let cookie = jar.get(CSRF_COOKIE).map(|c| c.value().to_string());
    if cookie.is_none() || cookie.as_deref() != form.get("csrf") {
        let mut errors = FieldMessages::default();
        errors
            .general
            .push(state.i18n.t(lang, "login-form-expired"));
        return Ok(page(
            &state,
            jar,
            lang,
            login,
            errors,
            StatusCode::BAD_REQUEST,
        ));
    }
    let password = form.text("newPassword");
    if form.text("confirmPassword") != password {
        let e = AppError::field("confirmPassword", patchbay_domain::Rule::PasswordMismatch);
        return Ok(refused(&state, jar, lang, login, &e));
    }
    match svc::accept_invitation(&state, &token, &password, &addr.ip().to_string()).await {
        Ok(true) => Ok(Redirect::to("/com/login?changed=1").into_response()),
        Ok(false) => Ok(gone(&state, jar, lang)),
        Err(e @ AppError::Validation(_)) => Ok(refused(&state, jar, lang, login, &e)),
        Err(e) => Err(e),
    }
}
