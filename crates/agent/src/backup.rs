//! Backup and restore on the system itself (BKP-2…5): a `tar.gz` of the chosen items' folders with
//! a manifest naming every file and its SHA-256, and its reverse — verified before anything on the
//! system is touched, then checked file by file after.
//!
//! Archive layout: `<item>/<path inside the item's folder>` for each file, then `MANIFEST.json`
//! last (it carries the checksums of what came before). Folders named in
//! [`crate::data::NEVER_BACKED_UP`] (call recordings) are never read. Symbolic links are not
//! followed and not stored.

use crate::data::{DataPaths, Item, NEVER_BACKED_UP};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

/// The manifest's name inside the archive.
pub const MANIFEST: &str = "MANIFEST.json";

/// What to back up.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupRequest {
    pub items: Vec<Item>,
    /// BKP-4: with [`Item::Mailboxes`], only these mailboxes (folder names); empty = all.
    #[serde(default)]
    pub mailboxes: Vec<String>,
}

/// One file in a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub version: u32,
    pub system: String,
    pub items: Vec<Item>,
    pub mailboxes: Vec<String>,
    pub files: Vec<FileEntry>,
}

/// A finished archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archive {
    pub path: PathBuf,
    pub size: u64,
    /// SHA-256 of the whole archive file, hex.
    pub sha256: String,
    pub manifest: Manifest,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("the backup's checksum is {got}, not {want}: the file is damaged")]
    Checksum { want: String, got: String },
    #[error("the backup has no manifest")]
    NoManifest,
    #[error("the backup's manifest is unreadable: {0}")]
    BadManifest(String),
    #[error("the backup holds an unsafe path {0:?}")]
    UnsafePath(String),
    #[error("{path}: restored content differs from the backup")]
    FileMismatch { path: String },
    #[error("the backup does not hold {0}")]
    ItemMissing(&'static str),
}

/// A writer that hashes what passes through.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    size: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The files below `root` (relative, `/`-separated, sorted), leaving out never-backed-up folders
/// and anything that is not a plain file or folder.
fn files_below(root: &Path) -> io::Result<Vec<String>> {
    Ok(crate::data::files_below(root, NEVER_BACKED_UP)?
        .into_iter()
        .map(|(p, _)| p)
        .collect())
}

/// A file's size and SHA-256 (hex).
pub(crate) fn sha256_file(path: &Path) -> io::Result<(u64, String)> {
    let mut f = File::open(path)?;
    let mut hash = Sha256::new();
    let size = io::copy(&mut f, &mut hash)?;
    Ok((size, hex::encode(hash.finalize())))
}

/// BKP-2, BKP-4: write the backup of `request` for the system in `dir` to `out` (a `.tar.gz`),
/// written as `out.part` first and renamed when complete; nothing is left behind on failure.
pub fn create(
    dir: &Path,
    system: &str,
    data: &DataPaths,
    request: &BackupRequest,
    out: &Path,
) -> Result<Archive, BackupError> {
    let part = out.with_extension("part");
    let made = write_archive(dir, system, data, request, out, &part);
    if made.is_err() {
        let _ = fs::remove_file(&part);
    }
    made
}

fn write_archive(
    dir: &Path,
    system: &str,
    data: &DataPaths,
    request: &BackupRequest,
    out: &Path,
    part: &Path,
) -> Result<Archive, BackupError> {
    if let Some(parent) = out.parent() {
        fs::create_dir_all(parent)?;
    }
    let file = File::create(part)?;
    let hashing = Hashing {
        inner: io::BufWriter::new(file),
        hash: Sha256::new(),
        size: 0,
    };
    let mut tar = tar::Builder::new(GzEncoder::new(hashing, Compression::default()));
    let mut items = request.items.clone();
    items.sort();
    items.dedup();
    let mut files = Vec::new();
    for item in &items {
        let root = data.item(dir, *item);
        for rel in files_below(&root)? {
            if *item == Item::Mailboxes && !request.mailboxes.is_empty() {
                let mailbox = rel.split('/').next().unwrap_or_default();
                if !rel.contains('/') || !request.mailboxes.iter().any(|m| m == mailbox) {
                    continue;
                }
            }
            let src = root.join(&rel);
            let (size, sha256) = sha256_file(&src)?;
            let name = format!("{}/{rel}", item.as_str());
            let mut header = tar::Header::new_gnu();
            header.set_size(size);
            header.set_mode(0o644);
            header.set_mtime(0);
            header.set_cksum();
            // The size is the one hashed: a file growing meanwhile is cut at that size.
            tar.append_data(&mut header, &name, File::open(&src)?.take(size))?;
            files.push(FileEntry {
                path: name,
                size,
                sha256,
            });
        }
    }
    let manifest = Manifest {
        version: 1,
        system: system.to_string(),
        items,
        mailboxes: request.mailboxes.clone(),
        files,
    };
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| BackupError::BadManifest(e.to_string()))?;
    let mut header = tar::Header::new_gnu();
    header.set_size(json.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, MANIFEST, json.as_slice())?;
    let mut hashing = tar.into_inner()?.finish()?;
    hashing.flush()?;
    let Hashing { inner, hash, size } = hashing;
    inner.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    fs::rename(part, out)?;
    Ok(Archive {
        path: out.to_path_buf(),
        size,
        sha256: hex::encode(hash.finalize()),
        manifest,
    })
}

