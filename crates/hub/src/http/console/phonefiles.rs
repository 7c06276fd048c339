//! Views → Vantage files and Workplace files (VNT-1, WPL-1; Administrators): the folder's files
//! as phones fetch them from the phone file server, upload of a `.zip` or `.tar` (file chooser,
//! or dropped on the form; streamed to disk and unpacked on arrival), download selected as one
//! zip, delete selected behind a confirmation. The rules are the service's, shared with the API.

use super::customization::DeletePage;
use super::forms::{FieldMessages, FormMap};
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::service::phonefiles as svc;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use futures_util::StreamExt;
use patchbay_domain::phonefiles::Area;
use patchbay_domain::{Capability, Rule};

pub const PATH: &str = "/com/phone-files";

/// Whether `path` is a folder's upload (streamed to disk, up to 4 GiB).
pub fn is_upload(path: &str) -> bool {
    path.starts_with("/com/phone-files/") && path.ends_with("/upload")
}

pub struct FileRow {
    pub id: String,
    pub path: String,
    pub size: String,
    pub modified: String,
    pub modified_iso: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "phone_files.html")]
struct FolderPage {
    ctx: Ctx,
    area: &'static str,
    /// `http://host:port/<area>/` and its HTTPS twin.
    http_base: String,
    https_base: String,
    /// Why the phone file server is not listening, when it is not.
    server_error: Option<String>,
    files: Vec<FileRow>,
    errors: FieldMessages,
    notice: &'static str,
}

fn title(area: Area) -> &'static str {
    match area {
        Area::Vantage => "vnt-title",
        Area::Workplace => "wpl-title",
    }
}

async fn folder_page(
    state: &AppState,
    caller: &Caller,
    ctx: Ctx,
    area: Area,
    query: &str,
    errors: FieldMessages,
) -> Result<FolderPage, AppError> {
    let files = svc::list(state, caller, area)
        .await?
        .into_iter()
        .map(|f| FileRow {
            size: ctx.bytes(f.size),
            modified: ctx.datetime(f.modified_at),
            modified_iso: f.modified_at.to_string(),
            id: f.id,
            path: f.path,
            by: f.uploaded_by,
        })
        .collect();
    let notice = match FormMap::parse(query.as_bytes()).get("done") {
        Some("uploaded") => "phf-uploaded",
        Some("deleted") => "phf-deleted",
        _ => "",
    };
    let public = state.config.public_address();
    let host = public
        .rsplit_once(':')
        .map(|(h, _)| h.to_string())
        .unwrap_or(public);
    let base = format!("{host}:{}/{}/", state.phone_files_port(), area.as_str());
    Ok(FolderPage {
        area: area.as_str(),
        server_error: state.phone_files_error.get().cloned(),
        http_base: format!("http://{base}"),
        https_base: format!("https://{base}"),
        files,
        errors,
        notice,
        ctx,
    })
}

async fn folder(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Path(area): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let area = svc::area(&area)?;
    let q = q.unwrap_or_default();
    let page = folder_page(&state, &caller, ctx, area, &q, FieldMessages::default()).await?;
    Ok(render(&page))
}

async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Path(area): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let area = svc::area(&area)?;
    caller.require(Capability::ManageCustomizationFiles)?;
    let bad = |e: axum::extract::multipart::MultipartError| AppError::Malformed(e.body_text());
    let mut made = Err(AppError::field("file", Rule::Required));
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("").to_string();
        if name.is_empty() {
            break;
        }
        let body = field.map(|c| c.map_err(|e| e.body_text())).boxed();
        made = svc::upload(&state, &caller, area, &name, body).await;
        break;
    }
    match made {
        Ok(_) => {
            Ok(Redirect::to(&format!("{PATH}/{}?done=uploaded", area.as_str())).into_response())
        }
        Err(err @ (AppError::Validation(_) | AppError::FileTooLarge { .. })) => {
            let errors = FieldMessages::from_error(&err, &ctx.i18n, ctx.lang);
            let mut r = render(&folder_page(&state, &caller, ctx, area, "", errors).await?);
            *r.status_mut() = err.status();
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Path(area): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let area = svc::area(&area)?;
    let form = FormMap::parse(&body);
    let ids = form.all("id");
    if form.checked("confirm") {
        svc::delete(&state, &caller, area, &ids).await?;
        return Ok(Redirect::to(&format!("{PATH}/{}?done=deleted", area.as_str())).into_response());
    }
    let chosen = svc::selected(&state, &caller, area, &ids).await?;
    Ok(render(&DeletePage {
        title: "phf-delete-title",
        name: ctx.t(title(area)),
        chosen: chosen.into_iter().map(|f| (f.id, f.path)).collect(),
        note: "phf-delete-note",
        action: format!("{PATH}/{}/delete", area.as_str()),
        back: format!("{PATH}/{}", area.as_str()),
        ctx,
    }))
}

async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(area): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let area = svc::area(&area)?;
    let form = FormMap::parse(&body);
    let chosen = svc::selected(&state, &caller, area, &form.all("id")).await?;
    Ok(svc::zip(&state, area, chosen).into_response())
}

pub fn endpoints() -> Vec<Endpoint> {
    let cap = Capability::ManageCustomizationFiles;
    vec![
        Endpoint::page(
            Method::GET,
            "/com/phone-files/{area}",
            cap,
            "Vantage or Workplace files",
            get(folder),
        ),
        Endpoint::page(
            Method::POST,
            "/com/phone-files/{area}/upload",
            cap,
            "Upload an archive to the Vantage or Workplace folder",
            post(upload).layer(axum::extract::DefaultBodyLimit::disable()),
        ),
        Endpoint::page(
            Method::POST,
            "/com/phone-files/{area}/delete",
            cap,
            "Delete selected Vantage or Workplace files",
            post(delete),
        ),
        Endpoint::page(
            Method::POST,
            "/com/phone-files/{area}/download",
            cap,
            "Download selected Vantage or Workplace files as one zip",
            post(download),
        ),
    ]
}
