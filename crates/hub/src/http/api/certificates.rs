//! `/v1/operations/certificates` (CRT-1, CRT-2), Administrator only: the hub's identity (read,
//! regenerate, replace from a PKCS#12 file or a PEM chain and key) and the trusted certificates.

use super::{JsonBody, Listed, NoContent};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::Endpoint;
use crate::service::certificates::{self as svc, Upload};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use base64::Engine;
use patchbay_domain::certificates::Expiry;
use patchbay_domain::Capability;
use serde::{Deserialize, Serialize};

/// Where a certificate stands today.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CertificateState)]
pub struct StateJson {
    /// `valid`, `expiring` (within 90 days of its end), `expired` or `notYetValid`.
    #[schema(example = "valid")]
    pub state: &'static str,
    /// Whole days until it expires (negative once expired).
    pub days_left: i64,
}

fn state_json(not_before: i64, not_after: i64) -> StateJson {
    let now = jiff::Timestamp::now().as_second();
    StateJson {
        state: match Expiry::at(not_before, not_after, now) {
            Expiry::Valid => "valid",
            Expiry::Expiring { .. } => "expiring",
            Expiry::Expired => "expired",
            Expiry::NotYetValid => "notYetValid",
        },
        days_left: (not_after - now).div_euclid(24 * 3600),
    }
}

fn rfc3339(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_string()
}

/// The hub's identity certificate.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = IdentityCertificate)]
pub struct IdentityJson {
    pub id: String,
    pub subject: String,
    pub issuer: String,
    pub valid_from: String,
    pub expires_on: String,
    /// DNS names and addresses it covers.
    pub names: Vec<String>,
    /// SHA-256 of the certificate, hex.
    pub fingerprint: String,
    pub status: StateJson,
    /// The chain served, leaf first, PEM.
    pub pem: String,
}

fn identity(state: &AppState) -> IdentityJson {
    let c = state.tls_identity.current();
    IdentityJson {
        id: c.id.clone(),
        subject: c.leaf.subject.clone(),
        issuer: c.leaf.issuer.clone(),
        valid_from: rfc3339(c.leaf.not_before),
        expires_on: rfc3339(c.leaf.not_after),
        names: c.leaf.names.clone(),
        fingerprint: c.leaf.fingerprint.clone(),
        status: state_json(c.leaf.not_before, c.leaf.not_after),
        pem: c.chain_pem.clone(),
    }
}

/// A new identity: a PKCS#12 file (base64) with its password, or a PEM chain with its key.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = IdentityCertificateUpload)]
pub struct UploadJson {
    /// The PKCS#12 file, base64.
    pub pkcs12: Option<String>,
    /// The PKCS#12 file's password.
    pub password: Option<String>,
    /// A PEM chain, leaf first (may hold the key too).
    pub certificate_pem: Option<String>,
    /// The PEM private key, when not in `certificatePem`.
    pub key_pem: Option<String>,
}

/// A trusted certificate.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = TrustedCertificate)]
pub struct TrustedJson {
    pub id: String,
    pub subject: String,
    pub issuer: String,
    pub valid_from: String,
    pub expires_on: String,
    pub fingerprint: String,
    pub status: StateJson,
}

/// Certificates to trust: a PEM file's text (one or more certificates).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = TrustedCertificateUpload)]
pub struct TrustJson {
    pub pem: String,
}

async fn show(State(state): State<AppState>) -> ApiResult<Json<IdentityJson>> {
    Ok(Json(identity(&state)))
}

async fn regenerate(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<IdentityJson>> {
    svc::regenerate(&state, &caller).await?;
    Ok(Json(identity(&state)))
}

/// An upload as the request gave it: a decoded PKCS#12 file and its password, or PEM texts.
enum Given {
    Pkcs12(Vec<u8>, String),
    Pem(String, String),
}

impl Given {
    fn read(body: UploadJson) -> Result<Self, AppError> {
        match (body.pkcs12, body.certificate_pem) {
            (Some(p12), None) => {
                if body.key_pem.is_some() {
                    return Err(AppError::field("keyPem", patchbay_domain::Rule::NotAllowed));
                }
                let file = base64::engine::general_purpose::STANDARD
                    .decode(p12.trim())
                    .map_err(|_| AppError::field("pkcs12", patchbay_domain::Rule::Invalid))?;
                Ok(Self::Pkcs12(file, body.password.unwrap_or_default()))
            }
            (None, Some(pem)) => {
                if body.password.is_some() {
                    return Err(AppError::field(
                        "password",
                        patchbay_domain::Rule::NotAllowed,
                    ));
                }
                Ok(Self::Pem(pem, body.key_pem.unwrap_or_default()))
            }
            _ => Err(AppError::field(
                "pkcs12",
                patchbay_domain::Rule::OneOf {
                    allowed: "pkcs12, certificatePem".into(),
                },
            )),
        }
    }

    fn upload(&self) -> Upload<'_> {
        match self {
            Self::Pkcs12(file, password) => Upload::Pkcs12 { file, password },
            Self::Pem(chain, key) => Upload::Pem {
                chain: chain.as_bytes(),
                key: key.as_bytes(),
            },
        }
    }

    /// The service's field names as this request calls them.
    fn names(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::Pkcs12(..) => &[("certificate", "pkcs12"), ("key", "pkcs12")],
            Self::Pem(..) => &[("certificate", "certificatePem"), ("key", "keyPem")],
        }
    }
}

