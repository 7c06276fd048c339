//! `/v1/operations/preferences` (PRF-1 … PRF-11), Administrator only. `PUT` changes the fields it
//! names and keeps the others.

use super::schema::{int, one_of, text};
use super::JsonBody;
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::Endpoint;
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use axum::Json;
use patchbay_domain::preferences::{
    LogLevel, Preferences, SecurityBanner, SecurityLevel, BANNER_TEXT_MAX, BANNER_TITLE_MAX,
    LOG_RETENTION_MAX, PASSWORD_HISTORY_MAX, SYSTEM_NAME_MAX,
};
use patchbay_domain::Capability;
use serde::{Deserialize, Serialize};

crate::schema_fn! {
    timeout_schema => {
        let mut o = int(5, 30);
        o.multiple_of = Some(5.0.into());
        o
    };
    history_schema => int(0, PASSWORD_HISTORY_MAX);
    retention_schema => int(1, LOG_RETENTION_MAX);
    system_name_schema => text(SYSTEM_NAME_MAX);
    banner_title_schema => text(BANNER_TITLE_MAX);
    banner_text_schema => text(BANNER_TEXT_MAX);
    security_level_schema => one_of(["unrestricted", "medium", "high"]);
    log_level_schema => one_of(["ERROR", "INFO", "DEBUG"]);
}

/// PRF-6: the banner shown on the login page.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = SecurityBanner)]
pub struct BannerJson {
    pub enabled: bool,
    #[schema(schema_with = banner_title_schema)]
    pub title: String,
    /// Basic HTML (headings, paragraphs, bold, italic, underline, line breaks); anything else is
    /// removed.
    #[schema(schema_with = banner_text_schema)]
    pub description: String,
}

/// The server preferences.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Preferences)]
pub struct PreferencesJson {
    /// PRF-1: default idle timeout, minutes.
    #[schema(schema_with = timeout_schema)]
    pub session_timeout_minutes: i64,
    /// PRF-2: previous passwords that may not be reused.
    #[schema(schema_with = history_schema)]
    pub password_history_count: i64,
    /// PRF-3: certificate checks.
    #[schema(schema_with = security_level_schema)]
    pub security_level: SecurityLevel,
    /// PRF-4: days diagnostic logs are kept.
    #[schema(schema_with = retention_schema)]
    pub log_retention_days: i64,
    /// PRF-5: shown under the menu bar when set.
    #[schema(schema_with = system_name_schema)]
    pub system_name: String,
    pub security_banner: BannerJson,
    /// PRF-7: effective immediately.
    #[schema(schema_with = log_level_schema)]
    pub log_level: LogLevel,
    /// PRF-8.
    pub client_logging: bool,
    /// PRF-9.
    pub allow_downgrades: bool,
    /// PRF-11.
    pub allow_customer_id_change: bool,
    /// Days ended remote-support sessions are kept (RMT-8).
    #[schema(schema_with = retention_schema)]
    pub session_retention_days: i64,
}

impl From<Preferences> for PreferencesJson {
    fn from(p: Preferences) -> Self {
        Self {
            session_timeout_minutes: p.session_timeout_minutes,
            password_history_count: p.password_history_count,
            security_level: p.security_level,
            log_retention_days: p.log_retention_days,
            system_name: p.system_name,
            security_banner: BannerJson {
                enabled: p.security_banner.enabled,
                title: p.security_banner.title,
                description: p.security_banner.description,
            },
            log_level: p.log_level,
            client_logging: p.client_logging,
            allow_downgrades: p.allow_downgrades,
            allow_customer_id_change: p.allow_customer_id_change,
            session_retention_days: p.session_retention_days,
        }
    }
}

/// The preferences to change; absent fields keep their value.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = PreferencesUpdate)]
pub struct PreferencesBody {
    #[schema(schema_with = timeout_schema)]
    pub session_timeout_minutes: Option<i64>,
    #[schema(schema_with = history_schema)]
    pub password_history_count: Option<i64>,
    #[schema(schema_with = security_level_schema)]
    pub security_level: Option<SecurityLevel>,
    #[schema(schema_with = retention_schema)]
    pub log_retention_days: Option<i64>,
    #[schema(schema_with = system_name_schema)]
    pub system_name: Option<String>,
    pub security_banner: Option<BannerJson>,
    #[schema(schema_with = log_level_schema)]
    pub log_level: Option<LogLevel>,
    pub client_logging: Option<bool>,
    pub allow_downgrades: Option<bool>,
    pub allow_customer_id_change: Option<bool>,
    #[schema(schema_with = retention_schema)]
    pub session_retention_days: Option<i64>,
}

impl PreferencesBody {
    fn apply(self, p: Preferences) -> Preferences {
        Preferences {
            session_timeout_minutes: self
                .session_timeout_minutes
                .unwrap_or(p.session_timeout_minutes),
            password_history_count: self
                .password_history_count
                .unwrap_or(p.password_history_count),
            security_level: self.security_level.unwrap_or(p.security_level),
            log_retention_days: self.log_retention_days.unwrap_or(p.log_retention_days),
            system_name: self.system_name.unwrap_or(p.system_name),
            security_banner: self
                .security_banner
                .map(|b| SecurityBanner {
                    enabled: b.enabled,
                    title: b.title,
                    description: b.description,
                })
                .unwrap_or(p.security_banner),
            log_level: self.log_level.unwrap_or(p.log_level),
            client_logging: self.client_logging.unwrap_or(p.client_logging),
            allow_downgrades: self.allow_downgrades.unwrap_or(p.allow_downgrades),
            allow_customer_id_change: self
                .allow_customer_id_change
                .unwrap_or(p.allow_customer_id_change),
            session_retention_days: self
                .session_retention_days
                .unwrap_or(p.session_retention_days),
        }
    }
}

async fn show(State(state): State<AppState>) -> ApiResult<Json<PreferencesJson>> {
    Ok(Json(state.store.preferences().await?.into()))
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
    state.use_preferences(prefs.clone());
    state.mirror_outbound().await;
    Ok(prefs)
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<PreferencesBody>,
) -> ApiResult<Json<PreferencesJson>> {
    let current = state.store.preferences().await?;
    Ok(Json(
        save(&state, &caller, body.apply(current)).await?.into(),
    ))
}

pub fn endpoints() -> Vec<Endpoint> {
    const P: &str = "/v1/operations/preferences";
    vec![
        Endpoint::new(
            Method::GET,
            P,
            Capability::ServerSettings,
            "Get the server preferences",
            show,
        ),
        Endpoint::new(
            Method::PUT,
            P,
            Capability::ServerSettings,
            "Change server preferences (absent fields keep their value)",
            update,
        ),
    ]
}
