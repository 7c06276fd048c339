//! The tus resumable-upload protocol (1.0.0: core, creation, termination, checksum, expiration)
//! for releases of the software repository (SWR-1). Served twice with the same handlers: under
//! the API (`/v1/operations/repository/uploads`, bearer token: any tus client) and under the
//! console (`/com/repository/uploads`, the session cookie and its CSRF token in a header: the
//! console's own script).
//!
//! This module only reads and writes the protocol's headers; what an upload may be and how its
//! bytes are kept is `service::repository`. `Location` is a path without scheme or host, so that
//! behind TLS offload or a reverse proxy the client resolves it against the address it used.

use super::catalog::{BodyDoc, DocInput, DocOutput, OpDoc, ResponseDoc};
use crate::auth::Caller;
use crate::error::AppError;
use crate::service::repository::{self as svc, AppendError};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use patchbay_domain::repository::{
    self as repo, MAX_RELEASE_SIZE, TUS_CHECKSUMS, TUS_EXTENSIONS, TUS_VERSION,
};
use patchbay_domain::Rule;
use patchbay_store::repository::Upload;
use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Required, Type};

/// The API's upload collection.
pub const API_PATH: &str = "/v1/operations/repository/uploads";
/// The console's.
pub const CONSOLE_PATH: &str = "/com/repository/uploads";

/// Whether a request to `path` streams its body (no request body limit): PATCHes of uploads.
pub fn streams_body(path: &str) -> bool {
    [API_PATH, CONSOLE_PATH].iter().any(|p| {
        path.strip_prefix(p)
            .is_some_and(|rest| rest.starts_with('/'))
    })
}

const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
const UPLOAD_METADATA: HeaderName = HeaderName::from_static("upload-metadata");
const UPLOAD_EXPIRES: HeaderName = HeaderName::from_static("upload-expires");
const UPLOAD_CHECKSUM: HeaderName = HeaderName::from_static("upload-checksum");
const UPLOAD_DEFER: HeaderName = HeaderName::from_static("upload-defer-length");
const RELEASE_HEADER: HeaderName = HeaderName::from_static("patchbay-release");
/// The media type of a PATCH body.
pub const OFFSET_STREAM: &str = "application/offset+octet-stream";

fn text(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
}

/// A header carrying a non-negative integer; `Err` names the header when it is malformed.
fn number(headers: &HeaderMap, name: &HeaderName) -> Result<Option<u64>, AppError> {
    match text(headers, name) {
        None => Ok(None),
        Some(v) => v
            .parse::<u64>()
            .map(Some)
            .map_err(|_| AppError::field(header_field(name), Rule::Invalid)),
    }
}

/// A header's name as the error's field (`uploadLength` …).
fn header_field(name: &HeaderName) -> &'static str {
    match name.as_str() {
        "upload-offset" => "uploadOffset",
        "upload-length" => "uploadLength",
        "upload-metadata" => "uploadMetadata",
        "upload-checksum" => "uploadChecksum",
        "tus-resumable" => "tusResumable",
        _ => "header",
    }
}

/// The request's tus headers: every request but OPTIONS must speak version 1.0.0 (else 412).
pub struct TusHeaders(pub HeaderMap);

impl<S: Send + Sync> FromRequestParts<S> for TusHeaders {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        if text(&parts.headers, &TUS_RESUMABLE).as_deref() != Some(TUS_VERSION) {
            let mut r = AppError::Malformed(format!(
                "Tus-Resumable must be {TUS_VERSION}: the only tus version served"
            ))
            .into_response();
            *r.status_mut() = StatusCode::PRECONDITION_FAILED;
            r.headers_mut()
                .insert("tus-version", HeaderValue::from_static(TUS_VERSION));
            return Err(r);
        }
        Ok(Self(parts.headers.clone()))
    }
}

fn header_param(name: &str, required: bool, description: &str) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(if required {
            Required::True
        } else {
            Required::False
        })
        .description(Some(description))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build()
}

