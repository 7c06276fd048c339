//! `GET /v1/telephony/config/workspaces/{id}/devices` (API-2): the devices on which a
//! workspace has a line — its own (`PRIMARY`) and others' where it shares one — and how many
//! it may own (WSP-2).

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::http::api::webex::{path_id, wid, OrgQuery, Ref};
use crate::http::api::ApiQuery;
use crate::service::calling::workspaces;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use patchbay_domain::calling::MemberKind;
use patchbay_domain::WorkspaceId;
use patchbay_store::calling::devices::{Device, DeviceFilter};
use patchbay_store::PageRequest;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceOwnerJson {
    pub id: String,
    /// `PEOPLE` or `PLACE`
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub first_name: String,
    pub last_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Ref>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberDeviceJson {
    pub id: String,
    pub description: Vec<String>,
    pub model: String,
    pub mac: String,
    /// The member owns the device.
    pub primary_owner: bool,
    /// `PRIMARY` on its own device, `SHARED_CALL_APPEARANCE` on another's.
    #[serde(rename = "type")]
    pub line_type: &'static str,
    /// `ACTIVATED` once a registrar reports it, `ACTIVATING` until then.
    pub activation_state: &'static str,
    pub owner: DeviceOwnerJson,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberDevicesJson {
    pub devices: Vec<MemberDeviceJson>,
    /// How many devices the member may own (WSP-2: 5 with a Professional licence, 1 with a
    /// Workspaces one, 0 without calling).
    pub max_device_count: i64,
}

/// At most this many devices are listed (a workspace owns at most 5; shared lines add a few).
const MAX_LISTED: i64 = 1000;

fn device_json(d: Device, member: uuid::Uuid) -> MemberDeviceJson {
    let own = d.owner.id == member;
    let o = d.owner;
    MemberDeviceJson {
        id: wid("DEVICE", &d.id.0),
        description: Vec::new(),
        model: d.model.model,
        mac: d.mac,
        primary_owner: own,
        line_type: if own {
            "PRIMARY"
        } else {
            "SHARED_CALL_APPEARANCE"
        },
        activation_state: if d.status == "connected" {
            "ACTIVATED"
        } else {
            "ACTIVATING"
        },
        owner: DeviceOwnerJson {
            id: wid(o.kind.as_str(), &o.id),
            kind: o.kind.as_str(),
            first_name: o.first_name,
            last_name: o.last_name,
            location: o.location_id.map(|l| Ref {
                id: wid("LOCATION", &l),
                name: None,
            }),
        },
    }
}

pub(super) async fn workspace_devices(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<MemberDevicesJson>> {
    let id = WorkspaceId(path_id("PLACE", &id)?);
    let w = workspaces::find(&state, &caller, id, q.org_id.as_deref()).await?;
    let filter = DeviceFilter {
        line_of: Some((MemberKind::Place, w.id.0)),
        ..Default::default()
    };
    let (rows, _) = state
        .store
        .list_devices(w.customer_id, &filter, PageRequest::new(0, MAX_LISTED))
        .await?;
    Ok(Json(MemberDevicesJson {
        devices: rows.into_iter().map(|d| device_json(d, w.id.0)).collect(),
        max_device_count: w
            .fields
            .licence
            .map(|l| l.device_limit() as i64)
            .unwrap_or(0),
    }))
}
