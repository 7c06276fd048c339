//! The route catalog: every endpoint with its method, path, the capability it needs and its
//! documentation. The router, the RBAC guard, the OpenAPI document and the RBAC table test are
//! all built from this one list, so they cannot disagree.

use crate::auth;
use crate::state::AppState;
use axum::http::Method;
use axum::routing::MethodRouter;
use axum::Router;
use patchbay_domain::Capability;
use utoipa::openapi::{RefOr, Schema};

/// A named schema, and the named schemas it refers to.
pub type NamedSchema = (String, RefOr<Schema>, Vec<(String, RefOr<Schema>)>);
pub type SchemaFn = fn() -> NamedSchema;

/// The schema of a wire type and of the types it contains, for the OpenAPI document.
pub fn schema_of<T: utoipa::ToSchema>() -> NamedSchema {
    let mut nested = Vec::new();
    T::schemas(&mut nested);
    (T::name().into_owned(), T::schema(), nested)
}

pub struct Endpoint {
    pub method: Method,
    pub path: &'static str,
    pub capability: Capability,
    pub summary: &'static str,
    pub request: Option<SchemaFn>,
    pub response: Option<SchemaFn>,
    /// The response is a Webex list `{"items": [...]}` of `response`.
    pub list: bool,
    pub handler: MethodRouter<AppState>,
}

impl Endpoint {
    pub fn new(
        method: Method,
        path: &'static str,
        capability: Capability,
        summary: &'static str,
        handler: MethodRouter<AppState>,
    ) -> Self {
        Self {
            method,
            path,
            capability,
            summary,
            request: None,
            response: None,
            list: false,
            handler,
        }
    }
    pub fn request(mut self, f: SchemaFn) -> Self {
        self.request = Some(f);
        self
    }
    pub fn response(mut self, f: SchemaFn) -> Self {
        self.response = Some(f);
        self
    }
    pub fn list_of(mut self, f: SchemaFn) -> Self {
        self.response = Some(f);
        self.list = true;
        self
    }
}

/// A router with each endpoint guarded by its capability.
pub fn build(endpoints: Vec<Endpoint>) -> Router<AppState> {
    endpoints.into_iter().fold(Router::new(), |router, e| {
        let guarded = e.handler.route_layer(axum::middleware::from_fn_with_state(
            e.capability,
            auth::require,
        ));
        router.route(e.path, guarded)
    })
}
