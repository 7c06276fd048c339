//! The phone file server's answers (VNT-1, WPL-1): whole files, one byte range, 304 when the
//! phone's copy is current, 404 for anything outside the folders.

use crate::state::AppState;
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use patchbay_domain::phonefiles::{self as pf, clean_path, Area, RangeAnswer};

fn since(headers: &HeaderMap) -> Option<i64> {
    let v = headers.get(header::IF_MODIFIED_SINCE)?.to_str().ok()?;
    jiff::fmt::rfc2822::parse(v.trim())
        .ok()
        .map(|z| z.timestamp().as_second())
}

fn plain(status: StatusCode) -> Response {
    (status, status.canonical_reason().unwrap_or("")).into_response()
}

/// The phone file server's answer for `/<area>/<path>` (VNT-1, WPL-1): GET and HEAD of a file
/// of the folders, with `Last-Modified`, `ETag`, `Accept-Ranges`; 304 when `If-Modified-Since`
/// (and no `If-None-Match`) says the phone's copy is current, or `If-None-Match` matches; 206 for
/// one byte range, 416 outside the file; 404 for anything else, a path outside the folders
/// included.
pub async fn serve(state: &AppState, method: &Method, path: &str, headers: &HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED);
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let Some((area, rest)) = path.trim_start_matches('/').split_once('/') else {
        return plain(StatusCode::NOT_FOUND);
    };
    let (Some(area), Ok(clean)) = (Area::parse(area), clean_path(rest)) else {
        return plain(StatusCode::NOT_FOUND);
    };
    // Only the canonical form is served (no `a//b`, `./a`, `a/`).
    if clean != rest {
        return plain(StatusCode::NOT_FOUND);
    }
    let file = match state.store.phone_file_at(area, &clean).await {
        Ok(Some(f)) => f,
        Ok(None) => return plain(StatusCode::NOT_FOUND),
        Err(e) => {
            tracing::warn!(error = %e, "phone file server: cannot read a file's row");
            return plain(StatusCode::SERVICE_UNAVAILABLE);
        }
    };
    let size = u64::try_from(file.size).unwrap_or(0);
    let etag = format!("\"{}\"", file.sha256.get(..32).unwrap_or(&file.sha256));
    let modified = file.modified_at.as_second();
    let mut h = HeaderMap::new();
    let mut set = |name: header::HeaderName, v: &str| {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(name, v);
        }
    };
    set(
        header::LAST_MODIFIED,
        &crate::http::tus::http_date(file.modified_at),
    );
    set(header::ETAG, &etag);
    set(header::ACCEPT_RANGES, "bytes");
    set(header::CACHE_CONTROL, "no-cache");
    let none_match = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    let unchanged = match none_match {
        // Weak comparison (RFC 9110 13.1.2): a `W/` tag matches its strong twin.
        Some(tags) => tags.split(',').any(|t| {
            let t = t.trim();
            t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag
        }),
        None => since(headers).is_some_and(|s| pf::not_modified(modified, s)),
    };
    if unchanged {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        r.headers_mut().extend(h);
        return r;
    }
    let range_header = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    // If-Range: a range only while the phone's copy is this file.
    let if_range_ok = match headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(v) if v.trim().starts_with('"') => v.trim() == etag,
        Some(v) => {
            jiff::fmt::rfc2822::parse(v.trim()).is_ok_and(|z| z.timestamp().as_second() == modified)
        }
    };
    let answer = if if_range_ok {
        pf::range(range_header, size)
    } else {
        RangeAnswer::Full
    };
    let (status, start, end) = match answer {
        RangeAnswer::Full => (StatusCode::OK, 0, size),
        RangeAnswer::Part { start, end } => {
            set(
                header::CONTENT_RANGE,
                &format!("bytes {start}-{end}/{size}"),
            );
            (StatusCode::PARTIAL_CONTENT, start, end + 1)
        }
        RangeAnswer::Unsatisfiable => {
            set(header::CONTENT_RANGE, &format!("bytes */{size}"));
            let mut r = plain(StatusCode::RANGE_NOT_SATISFIABLE);
            r.headers_mut().extend(h);
            return r;
        }
    };
    set(header::CONTENT_LENGTH, &(end - start).to_string());
    set(header::CONTENT_TYPE, content_type(&clean));
    let body = if method == Method::HEAD || end == start {
        Body::empty()
    } else {
        let stream = if status == StatusCode::OK {
            state.blobs.get_stream(&file.blob_key).await
        } else {
            state
                .blobs
                .get_range_stream(&file.blob_key, start, end)
                .await
        };
        match stream {
            Ok(s) => Body::from_stream(s),
            Err(e) => {
                tracing::warn!(blob = %file.blob_key, error = %e, "phone file server: cannot read a blob");
                return plain(StatusCode::SERVICE_UNAVAILABLE);
            }
        }
    };
    let mut r = Response::new(body);
    *r.status_mut() = status;
    r.headers_mut().extend(h);
    r
}

/// A content type by extension; phones go by their own names, so the generic type is the rest.
fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "xml" => "application/xml",
        "txt" | "cfg" => "text/plain; charset=utf-8",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "zip" => "application/zip",
        "apk" => "application/vnd.android.package-archive",
        "msi" => "application/x-msi",
        "dmg" => "application/x-apple-diskimage",
        _ => "application/octet-stream",
    }
}
