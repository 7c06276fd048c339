//! The route catalog: every API endpoint with its method, path, the capability it needs and its
//! handler. The router, the RBAC guard, the OpenAPI document and the RBAC table test are all built
//! from this one list, so they cannot disagree.
//!
//! An operation's OpenAPI description is read off its handler's type: each argument (an
//! extractor) says what it takes from the request ([`DocInput`]: query parameters, a JSON body …)
//! and the return type says what comes back ([`DocOutput`]: `Json<T>`, a paged list, 204 …). A
//! handler that changes its query type or its response type changes its documentation with it.

use crate::auth;
use crate::state::AppState;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter};
use axum::Router;
use patchbay_domain::Capability;
use std::future::Future;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{Ref, RefOr, Required, Schema};

/// A response an operation can give.
#[derive(Clone)]
pub struct ResponseDoc {
    pub status: u16,
    pub description: String,
    /// Media type and schema of the body, if it has one.
    pub content: Option<(&'static str, RefOr<Schema>)>,
    /// The response may carry `Link: <next>; rel="next"`.
    pub link_header: bool,
}

/// The request body an operation reads.
#[derive(Clone)]
pub struct BodyDoc {
    /// Media types accepted, each with the body's schema.
    pub content: Vec<(&'static str, RefOr<Schema>)>,
    pub required: bool,
    pub description: Option<&'static str>,
}

/// What an operation's handler says about itself.
#[derive(Clone, Default)]
pub struct OpDoc {
    pub parameters: Vec<Parameter>,
    pub body: Option<BodyDoc>,
    pub responses: Vec<ResponseDoc>,
    /// Named schemas the operation refers to (for `components.schemas`).
    pub schemas: Vec<(String, RefOr<Schema>)>,
}

impl OpDoc {
    /// A reference to `T`'s named schema, registering it and the schemas it uses.
    pub fn schema<T: utoipa::ToSchema>(&mut self) -> RefOr<Schema> {
        let mut nested = Vec::new();
        T::schemas(&mut nested);
        self.schemas.extend(nested);
        let name = T::name().into_owned();
        self.schemas.push((name.clone(), T::schema()));
        RefOr::Ref(Ref::from_schema_name(name))
    }

    pub fn query_params<Q: utoipa::IntoParams>(&mut self) {
        self.parameters.extend(
            Q::into_params(|| Some(ParameterIn::Query))
                .into_iter()
                .map(not_null),
        );
    }

