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
//!
//! PostgreSQL is reached before its preferences can be read, so the level and the trusted
//! certificates are mirrored into the data dir ([`Outbound::mirror`], at start, after each change
//! and with each heartbeat for changes made on other nodes) and applied from there to a database
//! URL that asks for TLS with `sslmode=require` ([`database_url`]).

use patchbay_domain::preferences::SecurityLevel;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use std::path::Path;

/// The mirrored level, one word.
pub const LEVEL_FILE: &str = "outbound-level";
/// The mirrored trusted certificates, PEM.
pub const TRUSTED_FILE: &str = "outbound-trusted.pem";

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

    /// Keep the level and the trusted certificates in `dir` for the next start's database
    /// connection (files rewritten only when they differ, each replaced atomically).
    pub fn mirror(&self, dir: &Path) -> std::io::Result<()> {
        let pem: String = self
            .trusted
            .iter()
            .map(|c| super::certificate::pem("CERTIFICATE", c))
            .collect();
        replace_file(&dir.join(TRUSTED_FILE), &pem)?;
        replace_file(&dir.join(LEVEL_FILE), &format!("{}\n", self.level.as_str()))
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

fn replace_file(path: &Path, contents: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    // A name of its own: a heartbeat and a change may write at once, each file stays whole.
    let tmp = path.with_extension(format!("{}.tmp", uuid::Uuid::new_v4().simple()));
    std::fs::write(&tmp, contents)?;
    std::fs::rename(&tmp, path)
}

/// PRF-3 for the database: a PostgreSQL URL that asks for TLS with `sslmode=require` is checked as
/// the level mirrored in `dir` says (Unrestricted: encrypt only; Medium and High: `verify-full`,
/// see [`SecurityLevel::postgres_ssl_mode`]), against the mirrored trusted certificates besides the public roots unless the
/// URL names its own `sslrootcert`. Any other URL — SQLite, no `sslmode`, an explicit
/// `disable`/`prefer`/`verify-ca`/`verify-full`, or no mirror yet (the first start) — is used as
/// written.
pub fn database_url(url: &str, dir: &Path) -> String {
    let Some(level) = std::fs::read_to_string(dir.join(LEVEL_FILE))
        .ok()
        .and_then(|w| SecurityLevel::parse(&w))
    else {
        return url.to_string();
    };
    let Ok(mut parsed) = url::Url::parse(url) else {
        return url.to_string();
    };
    if !matches!(parsed.scheme(), "postgres" | "postgresql") {
        return url.to_string();
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if !pairs.iter().any(|(k, v)| k == "sslmode" && v == "require") {
        return url.to_string();
    }
    let trusted = dir.join(TRUSTED_FILE);
    let has_trusted = std::fs::metadata(&trusted).is_ok_and(|m| m.len() > 0);
    let own_roots = pairs.iter().any(|(k, _)| k == "sslrootcert");
    {
        let mut q = parsed.query_pairs_mut();
        q.clear();
        for (k, v) in &pairs {
            if k == "sslmode" {
                q.append_pair(k, level.postgres_ssl_mode());
            } else {
                q.append_pair(k, v);
            }
        }
        if level != SecurityLevel::Unrestricted && has_trusted && !own_roots {
            q.append_pair("sslrootcert", &trusted.to_string_lossy());
        }
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch directory, removed when dropped.
    struct Scratch(std::path::PathBuf);

    impl Scratch {
        fn new() -> Self {
            let p = std::env::temp_dir().join(format!("pb-outbound-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&p).unwrap_or_else(|e| panic!("{e}"));
            Self(p)
        }
        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn dir_with(level: SecurityLevel, trusted: &[CertificateDer<'static>]) -> Scratch {
        let dir = Scratch::new();
        Outbound {
            level,
            trusted: trusted.to_vec(),
        }
        .mirror(dir.path())
        .unwrap_or_else(|e| panic!("{e}"));
        dir
    }

    #[test]
    fn prf_3_a_postgres_url_asking_for_tls_is_checked_as_the_mirrored_level_says() {
        let url = "postgres://pb@db.example:5432/patchbay?sslmode=require&application_name=pb";
        let none = Scratch::new();
        assert_eq!(
            database_url(url, none.path()),
            url,
            "no mirror yet: as written"
        );
        let d = dir_with(SecurityLevel::Unrestricted, &[]);
        assert_eq!(database_url(url, d.path()), url);
        let d = dir_with(SecurityLevel::Medium, &[]);
        assert_eq!(
            database_url(url, d.path()),
            "postgres://pb@db.example:5432/patchbay?sslmode=verify-full&application_name=pb"
        );
        let cert = rcgen::generate_simple_self_signed(vec!["db.example".to_string()])
            .unwrap_or_else(|e| panic!("{e}"))
            .cert
            .der()
            .clone();
        let d = dir_with(SecurityLevel::High, &[cert]);
        let got = database_url(url, d.path());
        let roots = d.path().join(TRUSTED_FILE);
        assert!(got.contains("sslmode=verify-full"), "{got}");
        assert!(
            got.contains(
                &url::form_urlencoded::byte_serialize(roots.to_string_lossy().as_bytes())
                    .collect::<String>()
            ),
            "{got}"
        );
        assert!(std::fs::read_to_string(&roots)
            .unwrap_or_default()
            .starts_with("-----BEGIN CERTIFICATE-----"));
        // What the URL says itself is kept.
        for kept in [
            "postgres://pb@db.example/patchbay",
            "postgres://pb@db.example/patchbay?sslmode=disable",
            "postgres://pb@db.example/patchbay?sslmode=verify-full",
            "sqlite:///var/lib/patchbay/hub.db",
        ] {
            assert_eq!(database_url(kept, d.path()), kept);
        }
        let own = "postgres://pb@db.example/patchbay?sslmode=require&sslrootcert=%2Fetc%2Fdb.pem";
        assert_eq!(
            database_url(own, d.path()),
            "postgres://pb@db.example/patchbay?sslmode=verify-full&sslrootcert=%2Fetc%2Fdb.pem"
        );
    }
}