async fn replace(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<UploadJson>,
) -> ApiResult<Json<IdentityJson>> {
    let given = Given::read(body)?;
    svc::add(&state, &caller, given.upload())
        .await
        .map_err(|e| e.renamed(given.names()))?;
    Ok(Json(identity(&state)))
}

/// SYS-8: the CA that issues the systems' certificates.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = IssuingCaCertificate)]
pub struct IssuingCaJson {
    pub subject: String,
    pub issuer: String,
    pub valid_from: String,
    pub expires_on: String,
    /// SHA-256 of the CA certificate, hex.
    pub fingerprint: String,
    pub status: StateJson,
    /// The CA first, then the certificates above it, PEM: what systems must trust.
    pub pem: String,
}

impl From<svc::IssuingCaView> for IssuingCaJson {
    fn from(v: svc::IssuingCaView) -> Self {
        let d = v.described;
        Self {
            status: state_json(d.not_before, d.not_after),
            valid_from: rfc3339(d.not_before),
            expires_on: rfc3339(d.not_after),
            subject: d.subject,
            issuer: d.issuer,
            fingerprint: d.fingerprint,
            pem: v.pem,
        }
    }
}

async fn show_issuing_ca(State(state): State<AppState>) -> ApiResult<Json<IssuingCaJson>> {
    Ok(Json(svc::issuing_ca(&state).await?.into()))
}

async fn replace_issuing_ca(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<UploadJson>,
) -> ApiResult<Json<IssuingCaJson>> {
    let given = Given::read(body)?;
    let view = svc::replace_issuing_ca(&state, &caller, given.upload())
        .await
        .map_err(|e| e.renamed(given.names()))?;
    Ok(Json(view.into()))
}

async fn trusted_list(state: &AppState) -> Result<Vec<TrustedJson>, AppError> {
    Ok(svc::trusted(state)
        .await?
        .into_iter()
        .map(|(c, _)| TrustedJson {
            status: state_json(c.not_before.as_second(), c.not_after.as_second()),
            id: c.id,
            subject: c.subject,
            issuer: c.issuer,
            valid_from: c.not_before.to_string(),
            expires_on: c.not_after.to_string(),
            fingerprint: c.fingerprint,
        })
        .collect())
}

async fn list_trusted(State(state): State<AppState>) -> ApiResult<Listed<TrustedJson>> {
    Ok(Listed::items(trusted_list(&state).await?))
}

async fn trust(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<TrustJson>,
) -> ApiResult<Listed<TrustedJson>> {
    svc::trust(&state, &caller, body.pem.as_bytes())
        .await
        .map_err(|e| e.renamed(&[("certificate", "pem")]))?;
    Ok(Listed::items(trusted_list(&state).await?))
}

async fn untrust(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<NoContent> {
    match svc::untrust(&state, &caller, &[id]).await? {
        0 => Err(AppError::NotFound),
        _ => Ok(NoContent),
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    const I: &str = "/v1/operations/certificates/identity";
    const T: &str = "/v1/operations/certificates/trusted";
    let cap = Capability::ServerSettings;
    vec![
        Endpoint::new(
            Method::GET,
            I,
            cap,
            "Get the hub's identity certificate",
            show,
        ),
        Endpoint::new(
            Method::PUT,
            I,
            cap,
            "Replace the identity certificate (PKCS#12 or PEM); served at once by every listener",
            replace,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/certificates/identity/regenerate",
            cap,
            "Replace the identity certificate with a new self-signed one valid 3 years",
            regenerate,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/certificates/issuingCa",
            cap,
            "Get the CA that issues the systems' certificates",
            show_issuing_ca,
        ),
        Endpoint::new(
            Method::PUT,
            "/v1/operations/certificates/issuingCa",
            cap,
            "Replace the CA that issues the systems' certificates with your own (PKCS#12 or PEM); \
             every system's certificate is issued again from it",
            replace_issuing_ca,
        ),
        Endpoint::new(
            Method::GET,
            T,
            cap,
            "List the trusted certificates",
            list_trusted,
        ),
        Endpoint::new(
            Method::POST,
            T,
            cap,
            "Trust the certificates of a PEM text (all or none)",
            trust,
        ),
        Endpoint::new(
            Method::DELETE,
            "/v1/operations/certificates/trusted/{id}",
            cap,
            "Stop trusting a certificate",
            untrust,
        ),
    ]
}
