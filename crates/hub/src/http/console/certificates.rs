//! Console: Certificates (CRT-1, CRT-2), for Administrators — the hub's identity (details, the
//! 90-day warning, Download, Regenerate after a confirmation, Add from a PKCS#12 file or a PEM
//! chain and key), the CA that issues the systems' certificates (SYS-8: details, Download,
//! Replace with the organisation's own CA) and the trusted certificates (list, Add, Delete the
//! selected).

use super::forms::{FieldMessages, FormMap};
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::service::certificates::{self as svc, Upload};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, RawQuery, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::certificates::Expiry;
use patchbay_domain::Capability;

pub const PATH: &str = "/com/certificates";

/// One certificate as a row of the page.
struct Row {
    id: String,
    subject: String,
    issuer: String,
    valid_from: String,
    valid_from_iso: String,
    expires: String,
    expires_iso: String,
    /// The warning beside it, empty when valid.
    state: String,
}

#[derive(Template)]
#[template(path = "certificates.html")]
struct CertificatesPage {
    ctx: Ctx,
    identity: Row,
    names: String,
    fingerprint: String,
    /// CRT-1: shown from 90 days before expiry.
    warning: String,
    /// SYS-8: the issuing CA.
    ca: Row,
    ca_fingerprint: String,
    trusted: Vec<Row>,
    trusted_count: usize,
    /// What was just done, shown once.
    done: String,
    confirm_regenerate: bool,
    public_host: String,
    errors: FieldMessages,
    ca_errors: FieldMessages,
    trust_errors: FieldMessages,
}

/// How a certificate's standing reads on a page (empty when simply valid).
pub(super) fn state_text(ctx: &Ctx, e: Expiry) -> String {
    match e {
        Expiry::Valid => String::new(),
        Expiry::NotYetValid => ctx.t("crt-state-not-yet-valid"),
        Expiry::Expired => ctx.t("crt-state-expired"),
        Expiry::Expiring { days } => ctx.t1("crt-state-expiring", "days", &days.to_string()),
    }
}

fn ts(secs: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(secs).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

struct View {
    done: &'static str,
    confirm_regenerate: bool,
    errors: FieldMessages,
    ca_errors: FieldMessages,
    trust_errors: FieldMessages,
}

impl View {
    fn plain() -> Self {
        Self {
            done: "",
            confirm_regenerate: false,
            errors: FieldMessages::default(),
            ca_errors: FieldMessages::default(),
            trust_errors: FieldMessages::default(),
        }
    }
}

async fn page_with(state: &AppState, ctx: Ctx, view: View) -> Result<Response, AppError> {
    let current = state.tls_identity.current();
    let leaf = &current.leaf;
    let expiry = svc::identity_expiry(state);
    let identity = Row {
        id: current.id.clone(),
        subject: leaf.subject.clone(),
        issuer: leaf.issuer.clone(),
        valid_from: ctx.datetime(ts(leaf.not_before)),
        valid_from_iso: ts(leaf.not_before).to_string(),
        expires: ctx.datetime(ts(leaf.not_after)),
        expires_iso: ts(leaf.not_after).to_string(),
        state: state_text(&ctx, expiry),
    };
    let now = jiff::Timestamp::now().as_second();
    let issuing = svc::issuing_ca(state).await?;
    let d = &issuing.described;
    let ca = Row {
        id: String::new(),
        subject: d.subject.clone(),
        issuer: d.issuer.clone(),
        valid_from: ctx.datetime(ts(d.not_before)),
        valid_from_iso: ts(d.not_before).to_string(),
        expires: ctx.datetime(ts(d.not_after)),
        expires_iso: ts(d.not_after).to_string(),
        state: state_text(&ctx, Expiry::at(d.not_before, d.not_after, now)),
    };
    let ca_fingerprint = d.fingerprint.clone();
    let trusted: Vec<Row> = svc::trusted(state)
        .await?
        .into_iter()
        .map(|(c, e)| Row {
            id: c.id,
            subject: c.subject,
            issuer: c.issuer,
            valid_from: ctx.date(c.not_before.to_zoned(jiff::tz::TimeZone::system()).date()),
            valid_from_iso: c.not_before.to_string(),
            expires: ctx.date(c.not_after.to_zoned(jiff::tz::TimeZone::system()).date()),
            expires_iso: c.not_after.to_string(),
            state: state_text(&ctx, e),
        })
        .collect();
    let status = if view.errors.any() || view.ca_errors.any() || view.trust_errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let done = match view.done {
        "" => String::new(),
        id => ctx.t(id),
    };
    let mut r = render(&CertificatesPage {
        warning: if expiry.warns() {
            identity.state.clone()
        } else {
            String::new()
        },
        identity,
        names: leaf.names.join(", "),
        fingerprint: leaf.fingerprint.clone(),
        ca,
        ca_fingerprint,
        trusted_count: trusted.len(),
        trusted,
        done,
        confirm_regenerate: view.confirm_regenerate,
        public_host: svc::public_host(state),
        errors: view.errors,
        ca_errors: view.ca_errors,
        trust_errors: view.trust_errors,
        ctx,
    });
    *r.status_mut() = status;
    Ok(r)
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let done = match FormMap::parse(q.as_deref().unwrap_or("").as_bytes())
        .text("done")
        .as_str()
    {
        "identity" => "crt-done-identity",
        "issuing-ca" => "crt-done-issuing-ca",
        "trusted" => "crt-done-trusted",
        "deleted" => "crt-done-deleted",
        _ => "",
    };
    page_with(
        &state,
        ctx,
        View {
            done,
            ..View::plain()
        },
    )
    .await
}

/// A PEM file to save as `file_name`.
fn pem_file(file_name: &'static str, pem: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/x-pem-file".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        pem,
    )
        .into_response()
}

