//! Hub configuration: `patchbay.toml`, then `PATCHBAY_*` environment, then flags, each overriding
//! the one before. Passed through state, never global.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub const DEFAULT_DATA_DIR: &str = "./patchbay-data";
pub const DEFAULT_LISTEN: &str = "0.0.0.0:7080";
pub const DEFAULT_PROXY_LISTEN: &str = "0.0.0.0:6443";
pub const DEFAULT_PHONE_FILES_LISTEN: &str = "0.0.0.0:8080";

/// Settings shared by `serve`, `demo`, `migrate` and `admin`. Each field is `None` when neither
/// flag nor environment gave it (clap reads both; flags win).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConfigArgs {
    /// Directory for the SQLite database, blobs, identity certificate and secret key.
    #[arg(long, env = "PATCHBAY_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Address and port of the console, API and agent gateway (HTTPS).
    #[arg(long, env = "PATCHBAY_LISTEN")]
    pub listen: Option<String>,
    /// `sqlite://…` (default: the data dir's patchbay.db) or `postgres://…`.
    #[arg(long, env = "PATCHBAY_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Configuration file (default: ./patchbay.toml when present).
    #[arg(long, env = "PATCHBAY_CONFIG")]
    pub config: Option<PathBuf>,
    /// SMTP relay for outgoing mail (`smtp://host:25`, `smtps://user:pass@host:465`); without
    /// it, mail stays in the outbox (readable in the console).
    #[arg(long, env = "PATCHBAY_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender address of outgoing mail.
    #[arg(long, env = "PATCHBAY_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// The address customer systems and browsers reach this hub at (e.g. `hub.example.net:7080`).
    #[arg(long, env = "PATCHBAY_PUBLIC_ADDRESS")]
    pub public_address: Option<String>,
    /// SIP domain of the calling service (DEV-4): devices get `<customer>.<domain>` as registrar
    /// and `<domain>` as outbound proxy (resolved with DNS SRV). Default: `sip.` + the public host.
    #[arg(long, env = "PATCHBAY_SIP_DOMAIN")]
    pub sip_domain: Option<String>,
    /// Where backups and log files are kept: `s3://BUCKET[/PREFIX][?endpoint=URL&region=R]` for
    /// an S3-compatible bucket (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), or a
    /// folder. Default: the data dir's `blobs` folder. Several hub nodes need a shared one.
    #[arg(long, env = "PATCHBAY_BLOB_URL")]
    pub blob_url: Option<String>,
    /// Largest file (bytes) an agent may send, a backup or a log file (default 64 GiB).
    #[arg(long, env = "PATCHBAY_MAX_AGENT_FILE")]
    pub max_agent_file: Option<u64>,
    /// Address and port of the remote-support proxy (RMT-3, HTTPS CONNECT; default
    /// 0.0.0.0:6443; `off` to not listen).
    #[arg(long, env = "PATCHBAY_PROXY_LISTEN")]
    pub proxy_listen: Option<String>,
    /// The domain of remote-support addresses, `<customer>.maint.<domain>` (RMT-4). Default: the
    /// public host name without its first label (`admin.example.com` → `example.com`).
    #[arg(long, env = "PATCHBAY_REMOTE_DOMAIN")]
    pub remote_domain: Option<String>,
    /// Address and port of the phone file server (VNT-1, WPL-1: plain HTTP and HTTPS on the same
    /// port; default 0.0.0.0:8080; `off` to not listen).
    #[arg(long, env = "PATCHBAY_PHONE_FILES_LISTEN")]
    pub phone_files_listen: Option<String>,
    /// Countries (ISO 3166 two-letter codes, comma separated) whose locations may have mobile
    /// lines (WGO-1; default US,GB,FR).
    #[arg(long, env = "PATCHBAY_MOBILE_COUNTRIES")]
    pub mobile_countries: Option<String>,
    /// Where agents reach this very node, not the load balancer (`https://node1.example.net:7080`):
    /// a remote-support stream opened on another node for a system this node holds is dialled
    /// back there. Default: the listen address, or this host's name when listening on every
    /// address.
    #[arg(long, env = "PATCHBAY_NODE_URL")]
    pub node_url: Option<String>,
    /// Bearer token Prometheus must present to read `/metrics`; without it `/metrics` is open.
    #[arg(long, env = "PATCHBAY_METRICS_TOKEN")]
    pub metrics_token: Option<String>,
    /// Most PostgreSQL connections of this node's main pool (default 16). Each node also keeps
    /// a few of its own (alarm writers, registrar, notices): nodes × (this + 6) must stay within
    /// the server's `max_connections`.
    #[arg(long, env = "PATCHBAY_DB_CONNECTIONS")]
    pub db_connections: Option<u32>,
    /// Days a system's certificate issued by the hub's CA is valid (SYS-8, default 365); it is
    /// renewed two thirds of the way through.
    #[arg(long, env = "PATCHBAY_SYSTEM_CERTIFICATE_DAYS")]
    pub system_certificate_days: Option<u64>,
    /// Where the application centre sends its SIP OPTIONS to see the registrar answer (APC-1;
    /// default 127.0.0.1:5060, `off` not to check).
    #[arg(long, env = "PATCHBAY_REGISTRAR_ADDRESS")]
    pub registrar_address: Option<String>,
}

