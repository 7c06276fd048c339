//! `/v1/workspaces` (WSP-1 … WSP-3). wxc_sdk never sends `orgId` here: a create takes the
//! organisation from its location, reads and deletes find the workspace from its id alone.

use super::licenses::{licence_of, licence_wid};
use super::people::org_for_create;
use super::resource::{self, Acting, Resource};
use super::OrgQuery;
use super::{field_id, iso, org_wid, wid};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::{ApiQuery, JsonBody, ListQuery, Paged};
use crate::http::catalog::Endpoint;
use crate::service::calling::{org, workspaces, Surface};
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use axum::Json;
use patchbay_domain::calling::{workspace_licence_kind, workspace_licence_of};
use patchbay_domain::validation::Errors;
use patchbay_domain::{Capability, CustomerId, LocationId, Rule, WorkspaceId};
use patchbay_store::calling::workspaces::{Workspace, WorkspaceFilter, WorkspaceWrite};
use patchbay_store::calling::CallingIdentity;
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

/// Workspace filters (Webex `GET /v1/workspaces`).
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceQuery {
    /// The customer to act on.
    pub org_id: Option<String>,
    /// The workspace's name, exactly.
    pub display_name: Option<String>,
    pub location_id: Option<String>,
    /// Room type.
    #[serde(rename = "type")]
    pub room_type: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    lq: ListQuery<WorkspaceQuery>,
) -> ApiResult<Paged<WorkspaceJson>> {
    let q = &lq.filter;
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    let location = match q.location_id.as_deref().filter(|s| !s.is_empty()) {
        Some(raw) => Some(LocationId(field_id("locationId", "LOCATION", raw)?)),
        None => None,
    };
    let page = lq.page(super::DEFAULT_MAX);
    let (rows, total) = state
        .store
        .list_workspaces(
            customer,
            &WorkspaceFilter {
                display_name: q.display_name.clone(),
                search: None,
                location,
                room_type: q.room_type.clone(),
            },
            page,
        )
        .await?;
    let items = rows.into_iter().map(WorkspaceJson::from).collect();
    Ok(Paged::new(&lq, super::DEFAULT_MAX, items, total))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<WorkspaceBody>,
) -> ApiResult<Json<WorkspaceJson>> {
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
