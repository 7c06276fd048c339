//! `/v1/operations/jobs` (JOB-1…5, BKP-2): scheduled jobs — list, details with each server's
//! part, create a backup job, pause / resume / stop, delete. Times are ISO 8601 (UTC); the console
//! shows them in hub local time.

use super::schema::one_of;
use super::{id_from_path, Created, JsonBody, ListQuery, NoContent, Paged};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::Endpoint;
use crate::service::jobs as svc;
use crate::service::jobs::upgrade::UpgradeAction;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::jobs::{JobCommand, JobKind, JobStatus};
use patchbay_domain::{Capability, JobId, Rule};
use patchbay_store::jobs::{Job, JobFilter, JobPart, JobSort};
use serde::{Deserialize, Serialize};

crate::schema_fn! {
    status_schema => one_of(JobStatus::ALL.map(JobStatus::as_str));
    operation_schema => one_of(JobKind::ALL.map(JobKind::as_str));
    upgrade_action_schema => one_of(UpgradeAction::ALL.map(UpgradeAction::as_str));
}

/// Job filters.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct JobQuery {
    #[param(schema_with = status_schema)]
    pub status: Option<String>,
    #[param(schema_with = operation_schema)]
    pub operation: Option<String>,
    /// Part of the job's name.
    pub search: Option<String>,
}

