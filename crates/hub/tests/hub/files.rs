//! Files between agents and the hub (`/agent/files`): streamed through with one-time tokens.

use crate::common::*;
use crate::fixtures::customer;
use bytes::Bytes;
use patchbay_store::transfers::Direction;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use std::time::Duration;

const TTL: Duration = Duration::from_secs(600);

/// A 24 MiB upload (well over the API's body limit) goes through as a stream; a download token
/// gives the same bytes back; each token works once; a missing, reused or wrong-direction token is
/// a plain 404.
#[tokio::test]
async fn bkp_2_files_stream_through_with_one_time_tokens() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Acme").await;
    let (sys, _) = hub
        .store()
        .system_connected(c, "ipo-1", "node-a")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
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
