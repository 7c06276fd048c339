//! What API handlers take from a request, parsed strictly and documented by type: a JSON body
//! ([`JsonBody`], [`OptJsonBody`]), declared query parameters ([`ApiQuery`]) and Webex list
//! parameters ([`ListQuery`]: `max`, `start` and the list's filters). Anything a handler does not
//! declare is refused with a 400 that names it — an unknown filter is never silently ignored.

use crate::error::AppError;
use crate::http::catalog::{BodyDoc, DocInput, OpDoc};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use patchbay_domain::validation::check_chars;
use patchbay_domain::{FieldError, Rule};
use patchbay_store::list::SortColumns;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use utoipa::openapi::path::ParameterIn;

/// The body as bytes; a body over the limit is 413, anything else unreadable 400.
async fn body_bytes<S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<axum::body::Bytes, AppError> {
    axum::body::Bytes::from_request(req, state)
        .await
        .map_err(|e| match e {
            axum::extract::rejection::BytesRejection::FailedToBufferBody(f)
                if f.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE =>
            {
                AppError::TooLarge
            }
            other => AppError::Malformed(other.body_text()),
        })
}

/// Deserialize JSON, turning serde's complaint into a field-level error where it names a field.
fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner().to_string();
        // serde: "unknown field `x`, expected one of `a`, `b`" (deny_unknown_fields).
        if let Some(rest) = inner.strip_prefix("unknown field `") {
            if let Some((name, tail)) = rest.split_once('`') {
                // The path may or may not already end with the unknown field's name.
                let field = if path == "." {
                    name.to_string()
                } else if path == name || path.ends_with(&format!(".{name}")) {
                    path.clone()
                } else {
                    format!("{path}.{name}")
                };
                let allowed = tail
                    .trim_start_matches(", expected one of ")
                    .trim_start_matches(", expected ")
                    .trim_start_matches(", there are no fields")
                    .replace('`', "");
                return AppError::Validation(vec![FieldError::new(
                    field,
                    Rule::Unknown {
                        allowed: first_line(&allowed),
                    },
                )]);
            }
        }
        if path == "." {
            AppError::Malformed(inner)
        } else {
            AppError::Malformed(format!("{path}: {inner}"))
        }
    })
}

fn first_line(s: &str) -> String {
    s.split(" at line ").next().unwrap_or(s).trim().to_string()
}

/// A JSON body (`application/json`). Request types refuse unknown fields, so a misspelt field is a
/// 400 naming it rather than a change silently not made.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let bytes = body_bytes(req, state).await?;
        from_json(&bytes).map(JsonBody)
    }
}

impl<T: utoipa::ToSchema> DocInput for JsonBody<T> {
    fn describe(op: &mut OpDoc) {
        let schema = op.schema::<T>();
        op.body = Some(BodyDoc {
            content: vec![("application/json", schema)],
            required: true,
            description: None,
        });
    }
}

/// A JSON body that may be absent: an empty body is `None` (wxc_sdk sends `PUT …/members` with
/// no body to mean "no members").
pub struct OptJsonBody<T>(pub Option<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for OptJsonBody<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptJsonBody(None));
        }
        from_json(&bytes).map(|v| OptJsonBody(Some(v)))
    }
}

impl<T: utoipa::ToSchema> DocInput for OptJsonBody<T> {
    fn describe(op: &mut OpDoc) {
        let schema = op.schema::<T>();
        op.body = Some(BodyDoc {
            content: vec![("application/json", schema)],
            required: false,
            description: Some("May be empty."),
        });
    }
}

/// The raw body of an upload, for `PUT /v1/me/avatar` (PNG, JPEG or GIF).
pub struct ImageBody(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for ImageBody {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        body_bytes(req, state).await.map(ImageBody)
    }
}

impl DocInput for ImageBody {
    fn describe(op: &mut OpDoc) {
        use super::schema::binary;
        op.body = Some(BodyDoc {
            content: vec![
                ("image/png", binary()),
                ("image/jpeg", binary()),
                ("image/gif", binary()),
            ],
            required: true,
            description: Some("The image itself, at most 256 KiB."),
        });
    }
}

/// The names of the query parameters `Q` declares.
fn declared<Q: utoipa::IntoParams>() -> Vec<String> {
    Q::into_params(|| Some(ParameterIn::Query))
        .into_iter()
        .map(|p| p.name)
        .collect()
}

