//! `/v1/devices` (DEV-1 … DEV-4, DEV-7, DEV-8): create by MAC, list, get, delete, bulk
//! partner-managed creation, activation codes.

use super::{field_id, iso, org_wid, path_id, wid};

use super::OrgQuery;
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::{ApiQuery, JsonBody, ListQuery, Listed, NoContent, Paged};
use crate::http::catalog::Endpoint;
use crate::service::calling::{self as svc, org, DeviceRequest};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::calling::{activation_code_from, MemberKind, ACTIVATION_CODE_DAYS};
use patchbay_domain::provisioning::normalise_mac;
use patchbay_domain::{Capability, CustomerId, DeviceId, LocationId, Rule};
use patchbay_store::calling::devices::{Device, DeviceFilter};
use patchbay_store::list::Keyed;
use rand::Rng;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceJson {
    pub id: String,
    pub display_name: String,
    pub org_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// 12 upper-case hex digits.
    pub mac: String,
    pub product: String,
    pub model: String,
    /// Always `phone` (the values wxc_sdk knows are `phone` and `roomdesk`).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// DEV-9: `disconnected` until a registrar reports the device.
    pub connection_status: String,
    pub managed_by: String,
    pub manufacturer: String,
    pub sip_user_name: String,
    pub line_port: String,
    pub outbound_proxy: String,
    pub primary_sip_url: String,
    pub capabilities: Vec<String>,
    pub permissions: Vec<String>,
    pub tags: Vec<String>,
    pub error_codes: Vec<String>,
    pub created: String,
    /// PRV-3: when the device last fetched its configuration file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned: Option<String>,
    /// PRV-2: the password of its provisioning file (digest user: its MAC in lower case);
    /// in the creation's answer only, once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_password: Option<String>,
}

impl From<Device> for DeviceJson {
    fn from(d: Device) -> Self {
        let (person_id, workspace_id) = match d.owner.kind {
            MemberKind::People => (Some(wid("PEOPLE", &d.owner.id)), None),
            MemberKind::Place => (None, Some(wid("PLACE", &d.owner.id))),
        };
        Self {
            id: wid("DEVICE", &d.id.0),
            display_name: d.display_name,
            org_id: org_wid(d.customer_id),
            person_id,
            workspace_id,
            location_id: d.owner.location_id.map(|l| wid("LOCATION", &l)),
            mac: d.mac,
            product: d.model.display_name,
            model: d.model.model,
            kind: "phone",
            connection_status: d.status,
            managed_by: d.model.managed_by,
            manufacturer: d.model.manufacturer,
            primary_sip_url: d.line_port.clone(),
            sip_user_name: d.sip_user_name,
            line_port: d.line_port,
            outbound_proxy: d.outbound_proxy,
            capabilities: Vec::new(),
            permissions: Vec::new(),
            tags: Vec::new(),
            error_codes: Vec::new(),
            created: iso(d.created_at),
            provisioned: d.provisioned_at.map(iso),
            provisioning_password: None,
        }
    }
}

#[derive(Debug, Deserialize, Default, Clone, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeviceBody {
    pub mac: Option<String>,
    pub person_id: Option<String>,
    pub workspace_id: Option<String>,
    pub model: Option<String>,
    /// SIP password: required for partner-managed models, optional (generated) otherwise.
    pub password: Option<String>,
}

/// Who the device is for: exactly one of `personId` / `workspaceId`.
fn owner_of(b: &DeviceBody) -> Result<(MemberKind, uuid::Uuid), AppError> {
    let p = b.person_id.as_deref().filter(|s| !s.trim().is_empty());
    let w = b.workspace_id.as_deref().filter(|s| !s.trim().is_empty());
    match (p, w) {
        (Some(p), None) => Ok((MemberKind::People, field_id("personId", "PEOPLE", p)?)),
        (None, Some(w)) => Ok((MemberKind::Place, field_id("workspaceId", "PLACE", w)?)),
        (Some(_), Some(_)) => Err(AppError::field("workspaceId", Rule::NotAllowed)),
        (None, None) => Err(AppError::field("personId", Rule::Required)),
    }
}

fn request_of(b: &DeviceBody) -> Result<DeviceRequest, AppError> {
    let owner = owner_of(b)?;
    let model = b
        .model
        .clone()
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| AppError::field("model", Rule::Required))?;
    Ok(DeviceRequest {
        model,
        mac: b.mac.clone(),
        owner,
        password: b.password.clone().filter(|p| !p.is_empty()),
    })
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<DeviceBody>,
) -> ApiResult<Json<DeviceJson>> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    let req = request_of(&b)?;
    let creds = svc::create_device(&state, &caller, customer, &req).await?;
    let device = state.store.device(creds.device_id).await?;
    Ok(Json(DeviceJson {
        provisioning_password: Some(creds.provisioning_password).filter(|p| !p.is_empty()),
        ..DeviceJson::from(device)
    }))
}