/// The file form; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
struct FileConfig {
    data_dir: Option<PathBuf>,
    listen: Option<String>,
    database_url: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    public_address: Option<String>,
    sip_domain: Option<String>,
    blob_url: Option<String>,
    max_agent_file: Option<u64>,
    proxy_listen: Option<String>,
    remote_domain: Option<String>,
    phone_files_listen: Option<String>,
    mobile_countries: Option<String>,
    node_url: Option<String>,
    metrics_token: Option<String>,
    db_connections: Option<u32>,
    system_certificate_days: Option<u64>,
    registrar_address: Option<String>,
}

/// Resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub database_url: String,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// host:port of this hub as customers reach it.
    pub public_address: Option<String>,
    /// Configured SIP domain; see [`Config::sip_domain`].
    pub sip_domain: Option<String>,
    /// Largest file an agent may send (a backup, a log file); beyond, the upload is refused.
    pub max_agent_file: u64,
    /// Where blobs are kept (see [`ConfigArgs::blob_url`]); `None`: the data dir.
    pub blob_url: Option<String>,
    /// How often the job runner looks for due work when nothing wakes it (tests lengthen it to
    /// show that a notice from another node is enough).
    pub jobs_tick: std::time::Duration,
    /// Where the remote-support proxy listens; `None`: it does not.
    pub proxy_listen: Option<SocketAddr>,
    /// Configured remote-support domain; see [`Config::remote_domain`].
    pub remote_domain: Option<String>,
    /// Where the phone file server listens; `None`: it does not.
    pub phone_files_listen: Option<SocketAddr>,
    /// Whether the job runner creates the automatic jobs by the clock: the nightly backups
    /// (BKP-3) and the daily log collection (LOG-2). The hub's own tests turn it off and drive
    /// them with an injected clock (otherwise a test run between 02:00 and 04:00 sees an extra
    /// backup).
    pub automatic_jobs: bool,
    /// WGO-1: the countries whose locations may have mobile lines.
    pub mobile_countries: Vec<String>,
    /// Alarm events waiting for the ingest writer, at most: beyond, agents are asked to slow
    /// down (tests make it small).
    pub alarm_queue: usize,
    /// Configured agent URL of this node; see [`ConfigArgs::node_url`].
    pub node_url: Option<String>,
    /// See [`ConfigArgs::metrics_token`].
    pub metrics_token: Option<String>,
    /// See [`ConfigArgs::db_connections`].
    pub db_connections: u32,
    /// Agent sessions authenticating at once on this node (tests make it 0 to see a busy node).
    pub agent_admissions: usize,
    /// How long a system's certificate is valid (SYS-8; tests make it seconds to see renewals).
    pub system_certificate_validity: std::time::Duration,
    /// How often each agent session checks whether its system's certificate is due.
    pub certificate_check: std::time::Duration,
    /// Where the registrar answers SIP OPTIONS (APC-1); `None`: not checked.
    pub registrar_probe: Option<SocketAddr>,
}

/// Default of [`Config::certificate_check`].
pub const CERTIFICATE_CHECK: std::time::Duration = std::time::Duration::from_secs(3600);

fn certificate_days(days: u64) -> std::time::Duration {
    std::time::Duration::from_secs(days.clamp(1, 3650) * 86_400)
}

/// Default of [`Config::jobs_tick`].
pub const JOBS_TICK: std::time::Duration = std::time::Duration::from_secs(2);

/// Default of [`Config::max_agent_file`]: 64 GiB.
pub const MAX_AGENT_FILE: u64 = 64 * 1024 * 1024 * 1024;

impl Config {
    /// A configuration with the given essentials and defaults for the rest.
    pub fn new(data_dir: PathBuf, listen: SocketAddr, database_url: String) -> Self {
        Self {
            data_dir,
            listen,
            database_url,
            smtp_url: None,
            mail_from: DEFAULT_MAIL_FROM.into(),
            public_address: None,
            sip_domain: None,
            max_agent_file: MAX_AGENT_FILE,
            blob_url: None,
            jobs_tick: JOBS_TICK,
            alarm_queue: crate::service::ingest::QUEUE_EVENTS,
            proxy_listen: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            remote_domain: None,
            phone_files_listen: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            automatic_jobs: true,
            mobile_countries: default_countries(),
            node_url: None,
            metrics_token: None,
            db_connections: patchbay_store::PG_CONNECTIONS,
            agent_admissions: crate::http::gateway::ADMISSIONS,
            system_certificate_validity: certificate_days(
                patchbay_domain::certificates::SYSTEM_CERTIFICATE_DAYS,
            ),
            certificate_check: CERTIFICATE_CHECK,
            registrar_probe: Some(SocketAddr::from(([127, 0, 0, 1], 5060))),
        }
    }