/// Check every pair of `query` against `allowed` (unknown names, control characters), then
/// deserialize it as `Q`.
fn parse_query<Q: DeserializeOwned>(query: &str, allowed: &[String]) -> Result<Q, AppError> {
    let mut errors = Vec::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        if k.is_empty() && v.is_empty() {
            continue;
        }
        if !allowed.iter().any(|a| *a == k) {
            let mut name = k.chars().take(64).collect::<String>();
            if check_chars(&name, false).is_err() {
                name = name.chars().filter(|c| !c.is_control()).collect();
            }
            errors.push(FieldError::new(
                name,
                Rule::Unknown {
                    allowed: if allowed.is_empty() {
                        "(none)".into()
                    } else {
                        allowed.join(", ")
                    },
                },
            ));
        } else if let Err(rule) = check_chars(&v, false) {
            errors.push(FieldError::new(k.into_owned(), rule));
        }
    }
    if !errors.is_empty() {
        errors.dedup_by(|a, b| a.field == b.field);
        return Err(AppError::Validation(errors));
    }
    let de = serde_html_form::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        if path == "." || path.is_empty() {
            AppError::Malformed(format!("query: {}", e.inner()))
        } else {
            AppError::Validation(vec![FieldError::new(path, Rule::Invalid)])
        }
    })
}

/// Query parameters of the declared type `Q` (`IntoParams` documents them). Unknown parameters,
/// values that do not parse and control characters are 400s naming the parameter.
pub struct ApiQuery<Q>(pub Q);

impl<Q, S> FromRequestParts<S> for ApiQuery<Q>
where
    Q: DeserializeOwned + utoipa::IntoParams,
    S: Send + Sync,
{
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parse_query(parts.uri.query().unwrap_or(""), &declared::<Q>()).map(ApiQuery)
    }
}

impl<Q: utoipa::IntoParams> DocInput for ApiQuery<Q> {
    fn describe(op: &mut OpDoc) {
        op.query_params::<Q>();
    }
}

/// Most items one page may hold, and the largest `start` accepted.
pub const MAX_PAGE: i64 = patchbay_store::PageRequest::MAX;
pub const MAX_START: i64 = 1_000_000_000;

/// Webex paging: `max` items from offset `start`, or after `cursor` — what the `Link` header's
/// next URL carries; follow it rather than computing either.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Page size.
    #[param(minimum = 1, maximum = 1000)]
    pub max: Option<i64>,
    /// Offset of the first item.
    #[param(minimum = 0, maximum = 1000000000)]
    pub start: Option<i64>,
    /// Where the page starts in the list's order (keyset paging: items deleted during the walk
    /// shift nothing). Opaque: taken from the next URL of the `Link` header.
    pub cursor: Option<String>,
}

impl Paging {
    /// Refuse out-of-range values (field-level, naming `max` or `start`).
    pub fn checked(self) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        if let Some(m) = self.max {
            if !(1..=MAX_PAGE).contains(&m) {
                errors.push(FieldError::new(
                    "max",
                    Rule::Range {
                        min: 1,
                        max: MAX_PAGE,
                    },
                ));
            }
        }
        if let Some(c) = self.cursor.as_deref() {
            if patchbay_store::list::Cursor::decode(c).is_none() {
                errors.push(FieldError::new("cursor", Rule::Invalid));
            } else if self.start.is_some_and(|s| s != 0) {
                errors.push(FieldError::new("start", Rule::NotAllowed));
            }
        }
        if let Some(s) = self.start {
            if !(0..=MAX_START).contains(&s) {
                errors.push(FieldError::new(
                    "start",
                    Rule::Range {
                        min: 0,
                        max: MAX_START,
                    },
                ));
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(AppError::Validation(errors))
        }
    }

    pub fn page(&self, default_max: i64) -> patchbay_store::PageRequest {
        let max = self.max.unwrap_or(default_max);
        match self
            .cursor
            .as_deref()
            .and_then(patchbay_store::list::Cursor::decode)
        {
            Some(c) => patchbay_store::PageRequest::after(c, max),
            None => patchbay_store::PageRequest::new(self.start.unwrap_or(0), max),
        }
    }
}

/// Where a list's next page is: this request's URL with `start` moved on.
#[derive(Debug, Clone)]
pub struct ListUrl {
    host: String,
    path: String,
    pairs: Vec<(String, String)>,
}

impl ListUrl {
    /// `<https://host/path?…&start=N&max=M>; rel="next"`: every other parameter as given.
    pub fn next(&self, start: i64, max: i64) -> Option<HeaderValue> {
        self.link(("start", start.to_string()), max)
    }

    /// The next page's link after `cursor` (keyset paging).
    pub fn next_after(
        &self,
        cursor: &patchbay_store::list::Cursor,
        max: i64,
    ) -> Option<HeaderValue> {
        self.link(("cursor", cursor.encode()), max)
    }

    fn link(&self, (name, value): (&str, String), max: i64) -> Option<HeaderValue> {
        let mut pairs: Vec<(String, String)> = self
            .pairs
            .iter()
            .filter(|(k, _)| k != "start" && k != "max" && k != "cursor")
            .cloned()
            .collect();
        pairs.push((name.into(), value));
        pairs.push(("max".into(), max.to_string()));
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        HeaderValue::from_str(&format!(
            "<https://{}{}?{query}>; rel=\"next\"",
            self.host, self.path
        ))
        .ok()
    }
}

