//! The device catalogue (DEV-1: the catalogue is data): the supported models a customer may
//! add, and the provider's management of the catalogue under `/v1/operations/deviceModels`.

use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::{ApiQuery, Created, JsonBody, Listed, NoContent};
use crate::service::calling::org;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use patchbay_domain::calling::check_text;
use patchbay_domain::validation::Errors;
use patchbay_domain::Rule;
use patchbay_store::calling::devices::DeviceModel;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportedDeviceJson {
    pub model: String,
    pub display_name: String,
    pub vendor: String,
    #[serde(rename = "type")]
    pub device_type: String,
    pub manufacturer: String,
    pub managed_by: String,
    pub supported_for: Vec<String>,
    pub onboarding_method: Vec<String>,
    pub allow_configure_layout_enabled: bool,
    pub number_of_line_ports: i64,
    pub kem_support_enabled: bool,
    /// Fax service: the MAC is a generated placeholder (DEV-1).
    pub fax: bool,
    /// SIP-2: the model registers over TLS only (`false`: it cannot do TLS and may use UDP or
    /// TCP).
    pub sip_tls_only: bool,
}

impl From<DeviceModel> for SupportedDeviceJson {
    fn from(m: DeviceModel) -> Self {
        Self {
            model: m.model,
            display_name: m.display_name,
            vendor: m.vendor,
            device_type: m.device_type,
            manufacturer: m.manufacturer,
            managed_by: m.managed_by,
            supported_for: m.supported_for,
            onboarding_method: m.onboarding,
            allow_configure_layout_enabled: false,
            number_of_line_ports: m.line_ports,
            kem_support_enabled: false,
            fax: m.fax,
            sip_tls_only: m.sip_tls_only,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportedDevicesJson {
    pub upgrade_channel_list: Vec<String>,
    pub devices: Vec<SupportedDeviceJson>,
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct SupportedQuery {
    /// The customer to act on.
    pub org_id: Option<String>,
    /// Only models of this type (`GENERIC_SIP`, `ATA`, `DESK_PHONE`, `MPP`, `ESIM`).
    #[serde(rename = "type")]
    pub device_type: Option<String>,
}

pub(super) async fn supported(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SupportedQuery>,
) -> ApiResult<Json<SupportedDevicesJson>> {
    org(&state, &caller, q.org_id.as_deref()).await?;
    let devices = state
        .store
        .device_models()
        .await?
        .into_iter()
        .filter(|m| {
            q.device_type
                .as_deref()
                .is_none_or(|t| t.is_empty() || t == m.device_type)
        })
        .map(SupportedDeviceJson::from)
        .collect();
    Ok(Json(SupportedDevicesJson {
        upgrade_channel_list: vec!["STABLE".into()],
        devices,
    }))
}

/// A catalogue entry the provider adds (DEV-1: the catalogue is data).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ModelBody {
    pub model: String,
    pub display_name: String,
    pub vendor: String,
    #[serde(rename = "type")]
    pub device_type: String,
    pub managed_by: String,
    pub supported_for: Vec<String>,
    pub onboarding_method: Vec<String>,
    pub number_of_line_ports: i64,
    #[serde(default)]
    pub fax: bool,
    /// SIP-2: TLS only (the default); `false` only for a model that cannot do TLS.
    #[serde(default = "tls_only_default")]
    pub sip_tls_only: bool,
}

fn tls_only_default() -> bool {
    true
}

impl ModelBody {
    /// Every field error of the entry, in field order.
    fn check(&self) -> Result<(), AppError> {
        let mut errs = Errors::default();
        for (field, v, max) in [
            ("model", &self.model, 80),
            ("displayName", &self.display_name, 80),
            ("vendor", &self.vendor, 40),
        ] {
            if let Err(r) = check_text(v, true, max) {
                errs.push(field, r);
            }
        }
        one_of(
            &mut errs,
            "type",
            &self.device_type,
            &["GENERIC_SIP", "ATA", "DESK_PHONE", "MPP", "ESIM"],
        );
        one_of(
            &mut errs,
            "managedBy",
            &self.managed_by,
            &["CUSTOMER", "PARTNER"],
        );
        some_of(
            &mut errs,
            "supportedFor",
            &self.supported_for,
            &["PEOPLE", "PLACE"],
        );
        some_of(
            &mut errs,
            "onboardingMethod",
            &self.onboarding_method,
            &["MAC_ADDRESS", "ACTIVATION_CODE", "NONE"],
        );
        if !(1..=256).contains(&self.number_of_line_ports) {
            errs.push("numberOfLinePorts", Rule::Range { min: 1, max: 256 });
        }
        errs.finish().map_err(AppError::Validation)
    }
}

/// A `OneOf` error for `field` unless `v` is one of `allowed`.
fn one_of(errs: &mut Errors, field: &'static str, v: &str, allowed: &[&str]) {
    if !allowed.contains(&v) {
        errs.push(
            field,
            Rule::OneOf {
                allowed: allowed.join(", "),
            },
        );
    }
}

/// At least one value, each one of `allowed`.
fn some_of(errs: &mut Errors, field: &'static str, values: &[String], allowed: &[&str]) {
    if values.is_empty() {
        errs.push(field, Rule::Required);
    }
    for v in values {
        one_of(errs, field, v, allowed);
    }
}

pub(super) async fn models(
    State(state): State<AppState>,
) -> ApiResult<Listed<SupportedDeviceJson>> {
    let items: Vec<SupportedDeviceJson> = state
        .store
        .device_models()
        .await?
        .into_iter()
        .map(SupportedDeviceJson::from)
        .collect();
    Ok(Listed::items(items))
}

pub(super) async fn add_model(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(b): JsonBody<ModelBody>,
) -> ApiResult<Created<SupportedDeviceJson>> {
    b.check()?;
    let m = DeviceModel {
        model: b.model.trim().to_string(),
        display_name: b.display_name.trim().to_string(),
        vendor: b.vendor.trim().to_string(),
        device_type: b.device_type,
        manufacturer: "THIRD_PARTY".into(),
        managed_by: b.managed_by,
        supported_for: b.supported_for,
        onboarding: b.onboarding_method,
        line_ports: b.number_of_line_ports,
        fax: b.fax,
        sip_tls_only: b.sip_tls_only,
    };
    state.store.add_device_model(&caller.meta(), &m).await?;
    Ok(Created(SupportedDeviceJson::from(m)))
}

pub(super) async fn delete_model(
    State(state): State<AppState>,
    caller: Caller,
    Path(model): Path<String>,
) -> ApiResult<NoContent> {
    state
        .store
        .delete_device_model(&caller.meta(), &model)
        .await?;
    Ok(NoContent)
}
