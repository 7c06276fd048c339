//! Customization folders (CST-1…3, CST-6): `/v1/operations/customization/folders` — the tree,
//! each folder's files, upload (checked before it is accepted: every problem at once), rename,
//! delete, download as one zip. Administrators only.

use super::{JsonBody, Listed, NoContent, ZipDownload};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::{BodyDoc, DocInput, Endpoint, OpDoc};
use crate::service::customization as svc;
use crate::state::AppState;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::customization::{Problem, MAX_FILE};
use patchbay_domain::Capability;
use patchbay_store::customization::CustomFile;
use serde::{Deserialize, Serialize};

/// Where the folders are.
pub const FOLDERS: &str = "/v1/operations/customization/folders/";

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FolderJson {
    /// `distributor:<id>`, `reseller:<id>` or `customer:<id>`: the folder's id in these paths.
    pub id: String,
    /// distributor | reseller | customer
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    /// The folder above it (a customer's reseller or distributor, a reseller's distributor).
    pub parent: Option<String>,
    pub files: i64,
}

fn flatten(nodes: Vec<svc::Node>, parent: Option<String>, out: &mut Vec<FolderJson>) {
    for n in nodes {
        let id = n.folder.key();
        out.push(FolderJson {
            id: id.clone(),
            kind: n.folder.kind().into(),
            name: n.name,
            parent: parent.clone(),
            files: n.files,
        });
        flatten(n.children, Some(id), out);
    }
}

async fn folders(State(state): State<AppState>, caller: Caller) -> ApiResult<Listed<FolderJson>> {
    let mut out = Vec::new();
    flatten(svc::tree(&state, &caller).await?, None, &mut out);
    Ok(Listed::items(out))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProblemJson {
    /// The problem's code (`firmware`, `script-unknown-label`, `image-size` …).
    pub code: String,
    /// Where: an entry of the archive, or `46xxspecials.txt:<line>`.
    pub at: String,
    pub value: String,
    /// In English.
    pub message: String,
}

impl From<&Problem> for ProblemJson {
    fn from(p: &Problem) -> Self {
        Self {
            code: p.code.into(),
            at: p.at.clone(),
            value: p.value.clone(),
            message: p.english(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomFileJson {
    pub id: String,
    pub name: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded: String,
    pub uploaded_by: String,
    /// Whether systems use it: only CustomPhoneFiles.tar, CustomTemplates.tar and CustomData.xml.
    pub used_by_systems: bool,
    /// What the check found but did not refuse.
    pub warnings: Vec<ProblemJson>,
}

/// The warnings a stored file carries (JSON of its row).
#[derive(Deserialize)]
struct StoredProblem {
    code: String,
    at: String,
    value: String,
}

impl From<CustomFile> for CustomFileJson {
    fn from(f: CustomFile) -> Self {
        let stored: Vec<StoredProblem> = serde_json::from_str(&f.warnings).unwrap_or_default();
        Self {
            used_by_systems: patchbay_domain::customization::STANDARD.contains(&f.name.as_str()),
            id: f.id,
            name: f.name,
            size: f.size,
            sha256: f.sha256,
            uploaded: f.uploaded_at.to_string(),
            uploaded_by: f.uploaded_by,
            warnings: stored
                .into_iter()
                .map(|p| ProblemJson {
                    message: format!(
                        "{}: {}",
                        p.at,
                        patchbay_domain::customization::detail(&p.code, &p.value)
                    ),
                    code: p.code,
                    at: p.at,
                    value: p.value,
                })
                .collect(),
        }
    }
}

async fn files(
    State(state): State<AppState>,
    caller: Caller,
    Path(folder): Path<String>,
) -> ApiResult<Listed<CustomFileJson>> {
    let items = svc::files(&state, &caller, &folder)
        .await?
        .into_iter()
        .map(CustomFileJson::from)
        .collect();
    Ok(Listed::items(items))
}

/// A file's bytes (at most 10 MB).
pub struct FileBody(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for FileBody {
    type Rejection = AppError;
    async fn from_request(req: Request, _: &S) -> Result<Self, AppError> {
        let too_large = AppError::FileTooLarge {
            max_bytes: MAX_FILE,
        };
        axum::body::to_bytes(req.into_body(), MAX_FILE as usize)
            .await
            .map(FileBody)
            .map_err(|_| too_large)
    }
}

impl DocInput for FileBody {
    fn describe(op: &mut OpDoc) {
        op.body = Some(BodyDoc {
            content: vec![("application/octet-stream", super::schema::binary())],
            required: true,
            description: Some("The file itself, at most 10 MB."),
        });
    }
}

async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path((folder, name)): Path<(String, String)>,
    FileBody(bytes): FileBody,
) -> ApiResult<Json<CustomFileJson>> {
    let up = svc::upload(&state, &caller, &folder, &name, bytes).await?;
    Ok(Json(up.file.into()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RenameBody {
    /// Letters, digits, `.`, `_`, `-`; a name other than the three standard ones stops systems
    /// using it.
    pub name: String,
}

async fn rename(
    State(state): State<AppState>,
    caller: Caller,
    Path((folder, id)): Path<(String, String)>,
    JsonBody(b): JsonBody<RenameBody>,
) -> ApiResult<NoContent> {
    svc::rename(&state, &caller, &folder, &id, &b.name).await?;
    Ok(NoContent)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FileIdsBody {
    pub file_ids: Vec<String>,
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(folder): Path<String>,
    JsonBody(b): JsonBody<FileIdsBody>,
) -> ApiResult<NoContent> {
    svc::delete(&state, &caller, &folder, &b.file_ids).await?;
    Ok(NoContent)
}

async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(folder): Path<String>,
    JsonBody(b): JsonBody<FileIdsBody>,
) -> ApiResult<ZipDownload> {
    let chosen = svc::selected(&state, &caller, &folder, &b.file_ids).await?;
    Ok(svc::zip(&state, &folder, chosen))
}

pub fn endpoints() -> Vec<Endpoint> {
    let cap = Capability::ManageCustomizationFiles;
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/operations/customization/folders",
            cap,
            "List the customization folders: distributors, resellers, customers (CST-1)",
            folders,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/customization/folders/{id}/files",
            cap,
            "List a customization folder's files (CST-3)",
            files,
        ),
        Endpoint::new(
            Method::PUT,
            "/v1/operations/customization/folders/{id}/files/{name}",
            cap,
            "Upload a file to a customization folder, checked first: every problem at once (CST-2, CST-6)",
            upload,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/customization/folders/{id}/files/{fileId}/actions/rename/invoke",
            cap,
            "Rename a customization file (CST-3)",
            rename,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/customization/folders/{id}/files/actions/delete/invoke",
            cap,
            "Delete selected customization files (CST-3)",
            delete,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/customization/folders/{id}/files/actions/download/invoke",
            cap,
            "Download selected customization files as one zip (CST-3)",
            download,
        ),
    ]
}
