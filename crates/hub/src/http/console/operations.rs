//! The customer list's operations (CUS-4's action menu): Backup (BKP-2: job name, items, now or
//! at a hub-local date and time), Restore (BKP-5: each system's backups, expand one, pick items;
//! the system restarts) and Log management (LOG-3: the collected files by date, Fetch new logs,
//! download selected as one zip, delete selected). Each form posts to the same service the API
//! calls; the rules are the service's.

use super::forms::{FieldMessages, FormMap};
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::service::jobs::{self as svc, logs, BACKUP_ITEMS};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::{Capability, CustomerId, SystemId};
use patchbay_store::logs::{LogFile, LogFilter};
use patchbay_store::PageRequest;

/// How many log files the page lists per customer (the newest; dates narrow the rest).
const LOG_ROWS: i64 = 500;

pub(super) fn customer_ids(form: &FormMap) -> Vec<CustomerId> {
    form.parsed("id")
}

/// The chosen customers the caller sees: (id, name).
pub(super) async fn chosen(
    state: &AppState,
    caller: &Caller,
    ids: &[CustomerId],
) -> Result<Vec<(String, String)>, AppError> {
    let mut out = Vec::new();
    for id in ids {
        let c = state.store.customer(caller.principal.scope(), *id).await?;
        out.push((c.id.to_string(), c.fields.name));
    }
    Ok(out)
}

fn item_label(ctx: &Ctx, item: &str) -> String {
    ctx.t(&format!("ops-item-{item}"))
}

