//! Uploads spooled to a temporary folder of the data dir, so memory does not grow with their
//! size (phone-file archives, bulk CSV files).

use crate::error::AppError;
use crate::state::AppState;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// A temporary folder of the data dir (`tmp/<what>-<uuid>`), removed when dropped.
pub(crate) struct Scratch(pub PathBuf);

impl Scratch {
    pub(crate) fn new(state: &AppState, what: &str) -> Result<Self, AppError> {
        let dir = state
            .config
            .data_dir
            .join("tmp")
            .join(format!("{what}-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).map_err(io)?;
        Ok(Self(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(crate) fn io(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

/// Write the body to `to`, refusing more than `max` bytes (413). Returns the size.
pub(crate) async fn spool<S, E>(mut body: S, to: &Path, max: u64) -> Result<u64, AppError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut f = tokio::fs::File::create(to).await.map_err(io)?;
    let mut size = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| AppError::Malformed(e.to_string()))?;
        size += chunk.len() as u64;
        if size > max {
            return Err(AppError::FileTooLarge { max_bytes: max });
        }
        f.write_all(&chunk).await.map_err(io)?;
    }
    f.flush().await.map_err(io)?;
    Ok(size)
}