impl JobQuery {
    fn filter(&self) -> Result<JobFilter, AppError> {
        let ne = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        Ok(JobFilter {
            status: ne(&self.status)
                .map(|s| {
                    JobStatus::parse(&s).ok_or_else(|| {
                        AppError::field(
                            "status",
                            Rule::OneOf {
                                allowed: JobStatus::ALL.map(JobStatus::as_str).join(", "),
                            },
                        )
                    })
                })
                .transpose()?,
            kind: ne(&self.operation)
                .map(|s| {
                    JobKind::parse(&s).ok_or_else(|| {
                        AppError::field(
                            "operation",
                            Rule::OneOf {
                                allowed: JobKind::ALL.map(JobKind::as_str).join(", "),
                            },
                        )
                    })
                })
                .transpose()?,
            search: ne(&self.search),
        })
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobJson {
    pub id: String,
    pub name: String,
    /// backup | restore | logFetch | upgrade
    pub operation: String,
    /// scheduled | inProgress | paused | stopped | completed | failed
    pub status: String,
    /// Started at once (cannot be paused, resumed or stopped).
    pub immediate: bool,
    /// One of the hub's own daily runs.
    pub automatic: bool,
    pub start_date: String,
    pub created_by: String,
    /// The customers of its parts that the caller may see.
    pub customers: Vec<String>,
}

fn job_json(job: Job, customers: Vec<String>) -> JobJson {
    JobJson {
        id: job.id.to_string(),
        name: job.name,
        operation: job.kind.as_str().into(),
        status: job.status.as_str().into(),
        immediate: job.immediate,
        automatic: job.automatic,
        start_date: job.start_at.to_string(),
        created_by: job.created_by,
        customers,
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartJson {
    pub customer_id: String,
    pub system_id: String,
    /// The server (primary, secondary, expansion …) this part runs on.
    pub server: String,
    /// pending | inProgress | completed | failed | stopped
    pub status: String,
    /// Why it failed.
    pub reason: String,
    pub started: Option<String>,
    pub finished: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobDetailsJson {
    #[serde(flatten)]
    pub job: JobJson,
    pub parts: Vec<PartJson>,
}

fn part_json(p: JobPart) -> PartJson {
    PartJson {
        customer_id: p.customer_id.to_string(),
        system_id: p.system_id.to_string(),
        server: p.server,
        status: p.status.as_str().into(),
        reason: p.reason,
        started: p.started_at.map(|t| t.to_string()),
        finished: p.finished_at.map(|t| t.to_string()),
    }
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    lq: ListQuery<JobQuery, JobSort>,
) -> ApiResult<Paged<JobJson>> {
    let page = lq.page(50);
    let found = state
        .store
        .list_jobs(
            caller.principal.scope(),
            &lq.filter.filter()?,
            lq.sort,
            page,
        )
        .await?;
    let total = found.total;
    let items = found
        .items
        .into_iter()
        .map(|s| job_json(s.job, s.customers))
        .collect();
    Ok(Paged::new(&lq, 50, items, total))
}

async fn details(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<JobDetailsJson>> {
    let id: JobId = id_from_path(&id)?;
    let (job, parts) = state
        .store
        .job_in_scope(caller.principal.scope(), id)
        .await?;
    // The customers' names, as the list shows them.
    let mut ids: Vec<patchbay_domain::CustomerId> = parts.iter().map(|p| p.customer_id).collect();
    ids.sort();
    ids.dedup();
    let mut customers = Vec::with_capacity(ids.len());
    for c in ids {
        customers.push(
            state
                .store
                .customer(caller.principal.scope(), c)
                .await?
                .fields
                .name,
        );
    }
    customers.sort();
    Ok(Json(JobDetailsJson {
        job: job_json(job, customers),
        parts: parts.into_iter().map(part_json).collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateJobBody {
    pub name: String,
    /// `backup`, `upgrade` (with `releaseId`, `upgradeAction`, `restartPhones`),
    /// `customizationRefresh` (CST-4: no `items` nor `mailboxes`), or `logFetch` (collect new
    /// logs now: no `startAt`, `items` nor `mailboxes`). A restore is asked of a
    /// backup: `/v1/operations/systems/{id}/backups/{backupId}/…`.
    #[schema(schema_with = operation_schema)]
    pub operation: String,
    /// The customers (their `id`) whose systems to back up.
    pub customer_ids: Vec<String>,
    /// When to start (ISO 8601); absent: now (such a job cannot be paused, resumed or stopped).
    pub start_at: Option<String>,
    /// configuration | voicemailConfiguration | customPrompts | mailboxes; absent: all.
    pub items: Option<Vec<String>>,
    /// With `mailboxes`: only these (BKP-4); absent or empty: all.
    pub mailboxes: Option<Vec<String>>,
    /// Upgrade: the release of the software repository to move to (UPG-1).
    pub release_id: Option<String>,
    /// Upgrade: `transferAndUpgrade` (default), `transfer` (stage only) or `upgrade` (apply what
    /// was staged).
    #[schema(schema_with = upgrade_action_schema)]
    pub upgrade_action: Option<String>,
    /// Upgrade: restart the IP phones afterwards (they reload settings and firmware).
    pub restart_phones: Option<bool>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedJob {
    pub id: String,
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(b): JsonBody<CreateJobBody>,
) -> ApiResult<Created<CreatedJob>> {
    let creatable = [
        JobKind::Backup,
        JobKind::LogFetch,
        JobKind::Upgrade,
        JobKind::CustomizationRefresh,
    ];
    let kind = JobKind::parse(&b.operation)
        .filter(|k| creatable.contains(k))
        .ok_or_else(|| {
            AppError::field(
                "operation",
                Rule::OneOf {
                    allowed: creatable.map(JobKind::as_str).join(", "),
                },
            )
        })?;
    let start_at = b
        .start_at
        .as_deref()
        .map(|s| {
            s.parse::<jiff::Timestamp>()
                .map_err(|_| AppError::field("startAt", Rule::Invalid))
        })
        .transpose()?;
    crate::service::check_bulk_field("customerIds", b.customer_ids.len())?;
    let customers = b
        .customer_ids
        .iter()
        .map(|i| id_from_path(i))
        .collect::<Result<Vec<_>, _>>()?;
    let upgrade_fields =
        b.release_id.is_some() || b.upgrade_action.is_some() || b.restart_phones.is_some();
    if kind == JobKind::Upgrade {
        if b.items.is_some() || b.mailboxes.is_some() {
            return Err(AppError::field("operation", Rule::Invalid));
        }
        let action = match b.upgrade_action.as_deref() {
            None => UpgradeAction::TransferAndUpgrade,
            Some(a) => UpgradeAction::parse(a).ok_or_else(|| {
                AppError::field(
                    "upgradeAction",
                    Rule::OneOf {
                        allowed: UpgradeAction::ALL.map(UpgradeAction::as_str).join(", "),
                    },
                )
            })?,
        };
        let id = crate::service::jobs::upgrade::create_upgrade(
            &state,
            &caller,
            crate::service::jobs::upgrade::UpgradeRequest {
                name: b.name,
                customers,
                release_id: b.release_id.unwrap_or_default(),
                action,
                restart_phones: b.restart_phones.unwrap_or(false),
                start_at,
            },
        )
        .await?;
        return Ok(Created(CreatedJob { id: id.to_string() }));
    }
    // The upgrade's fields are refused elsewhere, never ignored.
    if upgrade_fields {
        return Err(AppError::field("releaseId", Rule::NotAllowed));
    }
    if kind == JobKind::CustomizationRefresh {
        if b.items.is_some() || b.mailboxes.is_some() {
            return Err(AppError::field("operation", Rule::Invalid));
        }
        let id = crate::service::jobs::refresh::create_refresh(
            &state,
            &caller,
            crate::service::jobs::refresh::RefreshRequest {
                name: b.name,
                customers,
                start_at,
            },
        )
        .await?;
        return Ok(Created(CreatedJob { id: id.to_string() }));
    }
    if kind == JobKind::LogFetch {
        if b.start_at.is_some() || b.items.is_some() || b.mailboxes.is_some() {
            return Err(AppError::field("operation", Rule::Invalid));
        }
        let id = crate::service::jobs::logs::create_fetch(
            &state,
            &caller,
            Some(&b.name),
            &customers,
            None,
        )
        .await?;
        return Ok(Created(CreatedJob { id: id.to_string() }));
    }
    let id = svc::create_backup(
        &state,
        &caller,
        svc::BackupRequest {
            name: b.name,
            customers,
            start_at,
            items: b.items.unwrap_or_default(),
            mailboxes: b.mailboxes.unwrap_or_default(),
        },
    )
    .await?;
    Ok(Created(CreatedJob { id: id.to_string() }))
}

async fn run_command(
    state: &AppState,
    caller: &Caller,
    id: &str,
    command: JobCommand,
) -> ApiResult<NoContent> {
    svc::command(state, caller, id_from_path(id)?, command).await?;
    Ok(NoContent)
}

async fn pause(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<NoContent> {
    run_command(&state, &caller, &id, JobCommand::Pause).await
}

async fn resume(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<NoContent> {
    run_command(&state, &caller, &id, JobCommand::Resume).await
}

async fn stop(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<NoContent> {
    run_command(&state, &caller, &id, JobCommand::Stop).await
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<NoContent> {
    run_command(&state, &caller, &id, JobCommand::Delete).await
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewOperations;
    // What acting on a job needs depends on its operation (backup, restore, logs): the service
    // decides (SPEC §3), the route only asks for operations access.
    let act = Capability::ViewOperations;
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/operations/jobs",
            view,
            "List scheduled jobs (JOB-1)",
            list,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/jobs",
            act,
            "Create a backup job over customers' systems, now or at a time (BKP-2), or fetch their new logs (LOG-3)",
            create,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/jobs/{id}",
            view,
            "A job with each server's part (JOB-2)",
            details,
        ),
        Endpoint::new(
            Method::DELETE,
            "/v1/operations/jobs/{id}",
            act,
            "Delete a job that is not in progress (JOB-3)",
            delete,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/jobs/{id}/actions/pause/invoke",
            act,
            "Pause a scheduled job (JOB-4)",
            pause,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/jobs/{id}/actions/resume/invoke",
            act,
            "Resume a paused job (JOB-4)",
            resume,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/jobs/{id}/actions/stop/invoke",
            act,
            "Stop a job for ever (JOB-4)",
            stop,
        ),
    ]
}
