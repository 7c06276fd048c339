//! The phone file server's folders (VNT-1, WPL-1), Administrators only: upload a `.zip` or
//! `.tar` that is unpacked on arrival, list, download selected as one zip, delete; and the
//! answers the phone file server gives phones (whole files, byte ranges, 304 when unchanged).
//!
//! An upload is spooled to a temporary folder of the data dir (memory does not grow with its
//! size), told apart by its bytes, and unpacked there defensively — regular files and folders
//! only, plain relative names, at most [`MAX_ENTRIES`] entries and [`MAX_EXPANDED`] bytes, each
//! entry's size weighed before it is written and no entry written past the size it declared.
//! Only when the whole archive unpacked are its files stored as blobs and recorded, in one
//! transaction; a refused archive changes nothing.

use crate::auth::Caller;
use crate::error::AppError;
use crate::service::scratch::{io, spool, Scratch};
use crate::state::AppState;
use axum::body::Body;
use bytes::Bytes;
use futures_util::Stream;
use patchbay_domain::phonefiles::{
    self as pf, clean_path, ArchiveKind, Area, NameProblem, MAX_ARCHIVE, MAX_ENTRIES, MAX_EXPANDED,
};
use patchbay_domain::{Capability, FieldError, Rule};
use patchbay_store::phonefiles::{NewPhoneFile, PhoneFile};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

mod serve;
pub use serve::serve;

/// The field an archive's problems are reported on.
const FIELD: &str = "file";

fn problem(code: &str, value: impl Into<String>) -> AppError {
    AppError::Validation(vec![FieldError::new(
        FIELD,
        Rule::Content {
            code: code.into(),
            value: value.into(),
        },
    )])
}

fn name_problem(p: NameProblem, name: &str) -> AppError {
    match p {
        NameProblem::Outside => problem("unsafe-path", name),
        NameProblem::Characters => problem("bad-name", name),
        NameProblem::TooLong => problem("path-too-long", name),
    }
}

/// A folder by its name in a path; not found otherwise.
pub fn area(s: &str) -> Result<Area, AppError> {
    Area::parse(s).ok_or(AppError::NotFound)
}

/// VNT-1, WPL-1: the files of a folder, by path.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    area: Area,
) -> Result<Vec<PhoneFile>, AppError> {
    caller.require(Capability::ManageCustomizationFiles)?;
    Ok(state.store.phone_files(area).await?)
}

/// Remove what uploads interrupted by a crash left in the data dir's temporary folder: scratch
/// folders of which nothing — the folder, the archive being spooled, the unpacked files' folder —
/// changed for `older_than` (an upload in progress, also another process's on the same data dir,
/// keeps writing to one of them). Returns how many went.
pub fn clean_scratch(data_dir: &Path, older_than: std::time::Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(data_dir.join("tmp")) else {
        return 0;
    };
    let mut gone = 0;
    for e in entries.flatten() {
        // The newest of the folder, the archive being spooled and the folder it unpacks to.
        let path = e.path();
        let newest = [
            path.clone(),
            path.join("upload"),
            path.join("files"),
            // WGO-4: a bulk file being spooled or worked through.
            path.join("upload.csv"),
            path.join("import.csv"),
        ]
        .iter()
        .filter_map(|p| p.metadata().and_then(|m| m.modified()).ok())
        .max();
        let stale = newest
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= older_than);
        let name = e.file_name().to_string_lossy().into_owned();
        if !stale || !(name.starts_with("phonefiles-") || name.starts_with("mobile-import-")) {
            continue;
        }
        match std::fs::remove_dir_all(e.path()) {
            Ok(()) => {
                tracing::info!(dir = %e.path().display(), "an interrupted upload's files removed");
                gone += 1;
            }
            Err(err) => {
                tracing::warn!(dir = %e.path().display(), error = %err, "cannot remove an interrupted upload's files")
            }
        }
    }
    gone
}

/// One unpacked file: where it is served, where it waits.
struct Unpacked {
    path: String,
    file: PathBuf,
}

