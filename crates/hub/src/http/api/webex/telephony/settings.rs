//! A device's settings (Webex device customizations, API-2): read, replace, and apply.
//! Patchbay keeps them as a client set them and records, with an audit record, when a client
//! asked for them to be applied.

use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::webex::devices::visible_device;
use crate::http::api::webex::OrgQuery;
use crate::http::api::{ApiQuery, JsonBody, NoContent};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use patchbay_domain::Rule;
use serde::{Deserialize, Serialize};

/// The kinds of customization Webex devices take.
const KINDS: [&str; 4] = ["ata", "dect", "mpp", "wifi"];

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceSettingsJson {
    /// `ata`, `dect`, `mpp` and `wifi` objects as they were set (`{}` until then).
    #[schema(value_type = Object)]
    pub customizations: serde_json::Value,
    /// The device uses its own settings rather than its location's.
    pub custom_enabled: bool,
    pub update_in_progress: bool,
    pub device_count: i64,
    /// When the settings last changed, in epoch milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_update_time: Option<i64>,
}

/// `orgId`, and `deviceModel` (the device's model; another one is refused).
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct SettingsQuery {
    pub org_id: Option<String>,
    pub device_model: Option<String>,
}

/// `orgId`, and `model` (the device's model; another one is refused).
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct SettingsUpdateQuery {
    pub org_id: Option<String>,
    pub model: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeviceSettingsBody {
    /// An object of `ata`, `dect`, `mpp`, `wifi` objects; replaces what was set.
    #[schema(value_type = Option<Object>)]
    pub customizations: Option<serde_json::Value>,
    pub custom_enabled: Option<bool>,
}

/// A model named in the query must be the device's.
fn same_model(field: &'static str, asked: Option<&str>, model: &str) -> Result<(), AppError> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(m) if m != model => Err(AppError::field(field, Rule::Invalid)),
        _ => Ok(()),
    }
}

/// Customizations are an object of the known kinds, each an object.
fn check_customizations(v: &serde_json::Value) -> Result<(), AppError> {
    let bad = || AppError::field("customizations", Rule::Invalid);
    let obj = v.as_object().ok_or_else(bad)?;
    for (k, inner) in obj {
        if !KINDS.contains(&k.as_str()) {
            return Err(AppError::field(
                "customizations",
                Rule::OneOf {
                    allowed: KINDS.join(", "),
                },
            ));
        }
        if !inner.is_object() {
            return Err(bad());
        }
    }
    Ok(())
}

pub(super) async fn settings(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SettingsQuery>,
) -> ApiResult<Json<DeviceSettingsJson>> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    same_model("deviceModel", q.device_model.as_deref(), &d.model.model)?;
    let s = state.store.device_settings(d.id).await?;
    Ok(Json(DeviceSettingsJson {
        customizations: s.customizations,
        custom_enabled: s.custom_enabled,
        update_in_progress: false,
        device_count: 1,
        last_update_time: s.updated_at.map(|t| t.as_millisecond()),
    }))
}

pub(super) async fn update_settings(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SettingsUpdateQuery>,
    JsonBody(b): JsonBody<DeviceSettingsBody>,
) -> ApiResult<NoContent> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    same_model("model", q.model.as_deref(), &d.model.model)?;
    let current = state.store.device_settings(d.id).await?;
    let customizations = match b.customizations {
        Some(v) => {
            check_customizations(&v)?;
            v
        }
        None => current.customizations,
    };
    let enabled = b.custom_enabled.unwrap_or(current.custom_enabled);
    state
        .store
        .set_device_settings(&caller.meta(), d.id, enabled, &customizations)
        .await?;
    Ok(NoContent)
}

pub(super) async fn apply_changes(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<NoContent> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    state
        .store
        .apply_device_settings(&caller.meta(), d.id)
        .await?;
    Ok(NoContent)
}
