//! CRT-1, CRT-2: reading certificates the staff give the hub (a PKCS#12 file with its password, a
//! PEM chain with its key, a trusted certificate) and deciding whether a candidate identity may
//! be served: its key matches, its chain is complete, it covers the hub's address, it is valid now.

use patchbay_domain::certificates::{Refusal, MAX_FILE};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use x509_parser::prelude::{FromDer, X509Certificate};

/// What the hub shows of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// SHA-256 of the DER, lower-case hex.
    pub fingerprint: String,
    pub subject: String,
    pub issuer: String,
    /// Seconds since the epoch.
    pub not_before: i64,
    pub not_after: i64,
    /// DNS names and IP addresses of the subject alternative name extension.
    pub names: Vec<String>,
}

impl Described {
    /// The row the hub keeps for this certificate, with `chain_pem` (it first).
    pub fn row<'a>(
        &'a self,
        chain_pem: &'a str,
    ) -> patchbay_store::certificates::NewCertificate<'a> {
        patchbay_store::certificates::NewCertificate {
            fingerprint: &self.fingerprint,
            subject: &self.subject,
            issuer: &self.issuer,
            not_before: self.not_before * 1000,
            not_after: self.not_after * 1000,
            chain_pem,
        }
    }
}

/// Describe one DER certificate.
pub fn describe(der: &[u8]) -> Result<Described, Refusal> {
    let (_, cert) =
        X509Certificate::from_der(der).map_err(|e| Refusal::BadCertificate(e.to_string()))?;
    let mut names = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                x509_parser::extensions::GeneralName::DNSName(d) => names.push(d.to_string()),
                x509_parser::extensions::GeneralName::IPAddress(ip) => match ip.len() {
                    4 => names.push(
                        std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*ip).unwrap_or_default())
                            .to_string(),
                    ),
                    16 => names.push(
                        std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*ip).unwrap_or_default())
                            .to_string(),
                    ),
                    _ => {}
                },
                _ => {}
            }
        }
    }
    Ok(Described {
        fingerprint: hex::encode(Sha256::digest(der)),
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        names,
    })
}

/// A key and the certificates that came with it, in no particular order.
pub struct Candidate {
    pub key: PrivateKeyDer<'static>,
    pub certs: Vec<CertificateDer<'static>>,
}

/// An identity that passed every check: the chain (leaf first) and the key, ready to serve.
pub struct Accepted {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
    pub certified: Arc<rustls::sign::CertifiedKey>,
    pub leaf: Described,
}

impl Accepted {
    /// The chain as PEM, leaf first.
    pub fn chain_pem(&self) -> String {
        self.chain.iter().map(|c| pem("CERTIFICATE", c)).collect()
    }

    /// The key as PEM (PKCS#8, or the form it came in).
    pub fn key_pem(&self) -> String {
        let (label, der) = match &self.key {
            PrivateKeyDer::Pkcs1(k) => ("RSA PRIVATE KEY", k.secret_pkcs1_der()),
            PrivateKeyDer::Sec1(k) => ("EC PRIVATE KEY", k.secret_sec1_der()),
            PrivateKeyDer::Pkcs8(k) => ("PRIVATE KEY", k.secret_pkcs8_der()),
            _ => ("PRIVATE KEY", &[][..]),
        };
        pem(label, der)
    }
}

/// Base64 PEM with 64-character lines.
pub fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Open a PKCS#12 file with its password.
pub fn from_pkcs12(bytes: &[u8], password: &str) -> Result<Candidate, Refusal> {
    use p12_keystore::error::Error as P12;
    if bytes.len() > MAX_FILE {
        return Err(Refusal::TooLarge);
    }
    let archive =
        p12_keystore::Pkcs12Archive::from_pkcs12(bytes, password).map_err(|e| match e {
            P12::MacError(_) | P12::UnpadError | P12::Pkcs5Error(_) | P12::InvalidPrivateKey => {
                Refusal::WrongPassword
            }
            P12::UnsupportedEncryptionScheme | P12::UnsupportedMacAlgorithm => {
                Refusal::UnsupportedEncryption
            }
            _ => Refusal::NotPkcs12,
        })?;
    let mut keys = archive.keys.into_iter();
    let key = match (keys.next(), keys.next()) {
        (None, _) => return Err(Refusal::NoKey),
        (Some(_), Some(_)) => return Err(Refusal::SeveralKeys),
        (Some(k), None) => k,
    };
    let certs: Vec<CertificateDer<'static>> = archive
        .certs
        .into_iter()
        .map(|c| CertificateDer::from(c.cert.as_der().to_vec()))
        .collect();
    if certs.is_empty() {
        return Err(Refusal::NoCertificate);
    }
    Ok(Candidate {
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.key.as_der().to_vec())),
        certs,
    })
}

/// A PEM chain and its key; the key may be in the chain's file instead (one combined file).
pub fn from_pem(chain: &[u8], key: &[u8]) -> Result<Candidate, Refusal> {
    if chain.len() > MAX_FILE || key.len() > MAX_FILE {
        return Err(Refusal::TooLarge);
    }
    let certs = certificates_from_pem(chain)?;
    let key_source = if key.iter().all(u8::is_ascii_whitespace) {
        chain
    } else {
        key
    };
    let key = PrivateKeyDer::from_pem_slice(key_source).map_err(|e| match e {
        rustls::pki_types::pem::Error::NoItemsFound => Refusal::NoKey,
        _ => Refusal::UnusableKey,
    })?;
    Ok(Candidate { key, certs })
}

