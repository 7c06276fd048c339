//! SYS-8: the hub's issuing certificate authority, a CA dedicated to the systems' certificates
//! (never the identity's key). One per deployment: the first node that needs it makes it (ECDSA
//! P-256, ten years), keeps it in the database with its key sealed like the identity's, and
//! mirrors the certificate into the data dir as `issuing-ca.crt.pem` for whoever must trust the
//! systems' certificates. An Administrator may replace it with the organisation's own CA (a
//! PKCS#12 file or a PEM certificate and key, see [`accept_upload`]); the systems then get
//! certificates from the new one without staff action.

use super::certificate::{describe, pem, Candidate, Described};
use super::TlsError;
use patchbay_domain::certificates::Refusal;
use patchbay_store::crypto::SecretBox;
use patchbay_store::Store;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose, IsCa, KeyIdMethod, KeyPair, KeyUsagePurpose, PublicKeyData, SanType,
    SerialNumber, SignatureAlgorithm,
};
use rustls::pki_types::{pem::PemObject, CertificateDer};
use std::path::Path;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Certificate};

pub const CA_FILE: &str = "issuing-ca.crt.pem";
const CA_DAYS: i64 = 3650;
const CA_NAME: &str = "Patchbay issuing CA";

/// The CA, ready to sign.
pub struct IssuingCa {
    /// The CA as issued certificates name it (rebuilt from the stored certificate's name, key
    /// identifier and key: signing uses nothing else of the issuer).
    issuer: rcgen::Certificate,
    key: KeyPair,
    /// Whether the CA has a subject key identifier for issued certificates to point at.
    key_identifier: bool,
    /// When the CA itself expires (seconds): nothing it signs outlives it.
    not_after: i64,
    /// The CA certificate first, then any certificates above it, as systems must trust them.
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

/// The issuer parameters that make rcgen repeat `ca`'s subject name byte for byte and point at
/// its key identifier. A name rcgen cannot repeat exactly (several attributes in one part, the
/// same attribute twice, an unusual string type) is refused.
fn issuer_params(ca: &X509Certificate<'_>) -> Result<(CertificateParams, bool), Refusal> {
    use x509_parser::der_parser::asn1_rs::Tag;
    let odd = |what: &str| Refusal::NameNotReproducible(what.to_string());
    let mut dn = DistinguishedName::new();
    for rdn in ca.subject().iter() {
        let mut attrs = rdn.iter();
        let (Some(attr), None) = (attrs.next(), attrs.next()) else {
            return Err(odd("a part of the name holds several attributes"));
        };
        let arcs: Vec<u64> = attr
            .attr_type()
            .iter()
            .ok_or_else(|| odd("an attribute type is unreadable"))?
            .collect();
        let ty = DnType::from_oid(&arcs);
        let value = attr.attr_value();
        let text = std::str::from_utf8(value.data).map_err(|_| odd("an attribute is not text"))?;
        let value = match value.header.tag() {
            Tag::Utf8String => DnValue::Utf8String(text.to_string()),
            Tag::PrintableString => DnValue::PrintableString(
                text.try_into()
                    .map_err(|_| odd("an attribute is not printable"))?,
            ),
            Tag::Ia5String => DnValue::Ia5String(
                text.try_into()
                    .map_err(|_| odd("an attribute is not IA5 text"))?,
            ),
            _ => {
                return Err(odd(
                    "an attribute uses a string type other than UTF-8, printable or IA5",
                ))
            }
        };
        dn.push(ty, value);
    }
    let mut params =
        CertificateParams::new(Vec::<String>::new()).map_err(|e| odd(&e.to_string()))?;
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ski = ca
        .iter_extensions()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0.to_vec()),
            _ => None,
        });
    let key_identifier = ski.is_some();
    if let Some(ski) = ski {
        params.key_identifier_method = KeyIdMethod::PreSpecified(ski);
    }
    Ok((params, key_identifier))
}

fn parsed(der: &[u8]) -> Result<X509Certificate<'_>, Refusal> {
    X509Certificate::from_der(der)
        .map(|(_, c)| c)
        .map_err(|e| Refusal::BadCertificate(e.to_string()))
}

/// An uploaded CA that passed every check: its chain (the CA first) and its key, as PEM.
pub struct AcceptedCa {
    pub chain_pem: String,
    pub key_pem: String,
    pub described: Described,
}

