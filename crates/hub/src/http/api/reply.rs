//! What API handlers answer, typed so that the OpenAPI document says exactly what is sent:
//! `Json<T>` (200), [`Paged`] (a Webex page with its `Link` header), [`Listed`] (a whole list),
//! [`NoContent`] (204), [`Created`] (201) and [`Image`].

use super::extract::{ListQuery, ListUrl};
use crate::http::catalog::{DocOutput, OpDoc, ResponseDoc};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use patchbay_store::list::SortColumns;
use serde::Serialize;
use std::marker::PhantomData;
use utoipa::openapi::{ArrayBuilder, ObjectBuilder, RefOr, Schema};

/// The key a Webex list is sent under.
pub trait ListKey {
    const KEY: &'static str;
}

macro_rules! list_key {
    ($name:ident, $key:literal) => {
        #[doc = concat!("Lists under `\"", $key, "\"`.")]
        pub struct $name;
        impl ListKey for $name {
            const KEY: &'static str = $key;
        }
    };
}

list_key!(ItemsKey, "items");
list_key!(MembersKey, "members");
list_key!(PhoneNumbersKey, "phoneNumbers");
list_key!(DevicesKey, "devices");

fn list_body<T: Serialize>(key: &str, items: Vec<T>) -> Response {
    let mut body = serde_json::Map::new();
    body.insert(
        key.to_string(),
        serde_json::to_value(items).unwrap_or(serde_json::Value::Array(Vec::new())),
    );
    axum::Json(serde_json::Value::Object(body)).into_response()
}

fn list_schema<T: utoipa::ToSchema>(op: &mut OpDoc, key: &str) -> RefOr<Schema> {
    let item = op.schema::<T>();
    RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .property(key, ArrayBuilder::new().items(item))
            .required(key)
            .build(),
    ))
}

/// One page of a Webex list: `{"<key>": [...]}` with `Link: <absolute next>; rel="next"` when
/// more items follow.
pub struct Paged<T, K = ItemsKey> {
    items: Vec<T>,
    next: Option<HeaderValue>,
    key: PhantomData<K>,
}

impl<T, K> Paged<T, K> {
    /// The page `q` asked for (`default_max` when it gave no `max`), of `total` matching items.
    pub fn new<Q, C: SortColumns>(
        q: &ListQuery<Q, C>,
        default_max: i64,
        items: Vec<T>,
        total: i64,
    ) -> Self {
        let page = q.page(default_max);
        Self::at(&q.url, page, items, total)
    }

    /// The page `q` asked for, whose next page starts after `last` (the key of its last item):
    /// the `Link` carries a cursor, so items deleted during the walk shift nothing.
    pub fn keyed<Q, C: SortColumns>(
        q: &ListQuery<Q, C>,
        default_max: i64,
        items: Vec<T>,
        total: i64,
        last: Option<patchbay_store::list::Cursor>,
    ) -> Self {
        let page = q.page(default_max);
        let shown = items.len() as i64;
        let next = match last {
            Some(c) if shown > 0 && page.start + shown < total => q.url.next_after(&c, page.max),
            _ => None,
        };
        Self {
            items,
            next,
            key: PhantomData,
        }
    }

    pub fn at(url: &ListUrl, page: patchbay_store::PageRequest, items: Vec<T>, total: i64) -> Self {
        let shown = items.len() as i64;
        let next = (shown > 0 && page.start + shown < total)
            .then(|| url.next(page.start + shown, page.max))
            .flatten();
        Self {
            items,
            next,
            key: PhantomData,
        }
    }
}

impl<T: Serialize, K: ListKey> IntoResponse for Paged<T, K> {
    fn into_response(self) -> Response {
        let mut resp = list_body(K::KEY, self.items);
        if let Some(link) = self.next {
            resp.headers_mut().insert(header::LINK, link);
        }
        resp
    }
}

impl<T: utoipa::ToSchema, K: ListKey> DocOutput for Paged<T, K> {
    fn describe(op: &mut OpDoc) {
        let schema = list_schema::<T>(op, K::KEY);
        op.respond(ResponseDoc {
            status: 200,
            description:
                "One page of the list; `Link: <next page>; rel=\"next\"` when more follow.".into(),
            content: Some(("application/json", schema)),
            link_header: true,
        });
    }
}