/// Every certificate of a PEM file (or the one certificate of a DER file).
pub fn certificates_from_pem(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, Refusal> {
    if bytes.len() > MAX_FILE {
        return Err(Refusal::TooLarge);
    }
    let mut certs = Vec::new();
    for c in CertificateDer::pem_slice_iter(bytes) {
        certs.push(c.map_err(|e| Refusal::BadCertificate(e.to_string()))?);
    }
    if certs.is_empty() && bytes.first() == Some(&0x30) {
        certs.push(CertificateDer::from(bytes.to_vec()));
    }
    if certs.is_empty() {
        return Err(Refusal::NoCertificate);
    }
    for c in &certs {
        describe(c)?;
    }
    Ok(certs)
}

fn parsed(der: &[u8]) -> Result<X509Certificate<'_>, Refusal> {
    X509Certificate::from_der(der)
        .map(|(_, c)| c)
        .map_err(|e| Refusal::BadCertificate(e.to_string()))
}

/// The chain from `first`: it, then whichever of `rest` issued it, and so on up to a
/// self-issued certificate or one whose issuer is not among them.
pub(super) fn chain_from(
    first: CertificateDer<'static>,
    mut rest: Vec<CertificateDer<'static>>,
) -> Vec<CertificateDer<'static>> {
    let mut chain = vec![first];
    while let Some(last) = chain.last().and_then(|c| parsed(c).ok()) {
        if self_issued(&last) {
            break;
        }
        let issuer = last.issuer().as_raw().to_vec();
        let Some(at) = rest
            .iter()
            .position(|c| parsed(c).is_ok_and(|p| p.subject().as_raw() == issuer.as_slice()))
        else {
            break;
        };
        chain.push(rest.remove(at));
    }
    chain
}

fn self_issued(c: &X509Certificate<'_>) -> bool {
    c.subject().as_raw() == c.issuer().as_raw()
}

/// Decide whether `candidate` may be the hub's identity at `now` (seconds) for `host`, with
/// `trusted` (CRT-2) and the public web roots as the anchors an incomplete chain may end at.
pub fn accept(
    candidate: Candidate,
    host: &str,
    now: i64,
    trusted: &[CertificateDer<'static>],
) -> Result<Accepted, Refusal> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let signer = provider
        .key_provider
        .load_private_key(candidate.key.clone_key())
        .map_err(|_| Refusal::UnusableKey)?;
    let spki = signer.public_key().ok_or(Refusal::UnusableKey)?;
    let mut certs = candidate.certs;
    let leaf_at = certs
        .iter()
        .position(|c| parsed(c).is_ok_and(|p| p.public_key().raw == spki.as_ref()))
        .ok_or(Refusal::KeyMismatch)?;
    let leaf_der = certs.remove(leaf_at);
    let leaf = parsed(&leaf_der)?;
    let described = describe(&leaf_der)?;
    if now < described.not_before {
        return Err(Refusal::NotYetValid);
    }
    if now > described.not_after {
        return Err(Refusal::Expired);
    }
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| Refusal::NameNotCovered(host.to_string()))?;
    let leaf_parsed = rustls::server::ParsedCertificate::try_from(&leaf_der)
        .map_err(|e| Refusal::BadCertificate(e.to_string()))?;
    rustls::client::verify_server_name(&leaf_parsed, &name)
        .map_err(|_| Refusal::NameNotCovered(host.to_string()))?;

    let chain = chain_from(leaf_der.clone(), certs);

    if self_issued(&leaf) {
        // A self-signed identity (openssl's `req -x509` marks it a CA, which a path check
        // refuses as an end entity): its own signature is its chain.
        leaf.verify_signature(None)
            .map_err(|_| Refusal::BadSignature(described.subject.clone()))?;
    } else {
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for c in trusted.iter().chain(chain.iter().skip(1)) {
            if parsed(c).is_ok_and(|p| self_issued(&p)) {
                let _ = roots.add(c.clone());
            }
        }
        let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(
            Arc::new(roots),
            provider.clone(),
        )
        .build()
        .map_err(|e| Refusal::BadCertificate(e.to_string()))?;
        let intermediates: Vec<CertificateDer<'static>> = chain
            .iter()
            .skip(1)
            .chain(trusted.iter())
            .cloned()
            .collect();
        let when = UnixTime::since_unix_epoch(std::time::Duration::from_secs(now.max(0) as u64));
        use rustls::client::danger::ServerCertVerifier;
        verifier
            .verify_server_cert(&leaf_der, &intermediates, &name, &[], when)
            .map_err(|e| {
                let top = chain
                    .last()
                    .and_then(|c| parsed(c).ok())
                    .map(|p| p.issuer().to_string())
                    .unwrap_or_default();
                match e {
                    rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer) => {
                        Refusal::ChainIncomplete(top)
                    }
                    rustls::Error::InvalidCertificate(rustls::CertificateError::BadSignature) => {
                        Refusal::BadSignature(described.subject.clone())
                    }
                    rustls::Error::InvalidCertificate(
                        rustls::CertificateError::Expired
                        | rustls::CertificateError::ExpiredContext { .. },
                    ) => Refusal::Expired,
                    rustls::Error::InvalidCertificate(
                        rustls::CertificateError::NotValidYet
                        | rustls::CertificateError::NotValidYetContext { .. },
                    ) => Refusal::NotYetValid,
                    other => Refusal::BadCertificate(other.to_string()),
                }
            })?;
    }
    let certified = Arc::new(rustls::sign::CertifiedKey::new(chain.clone(), signer));
    Ok(Accepted {
        chain,
        key: candidate.key,
        certified,
        leaf: described,
    })
}
