//! The REST API under `/v1` (API-1): Webex conventions — camelCase JSON, `{"items": […]}` lists
//! paged with `max` and an absolute `Link: <…>; rel="next"`, Webex error bodies, bearer tokens.

pub mod accounts;
pub mod alarms;
pub mod audit;
pub mod customers;
pub mod mail;
pub mod me;
pub mod preferences;
pub mod webex;

use crate::error::AppError;
use crate::http::catalog::Endpoint;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Every API endpoint.
pub fn endpoints() -> Vec<Endpoint> {
    let mut all = Vec::new();
    all.extend(accounts::endpoints());
    all.extend(preferences::endpoints());
    all.extend(audit::endpoints());
    all.extend(me::endpoints());
    all.extend(customers::endpoints());
    all.extend(alarms::endpoints());
    all.extend(mail::endpoints());
    all.extend(webex::endpoints());

    all
}

/// A JSON body whose errors name the offending field.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| AppError::Malformed(e.body_text()))?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de)
            .map(JsonBody)
            .map_err(|e| {
                let path = e.path().to_string();
                if path == "." {
                    AppError::Malformed(e.inner().to_string())
                } else {
                    AppError::Malformed(format!("{path}: {}", e.inner()))
                }
            })
    }
}

/// Paging query parameters (Webex: `max`; `start` is the offset our `Link` header carries).
#[derive(Debug, Deserialize, Default)]
pub struct Paging {
    pub max: Option<i64>,
    pub start: Option<i64>,
}

impl Paging {
    pub fn page(&self, default_max: i64) -> patchbay_store::Page {
        patchbay_store::Page::new(self.start.unwrap_or(0), self.max.unwrap_or(default_max))
    }
}

#[derive(Serialize)]
pub struct Items<T> {
    pub items: Vec<T>,
}

/// A list response with `Link: <absolute next>; rel="next"` when more items follow.
pub fn list_response<T: Serialize>(
    headers: &HeaderMap,
    uri: &axum::http::Uri,
    items: Vec<T>,
    page: patchbay_store::Page,
    total: i64,
) -> Response {
    keyed_list_response(headers, uri, "items", items, page, total)
}

/// A Webex list under `key` (`items`, `members`, `phoneNumbers` …), with the absolute next link.
pub fn keyed_list_response<T: Serialize>(
    headers: &HeaderMap,
    uri: &axum::http::Uri,
    key: &str,
    items: Vec<T>,
    page: patchbay_store::Page,
    total: i64,
) -> Response {
    let shown = items.len() as i64;
    let mut body = serde_json::Map::new();
    body.insert(
        key.to_string(),
        serde_json::to_value(items).unwrap_or(serde_json::Value::Array(Vec::new())),
    );
    let mut resp = axum::Json(serde_json::Value::Object(body)).into_response();
    if let Some(link) = next_link(headers, uri, page, shown, total) {
        resp.headers_mut().insert(header::LINK, link);
    }
    resp
}

/// `<https://host/path?every original param&start=N&max=M>; rel="next"` when more follow: the
/// next URL carries every query parameter of the request (clients follow it as given).
fn next_link(
    headers: &HeaderMap,
    uri: &axum::http::Uri,
    page: patchbay_store::Page,
    shown: i64,
    total: i64,
) -> Option<HeaderValue> {
    if shown == 0 || page.start + shown >= total {
        return None;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let mut pairs: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    pairs.retain(|(k, _)| k != "start" && k != "max");
    pairs.push(("start".into(), (page.start + shown).to_string()));
    pairs.push(("max".into(), page.max.to_string()));
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let link = format!("<https://{host}{}?{query}>; rel=\"next\"", uri.path());
    HeaderValue::from_str(&link).ok()
}

/// A JSON body that may be absent: an empty body is `None` (wxc_sdk sends `PUT …/members` with
/// no body to mean "no members").
pub struct OptJsonBody<T>(pub Option<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for OptJsonBody<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| AppError::Malformed(e.body_text()))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptJsonBody(None));
        }
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de)
            .map(|v| OptJsonBody(Some(v)))
            .map_err(|e| AppError::Malformed(format!("{}: {}", e.path(), e.inner())))
    }
}

/// Accepts `null` as "clear" and absence as "keep": `Option<Option<T>>`.
pub fn double_option<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}
