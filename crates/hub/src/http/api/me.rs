//! `/v1/me`: one's own profile, password change (OPR-6) and avatar (OPR-7).

use super::accounts::AccountJson;
use super::JsonBody;
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::{schema_of, Endpoint};
use crate::service::accounts as svc;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Json;
use patchbay_domain::Capability;
use serde::Deserialize;

async fn show(caller: Caller) -> Json<AccountJson> {
    Json(caller.account.into())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordChange {
    pub old_password: String,
    pub new_password: String,
}

/// Changing one's password ends every session of the account (OPR-6); API tokens stay valid.
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<PasswordChange>,
) -> ApiResult<StatusCode> {
    svc::change_own_password(
        &state,
        &caller,
        &body.old_password,
        &body.new_password,
        None,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn avatar(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let Some((content_type, bytes)) = state.store.avatar(caller.account.id).await? else {
        return Err(AppError::NotFound);
    };
    Ok(([(header::CONTENT_TYPE, content_type)], bytes).into_response())
}

/// The body is the image itself (PNG, JPEG or GIF, at most 256 KiB).
async fn set_avatar(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<StatusCode> {
    svc::set_avatar(&state, &caller, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn endpoints() -> Vec<Endpoint> {
    let cap = Capability::OwnProfile;
    vec![
        Endpoint::new(Method::GET, "/v1/me", cap, "Your own account", get(show))
            .response(schema_of::<AccountJson>),
        Endpoint::new(
            Method::PUT,
            "/v1/me/password",
            cap,
            "Change your password",
            put(change_password),
        )
        .request(schema_of::<PasswordChange>),
        Endpoint::new(
            Method::GET,
            "/v1/me/avatar",
            cap,
            "Your avatar image",
            get(avatar),
        ),
        Endpoint::new(
            Method::PUT,
            "/v1/me/avatar",
            cap,
            "Upload your avatar (PNG, JPEG or GIF, ≤ 256 KiB)",
            put(set_avatar),
        ),
    ]
}
