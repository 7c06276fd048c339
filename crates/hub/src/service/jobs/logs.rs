//! Log collection (LOG-1…3, PRF-4): a log-fetch job asks each system for its list of log files,
//! then for the files the hub does not hold yet (new, or grown since), each PUT with its own
//! one-time token; the hub records what arrived. Every day at about 00:30 (hub local time) the
//! hub runs one collection over every system whose central-diagnostic-logs flag is on, and
//! deletes what it collected more than PRF-4 days ago. Selected files download as one zip,
//! streamed from the blob store.

use super::{
    action_id, all_parts, customer_systems, refused, send, target, visible_system, Step,
    TRANSFER_TTL,
};
use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use axum::body::Bytes;
use futures_util::Stream;
use patchbay_domain::jobs::{JobKind, PartStatus};
use patchbay_domain::validation::Errors;
use patchbay_domain::{Capability, CustomerId, JobId, SystemId};
use patchbay_proto::{Action, ActionResult, LogTransfer, Op, Transfer};
use patchbay_store::jobs::{Claim, NewJob, PartResult, Start};
use patchbay_store::logs::{LogFile, NewLogFile};
use patchbay_store::transfers::Direction;
use sha2::{Digest, Sha256};

/// At most this many files are asked for in one fetch (the next fetch takes the rest).
pub const FILES_PER_FETCH: usize = 500;
/// The daily collection starts at this hub local time (LOG-2).
pub const COLLECTION_AT: jiff::civil::Time = jiff::civil::time(0, 30, 0, 0);
/// ... and each system's part is due at its own stable offset within this long after, so a fleet
/// of 100,000 systems sends its logs over half an hour (about 55 a second), not all at 00:30.
pub const COLLECTION_SPREAD: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// Where a collected file is kept: one folder per system and job, the file named by its path's
/// hash (paths come from the system and are not trusted as keys).
fn log_key(job: JobId, system: SystemId, path: &str) -> String {
    let hash = hex::encode(Sha256::digest(path.as_bytes()));
    format!("{}{}.log", job_prefix(job, system), &hash[..16])
}

fn job_prefix(job: JobId, system: SystemId) -> String {
    format!("logs/{system}/{job}/")
}

