//! `/v1/workspaces` (WSP-1 … WSP-3). wxc_sdk never sends `orgId` here: a create takes the
//! organisation from its location, reads and deletes find the workspace from its id alone.

use super::licenses::{licence_of, licence_wid};
use super::people::org_for_create;
use super::resource::{self, Acting, Resource};
use super::OrgQuery;
use super::{choice, field_id, flag_param, iso, org_wid, path_id, text_param, wid};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::{ApiQuery, JsonBody, ListQuery, Paged};
use crate::http::catalog::Endpoint;
use crate::service::calling::{org, workspaces, Surface};
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use axum::Json;
use patchbay_domain::calling::{workspace_licence_kind, workspace_licence_of, ROOM_TYPES};
use patchbay_domain::validation::Errors;
use patchbay_domain::{Capability, CustomerId, LocationId, Rule, WorkspaceId};
use patchbay_store::calling::workspaces::{Workspace, WorkspaceFilter, WorkspaceWrite};
use patchbay_store::calling::CallingIdentity;
use patchbay_store::list::Keyed;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebexCallingJson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licenses: Option<Vec<String>>,
}

#[derive(Debug, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CallingJson {
    /// `webexCalling` or `none` (also `freeCalling`, `thirdPartySipCalling` … accepted as none).
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webex_calling: Option<WebexCallingJson>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceJson {
    pub id: String,
    pub org_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    pub display_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<i64>,
    /// WSP-1 room type.
    #[serde(rename = "type")]
    pub room_type: String,
    pub supported_devices: String,
    pub notes: String,
    pub created: String,
    pub calling: CallingJson,
    pub hotdesking_status: &'static str,
    /// Devices on the workspace and the WSP-2 limit of its licence (Patchbay).
    pub device_count: i64,
    pub device_limit: i64,
    /// The SIP address its phone registers as (its first device's `<SIP user name>@<registrar>`);
    /// absent until it has a device.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sip_address: Option<String>,
}

impl From<Workspace> for WorkspaceJson {
    fn from(w: Workspace) -> Self {
        let f = w.fields;
        let loc = f.identity.location_id.map(|l| wid("LOCATION", &l));
        let calling = match f.licence {
            Some(l) => CallingJson {
                kind: Some("webexCalling".into()),
                webex_calling: Some(WebexCallingJson {
                    phone_number: f.identity.phone_number,
                    extension: f.identity.extension,
                    location_id: loc.clone(),
                    licenses: Some(vec![licence_wid(w.customer_id, workspace_licence_kind(l))]),
                }),
            },
            None => CallingJson {
                kind: Some(if f.calling_type == "webexCalling" {
                    "none".into()
                } else {
                    f.calling_type
                }),
                webex_calling: None,
            },
        };
        Self {
            id: wid("PLACE", &w.id.0),
            org_id: org_wid(w.customer_id),
            location_id: loc,
            display_name: f.display_name,
            capacity: f.capacity,
            room_type: f.room_type,
            supported_devices: f.supported_devices,
            notes: f.notes,
            created: iso(w.created_at),
            calling,
            hotdesking_status: "off",
            device_count: w.device_count,
            device_limit: f.licence.map(|l| l.device_limit() as i64).unwrap_or(0),
            sip_address: w.sip_address,
        }
    }
}

#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkspaceBody {
    pub display_name: Option<String>,
    pub location_id: Option<String>,
    pub workspace_location_id: Option<String>,
    pub capacity: Option<i64>,
    #[serde(rename = "type")]
    pub room_type: Option<String>,
    pub supported_devices: Option<String>,
    pub notes: Option<String>,
    pub calling: Option<CallingJson>,
    pub org_id: Option<String>,
    /// What a read answered, sent back by clients that read, change and write (as wxc_sdk
    /// does): taken when it says what the workspace already is, refused when it would change
    /// what the hub decides.
    pub id: Option<String>,
    pub created: Option<String>,
    /// Only `off` (hot desking is not offered).
    pub hotdesking_status: Option<String>,
    pub device_count: Option<i64>,
    pub device_limit: Option<i64>,
    pub sip_address: Option<String>,
}

