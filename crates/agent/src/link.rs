//! The connection to the hub, shared by `run` and `sim`: dial `wss://HUB/agent`, say `hello`, wait
//! for `welcome`/`refused`, send the report and the alarm stream, keep the socket alive with pings,
//! and reconnect forever with jittered exponential back-off.
//!
//! What differs between a real agent and a simulated system is only where the report and the alarms
//! come from: a [`Source`].

use crate::backoff::Backoff;
use anyhow::{anyhow, bail, Context};
use futures_util::{SinkExt, StreamExt};
use patchbay_proto::{
    AlarmEvent, Envelope, Hello, Message as Msg, Refused, Report, Welcome, AGENT_PATH,
};
use rustls::{pki_types::ServerName, ClientConfig};
use std::{
    fmt,
    future::Future,
    net::SocketAddr,
    path::Path,
    sync::{
        atomic::{AtomicU64, Ordering::Relaxed},
        Arc, Mutex,
    },
    time::Duration,
};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpStream,
    time::{interval_at, sleep, timeout, Instant, MissedTickBehavior},
};
use tokio_rustls::TlsConnector;
use tokio_tungstenite::{
    client_async_with_config,
    tungstenite::{http::Uri, protocol::WebSocketConfig, Message as WsMsg},
    WebSocketStream,
};
use tokio_util::sync::CancellationToken;

/// The version this agent reports in `hello`.
pub const AGENT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The service-user password. Its `Debug` never shows it, and nothing logs it.
#[derive(Clone)]
pub struct Password(Arc<str>);

impl Password {
    pub fn new(password: impl Into<String>) -> Self {
        Self(Arc::from(password.into()))
    }

    /// Reads the password from a file, without its trailing newline.
    pub fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read password file {}", path.display()))?;
        let p = text.trim_end_matches(['\n', '\r']);
        if p.is_empty() {
            bail!("password file {} is empty", path.display());
        }
        Ok(Self::new(p))
    }

    /// Reads the password from an environment variable.
    pub fn from_env(var: &str) -> anyhow::Result<Self> {
        let p = std::env::var(var).with_context(|| format!("environment variable {var}"))?;
        if p.is_empty() {
            bail!("environment variable {var} is empty");
        }
        Ok(Self::new(p))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Timings of the connection. The defaults are the production values; tests shrink them.
#[derive(Debug, Clone)]
pub struct LinkTimings {
    /// TCP connect + TLS + WebSocket handshake.
    pub connect_timeout: Duration,
    /// How long to wait for `welcome` or `refused` after `hello`.
    pub welcome_timeout: Duration,
    /// First reconnection delay ceiling (doubles per failure).
    pub backoff_base: Duration,
    /// Largest reconnection delay ceiling.
    pub backoff_cap: Duration,
    /// A connection that stayed up this long resets the back-off.
    pub stable_after: Duration,
    /// Unanswered pings after which the connection counts as lost.
    pub max_missed_pongs: u32,
    /// Ping period instead of the hub's `heartbeatSeconds` (tests only).
    pub heartbeat_override: Option<Duration>,
}

impl Default for LinkTimings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(15),
            welcome_timeout: Duration::from_secs(15),
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(60),
            stable_after: Duration::from_secs(60),
            max_missed_pongs: 3,
            heartbeat_override: None,
        }
    }
}

/// Counters of one or many links (the simulator shares one across all its systems).
#[derive(Debug, Default)]
pub struct LinkStats {
    connecting: AtomicU64,
    connected: AtomicU64,
    refused: AtomicU64,
    reconnecting: AtomicU64,
    welcomes: AtomicU64,
    refusals: AtomicU64,
    failures: AtomicU64,
    losses: AtomicU64,
    reports_sent: AtomicU64,
    alarms_sent: AtomicU64,
    last_problem: Mutex<Option<String>>,
}

/// A point-in-time copy of [`LinkStats`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Links dialling or waiting for `welcome`.
    pub connecting: u64,
    /// Links welcomed and up.
    pub connected: u64,
    /// Links waiting to retry after `refused`.
    pub refused: u64,
    /// Links waiting to retry after a failure or a lost connection.
    pub reconnecting: u64,
    pub welcomes: u64,
    pub refusals: u64,
    pub failures: u64,
    pub losses: u64,
    pub reports_sent: u64,
    pub alarms_sent: u64,
    /// The latest failure or refusal, for the summary line.
    pub last_problem: Option<String>,
}