    pub fn respond(&mut self, r: ResponseDoc) {
        self.responses.push(r);
    }
}

/// A query parameter is absent or has a value: `Option<T>` fields document as `T`, not
/// `T | null` (a query string cannot carry a null).
fn not_null(mut p: Parameter) -> Parameter {
    use utoipa::openapi::schema::{SchemaType, Type};
    if let Some(RefOr::T(Schema::Object(o))) = p.schema.as_mut() {
        if let SchemaType::Array(types) = &o.schema_type {
            let kept: Vec<Type> = types
                .iter()
                .filter(|t| **t != Type::Null)
                .cloned()
                .collect();
            if kept.len() == 1 {
                o.schema_type = SchemaType::Type(kept[0].clone());
            } else {
                o.schema_type = SchemaType::Array(kept);
            }
        }
    }
    p
}

/// What a handler argument takes from the request, for the documentation. Extractors that read
/// nothing a client controls (state, the authenticated caller, headers as a whole) add nothing.
pub trait DocInput {
    fn describe(_op: &mut OpDoc) {}
}

/// What a handler's return type sends back, for the documentation.
pub trait DocOutput {
    fn describe(op: &mut OpDoc);
}

impl<T> DocInput for axum::extract::State<T> {}
impl<T> DocInput for axum::extract::Path<T> {}
impl DocInput for axum::http::HeaderMap {}
impl DocInput for axum::http::Uri {}
impl DocInput for auth::Caller {}
impl DocInput for auth::Peer {}

impl<T: DocOutput> DocOutput for Result<T, crate::error::AppError> {
    fn describe(op: &mut OpDoc) {
        T::describe(op);
    }
}

impl<T: utoipa::ToSchema> DocOutput for axum::Json<T> {
    fn describe(op: &mut OpDoc) {
        let schema = op.schema::<T>();
        op.respond(ResponseDoc {
            status: 200,
            description: "OK".into(),
            content: Some(("application/json", schema)),
            link_header: false,
        });
    }
}

/// A handler whose arguments and return type document it (implemented for `async fn`s of up to
/// eight extractors whose types implement [`DocInput`] and whose output implements
/// [`DocOutput`]).
pub trait Documented<Args> {
    fn document(op: &mut OpDoc);
}

macro_rules! documented {
    ($($arg:ident),*) => {
        impl<F, Fut, R, $($arg,)*> Documented<($($arg,)*)> for F
        where
            F: FnOnce($($arg,)*) -> Fut,
            Fut: Future<Output = R>,
            R: DocOutput,
            $($arg: DocInput,)*
        {
            fn document(op: &mut OpDoc) {
                $($arg::describe(op);)*
                R::describe(op);
            }
        }
    };
}

documented!();
documented!(A1);
documented!(A1, A2);
documented!(A1, A2, A3);
documented!(A1, A2, A3, A4);
documented!(A1, A2, A3, A4, A5);
documented!(A1, A2, A3, A4, A5, A6);
documented!(A1, A2, A3, A4, A5, A6, A7);
documented!(A1, A2, A3, A4, A5, A6, A7, A8);

pub struct Endpoint {
    pub method: Method,
    pub path: &'static str,
    pub capability: Capability,
    pub summary: &'static str,
    pub doc: OpDoc,
    pub handler: MethodRouter<AppState>,
    /// Served without a bearer token (the activation endpoint a phone calls, WGO-5); the
    /// capability is then only documentation.
    pub public: bool,
    /// Served to a mobile operator's token only (MOB-1), never to staff tokens; the capability
    /// is then only documentation.
    pub operator: bool,
}

fn method_filter(m: &Method) -> MethodFilter {
    match *m {
        Method::POST => MethodFilter::POST,
        Method::PUT => MethodFilter::PUT,
        Method::DELETE => MethodFilter::DELETE,
        Method::PATCH => MethodFilter::PATCH,
        Method::HEAD => MethodFilter::HEAD,
        Method::OPTIONS => MethodFilter::OPTIONS,
        _ => MethodFilter::GET,
    }
}

/// The `{name}` segments of a path template.
pub fn path_params(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
}

impl Endpoint {
    /// `handler` serves `method path` for callers holding `capability`; its documentation is read
    /// off its type (see the module documentation).
    pub fn new<H, T, A>(
        method: Method,
        path: &'static str,
        capability: Capability,
        summary: &'static str,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState> + Documented<A>,
        T: 'static,
    {
        let mut doc = OpDoc::default();
        for name in path_params(path) {
            let string = utoipa::openapi::ObjectBuilder::new()
                .schema_type(utoipa::openapi::Type::String)
                .min_length(Some(1));
            // A path segment naming one of a fixed set says which.
            let (description, schema) = match name {
                "area" => (
                    "The folder of the phone file server: vantage or workplace.",
                    string.enum_values(Some(
                        patchbay_domain::phonefiles::Area::ALL.map(|a| a.as_str()),
                    )),
                ),
                _ => ("The resource's id.", string),
            };
            doc.parameters.push(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .description(Some(description))
                    .schema(Some(schema))
                    .build(),
            );
        }
        H::document(&mut doc);
        // A query parameter the operation does not declare is refused, whatever the handler
        // reads: an ignored filter would answer as if it had been applied.
        let declared: std::sync::Arc<[String]> = doc
            .parameters
            .iter()
            .filter(|p| matches!(p.parameter_in, ParameterIn::Query))
            .map(|p| p.name.clone())
            .collect();
        let handler = axum::routing::on(method_filter(&method), handler).route_layer(
            axum::middleware::from_fn_with_state(declared, refuse_undeclared_query),
        );
        Self {
            handler,
            method,
            path,
            capability,
            summary,
            doc,
            public: false,
            operator: false,
        }
    }

    /// The same endpoint, served to callers without a token.
    pub fn unauthenticated(mut self) -> Self {
        self.public = true;
        self
    }

    /// The same endpoint, served to mobile operators with their own tokens (its handler takes
    /// [`crate::auth::OperatorCaller`]).
    pub fn for_operators(mut self) -> Self {
        self.operator = true;
        self
    }
}

impl Endpoint {
    /// A console page (not part of the API document): served and guarded like an API route.
    pub fn page(
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
            doc: OpDoc::default(),
            handler,
            public: false,
            operator: false,
        }
    }
}

async fn refuse_undeclared_query(
    axum::extract::State(declared): axum::extract::State<std::sync::Arc<[String]>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let unknown: Vec<String> =
        url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
            .map(|(k, _)| k.into_owned())
            .filter(|k| !k.is_empty() && !declared.iter().any(|d| d == k))
            .collect();
    if unknown.is_empty() {
        return next.run(req).await;
    }
    let allowed = if declared.is_empty() {
        "no query parameters".to_string()
    } else {
        declared.join(", ")
    };
    let mut errors: Vec<patchbay_domain::FieldError> = unknown
        .into_iter()
        .map(|k| {
            let name: String = k.chars().filter(|c| !c.is_control()).take(64).collect();
            patchbay_domain::FieldError::new(
                name,
                patchbay_domain::Rule::Unknown {
                    allowed: allowed.clone(),
                },
            )
        })
        .collect();
    errors.dedup_by(|a, b| a.field == b.field);
    crate::error::AppError::Validation(errors).into_response()
}

/// A router with each endpoint guarded by its capability.
pub fn build(endpoints: Vec<Endpoint>) -> Router<AppState> {
    endpoints.into_iter().fold(Router::new(), |router, e| {
        if e.public || e.operator {
            return router.route(e.path, e.handler);
        }
        let guarded = e.handler.route_layer(axum::middleware::from_fn_with_state(
            e.capability,
            auth::require,
        ));
        router.route(e.path, guarded)
    })
}