// --- Backup --------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "ops_backup.html")]
struct BackupPage {
    ctx: Ctx,
    targets: Vec<(String, String)>,
    items: Vec<(&'static str, String, bool)>,
    name: String,
    mailboxes: String,
    later: bool,
    start_at: String,
    zone: String,
    errors: FieldMessages,
}

fn backup_page(
    ctx: Ctx,
    targets: Vec<(String, String)>,
    form: &FormMap,
    errors: FieldMessages,
) -> BackupPage {
    let picked = form.all("item");
    let items = BACKUP_ITEMS
        .iter()
        .map(|i| {
            (
                *i,
                item_label(&ctx, i),
                picked.is_empty() || picked.iter().any(|p| p == i),
            )
        })
        .collect();
    BackupPage {
        targets,
        items,
        name: form.text("name"),
        mailboxes: form.text("mailboxes"),
        later: form.get("when") == Some("later"),
        start_at: form.text("startAt"),
        zone: logs::hub_zone(),
        errors,
        ctx,
    }
}

async fn backup_form(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = FormMap::parse(q.unwrap_or_default().as_bytes());
    let targets = chosen(&state, &caller, &customer_ids(&form)).await?;
    let empty = FormMap::parse(b"");
    Ok(render(&backup_page(
        ctx,
        targets,
        &empty,
        FieldMessages::default(),
    )))
}

/// A `datetime-local` value (hub local time) as an instant.
/// A job form's start: `None` for now, the `startAt` instant for later (a field error when it
/// is not a date and time).
pub(super) fn start_of(form: &FormMap) -> Result<Option<jiff::Timestamp>, AppError> {
    if form.get("when") != Some("later") {
        return Ok(None);
    }
    local_instant(&form.text("startAt"))
        .map(Some)
        .ok_or_else(|| AppError::field("startAt", patchbay_domain::Rule::Invalid))
}

fn local_instant(v: &str) -> Option<jiff::Timestamp> {
    let dt: jiff::civil::DateTime = v.trim().parse().ok()?;
    dt.to_zoned(jiff::tz::TimeZone::system())
        .ok()
        .map(|z| z.timestamp())
}

async fn backup(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let ids = customer_ids(&form);
    let start_at = match start_of(&form) {
        Ok(t) => t,
        Err(err) => {
            let errors = FieldMessages::from_error(&err, &ctx.i18n, ctx.lang);
            let targets = chosen(&state, &caller, &ids).await?;
            return Ok(render(&backup_page(ctx, targets, &form, errors)));
        }
    };
    let request = svc::BackupRequest {
        name: form.text("name"),
        customers: ids.clone(),
        start_at,
        items: form.all("item"),
        mailboxes: form
            .text("mailboxes")
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(String::from)
            .collect(),
    };
    match svc::create_backup(&state, &caller, request).await {
        Ok(id) => Ok(Redirect::to(&format!("/com/jobs/{id}")).into_response()),
        Err(err @ (AppError::Validation(_) | AppError::Conflict(..))) => {
            let errors = FieldMessages::from_error(&err, &ctx.i18n, ctx.lang);
            let targets = chosen(&state, &caller, &ids).await?;
            Ok(render(&backup_page(ctx, targets, &form, errors)))
        }
        Err(e) => Err(e),
    }
}

// --- Restore -------------------------------------------------------------------------------------

pub struct BackupRow {
    pub id: String,
    pub when: String,
    pub automatic: bool,
    pub size: String,
    pub items: Vec<(String, String)>,
}

pub struct SystemBackups {
    pub customer: String,
    pub system_id: String,
    pub system: String,
    pub backups: Vec<BackupRow>,
}

#[derive(Template)]
#[template(path = "ops_restore.html")]
struct RestorePage {
    ctx: Ctx,
    ids: Vec<String>,
    systems: Vec<SystemBackups>,
    errors: FieldMessages,
}

async fn restore_page(
    state: &AppState,
    caller: &Caller,
    ctx: Ctx,
    ids: &[CustomerId],
    errors: FieldMessages,
) -> Result<RestorePage, AppError> {
    let mut systems = Vec::new();
    for (cid, name) in chosen(state, caller, ids).await? {
        let cid: CustomerId = cid.parse().map_err(|_| AppError::NotFound)?;
        for sys in state.store.systems_of(cid).await? {
            let backups = svc::backups(state, caller, sys.id)
                .await?
                .into_iter()
                .map(|b| BackupRow {
                    when: ctx.datetime(b.taken_at),
                    automatic: b.automatic,
                    size: ctx.n(&b.size),
                    items: b
                        .items
                        .iter()
                        .map(|i| (i.clone(), item_label(&ctx, i)))
                        .collect(),
                    id: b.id,
                })
                .collect();
            systems.push(SystemBackups {
                customer: name.clone(),
                system_id: sys.id.to_string(),
                system: sys.name,
                backups,
            });
        }
    }
    Ok(RestorePage {
        ids: ids.iter().map(|i| i.to_string()).collect(),
        systems,
        errors,
        ctx,
    })
}

async fn restore_form(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = FormMap::parse(q.unwrap_or_default().as_bytes());
    let page = restore_page(
        &state,
        &caller,
        ctx,
        &customer_ids(&form),
        FieldMessages::default(),
    )
    .await?;
    Ok(render(&page))
}

async fn restore(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let system: SystemId = form
        .text("system")
        .parse()
        .map_err(|_| AppError::NotFound)?;
    let request = svc::RestoreRequest {
        name: Some(ctx.t("ops-restore-title")),
        system,
        backup: form.text("backup"),
        items: form.all("item"),
    };
    match svc::create_restore(&state, &caller, request).await {
        Ok(id) => Ok(Redirect::to(&format!("/com/jobs/{id}")).into_response()),
        Err(err @ (AppError::Validation(_) | AppError::Conflict(..))) => {
            let errors = FieldMessages::from_error(&err, &ctx.i18n, ctx.lang);
            let page = restore_page(&state, &caller, ctx, &customer_ids(&form), errors).await?;
            Ok(render(&page))
        }
        Err(e) => Err(e),
    }
}

// --- Log management ------------------------------------------------------------------------------

pub struct LogRow {
    pub id: String,
    pub system: String,
    pub path: String,
    pub size: String,
    pub modified: String,
    pub modified_iso: String,
}

#[derive(Template)]
#[template(path = "ops_logs.html")]
struct LogsPage {
    ctx: Ctx,
    customers: Vec<(String, String)>,
    from: String,
    to: String,
    rows: Vec<LogRow>,
    total: i64,
    notice: String,
    errors: FieldMessages,
    zone: String,
}

/// The systems of the chosen customers, for log management: (customer, system id, system name).
async fn log_systems(
    state: &AppState,
    caller: &Caller,
    ids: &[CustomerId],
) -> Result<Vec<(CustomerId, SystemId, String)>, AppError> {
    caller.require(Capability::ManageLogFiles)?;
    let mut out = Vec::new();
    for id in ids {
        let c = state.store.customer(caller.principal.scope(), *id).await?;
        for s in state.store.systems_of(c.id).await? {
            out.push((c.id, s.id, s.name));
        }
    }
    Ok(out)
}

async fn logs_page(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = FormMap::parse(q.unwrap_or_default().as_bytes());
    let ids = customer_ids(&form);
    let systems = log_systems(&state, &caller, &ids).await?;
    let (from, to) = (form.text("from"), form.text("to"));
    let mut errors = FieldMessages::default();
    let bounds = logs::log_days(&from, &to);
    let mut rows = Vec::new();
    match bounds {
        Err(e) => errors = FieldMessages::from_error(&e, &ctx.i18n, ctx.lang),
        Ok((from_t, until)) => {
            for id in &ids {
                let page = state
                    .store
                    .list_logs(
                        &LogFilter {
                            customer: Some(*id),
                            from: from_t,
                            until,
                            ..LogFilter::default()
                        },
                        PageRequest::new(0, LOG_ROWS),
                    )
                    .await?;
                rows.extend(page.items.into_iter().map(|f| log_row(&ctx, &systems, f)));
            }
        }
    }
    let notice = match form.get("deleted").and_then(|n| n.parse::<u64>().ok()) {
        Some(n) => ctx.t1("ops-logs-deleted", "count", &ctx.n(&n)),
        None => String::new(),
    };
    Ok(render(&LogsPage {
        customers: chosen(&state, &caller, &ids).await?,
        from,
        to,
        total: rows.len() as i64,
        rows,
        notice,
        errors,
        zone: logs::hub_zone(),
        ctx,
    }))
}

fn log_row(ctx: &Ctx, systems: &[(CustomerId, SystemId, String)], f: LogFile) -> LogRow {
    LogRow {
        id: f.id,
        system: systems
            .iter()
            .find(|(_, s, _)| *s == f.system_id)
            .map(|(_, _, n)| n.clone())
            .unwrap_or_default(),
        path: f.path,
        size: ctx.n(&f.size),
        modified: ctx.datetime(f.modified_at),
        modified_iso: f.modified_at.to_string(),
    }
}

fn logs_url(ids: &[CustomerId], extra: &[(&str, String)]) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for id in ids {
        q.append_pair("id", &id.to_string());
    }
    for (k, v) in extra {
        q.append_pair(k, v);
    }
    format!("/com/customers/logs?{}", q.finish())
}

