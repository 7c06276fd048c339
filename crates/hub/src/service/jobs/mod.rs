//! Running jobs (JOB-1…5, BKP-1…5, LOG-2, LOG-3): each node claims the due parts of the systems
//! it holds, sends each system its `action` (with one-time transfer tokens for the files), and
//! records the `actionResult` when it comes — the backup row with retention, the log files, the
//! parts' statuses, the job's.
//!
//! The action id is `<job>:<system>` (a log fetch first lists with `<job>:<system>:list`), so a
//! result that arrives after a hub restart (the agent keeps it until acknowledged) still finds its
//! parts.

pub mod backup;
pub mod logs;
pub mod refresh;
pub mod upgrade;

use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::jobs::{JobCommand, JobKind, PartStatus};
use patchbay_domain::{Capability, CustomerId, JobId, SystemId};
use patchbay_proto::{Action, ActionResult, Message};
use patchbay_store::jobs::{Claim, PartResult, Target};
use patchbay_store::systems::SystemView;
use std::time::Duration;

pub use backup::{
    backups, create_backup, create_restore, BackupRequest, RestoreRequest, BACKUP_ITEMS, NAME_MAX,
};

/// How long a transfer token stays valid; a part with no result by then has failed (its file
/// can no longer arrive).
const TRANSFER_TTL: Duration = Duration::from_secs(2 * 3600);
/// How long a due part may wait for its system to be connected.
const WAIT_FOR_SYSTEM: Duration = Duration::from_secs(3600);
/// The automatic jobs (BKP-3 nightly backups, LOG-2 daily collection) are looked at once a minute
/// across every node; a little under a minute, so that the node looking each minute finds the
/// period over.
const AUTOMATIC_EVERY: Duration = Duration::from_secs(55);
/// The path of the file endpoint, which agents resolve against the hub address they use.
const FILES: &str = crate::http::files::PATH;

/// Which step of a job's work on a system an action is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The operation itself.
    Main,
    /// A log fetch's listing, before the files are asked for.
    List,
}

fn action_id(job: JobId, system: SystemId, step: Step) -> String {
    match step {
        Step::Main => format!("{job}:{system}"),
        Step::List => format!("{job}:{system}:list"),
    }
}

fn parse_action_id(id: &str) -> Option<(JobId, SystemId, Step)> {
    let mut it = id.split(':');
    let (job, system) = (it.next()?.parse().ok()?, it.next()?.parse().ok()?);
    let step = match it.next() {
        None => Step::Main,
        Some("list") => Step::List,
        Some(_) => return None,
    };
    it.next().is_none().then_some((job, system, step))
}

fn all_parts(claim: &Claim, status: PartStatus, reason: &str) -> Vec<PartResult> {
    claim
        .parts
        .iter()
        .map(|p| PartResult {
            part: *p,
            status,
            reason: reason.to_string(),
        })
        .collect()
}

/// A job's part on each server of `sys` (the system itself when it reports none).
fn target(customer: CustomerId, sys: &SystemView) -> Target {
    let mut servers: Vec<String> = sys.servers.iter().map(|v| v.name.clone()).collect();
    if servers.is_empty() {
        servers.push(sys.name.clone());
    }
    Target {
        customer,
        system: sys.id,
        servers,
    }
}

/// The systems of the chosen customers, each customer visible to the caller (not found otherwise,
/// TEN-4) and known to have a system (refused otherwise: nothing to run on).
async fn customer_systems(
    state: &AppState,
    caller: &Caller,
    customers: &[CustomerId],
) -> Result<Vec<(CustomerId, SystemView)>, AppError> {
    crate::service::check_bulk_field("customerIds", customers.len())?;
    let mut out = Vec::new();
    for id in customers {
        let c = state.store.customer(caller.principal.scope(), *id).await?;
        let systems = state.store.systems_of(c.id).await?;
        if systems.is_empty() {
            return Err(refused(state, "jobs-refused-no-system"));
        }
        out.extend(systems.into_iter().map(|s| (c.id, s)));
    }
    Ok(out)
}

