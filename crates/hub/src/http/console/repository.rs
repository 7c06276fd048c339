//! Views → Software repository (SWR-1): the releases (name, version, profile, phone firmware,
//! size, uploaded at / by, SHA-256), filtered, searched, sorted and paged like every list; for
//! Administrators, the upload form and their unfinished uploads.
//!
//! The upload form works two ways. With JavaScript, the console's script sends the file with the
//! tus protocol to `/com/repository/uploads` (served by `http::tus`), in parts, resuming an
//! unfinished upload of the same file where it stopped (also after the operator was logged out).
//! Without JavaScript, the form posts the whole file in one request, streamed to its release.

use super::forms::FieldMessages;
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::list::{ListParams, ListSpec, MaxInLinks, Pager, Param};
use crate::http::tus;
use crate::service::repository as svc;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, on, post, MethodFilter};
use futures_util::StreamExt;
use patchbay_domain::repository::{release_meta, upgradable_profiles};
use patchbay_domain::Capability;
use patchbay_store::repository::{ReleaseFilter, ReleaseSort};

pub const PATH: &str = "/com/repository";
/// Where the form posts without JavaScript.
pub const PLAIN_UPLOAD: &str = "/com/repository/upload";

fn profile(v: &str) -> String {
    let v = v.trim();
    if crate::http::api::repository::PROFILES.contains(&v) {
        v.to_string()
    } else {
        String::new()
    }
}

/// The release list's parameters; invalid values are dropped.
pub static SPEC: ListSpec = ListSpec {
    path: PATH,
    params: &[Param::checked("profile", profile), Param::search("search")],
    sorts: &["name", "version", "profile", "size", "uploaded"],
    default_order: "desc",
    sizes: &super::jobs::PAGE_SIZES,
    default_max: 25,
    max_in_links: MaxInLinks::WhenChanged,
};

pub struct ReleaseRow {
    pub id: String,
    pub name: String,
    pub version: String,
    pub profile: String,
    pub firmware: String,
    pub size: String,
    pub bytes: String,
    pub sha256: String,
    pub uploaded: String,
    pub uploaded_iso: String,
    pub by: String,
}

pub struct UploadRow {
    pub id: String,
    pub name: String,
    pub version: String,
    pub profile: String,
    pub length: i64,
    pub kept: String,
    pub total: String,
    pub percent: i64,
    pub expires: String,
}

/// The upload form's values (kept when it comes back with errors).
#[derive(Default)]
pub struct UploadForm {
    pub version: String,
    pub profile: String,
    pub firmware: String,
}

#[derive(Template)]
#[template(path = "repository.html")]
struct RepositoryPage {
    ctx: Ctx,
    lp: ListParams,
    pager: Pager,
    rows: Vec<ReleaseRow>,
    total: i64,
    profiles: Vec<(&'static str, String)>,
    manage: bool,
    uploads: Vec<UploadRow>,
    form: UploadForm,
    errors: FieldMessages,
    notice: &'static str,
    tus_path: &'static str,
    max_size: u64,
}

impl RepositoryPage {
    fn columns(&self) -> Vec<(&'static str, String)> {
        [
            ("name", "swr-col-name"),
            ("version", "swr-col-version"),
            ("profile", "swr-col-profile"),
            ("size", "swr-col-size"),
            ("uploaded", "swr-col-uploaded"),
        ]
        .into_iter()
        .map(|(c, id)| (c, self.ctx.t(id)))
        .collect()
    }
}

fn profile_label(ctx: &Ctx, p: &str) -> String {
    ctx.t(&format!("profile-{p}"))
}

async fn page(
    state: &AppState,
    caller: &Caller,
    ctx: Ctx,
    query: &str,
    form: UploadForm,
    errors: FieldMessages,
) -> Result<RepositoryPage, AppError> {
    let lp = ListParams::parse(&SPEC, Some(query));
    let filter = ReleaseFilter {
        profile: lp.value("profile"),
        search: lp.value("search"),
    };
    let found = svc::releases(
        state,
        caller,
        &filter,
        lp.sort_as::<ReleaseSort>(),
        lp.page(),
    )
    .await?;
    let total = found.total;
    let rows: Vec<ReleaseRow> = found
        .items
        .into_iter()
        .map(|r| ReleaseRow {
            size: ctx.bytes(r.size),
            bytes: ctx.n(&r.size),
            uploaded: ctx.datetime(r.uploaded_at),
            uploaded_iso: r.uploaded_at.to_string(),
            profile: profile_label(&ctx, &r.profile),
            id: r.id,
            name: r.name,
            version: r.version,
            firmware: r.phone_firmware,
            sha256: r.sha256,
            by: r.uploaded_by,
        })
        .collect();
    let manage = caller.can(Capability::ManageRepository);
    let uploads = if manage {
        svc::open_uploads(state, caller)
            .await?
            .into_iter()
            .map(|u| UploadRow {
                percent: if u.length > 0 {
                    u.offset.saturating_mul(100) / u.length
                } else {
                    0
                },
                kept: ctx.bytes(u.offset),
                total: ctx.bytes(u.length),
                expires: ctx.datetime(u.expires_at),
                profile: profile_label(&ctx, &u.profile),
                length: u.length,
                id: u.id,
                name: u.name,
                version: u.version,
            })
            .collect()
    } else {
        Vec::new()
    };
    let profiles = upgradable_profiles()
        .map(|p| (p.as_str(), profile_label(&ctx, p.as_str())))
        .collect();
    let notice = match url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "done")
        .map(|(_, v)| v.into_owned())
        .as_deref()
    {
        Some("uploaded") => "swr-uploaded",
        Some("deleted") => "swr-deleted",
        Some("cancelled") => "swr-cancelled",
        _ => "",
    };
    Ok(RepositoryPage {
        pager: lp.pager(rows.len(), total),
        rows,
        total,
        profiles,
        manage,
        uploads,
        form,
        errors,
        notice,
        tus_path: tus::CONSOLE_PATH,
        max_size: patchbay_domain::repository::MAX_RELEASE_SIZE,
        lp,
        ctx,
    })
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let q = q.unwrap_or_default();
    Ok(render(
        &page(
            &state,
            &caller,
            ctx,
            &q,
            UploadForm::default(),
            FieldMessages::default(),
        )
        .await?,
    ))
}