/// DEV-8 bulk: partner-managed devices only; each device on its own (all or nothing per
/// device), with a result per device.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkBody {
    pub devices: Vec<DeviceBody>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BulkItem {
    pub index: usize,
    /// HTTP status of this device's creation.
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::error::ErrorBody>,
}

async fn bulk(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<BulkBody>,
) -> ApiResult<Listed<BulkItem>> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    crate::service::check_bulk_field("devices", b.devices.len())?;
    let mut items = Vec::with_capacity(b.devices.len());
    for (index, d) in b.devices.iter().enumerate() {
        let result = bulk_one(&state, &caller, customer, d).await;
        items.push(match result {
            Ok(device) => BulkItem {
                index,
                status: 201,
                device: Some(DeviceJson::from(device)),
                error: None,
            },
            Err(e) => BulkItem {
                index,
                status: e.status().as_u16(),
                device: None,
                error: Some(crate::error::body_for(
                    &e,
                    format!("PATCHBAY_{}", uuid::Uuid::now_v7().simple()),
                    &crate::error::english,
                )),
            },
        });
    }
    Ok(Listed::items(items))
}

async fn bulk_one(
    state: &AppState,
    caller: &Caller,
    customer: CustomerId,
    d: &DeviceBody,
) -> Result<Device, AppError> {
    let req = request_of(d)?;
    let model = state
        .store
        .device_model(&req.model)
        .await
        .map_err(|_| AppError::field("model", Rule::Invalid))?;
    if !model.partner_managed() {
        // DEV-8: customer-managed devices are added one at a time, with the disclaimer.
        return Err(AppError::field("model", Rule::NotAllowed));
    }
    let creds = svc::create_device(state, caller, customer, &req).await?;
    Ok(state.store.device(creds.device_id).await?)
}

/// Device filters (Webex `GET /v1/devices`).
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct DeviceQuery {
    /// The customer to act on (see `orgId` elsewhere).
    pub org_id: Option<String>,
    pub person_id: Option<String>,
    pub workspace_id: Option<String>,
    pub location_id: Option<String>,
    /// Contained in the device's display name.
    pub display_name: Option<String>,
    pub product: Option<String>,
    /// Any common MAC notation.
    pub mac: Option<String>,
    pub connection_status: Option<String>,
    /// `phone` (every device here is one); another type lists nothing.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Properties no device here has (a workspace location, tags, a serial, software, an
    /// upgrade channel, error codes, capabilities, permissions): any value lists nothing.
    pub workspace_location_id: Option<String>,
    pub tag: Option<String>,
    pub serial: Option<String>,
    pub software: Option<String>,
    pub upgrade_channel: Option<String>,
    pub error_code: Option<String>,
    pub capability: Option<String>,
    pub permission: Option<String>,
    /// `cisco` or `microsoftTeamsRoom`: no phone here is either, so any value lists nothing.
    #[param(schema_with = device_platform_schema)]
    pub device_platform: Option<String>,
    /// `off` (every device here); `on` or `upcoming` list nothing.
    #[param(schema_with = maintenance_schema)]
    pub planned_maintenance: Option<String>,
}

crate::schema_fn! {
    device_platform_schema => crate::http::api::schema::one_of(["cisco", "microsoftTeamsRoom"]);
    maintenance_schema => crate::http::api::schema::one_of(["off", "on", "upcoming"]);
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    lq: ListQuery<DeviceQuery>,
) -> ApiResult<Paged<DeviceJson>> {
    let q = &lq.filter;
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    let opt = |field: &'static str, kind: &str, v: &Option<String>| {
        v.as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| field_id(field, kind, s))
            .transpose()
    };
    let mac = match q.mac.as_deref().filter(|s| !s.is_empty()) {
        Some(m) => Some(normalise_mac(m).map_err(|r| AppError::field("mac", r))?),
        None => None,
    };
    let page = lq.page(super::DEFAULT_MAX);
    let filter = DeviceFilter {
        person: opt("personId", "PEOPLE", &q.person_id)?,
        workspace: opt("workspaceId", "PLACE", &q.workspace_id)?,
        location: opt("locationId", "LOCATION", &q.location_id)?.map(LocationId),
        search: q.display_name.clone(),
        mac,
        product: q.product.clone().filter(|s| !s.is_empty()),
        status: q.connection_status.clone().filter(|s| !s.is_empty()),
        line_of: None,
    };
    // Every device here is a phone: another type lists nothing; so do the properties no device
    // here has.
    let absent = [
        &q.workspace_location_id,
        &q.tag,
        &q.serial,
        &q.software,
        &q.upgrade_channel,
        &q.error_code,
        &q.capability,
        &q.permission,
    ];
    let platform = super::choice(
        "devicePlatform",
        q.device_platform.as_deref(),
        &["cisco", "microsoftTeamsRoom"],
    )?;
    let maintenance = super::choice(
        "plannedMaintenance",
        q.planned_maintenance.as_deref(),
        &["off", "on", "upcoming"],
    )?;
    if q.kind
        .as_deref()
        .is_some_and(|k| !k.is_empty() && k != "phone")
        || absent.into_iter().any(|v| super::text_param(v).is_some())
        || platform.is_some()
        || maintenance.is_some_and(|m| m != "off")
    {
        return Ok(Paged::new(&lq, super::DEFAULT_MAX, Vec::new(), 0));
    }
    let (rows, total) = state.store.list_devices(customer, &filter, page).await?;
    let last = rows.last().map(Keyed::cursor);
    let items = rows.into_iter().map(DeviceJson::from).collect();
    Ok(Paged::keyed(&lq, super::DEFAULT_MAX, items, total, last))
}