/// Download the identity certificate (the chain, leaf first, PEM).
async fn download(State(state): State<AppState>) -> Response {
    pem_file(
        "patchbay-identity.pem",
        state.tls_identity.current().chain_pem.clone(),
    )
}

/// SYS-8: the issuing CA that signs the systems' certificates, for whoever must trust them.
async fn download_issuing_ca(State(state): State<AppState>) -> Result<Response, AppError> {
    Ok(pem_file(
        "patchbay-issuing-ca.pem",
        svc::issuing_ca(&state).await?.pem,
    ))
}

/// Which part of the page a refusal is shown in.
#[derive(Clone, Copy)]
enum Part {
    Identity,
    IssuingCa,
    Trusted,
}

/// After a change: back to the page with what was done, or the page again with the refusal
/// beside its field.
async fn outcome<T>(
    state: &AppState,
    ctx: Ctx,
    result: Result<T, AppError>,
    done: &str,
    part: Part,
) -> Result<Response, AppError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{PATH}?done={done}")).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let messages = FieldMessages::from_error(&e, &ctx.i18n, ctx.lang);
            let view = match part {
                Part::Identity => View {
                    errors: messages,
                    ..View::plain()
                },
                Part::IssuingCa => View {
                    ca_errors: messages,
                    ..View::plain()
                },
                Part::Trusted => View {
                    trust_errors: messages,
                    ..View::plain()
                },
            };
            page_with(state, ctx, view).await
        }
        Err(e) => Err(e),
    }
}

/// Regenerate, first step: the question (no JavaScript needed).
async fn confirm_regenerate(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    page_with(
        &state,
        ctx,
        View {
            confirm_regenerate: true,
            ..View::plain()
        },
    )
    .await
}

async fn regenerate(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
) -> Result<Response, AppError> {
    let result = svc::regenerate(&state, &caller).await;
    outcome(&state, ctx, result, "identity", Part::Identity).await
}

/// The fields of a multipart form: files as bytes, text as text.
async fn fields(mut multipart: Multipart) -> Result<FormFiles, AppError> {
    let mut out = FormFiles::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::Malformed(e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| AppError::Malformed(e.body_text()))?;
        match name.as_str() {
            "certificate" => out.certificate = bytes.to_vec(),
            "key" => out.key = bytes.to_vec(),
            "password" => out.password = String::from_utf8_lossy(&bytes).into_owned(),
            _ => {}
        }
    }
    Ok(out)
}

#[derive(Default)]
struct FormFiles {
    certificate: Vec<u8>,
    key: Vec<u8>,
    password: String,
}

fn is_pem(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    bytes[start..].starts_with(b"-----BEGIN")
}

impl FormFiles {
    /// A PKCS#12 file with its password, or a PEM chain (with its key in the same file or in
    /// the key field).
    fn upload(&self) -> Upload<'_> {
        if is_pem(&self.certificate) {
            Upload::Pem {
                chain: &self.certificate,
                key: &self.key,
            }
        } else {
            Upload::Pkcs12 {
                file: &self.certificate,
                password: &self.password,
            }
        }
    }
}

/// Add an identity. Multipart; the CSRF token travels in the query string.
async fn add(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let f = fields(multipart).await?;
    let result = svc::add(&state, &caller, f.upload()).await;
    outcome(&state, ctx, result, "identity", Part::Identity).await
}

/// SYS-8: replace the issuing CA with the organisation's own (multipart, CSRF in the query).
async fn replace_issuing_ca(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let f = fields(multipart).await?;
    let result = svc::replace_issuing_ca(&state, &caller, f.upload()).await;
    outcome(&state, ctx, result, "issuing-ca", Part::IssuingCa).await
}

/// CRT-2 Add (multipart, CSRF in the query string).
async fn trust(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let f = fields(multipart).await?;
    let result = svc::trust(&state, &caller, &f.certificate).await;
    outcome(&state, ctx, result, "trusted", Part::Trusted).await
}

/// CRT-2 Delete the selected.
async fn untrust(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let ids = FormMap::parse(&body).all("id");
    let result = svc::untrust(&state, &caller, &ids).await;
    outcome(&state, ctx, result, "deleted", Part::Trusted).await
}

pub fn endpoints() -> Vec<Endpoint> {
    let cap = Capability::ServerSettings;
    vec![
        Endpoint::page(Method::GET, PATH, cap, "Certificates", get(page)),
        Endpoint::page(
            Method::GET,
            "/com/certificates/identity.pem",
            cap,
            "Download the identity certificate",
            get(download),
        ),
        Endpoint::page(
            Method::GET,
            "/com/certificates/issuing-ca.pem",
            cap,
            "Download the CA that issues the systems' certificates",
            get(download_issuing_ca),
        ),
        Endpoint::page(
            Method::GET,
            "/com/certificates/regenerate",
            cap,
            "Regenerate the identity certificate",
            get(confirm_regenerate),
        ),
        Endpoint::page(
            Method::POST,
            "/com/certificates/regenerate",
            cap,
            "Regenerate the identity certificate",
            post(regenerate),
        ),
        Endpoint::page(
            Method::POST,
            "/com/certificates/identity",
            cap,
            "Add an identity certificate",
            post(add),
        ),
        Endpoint::page(
            Method::POST,
            "/com/certificates/issuing-ca",
            cap,
            "Replace the CA that issues the systems' certificates",
            post(replace_issuing_ca),
        ),
        Endpoint::page(
            Method::POST,
            "/com/certificates/trusted",
            cap,
            "Add trusted certificates",
            post(trust),
        ),
        Endpoint::page(
            Method::POST,
            "/com/certificates/trusted/delete",
            cap,
            "Delete trusted certificates",
            post(untrust),
        ),
    ]
}