/// The read-only fields of `b` agree with `current` (the workspace as read; none on a create,
/// where they are refused), and `hotdeskingStatus` is `off`.
fn check_echoed(b: &WorkspaceBody, current: Option<&WorkspaceJson>) -> Result<(), AppError> {
    let mut errs = Errors::default();
    if b.hotdesking_status.as_deref().is_some_and(|h| h != "off") {
        errs.push(
            "hotdeskingStatus",
            Rule::OneOf {
                allowed: "off".into(),
            },
        );
    }
    let same_instant = |sent: &str, read: &str| {
        let t = |s: &str| s.parse::<jiff::Timestamp>().ok();
        t(sent).is_some() && t(sent) == t(read)
    };
    let checks = [
        (
            "id",
            b.id.as_deref().map(|v| {
                current.is_some_and(|c| path_id("PLACE", v).ok() == path_id("PLACE", &c.id).ok())
            }),
        ),
        (
            "created",
            b.created
                .as_deref()
                .map(|v| current.is_some_and(|c| same_instant(v, &c.created))),
        ),
        (
            "deviceCount",
            b.device_count
                .map(|v| current.is_some_and(|c| c.device_count == v)),
        ),
        (
            "deviceLimit",
            b.device_limit
                .map(|v| current.is_some_and(|c| c.device_limit == v)),
        ),
        (
            "sipAddress",
            b.sip_address
                .as_deref()
                .map(|v| current.is_some_and(|c| c.sip_address.as_deref() == Some(v))),
        ),
    ];
    for (field, agrees) in checks {
        if agrees == Some(false) {
            errs.push(field, Rule::NotAllowed);
        }
    }
    errs.finish().map_err(AppError::Validation)
}

impl WorkspaceBody {
    /// The location as either place carries it.
    pub fn location(&self) -> Option<&str> {
        self.location_id
            .as_deref()
            .filter(|s| !s.is_empty())
            .or_else(|| {
                self.calling
                    .as_ref()
                    .and_then(|c| c.webex_calling.as_ref())
                    .and_then(|w| w.location_id.as_deref())
                    .filter(|s| !s.is_empty())
            })
    }
}

/// Read a body into the stored form for `customer` (`base` on update: absent fields keep their
/// value); what cannot be read goes to the returned errors, the rules are the service's.
pub fn workspace_write(
    customer: CustomerId,
    b: WorkspaceBody,
    base: Option<&WorkspaceWrite>,
) -> (WorkspaceWrite, Errors) {
    let d = base.cloned().unwrap_or_default();
    let mut errs = Errors::default();
    let location_id = match b.location() {
        Some(raw) => match field_id("locationId", "LOCATION", raw) {
            Ok(u) => Some(u),
            Err(_) => {
                errs.push("locationId", Rule::Invalid);
                None
            }
        },
        None => d.identity.location_id,
    };
    let (calling_type, licence, extension, phone_number) = match b.calling {
        Some(c) => {
            let kind = c.kind.unwrap_or_else(|| "webexCalling".into());
            if kind == "webexCalling" {
                let wc = c.webex_calling.unwrap_or_default();
                let licence = match wc.licenses.unwrap_or_default().as_slice() {
                    [] => None,
                    [one] => {
                        let l = licence_of(customer, one, "licenses")
                            .ok()
                            .and_then(workspace_licence_of);
                        if l.is_none() {
                            errs.push("licenses", Rule::Invalid);
                        }
                        l
                    }
                    _ => {
                        errs.push("licenses", Rule::TooMany { max: 1 });
                        None
                    }
                };
                (kind, licence, wc.extension, wc.phone_number)
            } else {
                (kind, None, None, None)
            }
        }
        None => (
            d.calling_type,
            d.licence,
            d.identity.extension,
            d.identity.phone_number,
        ),
    };
    let w = WorkspaceWrite {
        display_name: b.display_name.unwrap_or(d.display_name),
        room_type: b.room_type.unwrap_or(d.room_type),
        capacity: b.capacity.or(d.capacity),
        licence,
        calling_type,
        supported_devices: b.supported_devices.unwrap_or(d.supported_devices),
        notes: b.notes.unwrap_or(d.notes),
        identity: CallingIdentity {
            location_id,
            extension,
            phone_number,
        },
    };
    (w, errs)
}

/// The service's field names as a workspace body nests them.
const BODY_NAMES: [(&str, &str); 3] = [
    ("licenses", "calling.webexCalling.licenses"),
    ("extension", "calling.webexCalling.extension"),
    ("phoneNumbers", "calling.webexCalling.phoneNumber"),
];