impl fmt::Display for StatsSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "connected {}, connecting {}, refused {}, reconnecting {} \
             (welcomes {}, refusals {}, failures {}, losses {}; reports {}, alarms {})",
            self.connected,
            self.connecting,
            self.refused,
            self.reconnecting,
            self.welcomes,
            self.refusals,
            self.failures,
            self.losses,
            self.reports_sent,
            self.alarms_sent
        )?;
        if let Some(p) = &self.last_problem {
            write!(f, "; last problem: {p}")?;
        }
        Ok(())
    }
}

impl LinkStats {
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            connecting: self.connecting.load(Relaxed),
            connected: self.connected.load(Relaxed),
            refused: self.refused.load(Relaxed),
            reconnecting: self.reconnecting.load(Relaxed),
            welcomes: self.welcomes.load(Relaxed),
            refusals: self.refusals.load(Relaxed),
            failures: self.failures.load(Relaxed),
            losses: self.losses.load(Relaxed),
            reports_sent: self.reports_sent.load(Relaxed),
            alarms_sent: self.alarms_sent.load(Relaxed),
            last_problem: self
                .last_problem
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        }
    }

    fn problem(&self, p: String) {
        *self.last_problem.lock().unwrap_or_else(|e| e.into_inner()) = Some(p);
    }

    fn gauge(&self, s: LinkState) -> &AtomicU64 {
        match s {
            LinkState::Connecting => &self.connecting,
            LinkState::Connected => &self.connected,
            LinkState::Refused => &self.refused,
            LinkState::Reconnecting => &self.reconnecting,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkState {
    Connecting,
    Connected,
    Refused,
    Reconnecting,
}

/// Keeps one link counted in exactly one state gauge.
struct Gauge<'a> {
    stats: &'a LinkStats,
    state: Option<LinkState>,
}

impl<'a> Gauge<'a> {
    fn new(stats: &'a LinkStats) -> Self {
        Self { stats, state: None }
    }

    fn set(&mut self, s: LinkState) {
        if self.state == Some(s) {
            return;
        }
        if let Some(old) = self.state.replace(s) {
            self.stats.gauge(old).fetch_sub(1, Relaxed);
        }
        self.stats.gauge(s).fetch_add(1, Relaxed);
    }
}

impl Drop for Gauge<'_> {
    fn drop(&mut self) {
        if let Some(old) = self.state.take() {
            self.stats.gauge(old).fetch_sub(1, Relaxed);
        }
    }
}

/// Something to send.
#[derive(Debug)]
pub(crate) enum SourceEvent {
    Report(Report),
    Alarm(AlarmEvent),
}

/// Where a link's report and alarms come from.
pub(crate) trait Source: Send {
    /// The system name for `hello`.
    fn system_name(&self) -> String;
    /// The current report, sent right after `welcome`; later changes come from `next_event`.
    fn report_now(&mut self) -> Report;
    /// Waits for the next thing to send: a changed report or an alarm. Must be cancel-safe.
    fn next_event(&mut self) -> impl Future<Output = SourceEvent> + Send;
    /// An alarm that could not be sent: it goes first after the next reconnection.
    fn requeue(&mut self, alarm: AlarmEvent);
    /// Called after each `welcome`, once the report is sent: a chance to queue alarms that
    /// resynchronise the hub (the agent clears its own alarms whose condition is OK).
    fn welcomed(&mut self) {}
}

/// Who the link authenticates as.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub customer_id: String,
    pub service_user: Arc<str>,
    pub password: Password,
}

/// Where the hub is.
pub(crate) struct Endpoint {
    /// `ws(s)://host:port/…/agent`.
    url: String,
    host: String,
    port: u16,
    tls: Option<(TlsConnector, ServerName<'static>)>,
    /// Addresses resolved once (the simulator), instead of a lookup per connection.
    fixed: Option<Vec<SocketAddr>>,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("url", &self.url)
            .field("tls", &self.tls.is_some())
            .field("fixed", &self.fixed)
            .finish()
    }
}

