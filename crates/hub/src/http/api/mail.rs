//! `/v1/operations/customers/actions/sendEmail/invoke` (CUS-7) and `/v1/operations/outbox`.

use super::{JsonBody, ListQuery, NoFilter, Paged};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::Endpoint;
use crate::service::mail;
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use axum::Json;
use patchbay_domain::account::LANGUAGES;
use patchbay_domain::{Capability, CustomerId, Rule};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendEmailBody {
    /// Customer ids (the `id` of each customer).
    pub ids: Vec<String>,
    /// The language the e-mail is written in: en, fr, ro, ko or uk. Default: the caller's
    /// account language.
    pub language: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendEmailResult {
    pub queued: usize,
    /// Customers without a contact e-mail address.
    pub skipped: Vec<String>,
}

async fn send(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(b): JsonBody<SendEmailBody>,
) -> ApiResult<Json<SendEmailResult>> {
    let ids = b
        .ids
        .iter()
        .map(|i| i.parse::<CustomerId>().map_err(|_| AppError::NotFound))
        .collect::<Result<Vec<_>, _>>()?;
    let lang = match b.language.as_deref() {
        None => caller.account.fields.language.clone(),
        Some(l) if LANGUAGES.contains(&l) => l.to_string(),
        Some(_) => {
            return Err(AppError::field(
                "language",
                Rule::OneOf {
                    allowed: LANGUAGES.join(", "),
                },
            ))
        }
    };
    let r = mail::send_subscription(&state, &caller, &ids, &lang).await?;
    Ok(Json(SendEmailResult {
        queued: r.queued,
        skipped: r.skipped,
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MailJson {
    pub id: String,
    pub created: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// queued | sent | failed | kept
    pub status: String,
    pub attempts: i64,
    pub last_error: String,
    pub sent: Option<String>,
}

async fn outbox(
    State(state): State<AppState>,
    lq: ListQuery<NoFilter>,
) -> ApiResult<Paged<MailJson>> {
    let page = lq.page(50);
    let (items, total) = state.store.list_mail(page).await?;
    let items = items
        .into_iter()
        .map(|m| MailJson {
            id: m.id.to_string(),
            created: m.created_at.to_string(),
            to: m.to,
            subject: m.subject,
            body: m.body,
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error,
            sent: m.sent_at.map(|t| t.to_string()),
        })
        .collect();
    Ok(Paged::new(&lq, 50, items, total))
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            Method::POST,
            "/v1/operations/customers/actions/sendEmail/invoke",
            Capability::ResendSubscriptionEmail,
            "Re-send the subscription e-mail to the selected customers' contacts",
            send,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/outbox",
            Capability::ServerSettings,
            "Outgoing mail, newest first",
            outbox,
        ),
    ]
}