/// A log path as a system may name it: relative, without `..`, of printable characters.
fn acceptable(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 1024
        && !path.starts_with('/')
        && !path.chars().any(char::is_control)
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// The system's list arrived: ask for the files the hub does not hold as they are, or finish
/// the parts when there is nothing new (`Some`), or when the list failed.
pub(super) async fn on_list(
    state: &AppState,
    claim: &Claim,
    r: &ActionResult,
) -> Result<Option<Vec<PartResult>>, AppError> {
    if r.status != "completed" {
        return Ok(Some(all_parts(claim, PartStatus::Failed, &r.reason)));
    }
    let held = state.store.held_logs(claim.system).await?;
    let wanted: Vec<_> = r
        .logs
        .iter()
        .filter(|l| acceptable(&l.path))
        .filter(|l| held.get(&l.path) != Some(&(l.size, l.modified_ms)))
        .take(FILES_PER_FETCH)
        .collect();
    if wanted.is_empty() {
        return Ok(Some(all_parts(claim, PartStatus::Completed, "")));
    }
    let mut files = Vec::with_capacity(wanted.len());
    for l in wanted {
        let key = log_key(claim.job, claim.system, &l.path);
        let token = state
            .store
            .new_transfer(Direction::Upload, claim.system, &key, TRANSFER_TTL)
            .await?;
        files.push(LogTransfer {
            path: l.path.clone(),
            upload: Transfer {
                url: super::FILES.into(),
                token,
            },
        });
    }
    let sent = send(
        state,
        claim.system,
        Action {
            action_id: action_id(claim.job, claim.system, Step::Main),
            op: Op::FetchLogs { files },
        },
    );
    match sent {
        Ok(()) => Ok(None),
        Err(e) => Ok(Some(all_parts(claim, PartStatus::Failed, &e.to_string()))),
    }
}

/// The files were sent: record each that reached the hub as the system described it. A failed
/// fetch keeps nothing of what it sent.
pub(super) async fn record_fetch(
    state: &AppState,
    claim: &Claim,
    r: &ActionResult,
) -> Result<Vec<PartResult>, AppError> {
    if r.status != "completed" {
        discard(state, claim.job, claim.system).await;
        return Ok(all_parts(claim, PartStatus::Failed, &r.reason));
    }
    let mut files = Vec::with_capacity(r.logs.len());
    for l in r.logs.iter().filter(|l| acceptable(&l.path)) {
        let key = log_key(claim.job, claim.system, &l.path);
        let Some((size, sha256)) = state.store.uploaded(&key).await? else {
            continue;
        };
        if size != l.size {
            let _ = state.blobs.delete(&key).await;
            continue;
        }
        files.push(NewLogFile {
            customer: claim.customer,
            system: claim.system,
            path: l.path.clone(),
            size,
            modified_at: jiff::Timestamp::from_millisecond(l.modified_ms).unwrap_or_default(),
            sha256,
            blob_key: key,
        });
    }
    let gone = state.store.add_log_files(&files).await?;
    delete_blobs(state, &gone).await;
    Ok(all_parts(claim, PartStatus::Completed, ""))
}

/// Delete what a failed fetch uploaded.
async fn discard(state: &AppState, job: JobId, system: SystemId) {
    match state.blobs.list(&job_prefix(job, system)).await {
        Ok(keys) => {
            for (key, _) in keys {
                if !state.store.log_blob_known(&key).await.unwrap_or(true) {
                    let _ = state.blobs.delete(&key).await;
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot list the files of a failed log fetch"),
    }
}

async fn delete_blobs(state: &AppState, keys: &[String]) {
    for key in keys {
        if let Err(e) = state.blobs.delete(key).await {
            tracing::warn!(blob = %key, error = %e, "cannot delete a log file");
        }
    }
}

/// LOG-1, SYS-6: logs are collected from a system whose central-diagnostic-logs flag is on.
fn logs_allowed(sys: &patchbay_store::systems::SystemView) -> bool {
    sys.flags.central_diagnostic_logs
}

/// LOG-3 "Fetch new logs": collect now what the chosen customers' systems hold and the hub does
/// not. Every system must allow log collection; the job is named `name` (or "Fetch new logs").
pub async fn create_fetch(
    state: &AppState,
    caller: &Caller,
    name: Option<&str>,
    customers: &[CustomerId],
    only: Option<SystemId>,
) -> Result<JobId, AppError> {
    caller.require(Capability::ManageLogFiles)?;
    let mut errs = Errors::default();
    let name = super::backup::job_name(name.unwrap_or("Fetch new logs"), &mut errs);
    if customers.is_empty() {
        errs.push("customerIds", patchbay_domain::Rule::Required);
    }
    errs.finish().map_err(AppError::Validation)?;
    let mut targets = Vec::new();
    for (customer, sys) in customer_systems(state, caller, customers).await? {
        if only.is_some_and(|o| o != sys.id) {
            continue;
        }
        if !logs_allowed(&sys) {
            return Err(refused(state, "jobs-refused-logs-disabled"));
        }
        targets.push(target(customer, &sys));
    }
    super::start_job(
        state,
        caller,
        NewJob {
            name,
            kind: JobKind::LogFetch,
            start: Start::Now,
            automatic: false,
            options: "{}".into(),
            targets,
        },
    )
    .await
}

/// LOG-2: from [`COLLECTION_AT`] on each day (hub local time `now`), make sure that day's
/// collection exists, its systems spread over [`COLLECTION_SPREAD`] — once, however many nodes or restarts try (its run key decides). `true`
/// once the day is seen to (created now, by another node, or nothing to collect).
pub async fn daily_collection(state: &AppState, now: &jiff::Zoned) -> Result<bool, AppError> {
    if now.time() < COLLECTION_AT {
        return Ok(false);
    }
    let mut targets = Vec::new();
    for (customer, sys) in state.store.all_systems().await? {
        if logs_allowed(&sys) {
            targets.push(target(customer, &sys));
        }
    }
    if targets.is_empty() {
        return Ok(true);
    }
    // From 00:30, or from now for a hub that starts (or sees to the day) later: a late day's
    // collection is spread too, not due at once.
    let start = now
        .with()
        .time(COLLECTION_AT)
        .build()
        .map(|z| z.timestamp())
        .unwrap_or_else(|_| now.timestamp())
        .max(now.timestamp());
    let created = state
        .store
        .create_run(
            &patchbay_store::AuditMeta::system(),
            &NewJob {
                name: format!("Log collection {}", now.date()),
                kind: JobKind::LogFetch,
                start: Start::Spread {
                    from: start,
                    over: COLLECTION_SPREAD,
                },
                automatic: true,
                options: "{}".into(),
                targets,
            },
            &format!("logs:{}", now.date()),
        )
        .await?;
    if let Some(id) = created {
        tracing::info!(job = %id, "daily log collection created");
        super::wake(state).await;
    }
    Ok(true)
}

/// PRF-4: delete the log files collected more than the preference's days ago (a batch per call).
pub async fn expire_logs(state: &AppState, now: jiff::Timestamp) -> Result<usize, AppError> {
    let days = state.store.preferences().await?.log_retention_days;
    let before = now - jiff::SignedDuration::from_hours(24 * days);
    let gone = state.store.expire_log_files(before, 500).await?;
    delete_blobs(state, &gone).await;
    Ok(gone.len())
}

/// LOG-3's date filter: days (YYYY-MM-DD, blank for none) in the hub's time zone, both included,
/// as the instants that bound the files' last writes (`from`, and before `until`). A day that is
/// not one, or `to` before `from`, is a field error.
pub fn log_days(
    from: &str,
    to: &str,
) -> Result<(Option<jiff::Timestamp>, Option<jiff::Timestamp>), AppError> {
    fn start(
        field: &'static str,
        day: &str,
        plus: i32,
    ) -> Result<Option<jiff::Timestamp>, AppError> {
        if day.trim().is_empty() {
            return Ok(None);
        }
        let invalid = || AppError::field(field, patchbay_domain::Rule::Invalid);
        let date: jiff::civil::Date = day.trim().parse().map_err(|_| invalid())?;
        date.checked_add(jiff::Span::new().days(plus))
            .and_then(|d| d.to_zoned(jiff::tz::TimeZone::system()))
            .map(|z| Some(z.timestamp()))
            .map_err(|_| invalid())
    }
    let (from, until) = (start("from", from, 0)?, start("to", to, 1)?);
    if let (Some(f), Some(u)) = (from, until) {
        if u <= f {
            return Err(AppError::field("to", patchbay_domain::Rule::Invalid));
        }
    }
    Ok((from, until))
}

/// The hub's time zone, as pages name it (times are hub local time, JOB-1, BKP-2, LOG-3).
pub fn hub_zone() -> String {
    jiff::tz::TimeZone::system()
        .iana_name()
        .unwrap_or("UTC")
        .to_string()
}

/// LOG-3: the systems of a customer the caller may manage the logs of.
pub async fn log_systems(
    state: &AppState,
    caller: &Caller,
    system: SystemId,
) -> Result<(CustomerId, patchbay_store::systems::SystemView), AppError> {
    caller.require(Capability::ManageLogFiles)?;
    visible_system(state, caller, system).await
}

/// LOG-3: delete the chosen files (others' ids are ignored).
pub async fn delete(
    state: &AppState,
    caller: &Caller,
    system_name: &str,
    files: &[LogFile],
) -> Result<usize, AppError> {
    caller.require(Capability::ManageLogFiles)?;
    let gone = state
        .store
        .delete_log_files(&caller.meta(), system_name, files)
        .await?;
    delete_blobs(state, &gone).await;
    Ok(gone.len())
}

/// The chosen files as one zip, written as it is sent (each `<system>/<path>`).
pub fn zip(
    state: &AppState,
    files: Vec<(String, LogFile)>,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    let entries = files
        .into_iter()
        .map(|(folder, f)| crate::service::zip::Entry {
            name: entry_name(&folder, &f.path),
            blob_key: f.blob_key,
            modified: f.modified_at,
        })
        .collect();
    crate::service::zip::stream(state.blobs.clone(), entries)
}

/// A name inside an archive that no unzip tool resolves outside its folder: each part of the
/// system's name and of the file's path made a plain name (no `..`, no separators of any system,
/// no drive letters, no control characters).
fn entry_name(folder: &str, path: &str) -> String {
    fn part(p: &str) -> String {
        let clean: String = p
            .chars()
            .map(|c| {
                if c == '\\' || c == ':' || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        match clean.trim() {
            "" | "." | ".." => "_".to_string(),
            _ => clean,
        }
    }
    let mut name = part(&folder.replace('/', "_"));
    for p in path.split('/') {
        name.push('/');
        name.push_str(&part(p));
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_3_only_relative_paths_inside_the_log_folder_are_taken() {
        for ok in ["a.log", "sub/b.log", "x y.txt"] {
            assert!(acceptable(ok), "{ok}");
        }
        for bad in ["", "/etc/passwd", "../x", "a/../b", "a//b", "./a", "a\nb"] {
            assert!(!acceptable(bad), "{bad:?}");
        }
    }

    #[test]
    fn log_3_zip_entries_stay_inside_the_archive_folder() {
        assert_eq!(entry_name("ipo-1", "sip/trace.log"), "ipo-1/sip/trace.log");
        assert_eq!(entry_name("../../x", "a.log"), ".._.._x/a.log");
        assert_eq!(entry_name("..", "..\\..\\evil.bat"), "_/.._.._evil.bat");
        assert_eq!(entry_name("ipo", "C:x"), "ipo/C_x");
        for (f, p) in [("../../x", "a"), ("..", ".."), ("a\\b", "c:/d")] {
            let n = entry_name(f, p);
            assert!(!n.split('/').any(|c| c == ".." || c == "."), "{n}");
            assert!(!n.contains('\\') && !n.contains(':'), "{n}");
        }
    }

    #[test]
    fn log_2_each_file_has_its_own_key_under_its_job() {
        let (j, s) = (JobId::new(), SystemId::new());
        let a = log_key(j, s, "a.log");
        assert!(a.starts_with(&job_prefix(j, s)));
        assert_ne!(a, log_key(j, s, "b.log"));
        assert_ne!(a, log_key(JobId::new(), s, "a.log"));
    }
}
