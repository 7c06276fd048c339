//! Views → File management (CST-1…3, CST-6; Administrators): the folder tree (distributors,
//! their resellers, the customers under them, a customer's folder opened by its customer ID),
//! and a folder's files — upload (file chooser, or dropped on the form), checked before it is
//! accepted with every problem listed; rename; delete selected behind a confirmation; download
//! selected as one zip. The rules are the service's, shared with the API.

use super::forms::{FieldMessages, FormMap};
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::service::customization as svc;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::customization::{detail, STANDARD};
use patchbay_domain::{Capability, Rule};

pub const PATH: &str = "/com/files";

/// Whether `path` is a folder's upload (its body may be up to 10 MB).
pub fn is_upload(path: &str) -> bool {
    path.starts_with("/com/files/") && path.ends_with("/upload")
}

/// A folder of the tree as the page shows it.
pub struct TreeRow {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub files: i64,
    pub depth: usize,
}

#[derive(Template)]
#[template(path = "files.html")]
struct TreePage {
    ctx: Ctx,
    rows: Vec<TreeRow>,
    customer_id: String,
    not_found: bool,
}

fn rows(ctx: &Ctx, nodes: Vec<svc::Node>, depth: usize, out: &mut Vec<TreeRow>) {
    for n in nodes {
        out.push(TreeRow {
            href: format!("{PATH}/{}", n.folder.key()),
            name: n.name,
            kind: ctx.t(&format!("cst-kind-{}", n.folder.kind())),
            files: n.files,
            depth,
        });
        rows(ctx, n.children, depth + 1, out);
    }
}

async fn tree(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = FormMap::parse(q.unwrap_or_default().as_bytes());
    let mut out = Vec::new();
    rows(&ctx, svc::tree(&state, &caller).await?, 0, &mut out);
    Ok(render(&TreePage {
        rows: out,
        customer_id: form.text("customerId"),
        not_found: form.checked("notFound"),
        ctx,
    }))
}

