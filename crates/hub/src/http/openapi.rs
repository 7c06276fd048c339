//! `/v1/openapi.json`, generated from the route catalog and the wire types' schemas.

use super::catalog::Endpoint;
use crate::error::ErrorBody;
use axum::http::Method;
use axum::Json;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ArrayBuilder, ComponentsBuilder, ContentBuilder, InfoBuilder, ObjectBuilder, OpenApi,
    OpenApiBuilder, PathsBuilder, Ref, ResponseBuilder, ResponsesBuilder,
};
use utoipa::{PartialSchema, ToSchema};

fn http_method(m: &Method) -> HttpMethod {
    match *m {
        Method::POST => HttpMethod::Post,
        Method::PUT => HttpMethod::Put,
        Method::DELETE => HttpMethod::Delete,
        Method::PATCH => HttpMethod::Patch,
        _ => HttpMethod::Get,
    }
}

fn json_ref(name: &str) -> utoipa::openapi::Content {
    ContentBuilder::new()
        .schema(Some(Ref::from_schema_name(name)))
        .build()
}

pub fn document(endpoints: &[Endpoint]) -> OpenApi {
    let mut components = ComponentsBuilder::new()
        .schema(ErrorBody::name(), ErrorBody::schema())
        .security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    let mut paths = PathsBuilder::new();
    for e in endpoints {
        let mut responses = ResponsesBuilder::new();
        let ok = match e.response {
            Some(f) => {
                let (name, schema, nested) = f();
                for (n, s) in nested {
                    components = components.schema(n, s);
                }
                components = components.schema(name.clone(), schema);
                let content = if e.list {
                    let items = ArrayBuilder::new().items(Ref::from_schema_name(&name));
                    ContentBuilder::new()
                        .schema(Some(
                            ObjectBuilder::new()
                                .property("items", items)
                                .required("items"),
                        ))
                        .build()
                } else {
                    json_ref(&name)
                };
                ResponseBuilder::new()
                    .description("OK")
                    .content("application/json", content)
            }
            None => ResponseBuilder::new().description("OK"),
        };
        responses = responses.response(
            if e.method == Method::DELETE {
                "204"
            } else {
                "200"
            },
            ok.build(),
        );
        for (code, text) in [
            (
                "400",
                "Invalid input: each error names the field and the rule",
            ),
            ("401", "Missing or invalid bearer token"),
            ("403", "The caller's role does not allow this"),
            ("404", "Not found"),
            ("409", "Conflicts with the current state"),
            ("429", "Rate-limited; see Retry-After"),
        ] {
            responses = responses.response(
                code,
                ResponseBuilder::new()
                    .description(text)
                    .content("application/json", json_ref("ErrorBody"))
                    .build(),
            );
        }
        let mut op = OperationBuilder::new()
            .summary(Some(e.summary))
            .description(Some(format!("Requires capability `{:?}`.", e.capability)))
            .responses(responses.build())
            .security(SecurityRequirement::new("bearer", Vec::<String>::new()));
        if let Some(f) = e.request {
            let (name, schema, nested) = f();
            for (n, s) in nested {
                components = components.schema(n, s);
            }
            components = components.schema(name.clone(), schema);
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .content("application/json", json_ref(&name))
                    .required(Some(utoipa::openapi::Required::True))
                    .build(),
            ));
        }
        paths = paths.path(e.path, PathItem::new(http_method(&e.method), op.build()));
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Patchbay API")
                .version(crate::state::VERSION)
                .description(Some("Operations and calling-provisioning API of the Patchbay hub. Webex conventions: camelCase JSON, {\"items\": [...]} lists paged with max and Link rel=\"next\", Webex error bodies.")),
        )
        .paths(paths.build())
        .components(Some(components.build()))
        .build()
}

pub async fn serve() -> Json<OpenApi> {
    Json(document(&super::api::endpoints()))
}