impl DocInput for TusHeaders {
    fn describe(op: &mut OpDoc) {
        op.parameters.push(header_param(
            "Tus-Resumable",
            true,
            "The tus protocol version: 1.0.0.",
        ));
        let body = op.schema::<crate::error::ErrorBody>();
        op.respond(ResponseDoc {
            status: 412,
            description: "Tus-Resumable is not 1.0.0 (Tus-Version says what is served).".into(),
            content: Some(("application/json", body)),
            link_header: false,
        });
    }
}

/// Creation's headers (documented; read from [`TusHeaders`]).
pub struct CreationHeaders;
impl<S: Send + Sync> FromRequestParts<S> for CreationHeaders {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(_: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self)
    }
}
impl DocInput for CreationHeaders {
    fn describe(op: &mut OpDoc) {
        op.parameters.push(header_param(
            "Upload-Length",
            true,
            "The release file's size in bytes (at most 16 GiB).",
        ));
        op.parameters.push(header_param(
            "Upload-Metadata",
            true,
            "Comma-separated `key base64(value)` pairs: `filename`, `version`, `profile` \
             (ip500v2, server-edition, accs) required; `phoneFirmware` optional.",
        ));
    }
}

/// A PATCH body: the upload's next bytes (`application/offset+octet-stream`), streamed.
pub struct PatchBody(pub Body);

impl<S: Send + Sync> axum::extract::FromRequest<S> for PatchBody {
    type Rejection = AppError;
    async fn from_request(req: axum::extract::Request, _: &S) -> Result<Self, AppError> {
        let media = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if media.split(';').next().map(str::trim) != Some(OFFSET_STREAM) {
            return Err(AppError::field(
                "Content-Type",
                Rule::OneOf {
                    allowed: OFFSET_STREAM.into(),
                },
            ));
        }
        Ok(Self(req.into_body()))
    }
}

impl DocInput for PatchBody {
    fn describe(op: &mut OpDoc) {
        op.parameters.push(header_param(
            "Upload-Offset",
            true,
            "Where these bytes go: the upload's current offset (HEAD tells it).",
        ));
        op.parameters.push(header_param(
            "Upload-Checksum",
            false,
            "`sha1 <base64>` or `sha256 <base64>` of this request's bytes; a mismatch keeps \
             nothing (460).",
        ));
        op.body = Some(BodyDoc {
            content: vec![(OFFSET_STREAM, crate::http::api::schema::binary())],
            required: true,
            description: Some("The upload's bytes from Upload-Offset on."),
        });
    }
}

/// An HTTP date (`Upload-Expires`).
pub(crate) fn http_date(t: jiff::Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn put(r: &mut Response, name: HeaderName, value: impl ToString) {
    if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
        r.headers_mut().insert(name, v);
    }
}