/// Wake this node's runner and tell the other nodes (PostgreSQL `NOTIFY`) that there is work: a
/// job for a system another node holds starts there at once.
async fn wake(state: &AppState) {
    state.jobs_wake.notify_one();
    if let Err(e) = state.store.announce_jobs().await {
        tracing::warn!(error = %e, "cannot tell the other nodes about new work");
    }
}

/// Create a job asked for by `caller` (audited) and wake the runners for it.
async fn start_job(
    state: &AppState,
    caller: &Caller,
    job: patchbay_store::jobs::NewJob,
) -> Result<JobId, AppError> {
    let id = state.store.create_job(&caller.meta(), &job).await?;
    wake(state).await;
    Ok(id)
}

/// A system the caller may see, with its customer; not found otherwise (TEN-4).
pub async fn visible_system(
    state: &AppState,
    caller: &Caller,
    id: SystemId,
) -> Result<(CustomerId, SystemView), AppError> {
    let owner = state.store.system_owner(id).await?;
    let c = state
        .store
        .customer(caller.principal.scope(), owner)
        .await?;
    let sys = state
        .store
        .systems_of(c.id)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(AppError::NotFound)?;
    Ok((c.id, sys))
}

/// Send `action` to the system, on whichever connection of this node holds it.
fn send(state: &AppState, system: SystemId, action: Action) -> Result<(), AppError> {
    if state.agents.send(system, Message::Action(action)) {
        Ok(())
    } else {
        Err(AppError::Internal("the system is not connected".into()))
    }
}

/// Fail what can no longer happen (see [`patchbay_store::Store::expire_parts`]); forget
/// transfers expired for a day.
pub async fn expire(state: &AppState, now: jiff::Timestamp) -> Result<usize, AppError> {
    state
        .store
        .prune_transfers(now - jiff::SignedDuration::from_hours(24))
        .await?;
    Ok(state
        .store
        .expire_parts(
            now,
            TRANSFER_TTL,
            "no result from the system in time (it may have restarted during the action)",
            WAIT_FOR_SYSTEM,
            "the system was not connected within an hour of the start time",
        )
        .await?)
}

/// How old a blob without its row must be before the sweep deletes it: older than any upload in
/// flight or result still to come (a transfer token lives 2 hours).
pub const SWEEP_AGE: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

/// Delete the backup, log, customization and phone-file blobs that no row names, written before `now - SWEEP_AGE` (what a
/// crash between writing a blob and recording it leaves). Returns how many went.
pub async fn sweep_blobs(state: &AppState, now: jiff::Timestamp) -> Result<usize, AppError> {
    let before = (now - SWEEP_AGE).as_second();
    let mut gone = 0;
    for prefix in ["backups", "logs", "customization", "phonefiles"] {
        let keys = state
            .blobs
            .list_older(prefix, before)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let known = state.store.known_blobs(&keys).await?;
        for key in keys.into_iter().filter(|k| !known.contains(k)) {
            match state.blobs.delete(&key).await {
                Ok(()) => {
                    tracing::info!(blob = %key, "blob without its row deleted");
                    gone += 1;
                }
                Err(e) => {
                    tracing::warn!(blob = %key, error = %e, "cannot delete a blob without its row")
                }
            }
        }
    }
    Ok(gone)
}

/// Start what is due on the systems this node holds.
pub async fn start_due(state: &AppState) -> Result<usize, AppError> {
    let node = state.agents.node_id.clone();
    let claims = state
        .store
        .claim_due_parts(&node, true, jiff::Timestamp::now(), 100)
        .await?;
    let n = claims.len();
    for claim in claims {
        if let Err(e) = start(state, &claim).await {
            tracing::warn!(job = %claim.job, system = %claim.system, error = %e, "cannot start a job part");
            let failed = all_parts(&claim, PartStatus::Failed, &e.to_string());
            // One failure must not strand the rest of the batch (expiry catches this one).
            if let Err(e) = state.store.finish_parts(&claim, &failed).await {
                tracing::warn!(job = %claim.job, error = %e, "cannot record a part that did not start");
            }
        }
    }
    Ok(n)
}

