//! Running jobs (JOB-1…5, BKP-1…5): each node claims the due parts of the systems it holds,
//! sends each system its `action` (with a one-time transfer token for the file), and records the
//! `actionResult` when it comes — the backup row with retention, the parts' statuses, the job's.
//!
//! The action id is `<job>:<system>`, so a result that arrives after a hub restart (the agent
//! keeps it until acknowledged) still finds its parts.

use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::jobs::{JobCommand, JobKind, PartStatus};
use patchbay_domain::system::Profile;
use patchbay_domain::validation::Errors;
use patchbay_domain::{Capability, CustomerId, JobId, Rule, SystemId};
use patchbay_proto::{Action, ActionResult, Message, Op, Transfer};
use patchbay_store::backups::NewBackup;
use patchbay_store::jobs::{Claim, PartResult};
use patchbay_store::jobs::{NewJob, Start, Target};
use patchbay_store::transfers::Direction;
use std::time::Duration;

/// How often a node looks for due work (a job created on this node wakes it at once).
pub const TICK: Duration = Duration::from_secs(2);
/// How long a transfer token stays valid; a part with no result by then has failed (its file
/// can no longer arrive).
const TRANSFER_TTL: Duration = Duration::from_secs(2 * 3600);
/// How long a due part may wait for its system to be connected.
const WAIT_FOR_SYSTEM: Duration = Duration::from_secs(3600);
/// The path of the file endpoint, which agents resolve against the hub address they use.
const FILES: &str = crate::http::files::PATH;

/// What a backup job asks for (`jobs.options`).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BackupOptions {
    pub items: Vec<String>,
    pub mailboxes: Vec<String>,
}

fn action_id(job: JobId, system: SystemId) -> String {
    format!("{job}:{system}")
}

fn parse_action_id(id: &str) -> Option<(JobId, SystemId)> {
    let (job, system) = id.split_once(':')?;
    Some((job.parse().ok()?, system.parse().ok()?))
}

