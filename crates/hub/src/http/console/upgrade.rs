//! The customer list's Upgrade action (UPG-1): job name, target version from the software
//! repository (the releases of the selected systems' profile), Transfer and upgrade / Transfer /
//! Upgrade, restart IP phones afterwards, now or at a hub-local date and time — with the
//! recommendation to back up first. The form posts to the service the API calls; the rules
//! (one profile, no downgrade unless PRF-9, the flags and rights, one action per system) are the
//! service's, and a refusal comes back on the form in the caller's language.

use super::forms::{FieldMessages, FormMap};
use super::operations::{chosen, customer_ids, start_of};
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::service::jobs::logs::hub_zone;
use crate::service::jobs::upgrade::{create_upgrade, UpgradeAction, UpgradeRequest};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::{Capability, CustomerId};
use patchbay_store::repository::{ReleaseFilter, ReleaseSort};
use patchbay_store::{PageRequest, SortOrder};

pub const PATH: &str = "/com/customers/upgrade";

/// A selected customer's system as the form lists it.
pub struct TargetRow {
    pub id: String,
    pub customer: String,
    pub system: String,
    pub profile: String,
    pub version: String,
}

#[derive(Template)]
#[template(path = "ops_upgrade.html")]
struct UpgradePage {
    ctx: Ctx,
    /// The selected customers.
    ids: Vec<String>,
    targets: Vec<TargetRow>,
    /// (id, "version — file", selected)
    releases: Vec<(String, String, bool)>,
    actions: Vec<(&'static str, String, bool)>,
    name: String,
    restart_phones: bool,
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
) -> Result<UpgradePage, AppError> {
    let ids = customer_ids(form);
    let mut targets = Vec::new();
    let mut profiles: Vec<String> = Vec::new();
    let visible = chosen(state, caller, &ids).await?;
    let ids = visible.iter().map(|(id, _)| id.clone()).collect();
    for (id, name) in visible {
        let cid: CustomerId = id.parse().map_err(|_| AppError::NotFound)?;
        for s in state.store.systems_of(cid).await? {
            if !profiles.contains(&s.profile) {
                profiles.push(s.profile.clone());
            }
            targets.push(TargetRow {
                id: id.clone(),
                customer: name.clone(),
                system: s.name,
                profile: ctx.t(&format!("profile-{}", s.profile)),
                version: s.version,
            });
        }
        if targets.iter().all(|t| t.id != id) {
            targets.push(TargetRow {
                id,
                customer: name,
                system: String::new(),
                profile: String::new(),
                version: String::new(),
            });
        }
    }
    // The releases of the one profile the systems share (the service refuses mixed profiles).
    let picked = form.text("releaseId");
    let releases = match profiles.as_slice() {
        [one] => {
            state
                .store
                .list_releases(
                    &ReleaseFilter {
                        profile: Some(one.clone()),
                        search: None,
                    },
                    Some((ReleaseSort::Version, SortOrder::Desc)),
                    PageRequest {
                        start: 0,
                        max: 200,
                        after: None,
                    },
                )
                .await?
                .items
        }
        _ => Vec::new(),
    }
    .into_iter()
    .map(|r| {
        let on = r.id == picked;
        (r.id, format!("{} — {}", r.version, r.name), on)
    })
    .collect();
    let action = form.get("upgradeAction").unwrap_or("transferAndUpgrade");
    let actions = UpgradeAction::ALL
        .into_iter()
        .map(|a| {
            (
                a.as_str(),
                ctx.t(&format!("upg-action-{}", a.as_str())),
                a.as_str() == action,
            )
        })
        .collect();
    Ok(UpgradePage {
        ids,
        targets,
        releases,
        actions,
        name: form.text("name"),
        restart_phones: form.checked("restartPhones"),
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
    caller.require(Capability::UpgradeSystems)?;
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
    let back = |err: AppError, ctx: Ctx, state: AppState, caller: Caller, form: FormMap| async move {
        let errors = FieldMessages::from_error(&err, &ctx.i18n, ctx.lang);
        let mut r = render(&page(&state, &caller, ctx, &form, errors).await?);
        *r.status_mut() = err.status();
        Ok::<Response, AppError>(r)
    };
    let start_at = match start_of(&form) {
        Ok(t) => t,
        Err(err) => return back(err, ctx, state, caller, form).await,
    };
    let Some(action) = UpgradeAction::parse(form.get("upgradeAction").unwrap_or("")) else {
        let err = AppError::field(
            "upgradeAction",
            patchbay_domain::Rule::OneOf {
                allowed: UpgradeAction::ALL.map(UpgradeAction::as_str).join(", "),
            },
        );
        return back(err, ctx, state, caller, form).await;
    };
    let request = UpgradeRequest {
        name: form.text("name"),
        customers: customer_ids(&form),
        release_id: form.text("releaseId"),
        action,
        restart_phones: form.checked("restartPhones"),
        start_at,
    };
    match create_upgrade(&state, &caller, request).await {
        Ok(id) => Ok(Redirect::to(&format!("/com/jobs/{id}")).into_response()),
        Err(err @ (AppError::Validation(_) | AppError::Conflict(..))) => {
            back(err, ctx, state, caller, form).await
        }
        Err(e) => Err(e),
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::page(
            Method::GET,
            PATH,
            Capability::UpgradeSystems,
            "Upgrade the selected customers' systems",
            get(form),
        ),
        Endpoint::page(
            Method::POST,
            PATH,
            Capability::UpgradeSystems,
            "Create the upgrade job",
            post(submit),
        ),
    ]
}