/// Every tus answer says the protocol version.
fn tus(mut r: Response) -> Response {
    r.headers_mut()
        .insert(TUS_RESUMABLE, HeaderValue::from_static(TUS_VERSION));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The answer of a tus operation (its headers are the protocol).
pub struct TusReply {
    status: StatusCode,
    headers: Vec<(HeaderName, String)>,
    /// What the documentation says the operation answers.
    _doc: (),
}

impl TusReply {
    fn new(status: StatusCode) -> Self {
        Self {
            status,
            headers: Vec::new(),
            _doc: (),
        }
    }
    fn header(mut self, name: HeaderName, value: impl ToString) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
}

impl IntoResponse for TusReply {
    fn into_response(self) -> Response {
        let mut r = self.status.into_response();
        for (n, v) in self.headers {
            put(&mut r, n, v);
        }
        tus(r)
    }
}

/// Documents each tus operation's answers (the statuses a tus client acts on).
pub struct Documented<const OP: u8>(TusReply);

impl<const OP: u8> IntoResponse for Documented<OP> {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

const OPTIONS_OP: u8 = 0;
const CREATE_OP: u8 = 1;
const HEAD_OP: u8 = 2;
const PATCH_OP: u8 = 3;
const DELETE_OP: u8 = 4;

impl<const OP: u8> DocOutput for Documented<OP> {
    fn describe(op: &mut OpDoc) {
        let answers: &[(u16, &str)] = match OP {
            OPTIONS_OP => &[(
                204,
                "The server's tus capabilities: Tus-Version, Tus-Extension, Tus-Max-Size, \
                 Tus-Checksum-Algorithm.",
            )],
            CREATE_OP => &[
                (
                    201,
                    "Created: Location is the upload's path (relative), Upload-Expires when an \
                     untouched upload is forgotten.",
                ),
                (409, "A release of that profile and version exists, or too many unfinished uploads."),
                (413, "Upload-Length is over Tus-Max-Size."),
            ],
            HEAD_OP => &[
                (200, "Upload-Offset (bytes kept so far), Upload-Length, Upload-Metadata, Upload-Expires."),
                (404, "No such unfinished upload of yours (expired, finished or deleted)."),
            ],
            PATCH_OP => &[
                (
                    204,
                    "Kept: Upload-Offset is the new offset, Upload-Expires when the upload is \
                     forgotten unless touched again. The PATCH that completes the upload answers \
                     with Patchbay-Release, the release's id.",
                ),
                (409, "Upload-Offset is not the upload's offset: HEAD, then resume."),
                (413, "More bytes than the upload's length."),
                (460, "Upload-Checksum does not match the bytes: nothing was kept."),
            ],
            _ => &[(204, "The upload and its bytes are gone.")],
        };
        for (status, text) in answers {
            let content = (*status >= 400)
                .then(|| ("application/json", op.schema::<crate::error::ErrorBody>()));
            op.respond(ResponseDoc {
                status: *status,
                description: (*text).into(),
                content,
                link_header: false,
            });
        }
    }
}

/// `OPTIONS`: what this server speaks.
pub async fn options() -> Documented<OPTIONS_OP> {
    Documented(
        TusReply::new(StatusCode::NO_CONTENT)
            .header(HeaderName::from_static("tus-version"), TUS_VERSION)
            .header(HeaderName::from_static("tus-extension"), TUS_EXTENSIONS)
            .header(HeaderName::from_static("tus-max-size"), MAX_RELEASE_SIZE)
            .header(
                HeaderName::from_static("tus-checksum-algorithm"),
                TUS_CHECKSUMS,
            ),
    )
}

/// The collection an upload's path hangs under: the API's or the console's.
fn base_of(uri: &axum::http::Uri) -> &'static str {
    if uri.path().starts_with(CONSOLE_PATH) {
        CONSOLE_PATH
    } else {
        API_PATH
    }
}

/// `POST`: create an upload (creation).
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    uri: axum::http::Uri,
    TusHeaders(h): TusHeaders,
    _: CreationHeaders,
) -> Result<Documented<CREATE_OP>, AppError> {
    if h.contains_key(&UPLOAD_DEFER) {
        return Err(AppError::field("uploadDeferLength", Rule::Unsupported));
    }
    // Creation with upload is not served: a body here would be dropped.
    if number(&h, &header::CONTENT_LENGTH)?.is_some_and(|n| n > 0) {
        return Err(AppError::Malformed(
            "creation takes no body: send the bytes with PATCH".into(),
        ));
    }
    let length = number(&h, &UPLOAD_LENGTH)?
        .ok_or_else(|| AppError::field("uploadLength", Rule::Required))?;
    let meta = text(&h, &UPLOAD_METADATA).unwrap_or_default();
    let pairs = repo::parse_metadata(&meta)
        .ok_or_else(|| AppError::field("uploadMetadata", Rule::Invalid))?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let release =
        repo::release_meta(get("filename"), get("version"), get("profile")).map_err(|errs| {
            AppError::Validation(
                errs.into_iter()
                    .map(|(f, r)| patchbay_domain::FieldError::new(f, r))
                    .collect(),
            )
        })?;
    let firmware = get("phoneFirmware").unwrap_or("").trim();
    let up = svc::create_upload(&state, &caller, &release, firmware, length).await?;
    Ok(Documented(
        TusReply::new(StatusCode::CREATED)
            .header(header::LOCATION, format!("{}/{}", base_of(&uri), up.id))
            .header(UPLOAD_OFFSET, 0)
            .header(UPLOAD_EXPIRES, http_date(up.expires_at)),
    ))
}

