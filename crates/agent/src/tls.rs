//! TLS client configuration (rustls with the ring provider, like the rest of the build).

use anyhow::{bail, Context};
use rustls::{
    client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier},
    crypto::{CryptoProvider, WebPkiSupportedAlgorithms},
    pki_types::{pem::PemObject, CertificateDer, ServerName, UnixTime},
    ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::{path::PathBuf, sync::Arc};

/// Which hub certificates the agent accepts.
#[derive(Debug, Clone, Default)]
pub enum Trust {
    /// The public web PKI (Mozilla's roots, compiled in).
    #[default]
    WebpkiRoots,
    /// Exactly the PEM certificate(s) in this file: the hub's self-signed identity certificate
    /// itself, or the CA that issued the hub's certificate.
    CaFile(PathBuf),
    /// Same as `CaFile`, from memory (for `patchbay demo`, which knows its own certificate).
    CaPem(Vec<u8>),
    /// Accept any certificate. Lab use only: the connection is encrypted but not authenticated.
    InsecureSkipVerify,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn roots_from_pem(pem: &[u8], what: &str) -> anyhow::Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    let mut n = 0usize;
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.with_context(|| format!("{what}: bad PEM"))?;
        roots
            .add(cert)
            .with_context(|| format!("{what}: certificate #{} unusable", n + 1))?;
        n += 1;
    }
    if n == 0 {
        bail!("{what}: no PEM certificate found");
    }
    Ok(roots)
}

/// Builds the client configuration once; it is shared (`Arc`) by every connection.
pub fn client_config(trust: &Trust) -> anyhow::Result<Arc<ClientConfig>> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?;
    let config = match trust {
        Trust::WebpkiRoots => {
            let roots = RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Trust::CaFile(path) => {
            let pem = std::fs::read(path)
                .with_context(|| format!("cannot read CA file {}", path.display()))?;
            let roots = roots_from_pem(&pem, &path.display().to_string())?;
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Trust::CaPem(pem) => {
            let roots = roots_from_pem(pem, "CA certificate")?;
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Trust::InsecureSkipVerify => {
            tracing::warn!(
                "--insecure-skip-verify: the hub's certificate is NOT verified (lab use only)"
            );
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAny(
                    provider().signature_verification_algorithms,
                )))
                .with_no_client_auth()
        }
    };
    Ok(Arc::new(config))
}

/// Accepts any server certificate but still checks the handshake signatures, so the session keys
/// belong to whoever holds the presented certificate.
#[derive(Debug)]
struct AcceptAny(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ca_pem_without_certificates_is_an_error() {
        let e = client_config(&Trust::CaPem(b"nothing here".to_vec()))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("no PEM certificate"), "{e}");
        let e = client_config(&Trust::CaFile("/nonexistent/ca.pem".into()))
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(e.contains("/nonexistent/ca.pem"), "{e}");
    }

    #[test]
    fn every_trust_mode_builds() {
        let cert = rcgen::generate_simple_self_signed(vec!["hub.example".into()])
            .unwrap_or_else(|e| panic!("{e}"));
        for t in [
            Trust::WebpkiRoots,
            Trust::InsecureSkipVerify,
            Trust::CaPem(cert.cert.pem().into_bytes()),
        ] {
            client_config(&t).unwrap_or_else(|e| panic!("{t:?}: {e}"));
        }
    }
}
