//! Scheduled jobs (JOB-1…5): an operation over selected systems, started now or at a time, with a
//! part per server. The statuses and what each command may do are decided here; the store applies
//! a transition only where the row still has the status the rule was decided on (one statement),
//! so two staff members acting at once cannot both win.

use serde::{Deserialize, Serialize};

/// What a job does on each system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum JobKind {
    Backup,
    Restore,
    LogFetch,
    /// UPG-1: transfer a release, apply it, or both.
    Upgrade,
    /// CST-4: fetch the customization files of the system's folders and unpack them in layers.
    CustomizationRefresh,
}

impl JobKind {
    pub const ALL: [JobKind; 5] = [
        JobKind::Backup,
        JobKind::Restore,
        JobKind::LogFetch,
        JobKind::Upgrade,
        JobKind::CustomizationRefresh,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Backup => "backup",
            JobKind::Restore => "restore",
            JobKind::LogFetch => "logFetch",
            JobKind::Upgrade => "upgrade",
            JobKind::CustomizationRefresh => "customizationRefresh",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the job may wait for a start time (BKP-5: a restore cannot be scheduled).
    pub fn may_be_scheduled(self) -> bool {
        !matches!(self, JobKind::Restore)
    }

    /// Whether the job holds its system's single action slot while a part runs (BKP-1: backup,
    /// restore and upgrade exclude each other; fetching logs does not).
    pub fn is_exclusive(self) -> bool {
        matches!(self, JobKind::Backup | JobKind::Restore | JobKind::Upgrade)
    }
}

/// JOB-5: a job's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum JobStatus {
    Scheduled,
    InProgress,
    Paused,
    Stopped,
    Completed,
    Failed,
}

impl JobStatus {
    pub const ALL: [JobStatus; 6] = [
        JobStatus::Scheduled,
        JobStatus::InProgress,
        JobStatus::Paused,
        JobStatus::Stopped,
        JobStatus::Completed,
        JobStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Scheduled => "scheduled",
            JobStatus::InProgress => "inProgress",
            JobStatus::Paused => "paused",
            JobStatus::Stopped => "stopped",
            JobStatus::Completed => "completed",
            JobStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// No part of the job will run any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobStatus::Stopped | JobStatus::Completed | JobStatus::Failed
        )
    }
}

/// The status of one server's part of a job (JOB-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PartStatus {
    /// Waiting for the job's start, or for its system's action slot.
    Pending,
    InProgress,
    Completed,
    Failed,
    /// The job was stopped before this part started.
    Stopped,
}

impl PartStatus {
    pub const ALL: [PartStatus; 5] = [
        PartStatus::Pending,
        PartStatus::InProgress,
        PartStatus::Completed,
        PartStatus::Failed,
        PartStatus::Stopped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PartStatus::Pending => "pending",
            PartStatus::InProgress => "inProgress",
            PartStatus::Completed => "completed",
            PartStatus::Failed => "failed",
            PartStatus::Stopped => "stopped",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            PartStatus::Completed | PartStatus::Failed | PartStatus::Stopped
        )
    }
}

/// What staff may ask of selected jobs (JOB-3, JOB-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum JobCommand {
    Pause,
    Resume,
    Stop,
    Delete,
}

impl JobCommand {
    pub const ALL: [JobCommand; 4] = [
        JobCommand::Pause,
        JobCommand::Resume,
        JobCommand::Stop,
        JobCommand::Delete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobCommand::Pause => "pause",
            JobCommand::Resume => "resume",
            JobCommand::Stop => "stop",
            JobCommand::Delete => "delete",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The status the command gives a job (none for Delete, which removes it).
    pub fn target(self) -> Option<JobStatus> {
        match self {
            JobCommand::Pause => Some(JobStatus::Paused),
            JobCommand::Resume => Some(JobStatus::Scheduled),
            JobCommand::Stop => Some(JobStatus::Stopped),
            JobCommand::Delete => None,
        }
    }
}

/// Why a command does not apply to a job, each with its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum JobRefusal {
    /// JOB-4: a job started immediately cannot be paused, resumed or stopped.
    #[error("a job started immediately cannot be paused, resumed or stopped")]
    StartedImmediately,
    /// JOB-3: a job in progress cannot be deleted.
    #[error("a job in progress cannot be deleted")]
    InProgress,
    /// JOB-4: only a scheduled job that has not started can be paused.
    #[error("only a scheduled job can be paused")]
    NotScheduled,
    /// JOB-4: only a paused job can be resumed.
    #[error("only a paused job can be resumed")]
    NotPaused,
    /// JOB-4: a stopped, completed or failed job never runs again.
    #[error("the job has ended")]
    Ended,
}

impl JobRefusal {
    /// The message id of this refusal in the console's message files.
    pub fn message_id(self) -> &'static str {
        match self {
            JobRefusal::StartedImmediately => "jobs-refused-immediate",
            JobRefusal::InProgress => "jobs-refused-in-progress",
            JobRefusal::NotScheduled => "jobs-refused-not-scheduled",
            JobRefusal::NotPaused => "jobs-refused-not-paused",
            JobRefusal::Ended => "jobs-refused-ended",
        }
    }
}

