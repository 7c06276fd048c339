//! WGO-4 in the console: the bulk page (template download, upload with "e-mail activation
//! codes", the organisation's latest imports) and an import's progress page — refreshed by the
//! browser itself while the import runs (no script), with its refused rows and the result file.

use super::{render, Chosen, Ctx, Org};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::api::reply::CsvDownload;
use crate::http::catalog::Endpoint;
use crate::http::console::forms::FieldMessages;
use crate::service::calling::mobile_bulk::{self as svc, ImportOptions, FILE_FIELD};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use futures_util::StreamExt;
use patchbay_domain::mobile_bulk::{ImportStatus, RowReason};
use patchbay_domain::{Capability, MobileImportId, Rule};
use patchbay_store::calling::mobile_imports::MobileImport;

pub const BULK: &str = "/com/calling/mobile/bulk";

/// Whether `path` is the bulk upload (streamed to disk, up to 32 MiB).
pub fn is_upload(path: &str) -> bool {
    path == BULK
}

/// Refused rows shown on the import page (all of them are in the result file).
const SHOWN_REFUSED: i64 = 100;

pub struct ImportRowView {
    pub link: String,
    pub file_name: String,
    pub created: String,
    pub created_iso: String,
    pub status: &'static str,
    pub status_text: String,
    pub total: String,
    pub ok: String,
    pub refused: String,
}

fn status_text(ctx: &Ctx, s: ImportStatus) -> String {
    ctx.t(&format!("bulk-status-{}", s.as_str()))
}

fn row_view(ctx: &Ctx, org: &Org, i: &MobileImport) -> ImportRowView {
    ImportRowView {
        link: org.link(&format!("{BULK}/{}", i.id)),
        file_name: i.file_name.clone(),
        created: ctx.datetime(i.created_at),
        created_iso: i.created_at.to_string(),
        status: i.status.as_str(),
        status_text: status_text(ctx, i.status),
        total: ctx.n(&i.total_rows),
        ok: ctx.n(&i.ok_rows),
        refused: ctx.n(&i.failed_rows()),
    }
}

#[derive(Template)]
#[template(path = "calling_mobile_bulk.html")]
struct BulkPage {
    ctx: Ctx,
    org: Org,
    template_link: String,
    action: String,
    back: String,
    has_subscriptions: bool,
    email_codes: bool,
    imports: Vec<ImportRowView>,
    can_manage: bool,
    error: String,
}

async fn bulk_page(
    state: &AppState,
    caller: &Caller,
    ctx: Ctx,
    org: Org,
    email_codes: bool,
    error: String,
) -> Result<Response, AppError> {
    let imports = state
        .store
        .mobile_imports(org.id, 20)
        .await?
        .iter()
        .map(|i| row_view(&ctx, &org, i))
        .collect();
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut r = render(&BulkPage {
        template_link: org.link(&format!("{BULK}/template")),
        action: org.link(&format!("{BULK}?csrf={}", ctx.csrf)),
        back: org.link(super::mobile::MOBILE),
        has_subscriptions: !state.store.mobile_subscriptions(org.id).await?.is_empty(),
        can_manage: caller.can(Capability::ManageProvisioning),
        email_codes,
        imports,
        error,
        ctx,
        org,
    });
    *r.status_mut() = status;
    Ok(r)
}

async fn page(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Chosen(org): Chosen,
) -> Result<Response, AppError> {
    bulk_page(&state, &caller, ctx, org, true, String::new()).await
}

async fn template(
    State(state): State<AppState>,
    Chosen(org): Chosen,
) -> Result<Response, AppError> {
    Ok(CsvDownload {
        file_name: "mobile-lines-template.csv".into(),
        body: svc::template(&state, org.id).await?.into(),
    }
    .into_response())
}

/// A file's problem in the page's language.
fn file_error(ctx: &Ctx, e: &AppError) -> String {
    match e {
        AppError::Validation(fields) => fields
            .iter()
            .map(|f| match &f.rule {
                Rule::Content { code, value } => {
                    ctx.t1(&format!("cst-problem-{code}"), "value", value)
                }
                rule => ctx.i18n.t_args(ctx.lang, rule.message_id(), &rule.args()),
            })
            .collect::<Vec<_>>()
            .join(" "),
        other => FieldMessages::from_error(other, &ctx.i18n, ctx.lang)
            .general
            .join(" "),
    }
}