/// Workspace filters (Webex `GET /v1/workspaces`): every filter Webex documents is applied or
/// refused. Properties no workspace here has (a workspace location or floor, a calendar, hosted
/// meetings, a device platform, planned maintenance) match nothing when asked for.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceQuery {
    /// The customer to act on.
    pub org_id: Option<String>,
    /// The workspace's name, exactly (case-insensitive).
    pub display_name: Option<String>,
    pub location_id: Option<String>,
    /// Room type.
    #[serde(rename = "type")]
    #[param(rename = "type", schema_with = room_type_schema)]
    pub room_type: Option<String>,
    /// Exactly this capacity; `-1`: workspaces with none set.
    #[param(value_type = Option<i64>, minimum = -1)]
    pub capacity: Option<String>,
    /// `webexCalling` (a calling licence), `none`, or another Webex calling type.
    #[param(schema_with = calling_schema)]
    pub calling: Option<String>,
    #[param(schema_with = supported_devices_schema)]
    pub supported_devices: Option<String>,
    /// No workspace here has a workspace location: any value matches nothing.
    pub workspace_location_id: Option<String>,
    /// No workspace here has a floor: any value matches nothing.
    pub floor_id: Option<String>,
    /// `none` (every workspace here); `google` or `microsoft` match nothing.
    #[param(schema_with = calendar_schema)]
    pub calendar: Option<String>,
    /// `true` matches nothing (no device-hosted meetings here).
    #[param(value_type = Option<bool>)]
    pub device_hosted_meetings_enabled: Option<String>,
    /// No workspace here has a device platform: any value matches nothing.
    #[param(schema_with = device_platform_schema)]
    pub device_platform: Option<String>,
    /// `off` (every workspace here); `on` or `upcoming` match nothing.
    #[param(schema_with = maintenance_schema)]
    pub planned_maintenance: Option<String>,
    /// Not supported: workspace health is not computed here.
    pub health_level: Option<String>,
    /// Only `false`: devices are listed at `/v1/devices?workspaceId=`.
    #[param(value_type = Option<bool>)]
    pub include_devices: Option<String>,
    /// Only `false`: workspaces here have no capability map.
    #[param(value_type = Option<bool>)]
    pub include_capabilities: Option<String>,
    /// Not supported: workspaces here have no custom attributes.
    pub custom_attribute: Option<String>,
}

const CALLING_TYPES: [&str; 6] = [
    "freeCalling",
    "hybridCalling",
    "webexCalling",
    "webexEdgeForDevices",
    "thirdPartySipCalling",
    "none",
];

crate::schema_fn! {
    room_type_schema => crate::http::api::schema::one_of(ROOM_TYPES);
    calling_schema => crate::http::api::schema::one_of(CALLING_TYPES);
    supported_devices_schema => crate::http::api::schema::one_of(["phones", "collaborationDevices"]);
    calendar_schema => crate::http::api::schema::one_of(["none", "google", "microsoft"]);
    device_platform_schema => crate::http::api::schema::one_of(["cisco", "microsoftTeamsRoom"]);
    maintenance_schema => crate::http::api::schema::one_of(["off", "on", "upcoming"]);
}