/// Where the backup of `job` on `system` is kept.
pub fn backup_key(job: JobId, system: SystemId) -> String {
    format!("backups/{system}/{job}.tar.gz")
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

async fn start(state: &AppState, claim: &Claim) -> Result<(), AppError> {
    let (job, _) = state.store.job(claim.job).await?;
    let op = match claim.kind {
        JobKind::Backup => {
            let options: BackupOptions = serde_json::from_str(&job.options).unwrap_or_default();
            let key = backup_key(claim.job, claim.system);
            let token = state
                .store
                .new_transfer(Direction::Upload, claim.system, &key, TRANSFER_TTL)
                .await?;
            Op::Backup {
                items: options.items,
                mailboxes: options.mailboxes,
                upload: Transfer {
                    url: FILES.into(),
                    token,
                },
            }
        }
        JobKind::Restore | JobKind::LogFetch => {
            return Err(AppError::Internal(format!(
                "{} jobs are not run by this hub yet",
                claim.kind.as_str()
            )))
        }
    };
    let action = Action {
        action_id: action_id(claim.job, claim.system),
        op,
    };
    if !state.agents.send(claim.system, Message::Action(action)) {
        return Err(AppError::Internal("the system is not connected".into()));
    }
    Ok(())
}

/// Record the result the system `sys` sent. A result for another system, or one already recorded,
/// changes nothing (the agent is acknowledged all the same, so it stops sending it).
pub async fn record_result(
    state: &AppState,
    sys: SystemId,
    r: ActionResult,
) -> Result<(), AppError> {
    let Some((job, system)) = parse_action_id(&r.action_id).filter(|(_, s)| *s == sys) else {
        tracing::warn!(system = %sys, action = %r.action_id, "result of an action this system was not asked");
        return Ok(());
    };
    let Some(claim) = state.store.running_claim(job, system).await? else {
        return Ok(());
    };
    let results = match claim.kind {
        JobKind::Backup => record_backup(state, &claim, &r).await?,
        _ if r.status == "completed" => all_parts(&claim, PartStatus::Completed, ""),
        _ => all_parts(&claim, PartStatus::Failed, &r.reason),
    };
    let status = state.store.finish_parts(&claim, &results).await?;
    tracing::info!(job = %job, system = %system, status = status.as_str(), "job part finished");
    Ok(())
}

/// A backup's result: the archive the hub received must be the one the agent made; then the
/// backup is recorded (retention applied) and the blobs it pushed out are deleted.
async fn record_backup(
    state: &AppState,
    claim: &Claim,
    r: &ActionResult,
) -> Result<Vec<PartResult>, AppError> {
    let key = backup_key(claim.job, claim.system);
    let fail = |why: &str| all_parts(claim, PartStatus::Failed, why);
    if r.status != "completed" {
        let _ = state.blobs.delete(&key).await;
        return Ok(fail(&r.reason));
    }
    let (Some(archive), Some((size, sha256))) = (&r.archive, state.store.uploaded(&key).await?)
    else {
        let _ = state.blobs.delete(&key).await;
        return Ok(fail("the backup did not reach the hub"));
    };
    if archive.size != size || !archive.sha256.eq_ignore_ascii_case(&sha256) {
        let _ = state.blobs.delete(&key).await;
        return Ok(fail(
            "the backup the hub received differs from the one the system made",
        ));
    }
    let (job, _) = state.store.job(claim.job).await?;
    let (_, gone) = state
        .store
        .add_backup(&NewBackup {
            customer: claim.customer,
            system: claim.system,
            job: Some(claim.job),
            automatic: job.automatic,
            // The system's own time zone is not reported yet: the hub's stands in.
            taken_local: jiff::Zoned::now().datetime(),
            items: archive.items.clone(),
            files: archive.files,
            size,
            sha256,
            blob_key: key,
        })
        .await?;
    for old in gone {
        if let Err(e) = state.blobs.delete(&old).await {
            tracing::warn!(blob = %old, error = %e, "cannot delete a backup replaced by a newer one");
        }
    }
    Ok(all_parts(claim, PartStatus::Completed, ""))
}

/// The backup items a job may name (BKP-2, BKP-4).
pub const BACKUP_ITEMS: [&str; 4] = [
    "configuration",
    "voicemailConfiguration",
    "customPrompts",
    "mailboxes",
];
/// Longest job name.
pub const NAME_MAX: usize = 64;

/// A backup job as asked for.
#[derive(Debug, Clone, Default)]
pub struct BackupRequest {
    pub name: String,
    pub customers: Vec<CustomerId>,
    /// `None`: now.
    pub start_at: Option<jiff::Timestamp>,
    pub items: Vec<String>,
    pub mailboxes: Vec<String>,
}

/// BKP-2: create a backup job over the systems of the chosen customers, now or at a time. Every
/// rule is checked before anything is created: the name, the items, a start in the future, each
/// customer visible to the caller with a known system whose remote upgrade/backup flag is on
/// (SYS-6, not a monitoring-only profile), and — for a job started now — no other action running
/// on it (BKP-1; the action slot enforces it again when the part starts).
pub async fn create_backup(
    state: &AppState,
    caller: &Caller,
    r: BackupRequest,
) -> Result<JobId, AppError> {
    caller.require(Capability::BackupManual)?;
    let mut errs = Errors::default();
    let name = r.name.trim().to_string();
    if name.is_empty() {
        errs.push("name", Rule::Required);
    } else if name.chars().count() > NAME_MAX {
        errs.push("name", Rule::MaxLength { max: NAME_MAX });
    }
    if r.customers.is_empty() {
        errs.push("customerIds", Rule::Required);
    }
    if r.items.iter().any(|i| !BACKUP_ITEMS.contains(&i.as_str())) {
        errs.push(
            "items",
            Rule::OneOf {
                allowed: BACKUP_ITEMS.join(", "),
            },
        );
    }
    if r.mailboxes
        .iter()
        .any(|m| m.trim().is_empty() || m.chars().count() > NAME_MAX)
    {
        errs.push("mailboxes", Rule::MaxLength { max: NAME_MAX });
    }
    if r.start_at.is_some_and(|t| t <= jiff::Timestamp::now()) {
        errs.push("startAt", Rule::DateInPast);
    }
    errs.finish().map_err(AppError::Validation)?;
    crate::service::check_bulk_field("customerIds", r.customers.len())?;
    let scope = caller.principal.scope();
    let mut targets = Vec::new();
    for id in &r.customers {
        let c = state.store.customer(scope, *id).await?;
        let systems = state.store.systems_of(c.id).await?;
        if systems.is_empty() {
            return Err(refused(state, "jobs-refused-no-system"));
        }
        for sys in systems {
            let monitoring_only =
                Profile::parse(&sys.profile).is_some_and(|p| p == Profile::Legacy);
            if !sys.flags.remote_upgrade_backup || monitoring_only {
                return Err(refused(state, "jobs-refused-backup-disabled"));
            }
            if r.start_at.is_none() && state.store.system_action(sys.id).await?.is_some() {
                return Err(refused(state, "jobs-refused-busy"));
            }
            let mut servers: Vec<String> = sys.servers.iter().map(|v| v.name.clone()).collect();
            if servers.is_empty() {
                servers.push(sys.name.clone());
            }
            targets.push(Target {
                customer: c.id,
                system: sys.id,
                servers,
            });
        }
    }
    let items = if r.items.is_empty() {
        BACKUP_ITEMS.map(String::from).to_vec()
    } else {
        r.items
    };
    let options = serde_json::to_string(&BackupOptions {
        items,
        mailboxes: r.mailboxes,
    })
    .unwrap_or_else(|_| "{}".into());
    let id = state
        .store
        .create_job(
            &caller.meta(),
            &NewJob {
                name,
                kind: JobKind::Backup,
                start: r.start_at.map_or(Start::Now, Start::At),
                automatic: false,
                options,
                targets,
            },
        )
        .await?;
    state.jobs_wake.notify_one();
    Ok(id)
}

/// A 409 whose text is the message `id` (in English here; each caller's language on the way out).
fn refused(state: &AppState, id: &'static str) -> AppError {
    AppError::Conflict(id, state.i18n.t("en", id))
}

/// The capability acting on a job of `kind` needs (SPEC §3).
fn capability_for(kind: JobKind) -> Capability {
    match kind {
        JobKind::Backup => Capability::BackupManual,
        JobKind::Restore => Capability::Restore,
        JobKind::LogFetch => Capability::ManageLogFiles,
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
                state.jobs_wake.notify_one();
            }
            Ok(())
        }
        Err(refusal) => Err(refused(state, refusal.message_id())),
    }
}

/// Run due jobs on this node every [`TICK`] (and at once when woken), until shutdown.
pub fn spawn_runner(state: AppState) {
    tokio::spawn(async move {
        let shutdown = state.agents.shutdown.clone();
        loop {
            if let Err(e) = expire(&state, jiff::Timestamp::now()).await {
                tracing::warn!(error = %e, "cannot expire job parts");
            }
            if let Err(e) = start_due(&state).await {
                tracing::warn!(error = %e, "cannot start due jobs");
            }
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = state.jobs_wake.notified() => {}
                _ = tokio::time::sleep(TICK) => {}
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_2_action_ids_name_the_job_and_the_system() {
        let (j, s) = (JobId::new(), SystemId::new());
        assert_eq!(parse_action_id(&action_id(j, s)), Some((j, s)));
        assert_eq!(parse_action_id("x:y"), None);
        assert_eq!(parse_action_id("nothing"), None);
    }
}
