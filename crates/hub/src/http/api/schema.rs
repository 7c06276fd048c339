//! Schemas with the domain's limits, for fields whose rule lives in `patchbay_domain`: the
//! OpenAPI document reads the same constants the validation does.

use utoipa::openapi::{Object, ObjectBuilder, Type};

pub fn text(max: usize) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(max))
        .build()
}

/// Raw bytes (an image).
pub fn binary() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    utoipa::openapi::RefOr::T(utoipa::openapi::Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .content_media_type("application/octet-stream")
            .build(),
    ))
}

pub fn int(min: i64, max: i64) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Int64,
        )))
        .minimum(Some(min as f64))
        .maximum(Some(max as f64))
        .build()
}

pub fn one_of<'a>(values: impl IntoIterator<Item = &'a str>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.into_iter().map(str::to_string)))
        .build()
}

/// `fn name() -> Object { expr }`, for `#[schema(schema_with = name)]`.
#[macro_export]
macro_rules! schema_fn {
    ($($name:ident => $e:expr;)*) => {
        $(
            #[allow(dead_code)]
            pub fn $name() -> utoipa::openapi::Object {
                $e
            }
        )*
    };
}
