//! `/v1/operations/preferences` (PRF-1 … PRF-11), Administrator only.

use super::JsonBody;
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::{schema_of, Endpoint};
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use axum::routing::{get, put};
use axum::Json;
use patchbay_domain::preferences::Preferences;
use patchbay_domain::Capability;

/// The preferences document (same shape for GET and PUT).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
#[schema(as = Preferences)]
pub struct PreferencesDoc {
    session_timeout_minutes: i64,
    password_history_count: i64,
    /// unrestricted | medium | high
    security_level: String,
    log_retention_days: i64,
    system_name: String,
    #[schema(value_type = Object)]
    security_banner: (),
    /// ERROR | INFO | DEBUG
    log_level: String,
    client_logging: bool,
    allow_downgrades: bool,
    allow_customer_id_change: bool,
}

async fn show(State(state): State<AppState>) -> ApiResult<Json<Preferences>> {
    Ok(Json(state.store.preferences().await?))
}

/// Validate, store and apply (the log level changes at once, PRF-7).
pub async fn save(
    state: &AppState,
    caller: &Caller,
    prefs: Preferences,
) -> Result<Preferences, AppError> {
    caller.require(Capability::ServerSettings)?;
    let prefs = prefs.validated().map_err(AppError::Validation)?;
    state.store.set_preferences(&caller.meta(), &prefs).await?;
    (state.log_control)(prefs.log_level);
    Ok(prefs)
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(prefs): JsonBody<Preferences>,
) -> ApiResult<Json<Preferences>> {
    Ok(Json(save(&state, &caller, prefs).await?))
}

pub fn endpoints() -> Vec<Endpoint> {
    const P: &str = "/v1/operations/preferences";
    vec![
        Endpoint::new(
            Method::GET,
            P,
            Capability::ServerSettings,
            "Get the server preferences",
            get(show),
        )
        .response(schema_of::<PreferencesDoc>),
        Endpoint::new(
            Method::PUT,
            P,
            Capability::ServerSettings,
            "Replace the server preferences",
            put(update),
        )
        .request(schema_of::<PreferencesDoc>)
        .response(schema_of::<PreferencesDoc>),
    ]
}
