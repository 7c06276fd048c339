//! Files between agents and the hub (`/agent/files`): streamed through with one-time tokens.

use crate::common::*;
use crate::fixtures::customer;
use bytes::Bytes;
use patchbay_store::transfers::Direction;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use std::time::Duration;

const TTL: Duration = Duration::from_secs(600);

/// A connected system of a new customer.
async fn system(hub: &TestHub) -> patchbay_domain::SystemId {
    let c = customer(hub, "Acme").await;
    hub.store()
        .system_connected(c, "ipo-1", "node-a")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .0
}

/// A 24 MiB upload (well over the API's body limit) goes through as a stream; a download token
/// gives the same bytes back; each token works once; a missing, reused or wrong-direction token is
/// a plain 404.
#[tokio::test]
async fn bkp_2_files_stream_through_with_one_time_tokens() {
    let hub = TestHub::start().await;
    let sys = system(&hub).await;
    let key = format!("backups/{sys}/b1.tar.gz");
    let token = hub
        .store()
        .new_transfer(Direction::Upload, sys, &key, TTL)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let chunks: Vec<Result<Bytes, std::io::Error>> = (0..384)
        .map(|i| Ok(Bytes::from(vec![(i % 251) as u8; 64 * 1024])))
        .collect();
    let mut want = Sha256::new();
    for c in chunks.iter().flatten() {
        want.update(c);
    }
    let want = hex::encode(want.finalize());
    let client = hub.client();
    let put = |token: String, body: reqwest::Body| {
        client
            .put(hub.url("/agent/files"))
            .bearer_auth(token)
            .body(body)
            .send()
    };
    let r = put(
        token.clone(),
        reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: serde_json::Value = r.json().await.unwrap_or_default();
    assert_eq!(v["size"], 384 * 64 * 1024);
    assert_eq!(v["sha256"], want.as_str());
    // Once only.
    let again = put(token, reqwest::Body::from("x"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    // Without a token, or with a made-up one: 404 as well.
    let none = client
        .put(hub.url("/agent/files"))
        .body("x")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(none.status(), StatusCode::NOT_FOUND);
    let made_up = put("made-up".into(), reqwest::Body::from("x"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(made_up.status(), StatusCode::NOT_FOUND);
    // Download the same blob, streamed.
    let down = hub
        .store()
        .new_transfer(Direction::Download, sys, &key, TTL)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // An upload token is not a download token, nor the reverse.
    let wrong = put(down.clone(), reqwest::Body::from("x"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    let down = hub
        .store()
        .new_transfer(Direction::Download, sys, &key, TTL)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut r = client
        .get(hub.url("/agent/files"))
        .bearer_auth(&down)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::OK);
    let mut got = Sha256::new();
    let mut size = 0usize;
    while let Some(chunk) = r.chunk().await.unwrap_or_else(|e| panic!("{e}")) {
        size += chunk.len();
        got.update(&chunk);
    }
    assert_eq!(size, 384 * 64 * 1024);
    assert_eq!(hex::encode(got.finalize()), want);
    hub.stop().await;
}

/// The agent's side, against the real hub: a backup action archives the system's files and PUTs
/// them; the hub holds exactly that archive; a restore action GETs it back and puts the chosen
/// files back in place, each checked by checksum; with the backup flag off both are refused with
/// the SYS-6 reason.
#[tokio::test]
async fn bkp_2_bkp_5_the_agent_backs_up_to_the_hub_and_restores_from_it() {
    use patchbay_agent::actions::{self, Files};
    use patchbay_agent::system::SystemConfig;
    use patchbay_proto::{Action, Op, Transfer};

    let hub = TestHub::start().await;
    let sys = system(&hub).await;
    let dir = std::env::temp_dir().join(format!(
        "pb-agent-bkp-{}-{}",
        std::process::id(),
        jiff::Timestamp::now().as_nanosecond()
    ));
    for (p, content) in [
        ("data/configuration/config.cfg", "lines=12\n"),
        ("data/mailboxes/100/msg0001.wav", "message for 100"),
    ] {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap_or(&dir)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, content).unwrap_or_else(|e| panic!("{e}"));
    }
    let toml = |flag: bool| {
        SystemConfig::parse(&format!(
            "name = \"ipo-1\"\nprofile = \"ip500v2\"\nversion = \"12.1\"\naddress = \"10.0.0.1\"\n[flags]\nremote_upgrade_backup = {flag}\n"
        ))
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let cfg = toml(true);
    let tls = patchbay_agent::client_config(&patchbay_agent::Trust::CaPem(hub.cert_pem.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    let files = Files::new(tls, &hub.url("/agent").replace("https://", "wss://"))
        .unwrap_or_else(|e| panic!("{e}"));
    // A path, as the hub sends it: the agent resolves it against the hub it is connected to.
    let url = "/agent/files".to_string();
    let key = format!("backups/{sys}/b1.tar.gz");
    let transfer = |d: Direction| {
        let (hub, key, url) = (&hub, key.clone(), url.clone());
        async move {
            Transfer {
                url,
                token: hub
                    .store()
                    .new_transfer(d, sys, &key, TTL)
                    .await
                    .unwrap_or_else(|e| panic!("{e}")),
            }
        }
    };
    let backup = Action {
        action_id: "job1-sys1".into(),
        op: Op::Backup {
            items: vec!["configuration".into(), "mailboxes".into()],
            mailboxes: vec![],
            upload: transfer(Direction::Upload).await,
        },
    };
    let r = actions::run(&dir, &cfg, &files, backup).await;
    assert_eq!((r.status.as_str(), r.reason.as_str()), ("completed", ""));
    let archive = r.archive.unwrap_or_else(|| panic!("no archive info"));
    assert_eq!(archive.files, 2);
    // The hub holds exactly that archive, and the agent kept no copy.
    let stored = hub
        .running
        .state
        .blobs
        .list("backups")
        .await
        .unwrap_or_default();
    assert_eq!(stored, vec![(key.clone(), archive.size)]);
    assert!(!dir.join("outgoing/job1-sys1.tar.gz").exists());

    std::fs::write(dir.join("data/configuration/config.cfg"), "broken").unwrap_or_default();
    std::fs::write(dir.join("data/mailboxes/100/msg0001.wav"), "changed").unwrap_or_default();
    let restore = Action {
        action_id: "job2-sys1".into(),
        op: Op::Restore {
            items: vec!["configuration".into()],
            sha256: archive.sha256.clone(),
            download: transfer(Direction::Download).await,
        },
    };
    let r = actions::run(&dir, &cfg, &files, restore).await;
    assert_eq!((r.status.as_str(), r.reason.as_str()), ("completed", ""));
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).unwrap_or_default();
    assert_eq!(read("data/configuration/config.cfg"), "lines=12\n");
    assert_eq!(
        read("data/mailboxes/100/msg0001.wav"),
        "changed",
        "not chosen"
    );

    // A wrong checksum: nothing restored, the reason says why.
    std::fs::write(dir.join("data/configuration/config.cfg"), "broken").unwrap_or_default();
    let bad = Action {
        action_id: "job3".into(),
        op: Op::Restore {
            items: vec!["configuration".into()],
            sha256: "0".repeat(64),
            download: transfer(Direction::Download).await,
        },
    };
    let r = actions::run(&dir, &cfg, &files, bad).await;
    assert_eq!(r.status, "failed");
    assert!(r.reason.contains("checksum"), "{}", r.reason);
    assert_eq!(read("data/configuration/config.cfg"), "broken");

    // SYS-6: the backup flag off.
    let off = Action {
        action_id: "job4".into(),
        op: Op::Backup {
            items: vec!["configuration".into()],
            mailboxes: vec![],
            upload: transfer(Direction::Upload).await,
        },
    };
    let r = actions::run(&dir, &toml(false), &files, off).await;
    assert_eq!(
        (r.status.as_str(), r.reason.as_str()),
        ("failed", actions::BACKUP_DISABLED)
    );
    let _ = std::fs::remove_dir_all(&dir);
    hub.stop().await;
}

/// The whole chain with a real agent process's code: a backup job started now is claimed by the
/// node holding the system, the agent archives its files and sends them, the hub records the
/// backup (the blob is the archive the agent made) and the job completes.
#[tokio::test]
async fn bkp_2_job_2_a_backup_job_runs_on_the_real_agent() {
    use patchbay_domain::jobs::{JobKind, JobStatus, PartStatus};
    use patchbay_store::jobs::{NewJob, Start, Target};

    let hub = TestHub::start().await;
    let c = customer(&hub, "Acme").await;
    let (stop, dir) = crate::fixtures::agent(&hub, "acme").start();
    for (p, content) in [
        ("data/configuration/config.cfg", "lines=12\n"),
        ("data/voicemail-configuration/vm.conf", "[general]\n"),
    ] {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap_or(&dir)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, content).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut sys = None;
    for _ in 0..100 {
        let systems = hub.store().systems_of(c).await.unwrap_or_default();
        if let Some(s) = systems
            .iter()
            .find(|s| s.connected && !s.servers.is_empty())
        {
            sys = Some(s.id);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sys = sys.unwrap_or_else(|| panic!("the agent never connected"));
    let job = hub
        .store()
        .create_job(
            &patchbay_store::AuditMeta::cli(),
            &NewJob {
                name: "before the upgrade".into(),
                kind: JobKind::Backup,
                start: Start::Now,
                automatic: false,
                options: r#"{"items": ["configuration", "voicemailConfiguration"]}"#.into(),
                targets: vec![Target {
                    customer: c,
                    system: sys,
                    servers: vec!["ipo-1".into()],
                }],
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    hub.running.state.jobs_wake.notify_one();
    let mut status = JobStatus::Scheduled;
    for _ in 0..200 {
        status = hub
            .store()
            .job(job)
            .await
            .map(|j| j.0.status)
            .unwrap_or(status);
        if status.is_final() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, parts) = hub.store().job(job).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status, JobStatus::Completed, "{parts:?}");
    assert!(parts.iter().all(|p| p.status == PartStatus::Completed));
    let backups = hub
        .store()
        .backups_of(sys)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(backups.len(), 1);
    let b = &backups[0];
    assert_eq!(b.items, ["configuration", "voicemailConfiguration"]);
    assert_eq!(b.files, 2);
    // The blob is there, with the size and checksum recorded.
    let mut stream = hub
        .running
        .state
        .blobs
        .get_stream(&b.blob_key)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut sha = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
        let chunk = chunk.unwrap_or_else(|e| panic!("{e}"));
        size += chunk.len() as u64;
        sha.update(&chunk);
    }
    assert_eq!(
        (size, hex::encode(sha.finalize())),
        (b.size, b.sha256.clone())
    );
    // The system's action slot is free again, and the agent forgot the acknowledged result.
    assert_eq!(hub.store().system_action(sys).await.ok(), Some(None));
    for _ in 0..50 {
        if std::fs::read_dir(dir.join("actions"))
            .map(|d| d.count())
            .unwrap_or(0)
            == 0
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        std::fs::read_dir(dir.join("actions"))
            .map(|d| d.count())
            .unwrap_or(0),
        0
    );
    stop.cancel();
    let _ = std::fs::remove_dir_all(&dir);
    hub.stop().await;
}

/// A file over the hub's cap is refused (413) and leaves nothing behind.
#[tokio::test]
async fn bkp_2_an_upload_over_the_cap_is_refused_and_leaves_nothing() {
    let hub = TestHub::start_with(|c| c.max_agent_file = 1024 * 1024).await;
    let sys = system(&hub).await;
    let key = format!("backups/{sys}/big.tar.gz");
    let token = hub
        .store()
        .new_transfer(Direction::Upload, sys, &key, TTL)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let chunks: Vec<Result<Bytes, std::io::Error>> = (0..32)
        .map(|_| Ok(Bytes::from(vec![7u8; 64 * 1024])))
        .collect();
    let r = hub
        .client()
        .put(hub.url("/agent/files"))
        .bearer_auth(token)
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(hub
        .running
        .state
        .blobs
        .list("backups")
        .await
        .unwrap_or_default()
        .is_empty());
    assert_eq!(hub.store().uploaded(&key).await.ok(), Some(None));
    hub.stop().await;
}
