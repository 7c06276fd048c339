//! SYS-8: the hub's issuing certificate authority, a CA dedicated to the systems' certificates
//! (never the identity's key). One per deployment: the first node that needs it makes it (ECDSA
//! P-256, ten years), keeps it in the database with its key sealed like the identity's, and
//! mirrors the certificate into the data dir as `issuing-ca.crt.pem` for whoever must trust the
//! systems' certificates.

use super::certificate::describe;
use super::TlsError;
use patchbay_store::certificates::NewCertificate;
use patchbay_store::crypto::SecretBox;
use patchbay_store::Store;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, PublicKeyData, SanType, SerialNumber, SignatureAlgorithm,
};
use rustls::pki_types::{pem::PemObject, CertificateDer};
use std::path::Path;
use x509_parser::prelude::FromDer;

pub const CA_FILE: &str = "issuing-ca.crt.pem";
const CA_DAYS: i64 = 3650;
const CA_NAME: &str = "Patchbay issuing CA";

/// The CA, ready to sign.
pub struct IssuingCa {
    /// The CA as issued certificates name it (rebuilt from the stored name and key: signing
    /// uses only the issuer's name, key identifier and key).
    issuer: rcgen::Certificate,
    key: KeyPair,
    /// The stored CA certificate, as systems must trust it.
    pub pem: String,
}

/// A certificate signed for a system.
#[derive(Debug, Clone)]
pub struct Issued {
    pub pem: String,
    /// Upper-case hex, as `openssl x509 -serial` shows it.
    pub serial: String,
    pub subject: String,
    pub names: Vec<String>,
    pub not_before_ms: i64,
    pub not_after_ms: i64,
}

/// The public key of a signing request, as rcgen signs for it.
struct RequestKey {
    raw: Vec<u8>,
    algorithm: &'static SignatureAlgorithm,
}

impl PublicKeyData for RequestKey {
    fn der_bytes(&self) -> &[u8] {
        &self.raw
    }
    fn algorithm(&self) -> &SignatureAlgorithm {
        self.algorithm
    }
}

fn ca_params(common_name: &str) -> Result<CertificateParams, rcgen::Error> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    dn.push(DnType::OrganizationName, "Patchbay");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    Ok(params)
}

fn common_name_of(pem: &str) -> Option<String> {
    let der = CertificateDer::from_pem_slice(pem.as_bytes()).ok()?;
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(&der).ok()?;
    let cn = cert
        .subject()
        .iter_common_name()
        .next()?
        .as_str()
        .ok()?
        .to_string();
    Some(cn)
}

impl IssuingCa {
    /// The deployment's CA: the database's, or a new one when there is none yet.
    pub async fn load(
        store: &Store,
        secrets: &SecretBox,
        data_dir: &Path,
    ) -> Result<Self, TlsError> {
        loop {
            if let Some((row, sealed)) = store
                .issuing_ca_certificate()
                .await
                .map_err(TlsError::Store)?
            {
                let key_pem = secrets.open(&sealed).map_err(|_| {
                    TlsError::Corrupt(
                        "the issuing CA's key cannot be opened with this secret key".into(),
                    )
                })?;
                let key = KeyPair::from_pem(&key_pem)?;
                let cn = common_name_of(&row.chain_pem).ok_or_else(|| {
                    TlsError::Corrupt("the issuing CA certificate is unreadable".into())
                })?;
                let issuer = ca_params(&cn)?.self_signed(&key)?;
                let path = data_dir.join(CA_FILE);
                if std::fs::read_to_string(&path).ok().as_deref() != Some(row.chain_pem.as_str()) {
                    std::fs::write(&path, &row.chain_pem)
                        .map_err(|source| TlsError::Io { path, source })?;
                }
                return Ok(Self {
                    issuer,
                    key,
                    pem: row.chain_pem,
                });
            }
            // A distinct name per deployment: two hubs' CAs are never confused.
            let cn = format!(
                "{CA_NAME} {}",
                &uuid::Uuid::new_v4().simple().to_string()[..8]
            );
            let mut params = ca_params(&cn)?;
            let now = time::OffsetDateTime::now_utc();
            params.not_before = now - time::Duration::minutes(5);
            params.not_after = now + time::Duration::days(CA_DAYS);
            let key = KeyPair::generate()?;
            let cert = params.self_signed(&key)?;
            let d = describe(cert.der()).map_err(|e| TlsError::Corrupt(format!("{e:?}")))?;
            let pem = cert.pem();
            // Another node may make one at the same moment: the loop takes the one kept.
            store
                .adopt_issuing_ca_certificate(
                    &NewCertificate {
                        fingerprint: &d.fingerprint,
                        subject: &d.subject,
                        issuer: &d.issuer,
                        not_before: d.not_before * 1000,
                        not_after: d.not_after * 1000,
                        chain_pem: &pem,
                    },
                    &secrets.seal(&key.serialize_pem()),
                )
                .await
                .map_err(TlsError::Store)?;
            tracing::info!("made the issuing CA for the systems' certificates");
        }
    }