/// What a command does to a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The job takes this status (and, for Stop, its pending parts become Stopped).
    Becomes(JobStatus),
    /// The job and its parts are removed.
    Deleted,
}

/// JOB-3, JOB-4: what `command` does to a job in `status`; `immediate` when the job was started
/// at once rather than scheduled.
///
/// - Pause: a scheduled job that has not started → Paused.
/// - Resume: a paused job → Scheduled.
/// - Stop: a scheduled, paused or running scheduled job → Stopped, for ever; parts already
///   running finish and keep their own result, the others never start.
/// - Delete: any job not in progress (a job started immediately too, once it has ended).
pub fn apply(
    status: JobStatus,
    immediate: bool,
    command: JobCommand,
) -> Result<Outcome, JobRefusal> {
    use JobStatus as S;
    if immediate && command != JobCommand::Delete {
        return Err(JobRefusal::StartedImmediately);
    }
    match (command, status) {
        (JobCommand::Delete, S::InProgress) => Err(JobRefusal::InProgress),
        (JobCommand::Delete, _) => Ok(Outcome::Deleted),
        (JobCommand::Pause, S::Scheduled) => Ok(Outcome::Becomes(S::Paused)),
        (JobCommand::Pause, s) if s.is_final() => Err(JobRefusal::Ended),
        (JobCommand::Pause, _) => Err(JobRefusal::NotScheduled),
        (JobCommand::Resume, S::Paused) => Ok(Outcome::Becomes(S::Scheduled)),
        (JobCommand::Resume, s) if s.is_final() => Err(JobRefusal::Ended),
        (JobCommand::Resume, _) => Err(JobRefusal::NotPaused),
        (JobCommand::Stop, S::Scheduled | S::Paused | S::InProgress) => {
            Ok(Outcome::Becomes(S::Stopped))
        }
        (JobCommand::Stop, _) => Err(JobRefusal::Ended),
    }
}

/// The statuses from which `command` may move a job: the guard the store puts in its UPDATE so
/// that the transition happens only if the row has not changed since.
pub fn allowed_from(command: JobCommand) -> &'static [JobStatus] {
    use JobStatus as S;
    match command {
        JobCommand::Pause => &[S::Scheduled],
        JobCommand::Resume => &[S::Paused],
        JobCommand::Stop => &[S::Scheduled, S::Paused, S::InProgress],
        JobCommand::Delete => &[S::Scheduled, S::Paused, S::Stopped, S::Completed, S::Failed],
    }
}

/// A stable 64-bit hash of a system's id (FNV-1a): where a system's share of the fleet's daily
/// work falls, the same from day to day and on every node.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// When a system's part of a job spread over `over` is due, after the job's start (LOG-2's daily
/// collection): a stable offset, whole seconds, below `over`, so a fleet's work arrives evenly
/// instead of at once.
pub fn spread_offset(system: &[u8], over: std::time::Duration) -> std::time::Duration {
    match over.as_secs() {
        0 => std::time::Duration::ZERO,
        secs => std::time::Duration::from_secs(stable_hash(system) % secs),
    }
}

