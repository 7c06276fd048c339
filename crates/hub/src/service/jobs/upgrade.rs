//! Upgrade jobs (UPG-1, UPG-2, PRF-9): Transfer and upgrade, Transfer (stage only) or Upgrade
//! (apply what was staged) to a release of the software repository, for systems that share its
//! profile. A server network upgrades every one of its servers, a part each in the job, in the
//! network's order; the agent reports each server's outcome and then the new versions.

use super::{all_parts, customer_systems, refused, target, FILES, TRANSFER_TTL};
use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::jobs::{JobKind, PartStatus};
use patchbay_domain::repository::{may_move, UpgradeRefusal, Version};
use patchbay_domain::system::{Profile, Right};
use patchbay_domain::validation::Errors;
use patchbay_domain::{Capability, CustomerId, JobId, Rule};
use patchbay_proto::{ActionResult, Op, Transfer};
use patchbay_store::jobs::{Claim, NewJob, PartResult, Start};
use patchbay_store::transfers::Direction;

/// UPG-1's three actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UpgradeAction {
    TransferAndUpgrade,
    Transfer,
    Upgrade,
}

impl UpgradeAction {
    pub const ALL: [UpgradeAction; 3] = [
        UpgradeAction::TransferAndUpgrade,
        UpgradeAction::Transfer,
        UpgradeAction::Upgrade,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UpgradeAction::TransferAndUpgrade => "transferAndUpgrade",
            UpgradeAction::Transfer => "transfer",
            UpgradeAction::Upgrade => "upgrade",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// What an upgrade job asks for (`jobs.options`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeOptions {
    pub action: UpgradeAction,
    pub release_id: String,
    #[serde(default)]
    pub restart_phones: bool,
}

/// An upgrade job as asked for.
#[derive(Debug, Clone)]
pub struct UpgradeRequest {
    pub name: String,
    pub customers: Vec<CustomerId>,
    pub release_id: String,
    pub action: UpgradeAction,
    pub restart_phones: bool,
    /// `None`: now.
    pub start_at: Option<jiff::Timestamp>,
}

fn refusal_id(r: UpgradeRefusal) -> &'static str {
    match r {
        UpgradeRefusal::OtherProfile => "jobs-refused-upgrade-profile",
        UpgradeRefusal::SameVersion => "jobs-refused-upgrade-same",
        UpgradeRefusal::Downgrade => "jobs-refused-upgrade-downgrade",
    }
}

/// UPG-1: create an upgrade job. Every rule before anything is created: the name, a start in
/// the future, the release in the repository; each customer visible with a system that has the
/// remote upgrade/backup flag and the upgrade right, of the release's profile (so all the
/// systems share one), moving to another version and — unless PRF-9 allows downgrades — to a
/// newer one; for a job started now, no other action running on it (BKP-1).
pub async fn create_upgrade(
    state: &AppState,
    caller: &Caller,
    r: UpgradeRequest,
) -> Result<JobId, AppError> {
    caller.require(Capability::UpgradeSystems)?;
    let mut errs = Errors::default();
    let name = super::backup::job_basics(&r.name, &r.customers, r.start_at, &mut errs);
    let release = if r.release_id.trim().is_empty() {
        errs.push("releaseId", Rule::Required);
        None
    } else {
        match state.store.release(r.release_id.trim()).await {
            Ok(rel) => Some(rel),
            Err(patchbay_store::StoreError::NotFound) => {
                errs.push("releaseId", Rule::Invalid);
                None
            }
            Err(e) => return Err(e.into()),
        }
    };
    errs.finish().map_err(AppError::Validation)?;
    let Some(release) = release else {
        return Err(AppError::field("releaseId", Rule::Invalid));
    };
    let (Some(profile), Some(version)) = (
        Profile::parse(&release.profile),
        Version::parse(&release.version),
    ) else {
        return Err(AppError::Internal("a stored release does not parse".into()));
    };
    let allow_downgrade = state.preferences().allow_downgrades;
    let systems = customer_systems(state, caller, &r.customers).await?;
    // UPG-1: one profile for every selected system.
    if systems.windows(2).any(|w| w[0].1.profile != w[1].1.profile) {
        return Err(refused(state, "jobs-refused-upgrade-mixed"));
    }
    let mut targets = Vec::new();
    for (customer, sys) in systems {
        if !sys.flags.remote_upgrade_backup || sys.profile == Profile::Legacy.as_str() {
            return Err(refused(state, "jobs-refused-backup-disabled"));
        }
        if !sys.account.rights.contains(&Right::Upgrade) {
            return Err(refused(state, "jobs-refused-upgrade-rights"));
        }
        // Staging moves no version: only its profile must match.
        let moved = may_move(
            &sys.profile,
            &sys.version,
            profile,
            &version,
            allow_downgrade,
        );
        match moved {
            Err(UpgradeRefusal::OtherProfile) => {
                return Err(refused(state, refusal_id(UpgradeRefusal::OtherProfile)))
            }
            Err(why) if r.action != UpgradeAction::Transfer => {
                return Err(refused(state, refusal_id(why)))
            }
            _ => {}
        }
        if r.start_at.is_none() && state.store.system_action(sys.id).await?.is_some() {
            return Err(refused(state, "jobs-refused-busy"));
        }
        // A server network's primary upgrades every server of the network; an appliance (and
        // a contact centre) upgrades itself only.
        let mut t = target(customer, &sys);
        if sys.profile != Profile::ServerEdition.as_str() {
            t.servers.truncate(1);
        }
        targets.push(t);
    }
    let options = serde_json::to_string(&UpgradeOptions {
        action: r.action,
        release_id: release.id,
        restart_phones: r.restart_phones,
    })
    .map_err(|e| AppError::Internal(e.to_string()))?;
    super::start_job(
        state,
        caller,
        NewJob {
            name,
            kind: JobKind::Upgrade,
            start: r.start_at.map_or(Start::Now, Start::At),
            automatic: false,
            options,
            targets,
        },
    )
    .await
}