    /// Where agents reach this node once it listens on `bound` (see [`ConfigArgs::node_url`]):
    /// `https://…` without a trailing slash.
    pub fn node_url(&self, bound: SocketAddr) -> String {
        if let Some(u) = &self.node_url {
            return u.trim().trim_end_matches('/').to_string();
        }
        let host = if bound.ip().is_unspecified() {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "localhost".into())
        } else if bound.is_ipv6() {
            format!("[{}]", bound.ip())
        } else {
            bound.ip().to_string()
        };
        format!("https://{host}:{}", bound.port())
    }

    /// The `<domain>` of `….maint.<domain>` (RMT-4): configured, else the public host name
    /// without its first label when it has three or more, else `patchbay.local`.
    pub fn remote_domain(&self) -> String {
        if let Some(d) = self
            .remote_domain
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            return d.trim_matches('.').to_ascii_lowercase();
        }
        let public = self.public_address();
        let host = public.rsplit_once(':').map(|(h, _)| h).unwrap_or(&public);
        let host = host
            .trim_matches(|c| c == '[' || c == ']')
            .to_ascii_lowercase();
        if host.parse::<std::net::IpAddr>().is_ok() || !host.contains('.') {
            return "patchbay.local".into();
        }
        match host.split_once('.') {
            Some((_, rest)) if rest.contains('.') => rest.to_string(),
            _ => host,
        }
    }

    /// The SIP domain devices register to (DEV-4): configured, else `sip.` + the public host
    /// name, else `sip.patchbay.local` when the hub is only known by an address.
    pub fn sip_domain(&self) -> String {
        if let Some(d) = self.sip_domain.as_deref().filter(|d| !d.is_empty()) {
            return d.to_ascii_lowercase();
        }
        let public = self.public_address();
        let host = public.rsplit_once(':').map(|(h, _)| h).unwrap_or(&public);
        let host = host.trim_matches(|c| c == '[' || c == ']');
        if host.parse::<std::net::IpAddr>().is_ok() || host == "localhost" || !host.contains('.') {
            "sip.patchbay.local".into()
        } else {
            format!("sip.{}", host.to_ascii_lowercase())
        }
    }

    /// host:port customers use to reach the hub: the configured public address, else this
    /// machine's host name and the listening port.
    pub fn public_address(&self) -> String {
        if let Some(a) = &self.public_address {
            return a.clone();
        }
        let host = std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".into());
        format!("{host}:{}", self.listen.port())
    }
}

pub const DEFAULT_MAIL_FROM: &str = "patchbay@localhost";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("listen address {0:?} is not ADDR:PORT")]
    Listen(String),
    #[error("proxy listen address {0:?} is not ADDR:PORT or off")]
    ProxyListen(String),
    #[error("phone file server address {0:?} is not ADDR:PORT or off")]
    PhoneFilesListen(String),
    #[error("registrar address {0:?} is not IP:PORT or off")]
    RegistrarAddress(String),
    #[error("mobile countries: {0:?} is not a two-letter country code")]
    MobileCountries(String),
}

