//! The data dir: created on first start with the SQLite database, blob directory, identity
//! certificate and secret-encryption key.

use base64::Engine as _;
use patchbay_store::crypto::SecretBox;
use std::io::Write;
use std::path::Path;

pub const SECRET_KEY_FILE: &str = "secret.key";
pub const BLOB_DIR: &str = "blobs";

/// Write a file readable by its owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)
}

/// Create the data dir and its blob directory.
pub fn ensure(data_dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(data_dir.join(BLOB_DIR))
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    #[error("secret key ({0}) must be 32 bytes, base64-encoded")]
    Format(String),
}

/// The secret-encryption key: `PATCHBAY_SECRET_KEY` (base64) when set — every node of a
/// scale-out deployment must share it — otherwise `secret.key` in the data dir, created once.
pub fn secret_box(data_dir: &Path) -> Result<SecretBox, KeyError> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let (origin, text) = match std::env::var("PATCHBAY_SECRET_KEY") {
        Ok(v) if !v.trim().is_empty() => ("PATCHBAY_SECRET_KEY".to_string(), v),
        _ => {
            let path = data_dir.join(SECRET_KEY_FILE);
            let name = path.display().to_string();
            if !path.exists() {
                write_private(&path, b64.encode(SecretBox::generate_key()).as_bytes())
                    .map_err(|e| KeyError::Io(name.clone(), e))?;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| KeyError::Io(name.clone(), e))?;
            (name, text)
        }
    };
    let key = b64
        .decode(text.trim())
        .map_err(|_| KeyError::Format(origin.clone()))?;
    SecretBox::new(&key).map_err(|_| KeyError::Format(origin))
}

pub const NODE_ID_FILE: &str = "node.id";
pub const NODE_LOCK_FILE: &str = "node.lock";

/// Who this hub node is among the nodes sharing a database.
pub struct NodeIdentity {
    pub id: String,
    /// The id is this data dir's, and no other live process holds it: systems still marked as
    /// held by it were held by a previous run that ended without releasing them (a crash), and
    /// can be released at once instead of waiting for its heartbeat to go stale.
    pub reclaimed: bool,
    /// Held (locked) for the life of the process.
    _lock: Option<std::fs::File>,
}

impl NodeIdentity {
    /// A node id of its own, for a process that cannot use the data dir's.
    pub fn ephemeral() -> Self {
        Self {
            id: format!("node-{}", uuid::Uuid::now_v7()),
            reclaimed: false,
            _lock: None,
        }
    }
}

/// The data dir's node id (created once), if this process can lock it; another process serving
/// from the same data dir gets an id of its own.
pub fn node_identity(data_dir: &Path) -> NodeIdentity {
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data_dir.join(NODE_LOCK_FILE));
    let Ok(lock) = lock else {
        return NodeIdentity::ephemeral();
    };
    if lock.try_lock().is_err() {
        return NodeIdentity::ephemeral();
    }
    let path = data_dir.join(NODE_ID_FILE);
    let id = match std::fs::read_to_string(&path) {
        Ok(s) if s.trim().starts_with("node-") => s.trim().to_string(),
        _ => {
            let id = format!("node-{}", uuid::Uuid::now_v7());
            if std::fs::write(&path, format!("{id}\n")).is_err() {
                return NodeIdentity::ephemeral();
            }
            id
        }
    };
    NodeIdentity {
        id,
        reclaimed: true,
        _lock: Some(lock),
    }
}
