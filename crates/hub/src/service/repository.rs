//! The software repository (SWR-1) as staff use it: resumable uploads (the tus protocol's rules
//! are here; `http::tus` only reads and writes its headers), the plain upload of a browser
//! without JavaScript, the release list, and deleting a release.
//!
//! Bytes stream from the request into blobs a part at a time: however large the release, the hub
//! holds a few parts of it. A PATCH whose connection breaks keeps the bytes that arrived (the
//! client resumes after them); a PATCH that states a checksum keeps nothing unless it matches.
//! The whole file's SHA-256 is computed by the hub when the chunks are put together, whatever
//! the client said.

use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use patchbay_domain::repository::{
    ChecksumAlgorithm, ReleaseMeta, Version, MAX_RELEASE_SIZE, UPLOAD_IDLE_HOURS,
};
use patchbay_domain::system::Profile;
use patchbay_domain::{Capability, Rule};
use patchbay_store::blobs::BlobError;
use patchbay_store::list::Page;
use patchbay_store::repository::{NewRelease, Release, ReleaseFilter, ReleaseSort, Upload};
use patchbay_store::{PageRequest, SortOrder};
use sha1::Digest as _;
use std::sync::{Arc, Mutex};

/// How long an untouched upload is kept, in milliseconds.
pub const IDLE_MS: i64 = UPLOAD_IDLE_HOURS * 3_600_000;

fn blob_error(e: BlobError) -> AppError {
    match e {
        BlobError::NotFound => AppError::NotFound,
        other => AppError::Internal(format!("blob store: {other}")),
    }
}

fn owner(caller: &Caller) -> String {
    caller.account.id.to_string()
}

/// What a finished PATCH did.
#[derive(Debug)]
pub struct Appended {
    pub offset: i64,
    /// The release the upload became, when this PATCH completed it.
    pub release: Option<Release>,
}

/// Why a PATCH's bytes were not kept.
#[derive(Debug)]
pub enum AppendError {
    /// The stated checksum does not match the bytes (tus 460).
    Checksum,
    App(AppError),
}

impl From<AppError> for AppendError {
    fn from(e: AppError) -> Self {
        AppendError::App(e)
    }
}

/// Start a resumable upload (tus creation).
pub async fn create_upload(
    state: &AppState,
    caller: &Caller,
    meta: &ReleaseMeta,
    phone_firmware: &str,
    length: u64,
) -> Result<Upload, AppError> {
    caller.require(Capability::ManageRepository)?;
    check_firmware(phone_firmware)?;
    if length == 0 {
        return Err(AppError::field(
            "uploadLength",
            Rule::Range {
                min: 1,
                max: MAX_RELEASE_SIZE as i64,
            },
        ));
    }
    let too_large = AppError::FileTooLarge {
        max_bytes: MAX_RELEASE_SIZE,
    };
    if length > MAX_RELEASE_SIZE {
        return Err(too_large);
    }
    let length = i64::try_from(length).map_err(|_| too_large)?;
    Ok(state
        .store
        .create_upload(&owner(caller), meta, phone_firmware, length, IDLE_MS)
        .await?)
}

fn check_firmware(v: &str) -> Result<(), AppError> {
    if !v.is_empty() && Version::parse(v).is_none() {
        return Err(AppError::field("phoneFirmware", Rule::Invalid));
    }
    Ok(())
}

/// One of the caller's unfinished uploads (tus HEAD).
pub async fn upload(state: &AppState, caller: &Caller, id: &str) -> Result<Upload, AppError> {
    caller.require(Capability::ManageRepository)?;
    Ok(state.store.upload(id, &owner(caller)).await?)
}

/// The caller's unfinished uploads.
pub async fn open_uploads(state: &AppState, caller: &Caller) -> Result<Vec<Upload>, AppError> {
    caller.require(Capability::ManageRepository)?;
    Ok(state.store.open_uploads(&owner(caller)).await?)
}

/// Forget one of the caller's uploads and its bytes (tus termination).
pub async fn terminate(state: &AppState, caller: &Caller, id: &str) -> Result<(), AppError> {
    caller.require(Capability::ManageRepository)?;
    let keys = state.store.delete_upload(id, &owner(caller)).await?;
    remove_blobs(state, &keys).await;
    Ok(())
}

async fn remove_blobs(state: &AppState, keys: &[String]) {
    for k in keys {
        if let Err(e) = state.blobs.delete(k).await {
            tracing::warn!(error = %e, "could not remove an upload chunk");
        }
    }
}

