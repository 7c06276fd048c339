//! Tests of the repository store: offsets that only move forward under racing PATCHes, the open
//! upload limit under parallel creations, one release per profile and version, expiry.

use super::*;
use crate::accounts::tests::create;
use patchbay_domain::repository::release_meta;
use patchbay_domain::Role;

fn meta(version: &str) -> ReleaseMeta {
    release_meta(Some("ipo.bin"), Some(version), Some("ip500v2"))
        .unwrap_or_else(|e| panic!("{e:?}"))
}

const HOUR: i64 = 3_600_000;

#[tokio::test]
async fn swr_1_racing_chunks_at_one_offset_count_once() {
    let s = crate::testing::store().await;
    let owner = create(&s, "uploader", Role::Administrator)
        .await
        .id
        .to_string();
    let up = s
        .create_upload(&owner, &meta("12.1"), "", 100, HOUR)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (s, id, owner) = (s.clone(), up.id.clone(), owner.clone());
        tasks.push(tokio::spawn(async move {
            s.add_chunk(&id, &owner, 0, (40, "x"), &format!("k{i}"), HOUR)
                .await
        }));
    }
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap_or_else(|e| panic!("{e}")) {
            Ok(off) => {
                assert_eq!(off, 40);
                won += 1;
            }
            Err(StoreError::Refused(Refusal::UploadOffset)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(won, 1);
    // Past the length, or from a stale offset: refused, offset unchanged.
    assert!(matches!(
        s.add_chunk(&up.id, &owner, 40, (61, "x"), "big", HOUR)
            .await,
        Err(StoreError::Refused(Refusal::UploadOffset))
    ));
    assert!(matches!(
        s.add_chunk(&up.id, &owner, 0, (10, "x"), "old", HOUR).await,
        Err(StoreError::Refused(Refusal::UploadOffset))
    ));
    assert_eq!(
        s.upload(&up.id, &owner).await.map(|u| u.offset).ok(),
        Some(40)
    );
    // Another account does not see it.
    let other = create(&s, "other", Role::Administrator)
        .await
        .id
        .to_string();
    assert!(matches!(
        s.upload(&up.id, &other).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.add_chunk(&up.id, &other, 40, (10, "x"), "x", HOUR).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        s.add_chunk(&up.id, &owner, 40, (60, "x"), "k-end", HOUR)
            .await
            .ok(),
        Some(100)
    );
    let chunks = s.upload_chunks(&up.id).await.unwrap_or_default();
    assert_eq!(
        chunks.iter().map(|c| (c.start, c.size)).collect::<Vec<_>>(),
        [(0, 40), (40, 60)]
    );
    // One finisher.
    let mut claims = 0;
    for _ in 0..3 {
        if s.claim_finish(&up.id).await.unwrap_or(false) {
            claims += 1;
        }
    }
    assert_eq!(claims, 1);
    let m = meta("12.1");
    let audit = crate::audit::AuditMeta::cli();
    let r = s
        .finish_upload(
            &audit,
            &up.id,
            &NewRelease {
                id: "r1",
                meta: &m,
                phone_firmware: "",
                size: 100,
                sha256: "ab",
                blob_key: "releases/r1/ipo.bin",
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.version.as_str(), r.size), ("12.1", 100));
    assert!(s.upload_chunks(&up.id).await.unwrap_or_default().is_empty());
    // The same version again: refused at creation, and at the end.
    assert!(matches!(
        s.create_upload(&owner, &meta("12.1"), "", 5, HOUR)
            .await
            .map(|_| ()),
        Err(StoreError::Taken(Taken::ReleaseVersion))
    ));
    let again = s
        .finish_upload(
            &audit,
            "",
            &NewRelease {
                id: "r2",
                meta: &m,
                phone_firmware: "",
                size: 100,
                sha256: "ab",
                blob_key: "releases/r2/ipo.bin",
            },
        )
        .await;
    assert!(
        matches!(again, Err(StoreError::Taken(Taken::ReleaseVersion))),
        "{again:?}"
    );
}

#[tokio::test]
async fn swr_1_open_uploads_are_limited_under_parallel_creation() {
    let s = crate::testing::store().await;
    let owner = create(&s, "many", Role::Administrator).await.id.to_string();
    let mut tasks = Vec::new();
    for i in 0..12 {
        let (s, owner) = (s.clone(), owner.clone());
        tasks.push(tokio::spawn(async move {
            s.create_upload(&owner, &meta(&format!("12.{i}")), "", 10, HOUR)
                .await
        }));
    }
    let mut made = 0;
    for t in tasks {
        match t.await.unwrap_or_else(|e| panic!("{e}")) {
            Ok(_) => made += 1,
            Err(StoreError::Refused(Refusal::TooManyUploads)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(made, MAX_OPEN_UPLOADS);
    assert_eq!(
        s.open_uploads(&owner).await.map(|u| u.len()).ok(),
        Some(MAX_OPEN_UPLOADS as usize)
    );
}

#[tokio::test]
async fn swr_1_idle_uploads_expire_with_their_chunks() {
    let s = crate::testing::store().await;
    let owner = create(&s, "idle", Role::Administrator).await.id.to_string();
    let gone = s.create_upload(&owner, &meta("13.0"), "", 10, -1).await;
    // Created already expired: invisible, and swept.
    assert!(matches!(gone, Err(StoreError::NotFound)), "{gone:?}");
    let kept = s
        .create_upload(&owner, &meta("13.1"), "", 10, HOUR)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.add_chunk(&kept.id, &owner, 0, (4, "x"), "uploads/k/0", HOUR)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(s.expire_uploads().await.unwrap_or_default().is_empty());
    assert_eq!(s.open_uploads(&owner).await.map(|u| u.len()).ok(), Some(1));
    assert_eq!(
        s.delete_upload(&kept.id, &owner).await.unwrap_or_default(),
        ["uploads/k/0"]
    );
    assert!(matches!(
        s.delete_upload(&kept.id, &owner).await,
        Err(StoreError::NotFound)
    ));
}