/// The plain upload: the form's fields come before its file (the form is written so), so the
/// release's statement is checked before a byte of the file is stored.
async fn plain_upload(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    caller.require(Capability::ManageRepository)?;
    let mut form = UploadForm::default();
    let bad = |e: axum::extract::multipart::MultipartError| AppError::Malformed(e.body_text());
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "version" => form.version = field.text().await.map_err(bad)?,
            "profile" => form.profile = field.text().await.map_err(bad)?,
            "phoneFirmware" => form.firmware = field.text().await.map_err(bad)?,
            "file" => {
                let name = field.file_name().unwrap_or("").to_string();
                let meta = match release_meta(
                    Some(&name).filter(|n| !n.is_empty()).map(String::as_str),
                    Some(&form.version),
                    Some(&form.profile),
                ) {
                    Ok(m) => m,
                    Err(errs) => {
                        let err = AppError::Validation(
                            errs.into_iter()
                                .map(|(f, r)| {
                                    patchbay_domain::FieldError::new(
                                        if f == "filename" { "file" } else { f },
                                        r,
                                    )
                                })
                                .collect(),
                        );
                        return form_errors(&state, &caller, ctx, form, err).await;
                    }
                };
                let body = field.map(|c| c.map_err(|e| e.body_text())).boxed();
                return match svc::upload_plain(&state, &caller, &meta, form.firmware.trim(), body)
                    .await
                {
                    Ok(_) => Ok(Redirect::to(&format!("{PATH}?done=uploaded")).into_response()),
                    Err(err @ AppError::Validation(_)) => {
                        form_errors(&state, &caller, ctx, form, err).await
                    }
                    Err(e) => Err(e),
                };
            }
            _ => {}
        }
    }
    let err = AppError::field("file", patchbay_domain::Rule::Required);
    form_errors(&state, &caller, ctx, form, err).await
}

async fn form_errors(
    state: &AppState,
    caller: &Caller,
    ctx: Ctx,
    form: UploadForm,
    err: AppError,
) -> Result<Response, AppError> {
    let errors = FieldMessages::from_error(&err, &ctx.i18n, ctx.lang);
    let mut resp = render(&page(state, caller, ctx, "", form, errors).await?);
    *resp.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    Ok(resp)
}

async fn delete_release(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    svc::delete_release(&state, &caller, &id).await?;
    Ok(Redirect::to(&format!("{PATH}?done=deleted")).into_response())
}

async fn cancel_upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    svc::terminate(&state, &caller, &id).await?;
    Ok(Redirect::to(&format!("{PATH}?done=cancelled")).into_response())
}

pub fn endpoints() -> Vec<Endpoint> {
    const UPLOAD: &str = "/com/repository/uploads/{id}";
    vec![
        Endpoint::page(
            Method::GET,
            PATH,
            Capability::ViewOperations,
            "Software repository",
            get(list),
        ),
        Endpoint::page(
            Method::POST,
            PLAIN_UPLOAD,
            Capability::ManageRepository,
            "Upload a release (one request)",
            post(plain_upload).layer(axum::extract::DefaultBodyLimit::disable()),
        ),
        Endpoint::page(
            Method::POST,
            "/com/repository/{id}/delete",
            Capability::ManageRepository,
            "Delete a release",
            post(delete_release),
        ),
        Endpoint::page(
            Method::POST,
            "/com/repository/uploads/{id}/cancel",
            Capability::ManageRepository,
            "Cancel an unfinished upload",
            post(cancel_upload),
        ),
        Endpoint::page(
            Method::POST,
            tus::CONSOLE_PATH,
            Capability::ManageRepository,
            "Resumable upload: create",
            on(MethodFilter::POST, tus::create).options(tus::options),
        ),
        Endpoint::page(
            Method::PATCH,
            UPLOAD,
            Capability::ManageRepository,
            "Resumable upload: offset, bytes, termination",
            on(MethodFilter::HEAD, tus::head)
                .patch(tus::patch)
                .delete(tus::delete),
        ),
    ]
}