impl Endpoint {
    /// Parses `wss://HOST[:PORT][/PREFIX]` (`ws://` for plain lab hubs; a bare `HOST:PORT` means
    /// `wss://`) and appends the agent path.
    pub fn new(hub: &str, tls: Arc<ClientConfig>) -> anyhow::Result<Self> {
        let hub = hub.trim();
        let with_scheme = if hub.contains("://") {
            hub.to_string()
        } else {
            format!("wss://{hub}")
        };
        let uri: Uri = with_scheme
            .parse()
            .with_context(|| format!("hub URL {hub:?}"))?;
        let secure = match uri.scheme_str() {
            Some("wss" | "https") => true,
            Some("ws" | "http") => false,
            other => bail!("hub URL {hub:?}: scheme {other:?} is not wss:// or ws://"),
        };
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| anyhow!("hub URL {hub:?}: host missing"))?;
        let bare = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = uri.port_u16().unwrap_or(if secure { 443 } else { 80 });
        let path = uri.path().trim_end_matches('/');
        let path = if path.ends_with(AGENT_PATH) {
            path.to_string()
        } else {
            format!("{path}{AGENT_PATH}")
        };
        let authority = if bare.contains(':') {
            format!("[{bare}]:{port}")
        } else {
            format!("{bare}:{port}")
        };
        let url = format!("{}://{authority}{path}", if secure { "wss" } else { "ws" });
        let tls = if secure {
            let name = ServerName::try_from(bare.clone())
                .with_context(|| format!("hub URL {hub:?}: bad host name"))?;
            Some((TlsConnector::from(tls), name))
        } else {
            None
        };
        Ok(Self {
            url,
            host: bare,
            port,
            tls,
            fixed: None,
        })
    }

    /// The WebSocket URL dialled.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Resolves the host once and reuses the addresses for every connection.
    pub async fn resolve_once(&mut self) -> anyhow::Result<()> {
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((self.host.as_str(), self.port))
            .await
            .with_context(|| format!("cannot resolve {}", self.host))?
            .collect();
        if addrs.is_empty() {
            bail!("{} resolves to no address", self.host);
        }
        self.fixed = Some(addrs);
        Ok(())
    }

    async fn tcp(&self) -> Result<TcpStream, String> {
        let r = match &self.fixed {
            Some(addrs) => TcpStream::connect(addrs.as_slice()).await,
            None => TcpStream::connect((self.host.as_str(), self.port)).await,
        };
        let tcp = r.map_err(|e| format!("TCP connection to {}:{}: {e}", self.host, self.port))?;
        let _ = tcp.set_nodelay(true);
        Ok(tcp)
    }
}

/// Small buffers: the simulator holds tens of thousands of these.
pub(crate) fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(Some(4 << 20))
        .max_frame_size(Some(4 << 20))
}

/// Everything the links of one process share.
pub(crate) struct LinkCtx {
    pub endpoint: Endpoint,
    pub timings: LinkTimings,
    pub stats: Arc<LinkStats>,
    /// Per-connection events at debug level (the simulator logs a summary instead).
    pub quiet: bool,
}

macro_rules! note {
    ($ctx:expr, $level:ident, $($arg:tt)*) => {
        if $ctx.quiet {
            tracing::debug!($($arg)*)
        } else {
            tracing::$level!($($arg)*)
        }
    };
}

/// Shortest back-off or heartbeat period (zero would spin).
const MIN_DELAY: Duration = Duration::from_millis(10);

/// How a conversation with the hub ended.
#[derive(Debug)]
enum End {
    Shutdown,
    /// Never got to `welcome`.
    Failed(String),
    Refused(Refused),
    /// Was welcomed, then lost the connection after `up`.
    Lost {
        up: Duration,
        reason: String,
    },
}