/// JOB-5: a running job's status once its parts have moved: still in progress while any part may
/// run; then Completed when every part completed, Failed when any failed (which parts, each part
/// says). A stopped job stays stopped.
pub fn settle(current: JobStatus, parts: &[PartStatus]) -> JobStatus {
    if current != JobStatus::InProgress {
        return current;
    }
    if parts.iter().any(|p| !p.is_final()) {
        return JobStatus::InProgress;
    }
    if parts.contains(&PartStatus::Failed) {
        JobStatus::Failed
    } else if parts.contains(&PartStatus::Stopped) {
        JobStatus::Stopped
    } else {
        JobStatus::Completed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use JobCommand as C;
    use JobStatus as S;

    #[test]
    fn log_2_a_spread_job_offsets_each_system_evenly_and_stably() {
        let over = std::time::Duration::from_secs(1800);
        let mut per_minute = [0u32; 30];
        for n in 0..3000u32 {
            let id = format!("0190c0de-0000-7000-8000-{n:012}");
            let at = spread_offset(id.as_bytes(), over);
            assert!(at < over, "{at:?}");
            assert_eq!(at, spread_offset(id.as_bytes(), over));
            per_minute[usize::try_from(at.as_secs() / 60).unwrap_or(0)] += 1;
        }
        // About 100 a minute: no minute gets the fleet at once.
        assert!(
            per_minute.iter().all(|n| (50..200).contains(n)),
            "{per_minute:?}"
        );
        assert_eq!(
            spread_offset(b"x", std::time::Duration::ZERO),
            std::time::Duration::ZERO
        );
    }

    #[test]
    fn job_4_pause_only_a_scheduled_job() {
        assert_eq!(
            apply(S::Scheduled, false, C::Pause),
            Ok(Outcome::Becomes(S::Paused))
        );
        assert_eq!(
            apply(S::Paused, false, C::Pause),
            Err(JobRefusal::NotScheduled)
        );
        assert_eq!(
            apply(S::InProgress, false, C::Pause),
            Err(JobRefusal::NotScheduled)
        );
        for s in [S::Stopped, S::Completed, S::Failed] {
            assert_eq!(apply(s, false, C::Pause), Err(JobRefusal::Ended));
        }
    }

    #[test]
    fn job_4_resume_only_a_paused_job() {
        assert_eq!(
            apply(S::Paused, false, C::Resume),
            Ok(Outcome::Becomes(S::Scheduled))
        );
        assert_eq!(
            apply(S::Scheduled, false, C::Resume),
            Err(JobRefusal::NotPaused)
        );
        assert_eq!(
            apply(S::InProgress, false, C::Resume),
            Err(JobRefusal::NotPaused)
        );
        for s in [S::Stopped, S::Completed, S::Failed] {
            assert_eq!(apply(s, false, C::Resume), Err(JobRefusal::Ended));
        }
    }

    #[test]
    fn job_4_stop_is_for_ever() {
        for s in [S::Scheduled, S::Paused, S::InProgress] {
            assert_eq!(apply(s, false, C::Stop), Ok(Outcome::Becomes(S::Stopped)));
        }
        for s in [S::Stopped, S::Completed, S::Failed] {
            assert_eq!(apply(s, false, C::Stop), Err(JobRefusal::Ended));
        }
        // Nothing brings a stopped job back.
        for c in [C::Pause, C::Resume, C::Stop] {
            assert!(apply(S::Stopped, false, c).is_err());
        }
    }

    #[test]
    fn job_4_jobs_started_immediately_cannot_be_paused_resumed_or_stopped() {
        for s in JobStatus::ALL {
            for c in [C::Pause, C::Resume, C::Stop] {
                assert_eq!(
                    apply(s, true, c),
                    Err(JobRefusal::StartedImmediately),
                    "{s:?} {c:?}"
                );
            }
        }
    }

    #[test]
    fn job_3_delete_anything_but_a_job_in_progress() {
        for immediate in [false, true] {
            assert_eq!(
                apply(S::InProgress, immediate, C::Delete),
                Err(JobRefusal::InProgress)
            );
            for s in [S::Scheduled, S::Paused, S::Stopped, S::Completed, S::Failed] {
                assert_eq!(apply(s, immediate, C::Delete), Ok(Outcome::Deleted));
            }
        }
    }

    /// The store's guard and target status agree with the rule for every status and command.
    #[test]
    fn job_4_allowed_from_and_target_match_apply() {
        for c in JobCommand::ALL {
            for s in JobStatus::ALL {
                let outcome = apply(s, false, c);
                assert_eq!(
                    allowed_from(c).contains(&s),
                    outcome.is_ok(),
                    "{c:?} from {s:?}"
                );
                if let Ok(o) = outcome {
                    let want = c.target().map_or(Outcome::Deleted, Outcome::Becomes);
                    assert_eq!(o, want, "{c:?} from {s:?}");
                }
            }
        }
    }

    #[test]
    fn job_5_a_job_settles_from_its_parts() {
        use PartStatus as P;
        assert_eq!(
            settle(S::InProgress, &[P::Completed, P::InProgress]),
            S::InProgress
        );
        assert_eq!(
            settle(S::InProgress, &[P::Completed, P::Pending]),
            S::InProgress
        );
        assert_eq!(
            settle(S::InProgress, &[P::Completed, P::Completed]),
            S::Completed
        );
        assert_eq!(settle(S::InProgress, &[P::Completed, P::Failed]), S::Failed);
        assert_eq!(
            settle(S::InProgress, &[P::Completed, P::Stopped]),
            S::Stopped
        );
        assert_eq!(
            settle(S::Stopped, &[P::Completed, P::Completed]),
            S::Stopped
        );
        assert_eq!(settle(S::Scheduled, &[P::Pending]), S::Scheduled);
    }

    #[test]
    fn job_5_names_round_trip() {
        for s in JobStatus::ALL {
            assert_eq!(JobStatus::parse(s.as_str()), Some(s));
        }
        for p in PartStatus::ALL {
            assert_eq!(PartStatus::parse(p.as_str()), Some(p));
        }
        for k in JobKind::ALL {
            assert_eq!(JobKind::parse(k.as_str()), Some(k));
        }
        for c in JobCommand::ALL {
            assert_eq!(JobCommand::parse(c.as_str()), Some(c));
        }
        assert_eq!(JobStatus::parse("Scheduled"), None);
    }

    #[test]
    fn bkp_5_a_restore_cannot_be_scheduled_and_bkp_1_exclusive_actions() {
        assert!(!JobKind::Restore.may_be_scheduled());
        assert!(JobKind::Backup.may_be_scheduled() && JobKind::LogFetch.may_be_scheduled());
        assert!(JobKind::Backup.is_exclusive() && JobKind::Restore.is_exclusive());
        assert!(!JobKind::LogFetch.is_exclusive());
    }
}