/// Decide whether `candidate` may issue the systems' certificates at `now` (seconds): a key
/// rcgen signs with (PKCS#8: RSA, ECDSA P-256/P-384, Ed25519), a CA certificate for that key
/// (basic constraint CA, certificate signing allowed), valid now, whose name the hub can repeat
/// in what it signs. The other certificates of the file follow it as its issuers.
pub fn accept_upload(candidate: Candidate, now: i64) -> Result<AcceptedCa, Refusal> {
    let key = KeyPair::try_from(&candidate.key).map_err(|_| Refusal::UnusableKey)?;
    let spki = key.public_key_der();
    let mut rest = candidate.certs;
    let at = rest
        .iter()
        .position(|c| parsed(c).is_ok_and(|p| p.public_key().raw == spki.as_slice()))
        .ok_or(Refusal::KeyMismatch)?;
    let ca_der = rest.remove(at);
    let ca = parsed(&ca_der)?;
    let is_ca = matches!(ca.basic_constraints(), Ok(Some(bc)) if bc.value.ca);
    let may_sign = match ca.key_usage() {
        Ok(Some(ku)) => ku.value.key_cert_sign(),
        Ok(None) => true,
        Err(_) => false,
    };
    if !is_ca || !may_sign {
        return Err(Refusal::NotCa);
    }
    let described = describe(&ca_der)?;
    if now < described.not_before {
        return Err(Refusal::NotYetValid);
    }
    if now > described.not_after {
        return Err(Refusal::Expired);
    }
    if ca.subject().as_raw() == ca.issuer().as_raw() {
        ca.verify_signature(None)
            .map_err(|_| Refusal::BadSignature(described.subject.clone()))?;
    }
    // The CA, then whichever of the other certificates issued it, and so on.
    let chain = super::certificate::chain_from(ca_der, rest);
    let chain_pem: String = chain.iter().map(|c| pem("CERTIFICATE", c)).collect();
    let key_pem = key.serialize_pem();
    // The same reconstruction the signing will use, tried now.
    IssuingCa::from_parts(&chain_pem, key)?;
    Ok(AcceptedCa {
        chain_pem,
        key_pem,
        described,
    })
}

impl IssuingCa {
    /// The CA of `chain_pem` (its first certificate) with its key, ready to sign.
    fn from_parts(chain_pem: &str, key: KeyPair) -> Result<Self, Refusal> {
        let der = CertificateDer::from_pem_slice(chain_pem.as_bytes())
            .map_err(|e| Refusal::BadCertificate(e.to_string()))?;
        let ca = parsed(&der)?;
        if ca.public_key().raw != key.public_key_der().as_slice() {
            return Err(Refusal::KeyMismatch);
        }
        let (params, key_identifier) = issuer_params(&ca)?;
        let issuer = params
            .self_signed(&key)
            .map_err(|e| Refusal::NameNotReproducible(e.to_string()))?;
        let repeated = parsed(issuer.der())?;
        if repeated.subject().as_raw() != ca.subject().as_raw() {
            return Err(Refusal::NameNotReproducible(ca.subject().to_string()));
        }
        Ok(Self {
            issuer,
            key,
            key_identifier,
            not_after: ca.validity().not_after.timestamp(),
            pem: chain_pem.to_string(),
        })
    }

    /// Whether `certificate_pem` was signed by this CA.
    pub fn signed(&self, certificate_pem: &str) -> bool {
        let Ok(der) = CertificateDer::from_pem_slice(certificate_pem.as_bytes()) else {
            return false;
        };
        let Ok(ca_der) = CertificateDer::from_pem_slice(self.pem.as_bytes()) else {
            return false;
        };
        match (parsed(&der), parsed(&ca_der)) {
            (Ok(c), Ok(ca)) => c.verify_signature(Some(ca.public_key())).is_ok(),
            _ => false,
        }
    }

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
                let ca = Self::from_parts(&row.chain_pem, key)
                    .map_err(|e| TlsError::Corrupt(format!("the issuing CA: {e}")))?;
                let path = data_dir.join(CA_FILE);
                if std::fs::read_to_string(&path).ok().as_deref() != Some(row.chain_pem.as_str()) {
                    std::fs::write(&path, &row.chain_pem)
                        .map_err(|source| TlsError::Io { path, source })?;
                }
                return Ok(ca);
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
                .adopt_issuing_ca_certificate(&d.row(&pem), &secrets.seal(&key.serialize_pem()))
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
        let ca_end = time::OffsetDateTime::from_unix_timestamp(self.not_after)
            .map_err(|e| format!("the CA's end: {e}"))?;
        let not_after = (now
            + time::Duration::try_from(validity).map_err(|e| format!("validity: {e}"))?)
        .min(ca_end);
        if not_after <= now {
            return Err("the issuing CA has expired".to_string());
        }
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
        params.use_authority_key_identifier_extension = self.key_identifier;
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
        let ca = IssuingCa::from_parts(&issuer.pem(), ca_key).unwrap_or_else(|e| panic!("{e}"));
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

