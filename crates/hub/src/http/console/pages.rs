//! Dashboard, About, Preferences, the honest empty states of capabilities that arrive later, and
//! the static assets.

use super::forms::{FieldMessages, FormMap};
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::state::{AppState, VERSION};
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, Method};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use patchbay_domain::preferences::{LogLevel, Preferences, SecurityLevel};
use patchbay_domain::Capability;

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    ctx: Ctx,
    version: &'static str,
    build: String,
    database: &'static str,
    started: String,
}

async fn about(State(state): State<AppState>, caller: Caller) -> Response {
    let ctx = Ctx::new(&state, &caller, "/com/about");
    render(&AboutPage {
        version: VERSION,
        build: format!(
            "{} ({})",
            env!("PATCHBAY_REVISION"),
            env!("PATCHBAY_BUILD_DATE")
        ),
        database: match state.store.dialect() {
            patchbay_store::Dialect::Sqlite => "SQLite",
            patchbay_store::Dialect::Postgres => "PostgreSQL",
        },
        started: ctx.datetime(state.started_at),
        ctx,
    })
}

#[derive(Template)]
#[template(path = "help.html")]
struct HelpPage {
    ctx: Ctx,
}

async fn help(State(state): State<AppState>, caller: Caller) -> Response {
    render(&HelpPage {
        ctx: Ctx::new(&state, &caller, "/com/help"),
    })
}

#[derive(Template)]
#[template(path = "preferences.html")]
struct PreferencesPage {
    ctx: Ctx,
    p: Preferences,
    errors: FieldMessages,
    saved: bool,
}

impl PreferencesPage {
    fn is_level(&self, l: &str) -> bool {
        self.p.log_level.directive() == l
    }
    fn is_security(&self, l: &str) -> bool {
        self.security() == l
    }
    fn security_levels(&self) -> Vec<&'static str> {
        vec!["unrestricted", "medium", "high"]
    }
    fn log_levels(&self) -> Vec<&'static str> {
        vec!["error", "info", "debug"]
    }
    fn sec_label(&self, l: &str) -> String {
        self.ctx.t(&format!("security-{l}"))
    }
    fn security(&self) -> &'static str {
        match self.p.security_level {
            SecurityLevel::Unrestricted => "unrestricted",
            SecurityLevel::Medium => "medium",
            SecurityLevel::High => "high",
        }
    }
}

fn int(form: &FormMap, key: &'static str, errors: &mut Vec<patchbay_domain::FieldError>) -> i64 {
    form.get(key)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| {
            errors.push(patchbay_domain::FieldError::new(
                key,
                patchbay_domain::Rule::Invalid,
            ));
            0
        })
}

async fn save_preferences(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let mut errs = Vec::new();
    let mut p = Preferences {
        session_timeout_minutes: int(&form, "sessionTimeoutMinutes", &mut errs),
        password_history_count: int(&form, "passwordHistoryCount", &mut errs),
        log_retention_days: int(&form, "logRetentionDays", &mut errs),
        session_retention_days: int(&form, "sessionRetentionDays", &mut errs),
        system_name: form.text("systemName"),
        client_logging: form.checked("clientLogging"),
        allow_downgrades: form.checked("allowDowngrades"),
        allow_customer_id_change: form.checked("allowCustomerIdChange"),
        ..Preferences::default()
    };
    p.security_banner.enabled = form.checked("bannerEnabled");
    p.security_banner.title = form.text("bannerTitle");
    p.security_banner.description = form.text("bannerDescription");
    p.log_level = match form.get("logLevel") {
        Some("error") => LogLevel::Error,
        Some("debug") => LogLevel::Debug,
        _ => LogLevel::Info,
    };
    p.security_level = match form.get("securityLevel") {
        Some("unrestricted") => SecurityLevel::Unrestricted,
        Some("high") => SecurityLevel::High,
        _ => SecurityLevel::Medium,
    };
    let result = if errs.is_empty() {
        crate::http::api::preferences::save(&state, &caller, p.clone()).await
    } else {
        Err(AppError::Validation(errs))
    };
    match result {
        Ok(_) => Ok(Redirect::to("/com/preferences?saved=1").into_response()),
        Err(e @ AppError::Validation(_)) => {
            let ctx = Ctx::new(&state, &caller, "/com/preferences");
            let errors = FieldMessages::from_error(&e, &state.i18n, ctx.lang);
            let mut r = render(&PreferencesPage {
                ctx,
                p,
                errors,
                saved: false,
            });
            *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

async fn preferences_saved(
    State(state): State<AppState>,
    caller: Caller,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Result<Response, AppError> {
    Ok(render(&PreferencesPage {
        ctx: Ctx::new(&state, &caller, "/com/preferences"),
        p: state.store.preferences().await?,
        errors: FieldMessages::default(),
        saved: q.is_some_and(|q| q.contains("saved")),
    }))
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::page(
            Method::GET,
            "/com/about",
            Capability::OwnProfile,
            "About",
            get(about),
        ),
        Endpoint::page(
            Method::GET,
            "/com/help",
            Capability::OwnProfile,
            "Help",
            get(help),
        ),
        Endpoint::page(
            Method::GET,
            "/com/preferences",
            Capability::ServerSettings,
            "Preferences",
            get(preferences_saved),
        ),
        Endpoint::page(
            Method::POST,
            "/com/preferences",
            Capability::ServerSettings,
            "Save preferences",
            axum::routing::post(save_preferences),
        ),
    ]
}

pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../../static/app.css"),
    )
        .into_response()
}

pub async fn ops_css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../../static/ops.css"),
    )
        .into_response()
}

pub async fn upload_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../../static/upload.js"),
    )
        .into_response()
}

pub async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../../static/app.js"),
    )
        .into_response()
}
