//! The form flow the calling entities share (people, workspaces, locations): add, edit, and
//! delete after a confirmation page. An entity says how to find, read, save, delete and draw
//! itself ([`Editor`]); the handlers here do the rest the same way for all: the organisation,
//! the visibility check, the form kept with field messages (400) when the service refuses it,
//! the redirect with `done=created|updated|deleted`.

use super::{messages, render, ConfirmPage, Ctx, Findable, Org};
use super::{Chosen, Found};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::console::forms::{FieldMessages, FormMap};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::{Capability, CustomerId};
use std::future::Future;

/// The paths and route summaries of an entity's form flow.
pub struct Routes {
    /// The list page; also where a new entity is `POST`ed.
    pub section: &'static str,
    /// `GET` the add form.
    pub new: &'static str,
    /// `POST` an update (the details page is `GET` on the same path).
    pub one: &'static str,
    /// `GET` the edit form.
    pub edit: &'static str,
    /// `GET` the confirmation, `POST` the deletion.
    pub delete: &'static str,
    /// Summaries: create, add form, update, edit form, confirm deletion, delete.
    pub summaries: [&'static str; 6],
}

/// The [`Routes`] of the entity whose list page is `$section`, named `$noun` in summaries.
macro_rules! routes {
    ($section:expr, $noun:literal) => {
        $crate::http::console::calling::editor::Routes {
            section: $section,
            new: concat!($section, "/new"),
            one: concat!($section, "/{id}"),
            edit: concat!($section, "/{id}/edit"),
            delete: concat!($section, "/{id}/delete"),
            summaries: [
                concat!("Create ", $noun),
                concat!("Add ", $noun),
                concat!("Update ", $noun),
                concat!("Edit ", $noun),
                concat!("Confirm ", $noun, " deletion"),
                concat!("Delete ", $noun),
            ],
        }
    };
}
pub(crate) use routes;

/// What the shared pages show of an entity.
pub struct About {
    pub id: String,
    pub name: String,
}

impl About {
    pub fn new(id: impl std::fmt::Display, name: &str) -> Self {
        Self {
            id: id.to_string(),
            name: name.to_string(),
        }
    }
}

/// One calling entity as the console edits it.
pub trait Editor: Send + Sync + 'static {
    const ROUTES: Routes;
    /// Fluent id of the deletion page's title.
    const DELETE_TITLE: &'static str;
    /// Found by the `{id}` of its pages' paths ([`Found`]).
    type Entity: Findable;
    /// The form's values as typed (kept when the form comes back with errors).
    type Values: Send + Sync;

    fn about(e: &Self::Entity) -> About;
    /// The deletion page's explanation (what goes with it).
    fn delete_message(ctx: &Ctx, e: &Self::Entity) -> String;
    /// The add form's starting values.
    fn blank(caller: &Caller) -> Self::Values;
    fn read(form: &FormMap) -> Self::Values;
    fn of(e: &Self::Entity) -> Self::Values;
    /// Create (`current` none) or update through the service; the new or kept id. Field
    /// errors carry the form's field names.
    fn save(
        state: &AppState,
        caller: &Caller,
        customer: CustomerId,
        current: Option<&Self::Entity>,
        v: &Self::Values,
    ) -> impl Future<Output = Result<String, AppError>> + Send;
    fn remove(
        state: &AppState,
        caller: &Caller,
        e: &Self::Entity,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
    /// The add / edit form page.
    fn page(
        state: &AppState,
        ctx: Ctx,
        org: Org,
        current: Option<&Self::Entity>,
        v: Self::Values,
        errors: FieldMessages,
    ) -> impl Future<Output = Result<Response, AppError>> + Send;
    /// What a refused deletion shows (by default the error page).
    fn delete_refused(
        _state: &AppState,
        _caller: &Caller,
        _org: Org,
        err: AppError,
    ) -> impl Future<Output = Result<Response, AppError>> + Send {
        async { Err(err) }
    }
}

/// The form page; 400 when it shows errors.
async fn show<E: Editor>(
    state: &AppState,
    ctx: Ctx,
    org: Org,
    current: Option<&E::Entity>,
    v: E::Values,
    errors: FieldMessages,
) -> Result<Response, AppError> {
    let status = if errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut r = E::page(state, ctx, org, current, v, errors).await?;
    *r.status_mut() = status;
    Ok(r)
}

/// Save the values: to the details page when done, back to the form with the reasons when the
/// service refuses them.
async fn save<E: Editor>(
    state: &AppState,
    caller: &Caller,
    org: Org,
    current: Option<&E::Entity>,
    v: E::Values,
) -> Result<Response, AppError> {
    match E::save(state, caller, org.id, current, &v).await {
        Ok(id) => {
            let done = if current.is_some() {
                "updated"
            } else {
                "created"
            };
            let to = org.link(&format!("{}/{id}?done={done}", E::ROUTES.section));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(..))) => {
            let ctx = Ctx::new(state, caller, E::ROUTES.section);
            let errors = messages(&ctx, &e);
            show::<E>(state, ctx, org, current, v, errors).await
        }
        Err(other) => Err(other),
    }
}

