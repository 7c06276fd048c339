//! Refreshing customization files (CST-4): a job in which each selected system fetches
//! `CustomPhoneFiles.tar` and `CustomTemplates.tar` from its distributor's folder, then its
//! reseller's, then its own, and unpacks each over the previous ones in its system directory.
//! `CustomData.xml` is never part of it (CST-2: first connection only).

use super::{customer_systems, refused, target, FILES, TRANSFER_TTL};
use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::customization::{PHONE_FILES, TEMPLATES};
use patchbay_domain::jobs::JobKind;
use patchbay_domain::system::Profile;
use patchbay_domain::validation::Errors;
use patchbay_domain::{Capability, CustomerId, JobId};
use patchbay_proto::{CustomLayer, Op, Transfer};
use patchbay_store::customization::Folder;
use patchbay_store::jobs::{Claim, NewJob, Start};
use patchbay_store::transfers::Direction;

/// A refresh job as asked for.
#[derive(Debug, Clone)]
pub struct RefreshRequest {
    pub name: String,
    pub customers: Vec<CustomerId>,
    /// `None`: now.
    pub start_at: Option<jiff::Timestamp>,
}

/// CST-4: create a refresh job. The name, a start in the future, each customer visible with a
/// centrally managed system that is not monitoring-only; one part per system (the primary keeps
/// the files its phones and trunks use).
pub async fn create_refresh(
    state: &AppState,
    caller: &Caller,
    r: RefreshRequest,
) -> Result<JobId, AppError> {
    caller.require(Capability::RefreshCustomizationFiles)?;
    let mut errs = Errors::default();
    let name = super::backup::job_basics(&r.name, &r.customers, r.start_at, &mut errs);
    errs.finish().map_err(AppError::Validation)?;
    let mut targets = Vec::new();
    for (customer, sys) in customer_systems(state, caller, &r.customers).await? {
        if !sys.flags.central_management || sys.profile == Profile::Legacy.as_str() {
            return Err(refused(state, "jobs-refused-refresh-disabled"));
        }
        let mut t = target(customer, &sys);
        t.servers.truncate(1);
        targets.push(t);
    }
    super::start_job(
        state,
        caller,
        NewJob {
            name,
            kind: JobKind::CustomizationRefresh,
            start: r.start_at.map_or(Start::Now, Start::At),
            automatic: false,
            options: "{}".into(),
            targets,
        },
    )
    .await
}

/// The `refreshCustomization` operation for a claimed part: the two archives of each folder
/// that applies to the system, in layer order, each with a one-time download token. What the
/// folders hold is read when the part starts (a scheduled job gets the files of its start time).
pub(super) async fn refresh_op(state: &AppState, claim: &Claim) -> Result<Op, AppError> {
    let files = state
        .store
        .layered_files(claim.customer, &[PHONE_FILES, TEMPLATES])
        .await?;
    let mut layers = Vec::with_capacity(files.len());
    for f in files {
        let token = state
            .store
            .new_transfer(Direction::Download, claim.system, &f.blob_key, TRANSFER_TTL)
            .await?;
        layers.push(CustomLayer {
            folder: match f.folder {
                Folder::Distributor(_) => "distributor",
                Folder::Reseller(_) => "reseller",
                Folder::Customer(_) => "customer",
            }
            .into(),
            file: f.name,
            sha256: f.sha256,
            size: u64::try_from(f.size).unwrap_or(0),
            download: Transfer {
                url: FILES.into(),
                token,
            },
        });
    }
    Ok(Op::RefreshCustomization { layers })
}
