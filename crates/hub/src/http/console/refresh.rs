//! The customer list's Refresh customization files action (CST-4): job name, now or at a
//! hub-local date and time, confirmed on this page. Each selected system is listed with the
//! archives it will fetch, in the order they are unpacked (distributor, reseller, its own
//! folder). The form posts to the service the API calls; its rules and refusals are the
//! service's, shown in the caller's language.

use super::forms::{FieldMessages, FormMap};
use super::operations::{chosen, customer_ids, start_of};
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::service::jobs::logs::hub_zone;
use crate::service::jobs::refresh::{create_refresh, RefreshRequest};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::customization::{PHONE_FILES, TEMPLATES};
use patchbay_domain::{Capability, CustomerId};
use patchbay_store::customization::Folder;

pub const PATH: &str = "/com/customers/refresh";

/// A selected customer's system and the archives it will fetch, in order.
pub struct TargetRow {
    pub customer: String,
    pub system: String,
    /// "folder kind: file", in layer order.
    pub layers: Vec<String>,
}

#[derive(Template)]
#[template(path = "ops_refresh.html")]
struct RefreshPage {
    ctx: Ctx,
    ids: Vec<String>,
    targets: Vec<TargetRow>,
    name: String,
    later: bool,
    start_at: String,
    zone: String,
    errors: FieldMessages,
}

async fn page(
    state: &AppState,
    caller: &Caller,
    ctx: Ctx,
    form: &FormMap,
    errors: FieldMessages,
) -> Result<RefreshPage, AppError> {
    let visible = chosen(state, caller, &customer_ids(form)).await?;
    let mut targets = Vec::new();
    for (id, name) in &visible {
        let cid: CustomerId = id.parse().map_err(|_| AppError::NotFound)?;
        let layers = state
            .store
            .layered_files(cid, &[PHONE_FILES, TEMPLATES])
            .await?
            .into_iter()
            .map(|f| {
                let kind = match f.folder {
                    Folder::Distributor(_) => "distributor",
                    Folder::Reseller(_) => "reseller",
                    Folder::Customer(_) => "customer",
                };
                format!("{}: {}", ctx.t(&format!("cst-kind-{kind}")), f.name)
            })
            .collect::<Vec<_>>();
        let systems = state.store.systems_of(cid).await?;
        if systems.is_empty() {
            targets.push(TargetRow {
                customer: name.clone(),
                system: String::new(),
                layers: layers.clone(),
            });
        }
        for s in systems {
            targets.push(TargetRow {
                customer: name.clone(),
                system: s.name,
                layers: layers.clone(),
            });
        }
    }
    Ok(RefreshPage {
        ids: visible.into_iter().map(|(id, _)| id).collect(),
        targets,
        name: form.text("name"),
        later: form.get("when") == Some("later"),
        start_at: form.text("startAt"),
        zone: hub_zone(),
        errors,
        ctx,
    })
}

async fn form(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    caller.require(Capability::RefreshCustomizationFiles)?;
    let form = FormMap::parse(q.unwrap_or_default().as_bytes());
    Ok(render(
        &page(&state, &caller, ctx, &form, FieldMessages::default()).await?,
    ))
}

async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let made = match start_of(&form) {
        Ok(start_at) => {
            let request = RefreshRequest {
                name: form.text("name"),
                customers: customer_ids(&form),
                start_at,
            };
            create_refresh(&state, &caller, request).await
        }
        Err(e) => Err(e),
    };
    match made {
        Ok(id) => Ok(Redirect::to(&format!("/com/jobs/{id}")).into_response()),
        Err(err @ (AppError::Validation(_) | AppError::Conflict(..))) => {
            let errors = FieldMessages::from_error(&err, &ctx.i18n, ctx.lang);
            let mut r = render(&page(&state, &caller, ctx, &form, errors).await?);
            *r.status_mut() = err.status();
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::page(
            Method::GET,
            PATH,
            Capability::RefreshCustomizationFiles,
            "Refresh the customization files of the selected customers' systems",
            get(form),
        ),
        Endpoint::page(
            Method::POST,
            PATH,
            Capability::RefreshCustomizationFiles,
            "Create the customization refresh job",
            post(submit),
        ),
    ]
}
