//! Devices with their SIP identity (DEV-1 … DEV-8) and lines (DEV-6). SIP passwords exist in
//! clear only here, on their way to the caller once; the store gets them sealed and nothing
//! logs them.

use super::generate_password;
use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::calling::{plan_lines, sip_user_name, LineRequest, MemberKind};
use patchbay_domain::provisioning::{check_sip_password, fax_placeholder_mac, normalise_mac};
use patchbay_domain::sip::subscriber_keys;
use patchbay_domain::{CustomerId, DeviceId, PersonId, Rule, WorkspaceId};
use patchbay_store::calling::devices::{Device, DeviceModel, NewDevice};
use patchbay_store::{StoreError, Taken};
use rand::Rng;

/// What a client asks for when adding a device.
#[derive(Debug, Clone)]
pub struct DeviceRequest {
    pub model: String,
    /// As typed; ignored (and generated) for the fax service.
    pub mac: Option<String>,
    pub owner: (MemberKind, uuid::Uuid),
    /// Required for partner-managed models; optional for customer-managed ones (generated).
    pub password: Option<String>,
}

/// The one-time credentials of a new device (DEV-4), or of a password reset (DEV-5).
#[derive(Clone)]
pub struct Credentials {
    pub device_id: DeviceId,
    pub model: String,
    pub mac: String,
    pub sip_user_name: String,
    pub password: String,
    pub line_port: String,
    pub outbound_proxy: String,
    pub registrar: String,
    /// PRV-2: the password of the device's provisioning file (digest user: its MAC); empty
    /// when none is shown (partner-managed devices, a supplied SIP password).
    pub provisioning_password: String,
}

/// The secrets a reset shows once: the SIP password and, for a customer-managed device whose
/// SIP password was generated, a new provisioning password.
pub struct NewSecrets {
    pub sip: String,
    pub provisioning: Option<String>,
}

