//! The Patchbay hub: `patchbay serve` and friends. `start` is what the binary and the in-process
//! integration tests both run.

pub mod admin;
pub mod auth;
pub mod config;
pub mod datadir;
pub mod demo;
pub mod error;
pub mod http;
pub mod i18n;
pub mod metrics;
pub mod proxy;
pub mod service;
pub mod snapshot;
pub mod state;
pub mod tls;

use crate::config::Config;
use crate::state::{AppState, LogControl};
use patchbay_store::Store;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("data dir {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    #[error(transparent)]
    Key(#[from] datadir::KeyError),
    #[error("database: {0}")]
    Store(#[from] patchbay_store::StoreError),
    #[error(transparent)]
    I18n(#[from] i18n::I18nError),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error(transparent)]
    Blobs(#[from] patchbay_store::blobs::BlobError),
    #[error(transparent)]
    Proxy(#[from] proxy::ProxyError),
    #[error("cannot start the alarm writer: {0}")]
    Writer(std::io::Error),
}

/// What `prepare` created on the way: the one-time password of a first administrator.
pub struct Prepared {
    pub state: AppState,
    pub first_admin: Option<(String, String)>,
}

/// Open the data dir (creating what is missing), connect and migrate the database, create the first
/// administrator when there is no account.
pub async fn prepare(config: Config, log_control: LogControl) -> Result<Prepared, HubError> {
    let dir = config.data_dir.clone();
    datadir::ensure(&dir).map_err(|e| HubError::DataDir(dir.display().to_string(), e))?;
    tls::install_crypto_provider();
    tls::ensure_identity(&dir)?;
    let secrets = datadir::secret_box(&dir)?;
    // PRF-3: a PostgreSQL URL asking for TLS is checked as the mirrored level says.
    let database_url = tls::outbound::database_url(&config.database_url, &dir);
    let store = Store::connect_sized(&database_url, config.db_connections).await?;
    store.migrate().await?;
    let first_admin = admin::ensure_first_admin(&store).await?;
    let i18n = i18n::I18n::load()?;
    let prefs = store.preferences().await?;
    (log_control)(prefs.log_level);
    let blobs = match &config.blob_url {
        // PRF-3: the level and the trusted certificates as they stand at start.
        Some(url) => {
            let outbound = tls::outbound::Outbound::current(&store, prefs.security_level).await?;
            patchbay_store::blobs::Blobs::from_url_with(url, &outbound.blobs())?
        }
        None => patchbay_store::blobs::Blobs::local(&dir.join(datadir::BLOB_DIR))?,
    };
    let registrar = patchbay_store::registrar::RegistrarDb::open(&store, &dir).await?;
    let identity = tls::identity::Identity::load(&store, &secrets, &dir).await?;
    let state = AppState::new(
        store,
        registrar,
        blobs,
        i18n,
        config,
        secrets,
        log_control,
        prefs,
        identity,
    );
    state.mirror_outbound().await;
    Ok(Prepared { state, first_admin })
}

/// A running hub.
pub struct Running {
    pub addr: SocketAddr,
    /// Where the remote-support proxy listens, when it does (RMT-3).
    pub proxy_addr: Option<SocketAddr>,
    /// Where the phone file server listens, when it does (VNT-1, WPL-1).
    pub phone_files_addr: Option<SocketAddr>,
    pub handle: axum_server::Handle,
    pub state: AppState,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Stop accepting, finish in-flight requests (up to 5 s), apply the alarms already taken, mark
    /// this node's systems offline.
    pub async fn shutdown(self) {
        self.state.agents.shutdown.cancel();
        self.handle.graceful_shutdown(Some(Duration::from_secs(5)));
        let _ = self.task.await;
        // Let the sessions record their disconnections (and remote-support streams their end)
        // before this node's systems are released.
        for _ in 0..250 {
            if self.state.agents.is_empty() && self.state.tunnels.live_count() == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Alarms taken from agents are applied before the pool closes (ALM-1): an agent forgets
        // an event only once it is durable, so what is not applied here comes again.
        self.state.ingest.drain().await;

        if let Err(e) = self
            .state
            .store
            .release_systems(None, Some(&self.state.agents.node_id))
            .await
        {
            tracing::warn!(error = %e, "cannot release this node's systems");
        }
        self.state.registrar.close().await;
        self.state.store.close().await;
    }
}

/// Descriptors kept for everything but agent connections (database pool, listeners, files being
/// received or served, tunnels).
pub const RESERVED_FILES: u64 = 256;

/// Raise this process's open-files soft limit to its hard limit (each agent connection holds one
/// descriptor) and say how many agents the node can hold. Returns the limit now in force.
pub fn raise_open_files() -> Option<u64> {
    let before = patchbay_agent::open_files_limit();
    let now = patchbay_agent::raise_open_files_limit(1 << 20);
    if let Some(limit) = now {
        let agents = limit.saturating_sub(RESERVED_FILES);
        match before {
            Some(b) if b < limit => tracing::info!(
                limit,
                raised_from = b,
                "open-files limit raised: this node can hold about {agents} agent connections"
            ),
            _ => tracing::info!(
                limit,
                "open-files limit: this node can hold about {agents} agent connections"
            ),
        }
    }
    now
}

/// Serve HTTPS on the configured address (port 0 picks a free one).
pub async fn start(state: AppState) -> Result<Running, HubError> {
    let _ = state.open_files.set(raise_open_files().unwrap_or(0));
    // Every handshake asks the live identity (CRT-1: replaced without a restart).
    let rustls = axum_server::tls_rustls::RustlsConfig::from_config(std::sync::Arc::new(
        state.tls_identity.server_config(&[b"h2", b"http/1.1"]),
    ));
    let listen = state.config.listen;
    let listener = std::net::TcpListener::bind(listen).map_err(|e| HubError::Listen(listen, e))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| HubError::Listen(listen, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| HubError::Listen(listen, e))?;
    let _ = state.node_url.set(state.config.node_url(addr));
    let handle = axum_server::Handle::new();
    let app = http::router(state.clone());
    // TCP_NODELAY: small writes (a WebSocket frame to an agent, a remote-support stream's bytes)
    // must not wait for the peer's delayed ACK (~40 ms each).
    let mut server = axum_server::from_tcp_rustls(listener, rustls)
        .map(|tls| tls.acceptor(axum_server::accept::NoDelayAcceptor::new()))
        .handle(handle.clone());
    // HTTP/2 refuses header blocks over 16 KiB by default (431, no body); let long URLs through
    // to the 414 with a Webex body (HTTP/1.1 stops at hyper's own 64 KiB request-line limit).
    server
        .http_builder()
        .http2()
        .max_header_list_size(256 * 1024);
    // Systems a previous run of this node held are released before the first request is
    // served, so nobody sees them online after a crash.
    spawn_presence(state.clone()).await;
    let proxy_addr = proxy::spawn(state.clone()).await?;
    // A port taken by another program must not keep the console and API from starting: the
    // reason is logged and shown on the phone-file pages.
    let phone_files_addr = match http::phoneserver::spawn(state.clone()).await {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "the phone file server is not listening");
            let _ = state.phone_files_error.set(e.to_string());
            None
        }
    };
    let task = tokio::spawn(async move {
        server
            .serve(app.into_make_service_with_connect_info::<SocketAddr>())
            .await
    });
    state
        .ingest
        .spawn_writer(state.store.clone())
        .map_err(HubError::Writer)?;
    spawn_sweeper(state.clone());
    crate::service::appcentre::spawn(state.clone());
    service::nodes::spawn_listener(state.clone());
    service::mail::spawn_mailer(state.clone());
    service::jobs::spawn_runner(state.clone());
    service::disconnections::spawn_writer(state.clone());
    service::calling::mobile_bulk::spawn_runner(state.clone());
    service::sip::monitor::spawn(state.clone());
    Ok(Running {
        addr,
        proxy_addr,
        phone_files_addr,
        handle,
        state,
        task,
    })
}

/// Node presence for scale-out: heartbeat every [`HEARTBEAT`] (which also picks up preferences
/// changed on another node); systems held by a node silent for
/// [`STALE_AFTER`] are offline since its last heartbeat (any node does the sweeping). A node that
/// restarts on its own data dir releases what its previous run held at once (that run is gone:
/// it no longer holds the data dir's lock), so a crash shows at the next start, not later.
pub const HEARTBEAT: Duration = Duration::from_secs(5);
pub const STALE_AFTER: Duration = Duration::from_secs(20);

async fn spawn_presence(state: AppState) {
    let node = state.agents.node_id.clone();
    if state.agents.identity.reclaimed {
        match state.store.release_systems(None, Some(&node)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(n, "systems held by this node's previous run released"),
            Err(e) => tracing::warn!(error = %e, "releasing the previous run's systems failed"),
        }
        match state
            .store
            .interrupt_remote_sessions(Some(&node), None)
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                n,
                "remote-support sessions of this node's previous run closed"
            ),
            Err(e) => tracing::warn!(error = %e, "closing the previous run's sessions failed"),
        }
    }
    let sweep = |state: AppState| async move {
        let url = state.node_url.get().map(String::as_str).unwrap_or_default();
        match state.store.node_heartbeat(&state.agents.node_id, url).await {
            Ok(true) => {}
            // Missing: new, or released by another node while this one was silent (starved of
            // CPU or database): the connections it still holds are shown connected again.
            Ok(false) => {
                let held = state.agents.held();
                if !held.is_empty() {
                    match state
                        .store
                        .reclaim_systems(&state.agents.node_id, &held)
                        .await
                    {
                        Ok(n) => tracing::warn!(
                            n,
                            "this node was taken for gone; its systems are shown connected again"
                        ),
                        Err(e) => tracing::warn!(error = %e, "cannot reclaim this node's systems"),
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "node heartbeat failed"),
        }
        // APC-1: what the application centre shows of this node.
        let tunnels = state.tunnels.live_count() as i64;
        if let Err(e) = state
            .store
            .node_facts(&state.agents.node_id, crate::state::VERSION, tunnels)
            .await
        {
            tracing::warn!(error = %e, "recording this node's facts failed");
        }
        if let Err(e) = state.store.release_systems(Some(STALE_AFTER), None).await {
            tracing::warn!(error = %e, "releasing stale systems failed");
        }
        if let Err(e) = state
            .store
            .interrupt_remote_sessions(None, Some(STALE_AFTER))
            .await
        {
            tracing::warn!(error = %e, "closing stale nodes' sessions failed");
        }
        // RMT-8: sessions of this node an administrator ended (on any node).
        match state.store.sessions_to_stop(&state.agents.node_id).await {
            Ok(ids) => {
                for id in ids {
                    state.tunnels.stop(&id);
                }
            }
            Err(e) => tracing::warn!(error = %e, "reading sessions to end failed"),
        }
    };
    sweep(state.clone()).await;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(HEARTBEAT);
        tick.tick().await;
        loop {
            tick.tick().await;
            state.throttle.housekeeping();
            state.provisioning.housekeeping();
            state.activation.housekeeping();
            state.reload_preferences().await;
            // CRT-1: an identity replaced on another node.
            if let Err(e) = state
                .tls_identity
                .follow(&state.store, &state.secrets)
                .await
            {
                tracing::warn!(error = %e, "cannot follow the identity certificate");
            }
            sweep(state.clone()).await;
        }
    });
}

/// How often the hourly housekeeping runs, on one node of all.
pub const SWEEP_EVERY: Duration = Duration::from_secs(3600);
/// How often each node asks whether the housekeeping is due (another node may have run it).
const SWEEP_LOOK: Duration = Duration::from_secs(60);

/// Hourly housekeeping, on one node per hour across every node: disable accounts that reached
/// their expiry date (OPR-1), forget login attempts too old to matter (OPR-3), and the rest below.
fn spawn_sweeper(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_LOOK);
        loop {
            tick.tick().await;
            if !service::nodes::claim_period(&state, "housekeeping", SWEEP_EVERY).await {
                continue;
            }
            match state.store.disable_expired_accounts(service::today()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, "disabled expired accounts"),
                Err(e) => tracing::warn!(error = %e, "expiry sweep failed"),
            }
            if let Err(e) = state.store.purge_login_attempts().await {
                tracing::warn!(error = %e, "login-attempt purge failed");
            }
            // SWR-1: unfinished uploads idle past their expiry, and their bytes.
            service::repository::sweep_uploads(&state).await;
            // MOB-1: requests no operator answered within 48 hours.
            match state.store.expire_operator_accounts().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, "operator account requests failed unanswered"),
                Err(e) => tracing::warn!(error = %e, "operator account expiry failed"),
            }
            // WGO-4: files of imports gone with their customer.
            service::calling::mobile_bulk::sweep_files(&state).await;
            // WGO-4: imports whose activation codes have all expired.
            let codes = Duration::from_secs(
                24 * 3600 * patchbay_domain::calling::ACTIVATION_CODE_DAYS as u64,
            );
            let before = patchbay_store::now_ms() - codes.as_millis() as i64;
            match state.store.purge_mobile_imports(before).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, "forgot old mobile-line imports"),
                Err(e) => tracing::warn!(error = %e, "mobile-line import purge failed"),
            }
            // RMT-8: ended sessions older than the retention preference.
            let days = state.preferences().session_retention_days;
            match state.store.purge_remote_sessions(days).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, days, "forgot old remote-support sessions"),
                Err(e) => tracing::warn!(error = %e, "remote-support session purge failed"),
            }
        }
    });
}
