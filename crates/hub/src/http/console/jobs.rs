//! Scheduled jobs (JOB-1…5): the list (an icon on running jobs, filter, search, sort, paging;
//! pause / resume / stop selected jobs, delete them behind a confirmation) and a job's details
//! with each server's part, refreshed in place while it runs (the page works without script:
//! a Refresh link).

use super::forms::FormMap;
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::list::{ListParams, ListSpec, MaxInLinks, Pager, Param};
use crate::service::jobs as svc;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::jobs::{JobCommand, JobKind, JobStatus, PartStatus};
use patchbay_domain::{Capability, JobId};
use patchbay_store::jobs::{Job, JobFilter, JobSort};

const LIST: &str = "/com/jobs";
pub const PAGE_SIZES: [i64; 4] = [10, 25, 50, 100];

fn status(v: &str) -> String {
    JobStatus::parse(v.trim())
        .map(|s| s.as_str().to_string())
        .unwrap_or_default()
}

fn operation(v: &str) -> String {
    JobKind::parse(v.trim())
        .map(|k| k.as_str().to_string())
        .unwrap_or_default()
}

/// The job list's parameters (JOB-1); invalid values are dropped.
pub static LIST_SPEC: ListSpec = ListSpec {
    path: LIST,
    params: &[
        Param::checked("status", status),
        Param::checked("operation", operation),
        Param::search("search"),
    ],
    sorts: &["name", "operation", "startDate", "status"],
    default_order: "asc",
    sizes: &PAGE_SIZES,
    default_max: 25,
    max_in_links: MaxInLinks::WhenChanged,
};

fn job_filter(lp: &ListParams) -> JobFilter {
    JobFilter {
        status: JobStatus::parse(lp.get("status")),
        kind: JobKind::parse(lp.get("operation")),
        search: lp.value("search"),
    }
}

/// A job's name as the page shows it: the hub's own daily runs are named in the page's language.
fn job_name(ctx: &Ctx, job: &Job) -> String {
    if job.automatic {
        let key = format!("jobs-automatic-{}", job.kind.as_str());
        let day = ctx.date(job.start_at.to_zoned(jiff::tz::TimeZone::system()).date());
        ctx.t1(&key, "date", &day)
    } else {
        job.name.clone()
    }
}

