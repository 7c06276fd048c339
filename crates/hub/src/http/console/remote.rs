//! Remote support in the console: Maintenance proxy accounts (RMT-2), the session audit
//! (RMT-8), the downloads of the Applications menu and the PAC file (RMT-7).

use super::forms::{FieldMessages, FormMap};
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::list::{boolean, ListParams, ListSpec, MaxInLinks, Pager, Param};
use crate::service::remote as svc;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, Method};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::Capability;
use patchbay_store::remote::{ProxyAccount, SessionFilter, SessionSort};

pub mod downloads;
pub mod launch;

const ACCOUNTS: &str = "/com/proxy-accounts";
const SESSIONS: &str = "/com/remote-sessions";

pub struct AccountRow {
    pub id: String,
    pub provider: String,
    pub kind: String,
    pub user: String,
    pub password_set: bool,
    pub updated: String,
}

fn account_row(ctx: &Ctx, a: ProxyAccount) -> AccountRow {
    AccountRow {
        kind: ctx.t(&format!("rmt-provider-{}", a.provider_kind)),
        updated: a.updated_at.map(|t| ctx.datetime(t)).unwrap_or_default(),
        id: a.id,
        provider: a.provider_name,
        user: a.user_name,
        password_set: a.password_set,
    }
}

#[derive(Template)]
#[template(path = "proxy_accounts.html")]
struct AccountsPage {
    ctx: Ctx,
    rows: Vec<AccountRow>,
    can_edit: bool,
    saved: bool,
}

async fn accounts(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let saved = FormMap::parse(q.unwrap_or_default().as_bytes()).checked("saved");
    let rows = svc::proxy_accounts(&state, &caller)
        .await?
        .into_iter()
        .map(|a| account_row(&ctx, a))
        .collect();
    Ok(render(&AccountsPage {
        can_edit: caller.can(Capability::ManageProxyAccounts),
        rows,
        saved,
        ctx,
    }))
}

#[derive(Template)]
#[template(path = "proxy_account_form.html")]
struct AccountForm {
    ctx: Ctx,
    row: AccountRow,
    user: String,
    errors: FieldMessages,
}

async fn account_of(state: &AppState, caller: &Caller, id: &str) -> Result<ProxyAccount, AppError> {
    caller.require(Capability::ManageProxyAccounts)?;
    Ok(state
        .store
        .proxy_account(caller.principal.scope(), id)
        .await?)
}

async fn edit(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let a = account_of(&state, &caller, &id).await?;
    Ok(render(&AccountForm {
        user: a.user_name.clone(),
        row: account_row(&ctx, a),
        errors: FieldMessages::default(),
        ctx,
    }))
}

async fn save(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let a = account_of(&state, &caller, &id).await?;
    let form = FormMap::parse(&body);
    let user = form.text("userName");
    let password = form.text("password");
    let result = if password != form.text("confirmPassword") {
        let mut errors = FieldMessages::default();
        errors
            .by_field
            .insert("confirmPassword".into(), ctx.t("rmt-password-mismatch"));
        Err(errors)
    } else {
        svc::set_credentials(&state, &caller, &id, &user, Some(&password))
            .await
            .map_err(|e| match e {
                e @ (AppError::Validation(_) | AppError::Conflict(..)) => {
                    FieldMessages::from_error(&e, &ctx.i18n, ctx.lang)
                }
                other => {
                    let mut m = FieldMessages::default();
                    m.general.push(other.to_string());
                    m
                }
            })
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("{ACCOUNTS}?saved=1")).into_response()),
        Err(errors) => {
            let mut resp = render(&AccountForm {
                row: account_row(&ctx, a),
                user,
                errors,
                ctx,
            });
            *resp.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            Ok(resp)
        }
    }
}

fn outcome(v: &str) -> String {
    let v = v.trim();
    if crate::http::api::remote::OUTCOMES.contains(&v) {
        v.to_string()
    } else {
        String::new()
    }
}

/// The session list's parameters (RMT-8); invalid values are dropped.
pub static SESSIONS_SPEC: ListSpec = ListSpec {
    path: SESSIONS,
    params: &[
        Param::checked("live", boolean),
        Param::checked("outcome", outcome),
        Param::search("search"),
    ],
    sorts: &["started", "proxyUser", "customer", "target", "outcome"],
    default_order: "desc",
    sizes: &super::jobs::PAGE_SIZES,
    default_max: 25,
    max_in_links: MaxInLinks::WhenChanged,
};

