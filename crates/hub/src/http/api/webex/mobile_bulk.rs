//! WGO-4 through the API: the CSV template, a file of mobile lines queued as an import (202),
//! its progress, and its result file.

use super::mobile::language;
use super::{iso, path_id, OrgQuery};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::reply::{Accepted, CsvDownload};
use crate::http::api::{ApiQuery, Listed};
use crate::http::catalog::{BodyDoc, DocInput, Endpoint, OpDoc};
use crate::service::calling::mobile_bulk::{self as svc, ImportOptions};
use crate::service::calling::org;
use crate::state::AppState;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::{Capability, MobileImportId};
use patchbay_store::calling::mobile_imports::MobileImport;
use serde::{Deserialize, Serialize};

pub const IMPORTS: &str = "/v1/telephony/config/mobileLines/bulk";

/// Whether `path` takes a streamed CSV body (up to [`svc::MAX_FILE_BYTES`]).
pub fn is_upload(path: &str) -> bool {
    path == IMPORTS
}

/// A CSV file's bytes, streamed.
pub struct CsvBody(pub axum::body::Body);

impl<S: Send + Sync> FromRequest<S> for CsvBody {
    type Rejection = AppError;
    async fn from_request(req: Request, _: &S) -> Result<Self, AppError> {
        Ok(Self(req.into_body()))
    }
}

impl DocInput for CsvBody {
    fn describe(op: &mut OpDoc) {
        op.body = Some(BodyDoc {
            content: vec![("text/csv", crate::http::api::schema::binary())],
            required: true,
            description: Some(
                "The filled template (UTF-8 CSV, at most 32 MiB and 100,000 rows): User Name, Type \
                 (USER), Extension, Phone Number, Device Type (WEBEX_CALLING), Model (Webex Go \
                 Device), MAC Address (empty), Location, and TRUE in the column of the \
                 subscription the line comes from.",
            ),
        });
    }
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct UploadQuery {
    /// The customer to act on (see `orgId` elsewhere).
    pub org_id: Option<String>,
    /// E-mail each person their activation code (default true); otherwise the codes are in
    /// the result file.
    pub email_activation_codes: Option<bool>,
    /// The language of the mails: en, fr, ro, ko or uk (default: the caller's).
    pub language: Option<String>,
    /// The file's name, for the audit log and the import list.
    pub file_name: Option<String>,
}

/// An import of mobile lines and how far it got.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportJson {
    pub id: String,
    pub file_name: String,
    /// `queued`, `running`, `done` or `failed` (the file could not be read to its end).
    pub status: &'static str,
    pub total_rows: i64,
    /// Rows with an outcome so far.
    pub done_rows: i64,
    /// Lines made.
    pub succeeded_rows: i64,
    /// Rows refused, each with its reasons in the result file.
    pub failed_rows: i64,
    pub email_activation_codes: bool,
    pub created: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished: Option<String>,
}

impl From<MobileImport> for ImportJson {
    fn from(i: MobileImport) -> Self {
        Self {
            id: i.id.to_string(),
            status: i.status.as_str(),
            total_rows: i.total_rows,
            done_rows: i.done_rows,
            succeeded_rows: i.ok_rows,
            failed_rows: i.failed_rows(),
            email_activation_codes: i.email_codes,
            created: iso(i.created_at),
            finished: i.finished_at.map(iso),
            file_name: i.file_name,
        }
    }
}

async fn template(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<CsvDownload> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    Ok(CsvDownload {
        file_name: "mobile-lines-template.csv".into(),
        body: svc::template(&state, customer).await?.into(),
    })
}

async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<UploadQuery>,
    CsvBody(body): CsvBody,
) -> ApiResult<Accepted<ImportJson>> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    let options = ImportOptions {
        file_name: q.file_name.unwrap_or_else(|| "mobile-lines.csv".into()),
        email_codes: q.email_activation_codes.unwrap_or(true),
        lang: language(&caller, q.language.as_deref())?,
    };
    let id = svc::upload(&state, &caller, customer, body.into_data_stream(), options).await?;
    Ok(Accepted(svc::find(&state, customer, id).await?.into()))
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Listed<ImportJson>> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    let items = state
        .store
        .mobile_imports(customer, 100)
        .await?
        .into_iter()
        .map(ImportJson::from)
        .collect();
    Ok(Listed::items(items))
}

fn import_id(raw: &str) -> Result<MobileImportId, AppError> {
    Ok(MobileImportId(path_id("MOBILE_IMPORT", raw)?))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<ImportJson>> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    Ok(Json(
        svc::find(&state, customer, import_id(&id)?).await?.into(),
    ))
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct ResultsQuery {
    pub org_id: Option<String>,
    /// The language of the outcomes and reasons (default: the caller's).
    pub language: Option<String>,
}

async fn results(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ResultsQuery>,
) -> ApiResult<CsvDownload> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    let import = svc::find(&state, customer, import_id(&id)?).await?;
    let lang = language(&caller, q.language.as_deref())?;
    Ok(CsvDownload {
        file_name: format!("mobile-lines-results-{}.csv", import.id),
        body: axum::body::Body::from_stream(svc::results(&state, &caller, &import, &lang).await?),
    })
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/mobileLines/bulk/template",
            view,
            "The CSV template for adding mobile lines in bulk, with one column per mobile subscription (WGO-4)",
            template,
        ),
        Endpoint::new(
            Method::POST,
            IMPORTS,
            manage,
            "Add mobile lines in bulk from a CSV file: the file is checked as a whole, then each row succeeds or fails on its own while the import runs (WGO-4)",
            upload,
        ),
        Endpoint::new(
            Method::GET,
            IMPORTS,
            view,
            "The organisation's latest bulk imports of mobile lines, newest first (at most 100)",
            list,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/mobileLines/bulk/{id}",
            view,
            "A bulk import of mobile lines and how far it got (WGO-4)",
            show,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/mobileLines/bulk/{id}/results",
            manage,
            "The result file of a bulk import: each row's outcome and reasons, and the activation codes not e-mailed (WGO-4)",
            results,
        ),
    ]
}