/// "Open a customer's folder": by its customer ID.
async fn open(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    caller.require(Capability::ManageCustomizationFiles)?;
    let form = FormMap::parse(q.unwrap_or_default().as_bytes());
    let key = form.text("customerId");
    match state.store.customer_folder_by_key(&key).await {
        Ok(f) => Ok(Redirect::to(&format!("{PATH}/{}", f.key())).into_response()),
        Err(patchbay_store::StoreError::NotFound) => {
            let q: String = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("customerId", &key)
                .append_pair("notFound", "on")
                .finish();
            Ok(Redirect::to(&format!("{PATH}?{q}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub struct FileRow {
    pub id: String,
    pub name: String,
    pub size: String,
    pub uploaded: String,
    pub uploaded_iso: String,
    pub by: String,
    pub used: bool,
    pub warnings: Vec<String>,
}

#[derive(Template)]
#[template(path = "files_folder.html")]
struct FolderPage {
    ctx: Ctx,
    key: String,
    name: String,
    files: Vec<FileRow>,
    /// Problems of a refused upload, in the page's language.
    problems: Vec<String>,
    errors: FieldMessages,
    notice: &'static str,
    standard: String,
}

#[derive(serde::Deserialize)]
struct StoredProblem {
    code: String,
    at: String,
    value: String,
}

fn problem_text(ctx: &Ctx, code: &str, at: &str, value: &str) -> String {
    let id = format!("cst-problem-{code}");
    let what = ctx.t1(&id, "value", value);
    // A code without its message falls back to the English text.
    let what = if what == id {
        detail(code, value)
    } else {
        what
    };
    format!("{at}: {what}")
}

async fn folder_page(
    state: &AppState,
    caller: &Caller,
    ctx: Ctx,
    key: &str,
    query: &str,
    problems: Vec<String>,
    errors: FieldMessages,
) -> Result<FolderPage, AppError> {
    let (folder, name) = svc::folder_name(state, caller, key).await?;
    let files = svc::files(state, caller, key)
        .await?
        .into_iter()
        .map(|f| {
            let stored: Vec<StoredProblem> = serde_json::from_str(&f.warnings).unwrap_or_default();
            FileRow {
                used: STANDARD.contains(&f.name.as_str()),
                warnings: stored
                    .iter()
                    .map(|p| problem_text(&ctx, &p.code, &p.at, &p.value))
                    .collect(),
                size: ctx.bytes(f.size),
                uploaded: ctx.datetime(f.uploaded_at),
                uploaded_iso: f.uploaded_at.to_string(),
                id: f.id,
                name: f.name,
                by: f.uploaded_by,
            }
        })
        .collect();
    let notice = match FormMap::parse(query.as_bytes()).get("done") {
        Some("uploaded") => "cst-uploaded",
        Some("deleted") => "cst-deleted",
        Some("renamed") => "cst-renamed",
        _ => "",
    };
    Ok(FolderPage {
        key: folder.key(),
        name,
        files,
        problems,
        errors,
        notice,
        standard: STANDARD.join(", "),
        ctx,
    })
}

async fn folder(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Path(key): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let q = q.unwrap_or_default();
    let page = folder_page(
        &state,
        &caller,
        ctx,
        &key,
        &q,
        Vec::new(),
        FieldMessages::default(),
    )
    .await?;
    Ok(render(&page))
}

/// Render the folder with the problems of `err` (a refused upload or rename).
async fn refused(
    state: &AppState,
    caller: &Caller,
    ctx: Ctx,
    key: &str,
    err: AppError,
) -> Result<Response, AppError> {
    let status = err.status();
    let mut problems = Vec::new();
    let mut fields = Vec::new();
    match &err {
        AppError::Validation(errs) => {
            for e in errs {
                match &e.rule {
                    Rule::Content { code, value } => {
                        problems.push(problem_text(&ctx, code, &e.field, value))
                    }
                    _ => fields.push(e.clone()),
                }
            }
        }
        AppError::FileTooLarge { .. } | AppError::Conflict(..) => {
            problems.push(ctx.i18n.error_texts(ctx.lang, &err).1.join(" "))
        }
        _ => return Err(err),
    }
    let errors = FieldMessages::from_error(&AppError::Validation(fields), &ctx.i18n, ctx.lang);
    let mut r = render(&folder_page(state, caller, ctx, key, "", problems, errors).await?);
    *r.status_mut() = status;
    Ok(r)
}

async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Path(key): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    caller.require(Capability::ManageCustomizationFiles)?;
    let bad = |e: axum::extract::multipart::MultipartError| AppError::Malformed(e.body_text());
    let limit = patchbay_domain::customization::MAX_FILE as usize;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("").to_string();
        let mut buf = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if buf.len() + chunk.len() > limit {
                let err = AppError::FileTooLarge {
                    max_bytes: limit as u64,
                };
                return refused(&state, &caller, ctx, &key, err).await;
            }
            buf.extend_from_slice(&chunk);
        }
        if name.is_empty() {
            break;
        }
        return match svc::upload(&state, &caller, &key, &name, Bytes::from(buf)).await {
            Ok(_) => Ok(Redirect::to(&format!("{PATH}/{key}?done=uploaded")).into_response()),
            Err(err) => refused(&state, &caller, ctx, &key, err).await,
        };
    }
    let err = AppError::field("file", Rule::Required);
    refused(&state, &caller, ctx, &key, err).await
}

/// The confirmation before files are deleted (customization and phone-file folders).
#[derive(Template)]
#[template(path = "files_delete.html")]
pub(super) struct DeletePage {
    pub ctx: Ctx,
    pub title: &'static str,
    /// The folder's name.
    pub name: String,
    /// (id, name) of the files.
    pub chosen: Vec<(String, String)>,
    pub note: &'static str,
    /// Where the confirmation posts, and where Cancel goes.
    pub action: String,
    pub back: String,
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Path(key): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let ids = form.all("id");
    if form.checked("confirm") {
        svc::delete(&state, &caller, &key, &ids).await?;
        return Ok(Redirect::to(&format!("{PATH}/{key}?done=deleted")).into_response());
    }
    let chosen = svc::selected(&state, &caller, &key, &ids).await?;
    let (_, name) = svc::folder_name(&state, &caller, &key).await?;
    Ok(render(&DeletePage {
        title: "cst-delete-title",
        chosen: chosen.into_iter().map(|f| (f.id, f.name)).collect(),
        note: "cst-delete-note",
        action: format!("{PATH}/{key}/delete"),
        back: format!("{PATH}/{key}"),
        name,
        ctx,
    }))
}

async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let chosen = svc::selected(&state, &caller, &key, &form.all("id")).await?;
    Ok(svc::zip(&state, &key, chosen).into_response())
}

async fn rename(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Path((key, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    match svc::rename(&state, &caller, &key, &id, &form.text("name")).await {
        Ok(()) => Ok(Redirect::to(&format!("{PATH}/{key}?done=renamed")).into_response()),
        Err(err @ AppError::Validation(_)) => refused(&state, &caller, ctx, &key, err).await,
        Err(e) => Err(e),
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    let cap = Capability::ManageCustomizationFiles;
    vec![
        Endpoint::page(Method::GET, PATH, cap, "File management", get(tree)),
        Endpoint::page(
            Method::GET,
            "/com/files/open",
            cap,
            "Open a customer's folder",
            get(open),
        ),
        Endpoint::page(
            Method::GET,
            "/com/files/{folder}",
            cap,
            "A customization folder",
            get(folder),
        ),
        Endpoint::page(
            Method::POST,
            "/com/files/{folder}/upload",
            cap,
            "Upload a customization file",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(
                patchbay_domain::customization::MAX_FILE as usize + 64 * 1024,
            )),
        ),
        Endpoint::page(
            Method::POST,
            "/com/files/{folder}/delete",
            cap,
            "Delete selected customization files",
            post(delete),
        ),
        Endpoint::page(
            Method::POST,
            "/com/files/{folder}/download",
            cap,
            "Download selected customization files",
            post(download),
        ),
        Endpoint::page(
            Method::POST,
            "/com/files/{folder}/{id}/rename",
            cap,
            "Rename a customization file",
            post(rename),
        ),
    ]
}