fn metadata_of(up: &Upload) -> String {
    use base64::Engine;
    let b = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let mut out = format!(
        "filename {},version {},profile {}",
        b(&up.name),
        b(&up.version),
        b(&up.profile)
    );
    if !up.phone_firmware.is_empty() {
        out.push_str(&format!(",phoneFirmware {}", b(&up.phone_firmware)));
    }
    out
}

/// `HEAD`: how far an upload got.
pub async fn head(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    TusHeaders(_): TusHeaders,
) -> Result<Documented<HEAD_OP>, AppError> {
    let up = svc::upload(&state, &caller, &id).await?;
    Ok(Documented(
        TusReply::new(StatusCode::OK)
            .header(UPLOAD_OFFSET, up.offset)
            .header(UPLOAD_LENGTH, up.length)
            .header(UPLOAD_METADATA, metadata_of(&up))
            .header(UPLOAD_EXPIRES, http_date(up.expires_at)),
    ))
}

/// `PATCH`: the next bytes.
pub async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    TusHeaders(h): TusHeaders,
    PatchBody(body): PatchBody,
) -> Result<Documented<PATCH_OP>, AppError> {
    let offset = number(&h, &UPLOAD_OFFSET)?
        .ok_or_else(|| AppError::field("uploadOffset", Rule::Required))?;
    let offset =
        i64::try_from(offset).map_err(|_| AppError::field("uploadOffset", Rule::Invalid))?;
    let checksum = match text(&h, &UPLOAD_CHECKSUM) {
        None => None,
        Some(v) => Some(repo::parse_checksum(&v).map_err(|unsupported| {
            AppError::field(
                "uploadChecksum",
                if unsupported {
                    Rule::OneOf {
                        allowed: TUS_CHECKSUMS.into(),
                    }
                } else {
                    Rule::Invalid
                },
            )
        })?),
    };
    // The work runs on its own task: when the client's connection breaks, the server drops this
    // request's future, and the bytes that did arrive must still be counted.
    let done = tokio::spawn(async move {
        svc::append(
            &state,
            &caller,
            &id,
            offset,
            checksum,
            body.into_data_stream(),
        )
        .await
    })
    .await
    .map_err(|e| AppError::Internal(format!("upload task: {e}")))?;
    match done {
        Ok(a) => {
            let mut reply = TusReply::new(StatusCode::NO_CONTENT).header(UPLOAD_OFFSET, a.offset);
            match a.release {
                Some(r) => reply = reply.header(RELEASE_HEADER, r.id),
                // Each accepted PATCH gives the upload another idle period.
                None => {
                    let until =
                        jiff::Timestamp::now() + jiff::SignedDuration::from_millis(svc::IDLE_MS);
                    reply = reply.header(UPLOAD_EXPIRES, http_date(until));
                }
            }
            Ok(Documented(reply))
        }
        Err(AppendError::Checksum) => Err(AppError::ChecksumMismatch),
        Err(AppendError::App(e)) => Err(e),
    }
}

/// `DELETE`: forget an upload (termination).
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    TusHeaders(_): TusHeaders,
) -> Result<Documented<DELETE_OP>, AppError> {
    svc::terminate(&state, &caller, &id).await?;
    Ok(Documented(TusReply::new(StatusCode::NO_CONTENT)))
}

/// Every answer under the upload collections says the protocol version, errors included.
pub async fn tus_layer(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let path = req.uri().path();
    let ours = [API_PATH, CONSOLE_PATH].iter().any(|p| {
        path.strip_prefix(p)
            .is_some_and(|r| r.is_empty() || r.starts_with('/'))
    });
    let resp = next.run(req).await;
    if ours {
        tus(resp)
    } else {
        resp
    }
}
