//! `/v1/openapi.json`, generated from the route catalog: each operation's parameters, body and
//! responses come from its handler's types (see `catalog`), so the document describes what is
//! served. Every operation also lists the errors any request can meet, all in the Webex shape.

use super::catalog::{Endpoint, OpDoc, ResponseDoc};
use crate::error::ErrorBody;
use axum::http::Method;
use axum::Json;
use std::collections::BTreeMap;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref,
    ResponseBuilder, ResponsesBuilder, Type,
};
use utoipa::{PartialSchema, ToSchema};

fn http_method(m: &Method) -> HttpMethod {
    match *m {
        Method::POST => HttpMethod::Post,
        Method::PUT => HttpMethod::Put,
        Method::DELETE => HttpMethod::Delete,
        Method::PATCH => HttpMethod::Patch,
        Method::HEAD => HttpMethod::Head,
        Method::OPTIONS => HttpMethod::Options,
        _ => HttpMethod::Get,
    }
}

/// Errors every operation can answer, with when.
fn errors(doc: &OpDoc, public: bool) -> Vec<(u16, &'static str)> {
    let mut e = vec![
        (
            400,
            "Invalid input: each error names the field or query parameter and the rule (unknown parameters and fields included)",
        ),
        (401, "Missing or invalid bearer token"),
        (403, "The caller's role does not allow this"),
        (404, "Not found, or not visible to the caller"),
        (409, "Conflicts with the current state"),
        (414, "The URL is longer than 8 KiB"),
        (429, "Too many attempts; see Retry-After"),
    ];
    if doc.body.is_some() {
        e.push((413, "The body is larger than 2 MiB"));
    }
    if public {
        e.retain(|(c, _)| !matches!(c, 401 | 403));
    }
    e.sort_by_key(|(c, _)| *c);
    e
}

fn operation_id(method: &Method, path: &str) -> String {
    let mut id = method.as_str().to_ascii_lowercase();
    for seg in path.trim_start_matches("/v1/").split('/') {
        let seg = seg.trim_start_matches('{').trim_end_matches('}');
        let mut chars = seg.chars();
        if let Some(first) = chars.next() {
            id.push(first.to_ascii_uppercase());
            id.extend(chars);
        }
    }
    id
}

fn responses(doc: &OpDoc, public: bool) -> utoipa::openapi::Responses {
    let mut by_status: BTreeMap<u16, Vec<&ResponseDoc>> = BTreeMap::new();
    for r in &doc.responses {
        by_status.entry(r.status).or_default().push(r);
    }
    let mut out = ResponsesBuilder::new();
    for (status, rs) in by_status {
        let mut b = ResponseBuilder::new().description(rs[0].description.clone());
        for r in &rs {
            if let Some((media, schema)) = &r.content {
                b = b.content(
                    *media,
                    ContentBuilder::new().schema(Some(schema.clone())).build(),
                );
            }
        }
        if rs.iter().any(|r| r.link_header) {
            b = b.header(
                "Link",
                HeaderBuilder::new()
                    .schema(
                        utoipa::openapi::ObjectBuilder::new()
                            .schema_type(Type::String)
                            .build(),
                    )
                    .description(Some(
                        "`<absolute URL of the next page>; rel=\"next\"` when more items follow",
                    ))
                    .build(),
            );
        }
        out = out.response(status.to_string(), b.build());
    }
    for (status, text) in errors(doc, public) {
        let mut b = ResponseBuilder::new().description(text).content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(ErrorBody::name())))
                .build(),
        );
        if status == 429 {
            b = b.header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(
                        utoipa::openapi::ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .minimum(Some(1)),
                    )
                    .description(Some("Seconds to wait"))
                    .build(),
            );
        }
        out = out.response(status.to_string(), b.build());
    }
    out.build()
}

