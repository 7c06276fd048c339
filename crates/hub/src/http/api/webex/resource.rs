//! The calls every Webex resource with an id answers the same way: `GET`, `PUT` and `DELETE` on
//! `/{id}`. A resource says how to find, update and delete itself through its service
//! ([`Resource`]); the handlers here parse the id of its Webex kind, check visibility (an id the
//! caller may not see is "not found", whatever `orgId` says) and render it.

use super::path_id;
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::{ApiQuery, JsonBody, NoContent};
use crate::http::catalog::Endpoint;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::Capability;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

/// A query that may name the organisation (`orgId`) a call acts on.
pub trait OrgScoped {
    fn org_id(&self) -> Option<&str>;
}

impl OrgScoped for super::OrgQuery {
    fn org_id(&self) -> Option<&str> {
        self.org_id.as_deref()
    }
}

/// Who acts on a resource: the state, the caller and the `orgId` the request names.
#[derive(Clone, Copy)]
pub struct Acting<'a> {
    pub state: &'a AppState,
    pub caller: &'a Caller,
    pub org: Option<&'a str>,
}

/// A Webex resource with an id.
pub trait Resource: Send + Sync + 'static {
    /// The kind in its Webex ids (`PEOPLE`, `PLACE`, `LOCATION`).
    const KIND: &'static str;
    /// Its `/{id}` path.
    const ONE: &'static str;
    /// The summaries of its get, update and delete operations.
    const SUMMARIES: [&'static str; 3];
    type Entity: Send + Sync;
    type Json: Serialize + From<Self::Entity> + utoipa::ToSchema + Send + 'static;
    type Body: DeserializeOwned + utoipa::ToSchema + Send + Sync + 'static;
    /// The query parameters of its calls by id.
    type Query: DeserializeOwned + OrgScoped + utoipa::IntoParams + Send + Sync + 'static;

    /// The resource `id`, if the caller may see it; otherwise not found.
    fn find(
        at: Acting<'_>,
        id: uuid::Uuid,
    ) -> impl Future<Output = Result<Self::Entity, AppError>> + Send;
    /// Apply a body to it (absent fields keep their value).
    fn update(
        at: Acting<'_>,
        current: Self::Entity,
        body: Self::Body,
    ) -> impl Future<Output = Result<Self::Entity, AppError>> + Send;
    fn delete(
        at: Acting<'_>,
        current: Self::Entity,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
}

async fn found<R: Resource>(
    state: &AppState,
    caller: &Caller,
    raw: &str,
    q: &R::Query,
) -> Result<R::Entity, AppError> {
    let at = Acting {
        state,
        caller,
        org: q.org_id(),
    };
    R::find(at, path_id(R::KIND, raw)?).await
}

async fn get_one<R: Resource>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<R::Query>,
) -> ApiResult<Json<R::Json>> {
    let e = found::<R>(&state, &caller, &id, &q).await?;
    Ok(Json(R::Json::from(e)))
}

async fn update<R: Resource>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<R::Query>,
    JsonBody(b): JsonBody<R::Body>,
) -> ApiResult<Json<R::Json>> {
    let e = found::<R>(&state, &caller, &id, &q).await?;
    let at = Acting {
        state: &state,
        caller: &caller,
        org: q.org_id(),
    };
    Ok(Json(R::Json::from(R::update(at, e, b).await?)))
}

async fn remove<R: Resource>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<super::OrgQuery>,
) -> ApiResult<NoContent> {
    let at = Acting {
        state: &state,
        caller: &caller,
        org: q.org_id(),
    };
    let e = R::find(at, path_id(R::KIND, &id)?).await?;
    R::delete(at, e).await?;
    Ok(NoContent)
}

/// `GET`, `PUT` and `DELETE` on the resource's `/{id}` path.
pub fn endpoints<R: Resource>() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    let [get, put, gone] = R::SUMMARIES;
    vec![
        Endpoint::new(Method::GET, R::ONE, view, get, get_one::<R>),
        Endpoint::new(Method::PUT, R::ONE, manage, put, update::<R>),
        Endpoint::new(Method::DELETE, R::ONE, manage, gone, remove::<R>),
    ]
}