/// Keeps one system connected until `shutdown`: the reconnect loop.
pub(crate) async fn maintain<S: Source>(
    ctx: &LinkCtx,
    id: &Identity,
    source: &mut S,
    shutdown: &CancellationToken,
) {
    let mut backoff = Backoff::new(
        ctx.timings.backoff_base.max(MIN_DELAY),
        ctx.timings.backoff_cap,
    );
    let mut gauge = Gauge::new(&ctx.stats);
    loop {
        if shutdown.is_cancelled() {
            return;
        }
        gauge.set(LinkState::Connecting);
        let end = session(ctx, id, source, shutdown, &mut gauge).await;
        let mut delay = backoff.next_delay(&mut rand::thread_rng());
        match end {
            End::Shutdown => return,
            End::Failed(reason) => {
                ctx.stats.failures.fetch_add(1, Relaxed);
                note!(
                    ctx,
                    warn,
                    "customer {}: cannot connect to {}: {reason}",
                    id.customer_id,
                    ctx.endpoint.url
                );
                ctx.stats.problem(reason);
                gauge.set(LinkState::Reconnecting);
            }
            End::Refused(r) => {
                ctx.stats.refusals.fetch_add(1, Relaxed);
                note!(
                    ctx,
                    warn,
                    "customer {}: the hub refused the connection: {} ({}){}",
                    id.customer_id,
                    r.status,
                    r.message,
                    r.retry_after_seconds
                        .map(|s| format!("; retry after {s} s"))
                        .unwrap_or_default()
                );
                ctx.stats
                    .problem(format!("refused: {} ({})", r.status, r.message));
                if let Some(s) = r.retry_after_seconds {
                    // Honoured up to an hour: a bogus huge value must not strand the system.
                    delay = delay.max(Duration::from_secs(s.min(3600)));
                }
                gauge.set(LinkState::Refused);
            }
            End::Lost { up, reason } => {
                ctx.stats.losses.fetch_add(1, Relaxed);
                if up >= ctx.timings.stable_after {
                    backoff.reset();
                    delay = backoff.next_delay(&mut rand::thread_rng());
                }
                note!(
                    ctx,
                    warn,
                    "customer {}: connection lost after {} s: {reason}",
                    id.customer_id,
                    up.as_secs()
                );
                ctx.stats.problem(format!("lost: {reason}"));
                gauge.set(LinkState::Reconnecting);
            }
        }
        note!(
            ctx,
            info,
            "customer {}: reconnecting in {:.1} s",
            id.customer_id,
            delay.as_secs_f64()
        );
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = sleep(delay) => {}
        }
    }
}

async fn session<S: Source>(
    ctx: &LinkCtx,
    id: &Identity,
    source: &mut S,
    shutdown: &CancellationToken,
    gauge: &mut Gauge<'_>,
) -> End {
    let ep = &ctx.endpoint;
    let dial = async {
        let tcp = ep.tcp().await?;
        match &ep.tls {
            None => client_async_with_config(ep.url.as_str(), tcp, Some(ws_config()))
                .await
                .map(|(ws, _)| Conn::Plain(Box::new(ws)))
                .map_err(|e| format!("WebSocket handshake with {}: {e}", ep.url)),
            Some((connector, name)) => {
                let tls = connector
                    .connect(name.clone(), tcp)
                    .await
                    .map_err(|e| format!("TLS handshake with {}: {e}", ep.host))?;
                client_async_with_config(ep.url.as_str(), tls, Some(ws_config()))
                    .await
                    .map(|(ws, _)| Conn::Tls(Box::new(ws)))
                    .map_err(|e| format!("WebSocket handshake with {}: {e}", ep.url))
            }
        }
    };
    let conn = tokio::select! {
        _ = shutdown.cancelled() => return End::Shutdown,
        r = timeout(ctx.timings.connect_timeout, dial) => match r {
            Err(_) => return End::Failed(format!(
                "no answer from {} within {} s", ep.url, ctx.timings.connect_timeout.as_secs()
            )),
            Ok(Err(e)) => return End::Failed(e),
            Ok(Ok(c)) => c,
        },
    };
    match conn {
        Conn::Plain(ws) => converse(*ws, ctx, id, source, shutdown, gauge).await,
        Conn::Tls(ws) => converse(*ws, ctx, id, source, shutdown, gauge).await,
    }
}

enum Conn {
    Plain(Box<WebSocketStream<TcpStream>>),
    Tls(Box<WebSocketStream<tokio_rustls::client::TlsStream<TcpStream>>>),
}

/// Numbers the envelopes of one connection.
struct Ids(u64);

impl Ids {
    fn next(&mut self) -> String {
        self.0 += 1;
        self.0.to_string()
    }
}

async fn send<T>(ws: &mut WebSocketStream<T>, env: &Envelope) -> Result<(), String>
where
    T: AsyncRead + AsyncWrite + Unpin,
{
    ws.send(WsMsg::text(env.to_json()))
        .await
        .map_err(|e| e.to_string())
}