impl Credentials {
    /// The credentials of `device` with the secrets a reset or the one-time page shows.
    pub fn of(device: &Device, sip: String, provisioning: String) -> Self {
        Self {
            device_id: device.id,
            model: device.model.model.clone(),
            mac: device.mac.clone(),
            sip_user_name: device.sip_user_name.clone(),
            password: sip,
            line_port: device.line_port.clone(),
            outbound_proxy: device.outbound_proxy.clone(),
            registrar: device.registrar.clone(),
            provisioning_password: provisioning,
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("device_id", &self.device_id)
            .field("sip_user_name", &self.sip_user_name)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// The registrar domain of a customer: `<customer id>.<sip domain>`.
pub fn registrar(state: &AppState, customer_label: &str) -> String {
    format!("{customer_label}.{}", state.config.sip_domain())
}

/// The device `id` if the caller may see its customer (and it is `org_id`'s when given);
/// otherwise not found.
pub async fn find(
    state: &AppState,
    caller: &Caller,
    id: DeviceId,
    org_id: Option<&str>,
) -> Result<Device, AppError> {
    let d = state.store.device(id).await?;
    super::ensure_visible(state, caller, d.customer_id, org_id).await?;
    Ok(d)
}

/// A device request checked against the catalogue, ready to draw SIP identities for.
pub(crate) struct DevicePlan {
    model: DeviceModel,
    /// The normalised MAC; none for the fax service (a placeholder is drawn).
    mac: Option<String>,
    owner: (MemberKind, uuid::Uuid),
    password: Option<String>,
    registrar: String,
    outbound_proxy: String,
}

impl DevicePlan {
    /// A mobile line of `person` (WGO-1): no MAC (a placeholder is drawn) and no provisioning
    /// file, its password generated.
    pub(crate) fn mobile(
        model: DeviceModel,
        person: PersonId,
        registrar: String,
        outbound_proxy: String,
    ) -> Self {
        Self {
            model,
            mac: None,
            owner: (MemberKind::People, person.0),
            password: None,
            registrar,
            outbound_proxy,
        }
    }

    /// Whether its phone fetches a provisioning file (PRV-2): customer-managed devices with a
    /// MAC-onboarded or fax model, not mobile lines.
    fn provisioned(&self) -> bool {
        !self.model.partner_managed()
            && (self.model.fax || self.model.onboarding.iter().any(|o| o == "MAC_ADDRESS"))
    }
}

/// DEV-1 … DEV-3: the model exists, suits the owner's kind and is onboarded by MAC (or is the
/// fax service); the MAC is well formed.
pub(crate) async fn plan_device(
    state: &AppState,
    customer: CustomerId,
    req: &DeviceRequest,
) -> Result<DevicePlan, AppError> {
    let model = match state.store.device_model(&req.model).await {
        Ok(m) => m,
        Err(StoreError::NotFound) => return Err(AppError::field("model", Rule::Invalid)),
        Err(e) => return Err(e.into()),
    };
    if !model.supports(req.owner.0) {
        return Err(AppError::field("model", Rule::NotAllowed));
    }
    if !model.fax && !model.onboarding.iter().any(|o| o == "MAC_ADDRESS") {
        // Activation-code models are onboarded with POST /v1/devices/activationCode.
        return Err(AppError::field("mac", Rule::NotAllowed));
    }
    let mac = if model.fax {
        None
    } else {
        let raw = req.mac.as_deref().unwrap_or("");
        if raw.trim().is_empty() {
            return Err(AppError::field("mac", Rule::Required));
        }
        Some(normalise_mac(raw).map_err(|r| AppError::field("mac", r))?)
    };
    let label = state
        .store
        .customer(patchbay_domain::Scope::All, customer)
        .await?;
    Ok(DevicePlan {
        mac,
        owner: req.owner,
        password: req.password.clone(),
        registrar: registrar(state, &label.fields.customer_id),
        outbound_proxy: state.config.sip_domain(),
        model,
    })
}

/// Draw a SIP identity for the device (DEV-4: user name from the owner's name, password
/// generated or the supplied one checked) and insert it with `insert`; a drawn name or fax
/// placeholder MAC that is already taken is drawn again.
pub(crate) async fn insert_with_draws<F, Fut>(
    state: &AppState,
    plan: &DevicePlan,
    owner_name: &str,
    surface: super::Surface,
    mut insert: F,
) -> Result<Credentials, AppError>
where
    F: FnMut(NewDevice) -> Fut,
    Fut: std::future::Future<Output = Result<DeviceId, StoreError>>,
{
    let model = &plan.model;
    let mut rng = rand::rngs::OsRng;
    for _ in 0..8 {
        let user = sip_user_name(owner_name, rng.gen());
        let password = match (&plan.password, model.partner_managed()) {
            (Some(p), _) => {
                check_sip_password(p, &user).map_err(|r| AppError::field("password", r))?;
                p.clone()
            }
            (None, true) => return Err(AppError::field("password", Rule::Required)),
            (None, false) => generate_password(&user),
        };
        let mac = match &plan.mac {
            Some(m) => m.clone(),
            None => fax_placeholder_mac(rng.gen::<u64>()),
        };
        let line_port = format!("{user}@{}", plan.registrar);
        // PRV-2: provisioning credentials for customer-managed devices (their phones fetch files).
        let provisioning_password = if plan.provisioned() {
            generate_password(&mac)
        } else {
            String::new()
        };
        let new = NewDevice {
            model: model.model.clone(),
            mac: mac.clone(),
            owner_kind: plan.owner.0,
            owner_id: plan.owner.1,
            sip_user_name: user.clone(),
            sealed_password: state.secrets.seal(&password),
            line_port: line_port.clone(),
            outbound_proxy: plan.outbound_proxy.clone(),
            registrar: plan.registrar.clone(),
            subscriber: subscriber_keys(&user, &plan.registrar, &password, &[1]).remove(0),
            prov_ha1: (!provisioning_password.is_empty())
                .then(|| patchbay_domain::prov::prov_ha1(&mac, &provisioning_password)),
        };
        match insert(new).await {
            Ok(device_id) => {
                return Ok(Credentials {
                    device_id,
                    model: model.model.clone(),
                    mac,
                    sip_user_name: user,
                    password,
                    line_port,
                    outbound_proxy: plan.outbound_proxy.clone(),
                    registrar: plan.registrar.clone(),
                    provisioning_password,
                })
            }
            // A generated name or placeholder MAC collided: draw again.
            Err(StoreError::Taken(Taken::SipUserName)) => continue,
            Err(StoreError::Taken(Taken::Mac)) if plan.mac.is_none() => continue,
            Err(e) => return Err(surface.refusal(e)),
        }
    }
    Err(AppError::Internal(
        "no free SIP user name after 8 draws".into(),
    ))
}

/// Create a device with its SIP identity (DEV-1 … DEV-4). The caller has authorised `customer`.
pub async fn create_device(
    state: &AppState,
    caller: &Caller,
    customer: CustomerId,
    req: &DeviceRequest,
) -> Result<Credentials, AppError> {
    let plan = plan_device(state, customer, req).await?;
    let owner_name = match req.owner.0 {
        MemberKind::People => state
            .store
            .person(PersonId(req.owner.1))
            .await
            .ok()
            .filter(|p| p.customer_id == customer)
            .map(|p| p.fields.display_name)
            .ok_or_else(|| AppError::field("personId", Rule::Invalid))?,
        MemberKind::Place => state
            .store
            .workspace(WorkspaceId(req.owner.1))
            .await
            .ok()
            .filter(|w| w.customer_id == customer)
            .map(|w| w.fields.display_name)
            .ok_or_else(|| AppError::field("workspaceId", Rule::Invalid))?,
    };
    let meta = caller.meta();
    insert_with_draws(state, &plan, &owner_name, super::Surface::Api, |d| {
        let meta = &meta;
        async move { state.store.create_device(meta, customer, &d).await }
    })
    .await
}

/// DEV-5: a new SIP password for a device, generated unless the client supplies one (partner
/// managed devices and `PUT /telephony/config/devices/{id}`), and a new provisioning password
/// (PRV-2); both returned once.
pub async fn reset_password(
    state: &AppState,
    caller: &Caller,
    device: &Device,
    supplied: Option<&str>,
) -> Result<NewSecrets, AppError> {
    // WGO-5: a mobile line's password is made when its code is redeemed, for the phone alone;
    // a reset would show it to the administrator.
    if device.model.model == patchbay_domain::mobile::MOBILE_MODEL {
        return Err(AppError::Conflict(
            "conflict-mobile-reset",
            "A mobile line gets its password when it is activated: issue a new activation code instead.".into(),
        ));
    }
    let password = match supplied {
        Some(p) => {
            check_sip_password(p, &device.sip_user_name)
                .map_err(|r| AppError::field("sipPassword", r))?;
            p.to_string()
        }
        None => generate_password(&device.sip_user_name),
    };
    // PRV-2: a new provisioning password with a generated SIP password on a customer-managed
    // device (its phone fetches the file); a supplied password (partner-managed, or the Webex
    // PUT) leaves the provisioning credentials as they are.
    let provisioning = (supplied.is_none() && !device.model.partner_managed())
        .then(|| generate_password(&device.mac));
    let action = if device.model.partner_managed() {
        "device.password-update"
    } else {
        "device.password-reset"
    };
    let (user, registrar) = (device.sip_user_name.as_str(), device.registrar.as_str());
    let keys_for = |ports: &[i64]| subscriber_keys(user, registrar, &password, ports);
    state
        .store
        .set_device_password(
            &caller.meta(),
            device.id,
            &state.secrets.seal(&password),
            provisioning
                .as_deref()
                .map(|p| patchbay_domain::prov::prov_ha1(&device.mac, p))
                .as_deref(),
            &keys_for,
            action,
        )
        .await?;
    Ok(NewSecrets {
        sip: password,
        provisioning,
    })
}

/// DEV-6: replace the shared lines of a device (the owner stays on port 1).
pub async fn set_lines(
    state: &AppState,
    caller: &Caller,
    device: &Device,
    requested: &[LineRequest<(MemberKind, uuid::Uuid)>],
) -> Result<(), AppError> {
    let owner = (device.owner.kind, device.owner.id);
    let ports = u32::try_from(device.model.line_ports).unwrap_or(1);
    let lines = plan_lines(&owner, 1, requested, ports)
        .map_err(|e| AppError::field("members", e.rule()))?;
    // Every line registers with the device's password (DEV-6) under its own user (SIP-1); the
    // password is the one the store reads inside the transaction.
    let ports: Vec<i64> = lines.iter().map(|l| i64::from(l.port)).collect();
    let (user, registrar) = (device.sip_user_name.as_str(), device.registrar.as_str());
    let keys_for = |sealed: &str| {
        let password = state.secrets.open(sealed).ok()?;
        Some(subscriber_keys(user, registrar, &password, &ports))
    };
    state
        .store
        .replace_device_lines(&caller.meta(), device.id, &lines, &keys_for)
        .await
        .map_err(AppError::from)
}

/// The one-time credentials as CSV (DEV-4 download), one row per device.
pub fn credentials_csv(rows: &[Credentials]) -> Result<String, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "deviceId",
        "model",
        "macAddress",
        "sipUserName",
        "sipPassword",
        "linePort",
        "outboundProxy",
        "registrarDomain",
        "provisioningUser",
        "provisioningPassword",
    ];
    w.write_record(header)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    for c in rows {
        let id = patchbay_domain::provisioning::webex_id("DEVICE", &c.device_id.0);
        w.write_record([
            id.as_str(),
            c.model.as_str(),
            c.mac.as_str(),
            c.sip_user_name.as_str(),
            c.password.as_str(),
            c.line_port.as_str(),
            c.outbound_proxy.as_str(),
            c.registrar.as_str(),
            patchbay_domain::prov::user_of(&c.mac).as_str(),
            c.provisioning_password.as_str(),
        ])
        .map_err(|e| AppError::Internal(e.to_string()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(e.to_string()))
}