/// After a restart: send again the actions of the work this node had in progress before it
/// started (`started`), once each, as their systems come back (see
/// [`patchbay_store::Store::unfinished_claims`]).
async fn resume(
    state: &AppState,
    started: jiff::Timestamp,
    resumed: &mut std::collections::HashSet<(JobId, SystemId)>,
) -> Result<(), AppError> {
    let claims = state
        .store
        .unfinished_claims(&state.agents.node_id, started)
        .await?;
    for claim in claims {
        if resumed.contains(&(claim.job, claim.system)) {
            continue;
        }
        match start(state, &claim).await {
            Ok(()) => {
                tracing::info!(job = %claim.job, system = %claim.system, "action sent again after a restart");
                resumed.insert((claim.job, claim.system));
            }
            Err(e) => {
                tracing::debug!(job = %claim.job, error = %e, "cannot send the action again yet")
            }
        }
    }
    Ok(())
}

async fn start(state: &AppState, claim: &Claim) -> Result<(), AppError> {
    let job = state.store.job_header(claim.job).await?;
    let (op, step) = match claim.kind {
        JobKind::Backup => (
            backup::backup_op(state, claim, &job.options).await?,
            Step::Main,
        ),
        JobKind::Restore => (
            backup::restore_op(state, claim, &job.options).await?,
            Step::Main,
        ),
        JobKind::LogFetch => (patchbay_proto::Op::ListLogs, Step::List),
        JobKind::Upgrade => (
            upgrade::upgrade_op(state, claim, &job.options).await?,
            Step::Main,
        ),
        JobKind::CustomizationRefresh => (refresh::refresh_op(state, claim).await?, Step::Main),
    };
    send(
        state,
        claim.system,
        Action {
            action_id: action_id(claim.job, claim.system, step),
            op,
        },
    )
}

/// Record the result the system `sys` sent. A result for another system, or one already recorded,
/// changes nothing (the agent is acknowledged all the same, so it stops sending it).
pub async fn record_result(
    state: &AppState,
    sys: SystemId,
    r: ActionResult,
) -> Result<(), AppError> {
    let Some((job, system, step)) = parse_action_id(&r.action_id).filter(|(_, s, _)| *s == sys)
    else {
        tracing::warn!(system = %sys, action = %r.action_id, "result of an action this system was not asked");
        return Ok(());
    };
    let Some(claim) = state.store.running_claim(job, system).await? else {
        return Ok(());
    };
    let results = match (claim.kind, step) {
        (JobKind::Backup, Step::Main) => backup::record_backup(state, &claim, &r).await?,
        (JobKind::LogFetch, Step::List) => match logs::on_list(state, &claim, &r).await? {
            Some(results) => results,
            // The files are asked for; the part runs on.
            None => return Ok(()),
        },
        (JobKind::LogFetch, Step::Main) => logs::record_fetch(state, &claim, &r).await?,
        (JobKind::Upgrade, Step::Main) => upgrade::record_upgrade(state, &claim, &r).await?,
        (_, Step::Main) if r.status == "completed" => all_parts(&claim, PartStatus::Completed, ""),
        (_, Step::Main) => all_parts(&claim, PartStatus::Failed, &r.reason),
        (_, Step::List) => return Ok(()),
    };
    let status = state.store.finish_parts(&claim, &results).await?;
    tracing::info!(job = %job, system = %system, status = status.as_str(), "job part finished");
    Ok(())
}

/// A 409 whose text is the message `id` (in English here; each caller's language on the way out).
pub(crate) fn refused(state: &AppState, id: &'static str) -> AppError {
    AppError::Conflict(id, state.i18n.t("en", id))
}

/// The capability acting on a job of `kind` needs (SPEC §3).
fn capability_for(kind: JobKind) -> Capability {
    match kind {
        JobKind::Backup => Capability::BackupManual,
        JobKind::Restore => Capability::Restore,
        JobKind::LogFetch => Capability::ManageLogFiles,
        JobKind::Upgrade => Capability::UpgradeSystems,
        JobKind::CustomizationRefresh => Capability::RefreshCustomizationFiles,
    }
}