pub struct SessionRow {
    pub id: String,
    pub started: String,
    pub started_iso: String,
    pub ended: String,
    pub live: bool,
    pub user: String,
    pub provider: String,
    pub source: String,
    pub target: String,
    pub customer: String,
    pub system: String,
    pub up: String,
    pub down: String,
    pub outcome: String,
    pub outcome_label: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "remote_sessions.html")]
struct SessionsPage {
    ctx: Ctx,
    lp: ListParams,
    pager: Pager,
    rows: Vec<SessionRow>,
    total: i64,
    outcomes: Vec<(&'static str, String)>,
    retention: i64,
    ended: bool,
}

impl SessionsPage {
    fn columns(&self) -> Vec<(&'static str, String)> {
        [
            ("started", "rmt-col-started"),
            ("proxyUser", "rmt-col-user"),
            ("customer", "rmt-col-customer"),
            ("target", "rmt-col-target"),
            ("outcome", "rmt-col-outcome"),
        ]
        .into_iter()
        .map(|(c, id)| (c, self.ctx.t(id)))
        .collect()
    }
}

async fn sessions(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let q = q.unwrap_or_default();
    let lp = ListParams::parse(&SESSIONS_SPEC, Some(&q));
    let filter = SessionFilter {
        live: match lp.get("live") {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        outcome: lp.value("outcome"),
        search: lp.value("search"),
    };
    let found = svc::sessions(
        &state,
        &caller,
        &filter,
        lp.sort_as::<SessionSort>(),
        lp.page(),
    )
    .await?;
    let total = found.total;
    let rows: Vec<SessionRow> = found
        .items
        .into_iter()
        .map(|s| SessionRow {
            started: ctx.datetime(s.started_at),
            started_iso: s.started_at.to_string(),
            ended: s.ended_at.map(|t| ctx.datetime(t)).unwrap_or_default(),
            live: s.ended_at.is_none(),
            up: ctx.bytes(s.bytes_up),
            down: ctx.bytes(s.bytes_down),
            outcome_label: ctx.t(&format!("rmt-outcome-{}", s.outcome)),
            id: s.id,
            user: s.proxy_user,
            provider: s.provider_name,
            source: s.source_address,
            target: s.target,
            customer: s.customer_name,
            system: s.system_name,
            outcome: s.outcome,
            reason: s.reason,
        })
        .collect();
    let outcomes = crate::http::api::remote::OUTCOMES
        .iter()
        .map(|o| (*o, ctx.t(&format!("rmt-outcome-{o}"))))
        .collect();
    let ended = FormMap::parse(q.as_bytes()).checked("ended");
    Ok(render(&SessionsPage {
        pager: lp.pager(rows.len(), total),
        retention: state.preferences().session_retention_days,
        outcomes,
        rows,
        total,
        ended,
        lp,
        ctx,
    }))
}

async fn end_session(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    svc::end_session(&state, &caller, &id).await?;
    // Back to the list the button was on (a path of this list only).
    let back = FormMap::parse(&body).text("back");
    let back = if back.starts_with(SESSIONS)
        && back[SESSIONS.len()..]
            .chars()
            .next()
            .is_none_or(|c| c == '?')
    {
        back
    } else {
        SESSIONS.to_string()
    };
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{back}{sep}ended=1")).into_response())
}

/// `/com/remoteproxy/proxy.pac` (RMT-7): every `….maint.<domain>` host through the proxy. Public:
/// browsers fetch it without a session, and it holds nothing but the two addresses.
pub async fn pac(State(state): State<AppState>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/x-ns-proxy-autoconfig; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        downloads::pac_text(&state),
    )
        .into_response()
}

pub fn endpoints() -> Vec<Endpoint> {
    let mut all = vec![
        Endpoint::page(
            Method::GET,
            ACCOUNTS,
            Capability::ViewProxyAccounts,
            "Maintenance proxy accounts (RMT-2)",
            get(accounts),
        ),
        Endpoint::page(
            Method::GET,
            "/com/proxy-accounts/{id}",
            Capability::ManageProxyAccounts,
            "Set a proxy account's user name and password (RMT-2)",
            get(edit),
        ),
        Endpoint::page(
            Method::POST,
            "/com/proxy-accounts/{id}",
            Capability::ManageProxyAccounts,
            "Save a proxy account (RMT-2)",
            post(save),
        ),
        Endpoint::page(
            Method::GET,
            SESSIONS,
            Capability::AuditRemoteSessions,
            "Remote-support sessions (RMT-8)",
            get(sessions),
        ),
        Endpoint::page(
            Method::POST,
            "/com/remote-sessions/{id}/end",
            Capability::AuditRemoteSessions,
            "End a live remote-support session (RMT-8)",
            post(end_session),
        ),
    ];
    all.extend(downloads::endpoints());
    all.extend(launch::endpoints());
    all
}