pub fn document(endpoints: &[Endpoint]) -> OpenApi {
    let mut components = ComponentsBuilder::new()
        .security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        )
        .security_scheme(
            "operatorToken",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A mobile operator's token (MOB-1)"))
                    .build(),
            ),
        );
    let mut schemas = BTreeMap::new();
    schemas.insert(ErrorBody::name().into_owned(), ErrorBody::schema());
    let mut nested = Vec::new();
    ErrorBody::schemas(&mut nested);
    schemas.extend(nested);
    let mut paths = PathsBuilder::new();
    for e in endpoints {
        let doc = &e.doc;
        schemas.extend(doc.schemas.iter().cloned());
        let mut op = OperationBuilder::new()
            .operation_id(Some(operation_id(&e.method, e.path)))
            .summary(Some(e.summary))
            .parameters(Some(doc.parameters.clone()))
            .responses(responses(doc, e.public));
        op = if e.public {
            op.description(Some("No authentication: rate-limited per source address."))
                .securities(Some(Vec::<SecurityRequirement>::new()))
        } else if e.operator {
            op.description(Some(
                "Requires a mobile operator's token (made by a hub Administrator with the operator); staff tokens are refused.",
            ))
            .security(SecurityRequirement::new(
                "operatorToken",
                Vec::<String>::new(),
            ))
        } else {
            op.description(Some(format!("Requires capability `{:?}`.", e.capability)))
                .security(SecurityRequirement::new("bearer", Vec::<String>::new()))
        };
        if let Some(body) = &doc.body {
            let mut rb = RequestBodyBuilder::new()
                .required(Some(if body.required {
                    utoipa::openapi::Required::True
                } else {
                    utoipa::openapi::Required::False
                }))
                .description(body.description);
            for (media, schema) in &body.content {
                rb = rb.content(
                    *media,
                    ContentBuilder::new().schema(Some(schema.clone())).build(),
                );
            }
            op = op.request_body(Some(rb.build()));
        }
        paths = paths.path(e.path, PathItem::new(http_method(&e.method), op.build()));
    }
    for (name, schema) in schemas {
        components = components.schema(name, schema);
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Patchbay API")
                .version(crate::state::VERSION)
                .description(Some("Operations and calling-provisioning API of the Patchbay hub. Webex conventions: camelCase JSON, {\"items\": [...]} lists paged with max and Link rel=\"next\", Webex error bodies. Unknown query parameters and body fields are refused with a 400 naming them.")),
        )
        .paths(paths.build())
        .components(Some(components.build()))
        .build()
}

/// Request bodies refuse fields they do not name (`deny_unknown_fields` on every request type, a
/// test holds each operation to it): their schemas, and the schemas they use, are closed with
/// `additionalProperties: false`.
fn close_request_schemas(doc: &mut serde_json::Value) {
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::String(r)) = m.get("$ref") {
                    if let Some(name) = r.strip_prefix("#/components/schemas/") {
                        out.push(name.to_string());
                    }
                }
                m.values().for_each(|x| refs(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut todo = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) {
        for item in paths.values().filter_map(|i| i.as_object()) {
            for op in item.values() {
                if let Some(body) = op.get("requestBody") {
                    refs(body, &mut todo);
                }
            }
        }
    }
    let mut closed = std::collections::HashSet::new();
    while let Some(name) = todo.pop() {
        if !closed.insert(name.clone()) {
            continue;
        }
        let Some(schema) = doc.pointer_mut(&format!("/components/schemas/{name}")) else {
            continue;
        };
        refs(schema, &mut todo);
        if let Some(obj) = schema.as_object_mut() {
            if obj.contains_key("properties") {
                obj.insert(
                    "additionalProperties".into(),
                    serde_json::Value::Bool(false),
                );
            }
        }
    }
}

/// The served document.
pub fn json(endpoints: &[Endpoint]) -> serde_json::Value {
    let mut v = serde_json::to_value(document(endpoints)).unwrap_or_default();
    close_request_schemas(&mut v);
    v
}

pub async fn serve() -> Json<serde_json::Value> {
    Json(json(&super::api::endpoints()))
}