/// A running digest of the algorithm a PATCH names.
enum Check {
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
}

impl Check {
    fn new(alg: ChecksumAlgorithm) -> Self {
        match alg {
            ChecksumAlgorithm::Sha1 => Check::Sha1(sha1::Sha1::new()),
            ChecksumAlgorithm::Sha256 => Check::Sha256(sha2::Sha256::new()),
        }
    }
    fn update(&mut self, b: &[u8]) {
        match self {
            Check::Sha1(h) => h.update(b),
            Check::Sha256(h) => h.update(b),
        }
    }
    fn finish(self) -> Vec<u8> {
        match self {
            Check::Sha1(h) => h.finalize().to_vec(),
            Check::Sha256(h) => h.finalize().to_vec(),
        }
    }
}

/// What the body stream saw.
#[derive(Default)]
struct Seen {
    /// The connection broke before the body ended.
    cut: bool,
    /// More bytes than the upload still needs.
    over: bool,
}

/// Append a PATCH body at `offset` (tus core): the bytes go to a new chunk blob, counted only
/// if the upload is still at `offset` when they have all arrived. A body cut short keeps what
/// arrived; a stated checksum must match or nothing is kept. The PATCH that completes the upload
/// turns it into its release.
pub async fn append<S, E>(
    state: &AppState,
    caller: &Caller,
    id: &str,
    offset: i64,
    checksum: Option<(ChecksumAlgorithm, Vec<u8>)>,
    body: S,
) -> Result<Appended, AppendError>
where
    S: Stream<Item = Result<Bytes, E>> + Send + Unpin,
    E: std::fmt::Display + Send,
{
    caller.require(Capability::ManageRepository)?;
    let me = owner(caller);
    let up = state.store.upload(id, &me).await.map_err(AppError::from)?;
    if offset != up.offset {
        return Err(AppError::from(patchbay_store::StoreError::Refused(
            patchbay_store::Refusal::UploadOffset,
        ))
        .into());
    }
    let room = up.length - up.offset;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let check = Arc::new(Mutex::new(checksum.as_ref().map(|(a, _)| Check::new(*a))));
    let mut taken = 0i64;
    let (seen2, check2) = (seen.clone(), check.clone());
    // The body as the blob store reads it: a broken connection ends it (what arrived is kept),
    // bytes past the upload's length end it too (and refuse the PATCH).
    let source = body
        .map(Some)
        .chain(futures_util::stream::iter([None]))
        .scan(false, move |done, item| {
            let out = if *done {
                None
            } else {
                match item {
                    Some(Ok(chunk)) => {
                        let len = chunk.len() as i64;
                        if taken + len > room {
                            if let Ok(mut s) = seen2.lock() {
                                s.over = true;
                            }
                            *done = true;
                            None
                        } else {
                            taken += len;
                            if let Ok(mut c) = check2.lock() {
                                if let Some(c) = c.as_mut() {
                                    c.update(&chunk);
                                }
                            }
                            Some(Ok::<Bytes, String>(chunk))
                        }
                    }
                    Some(Err(e)) => {
                        tracing::debug!(error = %e, "upload body broke off");
                        if let Ok(mut s) = seen2.lock() {
                            s.cut = true;
                        }
                        *done = true;
                        None
                    }
                    None => {
                        *done = true;
                        None
                    }
                }
            };
            futures_util::future::ready(out)
        })
        .boxed();
    let key = format!("uploads/{id}/{offset}-{}", uuid::Uuid::new_v4().simple());
    let stored = state
        .blobs
        .put_stream(&key, source)
        .await
        .map_err(blob_error)?;
    let (cut, over) = seen
        .lock()
        .map(|s| (s.cut, s.over))
        .unwrap_or((true, false));
    let discard = |state: &AppState, key: String| {
        let blobs = state.blobs.clone();
        async move {
            if let Err(e) = blobs.delete(&key).await {
                tracing::warn!(error = %e, "could not remove a refused chunk");
            }
        }
    };
    if over {
        discard(state, key).await;
        return Err(AppError::FileTooLarge {
            max_bytes: up.length as u64,
        }
        .into());
    }
    if let Some((_, want)) = &checksum {
        let got = check
            .lock()
            .ok()
            .and_then(|mut c| c.take())
            .map(Check::finish);
        if cut || got.as_deref() != Some(want.as_slice()) {
            discard(state, key).await;
            return Err(AppendError::Checksum);
        }
    }
    let size = i64::try_from(stored.size).unwrap_or(i64::MAX);
    if size == 0 {
        discard(state, key.clone()).await;
    }
    let new_offset = match state
        .store
        .add_chunk(id, &me, offset, (size, &stored.sha256), &key, IDLE_MS)
        .await
    {
        Ok(o) => o,
        Err(e) => {
            discard(state, key).await;
            return Err(AppError::from(e).into());
        }
    };
    if cut {
        tracing::info!(
            upload = id,
            offset = new_offset,
            "upload interrupted; resumable"
        );
    }
    let release = if new_offset == up.length {
        Some(finish(state, caller, &up).await?)
    } else {
        None
    };
    Ok(Appended {
        offset: new_offset,
        release,
    })
}