/// JOB-3, JOB-4: pause, resume, stop or delete a job the caller may see; a refusal is a 409
/// saying why.
pub async fn command(
    state: &AppState,
    caller: &Caller,
    id: JobId,
    command: JobCommand,
) -> Result<(), AppError> {
    let (job, visible) = state
        .store
        .job_in_scope(caller.principal.scope(), id)
        .await?;
    // A job reaching customers the caller does not see is not theirs to change (TEN-4).
    let (_, all) = state.store.job(id).await?;
    if visible.len() != all.len() {
        return Err(AppError::NotFound);
    }
    caller.require(capability_for(job.kind))?;
    match state.store.command_job(&caller.meta(), id, command).await? {
        Ok(()) => {
            if command == JobCommand::Resume {
                wake(state).await;
            }
            Ok(())
        }
        Err(refusal) => Err(refused(state, refusal.message_id())),
    }
}

/// Run due jobs on this node every `jobs_tick` (and at once when woken), until shutdown.
pub fn spawn_runner(state: AppState) {
    tokio::spawn(async move {
        let shutdown = state.agents.shutdown.clone();
        // The last day whose log collection this node saw to (LOG-2).
        let mut collected: Option<jiff::civil::Date> = None;
        // Work of this node's previous process, sent again once (after a crash).
        let started = jiff::Timestamp::now();
        let mut resumed = std::collections::HashSet::new();
        // BKP-3: looked at once a minute; the nights' runs this node has handled.
        let mut automatic_at: Option<jiff::Timestamp> = None;
        loop {
            // Once per tick across every node.
            if crate::service::nodes::claim_period(&state, "job-expiry", state.config.jobs_tick)
                .await
            {
                if let Err(e) = expire(&state, jiff::Timestamp::now()).await {
                    tracing::warn!(error = %e, "cannot expire job parts");
                }
                if let Err(e) = logs::expire_logs(&state, jiff::Timestamp::now()).await {
                    tracing::warn!(error = %e, "cannot delete expired log files");
                }
            }
            let now = jiff::Zoned::now();
            // Blobs without their rows: once an hour across every node.
            if crate::service::nodes::claim_period(&state, "blob-sweep", crate::SWEEP_EVERY).await {
                if let Err(e) = sweep_blobs(&state, now.timestamp()).await {
                    tracing::warn!(error = %e, "cannot sweep blobs without rows");
                }
                let data_dir = state.config.data_dir.clone();
                let _ = tokio::task::spawn_blocking(move || {
                    crate::service::phonefiles::clean_scratch(&data_dir, SWEEP_AGE.unsigned_abs())
                })
                .await;
            }
            if state.config.automatic_jobs
                && automatic_at.is_none_or(|t| {
                    t.duration_until(now.timestamp()) >= jiff::SignedDuration::from_mins(1)
                })
            {
                automatic_at = Some(now.timestamp());
                // Every system is looked at: once a minute across every node, not per node.
                if crate::service::nodes::claim_period(&state, "automatic-backups", AUTOMATIC_EVERY)
                    .await
                {
                    if let Err(e) = backup::automatic_backups(&state, now.timestamp()).await {
                        tracing::warn!(error = %e, "cannot start the automatic backups");
                    }
                }
            }
            if state.config.automatic_jobs
                && collected != Some(now.date())
                && crate::service::nodes::claim_period(&state, "log-collection", AUTOMATIC_EVERY)
                    .await
            {
                match logs::daily_collection(&state, &now).await {
                    Ok(true) => collected = Some(now.date()),
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "cannot create the daily log collection"),
                }
            }
            if let Err(e) = resume(&state, started, &mut resumed).await {
                tracing::warn!(error = %e, "cannot resume the work of before a restart");
            }
            if let Err(e) = start_due(&state).await {
                tracing::warn!(error = %e, "cannot start due jobs");
            }
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = state.jobs_wake.notified() => {}
                _ = tokio::time::sleep(state.config.jobs_tick) => {}
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_2_action_ids_name_the_job_the_system_and_the_step() {
        let (j, s) = (JobId::new(), SystemId::new());
        for step in [Step::Main, Step::List] {
            assert_eq!(parse_action_id(&action_id(j, s, step)), Some((j, s, step)));
        }
        assert_eq!(parse_action_id(&format!("{j}:{s}:other")), None);
        assert_eq!(parse_action_id(&format!("{j}:{s}:list:x")), None);
        assert_eq!(parse_action_id("x:y"), None);
        assert_eq!(parse_action_id("nothing"), None);
    }
}
