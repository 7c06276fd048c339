//! Console: send the subscription e-mail to selected customers (CUS-7) and read the outbox.

use super::forms::FormMap;
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::service::mail;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::Method;
use axum::response::Response;
use axum::routing::{get, post};
use patchbay_domain::{Capability, CustomerId};
use patchbay_store::outbox::Mail;
use patchbay_store::PageRequest;

#[derive(Template)]
#[template(path = "customers_email.html")]
struct ConfirmPage {
    ctx: Ctx,
    targets: Vec<(String, String, String)>,
    done: Option<mail::SendReport>,
}

fn ids(q: &[u8]) -> Result<Vec<CustomerId>, AppError> {
    FormMap::parse(q)
        .all("id")
        .iter()
        .map(|s| s.parse().map_err(|_| AppError::NotFound))
        .collect()
}

async fn targets(
    state: &AppState,
    caller: &Caller,
    ids: &[CustomerId],
) -> Result<Vec<(String, String, String)>, AppError> {
    let mut out = Vec::new();
    for id in ids {
        let c = state.store.customer(caller.principal.scope(), *id).await?;
        out.push((c.id.to_string(), c.fields.name, c.fields.email));
    }
    Ok(out)
}

async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let ids = ids(q.unwrap_or_default().as_bytes())?;
    let targets = targets(&state, &caller, &ids).await?;
    Ok(render(&ConfirmPage {
        ctx: Ctx::new(&state, &caller, "/com/customers"),
        targets,
        done: None,
    }))
}

async fn send(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let ids = ids(&body)?;
    let ctx = Ctx::new(&state, &caller, "/com/customers");
    // The e-mail's language: the one picked on the page, else the page's own.
    let lang = match FormMap::parse(&body).get("language") {
        Some(l) if !l.is_empty() => crate::i18n::I18n::language(l),
        _ => ctx.lang,
    };
    let report = mail::send_subscription(&state, &caller, &ids, lang).await?;
    let targets = targets(&state, &caller, &ids).await?;
    Ok(render(&ConfirmPage {
        ctx,
        targets,
        done: Some(report),
    }))
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    ctx: Ctx,
    mails: Vec<Mail>,
    total: i64,
    smtp: bool,
}

impl OutboxPage {
    fn when(&self, m: &Mail) -> String {
        self.ctx.datetime(m.created_at)
    }
}

async fn outbox(State(state): State<AppState>, caller: Caller) -> Result<Response, AppError> {
    let (mails, total) = state.store.list_mail(PageRequest::new(0, 100)).await?;
    Ok(render(&OutboxPage {
        ctx: Ctx::new(&state, &caller, "/com/outbox"),
        mails,
        total,
        smtp: state.config.smtp_url.is_some(),
    }))
}

pub fn endpoints() -> Vec<Endpoint> {
    let cap = Capability::ResendSubscriptionEmail;
    vec![
        Endpoint::page(
            Method::GET,
            "/com/customers/email",
            cap,
            "Confirm sending the subscription e-mail",
            get(confirm),
        ),
        Endpoint::page(
            Method::POST,
            "/com/customers/email",
            cap,
            "Send the subscription e-mail",
            post(send),
        ),
        Endpoint::page(
            Method::GET,
            "/com/outbox",
            Capability::ServerSettings,
            "Outbox",
            get(outbox),
        ),
    ]
}