/// The `upgrade` operation for a claimed part: the release (and where to GET it, unless only
/// applying), the servers of the claim in the network's order. A release deleted since the job
/// was made fails the part.
pub(super) async fn upgrade_op(
    state: &AppState,
    claim: &Claim,
    options: &str,
) -> Result<Op, AppError> {
    let options: UpgradeOptions = serde_json::from_str(options)
        .map_err(|e| AppError::Internal(format!("upgrade options: {e}")))?;
    let release = state
        .store
        .release(&options.release_id)
        .await
        .map_err(|_| AppError::Internal("the release is no longer in the repository".into()))?;
    let servers = servers_of(state, claim).await?;
    let download = if options.action == UpgradeAction::Upgrade {
        None
    } else {
        let token = state
            .store
            .new_transfer(
                Direction::Download,
                claim.system,
                &release.blob_key,
                TRANSFER_TTL,
            )
            .await?;
        Some(Transfer {
            url: FILES.into(),
            token,
        })
    };
    Ok(Op::Upgrade {
        action: options.action.as_str().into(),
        version: release.version,
        file_name: release.name,
        sha256: release.sha256,
        size: u64::try_from(release.size).unwrap_or(0),
        phone_firmware: release.phone_firmware,
        restart_phones: options.restart_phones,
        servers: servers.into_iter().map(|(_, s)| s).collect(),
        download,
    })
}

/// The claim's parts with their servers, in the network's order.
async fn servers_of(
    state: &AppState,
    claim: &Claim,
) -> Result<Vec<(patchbay_domain::JobPartId, String)>, AppError> {
    let parts = state.store.job_parts_of(claim.job, claim.system).await?;
    Ok(parts
        .into_iter()
        .filter(|p| claim.parts.contains(&p.id))
        .map(|p| (p.id, p.server))
        .collect())
}

/// An upgrade's result: each server's outcome is its part's (a part the agent said nothing of
/// failed with the action's reason).
pub(super) async fn record_upgrade(
    state: &AppState,
    claim: &Claim,
    r: &ActionResult,
) -> Result<Vec<PartResult>, AppError> {
    if r.servers.is_empty() {
        let status = if r.status == "completed" {
            PartStatus::Completed
        } else {
            PartStatus::Failed
        };
        return Ok(all_parts(claim, status, &r.reason));
    }
    Ok(servers_of(state, claim)
        .await?
        .into_iter()
        .map(
            |(part, server)| match r.servers.iter().find(|o| o.name == server) {
                Some(o) if o.status == "completed" => PartResult {
                    part,
                    status: PartStatus::Completed,
                    reason: String::new(),
                },
                Some(o) => PartResult {
                    part,
                    status: PartStatus::Failed,
                    reason: o.reason.clone(),
                },
                None => PartResult {
                    part,
                    status: PartStatus::Failed,
                    reason: if r.reason.is_empty() {
                        "the system did not report on this server".into()
                    } else {
                        r.reason.clone()
                    },
                },
            },
        )
        .collect())
}
