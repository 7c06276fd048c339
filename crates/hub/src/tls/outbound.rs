//! PRF-3 and CRT-2 for the connections the hub opens: the security level decides how strictly a
//! server's certificate is checked, and the trusted certificates are the anchors besides the
//! public web roots.
//!
//! - `unrestricted`: encrypted, any certificate accepted (a lab relay with a self-signed one);
//! - `medium`: the certificate must chain to a trusted certificate or a public root, whatever
//!   name it carries;
//! - `high`: it must also be issued for the name the hub connects to.
//!
//! Every level refuses TLS below 1.2.

use patchbay_domain::preferences::SecurityLevel;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

/// What outbound connections are checked against, read when they are made.
#[derive(Debug, Clone)]
pub struct Outbound {
    pub level: SecurityLevel,
    pub trusted: Vec<CertificateDer<'static>>,
}

impl Outbound {
    /// The level in force and the trusted certificates, as stored now.
    pub async fn current(
        store: &patchbay_store::Store,
        level: SecurityLevel,
    ) -> Result<Self, patchbay_store::StoreError> {
        let mut trusted = Vec::new();
        for c in store.trusted_certificates().await? {
            trusted.extend(CertificateDer::pem_slice_iter(c.chain_pem.as_bytes()).flatten());
        }
        Ok(Self { level, trusted })
    }

    /// How an S3 endpoint's certificate is checked: the trusted certificates as extra roots;
    /// Unrestricted accepts any certificate; Medium and High verify the chain and the name (the
    /// S3 client cannot verify one without the other).
    pub fn blobs(&self) -> patchbay_store::blobs::BlobTls {
        patchbay_store::blobs::BlobTls {
            trusted_der: self.trusted.iter().map(|c| c.to_vec()).collect(),
            accept_invalid_certificates: self.level == SecurityLevel::Unrestricted,
        }
    }

    /// TLS parameters for an SMTP relay at `host`.
    pub fn smtp(
        &self,
        host: &str,
    ) -> Result<lettre::transport::smtp::client::TlsParameters, lettre::transport::smtp::Error>
    {
        use lettre::transport::smtp::client::{
            Certificate, CertificateStore, TlsParameters, TlsVersion,
        };
        let mut b = TlsParameters::builder(host.to_string())
            .certificate_store(CertificateStore::WebpkiRoots)
            .set_min_tls_version(TlsVersion::Tlsv12);
        for c in &self.trusted {
            b = b.add_root_certificate(Certificate::from_der(c.to_vec())?);
        }
        b = match self.level {
            SecurityLevel::Unrestricted => b
                .dangerous_accept_invalid_certs(true)
                .dangerous_accept_invalid_hostnames(true),
            SecurityLevel::Medium => b.dangerous_accept_invalid_hostnames(true),
            SecurityLevel::High => b,
        };
        b.build_rustls()
    }
}
