//! The hub's TLS identity (CRT-1): a self-signed certificate valid three years, generated on first
//! start, replaceable (regenerated, or added from a PKCS#12 file or a PEM chain) and served by
//! every listener through [`identity::Identity`]. rustls with the ring provider is the only crypto
//! provider.

pub mod certificate;
pub mod identity;
pub mod issuing;
pub mod outbound;

use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const CERT_FILE: &str = "identity.crt.pem";
pub const KEY_FILE: &str = "identity.key.pem";
pub const VALIDITY_DAYS: i64 = patchbay_domain::certificates::IDENTITY_DAYS;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot generate the identity certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the identity certificate: {0}")]
    Store(patchbay_store::StoreError),
    #[error("the stored identity certificate is unusable: {0}")]
    Corrupt(String),
}

/// Install ring as the process-wide rustls provider (idempotent).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Names the certificate is valid for: localhost, the loopback addresses, this host's name and
/// `public_host` (the host of the hub's public address) when given.
fn subject_names(public_host: Option<&str>) -> Vec<String> {
    let mut names = vec!["localhost".to_string(), "127.0.0.1".into(), "::1".into()];
    if let Ok(h) = std::fs::read_to_string("/etc/hostname") {
        let h = h.trim();
        if !h.is_empty() && h != "localhost" {
            names.push(h.to_string());
        }
    }
    if let Some(h) = public_host.filter(|h| !h.is_empty()) {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(h)) {
            names.push(h.to_string());
        }
    }
    names
}

/// A new self-signed certificate and key (PEM), valid from now for three years.
pub fn generate_identity() -> Result<(String, String), TlsError> {
    generate_identity_for(None)
}

/// Same, also valid for `public_host` (CRT-1's Regenerate: the hub's public address).
pub fn generate_identity_for(public_host: Option<&str>) -> Result<(String, String), TlsError> {
    let mut params = CertificateParams::new(subject_names(public_host))?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "Patchbay hub");
    dn.push(DnType::OrganizationName, "Patchbay");
    params.distinguished_name = dn;
    let now = time_now();
    params.not_before = now;
    params.not_after = now + time::Duration::days(VALIDITY_DAYS);
    let key = KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    Ok((cert.pem(), key.serialize_pem()))
}

fn time_now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// Paths of the identity in `data_dir`, generating it when missing.
pub fn ensure_identity(data_dir: &Path) -> Result<(PathBuf, PathBuf), TlsError> {
    let cert = data_dir.join(CERT_FILE);
    let key = data_dir.join(KEY_FILE);
    if !cert.exists() || !key.exists() {
        let (c, k) = generate_identity()?;
        crate::datadir::write_private(&key, k.as_bytes()).map_err(|source| TlsError::Io {
            path: key.clone(),
            source,
        })?;
        std::fs::write(&cert, c).map_err(|source| TlsError::Io {
            path: cert.clone(),
            source,
        })?;
        tracing::info!(path = %cert.display(), "generated self-signed identity certificate (3 years)");
    }
    Ok((cert, key))
}

/// A TLS acceptor with the hub's live identity that speaks HTTP/1.1 only (ALPN): the
/// remote-support proxy (CONNECT has no HTTP/2 form its clients use) and the phone file server.
pub fn http1_acceptor(identity: &Arc<identity::Identity>) -> tokio_rustls::TlsAcceptor {
    tokio_rustls::TlsAcceptor::from(Arc::new(identity.server_config(&[b"http/1.1"])))
}

/// A listener on `listen` (port 0 picks a free one) and the address it got.
pub fn bind(
    listen: std::net::SocketAddr,
) -> std::io::Result<(tokio::net::TcpListener, std::net::SocketAddr)> {
    let std_listener = std::net::TcpListener::bind(listen)?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    Ok((tokio::net::TcpListener::from_std(std_listener)?, addr))
}
