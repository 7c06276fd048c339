//! `/v1/telephony/config/devices/…`: SIP credentials (DEV-4), password update and reset
//! (DEV-5), lines (DEV-6), the supported-device catalogue (DEV-1), MAC validation (DEV-3); and
//! the provider's catalogue management under `/v1/operations/deviceModels`.

use super::devices::visible_device;
use super::{wid, OrgQuery};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::reply::MembersKey;
use crate::http::api::{
    ApiQuery, Created, JsonBody, ListQuery, Listed, NoContent, OptJsonBody, Paged,
};
use crate::http::catalog::Endpoint;
use crate::service::calling::{self as svc, member_of, org};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::calling::{check_text, LineRequest, MemberKind};
use patchbay_domain::provisioning::normalise_mac;
use patchbay_domain::{Capability, LocationId, Rule};
use patchbay_store::calling::devices::DeviceModel;
use patchbay_store::calling::Member;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OwnerJson {
    pub sip_user_name: String,
    /// `user@registrar`.
    pub line_port: String,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub first_name: String,
    pub last_name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProxyJson {
    /// The domain the device resolves with DNS SRV.
    pub outbound_proxy: String,
}

/// Webex `TelephonyDeviceDetails`; the password is never returned.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TelephonyDeviceJson {
    pub id: String,
    pub mac: String,
    pub model: String,
    pub manufacturer: String,
    pub managed_by: String,
    pub activation_state: &'static str,
    pub description: Vec<String>,
    pub upgrade_channel_enabled: bool,
    pub owner: OwnerJson,
    pub proxy: ProxyJson,
    /// Registrar domain (DEV-4; not in Webex's model).
    pub registrar_domain: String,
}

async fn details(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<TelephonyDeviceJson>> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    let owner_kind = d.owner.kind;
    Ok(Json(TelephonyDeviceJson {
        id: wid("DEVICE", &d.id.0),
        mac: d.mac,
        model: d.model.model,
        manufacturer: d.model.manufacturer,
        managed_by: d.model.managed_by,
        activation_state: if d.status == "connected" {
            "activated"
        } else {
            "activating"
        },
        description: Vec::new(),
        upgrade_channel_enabled: false,
        owner: OwnerJson {
            sip_user_name: d.sip_user_name,
            line_port: d.line_port,
            id: wid(kind_type(owner_kind), &d.owner.id),
            kind: owner_kind.as_str(),
            first_name: d.owner.first_name,
            last_name: d.owner.last_name,
        },
        proxy: ProxyJson {
            outbound_proxy: d.outbound_proxy,
        },
        registrar_domain: d.registrar,
    }))
}

fn kind_type(k: MemberKind) -> &'static str {
    match k {
        MemberKind::People => "PEOPLE",
        MemberKind::Place => "PLACE",
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordBody {
    pub sip_password: Option<String>,
}

/// DEV-5 through the Webex path: set the SIP password the client supplies.
async fn update_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<PasswordBody>,
) -> ApiResult<NoContent> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    let pw = b
        .sip_password
        .filter(|p| !p.is_empty())
        .ok_or_else(|| AppError::field("sipPassword", Rule::Required))?;
    svc::reset_password(&state, &caller, &d, Some(&pw)).await?;
    Ok(NoContent)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewPasswordJson {
    /// Shown once.
    pub sip_password: String,
}

