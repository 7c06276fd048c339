//! `patchbay sip config` (SIP-2): Kamailio's configuration written from the hub's settings —
//! where the subscribers and the registrations live, where it listens, its TLS certificate.

use crate::config::Config;
use rand::Rng;
use std::path::{Path, PathBuf};

const TEMPLATE: &str = include_str!("../../../../../deploy/kamailio/kamailio.cfg.in");
const TLS_TEMPLATE: &str = include_str!("../../../../../deploy/kamailio/tls.cfg.in");

/// What the registrar is told beyond the hub's own settings.
#[derive(Debug, Clone)]
pub struct RegistrarOptions {
    /// Where the files go.
    pub out: PathBuf,
    /// The address Kamailio listens on.
    pub listen: String,
    /// UDP and TCP port.
    pub sip_port: u16,
    /// SIP over TLS port.
    pub tls_port: u16,
    /// Certificate and key (PEM) for SIP over TLS; the hub's identity when not given.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// Worker processes per transport.
    pub children: u32,
    /// This registrar among several on one PostgreSQL database (each keeps its own rows).
    pub server_id: u32,
    /// Seconds between writes of the registrations to the database.
    pub flush_seconds: u32,
    /// Requests per `pike_unit` seconds from one source before it is ignored (SIP-4).
    pub pike_density: u32,
    pub pike_unit: u32,
    /// Failed authentications from one source in 10 minutes before it is ignored.
    pub ban_after: u32,
    pub ban_seconds: u32,
}

