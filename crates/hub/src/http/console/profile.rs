//! Profile (OPR-7): own settings summary, password change, avatar.

use super::forms::FieldMessages;
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::Capability;

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    ctx: Ctx,
    login: String,
    name: String,
    role: String,
    email: String,
    phone: String,
    mobile: String,
    labels: String,
    timeout: String,
    expires: String,
    has_avatar: bool,
    errors: FieldMessages,
    pw_errors: FieldMessages,
}

async fn page_with(
    state: &AppState,
    caller: &Caller,
    errors: FieldMessages,
) -> Result<ProfilePage, AppError> {
    let ctx = Ctx::new(state, caller, "/com/profile");
    let f = &caller.account.fields;
    let default_timeout = state.preferences().session_timeout_minutes;
    Ok(ProfilePage {
        login: f.login_name.clone(),
        name: caller.account.display_name(),
        role: ctx.role_name(f.role.as_str()),
        email: f.email.clone(),
        phone: f.phone_number.clone(),
        mobile: f.mobile.clone(),
        labels: f.labels.join(", "),
        timeout: f
            .session_timeout_minutes
            .unwrap_or(default_timeout)
            .to_string(),
        expires: f
            .expires_on
            .map(|d| ctx.date(d))
            .unwrap_or_else(|| ctx.t("never")),
        has_avatar: state.store.avatar(caller.account.id).await?.is_some(),
        ctx,
        errors,
        pw_errors: FieldMessages::default(),
    })
}

async fn profile(State(state): State<AppState>, caller: Caller) -> Result<Response, AppError> {
    Ok(render(
        &page_with(&state, &caller, FieldMessages::default()).await?,
    ))
}

async fn avatar(State(state): State<AppState>, caller: Caller) -> Result<Response, AppError> {
    let Some((content_type, bytes)) = state.store.avatar(caller.account.id).await? else {
        return Err(AppError::NotFound);
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, no-cache".into()),
        ],
        bytes,
    )
        .into_response())
}

/// Multipart upload; the CSRF token travels in the query string.
async fn upload_avatar(
    State(state): State<AppState>,
    caller: Caller,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let mut bytes = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::Malformed(e.body_text()))?
    {
        if field.name() == Some("avatar") {
            bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::Malformed(e.body_text()))?
                .to_vec();
        }
    }
    match crate::service::accounts::set_avatar(&state, &caller, &bytes).await {
        Ok(()) => Ok(Redirect::to("/com/profile").into_response()),
        Err(e @ AppError::Validation(_)) => {
            let ctx_lang = caller
                .session
                .as_ref()
                .map(|s| s.language.clone())
                .unwrap_or_default();
            let errors =
                FieldMessages::from_error(&e, &state.i18n, crate::i18n::I18n::language(&ctx_lang));
            let mut r = render(&page_with(&state, &caller, errors).await?);
            *r.status_mut() = StatusCode::BAD_REQUEST;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    let cap = Capability::OwnProfile;
    vec![
        Endpoint::page(Method::GET, "/com/profile", cap, "Profile", get(profile)),
        Endpoint::page(
            Method::GET,
            "/com/profile/avatar",
            cap,
            "Avatar image",
            get(avatar),
        ),
        Endpoint::page(
            Method::POST,
            "/com/profile/avatar",
            cap,
            "Upload avatar",
            post(upload_avatar),
        ),
    ]
}
