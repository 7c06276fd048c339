//! `PUT /agent/files` and `GET /agent/files`: the files agents send to the hub (backups, log
//! files) and fetch from it (a backup to restore), streamed end to end — the hub holds a part at a
//! time, never the file. Each request is opened by a one-time token the hub put in an `action`
//! (`Authorization: Bearer …`); anything else is 404, whatever the reason, so a guess learns
//! nothing.

use crate::error::AppError;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use patchbay_store::blobs::BlobError;
use patchbay_store::transfers::Direction;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub const PATH: &str = "/agent/files";

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

fn blob_error(e: BlobError) -> AppError {
    match e {
        BlobError::NotFound => AppError::NotFound,
        BlobError::Source(why) => AppError::Malformed(format!("the upload broke off: {why}")),
        BlobError::Store(why) => AppError::Internal(format!("blob store: {why}")),
    }
}

/// What the hub received.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Received {
    pub size: u64,
    pub sha256: String,
}

/// Receive a file: the body is streamed into the blob the token names; the answer says what
/// arrived (size and SHA-256 as the hub computed them).
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let token = bearer(&headers).ok_or(AppError::NotFound)?;
    let taken = state
        .store
        .take_transfer(token, Direction::Upload)
        .await?
        .ok_or(AppError::NotFound)?;
    // An agent runs on a customer's machine: what it may send is capped, so that a token cannot
    // fill the hub's disk.
    let limit = state.config.max_agent_file;
    let over = Arc::new(AtomicBool::new(false));
    let flag = over.clone();
    let mut seen = 0u64;
    let body = body.into_data_stream().map(move |chunk| {
        let chunk = chunk.map_err(|e| e.to_string())?;
        seen += chunk.len() as u64;
        if seen > limit {
            flag.store(true, Ordering::Relaxed);
            return Err(format!("larger than {limit} bytes"));
        }
        Ok(chunk)
    });
    let stored = match state.blobs.put_stream(&taken.blob_key, body).await {
        Err(_) if over.load(Ordering::Relaxed) => return Err(AppError::TooLarge),
        other => other.map_err(blob_error)?,
    };
    state
        .store
        .transfer_uploaded(&taken.handle, stored.size, &stored.sha256)
        .await?;
    tracing::info!(system = %taken.system, size = stored.size, "file received");
    Ok((
        StatusCode::CREATED,
        Json(Received {
            size: stored.size,
            sha256: stored.sha256,
        }),
    )
        .into_response())
}

/// Send a file: the blob the token names, streamed.
pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let token = bearer(&headers).ok_or(AppError::NotFound)?;
    let taken = state
        .store
        .take_transfer(token, Direction::Download)
        .await?
        .ok_or(AppError::NotFound)?;
    let stream = state
        .blobs
        .get_stream(&taken.blob_key)
        .await
        .map_err(blob_error)?;
    Ok((
        [(header::CONTENT_TYPE, "application/octet-stream")],
        Body::from_stream(stream),
    )
        .into_response())
}
