//! A system's backups (BKP-5) and collected log files (LOG-3):
//! `/v1/operations/systems/{id}/backups` — list, restore chosen items;
//! `/v1/operations/systems/{id}/logs` — list by dates, fetch new logs, download as one zip, delete.
//! A system's id is in its customer's `…/systems` list.

use super::jobs::CreatedJob;
use super::{
    id_from_path, ApiQuery, Created, JsonBody, ListQuery, Listed, NoContent, NoFilter, Paged,
    ZipDownload,
};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::Endpoint;
use crate::service::jobs::{self as svc, logs};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use patchbay_domain::{Capability, Rule, SystemId};
use patchbay_store::backups::Backup;
use patchbay_store::logs::{LogFile, LogFilter};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BackupJson {
    pub id: String,
    /// When the hub recorded it (ISO 8601, UTC).
    pub taken_at: String,
    /// The system's local date and time when it was taken.
    pub taken_local: String,
    /// One of the daily automatic backups (BKP-3), or manual (BKP-2).
    pub automatic: bool,
    /// What it holds: configuration | voicemailConfiguration | customPrompts | mailboxes.
    pub items: Vec<String>,
    pub files: u64,
    pub size: u64,
    pub sha256: String,
    pub job_id: Option<String>,
}

impl From<Backup> for BackupJson {
    fn from(b: Backup) -> Self {
        Self {
            id: b.id,
            taken_at: b.taken_at.to_string(),
            taken_local: b.taken_local.to_string(),
            automatic: b.automatic,
            items: b.items,
            files: b.files,
            size: b.size,
            sha256: b.sha256,
            job_id: b.job_id.map(|j| j.to_string()),
        }
    }
}

async fn backups(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Listed<BackupJson>> {
    let items = svc::backups(&state, &caller, id_from_path(&id)?)
        .await?
        .into_iter()
        .map(BackupJson::from)
        .collect();
    Ok(Listed::items(items))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RestoreBody {
    /// Which of the backup's items to restore (at least one).
    pub items: Vec<String>,
    /// The job's name; absent: "Restore <system>".
    pub name: Option<String>,
}

async fn restore(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, backup)): Path<(String, String)>,
    JsonBody(b): JsonBody<RestoreBody>,
) -> ApiResult<Created<CreatedJob>> {
    let job = svc::create_restore(
        &state,
        &caller,
        svc::RestoreRequest {
            name: b.name,
            system: id_from_path(&id)?,
            backup,
            items: b.items,
        },
    )
    .await?;
    Ok(Created(CreatedJob {
        id: job.to_string(),
    }))
}

/// Log list filters: dates in the hub's time zone, both included.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct LogQuery {
    /// Files last written on or after this day (YYYY-MM-DD).
    pub from: Option<String>,
    /// Files last written on or before this day (YYYY-MM-DD).
    pub to: Option<String>,
}

impl LogQuery {
    pub fn filter(&self, system: SystemId) -> Result<LogFilter, AppError> {
        let (from, until) = logs::log_days(
            self.from.as_deref().unwrap_or(""),
            self.to.as_deref().unwrap_or(""),
        )?;
        Ok(LogFilter {
            system: Some(system),
            from,
            until,
            ..LogFilter::default()
        })
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LogJson {
    pub id: String,
    /// Relative to the system's log folder.
    pub path: String,
    pub size: u64,
    /// When the system last wrote it (ISO 8601, UTC).
    pub modified: String,
    /// When the hub collected it.
    pub collected: String,
    pub sha256: String,
}

impl From<LogFile> for LogJson {
    fn from(f: LogFile) -> Self {
        Self {
            id: f.id,
            path: f.path,
            size: f.size,
            modified: f.modified_at.to_string(),
            collected: f.collected_at.to_string(),
            sha256: f.sha256,
        }
    }
}

async fn list_logs(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    lq: ListQuery<LogQuery>,
) -> ApiResult<Paged<LogJson>> {
    let (_, sys) = logs::log_systems(&state, &caller, id_from_path(&id)?).await?;
    let found = state
        .store
        .list_logs(&lq.filter.filter(sys.id)?, lq.page(100))
        .await?;
    let total = found.total;
    let items = found.items.into_iter().map(LogJson::from).collect();
    Ok(Paged::new(&lq, 100, items, total))
}

async fn fetch_logs(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    _q: ApiQuery<NoFilter>,
) -> ApiResult<Created<CreatedJob>> {
    let (customer, sys) = logs::log_systems(&state, &caller, id_from_path(&id)?).await?;
    let job = logs::create_fetch(&state, &caller, None, &[customer], Some(sys.id)).await?;
    Ok(Created(CreatedJob {
        id: job.to_string(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogIdsBody {
    /// The files (their `id`).
    pub log_ids: Vec<String>,
}

/// The files of `body` on the system `id`; a file that is not the system's is not found.
async fn chosen(
    state: &AppState,
    caller: &Caller,
    id: &str,
    ids: &[String],
) -> Result<(String, Vec<LogFile>), AppError> {
    let (_, sys) = logs::log_systems(state, caller, id_from_path(id)?).await?;
    if ids.is_empty() {
        return Err(AppError::field("logIds", Rule::Required));
    }
    crate::service::check_bulk_field("logIds", ids.len())?;
    let mut wanted: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        if !wanted.contains(id) {
            wanted.push(id.clone());
        }
    }
    let files = state.store.log_files_among(&[sys.id], &wanted).await?;
    if files.len() != wanted.len() {
        return Err(AppError::NotFound);
    }
    Ok((sys.name, files))
}

async fn download_logs(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<LogIdsBody>,
) -> ApiResult<ZipDownload> {
    let (name, files) = chosen(&state, &caller, &id, &b.log_ids).await?;
    let folder = name.clone();
    let stream = logs::zip(
        &state,
        files.into_iter().map(|f| (folder.clone(), f)).collect(),
    );
    Ok(ZipDownload {
        file_name: format!("{name}-logs.zip"),
        body: axum::body::Body::from_stream(stream),
    })
}

async fn delete_logs(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<LogIdsBody>,
) -> ApiResult<NoContent> {
    let (name, files) = chosen(&state, &caller, &id, &b.log_ids).await?;
    logs::delete(&state, &caller, &name, &files).await?;
    Ok(NoContent)
}

pub fn endpoints() -> Vec<Endpoint> {
    let logs = Capability::ManageLogFiles;
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/operations/systems/{id}/backups",
            Capability::ViewOperations,
            "The backups the hub holds of a system, newest first (BKP-5)",
            backups,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/systems/{id}/backups/{backupId}/actions/restore/invoke",
            Capability::Restore,
            "Restore chosen items of a backup now; the system restarts (BKP-5)",
            restore,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/systems/{id}/logs",
            logs,
            "The log files collected from a system, newest first (LOG-3)",
            list_logs,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/systems/{id}/logs/actions/fetch/invoke",
            logs,
            "Fetch new logs: collect now what the hub does not hold yet (LOG-3)",
            fetch_logs,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/systems/{id}/logs/actions/download/invoke",
            logs,
            "Download chosen log files as one zip (LOG-3)",
            download_logs,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/systems/{id}/logs/actions/delete/invoke",
            logs,
            "Delete chosen log files (LOG-3)",
            delete_logs,
        ),
    ]
}
