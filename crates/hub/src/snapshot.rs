//! Backing up the hub itself (CLI-1): `patchbay backup --to FILE` writes a consistent snapshot of
//! an SQLite hub while it runs, `patchbay restore --from FILE` puts it into an empty data dir.
//!
//! The archive is a gzipped tar: a manifest first, then the database and the registrar's database
//! (each copied with `VACUUM INTO`, one consistent snapshot apiece), the secret-encryption key,
//! the identity certificate and its key, and the blobs of the data dir. Blob files are
//! hard-linked aside *before* the database snapshot and again after it, so a file the snapshot
//! names is in the archive even if the hub deletes it while the backup runs; a file the hub adds
//! after the snapshot is an orphan the hourly sweep removes after a restore.
//!
//! The archive holds the secret key: it is written readable by its owner only.

use crate::config::Config;
use crate::datadir::{BLOB_DIR, SECRET_KEY_FILE};
use crate::tls::{CERT_FILE, KEY_FILE};
use serde::{Deserialize, Serialize};
use std::path::{Component, Path, PathBuf};

/// The first entry of every archive.
pub const MANIFEST: &str = "patchbay-backup.json";
const DATABASE: &str = "patchbay.db";
const REGISTRAR: &str = "sip.db";
const FORMAT: u32 = 1;
/// Files taken from the data dir as they are (small, written once).
const KEPT_FILES: [&str; 3] = [SECRET_KEY_FILE, CERT_FILE, KEY_FILE];
/// Files readable by their owner only once restored.
const PRIVATE: [&str; 2] = [SECRET_KEY_FILE, KEY_FILE];

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("this hub keeps its data in PostgreSQL: back it up with pg_dump (see the README), and copy the secret key and the blobs")]
    NotSqlite,
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database snapshot: {0}")]
    Store(#[from] patchbay_store::StoreError),
    #[error("{0} is not empty: restore into a new data dir")]
    NotEmpty(PathBuf),
    #[error("not a Patchbay backup: {0}")]
    NotABackup(String),
    #[error("the backup holds an entry outside the data dir: {0}")]
    UnsafePath(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SnapshotError + '_ {
    move |source| SnapshotError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What the manifest says of a backup.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub format: u32,
    /// The hub version that wrote it.
    pub version: String,
    pub created: String,
    /// Blob files in the archive.
    pub blobs: u64,
    /// Whether the blobs live elsewhere (an S3-compatible bucket), to be backed up there.
    pub external_blobs: bool,
}

/// Link (or, across file systems, copy) every file under `from` into `to`, keeping what is
/// already there. Returns how many files were added.
fn link_tree(from: &Path, to: &Path) -> Result<u64, SnapshotError> {
    let mut added = 0;
    let Ok(entries) = std::fs::read_dir(from) else {
        return Ok(0);
    };
    std::fs::create_dir_all(to).map_err(io(to))?;
    for entry in entries {
        let entry = entry.map_err(io(from))?;
        let path = entry.path();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().map_err(io(&path))?;
        if kind.is_dir() {
            added += link_tree(&path, &target)?;
        } else if kind.is_file() && !target.exists() {
            // A file removed since the listing is simply not taken.
            match std::fs::hard_link(&path, &target) {
                Ok(()) => added += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(_) => match std::fs::copy(&path, &target) {
                    Ok(_) => added += 1,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io(&path)(e)),
                },
            }
        }
    }
    Ok(added)
}

