//! The software repository (SWR-1): `/v1/operations/repository/releases` (list, one, delete)
//! and `/v1/operations/repository/uploads` — the tus resumable uploads releases arrive by
//! (`http::tus`).

use super::schema::one_of;
use super::{ListQuery, Listed, NoContent, Paged};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::Endpoint;
use crate::http::tus;
use crate::service::repository as svc;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::{Capability, Rule};
use patchbay_store::repository::{Release, ReleaseFilter, ReleaseSort, Upload};
use serde::{Deserialize, Serialize};

/// The profiles a release may be for.
pub const PROFILES: [&str; 3] = ["ip500v2", "server-edition", "accs"];

crate::schema_fn! {
    profile_schema => one_of(PROFILES);
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseJson {
    pub id: String,
    /// The file's name as uploaded.
    pub name: String,
    pub version: String,
    /// ip500v2 | server-edition | accs
    pub profile: String,
    /// The phone firmware the release serves once installed (UPG-2); empty when not stated.
    pub phone_firmware: String,
    /// Bytes, as the hub received them.
    pub size: i64,
    /// SHA-256 of the whole file as the hub computed it (hex).
    pub sha256: String,
    pub uploaded: String,
    /// The uploader's login name.
    pub uploaded_by: String,
}

impl From<Release> for ReleaseJson {
    fn from(r: Release) -> Self {
        Self {
            id: r.id,
            name: r.name,
            version: r.version,
            profile: r.profile,
            phone_firmware: r.phone_firmware,
            size: r.size,
            sha256: r.sha256,
            uploaded: r.uploaded_at.to_string(),
            uploaded_by: r.uploaded_by,
        }
    }
}

/// Release filters.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseQuery {
    #[param(schema_with = profile_schema)]
    pub profile: Option<String>,
    /// Part of the name, version or checksum.
    pub search: Option<String>,
}

impl ReleaseQuery {
    pub fn filter(&self) -> Result<ReleaseFilter, AppError> {
        let profile = self.profile.clone().filter(|p| !p.trim().is_empty());
        if let Some(p) = &profile {
            if !PROFILES.contains(&p.as_str()) {
                return Err(AppError::field(
                    "profile",
                    Rule::OneOf {
                        allowed: PROFILES.join(", "),
                    },
                ));
            }
        }
        Ok(ReleaseFilter {
            profile,
            search: self.search.clone().filter(|s| !s.trim().is_empty()),
        })
    }
}

async fn list_releases(
    State(state): State<AppState>,
    caller: Caller,
    lq: ListQuery<ReleaseQuery, ReleaseSort>,
) -> ApiResult<Paged<ReleaseJson>> {
    let found = svc::releases(&state, &caller, &lq.filter.filter()?, lq.sort, lq.page(50)).await?;
    let total = found.total;
    let items = found.items.into_iter().map(ReleaseJson::from).collect();
    Ok(Paged::new(&lq, 50, items, total))
}

async fn get_release(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ReleaseJson>> {
    Ok(Json(svc::release(&state, &caller, &id).await?.into()))
}

async fn delete_release(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<NoContent> {
    svc::delete_release(&state, &caller, &id).await?;
    Ok(NoContent)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadJson {
    pub id: String,
    /// The path to HEAD, PATCH or DELETE (tus).
    pub location: String,
    pub name: String,
    pub version: String,
    pub profile: String,
    pub phone_firmware: String,
    /// Bytes the upload will have.
    pub length: i64,
    /// Bytes kept so far.
    pub offset: i64,
    pub created: String,
    /// When it is forgotten unless touched.
    pub expires: String,
}

impl From<Upload> for UploadJson {
    fn from(u: Upload) -> Self {
        Self {
            location: format!("{}/{}", tus::API_PATH, u.id),
            id: u.id,
            name: u.name,
            version: u.version,
            profile: u.profile,
            phone_firmware: u.phone_firmware,
            length: u.length,
            offset: u.offset,
            created: u.created_at.to_string(),
            expires: u.expires_at.to_string(),
        }
    }
}

async fn list_uploads(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Listed<UploadJson>> {
    let items = svc::open_uploads(&state, &caller)
        .await?
        .into_iter()
        .map(UploadJson::from)
        .collect();
    Ok(Listed::items(items))
}

pub fn endpoints() -> Vec<Endpoint> {
    const UPLOAD: &str = "/v1/operations/repository/uploads/{id}";
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/operations/repository/releases",
            Capability::ViewOperations,
            "List the software repository's releases (SWR-1)",
            list_releases,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/repository/releases/{id}",
            Capability::ViewOperations,
            "Get a release of the software repository (SWR-1)",
            get_release,
        ),
        Endpoint::new(
            Method::DELETE,
            "/v1/operations/repository/releases/{id}",
            Capability::ManageRepository,
            "Delete a release and its file (SWR-1)",
            delete_release,
        ),
        Endpoint::new(
            Method::GET,
            tus::API_PATH,
            Capability::ManageRepository,
            "List your unfinished release uploads (SWR-1)",
            list_uploads,
        ),
        Endpoint::new(
            Method::OPTIONS,
            tus::API_PATH,
            Capability::ManageRepository,
            "tus: the upload protocol's version, extensions and limits (SWR-1)",
            tus::options,
        ),
        Endpoint::new(
            Method::POST,
            tus::API_PATH,
            Capability::ManageRepository,
            "tus creation: start a resumable release upload (SWR-1)",
            tus::create,
        ),
        Endpoint::new(
            Method::HEAD,
            UPLOAD,
            Capability::ManageRepository,
            "tus: an upload's offset, to resume it (SWR-1)",
            tus::head,
        ),
        Endpoint::new(
            Method::PATCH,
            UPLOAD,
            Capability::ManageRepository,
            "tus: append bytes at the upload's offset; the last ones make the release (SWR-1)",
            tus::patch,
        ),
        Endpoint::new(
            Method::DELETE,
            UPLOAD,
            Capability::ManageRepository,
            "tus termination: forget an upload and its bytes (SWR-1)",
            tus::delete,
        ),
    ]
}