/// The archive's manifest, after checking the whole file against `want_sha256`.
pub fn verify(archive: &Path, want_sha256: &str) -> Result<Manifest, BackupError> {
    let (_, got) = sha256_file(archive)?;
    if !got.eq_ignore_ascii_case(want_sha256) {
        return Err(BackupError::Checksum {
            want: want_sha256.to_string(),
            got,
        });
    }
    let mut tar = tar::Archive::new(GzDecoder::new(File::open(archive)?));
    for entry in tar.entries()? {
        let mut entry = entry?;
        if entry.path()?.as_os_str() == MANIFEST {
            let mut json = Vec::new();
            entry.read_to_end(&mut json)?;
            return serde_json::from_slice(&json)
                .map_err(|e| BackupError::BadManifest(e.to_string()));
        }
    }
    Err(BackupError::NoManifest)
}

/// `item/rel` split and checked: no absolute part, no `..`.
fn split_entry(path: &str) -> Result<(Item, PathBuf), BackupError> {
    let unsafe_path = || BackupError::UnsafePath(path.to_string());
    let (item, rel) = path.split_once('/').ok_or_else(unsafe_path)?;
    let item = Item::parse(item).ok_or_else(unsafe_path)?;
    // Exactly the form the backup writes: no empty, `.` or `..` segment.
    if rel
        .split('/')
        .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        return Err(unsafe_path());
    }
    let rel = PathBuf::from(rel);
    if rel.as_os_str().is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(unsafe_path());
    }
    Ok((item, rel))
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Restored {
    pub files: usize,
    pub removed: usize,
}

/// BKP-5: restore `items` from the archive (checked against `want_sha256` first): each chosen
/// item's folder ends up holding exactly the backup's files, checked by checksum — for mailboxes,
/// the mailboxes the backup holds (others are left alone). Nothing is changed when the archive
/// is damaged or lacks a chosen item.
pub fn restore(
    dir: &Path,
    data: &DataPaths,
    archive: &Path,
    want_sha256: &str,
    items: &[Item],
) -> Result<Restored, BackupError> {
    let manifest = verify(archive, want_sha256)?;
    for item in items {
        if !manifest.items.contains(item) {
            return Err(BackupError::ItemMissing(item.as_str()));
        }
    }
    let wanted: BTreeMap<&str, &FileEntry> = manifest
        .files
        .iter()
        .filter(|f| split_entry(&f.path).is_ok_and(|(i, _)| items.contains(&i)))
        .map(|f| (f.path.as_str(), f))
        .collect();
    // Unpack into a staging folder beside the system's data, and check every file there.
    let staging = dir.join(format!(
        ".restore-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging)?;
    let outcome = stage_and_apply(dir, data, archive, items, &wanted, &manifest, &staging);
    let _ = fs::remove_dir_all(&staging);
    outcome
}

fn stage_and_apply(
    dir: &Path,
    data: &DataPaths,
    archive: &Path,
    items: &[Item],
    wanted: &BTreeMap<&str, &FileEntry>,
    manifest: &Manifest,
    staging: &Path,
) -> Result<Restored, BackupError> {
    let mut tar = tar::Archive::new(GzDecoder::new(File::open(archive)?));
    for entry in tar.entries()? {
        let mut entry = entry?;
        let name = entry.path()?.to_string_lossy().replace('\\', "/");
        if name == MANIFEST {
            continue;
        }
        let (item, rel) = split_entry(&name)?;
        let Some(want) = wanted.get(name.as_str()) else {
            continue;
        };
        let dest = staging.join(item.as_str()).join(&rel);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut out = File::create(&dest)?;
        io::copy(&mut entry, &mut out)?;
        out.sync_all()?;
        if sha256_file(&dest)?.1 != want.sha256 {
            return Err(BackupError::FileMismatch { path: name });
        }
    }
    if let Some(missing) = wanted.keys().find(|p| !staging.join(p).is_file()) {
        return Err(BackupError::FileMismatch {
            path: missing.to_string(),
        });
    }
    // Every file checked: put them in place, then remove what the backup does not hold.
    let mut done = Restored::default();
    for item in items {
        let root = data.item(dir, *item);
        let from = staging.join(item.as_str());
        let scope: Vec<String> = if *item == Item::Mailboxes {
            // Only the mailboxes the backup holds are replaced.
            let mut boxes: Vec<String> = wanted
                .keys()
                .filter_map(|p| p.strip_prefix("mailboxes/"))
                .filter_map(|r| r.split('/').next().map(str::to_string))
                .collect();
            boxes.extend(manifest.mailboxes.iter().filter(|m| !m.is_empty()).cloned());
            boxes.sort();
            boxes.dedup();
            boxes
        } else {
            vec![String::new()]
        };
        for rel in files_below(&from)? {
            let dest = root.join(&rel);
            if let Some(parent) = dest.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::copy(from.join(&rel), &dest)?;
            done.files += 1;
        }
        let keep: Vec<String> = files_below(&from)?;
        for rel in files_below(&root)? {
            let in_scope = scope
                .iter()
                .any(|s| s.is_empty() || rel.split('/').next() == Some(s.as_str()));
            if in_scope && !keep.contains(&rel) {
                fs::remove_file(root.join(&rel))?;
                done.removed += 1;
            }
        }
        for rel in files_below(&from)? {
            let want = wanted.get(format!("{}/{rel}", item.as_str()).as_str());
            let got = sha256_file(&root.join(&rel))?.1;
            if want.is_none_or(|w| w.sha256 != got) {
                return Err(BackupError::FileMismatch { path: rel });
            }
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests;
