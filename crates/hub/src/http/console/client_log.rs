//! PRF-8 client logging: when the preference is on, the console's own script errors are reported
//! here and written to the hub's log at their level (the server log level, PRF-7, decides which
//! show). Off, the hub refuses them rather than pretending to keep them.

use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use patchbay_domain::Capability;
use serde::Deserialize;

/// Longest text kept of each field.
const MESSAGE_MAX: usize = 1000;
const OTHER_MAX: usize = 300;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Level {
    Error,
    Warn,
    Info,
    Debug,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    level: Level,
    message: String,
    source: Option<String>,
    line: Option<u32>,
    page: Option<String>,
}

/// One line of text, control characters escaped (a report cannot forge log lines), cut short.
fn clean(s: &str, max: usize) -> String {
    s.chars()
        .take(max)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

async fn report(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    if !state.preferences().client_logging {
        return Err(AppError::Conflict(
            "conflict-client-logging-off",
            "Client logging is off (Preferences).".into(),
        ));
    }
    if body.len() > 4096 {
        return Err(AppError::TooLarge);
    }
    let r: Report =
        serde_json::from_slice(&body).map_err(|e| AppError::Malformed(e.to_string()))?;
    let login = caller.account.fields.login_name.as_str();
    let message = clean(&r.message, MESSAGE_MAX);
    let source = clean(r.source.as_deref().unwrap_or_default(), OTHER_MAX);
    let page = clean(r.page.as_deref().unwrap_or_default(), OTHER_MAX);
    let line = r.line.unwrap_or_default();
    match r.level {
        Level::Error => {
            tracing::error!(target: "patchbay::console", login, %page, %source, line, "{message}")
        }
        Level::Warn => {
            tracing::warn!(target: "patchbay::console", login, %page, %source, line, "{message}")
        }
        Level::Info => {
            tracing::info!(target: "patchbay::console", login, %page, %source, line, "{message}")
        }
        Level::Debug => {
            tracing::debug!(target: "patchbay::console", login, %page, %source, line, "{message}")
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::page(
        Method::POST,
        "/com/client-log",
        Capability::OwnProfile,
        "Client log",
        post(report),
    )]
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn prf_8_a_report_cannot_forge_log_lines() {
        assert_eq!(clean("a\nINFO forged", 100), "a\\nINFO forged");
        assert_eq!(clean("abcdef", 3), "abc");
    }
}
