//! Shared state handed to every handler: store, messages, configuration, secrets, log control.

use crate::config::Config;
use crate::i18n::I18n;
use patchbay_domain::preferences::{LogLevel, Preferences};
use patchbay_store::crypto::SecretBox;
use patchbay_store::Store;
use std::sync::{Arc, RwLock};

/// Changes the server log level at once (PRF-7).
pub type LogControl = Arc<dyn Fn(LogLevel) + Send + Sync>;

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

pub struct Inner {
    pub store: Store,
    /// The registrar's bindings and failures (SIP-3, SIP-4).
    pub registrar: patchbay_store::registrar::RegistrarDb,
    /// Backups, log files and other blobs (see [`patchbay_store::blobs`]).
    pub blobs: patchbay_store::blobs::Blobs,
    pub i18n: I18n,
    pub config: Config,
    pub secrets: SecretBox,
    pub log_control: LogControl,
    pub started_at: jiff::Timestamp,
    /// Verified against when a login does not exist, so response time does not reveal it.
    pub dummy_hash: String,
    /// Invalid-token throttle for the API (429 with Retry-After).
    pub throttle: crate::auth::Throttle,
    /// The customer systems connected to this node.
    pub agents: crate::http::gateway::Registry,
    /// This node's alarm queue and writer (ALM-1 at volume).
    pub ingest: crate::service::ingest::Ingest,
    /// Ended agent sessions, recorded in batches.
    pub disconnections: crate::service::disconnections::Disconnections,
    /// Wakes this node's job runner (a job was created or resumed here).
    pub jobs_wake: tokio::sync::Notify,
    /// Wakes this node's bulk-import runner (a file was queued here, WGO-4).
    pub imports_wake: tokio::sync::Notify,
    /// Remote-support streams waiting for their dial-back, and the live ones (RMT-3).
    pub tunnels: crate::proxy::tunnel::Tunnels,
    /// Proxy logins verified lately (RMT-2).
    pub proxy_logins: crate::proxy::auth::Verified,
    /// The port the remote-support proxy listens on, once it does.
    pub proxy_port: std::sync::OnceLock<u16>,
    /// The port the phone file server listens on, once it does (VNT-1).
    pub phone_files_port: std::sync::OnceLock<u16>,
    /// Nonces and per-source limits of the provisioning files (PRV-2).
    pub provisioning: crate::service::provisioning::Guard,
    /// Wrong activation codes per source (WGO-5).
    pub activation: crate::auth::FailureGate,
    /// Why the phone file server could not listen (the hub serves everything else all the same).
    pub phone_files_error: std::sync::OnceLock<String>,
    /// The open-files limit in force once raised at start (0: not known).
    pub open_files: std::sync::OnceLock<u64>,
    /// Where agents reach this node, once it listens (see [`crate::config::Config::node_url`]).
    pub node_url: std::sync::OnceLock<String>,
    /// What this node counts for `/metrics`.
    pub metrics: crate::metrics::Metrics,
    /// The identity certificate every listener serves (CRT-1), swapped in place.
    pub tls_identity: Arc<crate::tls::identity::Identity>,
    /// The server preferences as last read: replaced when they change here, reloaded with each
    /// heartbeat for changes made on other nodes (see [`AppState::reload_preferences`]).
    preferences: RwLock<Arc<Preferences>>,
}

impl AppState {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Store,
        registrar: patchbay_store::registrar::RegistrarDb,
        blobs: patchbay_store::blobs::Blobs,
        i18n: I18n,
        config: Config,
        secrets: SecretBox,
        log_control: LogControl,
        preferences: Preferences,
        tls_identity: crate::tls::identity::Identity,
    ) -> Self {
        let identity = crate::datadir::node_identity(&config.data_dir);
        let admissions = config.agent_admissions;
        // PostgreSQL takes several writers at once; SQLite has one write lock.
        let writers = match store.dialect() {
            patchbay_store::Dialect::Postgres => crate::service::ingest::PG_WRITERS,
            patchbay_store::Dialect::Sqlite => 1,
        };
        let ingest = crate::service::ingest::Ingest::new(config.alarm_queue, writers);
        Self {
            inner: Arc::new(Inner {
                store,
                registrar,
                blobs,
                i18n,
                config,
                secrets,
                log_control,
                started_at: jiff::Timestamp::now(),
                dummy_hash: patchbay_store::crypto::hash_password("no such account"),
                throttle: crate::auth::Throttle::default(),
                agents: crate::http::gateway::Registry::new(identity, admissions),
                ingest,
                disconnections: Default::default(),
                jobs_wake: tokio::sync::Notify::new(),
                imports_wake: tokio::sync::Notify::new(),
                tunnels: Default::default(),
                proxy_logins: Default::default(),
                proxy_port: std::sync::OnceLock::new(),
                phone_files_port: std::sync::OnceLock::new(),
                phone_files_error: std::sync::OnceLock::new(),
                open_files: std::sync::OnceLock::new(),
                tls_identity: Arc::new(tls_identity),
                node_url: std::sync::OnceLock::new(),
                metrics: Default::default(),
                provisioning: Default::default(),
                activation: Default::default(),
                preferences: RwLock::new(Arc::new(preferences)),
            }),
        }
    }

    /// The remote-support proxy's port as clients reach it: where it listens, else the
    /// configured or default port.
    pub fn proxy_port(&self) -> u16 {
        self.proxy_port.get().copied().unwrap_or_else(|| {
            self.config
                .proxy_listen
                .map(|a| a.port())
                .filter(|p| *p != 0)
                .unwrap_or(patchbay_domain::remote::PROXY_PORT)
        })
    }

    /// The phone file server's port as phones reach it: where it listens, else the configured
    /// or default port (8080).
    pub fn phone_files_port(&self) -> u16 {
        self.phone_files_port.get().copied().unwrap_or_else(|| {
            self.config
                .phone_files_listen
                .map(|a| a.port())
                .filter(|p| *p != 0)
                .unwrap_or(8080)
        })
    }

    /// The server preferences, without a database read (pages read them on every request).
    pub fn preferences(&self) -> Arc<Preferences> {
        match self.preferences.read() {
            Ok(p) => p.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Use `prefs` from now on (they were just stored); the log level applies at once (PRF-7).
    pub fn use_preferences(&self, prefs: Preferences) {
        (self.log_control)(prefs.log_level);
        let prefs = Arc::new(prefs);
        match self.preferences.write() {
            Ok(mut p) => *p = prefs,
            Err(poisoned) => *poisoned.into_inner() = prefs,
        }
    }

    /// Read the stored preferences again and use them if another node changed them; the
    /// outbound TLS mirror follows (another node may have changed the trusted certificates).
    pub async fn reload_preferences(&self) {
        match self.store.preferences().await {
            Ok(stored) if stored != *self.preferences() => self.use_preferences(stored),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reading the preferences failed"),
        }
        self.mirror_outbound().await;
    }

    /// PRF-3: mirror the security level and the trusted certificates into the data dir, where
    /// the next start's database connection reads them (see [`crate::tls::outbound`]).
    pub async fn mirror_outbound(&self) {
        let level = self.preferences().security_level;
        match crate::tls::outbound::Outbound::current(&self.store, level).await {
            Ok(o) => {
                if let Err(e) = o.mirror(&self.config.data_dir) {
                    tracing::warn!(error = %e, "cannot mirror the outbound TLS settings");
                }
            }
            Err(e) => tracing::warn!(error = %e, "reading the trusted certificates failed"),
        }
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
