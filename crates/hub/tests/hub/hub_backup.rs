//! CLI-1: backing up the hub itself — an SQLite hub backed up while customers and blobs are
//! being added, restored into an empty data dir and started there with every row and blob.

use crate::common::*;
use crate::fixtures::{self, SERVICE_PASSWORD, SERVICE_USER};
use bytes::Bytes;
use futures_util::TryStreamExt;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

fn on_postgres() -> bool {
    std::env::var("PATCHBAY_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

async fn put_blob(blobs: &patchbay_store::blobs::Blobs, key: &str, seed: u64) -> String {
    let body: Vec<u8> = (0..64 * 1024u64)
        .map(|i| ((i * 31 + seed) % 251) as u8)
        .collect();
    let digest = hex::encode(Sha256::digest(&body));
    blobs
        .put_stream(
            key,
            futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from(body))]),
        )
        .await
        .unwrap_or_else(|e| panic!("{key}: {e}"));
    digest
}

async fn blob_sha(blobs: &patchbay_store::blobs::Blobs, key: &str) -> String {
    let mut s = blobs
        .get_stream(key)
        .await
        .unwrap_or_else(|e| panic!("{key}: {e}"));
    let mut h = Sha256::new();
    while let Some(chunk) = s.try_next().await.unwrap_or_else(|e| panic!("{e}")) {
        h.update(&chunk);
    }
    hex::encode(h.finalize())
}

async fn names(client: &reqwest::Client, base: &str, token: &str) -> Vec<String> {
    let r = client
        .get(format!("{base}/v1/operations/customers?max=1000"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let v: Value = r.json().await.unwrap_or_default();
    v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn cli_1_a_running_hub_is_backed_up_under_load_and_restored_with_every_row_and_blob() {
    if on_postgres() {
        // The PostgreSQL hub is backed up with pg_dump (README); this is the SQLite one.
        return;
    }
    let hub = TestHub::start().await;
    let state = hub.running.state.clone();
    let mut before = Vec::new();
    for i in 0..20 {
        fixtures::customer(&hub, &format!("Before{i} Corp")).await;
    }
    for i in 0..10 {
        let key = format!("tests/before-{i}.bin");
        before.push((key.clone(), put_blob(&state.blobs, &key, i).await));
    }

    // Load: customers and blobs keep being added while the backup runs.
    let stop = tokio_util::sync::CancellationToken::new();
    let added = Arc::new(AtomicU64::new(0));
    let load = {
        let (client, url, token) = (
            hub.client(),
            hub.url("/v1/operations/customers"),
            hub.admin_token.clone(),
        );
        let (stop, added, blobs) = (stop.clone(), added.clone(), state.blobs.clone());
        tokio::spawn(async move {
            let mut i = 0u64;
            while !stop.is_cancelled() {
                let r = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({
                        "name": format!("During{i} Corp"),
                        "customerId": format!("during{i}"),
                        "serviceUserName": SERVICE_USER,
                        "servicePassword": SERVICE_PASSWORD,
                    }))
                    .send()
                    .await;
                if r.is_ok_and(|r| r.status().is_success()) {
                    added.fetch_add(1, Ordering::SeqCst);
                }
                put_blob(&blobs, &format!("tests/during-{i}.bin"), 1000 + i).await;
                i += 1;
            }
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let at_start = state.store.count_customers().await.unwrap_or_default();
    let file =
        std::env::temp_dir().join(format!("patchbay-backup-{}.tar.gz", uuid::Uuid::new_v4()));
    let manifest = patchbay_hub::snapshot::backup(&state.config, &file)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let at_end = state.store.count_customers().await.unwrap_or_default();
    stop.cancel();
    let _ = load.await;
    assert!(added.load(Ordering::SeqCst) > 0, "the load ran");
    assert!(
        at_end > at_start,
        "customers were added while the backup ran"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0);
    assert_eq!(mode, 0o600, "the archive holds the secret key");

    // Restore into an empty data dir; a second restore into it is refused.
    let dir = std::env::temp_dir().join(format!("patchbay-restored-{}", uuid::Uuid::new_v4()));
    let restored = patchbay_hub::snapshot::restore(&file, &dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(restored, manifest);
    assert!(matches!(
        patchbay_hub::snapshot::restore(&file, &dir),
        Err(patchbay_hub::snapshot::SnapshotError::NotEmpty(_))
    ));
    assert_eq!(
        patchbay_store::snapshot::check_sqlite(&dir.join("patchbay.db"))
            .await
            .ok()
            .as_deref(),
        Some("ok")
    );
    let key_mode = std::fs::metadata(dir.join("secret.key"))
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0);
    assert_eq!(key_mode, 0o600);

    // Start a hub on it: same identity, same tokens, every row and blob of the snapshot.
    let mut config = patchbay_hub::config::Config::new(
        dir.clone(),
        "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
        patchbay_hub::config::sqlite_url(&dir),
    );
    config.blob_url = state.config.blob_url.clone();
    config.automatic_jobs = false;
    let prepared = patchbay_hub::prepare(config, Arc::new(|_| {}))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        prepared.first_admin.is_none(),
        "the administrators came back"
    );
    let running = patchbay_hub::start(prepared.state)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        running.state.tls_identity.current().leaf.fingerprint,
        state.tls_identity.current().leaf.fingerprint
    );
    let n = running
        .state
        .store
        .count_customers()
        .await
        .unwrap_or_default();
    assert!(
        (at_start..=at_end).contains(&n),
        "{at_start} ≤ {n} ≤ {at_end}"
    );
    let client = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let base = format!("https://localhost:{}", running.addr.port());
    let listed = names(&client, &base, &hub.admin_token).await;
    assert_eq!(
        listed.len() as i64,
        n,
        "the original administrator's token works"
    );
    for i in 0..20 {
        assert!(listed.contains(&format!("Before{i} Corp")), "Before{i}");
    }
    if !manifest.external_blobs {
        for (key, sha) in &before {
            assert_eq!(&blob_sha(&running.state.blobs, key).await, sha, "{key}");
        }
        assert!(manifest.blobs >= before.len() as u64);
    }
    running.shutdown().await;
    hub.stop().await;
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_dir_all(&dir);
}