fn count_files(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.file_type() {
                    Ok(t) if t.is_dir() => count_files(&e.path()),
                    Ok(t) if t.is_file() => 1,
                    _ => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn sqlite_file(config: &Config) -> Result<PathBuf, SnapshotError> {
    let path = config
        .database_url
        .strip_prefix("sqlite://")
        .or_else(|| config.database_url.strip_prefix("sqlite:"))
        .ok_or(SnapshotError::NotSqlite)?;
    Ok(PathBuf::from(path.split('?').next().unwrap_or(path)))
}

/// Back up the hub of `config` (running or not) into the archive `to`.
pub async fn backup(config: &Config, to: &Path) -> Result<Manifest, SnapshotError> {
    let database = sqlite_file(config)?;
    let dir = &config.data_dir;
    let staging = dir.join(format!(".backup-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;
    let result = async {
        let external_blobs = config.blob_url.is_some();
        let blobs = staging.join(BLOB_DIR);
        if !external_blobs {
            link_tree(&dir.join(BLOB_DIR), &blobs)?;
        }
        patchbay_store::snapshot::snapshot_sqlite(&database, &staging.join(DATABASE)).await?;
        let registrar = dir.join(REGISTRAR);
        if registrar.exists() {
            patchbay_store::snapshot::snapshot_sqlite(&registrar, &staging.join(REGISTRAR)).await?;
        }
        if !external_blobs {
            link_tree(&dir.join(BLOB_DIR), &blobs)?;
        }
        let manifest = Manifest {
            format: FORMAT,
            version: crate::state::VERSION.to_string(),
            created: jiff::Timestamp::now().to_string(),
            blobs: count_files(&blobs),
            external_blobs,
        };
        let (staging2, dir2, to2, m) = (
            staging.clone(),
            dir.clone(),
            to.to_path_buf(),
            manifest.clone(),
        );
        tokio::task::spawn_blocking(move || write_archive(&staging2, &dir2, &to2, &m))
            .await
            .map_err(|e| SnapshotError::Io {
                path: to.to_path_buf(),
                source: std::io::Error::other(e.to_string()),
            })??;
        Ok(manifest)
    }
    .await;
    let _ = std::fs::remove_dir_all(&staging);
    result
}

fn write_archive(
    staging: &Path,
    dir: &Path,
    to: &Path,
    manifest: &Manifest,
) -> Result<(), SnapshotError> {
    use std::os::unix::fs::OpenOptionsExt;
    let partial = to.with_extension("partial");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&partial)
        .map_err(io(&partial))?;
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Complete);
    let json = serde_json::to_vec_pretty(manifest).unwrap_or_default();
    let mut header = tar::Header::new_gnu();
    header.set_size(json.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, MANIFEST, json.as_slice())
        .map_err(io(to))?;
    for name in [DATABASE, REGISTRAR] {
        let path = staging.join(name);
        if path.exists() {
            tar.append_path_with_name(&path, name).map_err(io(&path))?;
        }
    }
    for name in KEPT_FILES {
        let path = dir.join(name);
        if path.exists() {
            tar.append_path_with_name(&path, name).map_err(io(&path))?;
        }
    }
    let blobs = staging.join(BLOB_DIR);
    if blobs.exists() {
        tar.append_dir_all(BLOB_DIR, &blobs).map_err(io(&blobs))?;
    }
    let gz = tar.into_inner().map_err(io(to))?;
    let file = gz.finish().map_err(io(to))?;
    file.sync_all().map_err(io(to))?;
    std::fs::rename(&partial, to).map_err(io(to))?;
    Ok(())
}

/// Whether `name` (an archive entry) is one a backup holds, inside the data dir.
fn allowed(name: &Path) -> bool {
    let parts: Vec<Component<'_>> = name.components().collect();
    if parts.iter().any(|c| !matches!(c, Component::Normal(_))) {
        return false;
    }
    let first = parts
        .first()
        .and_then(|c| c.as_os_str().to_str())
        .unwrap_or_default();
    first == BLOB_DIR
        || (parts.len() == 1
            && ([DATABASE, REGISTRAR].contains(&first) || KEPT_FILES.contains(&first)))
}

/// Restore the archive `from` into `data_dir`, which must be missing or empty.
pub fn restore(from: &Path, data_dir: &Path) -> Result<Manifest, SnapshotError> {
    use std::io::Read;
    if let Ok(mut entries) = std::fs::read_dir(data_dir) {
        if entries.next().is_some() {
            return Err(SnapshotError::NotEmpty(data_dir.to_path_buf()));
        }
    }
    let file = std::fs::File::open(from).map_err(io(from))?;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut entries = tar.entries().map_err(io(from))?;
    let mut first = entries
        .next()
        .ok_or_else(|| SnapshotError::NotABackup("empty archive".into()))?
        .map_err(|e| SnapshotError::NotABackup(e.to_string()))?;
    if first.path().ok().as_deref() != Some(Path::new(MANIFEST)) {
        return Err(SnapshotError::NotABackup(format!("no {MANIFEST} first")));
    }
    let mut json = Vec::new();
    first
        .by_ref()
        .take(64 * 1024)
        .read_to_end(&mut json)
        .map_err(io(from))?;
    let manifest: Manifest = serde_json::from_slice(&json)
        .map_err(|e| SnapshotError::NotABackup(format!("{MANIFEST}: {e}")))?;
    if manifest.format != FORMAT {
        return Err(SnapshotError::NotABackup(format!(
            "format {} (this hub reads {FORMAT})",
            manifest.format
        )));
    }
    crate::datadir::ensure(data_dir).map_err(io(data_dir))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| SnapshotError::NotABackup(e.to_string()))?;
        let name = entry
            .path()
            .map_err(|e| SnapshotError::NotABackup(e.to_string()))?
            .into_owned();
        if !allowed(&name) {
            return Err(SnapshotError::UnsafePath(name.display().to_string()));
        }
        entry
            .unpack_in(data_dir)
            .map_err(io(&data_dir.join(&name)))?;
    }
    for name in PRIVATE {
        let path = data_dir.join(name);
        if path.exists() {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(io(&path))?;
        }
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_1_a_backup_holds_only_names_inside_the_data_dir() {
        assert!(allowed(Path::new("patchbay.db")));
        assert!(allowed(Path::new("secret.key")));
        assert!(allowed(Path::new("blobs/backups/a/b.tgz")));
        assert!(!allowed(Path::new("../etc/passwd")));
        assert!(!allowed(Path::new("/etc/passwd")));
        assert!(!allowed(Path::new("blobs/../../x")));
        assert!(!allowed(Path::new("node.id")));
        assert!(!allowed(Path::new("patchbay.db/x")));
    }
}
