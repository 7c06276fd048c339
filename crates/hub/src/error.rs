//! One error type for every HTTP handler, with a single mapping to status codes and the
//! Webex-style body `{"message", "errors":[{"description","errorCode"}], "trackingId"}`.
//! Messages are rendered in English here; `http::localise_errors` re-renders them in the
//! caller's language (Accept-Language) with the Fluent files.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use patchbay_domain::calling::LicenceKind;
use patchbay_domain::FieldError;
use patchbay_store::StoreError;
use serde::Serialize;
use std::sync::Arc;

/// Documented error codes (docs/api.md).
pub mod code {
    pub const VALIDATION: u32 = 4000;
    pub const MALFORMED: u32 = 4001;
    pub const UNAUTHORIZED: u32 = 4010;
    pub const FORBIDDEN: u32 = 4030;
    pub const NOT_FOUND: u32 = 4040;
    pub const METHOD_NOT_ALLOWED: u32 = 4050;
    pub const CONFLICT: u32 = 4090;
    pub const TOO_LARGE: u32 = 4130;
    pub const URI_TOO_LONG: u32 = 4140;
    pub const RATE_LIMITED: u32 = 4290;
    pub const CHECKSUM: u32 = 4600;
    pub const INTERNAL: u32 = 5000;
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: one or more fields broke a rule.
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// 400: the request could not be read (bad JSON, bad query).
    #[error("{0}")]
    Malformed(String),
    #[error("authentication required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// 405: the path exists, not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409: the request conflicts with the current state (message id + English text).
    #[error("{1}")]
    Conflict(&'static str, String),
    /// 413: the body is over the limit.
    #[error("request body too large")]
    TooLarge,
    /// 413: a file (an upload's length) is over its limit, in bytes.
    #[error("file too large")]
    FileTooLarge { max_bytes: u64 },
    /// 414: the URL is over the limit.
    #[error("URI too long")]
    UriTooLong,
    /// 460 (tus checksum extension): the bytes do not match the checksum the client stated.
    #[error("checksum mismatch")]
    ChecksumMismatch,
    /// 429 with Retry-After.
    #[error("too many attempts")]
    RateLimited { retry_after_secs: u64 },
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &'static str, rule: patchbay_domain::Rule) -> Self {
        AppError::Validation(vec![FieldError::new(field, rule)])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Validation(_) | AppError::Malformed(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict(..) => StatusCode::CONFLICT,
            AppError::TooLarge | AppError::FileTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::ChecksumMismatch => {
                StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST)
            }
            AppError::UriTooLong => StatusCode::URI_TOO_LONG,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short name of the error kind, safe to store and log: it never carries request values.
    pub fn kind(&self) -> String {
        match self {
            AppError::Validation(fields) => format!(
                "invalid {}",
                fields
                    .iter()
                    .map(|f| f.field.as_ref())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            AppError::Malformed(_) => "malformed request".into(),
            AppError::Unauthorized => "unauthorized".into(),
            AppError::Forbidden => "forbidden".into(),
            AppError::NotFound => "not found".into(),
            AppError::MethodNotAllowed => "method not allowed".into(),
            AppError::Conflict(id, _) => (*id).to_string(),
            AppError::TooLarge => "body too large".into(),
            AppError::FileTooLarge { .. } => "file too large".into(),
            AppError::ChecksumMismatch => "checksum mismatch".into(),
            AppError::UriTooLong => "URI too long".into(),
            AppError::RateLimited { .. } => "rate limited".into(),
            AppError::Internal(_) => "internal error".into(),
        }
    }

    pub fn code(&self) -> u32 {
        match self {
            AppError::Validation(_) => code::VALIDATION,
            AppError::Malformed(_) => code::MALFORMED,
            AppError::Unauthorized => code::UNAUTHORIZED,
            AppError::Forbidden => code::FORBIDDEN,
            AppError::NotFound => code::NOT_FOUND,
            AppError::MethodNotAllowed => code::METHOD_NOT_ALLOWED,
            AppError::Conflict(..) => code::CONFLICT,
            AppError::TooLarge | AppError::FileTooLarge { .. } => code::TOO_LARGE,
            AppError::ChecksumMismatch => code::CHECKSUM,
            AppError::UriTooLong => code::URI_TOO_LONG,
            AppError::RateLimited { .. } => code::RATE_LIMITED,
            AppError::Internal(_) => code::INTERNAL,
        }
    }
}

/// The one mapping of the store's refusals to HTTP: a taken or missing value is a field error
/// under its API name (callers whose form names it otherwise use [`AppError::renamed`]); a row in
/// use or a rule on stored state is a 409 with its message id.
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        use patchbay_domain::Rule;
        use patchbay_store::{InUse, Missing, Refusal, Taken};
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Taken(t) => AppError::field(
                match t {
                    Taken::LoginName => "loginName",
                    Taken::CustomerName
                    | Taken::DistributorName
                    | Taken::ResellerName
                    | Taken::LocationName => "name",
                    Taken::CustomerKey => "customerId",
                    Taken::PersonEmail => "emails",
                    Taken::PhoneNumber => "phoneNumbers",
                    Taken::Extension => "extension",
                    Taken::Mac => "mac",
                    Taken::SipUserName => "sipUserName",
                    Taken::DeviceModel => "model",
                    Taken::ActivationCode => "code",
                    Taken::MobileLine => "personId",
                    Taken::ProxyUserName => "userName",
                    Taken::ReleaseVersion => "version",
                    Taken::CustomFileName => "name",
                    Taken::ImportRow => "row",
                    Taken::OperatorName => "name",
                    Taken::OperatorAccount => "operatorAccountId",
                    Taken::TrustedCertificate => "certificate",
                },
                Rule::Taken,
            ),
            StoreError::Missing(m) => AppError::field(
                match m {
                    Missing::Operator => "operators",
                    Missing::MobileOperator => "operatorId",
                    Missing::Distributor => "distributorId",
                    Missing::Reseller => "resellerId",
                    Missing::Location => "locationId",
                    Missing::Person => "personId",
                    Missing::Manager => "managerId",
                    Missing::Workspace => "workspaceId",
                    Missing::LineMember => "members",
                    Missing::PhoneNumber | Missing::LocationNumber => "phoneNumbers",
                },
                Rule::Invalid,
            ),
            StoreError::Cursor => AppError::field("cursor", Rule::Invalid),
            StoreError::LicenceExhausted(kind) => AppError::Conflict(
                match kind {
                    LicenceKind::Professional => "conflict-licence-professional",
                    LicenceKind::Basic => "conflict-licence-basic",
                    LicenceKind::Workspaces => "conflict-licence-workspaces",
                },
                format!(
                    "No {} licence is left: every unit is assigned. Ask your provider for more, or free one.",
                    kind.webex_name()
                ),
            ),
            StoreError::InUse(what) => {
                let (id, text) = match what {
                    InUse::Location => ("conflict-location-in-use", "The location is still in use."),
                    InUse::DeviceModel => ("conflict-model-in-use", "The model is still in use."),
                    InUse::PhoneNumber => ("conflict-number-in-use", "The number is still in use."),
                    InUse::Distributor => (
                        "conflict-provider-in-use",
                        "The distributor still has resellers or customers.",
                    ),
                    InUse::Reseller => (
                        "conflict-provider-in-use",
                        "The reseller still has customers.",
                    ),
                };
                AppError::Conflict(id, text.into())
            }
            StoreError::Refused(r) => match r {
                Refusal::AlarmOngoing => AppError::Conflict(
                    "conflict-alarm-ongoing",
                    "An ongoing alarm cannot be cleared.".into(),
                ),
                Refusal::WorkspaceDeviceLimit => AppError::Conflict(
                    "conflict-workspace-device-limit",
                    "The workspace has as many devices as its calling licence allows (professional: 5, common area: 1).".into(),
                ),
                Refusal::WorkspaceNoLicence => AppError::Conflict(
                    "conflict-workspace-no-licence",
                    "The workspace has no calling licence, so it cannot have devices.".into(),
                ),
                Refusal::WorkspaceLicenceDevices => AppError::Conflict(
                    "conflict-workspace-licence-devices",
                    "The workspace has more devices than that licence allows; remove devices first.".into(),
                ),
                Refusal::LicenceBelowConsumed(kind) => AppError::field(
                    match kind {
                        LicenceKind::Professional => "professional",
                        LicenceKind::Basic => "basic",
                        LicenceKind::Workspaces => "workspaces",
                    },
                    Rule::Range {
                        min: 0,
                        max: 1_000_000,
                    },
                ),
                Refusal::ResellerOfAnotherDistributor => {
                    AppError::field("resellerId", Rule::Invalid)
                }
                Refusal::TooManyUploads => AppError::Conflict(
                    "conflict-too-many-uploads",
                    format!(
                        "You already have {} unfinished uploads: finish or delete one first.",
                        patchbay_domain::repository::MAX_OPEN_UPLOADS
                    ),
                ),
                Refusal::MobileSubscriptionExhausted => {
                    AppError::field("subscriptionId", Rule::MobileSubscription)
                }
                Refusal::MobileBelowConsumed => AppError::field(
                    "mobileSubscriptions",
                    Rule::Range {
                        min: 0,
                        max: 1_000_000,
                    },
                ),
                Refusal::MobileChanged => AppError::Conflict(
                    "conflict-mobile-changed",
                    "The person changed while the mobile line was being added: check the person and try again.".into(),
                ),
                Refusal::OperatorNotAuthorized => AppError::Conflict(
                    "conflict-operator-not-authorized",
                    "The location's operator account is not authorised: numbers can be added once the operator has authorised it.".into(),
                ),
                Refusal::OperatorDecision => AppError::Conflict(
                    "conflict-operator-decision",
                    "This answer does not apply: only a pending request can fail, and an authorised account stays authorised.".into(),
                ),
                Refusal::MobileActivated => AppError::Conflict(
                    "conflict-mobile-activated",
                    "The mobile line is already activated: it needs no new code.".into(),
                ),
                Refusal::UploadOffset => AppError::Conflict(
                    "conflict-upload-offset",
                    "The upload is not at that offset: ask for its offset (HEAD) and resume from there.".into(),
                ),
            },
            // A NUL that no rule caught (PostgreSQL refuses it in text: 22021) is the client's
            // mistake, not a server error.
            StoreError::Db(sqlx_error) if is_nul_in_text(&sqlx_error) => AppError::Malformed(
                "Text values must not contain the NUL character.".into(),
            ),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl AppError {
    /// Field errors under the names a caller's form or body uses (`from` → `to`).
    pub fn renamed(self, names: &[(&str, &'static str)]) -> Self {
        match self {
            AppError::Validation(fields) => AppError::Validation(
                fields
                    .into_iter()
                    .map(|mut f| {
                        if let Some((_, to)) = names.iter().find(|(from, _)| *from == f.field) {
                            f.field = (*to).into();
                        }
                        f
                    })
                    .collect(),
            ),
            other => other,
        }
    }
}

fn is_nul_in_text(e: &patchbay_store::DbError) -> bool {
    patchbay_store::sqlstate(e).as_deref() == Some("22021")
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorItem {
    pub description: String,
    pub error_code: u32,
}

/// The Webex error body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub message: String,
    pub errors: Vec<ErrorItem>,
    pub tracking_id: String,
}

/// Texts of an error in one language; `localise` supplies the translation of each message id.
pub fn body_for(
    err: &AppError,
    tracking_id: String,
    localise: &dyn Fn(&AppError) -> (String, Vec<String>),
) -> ErrorBody {
    let (message, descriptions) = localise(err);
    ErrorBody {
        message,
        errors: descriptions
            .into_iter()
            .map(|description| ErrorItem {
                description,
                error_code: err.code(),
            })
            .collect(),
        tracking_id,
    }
}

/// English texts: the API's default language.
pub fn english(err: &AppError) -> (String, Vec<String>) {
    match err {
        AppError::Validation(fields) => (
            "The request has invalid fields.".into(),
            fields.iter().map(|f| f.to_string()).collect(),
        ),
        AppError::Malformed(m) => ("The request could not be read.".into(), vec![m.clone()]),
        AppError::Unauthorized => (
            "Authentication required.".into(),
            vec!["Send a valid bearer token in the Authorization header.".into()],
        ),
        AppError::Forbidden => (
            "Forbidden.".into(),
            vec!["Your role does not allow this operation.".into()],
        ),
        AppError::NotFound => (
            "Not found.".into(),
            vec!["The resource does not exist.".into()],
        ),
        AppError::MethodNotAllowed => (
            "Method not allowed.".into(),
            vec!["This path does not take this method; see /v1/openapi.json.".into()],
        ),
        AppError::Conflict(_, m) => ("Conflict.".into(), vec![m.clone()]),
        AppError::TooLarge => (
            "Request body too large.".into(),
            vec![format!(
                "Bodies are limited to {} bytes.",
                crate::http::BODY_LIMIT
            )],
        ),
        AppError::FileTooLarge { max_bytes } => (
            "File too large.".into(),
            vec![format!("Files are limited to {max_bytes} bytes.")],
        ),
        AppError::ChecksumMismatch => (
            "Checksum mismatch.".into(),
            vec!["The bytes received do not match the checksum sent with them: nothing was kept. Send them again.".into()],
        ),
        AppError::UriTooLong => (
            "URI too long.".into(),
            vec![format!(
                "URLs are limited to {} bytes.",
                crate::http::URI_LIMIT
            )],
        ),
        AppError::RateLimited { retry_after_secs } => (
            "Too many attempts.".into(),
            vec![format!("Try again in {retry_after_secs} seconds.")],
        ),
        AppError::Internal(_) => (
            "Internal error.".into(),
            vec!["The server failed to handle the request; quote the tracking id.".into()],
        ),
    }
}

/// The error travels in the response's extensions so the localising middleware can re-render it.
#[derive(Clone)]
pub struct ErrorMark(pub Arc<AppError>, pub String);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let tracking_id = format!("PATCHBAY_{}", uuid::Uuid::now_v7().simple());
        if let AppError::Internal(detail) = &self {
            tracing::error!(tracking_id, detail, "request failed");
        }
        let body = body_for(&self, tracking_id.clone(), &english);
        let mut resp = (self.status(), axum::Json(body)).into_response();
        if let AppError::RateLimited { retry_after_secs } = &self {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        if let AppError::Unauthorized = &self {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp.extensions_mut()
            .insert(ErrorMark(Arc::new(self), tracking_id));
        resp
    }
}

pub type ApiResult<T> = Result<T, AppError>;