/// Put a complete upload's chunks together into its release: one stream through the blob store
/// (which computes the whole file's SHA-256 on the way), then the release row, then the chunks
/// go. Exactly one caller assembles an upload.
async fn finish(state: &AppState, caller: &Caller, up: &Upload) -> Result<Release, AppError> {
    if !state.store.claim_finish(&up.id).await? {
        return Err(AppError::from(patchbay_store::StoreError::Refused(
            patchbay_store::Refusal::UploadOffset,
        )));
    }
    let result = assemble(state, caller, up).await;
    if result.is_err() {
        let _ = state.store.release_finish(&up.id).await;
    }
    result
}

async fn assemble(state: &AppState, caller: &Caller, up: &Upload) -> Result<Release, AppError> {
    let meta = patchbay_domain::repository::release_meta(
        Some(&up.name),
        Some(&up.version),
        Some(&up.profile),
    )
    .map_err(|_| AppError::Internal("a stored upload's metadata no longer parses".into()))?;
    let chunks = state.store.upload_chunks(&up.id).await?;
    let mut expect = 0;
    for c in &chunks {
        if c.start != expect {
            return Err(AppError::Internal(format!(
                "upload {} has a gap at {expect}",
                up.id
            )));
        }
        expect += c.size;
    }
    let release_id = uuid::Uuid::now_v7().to_string();
    let key = format!("releases/{release_id}/{}", blob_name(&meta.name));
    let keys: Vec<String> = chunks.iter().map(|c| c.blob_key.clone()).collect();
    let stored = match chunks.as_slice() {
        // One chunk (a client that sent the whole file in one PATCH, or resumed once at most):
        // its SHA-256 was computed as it arrived; the blob is moved, not copied.
        [one] if !one.sha256.is_empty() => {
            state
                .blobs
                .rename(&one.blob_key, &key)
                .await
                .map_err(blob_error)?;
            patchbay_store::blobs::Stored {
                size: u64::try_from(one.size).unwrap_or(0),
                sha256: one.sha256.clone(),
            }
        }
        _ => concatenate(state, &keys, &key).await?,
    };
    if stored.size != up.length as u64 {
        let _ = state.blobs.delete(&key).await;
        return Err(AppError::Internal(format!(
            "upload {} assembled to {} bytes, not {}",
            up.id, stored.size, up.length
        )));
    }
    let recorded = state
        .store
        .finish_upload(
            &caller.meta(),
            &up.id,
            &NewRelease {
                id: &release_id,
                meta: &meta,
                phone_firmware: &up.phone_firmware,
                size: up.length,
                sha256: &stored.sha256,
                blob_key: &key,
            },
        )
        .await;
    match recorded {
        Ok(r) => {
            remove_blobs(state, &keys).await;
            tracing::info!(release = %r.id, size = r.size, "release uploaded");
            Ok(r)
        }
        Err(e) => {
            let _ = state.blobs.delete(&key).await;
            Err(e.into())
        }
    }
}

/// The chunks `keys`, in order, streamed into the blob `to` (which computes the whole file's
/// SHA-256 on the way).
async fn concatenate(
    state: &AppState,
    keys: &[String],
    to: &str,
) -> Result<patchbay_store::blobs::Stored, AppError> {
    let blobs = state.blobs.clone();
    let source = futures_util::stream::iter(keys.to_vec())
        .then(move |k| {
            let blobs = blobs.clone();
            async move { blobs.get_stream(&k).await }
        })
        .map(|opened| match opened {
            Ok(s) => s.map(|r| r.map_err(|e| e.to_string())).boxed(),
            Err(e) => futures_util::stream::once(async move { Err(e.to_string()) }).boxed(),
        })
        .flatten()
        .boxed();
    state.blobs.put_stream(to, source).await.map_err(blob_error)
}

