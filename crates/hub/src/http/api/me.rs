//! `/v1/me`: one's own profile, password change (OPR-6) and avatar (OPR-7).

use super::accounts::AccountJson;
use super::{Image, ImageBody, JsonBody, NoContent};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::Endpoint;
use crate::service::accounts as svc;
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use axum::Json;
use patchbay_domain::Capability;
use serde::Deserialize;

async fn show(caller: Caller) -> ApiResult<Json<AccountJson>> {
    Ok(Json(caller.account.into()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordChange {
    pub old_password: String,
    pub new_password: String,
}

/// Changing one's password ends every session of the account (OPR-6); API tokens stay valid.
/// A wrong `oldPassword` counts toward the login's lockout (OPR-3).
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<PasswordChange>,
) -> ApiResult<NoContent> {
    svc::change_own_password(
        &state,
        &caller,
        &body.old_password,
        &body.new_password,
        None,
    )
    .await?;
    Ok(NoContent)
}

async fn avatar(State(state): State<AppState>, caller: Caller) -> ApiResult<Image> {
    let Some((content_type, bytes)) = state.store.avatar(caller.account.id).await? else {
        return Err(AppError::NotFound);
    };
    Ok(Image {
        content_type,
        bytes,
    })
}

/// The body is the image itself (PNG, JPEG or GIF, at most 256 KiB).
async fn set_avatar(
    State(state): State<AppState>,
    caller: Caller,
    ImageBody(body): ImageBody,
) -> ApiResult<NoContent> {
    svc::set_avatar(&state, &caller, &body).await?;
    Ok(NoContent)
}

pub fn endpoints() -> Vec<Endpoint> {
    let cap = Capability::OwnProfile;
    vec![
        Endpoint::new(Method::GET, "/v1/me", cap, "Your own account", show),
        Endpoint::new(
            Method::PUT,
            "/v1/me/password",
            cap,
            "Change your password (wrong current passwords count toward the lockout)",
            change_password,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/me/avatar",
            cap,
            "Your avatar image",
            avatar,
        ),
        Endpoint::new(
            Method::PUT,
            "/v1/me/avatar",
            cap,
            "Upload your avatar (PNG, JPEG or GIF, ≤ 256 KiB)",
            set_avatar,
        ),
    ]
}