/// One object with a paged list inside it (a licence and the people holding it): `Json<T>`
/// with `Link: <next page>; rel="next"` when more of the list follow.
pub struct Linked<T> {
    pub body: T,
    next: Option<HeaderValue>,
}

impl<T> Linked<T> {
    /// `body`, whose list shows `shown` of `total` items of the page `q` asked for.
    pub fn new<Q, C: SortColumns>(
        q: &ListQuery<Q, C>,
        default_max: i64,
        body: T,
        shown: i64,
        total: i64,
    ) -> Self {
        let page = q.page(default_max);
        let next = (shown > 0 && page.start + shown < total)
            .then(|| q.url.next(page.start + shown, page.max))
            .flatten();
        Self { body, next }
    }

    /// [`Linked::new`] whose next page starts after `last` (keyset paging, see [`Paged::keyed`]).
    pub fn keyed<Q, C: SortColumns>(
        q: &ListQuery<Q, C>,
        default_max: i64,
        body: T,
        shown: i64,
        total: i64,
        last: Option<patchbay_store::list::Cursor>,
    ) -> Self {
        let page = q.page(default_max);
        let next = match last {
            Some(c) if shown > 0 && page.start + shown < total => q.url.next_after(&c, page.max),
            _ => None,
        };
        Self { body, next }
    }
}

impl<T: Serialize> IntoResponse for Linked<T> {
    fn into_response(self) -> Response {
        let mut resp = axum::Json(self.body).into_response();
        if let Some(link) = self.next {
            resp.headers_mut().insert(header::LINK, link);
        }
        resp
    }
}

impl<T: utoipa::ToSchema> DocOutput for Linked<T> {
    fn describe(op: &mut OpDoc) {
        let schema = op.schema::<T>();
        op.respond(ResponseDoc {
            status: 200,
            description: "OK; `Link: <next page>; rel=\"next\"` when more of its list follow."
                .into(),
            content: Some(("application/json", schema)),
            link_header: true,
        });
    }
}

/// A summary sent beside a list's items under its own key (the numbers' `count`).
pub trait Beside: Serialize + utoipa::ToSchema {
    const KEY: &'static str;
}

/// A [`Paged`] list with an optional [`Beside`] object next to the items.
pub struct PagedWith<T, K, X> {
    pub page: Paged<T, K>,
    pub beside: Option<X>,
}

impl<T: Serialize, K: ListKey, X: Beside> IntoResponse for PagedWith<T, K, X> {
    fn into_response(self) -> Response {
        let mut body = serde_json::Map::new();
        body.insert(
            K::KEY.to_string(),
            serde_json::to_value(self.page.items).unwrap_or(serde_json::Value::Array(Vec::new())),
        );
        if let Some(x) = self.beside {
            body.insert(
                X::KEY.to_string(),
                serde_json::to_value(x).unwrap_or_default(),
            );
        }
        let mut resp = axum::Json(serde_json::Value::Object(body)).into_response();
        if let Some(link) = self.page.next {
            resp.headers_mut().insert(header::LINK, link);
        }
        resp
    }
}

impl<T: utoipa::ToSchema, K: ListKey, X: Beside> DocOutput for PagedWith<T, K, X> {
    fn describe(op: &mut OpDoc) {
        let item = op.schema::<T>();
        let beside = op.schema::<X>();
        let schema = RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .property(K::KEY, ArrayBuilder::new().items(item))
                .required(K::KEY)
                .property(X::KEY, beside)
                .build(),
        ));
        op.respond(ResponseDoc {
            status: 200,
            description: format!(
                "One page of the list, with `{}` when asked for; `Link: <next page>; rel=\"next\"` when more follow.",
                X::KEY
            ),
            content: Some(("application/json", schema)),
            link_header: true,
        });
    }
}

/// A whole (short) list: `{"<key>": [...]}`.
pub struct Listed<T, K = ItemsKey>(pub Vec<T>, pub PhantomData<K>);

impl<T> Listed<T> {
    pub fn items(items: Vec<T>) -> Self {
        Listed(items, PhantomData)
    }
}

impl<T, K> Listed<T, K> {
    pub fn under(items: Vec<T>) -> Self {
        Listed(items, PhantomData)
    }
}

impl<T: Serialize, K: ListKey> IntoResponse for Listed<T, K> {
    fn into_response(self) -> Response {
        list_body(K::KEY, self.0)
    }
}