impl ConfigArgs {
    pub fn resolve(&self) -> Result<Config, ConfigError> {
        let (path, explicit) = match &self.config {
            Some(p) => (p.clone(), true),
            None => (PathBuf::from("patchbay.toml"), false),
        };
        let file = if explicit || path.exists() {
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            toml::from_str::<FileConfig>(&text).map_err(|source| ConfigError::Parse {
                path: path.clone(),
                source,
            })?
        } else {
            FileConfig::default()
        };
        let data_dir = self
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let listen_text = self
            .listen
            .clone()
            .or(file.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.to_string());
        let listen = listen_text
            .parse()
            .map_err(|_| ConfigError::Listen(listen_text.clone()))?;
        let database_url = self
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| sqlite_url(&data_dir));
        let proxy_text = self
            .proxy_listen
            .clone()
            .or(file.proxy_listen)
            .unwrap_or_else(|| DEFAULT_PROXY_LISTEN.to_string());
        let proxy_listen = match proxy_text.trim() {
            "off" | "" => None,
            t => Some(
                t.parse()
                    .map_err(|_| ConfigError::ProxyListen(proxy_text.clone()))?,
            ),
        };
        let phone_text = self
            .phone_files_listen
            .clone()
            .or(file.phone_files_listen)
            .unwrap_or_else(|| DEFAULT_PHONE_FILES_LISTEN.to_string());
        let phone_files_listen = match phone_text.trim() {
            "off" | "" => None,
            t => Some(
                t.parse()
                    .map_err(|_| ConfigError::PhoneFilesListen(phone_text.clone()))?,
            ),
        };
        let countries_text = self.mobile_countries.clone().or(file.mobile_countries);
        let mobile_countries = match countries_text {
            Some(t) => patchbay_domain::mobile::parse_countries(&t)
                .map_err(ConfigError::MobileCountries)?,
            None => default_countries(),
        };
        Ok(Config {
            agent_admissions: crate::http::gateway::ADMISSIONS,
            system_certificate_validity: certificate_days(
                self.system_certificate_days
                    .or(file.system_certificate_days)
                    .unwrap_or(patchbay_domain::certificates::SYSTEM_CERTIFICATE_DAYS),
            ),
            certificate_check: CERTIFICATE_CHECK,
            registrar_probe: match self
                .registrar_address
                .clone()
                .or(file.registrar_address)
                .as_deref()
                .map(str::trim)
            {
                None | Some("") => Some(SocketAddr::from(([127, 0, 0, 1], 5060))),
                Some("off") => None,
                Some(t) => Some(
                    t.parse()
                        .map_err(|_| ConfigError::RegistrarAddress(t.to_string()))?,
                ),
            },
            db_connections: self
                .db_connections
                .or(file.db_connections)
                .filter(|n| *n > 0)
                .unwrap_or(patchbay_store::PG_CONNECTIONS),
            node_url: self
                .node_url
                .clone()
                .or(file.node_url)
                .filter(|u| !u.trim().is_empty()),
            metrics_token: self
                .metrics_token
                .clone()
                .or(file.metrics_token)
                .filter(|t| !t.is_empty()),
            mobile_countries,
            proxy_listen,
            phone_files_listen,
            remote_domain: self.remote_domain.clone().or(file.remote_domain),
            data_dir,
            listen,
            database_url,
            smtp_url: self
                .smtp_url
                .clone()
                .or(file.smtp_url)
                .filter(|s| !s.is_empty()),
            mail_from: self
                .mail_from
                .clone()
                .or(file.mail_from)
                .unwrap_or_else(|| DEFAULT_MAIL_FROM.into()),
            public_address: self.public_address.clone().or(file.public_address),
            sip_domain: self.sip_domain.clone().or(file.sip_domain),
            max_agent_file: self
                .max_agent_file
                .or(file.max_agent_file)
                .unwrap_or(MAX_AGENT_FILE),
            blob_url: self
                .blob_url
                .clone()
                .or(file.blob_url)
                .filter(|u| !u.trim().is_empty()),
            jobs_tick: JOBS_TICK,
            alarm_queue: crate::service::ingest::QUEUE_EVENTS,
            automatic_jobs: true,
        })
    }
}

fn default_countries() -> Vec<String> {
    patchbay_domain::mobile::DEFAULT_COUNTRIES
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// The embedded default database inside the data dir.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("patchbay.db").display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rmt_4_remote_domain_defaults_to_the_public_domain() {
        let mut c = Config::new(
            PathBuf::from("/tmp"),
            "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
            String::new(),
        );
        c.public_address = Some("admin.example.com:7080".into());
        assert_eq!(c.remote_domain(), "example.com");
        c.public_address = Some("example.com:7080".into());
        assert_eq!(c.remote_domain(), "example.com");
        c.public_address = Some("127.0.0.1:7080".into());
        assert_eq!(c.remote_domain(), "patchbay.local");
        c.remote_domain = Some("Support.Example.NET.".into());
        assert_eq!(c.remote_domain(), "support.example.net");
    }

    #[test]
    fn defaults_and_file_and_flags() {
        let dir = std::env::temp_dir().join(format!("pbcfg-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let file = dir.join("patchbay.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\ndata_dir = \"/tmp/x\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let args = ConfigArgs {
            config: Some(file.clone()),
            data_dir: Some(PathBuf::from("/tmp/y")),
            ..Default::default()
        };
        let c = args.resolve().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.data_dir, PathBuf::from("/tmp/y"));
        assert_eq!(c.database_url, "sqlite:///tmp/y/patchbay.db");
        assert_eq!(c.proxy_listen, "0.0.0.0:6443".parse().ok());
        assert_eq!(c.phone_files_listen, "0.0.0.0:8080".parse().ok());
        std::fs::write(&file, "nonsense = 1\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(args.resolve().is_err());
    }
}
