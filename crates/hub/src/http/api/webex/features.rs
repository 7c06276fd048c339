//! A person's or workspace's numbers as Webex's calling features show them (API-2):
//! `GET /v1/people/{id}/features/numbers` and `GET /v1/workspaces/{id}/features/numbers`.
//! Numbers are stored in E.164, so `preferE164Format` either way answers E.164.

use super::{flag_param, org_wid, path_id, wid, Ref};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::http::api::ApiQuery;
use crate::http::catalog::Endpoint;
use crate::service::calling::{people, workspaces};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::{Capability, PersonId, WorkspaceId};
use patchbay_store::calling::CallingIdentity;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PersonNumberJson {
    pub primary: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PersonNumbersJson {
    /// Distinctive ringing is not offered here: always false.
    pub distinctive_ring_enabled: bool,
    pub phone_numbers: Vec<PersonNumberJson>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceNumberJson {
    pub primary: bool,
    /// The number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdOnlyJson {
    pub id: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceNumbersJson {
    pub distinctive_ring_enabled: bool,
    pub phone_numbers: Vec<WorkspaceNumberJson>,
    pub workspace: IdOnlyJson,
    pub location: Ref,
    pub organization: Ref,
}

/// `orgId`, and `preferE164Format` (numbers are E.164 either way).
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct PersonNumbersQuery {
    pub org_id: Option<String>,
    #[param(value_type = Option<bool>)]
    pub prefer_e164_format: Option<String>,
}

/// `orgId` (wxc_sdk sends it as `org_id`; both are taken, and must agree).
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceNumbersQuery {
    pub org_id: Option<String>,
    /// The same as `orgId`, as wxc_sdk spells it.
    #[serde(rename = "org_id")]
    #[param(rename = "org_id")]
    pub org_id_snake: Option<String>,
}

/// The identity's one number and extension as a list (empty without either).
fn numbered(i: &CallingIdentity) -> Option<(Option<String>, Option<String>)> {
    (i.phone_number.is_some() || i.extension.is_some())
        .then(|| (i.phone_number.clone(), i.extension.clone()))
}

async fn person_numbers(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PersonNumbersQuery>,
) -> ApiResult<Json<PersonNumbersJson>> {
    flag_param("preferE164Format", q.prefer_e164_format.as_deref())?;
    let id = PersonId(path_id("PEOPLE", &id)?);
    let p = people::find(&state, &caller, id, q.org_id.as_deref()).await?;
    Ok(Json(PersonNumbersJson {
        distinctive_ring_enabled: false,
        phone_numbers: numbered(&p.fields.identity)
            .map(|(number, extension)| PersonNumberJson {
                primary: true,
                direct_number: number,
                extension,
            })
            .into_iter()
            .collect(),
    }))
}

async fn workspace_numbers(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<WorkspaceNumbersQuery>,
) -> ApiResult<Json<WorkspaceNumbersJson>> {
    let org_id = match (q.org_id.as_deref(), q.org_id_snake.as_deref()) {
        (Some(a), Some(b)) if a != b => {
            return Err(crate::error::AppError::field(
                "org_id",
                patchbay_domain::Rule::Invalid,
            ))
        }
        (a, b) => a.or(b),
    };
    let id = WorkspaceId(path_id("PLACE", &id)?);
    let w = workspaces::find(&state, &caller, id, org_id).await?;
    let i = &w.fields.identity;
    // A workspace without calling has no location and no calling features: not found, as a
    // client's model of the answer needs the location.
    let Some(location) = i.location_id else {
        return Err(crate::error::AppError::NotFound);
    };
    Ok(Json(WorkspaceNumbersJson {
        distinctive_ring_enabled: false,
        phone_numbers: numbered(i)
            .map(|(number, extension)| WorkspaceNumberJson {
                primary: true,
                external: number,
                extension,
            })
            .into_iter()
            .collect(),
        workspace: IdOnlyJson {
            id: wid("PLACE", &w.id.0),
        },
        location: Ref {
            id: wid("LOCATION", &location),
            name: w.location_name.clone(),
        },
        organization: Ref {
            id: org_wid(w.customer_id),
            name: None,
        },
    }))
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/people/{id}/features/numbers",
            view,
            "A person's number and extension as calling features list them",
            person_numbers,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/workspaces/{id}/features/numbers",
            view,
            "A workspace's number and extension, with its workspace, location and organisation (404 without calling)",
            workspace_numbers,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/workspaces/{id}/features/numbers/",
            view,
            "The same, at the path wxc_sdk calls (trailing slash)",
            workspace_numbers,
        ),
    ]
}