/// A release name as a blob key segment (the name is checked already; this keeps keys plain).
fn blob_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The plain upload (a browser without JavaScript): the whole file in one request, streamed to
/// its release blob. An interrupted plain upload is simply gone.
pub async fn upload_plain<S, E>(
    state: &AppState,
    caller: &Caller,
    meta: &ReleaseMeta,
    phone_firmware: &str,
    body: S,
) -> Result<Release, AppError>
where
    S: Stream<Item = Result<Bytes, E>> + Send + Unpin,
    E: std::fmt::Display + Send,
{
    caller.require(Capability::ManageRepository)?;
    check_firmware(phone_firmware)?;
    let release_id = uuid::Uuid::now_v7().to_string();
    let key = format!("releases/{release_id}/{}", blob_name(&meta.name));
    let mut seen = 0u64;
    let source = body.map(move |chunk| {
        let chunk = chunk.map_err(|e| e.to_string())?;
        seen += chunk.len() as u64;
        if seen > MAX_RELEASE_SIZE {
            return Err("larger than the release limit".to_string());
        }
        Ok(chunk)
    });
    let stored = match state.blobs.put_stream(&key, source).await {
        Ok(s) => s,
        Err(BlobError::Source(why)) => return Err(AppError::Malformed(why)),
        Err(e) => return Err(blob_error(e)),
    };
    if stored.size == 0 {
        let _ = state.blobs.delete(&key).await;
        return Err(AppError::field("file", Rule::Required));
    }
    let recorded = state
        .store
        .finish_upload(
            &caller.meta(),
            "",
            &NewRelease {
                id: &release_id,
                meta,
                phone_firmware,
                size: i64::try_from(stored.size).unwrap_or(i64::MAX),
                sha256: &stored.sha256,
                blob_key: &key,
            },
        )
        .await;
    if recorded.is_err() {
        let _ = state.blobs.delete(&key).await;
    }
    Ok(recorded?)
}

/// SWR-1: the repository (everyone who sees the operations pages).
pub async fn releases(
    state: &AppState,
    caller: &Caller,
    filter: &ReleaseFilter,
    sort: Option<(ReleaseSort, SortOrder)>,
    page: PageRequest,
) -> Result<Page<Release>, AppError> {
    caller.require(Capability::ViewOperations)?;
    Ok(state.store.list_releases(filter, sort, page).await?)
}

pub async fn release(state: &AppState, caller: &Caller, id: &str) -> Result<Release, AppError> {
    caller.require(Capability::ViewOperations)?;
    Ok(state.store.release(id).await?)
}

/// Remove a release and its file.
pub async fn delete_release(state: &AppState, caller: &Caller, id: &str) -> Result<(), AppError> {
    caller.require(Capability::ManageRepository)?;
    let r = state.store.delete_release(&caller.meta(), id).await?;
    if let Err(e) = state.blobs.delete(&r.blob_key).await {
        tracing::warn!(error = %e, release = id, "could not remove a deleted release's file");
    }
    Ok(())
}

/// SYS-4: the newest release of each profile.
pub async fn newest_releases(state: &AppState) -> Result<Vec<(Profile, Version)>, AppError> {
    let mut out: Vec<(Profile, Version)> = Vec::new();
    for (profile, v) in state.store.release_versions().await? {
        let Some(p) = Profile::parse(&profile) else {
            continue;
        };
        match out.iter_mut().find(|(q, _)| *q == p) {
            Some((_, best)) if v > *best => *best = v,
            Some(_) => {}
            None => out.push((p, v)),
        }
    }
    Ok(out)
}

/// SYS-4 for one system: the newer release its profile has, if any.
pub fn newer_for(newest: &[(Profile, Version)], profile: &str, version: &str) -> Option<String> {
    let p = Profile::parse(profile)?;
    let (_, v) = newest.iter().find(|(q, _)| *q == p)?;
    patchbay_domain::repository::newer_release(version, [v]).map(|v| v.to_string())
}

/// Housekeeping: forget idle uploads and remove their bytes.
pub async fn sweep_uploads(state: &AppState) {
    match state.store.expire_uploads().await {
        Ok(keys) => {
            if !keys.is_empty() {
                tracing::info!(chunks = keys.len(), "expired idle uploads");
            }
            remove_blobs(state, &keys).await;
        }
        Err(e) => tracing::warn!(error = %e, "upload expiry failed"),
    }
}