impl RegistrarOptions {
    pub fn new(out: PathBuf) -> Self {
        Self {
            out,
            listen: "0.0.0.0".into(),
            sip_port: 5060,
            tls_port: 5061,
            tls_cert: None,
            tls_key: None,
            children: 4,
            server_id: 1,
            flush_seconds: 1,
            pike_density: 30,
            pike_unit: 2,
            ban_after: 20,
            ban_seconds: 300,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SipConfigError {
    #[error("the database URL is neither sqlite: nor postgres:")]
    Database,
    #[error("a path Kamailio is given may not contain a quote or a newline: {0}")]
    Path(String),
    #[error("writing {0}: {1}")]
    Write(String, std::io::Error),
}

/// Kamailio's URL for the hub's database and for the registrations, and the module to load.
struct Databases {
    module: &'static str,
    auth: String,
    loc: String,
    /// Shown in the file's header without a password.
    auth_shown: String,
    loc_shown: String,
    params: String,
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn safe(p: &Path) -> Result<String, SipConfigError> {
    let s = p.display().to_string();
    if s.contains(['"', '\n', '\r', '#']) {
        return Err(SipConfigError::Path(s));
    }
    Ok(s)
}

fn databases(config: &Config) -> Result<Databases, SipConfigError> {
    let url = config.database_url.as_str();
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        let path = path.split('?').next().unwrap_or(path);
        let main = safe(&absolute(Path::new(path)))?;
        let loc = safe(&absolute(
            &config.data_dir.join(patchbay_store::registrar::SQLITE_FILE),
        ))?;
        Ok(Databases {
            module: "db_sqlite.so",
            auth: format!("sqlite://{main}"),
            loc: format!("sqlite://{loc}"),
            auth_shown: main.clone(),
            loc_shown: loc.clone(),
            params: format!(
                "modparam(\"db_sqlite\", \"db_set_readonly\", \"{main}\")\n\
                 modparam(\"db_sqlite\", \"db_set_journal_mode\", \"{main}=WAL\")\n\
                 modparam(\"db_sqlite\", \"db_set_journal_mode\", \"{loc}=WAL\")"
            ),
        })
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let base = url.split('?').next().unwrap_or(url);
        let base = base.replacen("postgresql://", "postgres://", 1);
        if base.contains(['"', '\n', '\r']) {
            return Err(SipConfigError::Database);
        }
        let after = &base["postgres://".len()..];
        let shown = match after.rsplit_once('@') {
            Some((creds, host)) => format!("postgres://{}@{host}", user_of(creds)),
            None => base.clone(),
        };
        Ok(Databases {
            module: "db_postgres.so",
            auth: base.clone(),
            loc: base,
            auth_shown: shown.clone(),
            loc_shown: shown,
            params: String::new(),
        })
    } else {
        Err(SipConfigError::Database)
    }
}

/// The user of `user:password`, never the password.
fn user_of(creds: &str) -> &str {
    creds.split(':').next().unwrap_or("")
}

/// The two files, rendered: `kamailio.cfg` and `tls.cfg`.
pub fn render(config: &Config, o: &RegistrarOptions) -> Result<(String, String), SipConfigError> {
    let db = databases(config)?;
    let out = absolute(&o.out);
    let cert = absolute(
        &o.tls_cert
            .clone()
            .unwrap_or_else(|| config.data_dir.join(crate::tls::CERT_FILE)),
    );
    let key = absolute(
        &o.tls_key
            .clone()
            .unwrap_or_else(|| config.data_dir.join(crate::tls::KEY_FILE)),
    );
    let secret: String = rand::rngs::OsRng
        .sample_iter(&rand::distributions::Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    let cfg_file = safe(&out.join("kamailio.cfg"))?;
    let subst = [
        ("@AUTH_DB_SHOWN@", db.auth_shown.clone()),
        ("@LOC_DB_SHOWN@", db.loc_shown.clone()),
        ("@AUTH_DB@", db.auth.clone()),
        ("@LOC_DB@", db.loc.clone()),
        ("@DB_MODULE_PARAMS@", db.params.clone()),
        ("@DB_MODULE@", db.module.to_string()),
        ("@CFG_FILE@", cfg_file),
        ("@LISTEN@", o.listen.clone()),
        ("@SIP_PORT@", o.sip_port.to_string()),
        ("@TLS_PORT@", o.tls_port.to_string()),
        ("@CHILDREN@", o.children.max(1).to_string()),
        ("@SERVER_ID@", o.server_id.to_string()),
        ("@RUN_DIR@", safe(&out)?),
        ("@FLUSH@", o.flush_seconds.max(1).to_string()),
        ("@NONCE_SECRET@", secret),
        ("@PIKE_UNIT@", o.pike_unit.max(1).to_string()),
        ("@PIKE_DENSITY@", o.pike_density.max(1).to_string()),
        ("@BAN_AFTER@", o.ban_after.max(1).to_string()),
        ("@BAN_SECONDS@", o.ban_seconds.max(1).to_string()),
        ("@TLS_CFG@", safe(&out.join("tls.cfg"))?),
    ];
    let mut cfg = TEMPLATE.to_string();
    for (k, v) in &subst {
        cfg = cfg.replace(k, v);
    }
    let tls = TLS_TEMPLATE
        .replace("@TLS_CERT@", &safe(&cert)?)
        .replace("@TLS_KEY@", &safe(&key)?);
    Ok((cfg, tls))
}

/// Write `kamailio.cfg` and `tls.cfg` into `o.out` (created when missing; the files readable
/// by their owner only: the database URL may carry a password). Returns the configuration path.
pub fn write(config: &Config, o: &RegistrarOptions) -> Result<PathBuf, SipConfigError> {
    let (cfg, tls) = render(config, o)?;
    std::fs::create_dir_all(&o.out)
        .map_err(|e| SipConfigError::Write(o.out.display().to_string(), e))?;
    let cfg_path = absolute(&o.out.join("kamailio.cfg"));
    for (path, body) in [(&cfg_path, cfg), (&absolute(&o.out.join("tls.cfg")), tls)] {
        crate::datadir::write_private(path, body.as_bytes())
            .map_err(|e| SipConfigError::Write(path.display().to_string(), e))?;
    }
    Ok(cfg_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> Config {
        Config::new(
            PathBuf::from("/srv/patchbay"),
            "127.0.0.1:0"
                .parse()
                .unwrap_or(std::net::SocketAddr::from(([127, 0, 0, 1], 0))),
            url.into(),
        )
    }

    #[test]
    fn sip_2_config_sqlite_reads_the_hub_file_and_writes_its_own() {
        let (cfg, tls) = render(
            &config("sqlite:///srv/patchbay/patchbay.db"),
            &RegistrarOptions::new("/srv/patchbay/kamailio".into()),
        )
        .unwrap_or_default();
        assert!(
            cfg.contains("#!define DB_AUTH \"sqlite:///srv/patchbay/patchbay.db\""),
            "{cfg}"
        );
        assert!(cfg.contains("#!define DB_LOC \"sqlite:///srv/patchbay/sip.db\""));
        assert!(cfg.contains("db_set_readonly\", \"/srv/patchbay/patchbay.db\""));
        assert!(cfg.contains("listen=tls:0.0.0.0:5061"));
        assert!(!cfg.contains('@') || !cfg.contains("@LISTEN@"));
        assert!(tls.contains("method = TLSv1.2+"));
        assert!(tls.contains("certificate = /srv/patchbay/identity.crt.pem"));
    }

    #[test]
    fn sip_2_config_postgres_hides_the_password_in_comments() {
        let (cfg, _) = render(
            &config("postgres://pb:s3cret@db.example:5432/patchbay?sslmode=require"),
            &RegistrarOptions::new("/tmp/k".into()),
        )
        .unwrap_or_default();
        assert!(cfg.contains("#!define DB_AUTH \"postgres://pb:s3cret@db.example:5432/patchbay\""));
        assert!(cfg.contains("loadmodule \"db_postgres.so\""));
        let comments: String = cfg.lines().filter(|l| l.starts_with("#   ")).collect();
        assert!(!comments.contains("s3cret"), "{comments}");
        assert!(!cfg.contains("@AUTH_DB"));
    }
}
