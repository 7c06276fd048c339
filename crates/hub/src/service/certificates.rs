//! CRT-1, CRT-2: replacing the hub's identity (regenerated, or added from a PKCS#12 file or a PEM
//! chain and key) and keeping the trusted certificates, for the console and the API alike.
//! Every candidate identity is checked before it is served (see [`crate::tls::certificate`]).

use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use crate::tls::certificate::{self, Candidate};
use patchbay_domain::certificates::{host_of, Expiry, Refusal};
use patchbay_store::certificates::{NewCertificate, StoredCertificate};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

/// How a new identity arrives.
pub enum Upload<'a> {
    Pkcs12 { file: &'a [u8], password: &'a str },
    Pem { chain: &'a [u8], key: &'a [u8] },
}

fn now_secs() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// The host an identity must cover: the host of the hub's public address.
pub fn public_host(state: &AppState) -> String {
    host_of(&state.config.public_address())
}

fn refused(r: Refusal) -> AppError {
    AppError::Validation(vec![r.into()])
}

async fn trusted_ders(state: &AppState) -> Result<Vec<CertificateDer<'static>>, AppError> {
    let mut out = Vec::new();
    for c in state.store.trusted_certificates().await? {
        for der in CertificateDer::pem_slice_iter(c.chain_pem.as_bytes()).flatten() {
            out.push(der);
        }
    }
    Ok(out)
}

async fn install(
    state: &AppState,
    caller: &Caller,
    candidate: Candidate,
    how: &str,
) -> Result<(), AppError> {
    let trusted = trusted_ders(state).await?;
    let accepted = certificate::accept(candidate, &public_host(state), now_secs(), &trusted)
        .map_err(refused)?;
    state
        .tls_identity
        .install(&state.store, &state.secrets, &caller.meta(), accepted, how)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// CRT-1 Regenerate: a new self-signed identity valid three years, for the public address too.
pub async fn regenerate(state: &AppState, caller: &Caller) -> Result<(), AppError> {
    let host = public_host(state);
    let (chain, key) = crate::tls::generate_identity_for(Some(&host))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let candidate = certificate::from_pem(chain.as_bytes(), key.as_bytes()).map_err(refused)?;
    install(state, caller, candidate, "certificate.regenerate").await
}

/// CRT-1 Add: an identity the staff bring, checked, then served by every listener.
pub async fn add(state: &AppState, caller: &Caller, upload: Upload<'_>) -> Result<(), AppError> {
    let candidate = read_upload(upload)?;
    install(state, caller, candidate, "certificate.add").await
}

/// SYS-8: the organisation's own CA replaces the issuing CA, checked (a CA certificate for the
/// key, valid today, a name the hub can sign under); the systems' certificates from the previous
/// one are issued again as each system's session next checks.
pub async fn replace_issuing_ca(
    state: &AppState,
    caller: &Caller,
    upload: Upload<'_>,
) -> Result<IssuingCaView, AppError> {
    let candidate = read_upload(upload)?;
    let accepted = crate::tls::issuing::accept_upload(candidate, now_secs()).map_err(refused)?;
    let d = &accepted.described;
    state
        .store
        .replace_issuing_ca_certificate(
            &caller.meta(),
            &d.row(&accepted.chain_pem),
            &state.secrets.seal(&accepted.key_pem),
        )
        .await?;
    tracing::info!(subject = %d.subject, "the issuing CA was replaced");
    issuing_ca(state).await
}

/// What the console and the API show of the issuing CA.
pub struct IssuingCaView {
    pub described: certificate::Described,
    /// The CA first, then its issuers.
    pub pem: String,
}

/// SYS-8: the issuing CA now (made on first use).
pub async fn issuing_ca(state: &AppState) -> Result<IssuingCaView, AppError> {
    let ca =
        crate::tls::issuing::IssuingCa::load(&state.store, &state.secrets, &state.config.data_dir)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
    let der = CertificateDer::from_pem_slice(ca.pem.as_bytes())
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let described = certificate::describe(&der).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(IssuingCaView {
        described,
        pem: ca.pem,
    })
}

/// The key and certificates of an upload, read; nothing checked yet.
fn read_upload(upload: Upload<'_>) -> Result<Candidate, AppError> {
    match upload {
        Upload::Pkcs12 { file, password } => {
            if file.is_empty() {
                return Err(AppError::field(
                    "certificate",
                    patchbay_domain::Rule::Required,
                ));
            }
            certificate::from_pkcs12(file, password)
        }
        Upload::Pem { chain, key } => {
            if chain.iter().all(u8::is_ascii_whitespace) {
                return Err(AppError::field(
                    "certificate",
                    patchbay_domain::Rule::Required,
                ));
            }
            certificate::from_pem(chain, key)
        }
    }
    .map_err(refused)
}

/// CRT-2 Add: every certificate of a PEM (or DER) file, all or none.
pub async fn trust(state: &AppState, caller: &Caller, file: &[u8]) -> Result<usize, AppError> {
    if file.iter().all(u8::is_ascii_whitespace) {
        return Err(AppError::field(
            "certificate",
            patchbay_domain::Rule::Required,
        ));
    }
    let ders = certificate::certificates_from_pem(file).map_err(refused)?;
    let mut described = Vec::with_capacity(ders.len());
    for der in &ders {
        let d = certificate::describe(der).map_err(refused)?;
        described.push((d, certificate::pem("CERTIFICATE", der)));
    }
    // The same certificate twice in one file counts once.
    described.dedup_by(|a, b| a.0.fingerprint == b.0.fingerprint);
    let rows: Vec<NewCertificate<'_>> = described.iter().map(|(d, pem)| d.row(pem)).collect();
    let added = state
        .store
        .add_trusted_certificates(&caller.meta(), &rows)
        .await?
        .len();
    state.mirror_outbound().await;
    Ok(added)
}

/// CRT-2 Delete.
pub async fn untrust(state: &AppState, caller: &Caller, ids: &[String]) -> Result<u64, AppError> {
    if ids.is_empty() {
        return Err(AppError::field("ids", patchbay_domain::Rule::Required));
    }
    let deleted = state
        .store
        .delete_trusted_certificates(&caller.meta(), ids)
        .await?;
    state.mirror_outbound().await;
    Ok(deleted)
}

/// The trusted certificates with where each stands today.
pub async fn trusted(state: &AppState) -> Result<Vec<(StoredCertificate, Expiry)>, AppError> {
    let now = now_secs();
    Ok(state
        .store
        .trusted_certificates()
        .await?
        .into_iter()
        .map(|c| {
            let e = Expiry::at(c.not_before.as_second(), c.not_after.as_second(), now);
            (c, e)
        })
        .collect())
}

/// Where the identity stands today (CRT-1's 90-day warning).
pub fn identity_expiry(state: &AppState) -> Expiry {
    let c = state.tls_identity.current();
    Expiry::at(c.leaf.not_before, c.leaf.not_after, now_secs())
}