async fn new_form<E: Editor>(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Chosen(org): Chosen,
) -> Result<Response, AppError> {
    let v = E::blank(&caller);
    show::<E>(&state, ctx, org, None, v, FieldMessages::default()).await
}

async fn create<E: Editor>(
    State(state): State<AppState>,
    caller: Caller,
    Chosen(org): Chosen,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = E::read(&FormMap::parse(&body));
    save::<E>(&state, &caller, org, None, v).await
}

async fn edit_form<E: Editor>(
    State(state): State<AppState>,
    ctx: Ctx,
    Found(e, org): Found<E::Entity>,
) -> Result<Response, AppError> {
    let v = E::of(&e);
    show::<E>(&state, ctx, org, Some(&e), v, FieldMessages::default()).await
}

async fn update<E: Editor>(
    State(state): State<AppState>,
    caller: Caller,
    Found(e, org): Found<E::Entity>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = E::read(&FormMap::parse(&body));
    save::<E>(&state, &caller, org, Some(&e), v).await
}

async fn confirm_delete<E: Editor>(
    ctx: Ctx,
    Found(e, org): Found<E::Entity>,
) -> Result<Response, AppError> {
    let About { id, name, .. } = E::about(&e);
    let page = ConfirmPage {
        title: ctx.t(E::DELETE_TITLE),
        message: E::delete_message(&ctx, &e),
        target: name,
        action: org.link(&format!("{}/{id}/delete", E::ROUTES.section)),
        cancel: org.link(&format!("{}/{id}", E::ROUTES.section)),
        ctx,
        org,
    };
    Ok(render(&page))
}

async fn delete<E: Editor>(
    State(state): State<AppState>,
    caller: Caller,
    Found(e, org): Found<E::Entity>,
) -> Result<Response, AppError> {
    match E::remove(&state, &caller, &e).await {
        Ok(()) => {
            let to = org.link(&format!("{}?done=deleted", E::ROUTES.section));
            Ok(Redirect::to(&to).into_response())
        }
        Err(err) => E::delete_refused(&state, &caller, org, err).await,
    }
}

/// The routes of an entity's form flow (its list and details pages are its own).
pub fn endpoints<E: Editor>() -> Vec<Endpoint> {
    let manage = Capability::ManageProvisioning;
    let r = &E::ROUTES;
    let [created, add, updated, edit, confirm, deleted] = r.summaries;
    vec![
        Endpoint::page(Method::POST, r.section, manage, created, post(create::<E>)),
        Endpoint::page(Method::GET, r.new, manage, add, get(new_form::<E>)),
        Endpoint::page(Method::POST, r.one, manage, updated, post(update::<E>)),
        Endpoint::page(Method::GET, r.edit, manage, edit, get(edit_form::<E>)),
        Endpoint::page(
            Method::GET,
            r.delete,
            manage,
            confirm,
            get(confirm_delete::<E>),
        ),
        Endpoint::page(Method::POST, r.delete, manage, deleted, post(delete::<E>)),
    ]
}