/// The page's buttons: fetch new logs, download the selected files, delete them.
async fn logs_action(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let ids = customer_ids(&form);
    let systems = log_systems(&state, &caller, &ids).await?;
    if form.get("action") == Some("fetch") {
        // The job is named in the language of the one who asked for it.
        let name = ctx.t("ops-logs-fetch");
        let job = logs::create_fetch(&state, &caller, Some(&name), &ids, None).await?;
        return Ok(Redirect::to(&format!("/com/jobs/{job}")).into_response());
    }
    let system_ids: Vec<SystemId> = systems.iter().map(|(_, s, _)| *s).collect();
    let files = state
        .store
        .log_files_among(&system_ids, &form.all("file"))
        .await?;
    match form.get("action") {
        Some("download") if !files.is_empty() => {
            let named = files
                .into_iter()
                .map(|f| {
                    let name = systems
                        .iter()
                        .find(|(_, s, _)| *s == f.system_id)
                        .map(|(_, _, n)| n.clone())
                        .unwrap_or_default();
                    (name, f)
                })
                .collect();
            let stream = logs::zip(&state, named);
            Ok(crate::http::api::ZipDownload {
                file_name: "logs.zip".into(),
                body: axum::body::Body::from_stream(stream),
            }
            .into_response())
        }
        Some("delete") if !files.is_empty() => {
            let mut n = 0;
            for (_, sys, name) in &systems {
                let mine: Vec<LogFile> = files
                    .iter()
                    .filter(|f| f.system_id == *sys)
                    .cloned()
                    .collect();
                if !mine.is_empty() {
                    n += logs::delete(&state, &caller, name, &mine).await?;
                }
            }
            Ok(Redirect::to(&logs_url(&ids, &[("deleted", n.to_string())])).into_response())
        }
        _ => Ok(Redirect::to(&logs_url(&ids, &[])).into_response()),
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::page(
            Method::GET,
            "/com/customers/backup",
            Capability::BackupManual,
            "Back up the selected customers' systems",
            get(backup_form),
        ),
        Endpoint::page(
            Method::POST,
            "/com/customers/backup",
            Capability::BackupManual,
            "Create the backup job",
            post(backup),
        ),
        Endpoint::page(
            Method::GET,
            "/com/customers/restore",
            Capability::Restore,
            "Restore a backup of a selected customer's system",
            get(restore_form),
        ),
        Endpoint::page(
            Method::POST,
            "/com/customers/restore",
            Capability::Restore,
            "Restore the chosen items",
            post(restore),
        ),
        Endpoint::page(
            Method::GET,
            "/com/customers/logs",
            Capability::ManageLogFiles,
            "Log management of the selected customers' systems",
            get(logs_page),
        ),
        Endpoint::page(
            Method::POST,
            "/com/customers/logs",
            Capability::ManageLogFiles,
            "Fetch new logs, download or delete the selected log files",
            post(logs_action),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bkp_2_a_local_date_and_time_is_read_in_the_hub_zone() {
        assert!(local_instant("2026-12-01T02:30").is_some());
        assert!(local_instant("tomorrow").is_none());
        assert!(local_instant("").is_none());
    }
}
