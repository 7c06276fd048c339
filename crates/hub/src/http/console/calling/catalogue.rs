//! The device catalogue as the add-device wizard offers it (DEV-1): customer-managed models by
//! vendor (the generic SIP phone and gateway first), the partner-managed approved list, the fax
//! service; and the device step's typed values.

use crate::error::AppError;
use crate::http::console::forms::FormMap;
use crate::state::AppState;
use patchbay_domain::calling::MemberKind;
use patchbay_domain::{FieldError, Rule};
use patchbay_store::calling::devices::DeviceModel;

/// The device step's fields as typed (the SIP password is never carried between steps).
#[derive(Debug, Clone, Default)]
pub struct DeviceValues {
    pub kind: String,
    pub vendor: String,
    pub model: String,
    pub partner_model: String,
    pub mac: String,
}

impl DeviceValues {
    pub fn read(form: &FormMap) -> Self {
        Self {
            kind: form.text("kind"),
            vendor: form.text("vendor"),
            model: form.text("model"),
            partner_model: form.text("partnerModel"),
            mac: form.text("mac"),
        }
    }
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("kind", &self.kind),
            ("vendor", &self.vendor),
            ("model", &self.model),
            ("partnerModel", &self.partner_model),
            ("mac", &self.mac),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.clone()))
        .collect()
    }
    pub fn kind_is(&self, k: &str) -> bool {
        self.kind == k
    }
    pub fn vendor_is(&self, v: &str) -> bool {
        self.vendor == v
    }
    pub fn model_is(&self, m: &str) -> bool {
        self.model == m || self.partner_model == m
    }
}

pub struct ModelOption {
    pub model: String,
    pub name: String,
    pub vendor: String,
    pub ports: i64,
}

/// The catalogue as the device step offers it for an owner kind (DEV-1).
pub struct Catalogue {
    pub customer: Vec<ModelOption>,
    pub vendors: Vec<String>,
    pub partner: Vec<ModelOption>,
    pub fax: Option<ModelOption>,
    models: Vec<DeviceModel>,
}

impl Catalogue {
    pub async fn load(state: &AppState, kind: MemberKind) -> Result<Self, AppError> {
        let models: Vec<DeviceModel> = state
            .store
            .device_models()
            .await?
            .into_iter()
            .filter(|m| m.supports(kind))
            .filter(|m| m.fax || m.onboarding.iter().any(|o| o == "MAC_ADDRESS"))
            .collect();
        let option = |m: &DeviceModel| ModelOption {
            model: m.model.clone(),
            name: m.display_name.clone(),
            vendor: m.vendor.clone(),
            ports: m.line_ports,
        };
        let customer: Vec<ModelOption> = models
            .iter()
            .filter(|m| !m.fax && !m.partner_managed())
            .map(option)
            .collect();
        let mut vendors: Vec<String> = Vec::new();
        for m in &customer {
            if !vendors.contains(&m.vendor) {
                vendors.push(m.vendor.clone());
            }
        }
        Ok(Self {
            partner: models
                .iter()
                .filter(|m| !m.fax && m.partner_managed())
                .map(option)
                .collect(),
            fax: models.iter().find(|m| m.fax).map(option),
            customer,
            vendors,
            models,
        })
    }

    /// The model the device step chose, checked against its kind's list.
    pub fn chosen(&self, v: &DeviceValues) -> Result<&DeviceModel, FieldError> {
        let find = |name: &str| self.models.iter().find(|m| m.model == name);
        match v.kind.as_str() {
            "customer" => {
                if v.model.is_empty() {
                    return Err(FieldError::new("model", Rule::Required));
                }
                find(&v.model)
                    .filter(|m| !m.fax && !m.partner_managed())
                    .filter(|m| v.vendor.is_empty() || m.vendor == v.vendor)
                    .ok_or(FieldError::new("model", Rule::Invalid))
            }
            "partner" => {
                if v.partner_model.is_empty() {
                    return Err(FieldError::new("partnerModel", Rule::Required));
                }
                find(&v.partner_model)
                    .filter(|m| !m.fax && m.partner_managed())
                    .ok_or(FieldError::new("partnerModel", Rule::Invalid))
            }
            "fax" => self
                .models
                .iter()
                .find(|m| m.fax)
                .ok_or(FieldError::new("kind", Rule::Invalid)),
            "" => Err(FieldError::new("kind", Rule::Required)),
            _ => Err(FieldError::new("kind", Rule::Invalid)),
        }
    }
}