/// DEV-5: reset to a newly generated password, returned once.
async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<NewPasswordJson>> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    let sip_password = svc::reset_password(&state, &caller, &d, None).await?;
    Ok(Json(NewPasswordJson { sip_password }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberJson {
    pub id: String,
    pub member_type: &'static str,
    pub first_name: String,
    pub last_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_owner: Option<bool>,
    pub line_type: &'static str,
    pub line_weight: i64,
    pub hotline_enabled: bool,
    pub allow_call_decline_enabled: bool,
}

fn member_json(m: &Member, line: Option<(i64, bool, &'static str, i64)>) -> MemberJson {
    let (port, primary, line_type, weight) = line
        .map_or((None, None, "SHARED_CALL_APPEARANCE", 1), |(p, o, t, w)| {
            (Some(p), Some(o), t, w)
        });
    MemberJson {
        id: wid(kind_type(m.kind), &m.id),
        member_type: m.kind.as_str(),
        first_name: m.first_name.clone(),
        last_name: m.last_name.clone(),
        extension: m.extension.clone(),
        port,
        primary_owner: primary,
        line_type,
        line_weight: weight,
        hotline_enabled: false,
        allow_call_decline_enabled: true,
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MembersJson {
    pub model: String,
    /// The model's line ports (DEV-6).
    pub max_line_count: i64,
    pub members: Vec<MemberJson>,
}

async fn members(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<MembersJson>> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    let lines = state.store.device_lines(d.id).await?;
    Ok(Json(MembersJson {
        model: d.model.model,
        max_line_count: d.model.line_ports,
        members: lines
            .iter()
            .map(|l| {
                member_json(
                    &l.member,
                    Some((l.port, l.primary_owner, l.line_type.as_str(), l.line_weight)),
                )
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MemberBody {
    /// A person or workspace id.
    pub id: String,
    /// Only the device's owner is the primary owner.
    pub primary_owner: Option<bool>,
    /// Ports the line takes (default 1).
    #[schema(minimum = 1, maximum = 256)]
    pub line_weight: Option<u32>,
    /// Ports follow the order of the list and the weights (the owner is port 1); a different
    /// port is refused.
    pub port: Option<i64>,
    /// Informational: the owner's line is `PRIMARY`, the others `SHARED_CALL_APPEARANCE`.
    #[schema(schema_with = line_type_schema)]
    pub line_type: Option<String>,
    /// Hotlines are not supported: only `false`.
    pub hotline_enabled: Option<bool>,
    /// Declining calls is always allowed: only `true`.
    pub allow_call_decline_enabled: Option<bool>,
}

crate::schema_fn! {
    line_type_schema => crate::http::api::schema::one_of(["PRIMARY", "SHARED_CALL_APPEARANCE"]);
}

/// Refuse what a member entry asks that the hub does not do.
fn check_member(i: usize, m: &MemberBody, planned_port: Option<u32>) -> Result<(), AppError> {
    let field = |name: &str| format!("members[{i}].{name}");
    let refuse = |name: &str, rule: Rule| {
        AppError::Validation(vec![patchbay_domain::FieldError::new(field(name), rule)])
    };
    if m.hotline_enabled == Some(true) {
        return Err(refuse("hotlineEnabled", Rule::NotAllowed));
    }
    if m.allow_call_decline_enabled == Some(false) {
        return Err(refuse("allowCallDeclineEnabled", Rule::NotAllowed));
    }
    if let Some(t) = m.line_type.as_deref() {
        if !matches!(t, "PRIMARY" | "SHARED_CALL_APPEARANCE") {
            return Err(refuse(
                "lineType",
                Rule::OneOf {
                    allowed: "PRIMARY, SHARED_CALL_APPEARANCE".into(),
                },
            ));
        }
    }
    if let (Some(asked), Some(planned)) = (m.port, planned_port) {
        if asked != i64::from(planned) {
            return Err(refuse("port", Rule::NotAllowed));
        }
    }
    Ok(())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MembersBody {
    #[serde(default)]
    pub members: Vec<MemberBody>,
}

/// DEV-6: replace the lines. No body or no members keeps only the owner ("remove all lines").
async fn update_members(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
    OptJsonBody(b): OptJsonBody<MembersBody>,
) -> ApiResult<NoContent> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    let body = b.map(|b| b.members).unwrap_or_default();
    let mut requested = Vec::new();
    for m in &body {
        let Some(member) = member_of(&state, d.customer_id, &m.id).await? else {
            return Err(AppError::field("members", Rule::Invalid));
        };
        requested.push(LineRequest {
            member,
            primary_owner: m.primary_owner.unwrap_or(false),
            line_weight: m.line_weight.unwrap_or(1),
        });
    }
    // The ports the hub will give each entry (the owner keeps port 1).
    let owner = (d.owner.kind, d.owner.id);
    let ports = u32::try_from(d.model.line_ports).unwrap_or(1);
    let planned = patchbay_domain::calling::plan_lines(&owner, 1, &requested, ports).ok();
    for (i, (m, r)) in body.iter().zip(&requested).enumerate() {
        let port = planned
            .as_ref()
            .and_then(|lines| lines.iter().find(|l| l.member == r.member))
            .map(|l| l.port);
        check_member(i, m, port)?;
    }
    svc::set_lines(&state, &caller, &d, &requested).await?;
    Ok(NoContent)
}

/// Filters of the people and workspaces that can become lines.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct AvailableQuery {
    /// The customer to act on.
    pub org_id: Option<String>,
    /// Contained in the first, last or display name.
    pub member_name: Option<String>,
    /// Starts the extension.
    pub extension: Option<String>,
    pub location_id: Option<String>,
}

async fn available_members(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    lq: ListQuery<AvailableQuery>,
) -> ApiResult<Paged<MemberJson, MembersKey>> {
    let q = &lq.filter;
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    let location = match q.location_id.as_deref().filter(|s| !s.is_empty()) {
        Some(raw) => Some(LocationId(super::field_id("locationId", "LOCATION", raw)?)),
        None => None,
    };
    let page = lq.page(super::DEFAULT_MAX);
    let (rows, total) = state
        .store
        .available_members(
            d.customer_id,
            d.id,
            q.member_name.as_deref(),
            q.extension.as_deref(),
            location,
            page,
        )
        .await?;
    let items = rows.iter().map(|m| member_json(m, None)).collect();
    Ok(Paged::new(&lq, super::DEFAULT_MAX, items, total))
}

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

async fn supported(
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MacsBody {
    pub macs: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MacStatusJson {
    /// As sent.
    pub mac: String,
    /// AVAILABLE, UNAVAILABLE, DUPLICATE_IN_LIST, INVALID
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'static str>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MacValidationJson {
    /// OK or ERRORS
    pub status: &'static str,
    pub mac_status: Vec<MacStatusJson>,
}

/// DEV-3: which MACs are valid and free on the platform.
async fn validate_macs(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<MacsBody>,
) -> ApiResult<Json<MacValidationJson>> {
    org(&state, &caller, q.org_id.as_deref()).await?;
    crate::service::check_bulk_field("macs", b.macs.len())?;
    let normal: Vec<Option<String>> = b.macs.iter().map(|m| normalise_mac(m).ok()).collect();
    let valid: Vec<String> = normal.iter().flatten().cloned().collect();
    let taken = state.store.macs_in_use(&valid).await?;
    let mut seen = std::collections::HashSet::new();
    let statuses: Vec<MacStatusJson> = b
        .macs
        .iter()
        .zip(&normal)
        .map(|(sent, n)| {
            let (state, code, message) = match n {
                None => ("INVALID", Some(5675), Some("Invalid MAC address")),
                Some(n) if !seen.insert(n.clone()) => (
                    "DUPLICATE_IN_LIST",
                    Some(5676),
                    Some("MAC address repeated in the list"),
                ),
                Some(n) if taken.contains(n) => (
                    "UNAVAILABLE",
                    Some(5677),
                    Some("MAC address already in use"),
                ),
                Some(_) => ("AVAILABLE", None, None),
            };
            MacStatusJson {
                mac: sent.clone(),
                state,
                error_code: code,
                message,
            }
        })
        .collect();
    let ok = statuses.iter().all(|s| s.state == "AVAILABLE");
    Ok(Json(MacValidationJson {
        status: if ok { "OK" } else { "ERRORS" },
        mac_status: statuses,
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
}

async fn models(State(state): State<AppState>) -> ApiResult<Listed<SupportedDeviceJson>> {
    let items: Vec<SupportedDeviceJson> = state
        .store
        .device_models()
        .await?
        .into_iter()
        .map(SupportedDeviceJson::from)
        .collect();
    Ok(Listed::items(items))
}

async fn add_model(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(b): JsonBody<ModelBody>,
) -> ApiResult<Created<SupportedDeviceJson>> {
    let mut errs = patchbay_domain::validation::Errors::default();
    for (field, v, max) in [
        ("model", &b.model, 80),
        ("displayName", &b.display_name, 80),
        ("vendor", &b.vendor, 40),
    ] {
        if let Err(r) = check_text(v, true, max) {
            errs.push(field, r);
        }
    }
    let one_of = |field: &'static str,
                  v: &str,
                  allowed: &[&str],
                  errs: &mut patchbay_domain::validation::Errors| {
        if !allowed.contains(&v) {
            errs.push(
                field,
                Rule::OneOf {
                    allowed: allowed.join(", "),
                },
            );
        }
    };
    one_of(
        "type",
        &b.device_type,
        &["GENERIC_SIP", "ATA", "DESK_PHONE", "MPP", "ESIM"],
        &mut errs,
    );
    one_of(
        "managedBy",
        &b.managed_by,
        &["CUSTOMER", "PARTNER"],
        &mut errs,
    );
    if b.supported_for.is_empty() {
        errs.push("supportedFor", Rule::Required);
    }
    for s in &b.supported_for {
        one_of("supportedFor", s, &["PEOPLE", "PLACE"], &mut errs);
    }
    if b.onboarding_method.is_empty() {
        errs.push("onboardingMethod", Rule::Required);
    }
    for s in &b.onboarding_method {
        one_of(
            "onboardingMethod",
            s,
            &["MAC_ADDRESS", "ACTIVATION_CODE", "NONE"],
            &mut errs,
        );
    }
    if !(1..=256).contains(&b.number_of_line_ports) {
        errs.push("numberOfLinePorts", Rule::Range { min: 1, max: 256 });
    }
    errs.finish().map_err(AppError::Validation)?;
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
    };
    state.store.add_device_model(&caller.meta(), &m).await?;
    Ok(Created(SupportedDeviceJson::from(m)))
}

async fn delete_model(
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

pub fn endpoints() -> Vec<Endpoint> {
    const ONE: &str = "/v1/telephony/config/devices/{id}";
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    vec![
        Endpoint::new(
            Method::GET,
            ONE,
            view,
            "SIP credentials of a device: owner.sipUserName, owner.linePort, proxy.outboundProxy (never the password)",
            details,
        ),
        Endpoint::new(
            Method::PUT,
            ONE,
            manage,
            "Set the device's SIP password (partner-managed update, DEV-5)",
            update_password,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/telephony/config/devices/{id}/actions/resetSipPassword/invoke",
            manage,
            "Reset the SIP password to a newly generated one, returned once (DEV-5)",
            reset_password,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/devices/{id}/members",
            view,
            "Lines of a device: the owner on port 1, shared lines after (DEV-6)",
            members,
        ),
        Endpoint::new(
            Method::PUT,
            "/v1/telephony/config/devices/{id}/members",
            manage,
            "Replace the shared lines (no body: keep only the owner), up to the model's ports",
            update_members,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/devices/{id}/availableMembers",
            view,
            "People and workspaces that can be added as lines (list key `members`)",
            available_members,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/supportedDevices",
            view,
            "The device catalogue: customer-managed and partner-managed models with their line ports",
            supported,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/telephony/config/devices/actions/validateMacs/invoke",
            view,
            "Validate MAC addresses: format, repeats, platform-wide use (DEV-3)",
            validate_macs,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/deviceModels",
            // Provider staff only (RBAC-5: customer administrators see no operations route; they
            // read the catalogue at /v1/telephony/config/supportedDevices).
            Capability::ViewOperations,
            "The device catalogue (provider staff; customers use /v1/telephony/config/supportedDevices)",
            models,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/deviceModels",
            Capability::ServerSettings,
            "Add a model to the device catalogue",
            add_model,
        ),
        Endpoint::new(
            Method::DELETE,
            "/v1/operations/deviceModels/{model}",
            Capability::ServerSettings,
            "Remove a model no device uses",
            delete_model,
        ),
    ]
}
