//! The phone file server's folders (VNT-1, WPL-1): `/v1/operations/phone-files/{area}` with
//! `area` = `vantage` or `workplace` — list, upload a `.zip` or `.tar` (unpacked on arrival),
//! delete selected, download selected as one zip. Administrators only. Phones fetch the files
//! from the phone file server at `/<area>/<path>`.

use super::customization::FileIdsBody;
use super::{JsonBody, Listed, NoContent, ZipDownload};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::{BodyDoc, DocInput, Endpoint, OpDoc};
use crate::service::phonefiles as svc;
use crate::state::AppState;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::Capability;
use patchbay_store::phonefiles::PhoneFile;
use serde::Serialize;

/// Where the folders are.
pub const BASE: &str = "/v1/operations/phone-files/";

/// Whether `path` is an archive upload (streamed to disk whatever its size, up to 4 GiB).
pub fn is_upload(path: &str) -> bool {
    path.starts_with(BASE) && path.ends_with("/archives")
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PhoneFileJson {
    pub id: String,
    /// Where phones fetch it: `/<area>/<path>` on the phone file server.
    pub path: String,
    pub size: i64,
    pub sha256: String,
    /// When it was stored (its `Last-Modified` on the phone file server).
    pub modified: String,
    pub uploaded_by: String,
}

impl From<PhoneFile> for PhoneFileJson {
    fn from(f: PhoneFile) -> Self {
        Self {
            id: f.id,
            path: f.path,
            size: f.size,
            sha256: f.sha256,
            modified: f.modified_at.to_string(),
            uploaded_by: f.uploaded_by,
        }
    }
}

async fn files(
    State(state): State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
) -> ApiResult<Listed<PhoneFileJson>> {
    let area = svc::area(&area)?;
    let items = svc::list(&state, &caller, area)
        .await?
        .into_iter()
        .map(PhoneFileJson::from)
        .collect();
    Ok(Listed::items(items))
}

/// An archive's bytes, streamed.
pub struct ArchiveBody(pub axum::body::Body);

impl<S: Send + Sync> FromRequest<S> for ArchiveBody {
    type Rejection = AppError;
    async fn from_request(req: Request, _: &S) -> Result<Self, AppError> {
        Ok(Self(req.into_body()))
    }
}

impl DocInput for ArchiveBody {
    fn describe(op: &mut OpDoc) {
        op.body = Some(BodyDoc {
            content: vec![
                ("application/zip", super::schema::binary()),
                ("application/x-tar", super::schema::binary()),
                ("application/octet-stream", super::schema::binary()),
            ],
            required: true,
            description: Some(
                "A .zip or .tar (told by its bytes), at most 4 GiB; its files are served at \
                 their paths in the archive, each replacing the file at that path.",
            ),
        });
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadedJson {
    /// How many files the archive held.
    pub files: usize,
    /// How many of them replaced a file at the same path.
    pub replaced: usize,
}

async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
    ArchiveBody(body): ArchiveBody,
) -> ApiResult<Json<UploadedJson>> {
    let area = svc::area(&area)?;
    let up = svc::upload(&state, &caller, area, "archive", body.into_data_stream()).await?;
    Ok(Json(UploadedJson {
        files: up.files,
        replaced: up.replaced,
    }))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
    JsonBody(b): JsonBody<FileIdsBody>,
) -> ApiResult<NoContent> {
    svc::delete(&state, &caller, svc::area(&area)?, &b.file_ids).await?;
    Ok(NoContent)
}

async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
    JsonBody(b): JsonBody<FileIdsBody>,
) -> ApiResult<ZipDownload> {
    let area = svc::area(&area)?;
    let chosen = svc::selected(&state, &caller, area, &b.file_ids).await?;
    Ok(svc::zip(&state, area, chosen))
}

pub fn endpoints() -> Vec<Endpoint> {
    let cap = Capability::ManageCustomizationFiles;
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/operations/phone-files/{area}/files",
            cap,
            "List the files of the Vantage or Workplace folder (VNT-1, WPL-1)",
            files,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/phone-files/{area}/archives",
            cap,
            "Upload a .zip or .tar to the Vantage or Workplace folder, unpacked on arrival (VNT-1, WPL-1)",
            upload,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/phone-files/{area}/files/actions/delete/invoke",
            cap,
            "Delete selected files of the Vantage or Workplace folder (VNT-1, WPL-1)",
            delete,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/phone-files/{area}/files/actions/download/invoke",
            cap,
            "Download selected files of the Vantage or Workplace folder as one zip (VNT-1, WPL-1)",
            download,
        ),
    ]
}