/// The store filter of a workspace query.
fn workspace_filter(q: &WorkspaceQuery) -> Result<WorkspaceFilter, AppError> {
    let text = text_param;
    for (field, v) in [
        ("healthLevel", &q.health_level),
        ("customAttribute", &q.custom_attribute),
    ] {
        if text(v).is_some() {
            return Err(AppError::field(field, Rule::Unsupported));
        }
    }
    for (field, v) in [
        ("includeDevices", &q.include_devices),
        ("includeCapabilities", &q.include_capabilities),
    ] {
        if flag_param(field, v.as_deref())? == Some(true) {
            return Err(AppError::field(field, Rule::Unsupported));
        }
    }
    let location = match text(&q.location_id) {
        Some(raw) => Some(LocationId(field_id("locationId", "LOCATION", raw)?)),
        None => None,
    };
    let capacity = match text(&q.capacity) {
        None => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(-1) => Some(None),
            Ok(c) if c >= 0 => Some(Some(c)),
            _ => {
                return Err(AppError::field(
                    "capacity",
                    Rule::Range {
                        min: -1,
                        max: i64::MAX,
                    },
                ))
            }
        },
    };
    let mut nothing = text(&q.workspace_location_id).is_some() || text(&q.floor_id).is_some();
    nothing |= choice(
        "calendar",
        q.calendar.as_deref(),
        &["none", "google", "microsoft"],
    )?
    .is_some_and(|c| c != "none");
    nothing |= flag_param(
        "deviceHostedMeetingsEnabled",
        q.device_hosted_meetings_enabled.as_deref(),
    )? == Some(true);
    nothing |= choice(
        "devicePlatform",
        q.device_platform.as_deref(),
        &["cisco", "microsoftTeamsRoom"],
    )?
    .is_some();
    nothing |= choice(
        "plannedMaintenance",
        q.planned_maintenance.as_deref(),
        &["off", "on", "upcoming"],
    )?
    .is_some_and(|m| m != "off");
    Ok(WorkspaceFilter {
        display_name: q.display_name.clone(),
        search: None,
        location,
        room_type: choice("type", q.room_type.as_deref(), &ROOM_TYPES)?.map(str::to_string),
        capacity,
        calling: choice("calling", q.calling.as_deref(), &CALLING_TYPES)?.map(str::to_string),
        supported_devices: choice(
            "supportedDevices",
            q.supported_devices.as_deref(),
            &["phones", "collaborationDevices"],
        )?
        .map(str::to_string),
        nothing,
    })
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    lq: ListQuery<WorkspaceQuery>,
) -> ApiResult<Paged<WorkspaceJson>> {
    let customer = org(&state, &caller, lq.filter.org_id.as_deref()).await?;
    let filter = workspace_filter(&lq.filter)?;
    let page = lq.page(super::DEFAULT_MAX);
    let (rows, total) = state.store.list_workspaces(customer, &filter, page).await?;
    let last = rows.last().map(Keyed::cursor);
    let items = rows.into_iter().map(WorkspaceJson::from).collect();
    Ok(Paged::keyed(&lq, super::DEFAULT_MAX, items, total, last))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<WorkspaceBody>,
) -> ApiResult<Json<WorkspaceJson>> {
    check_echoed(&b, None)?;
    let org_id = q.org_id.clone().or_else(|| b.org_id.clone());
    let location = b.location().map(String::from);
    let customer = org_for_create(&state, &caller, org_id.as_deref(), location.as_deref()).await?;
    let (w, errs) = workspace_write(customer, b, None);
    let ws = workspaces::create(&state, &caller, customer, w, Surface::Api, errs)
        .await
        .map_err(|e| e.renamed(&BODY_NAMES))?;
    Ok(Json(WorkspaceJson::from(ws)))
}

/// `/v1/workspaces/{id}`.
pub struct WorkspaceResource;

impl Resource for WorkspaceResource {
    const KIND: &'static str = "PLACE";
    const ONE: &'static str = "/v1/workspaces/{id}";
    const SUMMARIES: [&'static str; 3] = [
        "Get a workspace",
        "Update a workspace",
        "Delete a workspace and its devices",
    ];
    type Entity = Workspace;
    type Json = WorkspaceJson;
    type Body = WorkspaceBody;
    type Query = OrgQuery;

    async fn find(at: Acting<'_>, id: uuid::Uuid) -> Result<Workspace, AppError> {
        workspaces::find(at.state, at.caller, WorkspaceId(id), at.org).await
    }
    async fn update(
        at: Acting<'_>,
        ws: Workspace,
        b: WorkspaceBody,
    ) -> Result<Workspace, AppError> {
        check_echoed(&b, Some(&WorkspaceJson::from(ws.clone())))?;
        let (w, errs) = workspace_write(ws.customer_id, b, Some(&ws.fields));
        workspaces::update(at.state, at.caller, &ws, w, Surface::Api, errs)
            .await
            .map_err(|e| e.renamed(&BODY_NAMES))
    }
    async fn delete(at: Acting<'_>, ws: Workspace) -> Result<(), AppError> {
        workspaces::delete(at.state, at.caller, &ws).await
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    let mut all = vec![
        Endpoint::new(
            Method::GET,
            "/v1/workspaces",
            view,
            "List workspaces (displayName exact, locationId, type)",
            list,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/workspaces",
            manage,
            "Create a workspace (organisation from orgId or the location); a calling licence is consumed",
            create,
        ),
    ];
    all.extend(resource::endpoints::<WorkspaceResource>());
    all
}