/// What an upload did.
#[derive(Debug)]
pub struct Uploaded {
    pub files: usize,
    pub replaced: usize,
}

/// What is still allowed while unpacking one archive.
struct Budget {
    entries: usize,
    bytes: u64,
}

impl Budget {
    fn new() -> Self {
        Self {
            entries: MAX_ENTRIES,
            bytes: MAX_EXPANDED,
        }
    }

    fn entry(&mut self) -> Result<(), AppError> {
        if self.entries == 0 {
            return Err(problem("too-many-entries", MAX_ENTRIES.to_string()));
        }
        self.entries -= 1;
        Ok(())
    }

    fn weigh(&mut self, declared: u64) -> Result<(), AppError> {
        if declared > self.bytes {
            return Err(problem("expands-too-much", MAX_EXPANDED.to_string()));
        }
        self.bytes -= declared;
        Ok(())
    }
}

/// Unpack a tar into `into` (files named by their order), reporting each file's path.
fn unpack_tar(archive: &Path, into: &Path) -> Result<Vec<Unpacked>, AppError> {
    use std::io::Read;
    let file = std::fs::File::open(archive).map_err(io)?;
    let mut tar = tar::Archive::new(file);
    let mut budget = Budget::new();
    let mut out = Vec::new();
    let bad = |e: std::io::Error| problem("not-archive", e.to_string());
    for entry in tar.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        budget.entry()?;
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            if !pf::is_top_folder(&raw) {
                clean_path(&raw).map_err(|p| name_problem(p, &raw))?;
            }
            continue;
        }
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(problem("link", raw));
        }
        if !(kind.is_file() || kind == tar::EntryType::Continuous) {
            return Err(problem("special-entry", raw));
        }
        let path = clean_path(&raw).map_err(|p| name_problem(p, &raw))?;
        // The size the entry's data has (a PAX header's, when it gives one).
        let declared = entry.size();
        budget.weigh(declared)?;
        let dest = into.join(out.len().to_string());
        let mut f = std::fs::File::create(&dest).map_err(io)?;
        let written = std::io::copy(&mut (&mut entry).take(declared), &mut f).map_err(bad)?;
        if written != declared {
            return Err(problem("truncated", raw));
        }
        out.push(Unpacked { path, file: dest });
    }
    Ok(out)
}

/// What a zip's end records declare, checked before its directory is read: a crafted entry
/// count or directory size must not make the reader allocate for it.
fn check_zip_end(archive: &Path) -> Result<(), AppError> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(archive).map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    let tail_len = len.min(64 * 1024 + 22);
    let mut tail = vec![0u8; usize::try_from(tail_len).unwrap_or(0)];
    f.seek(SeekFrom::Start(len - tail_len)).map_err(io)?;
    f.read_exact(&mut tail).map_err(io)?;
    let not_zip = || problem("not-archive", "no zip directory");
    let (entries, directory) = match pf::zip_end(&tail).ok_or_else(not_zip)? {
        pf::ZipEnd::Classic { entries, directory } => (entries, directory),
        pf::ZipEnd::Zip64At(at) => {
            let mut rec = [0u8; 56];
            f.seek(SeekFrom::Start(at)).map_err(|_| not_zip())?;
            f.read_exact(&mut rec).map_err(|_| not_zip())?;
            pf::zip64_end(&rec).ok_or_else(not_zip)?
        }
    };
    if entries > MAX_ENTRIES as u64 {
        return Err(problem("too-many-entries", MAX_ENTRIES.to_string()));
    }
    if directory > pf::MAX_ZIP_DIRECTORY {
        return Err(problem(
            "expands-too-much",
            pf::MAX_ZIP_DIRECTORY.to_string(),
        ));
    }
    Ok(())
}

/// Unix file type bits of a zip entry made on Unix: a symbolic link.
const S_IFLNK: u16 = 0o120_000;
const S_IFMT: u16 = 0o170_000;