    /// Signs a system's certificate for the key of `csr_pem` (whose signature proves its holder
    /// has the key), for `common_name` and the alternative `names`, valid `validity` from now.
    /// The request's own names are not used: the hub decides what the certificate says.
    pub fn sign(
        &self,
        csr_pem: &str,
        common_name: &str,
        names: &[String],
        validity: std::time::Duration,
    ) -> Result<Issued, String> {
        let (_, pem) = x509_parser::pem::parse_x509_pem(csr_pem.as_bytes())
            .map_err(|e| format!("the signing request is not PEM: {e}"))?;
        if pem.label != "CERTIFICATE REQUEST" {
            return Err(format!("expected a CERTIFICATE REQUEST, got {}", pem.label));
        }
        let (_, csr) =
            x509_parser::certification_request::X509CertificationRequest::from_der(&pem.contents)
                .map_err(|e| format!("the signing request is unreadable: {e}"))?;
        csr.verify_signature()
            .map_err(|e| format!("the signing request's signature does not verify: {e}"))?;
        let spki = &csr.certification_request_info.subject_pki;
        let algorithm = key_algorithm(spki)?;
        let key = RequestKey {
            raw: spki.subject_public_key.data.to_vec(),
            algorithm,
        };
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
        params.distinguished_name = DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "Patchbay");
        for n in names {
            let san = match n.parse::<std::net::IpAddr>() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName(n.clone().try_into().map_err(|e| format!("{n}: {e}"))?),
            };
            if !params.subject_alt_names.contains(&san) {
                params.subject_alt_names.push(san);
            }
        }
        let serial: [u8; 16] = rand::random();
        let mut serial = serial.to_vec();
        serial[0] &= 0x7f; // positive
        serial[0] |= 0x01; // no leading zero byte: the hex is always 32 digits
        params.serial_number = Some(SerialNumber::from_slice(&serial));
        let now = time::OffsetDateTime::now_utc();
        let not_before = now - time::Duration::minutes(1);
        let not_after =
            now + time::Duration::try_from(validity).map_err(|e| format!("validity: {e}"))?;
        params.not_before = not_before;
        params.not_after = not_after;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        params.use_authority_key_identifier_extension = true;
        let cert = params
            .signed_by(&key, &self.issuer, &self.key)
            .map_err(|e| format!("cannot sign: {e}"))?;
        let d = describe(cert.der()).map_err(|e| format!("{e:?}"))?;
        Ok(Issued {
            pem: cert.pem(),
            serial: hex::encode_upper(&serial),
            subject: d.subject,
            names: names.to_vec(),
            not_before_ms: d.not_before * 1000,
            not_after_ms: d.not_after * 1000,
        })
    }
}

/// The signature algorithm rcgen uses for a subject public key of this kind.
fn key_algorithm(
    spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>,
) -> Result<&'static SignatureAlgorithm, String> {
    use x509_parser::oid_registry as oids;
    let alg = &spki.algorithm;
    if alg.algorithm == oids::OID_KEY_TYPE_EC_PUBLIC_KEY {
        let curve = alg
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok())
            .ok_or("an EC key without its curve")?;
        if curve == oids::OID_EC_P256 {
            return Ok(&rcgen::PKCS_ECDSA_P256_SHA256);
        }
        if curve == oids::OID_NIST_EC_P384 {
            return Ok(&rcgen::PKCS_ECDSA_P384_SHA384);
        }
        return Err(format!("EC curve {curve} is not supported (P-256, P-384)"));
    }
    if alg.algorithm == oids::OID_SIG_ED25519 {
        return Ok(&rcgen::PKCS_ED25519);
    }
    if alg.algorithm == oids::OID_PKCS1_RSAENCRYPTION {
        return Ok(&rcgen::PKCS_RSA_SHA256);
    }
    Err(format!("key type {} is not supported", alg.algorithm))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sys_8_the_request_key_is_certified_and_its_names_are_the_hubs() {
        let ca_key = KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
        let issuer = ca_params("Test CA")
            .and_then(|p| p.self_signed(&ca_key))
            .unwrap_or_else(|e| panic!("{e}"));
        let ca = IssuingCa {
            pem: issuer.pem(),
            issuer,
            key: ca_key,
        };
        let system_key = KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
        let csr = CertificateParams::new(vec!["evil.example".to_string()])
            .and_then(|p| p.serialize_request(&system_key))
            .and_then(|c| c.pem())
            .unwrap_or_else(|e| panic!("{e}"));
        let names = vec!["ipo-1".to_string(), "10.0.0.10".to_string()];
        let issued = ca
            .sign(&csr, "IPO 1", &names, std::time::Duration::from_secs(3600))
            .unwrap_or_else(|e| panic!("{e}"));
        let der =
            CertificateDer::from_pem_slice(issued.pem.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let d = describe(&der).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(d.names, names, "the request's names are not used");
        assert!(d.issuer.contains("Test CA"));
        let spki = system_key.public_key_der();
        assert!(der.windows(spki.len()).any(|w| w == spki.as_slice()));
        assert_eq!(issued.serial.len(), 32);
        // A request whose signature was tampered with is refused.
        let mut bad = pem_to_der(&csr);
        let last = bad.len() - 3;
        bad[last] ^= 0xff;
        let bad_pem = format!(
            "-----BEGIN CERTIFICATE REQUEST-----\n{}\n-----END CERTIFICATE REQUEST-----\n",
            base64_lines(&bad)
        );
        assert!(ca
            .sign(
                &bad_pem,
                "IPO 1",
                &names,
                std::time::Duration::from_secs(60)
            )
            .is_err());
    }

    fn pem_to_der(pem: &str) -> Vec<u8> {
        x509_parser::pem::parse_x509_pem(pem.as_bytes())
            .map(|(_, p)| p.contents)
            .unwrap_or_default()
    }

    fn base64_lines(der: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(der)
    }
}
