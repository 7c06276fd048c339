//! Backup and restore jobs (BKP-1…5): what a backup job asks for and how its archive is recorded;
//! restoring chosen items of one of a system's backups.

use super::{all_parts, customer_systems, refused, target, visible_system, FILES, TRANSFER_TTL};
use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::jobs::{JobKind, PartStatus};
use patchbay_domain::system::Profile;
use patchbay_domain::validation::Errors;
use patchbay_domain::{Capability, CustomerId, JobId, Rule, SystemId};
use patchbay_proto::{ActionResult, Op, Transfer};
use patchbay_store::backups::NewBackup;
use patchbay_store::jobs::{Claim, NewJob, PartResult, Start};
use patchbay_store::systems::SystemView;
use patchbay_store::transfers::Direction;

/// What a backup job asks for (`jobs.options`).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BackupOptions {
    pub items: Vec<String>,
    pub mailboxes: Vec<String>,
}

/// Where the backup of `job` on `system` is kept.
pub fn backup_key(job: JobId, system: SystemId) -> String {
    format!("backups/{system}/{job}.tar.gz")
}

/// A backup's result: the archive the hub received must be the one the agent made; then the
/// backup is recorded (retention applied) and the blobs it pushed out are deleted.
pub(super) async fn record_backup(
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
    let job = state.store.job_header(claim.job).await?;
    let (_, gone) = state
        .store
        .add_backup(&NewBackup {
            customer: claim.customer,
            system: claim.system,
            job: Some(claim.job),
            automatic: job.automatic,
            // BKP-3 counts days in the system's local time.
            taken_local: jiff::Timestamp::now()
                .to_zoned(zone_of(&state.store.system_time_zone(claim.system).await?))
                .datetime(),
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

/// The job name, trimmed; a field error when it is empty or too long.
pub(super) fn job_name(name: &str, errs: &mut Errors) -> String {
    let name = name.trim().to_string();
    if name.is_empty() {
        errs.push("name", Rule::Required);
    } else if name.chars().count() > NAME_MAX {
        errs.push("name", Rule::MaxLength { max: NAME_MAX });
    }
    name
}

/// What every job asks for: its name (trimmed, returned), at least one customer, and a start
/// time — when given — in the future. Each problem goes to `errs`.
pub(super) fn job_basics(
    name: &str,
    customers: &[CustomerId],
    start_at: Option<jiff::Timestamp>,
    errs: &mut Errors,
) -> String {
    let name = job_name(name, errs);
    if customers.is_empty() {
        errs.push("customerIds", Rule::Required);
    }
    if start_at.is_some_and(|t| t <= jiff::Timestamp::now()) {
        errs.push("startAt", Rule::DateInPast);
    }
    name
}

/// SYS-6: a system may be backed up or restored when its remote upgrade/backup flag is on and
/// its profile is not monitoring-only.
fn backup_allowed(sys: &SystemView) -> bool {
    let monitoring_only = Profile::parse(&sys.profile).is_some_and(|p| p == Profile::Legacy);
    sys.flags.remote_upgrade_backup && !monitoring_only
}

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
    let name = job_basics(&r.name, &r.customers, r.start_at, &mut errs);
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
    errs.finish().map_err(AppError::Validation)?;
    let mut targets = Vec::new();
    for (customer, sys) in customer_systems(state, caller, &r.customers).await? {
        if !backup_allowed(&sys) {
            return Err(refused(state, "jobs-refused-backup-disabled"));
        }
        if r.start_at.is_none() && state.store.system_action(sys.id).await?.is_some() {
            return Err(refused(state, "jobs-refused-busy"));
        }
        targets.push(target(customer, &sys));
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
    super::start_job(
        state,
        caller,
        NewJob {
            name,
            kind: JobKind::Backup,
            start: r.start_at.map_or(Start::Now, Start::At),
            automatic: false,
            options,
            targets,
        },
    )
    .await
}

/// The `backup` operation for a claimed part: the items asked for, and where to PUT the archive.
pub(super) async fn backup_op(
    state: &AppState,
    claim: &Claim,
    options: &str,
) -> Result<Op, AppError> {
    let options: BackupOptions = serde_json::from_str(options).unwrap_or_default();
    let key = backup_key(claim.job, claim.system);
    let token = state
        .store
        .new_transfer(Direction::Upload, claim.system, &key, TRANSFER_TTL)
        .await?;
    Ok(Op::Backup {
        items: options.items,
        mailboxes: options.mailboxes,
        upload: Transfer {
            url: FILES.into(),
            token,
        },
    })
}

/// What a restore job asks for (`jobs.options`).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RestoreOptions {
    pub backup_id: String,
    pub items: Vec<String>,
}

/// The `restore` operation for a claimed part: the items, the archive's checksum, and where to
/// GET it. A backup deleted since the job was made fails the part (not found).
pub(super) async fn restore_op(
    state: &AppState,
    claim: &Claim,
    options: &str,
) -> Result<Op, AppError> {
    let options: RestoreOptions = serde_json::from_str(options).unwrap_or_default();
    let backup = state
        .store
        .backup_of(claim.system, &options.backup_id)
        .await
        .map_err(|_| AppError::Internal("the backup to restore is gone".into()))?;
    let token = state
        .store
        .new_transfer(
            Direction::Download,
            claim.system,
            &backup.blob_key,
            TRANSFER_TTL,
        )
        .await?;
    Ok(Op::Restore {
        items: options.items,
        sha256: backup.sha256,
        download: Transfer {
            url: FILES.into(),
            token,
        },
    })
}

/// BKP-5: the backups of a system the caller may see, newest first.
pub async fn backups(
    state: &AppState,
    caller: &Caller,
    system: SystemId,
) -> Result<Vec<patchbay_store::backups::Backup>, AppError> {
    caller.require(Capability::ViewOperations)?;
    visible_system(state, caller, system).await?;
    Ok(state.store.backups_of(system).await?)
}

/// A restore as asked for.
#[derive(Debug, Clone, Default)]
pub struct RestoreRequest {
    /// Absent: "Restore <system>".
    pub name: Option<String>,
    pub system: SystemId,
    pub backup: String,
    /// Among the backup's items; at least one.
    pub items: Vec<String>,
}

/// BKP-5: restore chosen items of one of a system's backups, now (a restore cannot be
/// scheduled). The system must allow it (SYS-6) and run no other action (BKP-1, enforced again
/// by the action slot when the part starts). The system restarts afterwards.
pub async fn create_restore(
    state: &AppState,
    caller: &Caller,
    r: RestoreRequest,
) -> Result<JobId, AppError> {
    caller.require(Capability::Restore)?;
    let (customer, sys) = visible_system(state, caller, r.system).await?;
    let backup = state
        .store
        .backup_of(sys.id, &r.backup)
        .await
        .map_err(AppError::from)?;
    let mut errs = Errors::default();
    let name = job_name(
        r.name
            .as_deref()
            .unwrap_or(&format!("Restore {}", sys.name)),
        &mut errs,
    );
    if r.items.is_empty() {
        errs.push("items", Rule::Required);
    } else if r.items.iter().any(|i| !backup.items.contains(i)) {
        errs.push(
            "items",
            Rule::OneOf {
                allowed: backup.items.join(", "),
            },
        );
    }
    errs.finish().map_err(AppError::Validation)?;
    if !backup_allowed(&sys) {
        return Err(refused(state, "jobs-refused-backup-disabled"));
    }
    if state.store.system_action(sys.id).await?.is_some() {
        return Err(refused(state, "jobs-refused-busy"));
    }
    let mut items = r.items;
    items.sort();
    items.dedup();
    let options = serde_json::to_string(&RestoreOptions {
        backup_id: backup.id,
        items,
    })
    .unwrap_or_else(|_| "{}".into());
    super::start_job(
        state,
        caller,
        NewJob {
            name,
            kind: JobKind::Restore,
            start: Start::Now,
            automatic: false,
            options,
            targets: vec![target(customer, &sys)],
        },
    )
    .await
}

/// A system's time zone by its IANA name; the hub's own when not known.
pub fn zone_of(name: &str) -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(name).unwrap_or_else(|_| jiff::tz::TimeZone::system())
}

/// How many systems' nights one look handles at most (the rest, after a hub was down for part of
/// the window, the next minutes).
const AUTOMATIC_PER_LOOK: usize = 2_000;
const AUTOMATIC_BATCH: i64 = 500;

/// BKP-3: start the automatic backup of each system whose slot in the nightly window (its own
/// local time) has come, once a night: the run key `backup:<system>:<local date>` makes it exist
/// once however many nodes or restarts try. A system busy with another action has its night's
/// backup failed at once with the reason (BKP-1). Only the due systems are read: by time zone,
/// those whose minute in the window has come and whose night is not yet seen to. Returns how
/// many runs were created.
pub async fn automatic_backups(state: &AppState, now: jiff::Timestamp) -> Result<usize, AppError> {
    use patchbay_domain::backups::{automatic_slot_minute, window_minute};
    state
        .store
        .fill_backup_slots(
            |id| automatic_slot_minute(id.to_string().as_bytes()),
            10_000,
        )
        .await?;
    let (mut made, mut looked) = (0, 0);
    for zone in state.store.system_time_zones().await? {
        let local = now.to_zoned(zone_of(&zone));
        let Some(minute) = window_minute(local.time()) else {
            continue;
        };
        let night = local.date().to_string();
        while looked < AUTOMATIC_PER_LOOK {
            let due = state
                .store
                .backups_due(&zone, minute, &night, AUTOMATIC_BATCH)
                .await?;
            let last = due.len() < usize::try_from(AUTOMATIC_BATCH).unwrap_or(usize::MAX);
            for (customer, sys) in due {
                looked += 1;
                if backup_allowed(&sys) && automatic_run(state, now, customer, &sys, &local).await?
                {
                    made += 1;
                }
                state.store.backup_night_seen(sys.id, &night).await?;
            }
            if last {
                break;
            }
        }
    }
    if made > 0 {
        super::wake(state).await;
    }
    Ok(made)
}

/// One system's automatic backup for the night of `local`; `true` when this call created it.
async fn automatic_run(
    state: &AppState,
    now: jiff::Timestamp,
    customer: CustomerId,
    sys: &SystemView,
    local: &jiff::Zoned,
) -> Result<bool, AppError> {
    use patchbay_domain::backups::automatic_slot;
    let slot = automatic_slot(sys.id.to_string().as_bytes());
    let key = format!("backup:{}:{}", sys.id, local.date());
    let start = local
        .with()
        .time(slot)
        .build()
        .map(|z| z.timestamp())
        .unwrap_or(now);
    let options = serde_json::to_string(&BackupOptions {
        items: BACKUP_ITEMS.map(String::from).to_vec(),
        mailboxes: Vec::new(),
    })
    .unwrap_or_else(|_| "{}".into());
    let job = NewJob {
        name: format!("Automatic backup {}", local.date()),
        kind: JobKind::Backup,
        start: Start::At(start),
        automatic: true,
        options,
        targets: vec![target(customer, sys)],
    };
    let created = state
        .store
        .create_run(&patchbay_store::AuditMeta::system(), &job, &key)
        .await?;
    let Some(id) = created else {
        return Ok(false);
    };
    let busy = state.store.system_action(sys.id).await?;
    if busy.is_some_and(|(other, _)| other != id) {
        state.store.skip_pending(id, sys.id, SKIPPED_BUSY).await?;
    }
    Ok(true)
}

/// Why a night's automatic backup did not run (BKP-1, BKP-3).
pub const SKIPPED_BUSY: &str = "skipped: another action was running on the system";