impl<T: utoipa::ToSchema, K: ListKey> DocOutput for Listed<T, K> {
    fn describe(op: &mut OpDoc) {
        let schema = list_schema::<T>(op, K::KEY);
        op.respond(ResponseDoc {
            status: 200,
            description: "OK".into(),
            content: Some(("application/json", schema)),
            link_header: false,
        });
    }
}

/// 204: done, nothing to send back.
pub struct NoContent;

impl IntoResponse for NoContent {
    fn into_response(self) -> Response {
        StatusCode::NO_CONTENT.into_response()
    }
}

impl DocOutput for NoContent {
    fn describe(op: &mut OpDoc) {
        op.respond(ResponseDoc {
            status: 204,
            description: "Done.".into(),
            content: None,
            link_header: false,
        });
    }
}

/// 201 without a body.
pub struct CreatedEmpty;

impl IntoResponse for CreatedEmpty {
    fn into_response(self) -> Response {
        StatusCode::CREATED.into_response()
    }
}

impl DocOutput for CreatedEmpty {
    fn describe(op: &mut OpDoc) {
        op.respond(ResponseDoc {
            status: 201,
            description: "Created.".into(),
            content: None,
            link_header: false,
        });
    }
}

/// 201 with the created resource.
pub struct Created<T>(pub T);

impl<T: Serialize> IntoResponse for Created<T> {
    fn into_response(self) -> Response {
        (StatusCode::CREATED, axum::Json(self.0)).into_response()
    }
}

impl<T: utoipa::ToSchema> DocOutput for Created<T> {
    fn describe(op: &mut OpDoc) {
        let schema = op.schema::<T>();
        op.respond(ResponseDoc {
            status: 201,
            description: "Created.".into(),
            content: Some(("application/json", schema)),
            link_header: false,
        });
    }
}

/// An image (PNG, JPEG or GIF) with its content type.
pub struct Image {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl IntoResponse for Image {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, self.content_type)], self.bytes).into_response()
    }
}

impl DocOutput for Image {
    fn describe(op: &mut OpDoc) {
        for media in ["image/png", "image/jpeg", "image/gif"] {
            op.respond(ResponseDoc {
                status: 200,
                description: "The image.".into(),
                content: Some((media, super::schema::binary())),
                link_header: false,
            });
        }
    }
}

/// 200: a zip archive sent as it is written (`Content-Disposition: attachment`).
pub struct ZipDownload {
    pub file_name: String,
    pub body: axum::body::Body,
}

impl IntoResponse for ZipDownload {
    fn into_response(self) -> Response {
        attachment("application/zip", &self.file_name, self.body)
    }
}

/// `Content-Disposition: attachment` with the file name made safe for the header.
fn attachment(content_type: &str, file_name: &str, body: axum::body::Body) -> Response {
    let name: String = file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// 200: a CSV file (UTF-8) sent as it is written (`Content-Disposition: attachment`).
pub struct CsvDownload {
    pub file_name: String,
    pub body: axum::body::Body,
}

impl IntoResponse for CsvDownload {
    fn into_response(self) -> Response {
        attachment("text/csv; charset=utf-8", &self.file_name, self.body)
    }
}

impl DocOutput for CsvDownload {
    fn describe(op: &mut OpDoc) {
        op.respond(ResponseDoc {
            status: 200,
            description: "The CSV file.".into(),
            content: Some(("text/csv", super::schema::binary())),
            link_header: false,
        });
    }
}

/// 202: accepted, to be worked through; the body says where to follow it.
pub struct Accepted<T>(pub T);

impl<T: Serialize> IntoResponse for Accepted<T> {
    fn into_response(self) -> Response {
        (StatusCode::ACCEPTED, axum::Json(self.0)).into_response()
    }
}

impl<T: utoipa::ToSchema> DocOutput for Accepted<T> {
    fn describe(op: &mut OpDoc) {
        let schema = op.schema::<T>();
        op.respond(ResponseDoc {
            status: 202,
            description: "Accepted.".into(),
            content: Some(("application/json", schema)),
            link_header: false,
        });
    }
}

impl DocOutput for ZipDownload {
    fn describe(op: &mut OpDoc) {
        op.respond(ResponseDoc {
            status: 200,
            description: "The archive.".into(),
            content: Some(("application/zip", super::schema::binary())),
            link_header: false,
        });
    }
}
