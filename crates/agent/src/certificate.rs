//! SYS-8: the system's certificate, issued by the hub. The key is made here and never leaves the
//! system directory; the hub sees only a signing request.
//!
//! `DIR/certificates/` holds `system.crt.pem` (the certificate, then the hub's issuing CA),
//! `system.key.pem` (its key, mode 0600) and `ca.crt.pem` (the issuing CA alone, for the system's
//! trust store). A key waiting for its certificate is `.pending.key.pem` (0600); it becomes
//! `system.key.pem` only with the certificate that carries it, so a failed or abandoned request
//! leaves the installed pair as it was.

use crate::system::SystemConfig;
use patchbay_proto::{
    CertificateInstalled, CertificateRequest, CertificateSigningRequest, IssuedCertificate,
};
use rcgen::{CertificateParams, DnType, KeyPair};
use rustls::pki_types::{pem::PemObject, CertificateDer};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder of the system directory holding the certificate.
pub const FOLDER: &str = "certificates";
pub const CERTIFICATE_FILE: &str = "system.crt.pem";
pub const KEY_FILE: &str = "system.key.pem";
pub const CA_FILE: &str = "ca.crt.pem";
const PENDING_KEY_FILE: &str = ".pending.key.pem";

fn folder(dir: &Path) -> PathBuf {
    dir.join(FOLDER)
}

/// Writes `bytes` to `path` through a temporary file and a rename (readers never see half a
/// file); `private` files are readable by their owner only.
fn write_atomically(path: &Path, bytes: &[u8], private: bool) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(if private { 0o600 } else { 0o644 });
        }
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

/// A new key (ECDSA P-256) kept pending, and a signing request for it naming the system.
pub fn request(dir: &Path, r: CertificateRequest) -> CertificateSigningRequest {
    let refuse = |reason: String| CertificateSigningRequest {
        request_id: r.request_id.clone(),
        csr_pem: String::new(),
        reason,
    };
    let config = match SystemConfig::load(dir) {
        Ok(c) => c,
        Err(e) => return refuse(e.to_string()),
    };
    if !config.flags.auto_certificate_management {
        return refuse("automatic certificate management is off on this system".into());
    }
    let made = (|| -> Result<(String, String), String> {
        let key = KeyPair::generate().map_err(|e| format!("cannot make a key: {e}"))?;
        let mut params = CertificateParams::new(Vec::<String>::new())
            .map_err(|e| format!("cannot describe the request: {e}"))?;
        params
            .distinguished_name
            .push(DnType::CommonName, config.name.clone());
        let csr = params
            .serialize_request(&key)
            .and_then(|c| c.pem())
            .map_err(|e| format!("cannot make the signing request: {e}"))?;
        Ok((csr, key.serialize_pem()))
    })();
    let (csr, key) = match made {
        Ok(m) => m,
        Err(e) => return refuse(e),
    };
    let stored = std::fs::create_dir_all(folder(dir))
        .and_then(|()| write_atomically(&folder(dir).join(PENDING_KEY_FILE), key.as_bytes(), true));
    if let Err(e) = stored {
        return refuse(format!("cannot keep the new key: {e}"));
    }
    tracing::info!("certificate requested: a new key waits for its certificate");
    CertificateSigningRequest {
        request_id: r.request_id,
        csr_pem: csr,
        reason: String::new(),
    }
}

/// Installs the certificate when it carries the pending key.
pub fn install(dir: &Path, c: IssuedCertificate) -> CertificateInstalled {
    let outcome = match install_files(dir, &c) {
        Ok(()) => {
            tracing::info!("certificate installed in {}", folder(dir).display());
            (true, String::new())
        }
        Err(reason) => {
            tracing::warn!("certificate not installed: {reason}");
            (false, reason)
        }
    };
    CertificateInstalled {
        request_id: c.request_id,
        installed: outcome.0,
        reason: outcome.1,
    }
}

fn install_files(dir: &Path, c: &IssuedCertificate) -> Result<(), String> {
    let pending = folder(dir).join(PENDING_KEY_FILE);
    let key_pem = std::fs::read_to_string(&pending)
        .map_err(|e| format!("no key waits for a certificate: {e}"))?;
    let key = KeyPair::from_pem(&key_pem).map_err(|e| format!("the pending key: {e}"))?;
    let cert = CertificateDer::from_pem_slice(c.certificate_pem.as_bytes())
        .map_err(|e| format!("the certificate is not PEM: {e}"))?;
    if CertificateDer::from_pem_slice(c.ca_pem.as_bytes()).is_err() {
        return Err("the issuing CA is not PEM".into());
    }
    // The certificate's subject public key info is the pending key's, byte for byte.
    let spki = key.public_key_der();
    if !cert.windows(spki.len()).any(|w| w == spki.as_slice()) {
        return Err("the certificate does not carry the pending key".into());
    }
    let f = folder(dir);
    let chain = format!("{}\n{}", c.certificate_pem.trim_end(), c.ca_pem.trim_end());
    write_atomically(
        &f.join(CA_FILE),
        format!("{}\n", c.ca_pem.trim_end()).as_bytes(),
        false,
    )
    .and_then(|()| {
        write_atomically(
            &f.join(CERTIFICATE_FILE),
            format!("{chain}\n").as_bytes(),
            false,
        )
    })
    .and_then(|()| write_atomically(&f.join(KEY_FILE), key_pem.as_bytes(), true))
    .map_err(|e| format!("cannot write the certificate: {e}"))?;
    let _ = std::fs::remove_file(pending);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn system(dir: &Path, auto: bool) {
        std::fs::write(
            dir.join("system.toml"),
            format!("name = \"ipo-1\"\nprofile = \"ip500v2\"\nversion = \"12.1\"\naddress = \"10.0.0.1\"\n[flags]\nauto_certificate_management = {auto}\n"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }

    fn temp() -> PathBuf {
        let d = std::env::temp_dir().join(format!("pb-cert-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
        d
    }

    #[test]
    fn sys_8_no_request_when_the_flag_is_off() {
        let d = temp();
        system(&d, false);
        let r = request(
            &d,
            CertificateRequest {
                request_id: "r".into(),
            },
        );
        assert!(r.csr_pem.is_empty());
        assert!(r.reason.contains("off"), "{}", r.reason);
    }

    #[test]
    fn sys_8_a_certificate_for_another_key_is_not_installed() {
        let d = temp();
        system(&d, true);
        let r = request(
            &d,
            CertificateRequest {
                request_id: "r".into(),
            },
        );
        assert!(r.csr_pem.contains("CERTIFICATE REQUEST"), "{}", r.reason);
        // Signed for a key that is not the pending one.
        let other = KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
        let cert = CertificateParams::new(vec!["x".to_string()])
            .and_then(|p| p.self_signed(&other))
            .unwrap_or_else(|e| panic!("{e}"));
        let out = install(
            &d,
            IssuedCertificate {
                request_id: "r".into(),
                certificate_pem: cert.pem(),
                ca_pem: cert.pem(),
            },
        );
        assert!(!out.installed);
        assert!(out.reason.contains("pending key"), "{}", out.reason);
        assert!(!folder(&d).join(CERTIFICATE_FILE).exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(folder(&d).join(PENDING_KEY_FILE))
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or_default();
            assert_eq!(mode, 0o600);
        }
    }
}