async fn await_welcome<T>(
    ws: &mut WebSocketStream<T>,
    shutdown: &CancellationToken,
) -> Result<Welcome, End>
where
    T: AsyncRead + AsyncWrite + Unpin,
{
    loop {
        let frame = tokio::select! {
            _ = shutdown.cancelled() => return Err(End::Shutdown),
            f = ws.next() => f,
        };
        match frame {
            None => return Err(End::Failed("the hub closed the connection".into())),
            Some(Err(e)) => return Err(End::Failed(format!("before welcome: {e}"))),
            Some(Ok(WsMsg::Close(f))) => {
                return Err(End::Failed(format!(
                    "the hub closed the connection{}",
                    f.map(|f| format!(": {} {}", f.code, f.reason))
                        .unwrap_or_default()
                )))
            }
            Some(Ok(WsMsg::Text(t))) => match Envelope::from_json(t.as_str()) {
                Ok(Envelope {
                    message: Msg::Welcome(w),
                    ..
                }) => return Ok(w),
                Ok(Envelope {
                    message: Msg::Refused(r),
                    ..
                }) => return Err(End::Refused(r)),
                Ok(other) => tracing::debug!("before welcome, ignoring {:?}", kind(&other)),
                Err(e) => tracing::debug!("before welcome, unreadable message: {e}"),
            },
            Some(Ok(_)) => {}
        }
    }
}

fn kind(env: &Envelope) -> &'static str {
    match env.message {
        Msg::Hello(_) => "hello",
        Msg::Welcome(_) => "welcome",
        Msg::Refused(_) => "refused",
        Msg::Report(_) => "report",
        Msg::Alarm(_) => "alarm",
    }
}