/// A list without a choice of order.
#[derive(Debug, Clone, Copy)]
pub enum NoSort {}

impl SortColumns for NoSort {
    fn all() -> &'static [(Self, &'static str)] {
        &[]
    }
    fn column(self) -> &'static str {
        match self {}
    }
}

/// `sortBy` and `sortOrder` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SortParams {
    sort_by: Option<String>,
    sort_order: Option<String>,
}

fn sort_params<C: SortColumns>() -> Vec<utoipa::openapi::path::Parameter> {
    use utoipa::openapi::path::ParameterBuilder;
    let names: Vec<&str> = C::all().iter().map(|(_, n)| *n).collect();
    if names.is_empty() {
        return Vec::new();
    }
    vec![
        ParameterBuilder::new()
            .name("sortBy")
            .parameter_in(ParameterIn::Query)
            .description(Some("Column to sort by."))
            .schema(Some(super::schema::one_of(names)))
            .build(),
        ParameterBuilder::new()
            .name("sortOrder")
            .parameter_in(ParameterIn::Query)
            .description(Some("`asc` (default) or `desc`; needs `sortBy`."))
            .schema(Some(super::schema::one_of(["asc", "desc"])))
            .build(),
    ]
}

fn parse_sort<C: SortColumns>(
    p: SortParams,
) -> Result<Option<(C, patchbay_store::SortOrder)>, AppError> {
    let by = p.sort_by.filter(|s| !s.is_empty());
    let order = p.sort_order.filter(|s| !s.is_empty());
    let Some(by) = by else {
        return match order {
            Some(_) => Err(AppError::field("sortBy", Rule::Required)),
            None => Ok(None),
        };
    };
    let col = C::all()
        .iter()
        .find(|(_, n)| *n == by)
        .map(|(c, _)| *c)
        .ok_or_else(|| {
            AppError::field(
                "sortBy",
                Rule::OneOf {
                    allowed: C::all()
                        .iter()
                        .map(|(_, n)| *n)
                        .collect::<Vec<_>>()
                        .join(", "),
                },
            )
        })?;
    let dir = match order.as_deref().unwrap_or("asc") {
        "asc" => patchbay_store::SortOrder::Asc,
        "desc" => patchbay_store::SortOrder::Desc,
        _ => {
            return Err(AppError::field(
                "sortOrder",
                Rule::OneOf {
                    allowed: "asc, desc".into(),
                },
            ))
        }
    };
    Ok(Some((col, dir)))
}

/// A Webex list request: [`Paging`], the list's filters `Q` and, for sortable lists, the order
/// (`C`'s columns), all from one query string.
pub struct ListQuery<Q, C: SortColumns = NoSort> {
    pub filter: Q,
    pub paging: Paging,
    pub sort: Option<(C, patchbay_store::SortOrder)>,
    pub url: ListUrl,
}

impl<Q, C: SortColumns> ListQuery<Q, C> {
    pub fn page(&self, default_max: i64) -> patchbay_store::PageRequest {
        self.paging.page(default_max)
    }
}

impl<Q, C, S> FromRequestParts<S> for ListQuery<Q, C>
where
    Q: DeserializeOwned + utoipa::IntoParams,
    C: SortColumns,
    S: Send + Sync,
{
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or("");
        let mut allowed = declared::<Paging>();
        allowed.extend(declared::<Q>());
        allowed.extend(sort_params::<C>().into_iter().map(|p| p.name));
        // Each part parses the same query and ignores the others' parameters; a parameter no
        // part declares is refused.
        let filter = parse_query::<Q>(query, &allowed)?;
        let paging = parse_query::<Paging>(query, &allowed)?.checked()?;
        let sort = if C::all().is_empty() {
            None
        } else {
            parse_sort::<C>(parse_query::<SortParams>(query, &allowed)?)?
        };
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| parts.uri.authority().map(|a| a.as_str()))
            .unwrap_or("localhost")
            .to_string();
        let url = ListUrl {
            host,
            path: parts.uri.path().to_string(),
            pairs: url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
        };
        Ok(ListQuery {
            filter,
            paging,
            sort,
            url,
        })
    }
}

impl<Q: utoipa::IntoParams, C: SortColumns> DocInput for ListQuery<Q, C> {
    fn describe(op: &mut OpDoc) {
        op.query_params::<Paging>();
        op.query_params::<Q>();
        op.parameters.extend(sort_params::<C>());
    }
}

/// A list without filters of its own.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct NoFilter {}

/// Accepts `null` as "clear" and absence as "keep": `Option<Option<T>>`.
pub fn double_option<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// An id taken from the path (`/…/{id}`): one that does not parse names nothing, so it is 404.
pub fn id_from_path<T: std::str::FromStr>(raw: &str) -> Result<T, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}