/// The device behind a path id (Webex id or uuid), if the caller may see its customer.
pub async fn visible_device(
    state: &AppState,
    caller: &Caller,
    raw: &str,
    org_id: Option<&str>,
) -> Result<Device, AppError> {
    let id = DeviceId(path_id("DEVICE", raw)?);
    crate::service::calling::devices::find(state, caller, id, org_id).await
}

async fn get_one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<DeviceJson>> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    Ok(Json(DeviceJson::from(d)))
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<NoContent> {
    let d = visible_device(&state, &caller, &id, q.org_id.as_deref()).await?;
    state.store.delete_device(&caller.meta(), d.id).await?;
    Ok(NoContent)
}

#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActivationBody {
    pub person_id: Option<String>,
    pub workspace_id: Option<String>,
    pub model: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActivationJson {
    /// Shown once; stored only as a hash.
    pub code: String,
    pub expiry_time: String,
}

/// A one-time activation code for a person or workspace, valid 90 days (WGO-2).
async fn activation_code(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<ActivationBody>,
) -> ApiResult<Json<ActivationJson>> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    let owner = owner_of(&DeviceBody {
        person_id: b.person_id.clone(),
        workspace_id: b.workspace_id.clone(),
        ..Default::default()
    })?;
    let model = match b.model.as_deref().filter(|m| !m.is_empty()) {
        Some(m) => {
            let model = state
                .store
                .device_model(m)
                .await
                .map_err(|_| AppError::field("model", Rule::Invalid))?;
            if !model.onboarding.iter().any(|o| o == "ACTIVATION_CODE") || !model.supports(owner.0)
            {
                return Err(AppError::field("model", Rule::NotAllowed));
            }
            model.model
        }
        None => String::new(),
    };
    let mut rng = rand::rngs::OsRng;
    let expires =
        jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * ACTIVATION_CODE_DAYS);
    for _ in 0..4 {
        let code = activation_code_from(&mut || rng.gen::<u32>());
        let hash = patchbay_store::crypto::token_hash(&code);
        match state
            .store
            .create_activation_code(&caller.meta(), customer, owner, &model, &hash, expires)
            .await
        {
            Ok(_) => {
                return Ok(Json(ActivationJson {
                    code,
                    expiry_time: iso(expires),
                }))
            }
            Err(patchbay_store::StoreError::Taken(patchbay_store::Taken::ActivationCode)) => {
                continue
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Internal("no free activation code".into()))
}

pub fn endpoints() -> Vec<Endpoint> {
    const ONE: &str = "/v1/devices/{id}";
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;

    vec![
        Endpoint::new(
            Method::GET,
            "/v1/devices",
            view,
            "List devices (personId, workspaceId, locationId, displayName contains, product, mac, connectionStatus)",
            list,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/devices",
            manage,
            "Create a device by MAC for a person or workspace, with its SIP identity (DEV-1…4)",
            create,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/devices/bulk",
            manage,
            "Create partner-managed devices in bulk, each on its own, with a result per device (DEV-8)",
            bulk,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/devices/activationCode",
            manage,
            "A one-time activation code for a person or workspace (expires after 90 days)",
            activation_code,
        ),
        Endpoint::new(Method::GET, ONE, view, "Get a device", get_one),
        Endpoint::new(
            Method::DELETE,
            ONE,
            manage,
            "Delete a device; its MAC becomes available again",
            remove,
        ),
    ]
}