    fn candidate(key: &KeyPair, certs: &[&rcgen::Certificate]) -> Candidate {
        Candidate {
            key: rustls::pki_types::PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
            certs: certs.iter().map(|c| c.der().clone()).collect(),
        }
    }

    fn now() -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp()
    }

    #[test]
    fn sys_8_an_uploaded_ca_signs_under_its_exact_name_and_anything_else_is_refused() {
        // A CA whose name has several attributes and string types: what it signs names it
        // byte for byte, and points at its key identifier.
        let key = KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
        let mut params = ca_params("Org Issuing CA").unwrap_or_else(|e| panic!("{e}"));
        params.distinguished_name = DistinguishedName::new();
        params.distinguished_name.push(
            DnType::CountryName,
            DnValue::PrintableString("FR".try_into().unwrap_or_else(|e| panic!("{e:?}"))),
        );
        params
            .distinguished_name
            .push(DnType::OrganizationName, "Opérateur Test");
        params
            .distinguished_name
            .push(DnType::CommonName, "Org Issuing CA");
        let t = time::OffsetDateTime::now_utc();
        params.not_before = t - time::Duration::days(1);
        params.not_after = t + time::Duration::days(365);
        let ca = params.self_signed(&key).unwrap_or_else(|e| panic!("{e}"));
        let accepted =
            accept_upload(candidate(&key, &[&ca]), now()).unwrap_or_else(|e| panic!("{e}"));
        let issuing = IssuingCa::from_parts(
            &accepted.chain_pem,
            KeyPair::from_pem(&accepted.key_pem).unwrap_or_else(|e| panic!("{e}")),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let system_key = KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
        let csr = CertificateParams::new(Vec::<String>::new())
            .and_then(|p| p.serialize_request(&system_key))
            .and_then(|c| c.pem())
            .unwrap_or_else(|e| panic!("{e}"));
        let issued = issuing
            .sign(&csr, "ipo-1", &[], std::time::Duration::from_secs(3600))
            .unwrap_or_else(|e| panic!("{e}"));
        let der = pem_to_der(&issued.pem);
        let (_, leaf) = X509Certificate::from_der(&der).unwrap_or_else(|e| panic!("{e}"));
        let (_, ca_parsed) = X509Certificate::from_der(ca.der()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(leaf.issuer().as_raw(), ca_parsed.subject().as_raw());
        assert!(leaf.verify_signature(Some(ca_parsed.public_key())).is_ok());
        assert!(issuing.signed(&issued.pem));

        // Not a CA; a key of another certificate; expired; not yet valid.
        let leaf_key = KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
        let not_ca = CertificateParams::new(vec!["x.example".to_string()])
            .and_then(|p| p.self_signed(&leaf_key))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            accept_upload(candidate(&leaf_key, &[&not_ca]), now()).err(),
            Some(Refusal::NotCa)
        );
        assert_eq!(
            accept_upload(candidate(&leaf_key, &[&ca]), now()).err(),
            Some(Refusal::KeyMismatch)
        );
        let ten_years = 10 * 365 * 24 * 3600;
        assert_eq!(
            accept_upload(candidate(&key, &[&ca]), now() + ten_years).err(),
            Some(Refusal::Expired)
        );
        assert_eq!(
            accept_upload(candidate(&key, &[&ca]), now() - ten_years).err(),
            Some(Refusal::NotYetValid)
        );
        // A certificate signed by another CA is not this one's.
        let other = IssuingCa::from_parts(
            &ca_params("Other")
                .and_then(|p| p.self_signed(&leaf_key))
                .unwrap_or_else(|e| panic!("{e}"))
                .pem(),
            leaf_key,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!other.signed(&issued.pem));
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