/// Unpack a zip into `into` (files named by their order), reporting each file's path. An entry
/// may not inflate past the size it declares (a zip bomb stops there).
async fn unpack_zip(archive: &Path, into: &Path) -> Result<Vec<Unpacked>, AppError> {
    use futures_util::io::AsyncReadExt;
    check_zip_end(archive)?;
    let reader = async_zip::tokio::read::fs::ZipFileReader::new(archive)
        .await
        .map_err(|e| problem("not-archive", e.to_string()))?;
    let mut budget = Budget::new();
    let mut out = Vec::new();
    let count = reader.file().entries().len();
    for index in 0..count {
        let Some(entry) = reader.file().entries().get(index) else {
            break;
        };
        budget.entry()?;
        let raw = String::from_utf8_lossy(entry.filename().as_bytes()).into_owned();
        if entry
            .unix_permissions()
            .is_some_and(|m| m & S_IFMT == S_IFLNK)
        {
            return Err(problem("link", raw));
        }
        if entry.dir().unwrap_or(false) {
            if !pf::is_top_folder(&raw) {
                clean_path(&raw).map_err(|p| name_problem(p, &raw))?;
            }
            continue;
        }
        let path = clean_path(&raw).map_err(|p| name_problem(p, &raw))?;
        let declared = entry.uncompressed_size();
        budget.weigh(declared)?;
        let mut r = reader
            .reader_without_entry(index)
            .await
            .map_err(|e| problem("not-archive", e.to_string()))?;
        let dest = into.join(out.len().to_string());
        let mut f = tokio::fs::File::create(&dest).await.map_err(io)?;
        let mut buf = vec![0u8; 256 * 1024];
        let mut written = 0u64;
        loop {
            let n = r
                .read(&mut buf)
                .await
                .map_err(|e| problem("not-archive", format!("{raw}: {e}")))?;
            if n == 0 {
                break;
            }
            written += n as u64;
            if written > declared {
                return Err(problem("expands-too-much", declared.to_string()));
            }
            f.write_all(&buf[..n]).await.map_err(io)?;
        }
        f.flush().await.map_err(io)?;
        if written != declared {
            return Err(problem("truncated", raw));
        }
        out.push(Unpacked { path, file: dest });
    }
    Ok(out)
}

/// VNT-1, WPL-1: receive an archive (`name` for the audit log and messages), unpack it, and store
/// its files in the folder, each replacing the file at its path.
pub async fn upload<S, E>(
    state: &AppState,
    caller: &Caller,
    area: Area,
    name: &str,
    body: S,
) -> Result<Uploaded, AppError>
where
    S: Stream<Item = Result<Bytes, E>> + Send + Unpin,
    E: std::fmt::Display,
{
    caller.require(Capability::ManageCustomizationFiles)?;
    let scratch = Scratch::new(state, "phonefiles")?;
    let archive = scratch.0.join("upload");
    let size = spool(body, &archive, MAX_ARCHIVE).await?;
    if size == 0 {
        return Err(AppError::field(FIELD, Rule::Required));
    }
    let mut head = vec![0u8; 512];
    let n = {
        use std::io::Read;
        let mut f = std::fs::File::open(&archive).map_err(io)?;
        f.read(&mut head).map_err(io)?
    };
    let files_dir = scratch.0.join("files");
    std::fs::create_dir_all(&files_dir).map_err(io)?;
    let unpacked = match pf::sniff(&head[..n]) {
        Some(ArchiveKind::Tar) => {
            let (a, d) = (archive.clone(), files_dir.clone());
            tokio::task::spawn_blocking(move || unpack_tar(&a, &d))
                .await
                .map_err(io)??
        }
        Some(ArchiveKind::Zip) => unpack_zip(&archive, &files_dir).await?,
        None => return Err(problem("not-archive", name)),
    };
    // The same path twice: the later entry wins, as unpacking it would.
    let mut last: Vec<Unpacked> = Vec::with_capacity(unpacked.len());
    for u in unpacked {
        last.retain(|o| o.path != u.path);
        last.push(u);
    }
    if last.is_empty() {
        return Err(problem("empty-archive", name));
    }
    let mut stored: Vec<NewPhoneFile> = Vec::with_capacity(last.len());
    let forget = |stored: Vec<NewPhoneFile>| async move {
        for f in stored {
            let _ = state.blobs.delete(&f.blob_key).await;
        }
    };
    for u in &last {
        let id = uuid::Uuid::now_v7().to_string();
        let key = format!("phonefiles/{}/{id}", area.as_str());
        let file = match tokio::fs::File::open(&u.file).await {
            Ok(f) => f,
            Err(e) => {
                forget(stored).await;
                return Err(io(e));
            }
        };
        let source = tokio_util::io::ReaderStream::with_capacity(file, 1024 * 1024);
        match state.blobs.put_stream(&key, source).await {
            Ok(s) => stored.push(NewPhoneFile {
                id,
                path: u.path.clone(),
                size: i64::try_from(s.size).unwrap_or(i64::MAX),
                sha256: s.sha256,
                blob_key: key,
            }),
            Err(e) => {
                forget(stored).await;
                return Err(io(e));
            }
        }
    }
    let files = stored.len();
    let replaced = match state
        .store
        .put_phone_files(&caller.meta(), area, name, &stored)
        .await
    {
        Ok(r) => r,
        Err(e) => {
            forget(stored).await;
            return Err(e.into());
        }
    };
    // Replaced files' blobs stay until the blob sweep (a day on): a phone downloading one a
    // moment ago finishes its download.
    tracing::info!(
        area = area.as_str(),
        files,
        replaced = replaced.len(),
        "phone files unpacked"
    );
    Ok(Uploaded {
        files,
        replaced: replaced.len(),
    })
}

