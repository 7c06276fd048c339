//! Tests of jobs in the store: guarded commands, claims that never double, the action slot.

use super::*;
use crate::alarms::tests::customer;
use std::collections::HashSet;

async fn system(s: &Store, c: CustomerId, name: &str) -> SystemId {
    s.system_connected(c, name, "node-a")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .0
}

fn backup(name: &str, start: Start, targets: Vec<Target>) -> NewJob {
    NewJob {
        name: name.into(),
        kind: JobKind::Backup,
        start,
        automatic: false,
        options: "{}".into(),
        targets,
    }
}

fn target(c: CustomerId, sys: SystemId, servers: &[&str]) -> Target {
    Target {
        customer: c,
        system: sys,
        servers: servers.iter().map(|s| s.to_string()).collect(),
    }
}

fn meta() -> AuditMeta {
    AuditMeta::cli()
}

async fn create(s: &Store, job: NewJob) -> JobId {
    s.create_job(&meta(), &job)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// What node-a may start now.
async fn claim(s: &Store) -> Vec<Claim> {
    s.claim_due_parts("node-a", true, jiff::Timestamp::now(), 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn done(part: JobPartId) -> PartResult {
    PartResult {
        part,
        status: PartStatus::Completed,
        reason: String::new(),
    }
}

fn later(minutes: i64) -> jiff::Timestamp {
    jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_mins(minutes))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn job_2_a_job_has_a_part_per_server() {
    let s = crate::testing::store().await;
    let c = customer(&s, "acme").await;
    let sys = system(&s, c, "sen-1").await;
    let id = create(
        &s,
        backup(
            "nightly",
            Start::At(later(60)),
            vec![target(c, sys, &["primary", "secondary", "expansion1"])],
        ),
    )
    .await;
    let (job, parts) = s.job(id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(job.status, JobStatus::Scheduled);
    assert!(!job.immediate);
    let servers: Vec<&str> = parts.iter().map(|p| p.server.as_str()).collect();
    assert_eq!(servers, ["primary", "secondary", "expansion1"]);
    assert!(parts.iter().all(|p| p.status == PartStatus::Pending));
    assert!(matches!(
        s.job(JobId::new()).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn job_4_commands_follow_the_rules_and_stop_is_for_ever() {
    let s = crate::testing::store().await;
    let c = customer(&s, "acme").await;
    let sys = system(&s, c, "ipo").await;
    let id = create(
        &s,
        backup(
            "later",
            Start::At(later(60)),
            vec![target(c, sys, &["primary"])],
        ),
    )
    .await;
    let m = meta();
    let run = |cmd| s.command_job(&m, id, cmd);
    assert_eq!(
        run(JobCommand::Resume).await.ok(),
        Some(Err(JobRefusal::NotPaused))
    );
    assert_eq!(run(JobCommand::Pause).await.ok(), Some(Ok(())));
    assert_eq!(
        s.job(id).await.map(|j| j.0.status).ok(),
        Some(JobStatus::Paused)
    );
    assert_eq!(
        run(JobCommand::Pause).await.ok(),
        Some(Err(JobRefusal::NotScheduled))
    );
    assert_eq!(run(JobCommand::Resume).await.ok(), Some(Ok(())));
    assert_eq!(run(JobCommand::Stop).await.ok(), Some(Ok(())));
    let (job, parts) = s.job(id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(job.status, JobStatus::Stopped);
    assert_eq!(parts[0].status, PartStatus::Stopped);
    for cmd in [JobCommand::Pause, JobCommand::Resume, JobCommand::Stop] {
        assert_eq!(run(cmd).await.ok(), Some(Err(JobRefusal::Ended)), "{cmd:?}");
    }
    assert_eq!(run(JobCommand::Delete).await.ok(), Some(Ok(())));
    assert!(matches!(s.job(id).await, Err(StoreError::NotFound)));
    assert!(matches!(
        run(JobCommand::Delete).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn job_4_a_job_started_at_once_cannot_be_paused_and_job_3_not_deleted_while_running() {
    let s = crate::testing::store().await;
    let c = customer(&s, "acme").await;
    let sys = system(&s, c, "ipo").await;
    let id = create(
        &s,
        backup("now", Start::Now, vec![target(c, sys, &["primary"])]),
    )
    .await;
    for cmd in [JobCommand::Pause, JobCommand::Resume, JobCommand::Stop] {
        assert_eq!(
            s.command_job(&meta(), id, cmd).await.ok(),
            Some(Err(JobRefusal::StartedImmediately))
        );
    }
    let claims = claim(&s).await;
    assert_eq!(claims.len(), 1);
    assert_eq!(
        s.command_job(&meta(), id, JobCommand::Delete).await.ok(),
        Some(Err(JobRefusal::InProgress))
    );
    let done = s
        .finish_parts(&claims[0], &[done(claims[0].parts[0])])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(done, JobStatus::Completed);
    assert_eq!(s.system_action(sys).await.ok(), Some(None));
    assert_eq!(
        s.command_job(&meta(), id, JobCommand::Delete).await.ok(),
        Some(Ok(()))
    );
}

#[tokio::test]
async fn job_5_a_failed_part_fails_the_job_and_the_others_keep_their_result() {
    let s = crate::testing::store().await;
    let c = customer(&s, "acme").await;
    let a = system(&s, c, "a").await;
    let b = system(&s, c, "b").await;
    let id = create(
        &s,
        backup(
            "two",
            Start::Now,
            vec![
                target(c, a, &["primary"]),
                target(c, b, &["primary", "secondary"]),
            ],
        ),
    )
    .await;
    let claims = claim(&s).await;
    assert_eq!(claims.len(), 2);
    let mut last = JobStatus::InProgress;
    for claim in &claims {
        let results: Vec<PartResult> = claim
            .parts
            .iter()
            .enumerate()
            .map(|(i, p)| PartResult {
                part: *p,
                status: if claim.system == b && i == 1 {
                    PartStatus::Failed
                } else {
                    PartStatus::Completed
                },
                reason: if claim.system == b && i == 1 {
                    "disk full".into()
                } else {
                    String::new()
                },
            })
            .collect();
        last = s
            .finish_parts(claim, &results)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(last, JobStatus::Failed);
    let (_, parts) = s.job(id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        parts
            .iter()
            .filter(|p| p.status == PartStatus::Completed)
            .count(),
        2
    );
    let failed: Vec<&JobPart> = parts
        .iter()
        .filter(|p| p.status == PartStatus::Failed)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].reason, "disk full");
    assert!(failed[0].finished_at.is_some());
}

/// BKP-1: one action per system. A second backup job on a busy system waits (its part stays
/// pending) and runs once the first has finished.
#[tokio::test]
async fn bkp_1_one_action_per_system_at_a_time() {
    let s = crate::testing::store().await;
    let c = customer(&s, "acme").await;
    let sys = system(&s, c, "ipo").await;
    let first = create(
        &s,
        backup("first", Start::Now, vec![target(c, sys, &["primary"])]),
    )
    .await;
    let second = create(
        &s,
        backup("second", Start::Now, vec![target(c, sys, &["primary"])]),
    )
    .await;
    let claims = claim(&s).await;
    assert_eq!(claims.len(), 1, "{claims:?}");
    assert_eq!(claims[0].job, first);
    assert_eq!(
        s.system_action(sys).await.ok(),
        Some(Some((first, JobKind::Backup)))
    );
    let (_, parts) = s.job(second).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parts[0].status, PartStatus::Pending);
    // Fetching logs does not take the slot.
    let logs = create(
        &s,
        NewJob {
            kind: JobKind::LogFetch,
            ..backup("logs", Start::Now, vec![target(c, sys, &["primary"])])
        },
    )
    .await;
    let again = claim(&s).await;
    assert_eq!(again.iter().map(|c| c.job).collect::<Vec<_>>(), vec![logs]);
    let done = done(claims[0].parts[0]);
    s.finish_parts(&claims[0], &[done])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let next = claim(&s).await;
    assert_eq!(next.iter().map(|c| c.job).collect::<Vec<_>>(), vec![second]);
}

/// A scheduled job is not claimed before its time, nor while paused, nor after a stop.
#[tokio::test]
async fn job_1_scheduled_work_waits_for_its_time() {
    let s = crate::testing::store().await;
    let c = customer(&s, "acme").await;
    let sys = system(&s, c, "ipo").await;
    let at = later(30);
    let id = create(
        &s,
        backup("at", Start::At(at), vec![target(c, sys, &["primary"])]),
    )
    .await;
    let claim = |now| s.claim_due_parts("node-a", true, now, 10);
    assert!(claim(jiff::Timestamp::now())
        .await
        .unwrap_or_default()
        .is_empty());
    s.command_job(&meta(), id, JobCommand::Pause).await.ok();
    assert!(
        claim(later(31)).await.unwrap_or_default().is_empty(),
        "paused"
    );
    s.command_job(&meta(), id, JobCommand::Resume).await.ok();
    let got = claim(later(31)).await.unwrap_or_default();
    assert_eq!(got.len(), 1);
    assert_eq!(
        s.job(id).await.map(|j| j.0.status).ok(),
        Some(JobStatus::InProgress)
    );
    // Running: pause is refused, stop keeps the running part's own result.
    assert_eq!(
        s.command_job(&meta(), id, JobCommand::Pause).await.ok(),
        Some(Err(JobRefusal::NotScheduled))
    );
    assert_eq!(
        s.command_job(&meta(), id, JobCommand::Stop).await.ok(),
        Some(Ok(()))
    );
    let r = done(got[0].parts[0]);
    assert_eq!(
        s.finish_parts(&got[0], &[r]).await.ok(),
        Some(JobStatus::Stopped)
    );
    let (_, parts) = s.job(id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parts[0].status, PartStatus::Completed);
    assert_eq!(s.system_action(sys).await.ok(), Some(None));
}

/// Several hub nodes claiming at once (here: 8 parallel claimers on one database, standing in for
/// nodes) start every part exactly once, and never two backups of one system together.
#[tokio::test]
async fn job_1_parallel_claimers_start_each_part_exactly_once() {
    let s = crate::testing::store().await;
    let c = customer(&s, "acme").await;
    let mut targets = Vec::new();
    let mut systems = Vec::new();
    for i in 0..12 {
        let sys = system(&s, c, &format!("sys-{i}")).await;
        systems.push(sys);
        targets.push(target(c, sys, &["primary", "secondary"]));
    }
    // Two backup jobs over the same systems: each system may run only one of them at a time.
    // A log fetch over them too: it takes no action slot, only its parts' status guards it.
    for name in ["one", "two"] {
        create(&s, backup(name, Start::Now, targets.clone())).await;
    }
    let logs = NewJob {
        kind: JobKind::LogFetch,
        ..backup("logs", Start::Now, targets.clone())
    };
    create(&s, logs).await;
    let mut started: Vec<JobPartId> = Vec::new();
    let mut rounds = 0;
    loop {
        rounds += 1;
        let mut tasks = Vec::new();
        for n in 0..8 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                s.claim_due_parts(&format!("node-{n}"), false, jiff::Timestamp::now(), 100)
                    .await
            }));
        }
        let mut claims: Vec<Claim> = Vec::new();
        for t in tasks {
            claims.extend(
                t.await
                    .unwrap_or_else(|e| panic!("{e}"))
                    .unwrap_or_else(|e| panic!("{e}")),
            );
        }
        if claims.is_empty() {
            break;
        }
        let busy: Vec<SystemId> = claims
            .iter()
            .filter(|c| c.kind.is_exclusive())
            .map(|c| c.system)
            .collect();
        let unique: HashSet<&SystemId> = busy.iter().collect();
        assert_eq!(
            unique.len(),
            busy.len(),
            "two actions on one system at once"
        );
        for claim in &claims {
            started.extend(&claim.parts);
            let results: Vec<PartResult> = claim.parts.iter().map(|p| done(*p)).collect();
            s.finish_parts(claim, &results)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(rounds < 10, "claims never end");
    }
    assert_eq!(started.len(), 12 * 3 * 2);
    let unique: HashSet<&JobPartId> = started.iter().collect();
    assert_eq!(unique.len(), started.len(), "a part started twice");
    for sys in systems {
        assert_eq!(s.system_action(sys).await.ok(), Some(None));
    }
}

/// Crash safety: a part whose result never comes is failed once its time is up (the slot is
/// freed), and a part whose system never came is failed too; nothing stays in progress for ever.
#[tokio::test]
async fn job_5_parts_without_a_result_or_a_system_are_failed_in_time() {
    let s = crate::testing::store().await;
    let c = customer(&s, "acme").await;
    let a = system(&s, c, "a").await;
    let b = system(&s, c, "b").await;
    let running = create(
        &s,
        backup("running", Start::Now, vec![target(c, a, &["primary"])]),
    )
    .await;
    let claims = claim(&s).await;
    assert_eq!(claims.len(), 1);
    // System b is held by another node, which is gone: its part stays pending.
    let waiting = create(
        &s,
        backup("waiting", Start::Now, vec![target(c, b, &["primary"])]),
    )
    .await;
    let hour = std::time::Duration::from_secs(3600);
    let expire = |now| s.expire_parts(now, 2 * hour, "no result", hour, "not connected");
    // Not yet.
    assert_eq!(expire(jiff::Timestamp::now()).await.ok(), Some(0));
    let later = |h: i64| jiff::Timestamp::now() + jiff::SignedDuration::from_hours(h);
    // After an hour and a half: the waiting part is failed, the running one not yet.
    assert_eq!(
        expire(later(1) + jiff::SignedDuration::from_mins(30))
            .await
            .ok(),
        Some(1)
    );
    let (job, parts) = s.job(waiting).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (job.status, parts[0].status),
        (JobStatus::Failed, PartStatus::Failed)
    );
    assert_eq!(parts[0].reason, "not connected");
    assert_eq!(
        s.job(running).await.map(|j| j.0.status).ok(),
        Some(JobStatus::InProgress)
    );
    // After three hours the running one too; its system is free again.
    assert_eq!(expire(later(3)).await.ok(), Some(1));
    let (job, parts) = s.job(running).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (job.status, parts[0].reason.as_str()),
        (JobStatus::Failed, "no result")
    );
    assert_eq!(s.system_action(a).await.ok(), Some(None));
    // A result arriving after that changes nothing.
    assert_eq!(s.running_claim(running, a).await.ok(), Some(None));
    assert_eq!(expire(later(4)).await.ok(), Some(0));
}

/// JOB-1, TEN-4: a job is listed to those who see one of its customers, with those customers'
/// names only; its details show only their parts; filters narrow the list.
#[tokio::test]
async fn job_1_lists_follow_the_callers_scope() {
    use crate::sql::PageRequest;
    use patchbay_domain::Scope;
    let s = crate::testing::store().await;
    let a = customer(&s, "acme").await;
    let z = customer(&s, "zenith").await;
    let sa = system(&s, a, "a").await;
    let sz = system(&s, z, "z").await;
    let both = create(
        &s,
        backup(
            "both",
            Start::At(later(5)),
            vec![target(a, sa, &["primary"]), target(z, sz, &["primary"])],
        ),
    )
    .await;
    let only_z = create(
        &s,
        backup(
            "zenith only",
            Start::At(later(10)),
            vec![target(z, sz, &["primary"])],
        ),
    )
    .await;
    let page = PageRequest::new(0, 50);
    let all = s
        .list_jobs(Scope::All, &JobFilter::default(), None, page.clone())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.total, 2);
    assert_eq!(all.items[0].job.id, only_z, "newest start first");
    assert_eq!(all.items[1].customers, ["ACME", "ZENITH"]);
    let acme = s
        .list_jobs(
            Scope::Customer(a),
            &JobFilter::default(),
            None,
            page.clone(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(acme.total, 1);
    assert_eq!(
        (acme.items[0].job.id, acme.items[0].customers.clone()),
        (both, vec!["ACME".to_string()])
    );
    let (_, parts) = s
        .job_in_scope(Scope::Customer(a), both)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].system_id, sa);
    assert!(matches!(
        s.job_in_scope(Scope::Customer(a), only_z).await,
        Err(StoreError::NotFound)
    ));
    let f = JobFilter {
        search: Some("ZENITH".into()),
        ..Default::default()
    };
    let found = s
        .list_jobs(Scope::All, &f, None, page.clone())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        found.items.iter().map(|j| j.job.id).collect::<Vec<_>>(),
        vec![only_z]
    );
    let f = JobFilter {
        status: Some(JobStatus::Paused),
        ..Default::default()
    };
    assert_eq!(
        s.list_jobs(Scope::All, &f, None, page)
            .await
            .map(|p| p.total)
            .ok(),
        Some(0)
    );
}

/// A stopped job whose part still runs cannot be deleted (its system's slot stays taken until the
/// part ends); once the part has ended it can.
#[tokio::test]
async fn job_3_a_stopped_job_with_a_part_still_running_is_not_deleted() {
    let s = crate::testing::store().await;
    let c = customer(&s, "acme").await;
    let a = system(&s, c, "a").await;
    let id = create(
        &s,
        backup(
            "soon",
            Start::At(later(1)),
            vec![target(c, a, &["primary"])],
        ),
    )
    .await;
    let got = s
        .claim_due_parts("node-a", true, later(2), 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.len(), 1);
    let m = meta();
    assert_eq!(
        s.command_job(&m, id, JobCommand::Stop).await.ok(),
        Some(Ok(()))
    );
    assert_eq!(
        s.command_job(&m, id, JobCommand::Delete).await.ok(),
        Some(Err(JobRefusal::InProgress))
    );
    assert!(s.system_action(a).await.ok().flatten().is_some());
    s.finish_parts(&got[0], &[done(got[0].parts[0])])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        s.command_job(&m, id, JobCommand::Delete).await.ok(),
        Some(Ok(()))
    );
}

/// LOG-2: a job spread over a window (the daily collection) has each system's parts due at the
/// job's start plus the system's own offset: claims take only the systems whose time has come.
/// Finished all at once, by parallel nodes, the job settles once, when its last part ends.
#[tokio::test]
async fn log_2_a_spread_job_starts_each_system_at_its_own_time_and_settles_at_the_last() {
    let s = crate::testing::store().await;
    let c = customer(&s, "acme").await;
    let mut systems = Vec::new();
    for n in 0..12 {
        systems.push(system(&s, c, &format!("sys-{n}")).await);
    }
    let from = later(-120);
    let over = std::time::Duration::from_secs(3600);
    let id = create(
        &s,
        NewJob {
            name: "Log collection".into(),
            kind: JobKind::LogFetch,
            start: Start::Spread { from, over },
            automatic: true,
            options: "{}".into(),
            targets: systems
                .iter()
                .map(|y| target(c, *y, &["primary"]))
                .collect(),
        },
    )
    .await;
    let due = |y: &SystemId| {
        from + jiff::SignedDuration::try_from(jobs::spread_offset(y.to_string().as_bytes(), over))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let mut times: Vec<jiff::Timestamp> = systems.iter().map(due).collect();
    times.sort();
    // Halfway through the systems' times: exactly the earlier half is claimed.
    let mid = times[5];
    let got = s
        .claim_due_parts("node-a", true, mid, 100)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let expected: HashSet<SystemId> = systems.iter().copied().filter(|y| due(y) <= mid).collect();
    assert_eq!(
        got.iter().map(|g| g.system).collect::<HashSet<_>>(),
        expected
    );
    assert!(
        expected.len() < systems.len(),
        "the offsets spread: {times:?}"
    );
    let rest = s
        .claim_due_parts("node-a", true, times[11], 100)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.len() + rest.len(), systems.len());
    // Every system finishes at once; one failed: the job settles, failed, once all are done.
    let all: Vec<Claim> = got.into_iter().chain(rest).collect();
    let failing = all[3].system;
    let finishes = all.iter().map(|claim| {
        let s = s.clone();
        let claim = claim.clone();
        async move {
            let status = if claim.system == failing {
                PartStatus::Failed
            } else {
                PartStatus::Completed
            };
            let results: Vec<PartResult> = claim
                .parts
                .iter()
                .map(|p| PartResult {
                    part: *p,
                    status,
                    reason: String::new(),
                })
                .collect();
            s.finish_parts(&claim, &results)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
        }
    });
    let settled = futures_util::future::join_all(finishes).await;
    assert_eq!(
        settled.iter().filter(|j| **j == JobStatus::Failed).count(),
        1,
        "{settled:?}"
    );
    assert_eq!(
        s.job(id).await.map(|j| j.0.status).ok(),
        Some(JobStatus::Failed)
    );
}