async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Chosen(org): Chosen,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let bad = |e: axum::extract::multipart::MultipartError| AppError::Malformed(e.body_text());
    // The checkbox comes before the file in the form, so it is known when the file streams.
    let mut email_codes = false;
    let mut made = Err(AppError::field(FILE_FIELD, Rule::Required));
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("emailCodes") => email_codes = true,
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_string();
                if name.is_empty() {
                    break;
                }
                let body = field.map(|c| c.map_err(|e| e.body_text())).boxed();
                let options = ImportOptions {
                    file_name: name,
                    email_codes,
                    lang: ctx.lang.to_string(),
                };
                made = svc::upload(&state, &caller, org.id, body, options).await;
                break;
            }
            _ => {}
        }
    }
    match made {
        Ok(id) => Ok(Redirect::to(&org.link(&format!("{BULK}/{id}"))).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::FileTooLarge { .. })) => {
            let error = file_error(&ctx, &e);
            let mut r = bulk_page(&state, &caller, ctx, org, email_codes, error).await?;
            *r.status_mut() = e.status();
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

pub struct RefusedView {
    pub line: String,
    pub user: String,
    /// (column of the file, why), the column as the file names it.
    pub reasons: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "calling_mobile_import.html")]
struct ImportPage {
    ctx: Ctx,
    org: Org,
    import: ImportRowView,
    /// Seconds between refreshes while it runs; 0: not refreshed.
    refresh: u32,
    stop_refresh: String,
    done: i64,
    total: i64,
    progress_text: String,
    finished: bool,
    failed_note: String,
    email_codes: bool,
    refused: Vec<RefusedView>,
    more_refused: bool,
    results_link: String,
    can_manage: bool,
    back: String,
}

fn import_id(raw: &str) -> Result<MobileImportId, AppError> {
    raw.parse()
        .map(MobileImportId)
        .map_err(|_| AppError::NotFound)
}

async fn import_page(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Chosen(org): Chosen,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let import = svc::find(&state, org.id, import_id(&id)?).await?;
    let finished = import.status.finished();
    let refused = state
        .store
        .mobile_import_rows(import.id, 0, SHOWN_REFUSED + 1, true)
        .await?;
    let more_refused = refused.len() as i64 > SHOWN_REFUSED;
    let refused = refused
        .into_iter()
        .take(SHOWN_REFUSED as usize)
        .map(|r| RefusedView {
            line: r.row_no.to_string(),
            reasons: r
                .reasons
                .iter()
                .map(|why| {
                    let text = svc::reasons_text(
                        &state.i18n,
                        ctx.lang,
                        &[RowReason {
                            column: String::new(),
                            ..why.clone()
                        }],
                    );
                    (why.column.clone(), text)
                })
                .collect(),
            user: r.user_name,
        })
        .collect();
    let paused = super::query(q.as_deref()).get("refresh") == Some("off");
    let page = ImportPage {
        refresh: if finished || paused { 0 } else { 5 },
        stop_refresh: org.link(&format!("{BULK}/{}?refresh=off", import.id)),
        done: import.done_rows,
        total: import.total_rows.max(1),
        progress_text: ctx.t2(
            "bulk-progress",
            "done",
            &ctx.n(&import.done_rows),
            "total",
            &ctx.n(&import.total_rows),
        ),
        finished,
        failed_note: if import.status == ImportStatus::Failed {
            ctx.t("bulk-error-stopped")
        } else {
            String::new()
        },
        email_codes: import.email_codes,
        results_link: org.link(&format!("{BULK}/{}/results", import.id)),
        can_manage: caller.can(Capability::ManageProvisioning),
        back: org.link(BULK),
        import: row_view(&ctx, &org, &import),
        refused,
        more_refused,
        ctx,
        org,
    };
    Ok(render(&page))
}

async fn results(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Chosen(org): Chosen,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let import = svc::find(&state, org.id, import_id(&id)?).await?;
    let stream = svc::results(&state, &caller, &import, ctx.lang).await?;
    Ok(CsvDownload {
        file_name: format!("mobile-lines-results-{}.csv", import.id),
        body: axum::body::Body::from_stream(stream),
    }
    .into_response())
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    vec![
        Endpoint::page(Method::GET, BULK, view, "Mobile lines in bulk", get(page)),
        Endpoint::page(
            Method::POST,
            BULK,
            manage,
            "Mobile lines in bulk",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(
                svc::MAX_FILE_BYTES as usize + 64 * 1024,
            )),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/mobile/bulk/template",
            view,
            "Mobile lines template",
            get(template),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/mobile/bulk/{id}",
            view,
            "Mobile lines import",
            get(import_page),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/mobile/bulk/{id}/results",
            manage,
            "Mobile lines import results",
            get(results),
        ),
    ]
}