pub struct Row {
    pub id: String,
    pub name: String,
    pub customers: String,
    pub operation: String,
    pub start: String,
    pub start_iso: String,
    pub status: &'static str,
    pub status_label: String,
    pub running: bool,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct ListPage {
    ctx: Ctx,
    lp: ListParams,
    pager: Pager,
    rows: Vec<Row>,
    total: i64,
    statuses: Vec<(&'static str, String)>,
    operations: Vec<(&'static str, String)>,
    notices: Vec<String>,
    errors: Vec<String>,
    can_act: bool,
    zone: String,
}

impl ListPage {
    fn columns(&self) -> Vec<(&'static str, String)> {
        [
            ("name", "jobs-col-name"),
            ("operation", "jobs-col-operation"),
            ("startDate", "jobs-col-start"),
            ("status", "jobs-col-status"),
        ]
        .into_iter()
        .map(|(c, id)| (c, self.ctx.t(id)))
        .collect()
    }
}

fn statuses(ctx: &Ctx) -> Vec<(&'static str, String)> {
    JobStatus::ALL
        .iter()
        .map(|s| (s.as_str(), ctx.t(&format!("jobs-status-{}", s.as_str()))))
        .collect()
}

fn operations(ctx: &Ctx) -> Vec<(&'static str, String)> {
    JobKind::ALL
        .iter()
        .map(|k| (k.as_str(), ctx.t(&format!("jobs-op-{}", k.as_str()))))
        .collect()
}

/// What the last command did, carried in the list's URL after the redirect.
fn messages(ctx: &Ctx, q: &str) -> (Vec<String>, Vec<String>) {
    let f = FormMap::parse(q.as_bytes());
    let mut notices = Vec::new();
    for (key, msg) in [
        ("paused", "jobs-done-pause"),
        ("resumed", "jobs-done-resume"),
        ("stopped", "jobs-done-stop"),
        ("deleted", "jobs-done-delete"),
    ] {
        if let Some(n) = f.get(key).and_then(|n| n.parse::<u64>().ok()) {
            notices.push(ctx.t1(msg, "count", &ctx.n(&n)));
        }
    }
    let errors = f
        .all("refused")
        .iter()
        .filter(|id| id.starts_with("jobs-refused-"))
        .map(|id| ctx.t(id))
        .collect();
    (notices, errors)
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let q = q.unwrap_or_default();
    let lp = ListParams::parse(&LIST_SPEC, Some(&q));
    let found = state
        .store
        .list_jobs(
            caller.principal.scope(),
            &job_filter(&lp),
            lp.sort_as::<JobSort>(),
            lp.page(),
        )
        .await?;
    let total = found.total;
    let rows: Vec<Row> = found
        .items
        .into_iter()
        .map(|s| Row {
            id: s.job.id.to_string(),
            name: job_name(&ctx, &s.job),
            customers: s.customers.join(", "),
            operation: ctx.t(&format!("jobs-op-{}", s.job.kind.as_str())),
            start: ctx.datetime(s.job.start_at),
            start_iso: s.job.start_at.to_string(),
            status: s.job.status.as_str(),
            status_label: ctx.t(&format!("jobs-status-{}", s.job.status.as_str())),
            running: s.job.status == JobStatus::InProgress,
        })
        .collect();
    let (notices, errors) = messages(&ctx, &q);
    Ok(render(&ListPage {
        pager: lp.pager(rows.len(), total),
        statuses: statuses(&ctx),
        operations: operations(&ctx),
        can_act: caller.can(Capability::BackupManual)
            || caller.can(Capability::ManageLogFiles)
            || caller.can(Capability::Restore),
        zone: svc::logs::hub_zone(),
        notices,
        errors,
        rows,
        total,
        lp,
        ctx,
    }))
}

/// The list URL a command returns to: only the job list itself (never elsewhere).
fn safe_back(back: Option<&str>) -> ListParams {
    let q = back
        .and_then(|b| b.strip_prefix(LIST))
        .filter(|rest| rest.is_empty() || rest.starts_with('?'))
        .map(|rest| rest.trim_start_matches('?'));
    ListParams::parse(&LIST_SPEC, q)
}

fn ids(form: &FormMap) -> Vec<JobId> {
    form.parsed("id")
}

/// Run `command` on each selected job; back to the list with how many it changed and, once
/// each, why the others were refused.
async fn run(
    state: &AppState,
    caller: &Caller,
    form: &FormMap,
    command: JobCommand,
    done_key: &str,
) -> Result<Response, AppError> {
    let back = safe_back(form.get("back"));
    let mut done = 0u64;
    let mut refused: Vec<(&str, String)> = Vec::new();
    for id in ids(form) {
        match svc::command(state, caller, id, command).await {
            Ok(()) => done += 1,
            Err(AppError::Conflict(msg, _)) => {
                if !refused.iter().any(|(_, m)| m == msg) {
                    refused.push(("refused", msg.to_string()));
                }
            }
            Err(AppError::NotFound) => {}
            // A job of an operation this role may not act on: refused, the rest carry on.
            Err(AppError::Forbidden) => {
                let msg = "jobs-refused-role".to_string();
                if !refused.iter().any(|(_, m)| *m == msg) {
                    refused.push(("refused", msg));
                }
            }
            Err(e) => return Err(e),
        }
    }
    let mut extra = vec![(done_key, done.to_string())];
    extra.extend(refused);
    Ok(Redirect::to(&back.url_and(&extra)).into_response())
}

/// The list's buttons: pause, resume, stop at once; delete shows a confirmation first (JOB-3).
async fn command(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let (cmd, key) = match form.get("action") {
        Some("pause") => (JobCommand::Pause, "paused"),
        Some("resume") => (JobCommand::Resume, "resumed"),
        Some("stop") => (JobCommand::Stop, "stopped"),
        Some("delete") => return confirm_delete(&state, &caller, ctx, &form).await,
        _ => return Ok(Redirect::to(&safe_back(form.get("back")).url()).into_response()),
    };
    run(&state, &caller, &form, cmd, key).await
}

#[derive(Template)]
#[template(path = "jobs_delete.html")]
struct DeletePage {
    ctx: Ctx,
    back: String,
    targets: Vec<(String, String)>,
}

async fn confirm_delete(
    state: &AppState,
    caller: &Caller,
    ctx: Ctx,
    form: &FormMap,
) -> Result<Response, AppError> {
    let mut targets = Vec::new();
    for id in ids(form) {
        if let Ok((job, _)) = state.store.job_in_scope(caller.principal.scope(), id).await {
            targets.push((id.to_string(), job_name(&ctx, &job)));
        }
    }
    Ok(render(&DeletePage {
        back: safe_back(form.get("back")).url(),
        targets,
        ctx,
    }))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    run(&state, &caller, &form, JobCommand::Delete, "deleted").await
}

pub struct PartRow {
    pub customer: String,
    pub server: String,
    pub status: &'static str,
    pub status_label: String,
    pub reason: String,
    pub started: String,
    pub finished: String,
}

#[derive(Template)]
#[template(path = "job.html")]
struct DetailsPage {
    ctx: Ctx,
    id: String,
    name: String,
    operation: String,
    start: String,
    start_iso: String,
    status: &'static str,
    status_label: String,
    created_by: String,
    immediate: bool,
    running: bool,
    parts: Vec<PartRow>,
    zone: String,
}

async fn details(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: JobId = id.parse().map_err(|_| AppError::NotFound)?;
    let scope = caller.principal.scope();
    let (job, parts) = state.store.job_in_scope(scope, id).await?;
    let mut names: Vec<(patchbay_domain::CustomerId, String)> = Vec::new();
    for p in &parts {
        if !names.iter().any(|(c, _)| *c == p.customer_id) {
            let c = state.store.customer(scope, p.customer_id).await?;
            names.push((c.id, c.fields.name));
        }
    }
    let when = |t: Option<jiff::Timestamp>| t.map(|t| ctx.datetime(t)).unwrap_or_default();
    let rows = parts
        .iter()
        .map(|p| PartRow {
            customer: names
                .iter()
                .find(|(c, _)| *c == p.customer_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            server: p.server.clone(),
            status: p.status.as_str(),
            status_label: ctx.t(&format!("jobs-part-{}", p.status.as_str())),
            reason: p.reason.clone(),
            started: when(p.started_at),
            finished: when(p.finished_at),
        })
        .collect();
    // Refreshed in place while it runs, and while it is about to (a job started now is still
    // Scheduled until the runner claims it, a moment later).
    let due_soon = job.status == JobStatus::Scheduled
        && job.start_at <= jiff::Timestamp::now() + jiff::SignedDuration::from_mins(5);
    let running = job.status == JobStatus::InProgress
        || due_soon
        || parts
            .iter()
            .any(|p| matches!(p.status, PartStatus::InProgress));
    Ok(render(&DetailsPage {
        id: job.id.to_string(),
        name: job_name(&ctx, &job),
        operation: ctx.t(&format!("jobs-op-{}", job.kind.as_str())),
        start: ctx.datetime(job.start_at),
        start_iso: job.start_at.to_string(),
        status: job.status.as_str(),
        status_label: ctx.t(&format!("jobs-status-{}", job.status.as_str())),
        created_by: job.created_by.clone(),
        immediate: job.immediate,
        running,
        parts: rows,
        zone: svc::logs::hub_zone(),
        ctx,
    }))
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewOperations;
    vec![
        Endpoint::page(Method::GET, LIST, view, "Scheduled jobs", get(list)),
        Endpoint::page(
            Method::POST,
            "/com/jobs/command",
            view,
            "Pause, resume or stop the selected jobs, or confirm deleting them",
            post(command),
        ),
        Endpoint::page(
            Method::POST,
            "/com/jobs/delete",
            view,
            "Delete the selected jobs",
            post(delete),
        ),
        Endpoint::page(
            Method::GET,
            "/com/jobs/{id}",
            view,
            "A job's details",
            get(details),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_1_list_links_keep_the_criteria_and_drop_bad_values() {
        let lp = ListParams::parse(
            &LIST_SPEC,
            Some("status=inProgress&operation=bogus&search=%20nightly%20"),
        );
        assert_eq!(lp.get("status"), "inProgress");
        assert_eq!(lp.get("operation"), "");
        assert_eq!(
            lp.sort_link("name"),
            "/com/jobs?status=inProgress&search=nightly&sort=name&order=desc"
        );
        assert_eq!(safe_back(Some("https://evil.example/")).url(), LIST);
        assert_eq!(
            safe_back(Some("/com/jobs?status=paused")).url(),
            "/com/jobs?status=paused"
        );
    }
}