/// The files `ids` of a folder (at least one; an unknown id: not found).
pub async fn selected(
    state: &AppState,
    caller: &Caller,
    area: Area,
    ids: &[String],
) -> Result<Vec<PhoneFile>, AppError> {
    caller.require(Capability::ManageCustomizationFiles)?;
    crate::service::check_bulk_field("fileIds", ids.len())?;
    if ids.is_empty() {
        return Err(AppError::field("fileIds", Rule::Required));
    }
    Ok(state.store.phone_files_by_id(area, ids).await?)
}

/// Delete files of a folder, all or nothing; their blobs go after.
pub async fn delete(
    state: &AppState,
    caller: &Caller,
    area: Area,
    ids: &[String],
) -> Result<usize, AppError> {
    selected(state, caller, area, ids).await?;
    let blobs = state
        .store
        .delete_phone_files(&caller.meta(), area, ids)
        .await?;
    for key in &blobs {
        if let Err(e) = state.blobs.delete(key).await {
            tracing::warn!(blob = %key, error = %e, "cannot delete a phone file's blob");
        }
    }
    Ok(blobs.len())
}

/// The chosen files as one zip, each at its path.
pub fn zip(state: &AppState, area: Area, files: Vec<PhoneFile>) -> crate::http::api::ZipDownload {
    let entries = files
        .into_iter()
        .map(|f| crate::service::zip::Entry {
            // Paths were made plain on upload.
            name: f.path,
            blob_key: f.blob_key,
            modified: f.modified_at,
        })
        .collect();
    crate::http::api::ZipDownload {
        file_name: format!("{}-files.zip", area.as_str()),
        body: Body::from_stream(crate::service::zip::stream(state.blobs.clone(), entries)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vnt_1_an_interrupted_uploads_scratch_folder_is_removed_once_stale() {
        let dir = std::env::temp_dir().join(format!("pb-scratch-{}", uuid::Uuid::now_v7()));
        let tmp = dir.join("tmp");
        for d in ["phonefiles-a", "other"] {
            std::fs::create_dir_all(tmp.join(d).join("files")).unwrap_or_default();
        }
        // Fresh: kept (an upload may be writing to it).
        assert_eq!(
            clean_scratch(&dir, std::time::Duration::from_secs(86_400)),
            0
        );
        assert!(tmp.join("phonefiles-a").exists());
        // Stale: gone; what is not an upload's stays.
        assert_eq!(clean_scratch(&dir, std::time::Duration::ZERO), 1);
        assert!(!tmp.join("phonefiles-a").exists() && tmp.join("other").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
