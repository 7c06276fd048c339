//! ONB-1: a customer's calling licences from the console — the totals of professional, basic
//! and workspace licences and of each subscription carrying mobile lines, with what is consumed;
//! a total below what is consumed is refused with the reason (the store's guarded UPDATE / CHECK,
//! so a concurrent assignment cannot slip between). Next steps of onboarding are offered: invite
//! the customer's administrator.

use super::super::forms::{FieldMessages, FormMap};
use super::super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use patchbay_domain::calling::LicenceKind;
use patchbay_domain::{CustomerId, FieldError, Rule};
use patchbay_store::{Refusal, StoreError};

pub struct LicenceRow {
    /// The form field: `professional`, `basic`, `workspaces`, or `mobile:<subscription>`.
    pub field: String,
    pub name: String,
    pub total: String,
    pub consumed: i64,
}

#[derive(Template)]
#[template(path = "customers_licences.html")]
pub(super) struct LicencesPage {
    ctx: Ctx,
    id: String,
    name: String,
    rows: Vec<LicenceRow>,
    new_subscription: String,
    new_units: String,
    errors: FieldMessages,
    notice: String,
    invite: String,
}

async fn customer(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<patchbay_store::customers::Customer, AppError> {
    let id: CustomerId = id.parse().map_err(|_| AppError::NotFound)?;
    Ok(state.store.customer(caller.principal.scope(), id).await?)
}

/// The rows as stored, with the totals typed (when re-showing a refused form) in place.
async fn rows(
    state: &AppState,
    ctx: &Ctx,
    id: CustomerId,
    typed: Option<&FormMap>,
) -> Result<Vec<LicenceRow>, AppError> {
    let mut out = Vec::new();
    for l in state.store.licences(id).await? {
        let field = l.kind.as_str().to_string();
        out.push(LicenceRow {
            total: typed
                .map(|f| f.text(&field))
                .unwrap_or_else(|| l.total_units.to_string()),
            name: ctx.t(&format!("calling-licence-{}", l.kind.as_str())),
            consumed: l.consumed_units,
            field,
        });
    }
    for s in state.store.mobile_subscriptions(id).await? {
        let field = format!("mobile:{}", s.subscription_id);
        out.push(LicenceRow {
            total: typed
                .map(|f| f.text(&field))
                .unwrap_or_else(|| s.total_units.to_string()),
            name: format!("{} · {}", ctx.t("calling-menu-mobile"), s.subscription_id),
            consumed: s.consumed_units,
            field,
        });
    }
    Ok(out)
}

pub(super) async fn page(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Result<Response, AppError> {
    let c = customer(&state, &caller, &id).await?;
    let done = FormMap::parse(q.as_deref().unwrap_or("").as_bytes());
    let notice = if done.get("done") == Some("saved") {
        ctx.t("licences-saved")
    } else {
        String::new()
    };
    let page = LicencesPage {
        rows: rows(&state, &ctx, c.id, None).await?,
        id: c.id.to_string(),
        name: c.fields.name,
        new_subscription: String::new(),
        new_units: String::new(),
        errors: FieldMessages::default(),
        invite: format!("/com/accounts/new?customerId={}", c.id),
        notice,
        ctx,
    };
    Ok(render(&page))
}

fn units(form: &FormMap, field: &str, errs: &mut Vec<FieldError>) -> Option<i64> {
    let text = form.text(field);
    match text.trim().parse::<i64>() {
        Ok(n) if (0..=1_000_000).contains(&n) => Some(n),
        _ => {
            errs.push(FieldError::new(
                field.to_string(),
                Rule::Range {
                    min: 0,
                    max: 1_000_000,
                },
            ));
            None
        }
    }
}

pub(super) async fn save(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let c = customer(&state, &caller, &id).await?;
    let form = FormMap::parse(&body);
    let mut errs = Vec::new();
    let mut totals = Vec::new();
    for kind in LicenceKind::ALL {
        if let Some(n) = units(&form, kind.as_str(), &mut errs) {
            totals.push((kind, n));
        }
    }
    let mut mobile = Vec::new();
    let stored = state.store.mobile_subscriptions(c.id).await?;
    for s in &stored {
        let field = format!("mobile:{}", s.subscription_id);
        if let Some(n) = units(&form, &field, &mut errs) {
            mobile.push((s.subscription_id.clone(), n));
        }
    }
    let new_id = form.text("newSubscription").trim().to_string();
    let new_units = form.text("newUnits");
    if !new_id.is_empty() {
        let ok = new_id.len() <= 64
            && new_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !ok {
            errs.push(FieldError::new("newSubscription", Rule::DnsLabel));
        } else if stored.iter().any(|s| s.subscription_id == new_id) {
            // An existing one is changed on its own row.
            errs.push(FieldError::new("newSubscription", Rule::Taken));
        } else if let Some(n) = units(&form, "newUnits", &mut errs) {
            mobile.push((new_id.clone(), n));
        }
    } else if !new_units.trim().is_empty() {
        errs.push(FieldError::new("newSubscription", Rule::Required));
    }
    let result = if errs.is_empty() {
        state
            .store
            .set_licences(&caller.meta(), c.id, &totals, &mobile)
            .await
            .map_err(|e| match e {
                // The reason, on the field: what is assigned cannot be taken away.
                StoreError::Refused(Refusal::LicenceBelowConsumed(kind)) => {
                    AppError::Validation(vec![FieldError::new(kind.as_str(), Rule::BelowConsumed)])
                }
                // The subscriptions whose new total is below what they have given out (as read
                // before the save; lines given out meanwhile put the message on the new one).
                StoreError::Refused(Refusal::MobileBelowConsumed) => {
                    let mut fields: Vec<FieldError> = mobile
                        .iter()
                        .filter(|(id, n)| {
                            stored
                                .iter()
                                .any(|s| s.subscription_id == *id && *n < s.consumed_units)
                        })
                        .map(|(id, _)| FieldError::new(format!("mobile:{id}"), Rule::BelowConsumed))
                        .collect();
                    if fields.is_empty() {
                        fields.push(FieldError::new("newUnits", Rule::BelowConsumed));
                    }
                    AppError::Validation(fields)
                }
                e => e.into(),
            })
    } else {
        Err(AppError::Validation(errs))
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/com/customers/{}/licences?done=saved", c.id)).into_response(),
        ),
        Err(e @ AppError::Validation(_)) => {
            let errors = FieldMessages::from_error(&e, &state.i18n, ctx.lang);
            let mut r = render(&LicencesPage {
                rows: rows(&state, &ctx, c.id, Some(&form)).await?,
                id: c.id.to_string(),
                name: c.fields.name,
                new_subscription: new_id,
                new_units,
                errors,
                notice: String::new(),
                invite: format!("/com/accounts/new?customerId={}", c.id),
                ctx,
            });
            *r.status_mut() = StatusCode::BAD_REQUEST;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}