async fn converse<T, S>(
    mut ws: WebSocketStream<T>,
    ctx: &LinkCtx,
    id: &Identity,
    source: &mut S,
    shutdown: &CancellationToken,
    gauge: &mut Gauge<'_>,
) -> End
where
    T: AsyncRead + AsyncWrite + Unpin + Send,
    S: Source,
{
    let mut ids = Ids(0);
    let hello = Envelope::new(
        ids.next(),
        Msg::Hello(Hello {
            customer_id: id.customer_id.clone(),
            service_user: id.service_user.to_string(),
            password: id.password.expose().to_string(),
            system_name: source.system_name(),
            primary: true,
            agent_version: AGENT_VERSION.into(),
        }),
    );
    let sent = send(&mut ws, &hello).await;
    drop(hello);
    if let Err(e) = sent {
        return End::Failed(format!("sending hello: {e}"));
    }
    let welcome = match timeout(
        ctx.timings.welcome_timeout,
        await_welcome(&mut ws, shutdown),
    )
    .await
    {
        Err(_) => {
            let _ = timeout(Duration::from_secs(1), ws.close(None)).await;
            return End::Failed(format!(
                "no welcome within {} s",
                ctx.timings.welcome_timeout.as_secs()
            ));
        }
        Ok(Err(End::Shutdown)) => {
            let _ = timeout(Duration::from_secs(1), ws.close(None)).await;
            return End::Shutdown;
        }
        Ok(Err(end)) => return end,
        Ok(Ok(w)) => w,
    };
    let up_since = Instant::now();
    gauge.set(LinkState::Connected);
    ctx.stats.welcomes.fetch_add(1, Relaxed);
    let heartbeat = ctx
        .timings
        .heartbeat_override
        .unwrap_or(Duration::from_secs(
            welcome.heartbeat_seconds.clamp(1, 3600),
        ))
        .max(MIN_DELAY);
    note!(
        ctx,
        info,
        "customer {}: connected to {} (hub {}), heartbeat {:.1} s",
        id.customer_id,
        ctx.endpoint.url,
        welcome.hub_version,
        heartbeat.as_secs_f64()
    );
    let lost = |reason: String| End::Lost {
        up: up_since.elapsed(),
        reason,
    };

    let report = Envelope::new(ids.next(), Msg::Report(source.report_now()));
    if let Err(e) = send(&mut ws, &report).await {
        return lost(format!("sending the report: {e}"));
    }
    ctx.stats.reports_sent.fetch_add(1, Relaxed);
    source.welcomed();

    let mut ticker = interval_at(Instant::now() + heartbeat, heartbeat);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut unanswered = 0u32;
    loop {
        tokio::select! {
            biased;
            _ = shutdown.cancelled() => {
                let _ = timeout(Duration::from_secs(1), ws.close(None)).await;
                return End::Shutdown;
            }
            frame = ws.next() => match frame {
                None => return lost("closed by the hub".into()),
                Some(Err(e)) => return lost(e.to_string()),
                Some(Ok(WsMsg::Pong(_))) => unanswered = 0,
                Some(Ok(WsMsg::Close(f))) => {
                    return lost(format!(
                        "closed by the hub{}",
                        f.map(|f| format!(": {} {}", f.code, f.reason)).unwrap_or_default()
                    ))
                }
                Some(Ok(WsMsg::Text(t))) => match Envelope::from_json(t.as_str()) {
                    Ok(Envelope { message: Msg::Refused(r), .. }) => {
                        let _ = timeout(Duration::from_secs(1), ws.close(None)).await;
                        return End::Refused(r);
                    }
                    Ok(other) => tracing::debug!("ignoring {:?} from the hub", kind(&other)),
                    Err(e) => tracing::debug!("unreadable message from the hub: {e}"),
                },
                Some(Ok(_)) => {}
            },
            _ = ticker.tick() => {
                if unanswered >= ctx.timings.max_missed_pongs {
                    return lost(format!("no pong to {unanswered} pings"));
                }
                unanswered += 1;
                if let Err(e) = ws.send(WsMsg::Ping(Default::default())).await {
                    return lost(e.to_string());
                }
            }
            ev = source.next_event() => match ev {
                SourceEvent::Report(r) => {
                    let env = Envelope::new(ids.next(), Msg::Report(r));
                    if let Err(e) = send(&mut ws, &env).await {
                        return lost(format!("sending the report: {e}"));
                    }
                    ctx.stats.reports_sent.fetch_add(1, Relaxed);
                }
                SourceEvent::Alarm(a) => {
                    let env = Envelope::new(ids.next(), Msg::Alarm(a));
                    if let Err(e) = send(&mut ws, &env).await {
                        if let Msg::Alarm(a) = env.message {
                            source.requeue(a);
                        }
                        return lost(format!("sending an alarm: {e}"));
                    }
                    ctx.stats.alarms_sent.fetch_add(1, Relaxed);
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(hub: &str) -> anyhow::Result<Endpoint> {
        Endpoint::new(
            hub,
            crate::tls::client_config(&crate::Trust::InsecureSkipVerify)?,
        )
    }

    #[test]
    fn sys_1_hub_url_gets_the_agent_path() {
        let cases = [
            ("wss://hub.example:7080", "wss://hub.example:7080/agent"),
            ("wss://hub.example:7080/", "wss://hub.example:7080/agent"),
            (
                "wss://hub.example:7080/agent",
                "wss://hub.example:7080/agent",
            ),
            ("wss://hub.example/pb", "wss://hub.example:443/pb/agent"),
            ("hub.example:7080", "wss://hub.example:7080/agent"),
            ("https://[::1]:7080", "wss://[::1]:7080/agent"),
            ("ws://127.0.0.1:9", "ws://127.0.0.1:9/agent"),
        ];
        for (hub, url) in cases {
            let e = ep(hub).unwrap_or_else(|e| panic!("{hub}: {e}"));
            assert_eq!(e.url(), url);
        }
        assert!(ep("ftp://x").is_err());
        assert!(ep("wss://").is_err());
    }

    #[test]
    fn sys_1_password_is_never_shown() {
        let p = Password::new("s3cret");
        assert_eq!(format!("{p:?}"), "Password(***)");
        let dir = std::env::temp_dir().join(format!("pb-agent-pw-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let f = dir.join("pw");
        std::fs::write(&f, "s3cret \r\n").unwrap_or_else(|e| panic!("{e}"));
        let p = Password::from_file(&f).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.expose(), "s3cret ");
        std::fs::write(&f, "\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(Password::from_file(&f).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn gauge_counts_each_link_once() {
        let stats = LinkStats::default();
        {
            let mut g = Gauge::new(&stats);
            g.set(LinkState::Connecting);
            g.set(LinkState::Connected);
            g.set(LinkState::Connected);
            let s = stats.snapshot();
            assert_eq!((s.connecting, s.connected), (0, 1));
            g.set(LinkState::Refused);
            assert_eq!(stats.snapshot().refused, 1);
        }
        let s = stats.snapshot();
        assert_eq!(
            (s.connecting, s.connected, s.refused, s.reconnecting),
            (0, 0, 0, 0)
        );
    }
}
