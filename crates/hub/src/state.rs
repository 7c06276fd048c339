//! Shared state handed to every handler: store, messages, configuration, secrets, log control.

use crate::config::Config;
use crate::i18n::I18n;
use patchbay_domain::preferences::LogLevel;
use patchbay_store::crypto::SecretBox;
use patchbay_store::Store;
use std::sync::Arc;

/// Changes the server log level at once (PRF-7).
pub type LogControl = Arc<dyn Fn(LogLevel) + Send + Sync>;

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

pub struct Inner {
    pub store: Store,
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
}

impl AppState {
    pub fn new(
        store: Store,
        i18n: I18n,
        config: Config,
        secrets: SecretBox,
        log_control: LogControl,
    ) -> Self {
        let identity = crate::datadir::node_identity(&config.data_dir);
        Self {
            inner: Arc::new(Inner {
                store,
                i18n,
                config,
                secrets,
                log_control,
                started_at: jiff::Timestamp::now(),
                dummy_hash: patchbay_store::crypto::hash_password("no such account"),
                throttle: crate::auth::Throttle::default(),
                agents: crate::http::gateway::Registry::new(identity),
            }),
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
