//! The remote-support proxy (RMT-3, RMT-4): TLS on `--proxy-listen` (default :6443), HTTP/1.1
//! `CONNECT host:port` (proxytunnel, browsers for `https://` targets) and absolute-form requests
//! (browsers for `http://` targets), authenticated by a maintenance proxy account (`Basic`). The
//! host names a customer's system by the RMT-4 grammar; the stream is carried over a WebSocket the
//! system's agent dials back, and from the system to the target. Every refusal is a status line
//! that says what is wrong; every session is audited (RMT-8).

pub mod auth;
pub mod tunnel;

use crate::state::AppState;
use axum::http::{header, HeaderValue, Method, Request, Response, StatusCode};
use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use patchbay_domain::remote::{self, Address, Refusal};
use patchbay_store::remote::{ProxyAccount, RemoteCustomer, SessionStart};
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::sync::CancellationToken;
use tunnel::{Counters, End, Target};

type Body = Either<Full<Bytes>, Incoming>;

/// TLS handshake and request head must arrive within this.
const HANDSHAKE: Duration = Duration::from_secs(15);
/// Byte counts of live sessions are saved this often.
const PROGRESS: Duration = Duration::from_secs(10);
/// The realm browsers show when they ask for the proxy credentials.
const REALM: &str = "Basic realm=\"Patchbay remote support\", charset=\"UTF-8\"";

#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
}

/// Listen on the configured address (when set) and serve until the hub shuts down.
pub async fn spawn(state: AppState) -> Result<Option<SocketAddr>, ProxyError> {
    let Some(listen) = state.config.proxy_listen else {
        return Ok(None);
    };
    let acceptor = crate::tls::http1_acceptor(&state.tls_identity);
    let (listener, addr) = crate::tls::bind(listen).map_err(|e| ProxyError::Listen(listen, e))?;
    let _ = state.proxy_port.set(addr.port());
    let stop = state.agents.shutdown.clone();
    tracing::info!(%addr, domain = %state.config.remote_domain(), "remote-support proxy listening");
    tokio::spawn(async move {
        loop {
            let (tcp, peer) = tokio::select! {
                _ = stop.cancelled() => return,
                r = listener.accept() => match r {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::warn!(error = %e, "remote-support proxy: accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
            };
            let _ = tcp.set_nodelay(true);
            let (state, acceptor) = (state.clone(), acceptor.clone());
            tokio::spawn(async move {
                let Ok(Ok(tls)) = tokio::time::timeout(HANDSHAKE, acceptor.accept(tcp)).await
                else {
                    return;
                };
                let service = hyper::service::service_fn(move |req| {
                    let state = state.clone();
                    async move { Ok::<_, std::convert::Infallible>(handle(state, peer, req).await) }
                });
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HANDSHAKE)
                    .serve_connection(TokioIo::new(tls), service)
                    .with_upgrades();
                if let Err(e) = conn.await {
                    tracing::debug!(error = %e, "remote-support proxy connection");
                }
            });
        }
    });
    Ok(Some(addr))
}

/// A refusal as the client sees it: the status, the reason phrase naming the problem, the same
/// text as the body (browsers show it), and the challenge on 407.
fn refuse(r: &Refusal) -> Response<Body> {
    let reason = r.reason();
    let mut resp = Response::new(Either::Left(Full::new(Bytes::from(format!("{reason}\n")))));
    *resp.status_mut() = StatusCode::from_u16(r.status()).unwrap_or(StatusCode::BAD_REQUEST);
    if let Ok(phrase) = hyper::ext::ReasonPhrase::try_from(reason.into_bytes()) {
        resp.extensions_mut().insert(phrase);
    }
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if let Refusal::Throttled(s) = r {
        if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
            h.insert(header::RETRY_AFTER, v);
        }
    }
    if matches!(r, Refusal::CredentialsMissing | Refusal::BadCredentials) {
        h.insert(header::PROXY_AUTHENTICATE, HeaderValue::from_static(REALM));
    }
    resp
}

/// The target of a proxy request: host, port, and whether it is a plain-HTTP request.
fn target_of(req: &Request<Incoming>) -> Option<(String, u16, bool)> {
    if req.method() == Method::CONNECT {
        let (h, p) = remote::split_authority(req.uri().authority()?.as_str())?;
        return Some((h, p, false));
    }
    if req.uri().scheme_str() == Some("http") {
        let host = req
            .uri()
            .host()?
            .trim_start_matches('[')
            .trim_end_matches(']');
        return Some((host.to_string(), req.uri().port_u16().unwrap_or(80), true));
    }
    None
}

async fn handle(state: AppState, peer: SocketAddr, req: Request<Incoming>) -> Response<Body> {
    let Some((host, port, plain)) = target_of(&req) else {
        return refuse(&Refusal::NotAProxyRequest);
    };
    let credentials = auth::basic(
        req.headers()
            .get(header::PROXY_AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    );
    let Some((user, password)) = credentials else {
        return refuse(&Refusal::CredentialsMissing);
    };
    let source = peer.ip().to_string();
    let account = match auth::login(&state, &user, &password, &source).await {
        Ok(a) => a,
        Err(r) => {
            tracing::info!(%source, code = r.code(), "remote-support proxy login refused");
            return refuse(&r);
        }
    };
    let target_text = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut audit = Audit {
        state: &state,
        account: &account,
        source: &source,
        target: &target_text,
        customer: None,
        system: String::new(),
        operator: None,
    };
    let (target, customer, system) = match resolve(&state, &account, &host, port).await {
        Ok(t) => t,
        Err((r, customer, system)) => {
            audit.customer = customer;
            audit.system = system;
            audit.refused(&r).await;
            return refuse(&r);
        }
    };
    audit.customer = Some(customer);
    audit.system = system;
    let ws = match tunnel::open(&state, &target).await {
        Ok(ws) => ws,
        Err(r) => {
            audit.refused(&r).await;
            return refuse(&r);
        }
    };
    let Some(session) = audit.open().await else {
        return refuse(&Refusal::Internal);
    };
    if plain {
        return forward(state, session, ws, req, &host, port).await;
    }
    let stop = state.agents.shutdown.child_token();
    tokio::spawn(async move {
        let mut req = req;
        match hyper::upgrade::on(&mut req).await {
            Ok(upgraded) => carry(&state, &session, TokioIo::new(upgraded), ws, stop).await,
            Err(e) => {
                tracing::debug!(error = %e, "remote-support upgrade failed");
                finish(
                    &state,
                    &session,
                    "closed",
                    "the client left",
                    &Counters::default(),
                )
                .await;
            }
        }
    });
    let mut ok = Response::new(Either::Left(Full::new(Bytes::new())));
    ok.extensions_mut()
        .insert(hyper::ext::ReasonPhrase::from_static(
            b"Connection established",
        ));
    ok
}

/// An absolute-form `http://` request: carried over its own stream, the response streamed back.
async fn forward(
    state: AppState,
    session: String,
    ws: axum::extract::ws::WebSocket,
    req: Request<Incoming>,
    host: &str,
    port: u16,
) -> Response<Body> {
    let (mut parts, body) = req.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    parts.uri = match path.parse() {
        Ok(u) => u,
        Err(_) => return refuse(&Refusal::NotAProxyRequest),
    };
    for h in ["proxy-authorization", "proxy-connection", "keep-alive"] {
        parts.headers.remove(h);
    }
    if !parts.headers.contains_key(header::HOST) {
        let authority = if port == 80 {
            host.to_string()
        } else {
            format!("{host}:{port}")
        };
        if let Ok(v) = HeaderValue::from_str(&authority) {
            parts.headers.insert(header::HOST, v);
        }
    }
    match send_http(state, session, ws, parts, body).await {
        Ok(r) => r.map(Either::Right),
        Err(r) => refuse(&r),
    }
}

/// One HTTP request over an opened stream (origin-form `parts`), its response streamed back; the
/// stream is carried and audited like any other and closes with the response.
pub(crate) async fn send_http<B>(
    state: AppState,
    session: String,
    ws: axum::extract::ws::WebSocket,
    mut parts: axum::http::request::Parts,
    body: B,
) -> Result<Response<Incoming>, Refusal>
where
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (near, far) = tokio::io::duplex(128 * 1024);
    let stop = state.agents.shutdown.child_token();
    {
        // Ends on its own once the exchange is over (the duplex closes), and records the end.
        let state = state.clone();
        tokio::spawn(async move { carry(&state, &session, far, ws, stop).await });
    }
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(near))
        .await
        .map_err(|_| Refusal::TargetUnreachable("HTTP".into()))?;
    tokio::spawn(conn);
    parts
        .headers
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    let resp = sender.send_request(Request::from_parts(parts, body)).await;
    drop(sender);
    resp.map_err(|e| Refusal::TargetUnreachable(e.to_string()))
}

/// Carry an admitted stream to its end and close its audit record.
async fn carry<IO>(
    state: &AppState,
    session: &str,
    io: IO,
    ws: axum::extract::ws::WebSocket,
    stop: CancellationToken,
) where
    IO: AsyncRead + AsyncWrite + Send,
{
    state.tunnels.register(session, stop.clone());
    let counters = Arc::new(Counters::default());
    let progress = {
        let (state, session, counters) = (state.clone(), session.to_string(), counters.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(PROGRESS);
            tick.tick().await;
            loop {
                tick.tick().await;
                let (up, down) = (
                    counters.up.load(Ordering::Relaxed),
                    counters.down.load(Ordering::Relaxed),
                );
                if let Err(e) = state
                    .store
                    .remote_session_progress(&session, up, down)
                    .await
                {
                    tracing::warn!(error = %e, "cannot save a session's byte counts");
                }
            }
        })
    };
    let end = tunnel::pump(io, ws, &counters, &stop).await;
    progress.abort();
    state.tunnels.unregister(session);
    let (outcome, reason) = match end {
        End::Closed => ("closed", ""),
        End::Stopped if state.agents.shutdown.is_cancelled() => {
            ("interrupted", "the hub node stopped")
        }
        End::Stopped => ("ended", "ended by an administrator"),
    };
    finish(state, session, outcome, reason, &counters).await;
}

async fn finish(state: &AppState, session: &str, outcome: &str, reason: &str, c: &Counters) {
    let (up, down) = (c.up.load(Ordering::Relaxed), c.down.load(Ordering::Relaxed));
    tracing::info!(session, outcome, up, down, "remote-support session ended");
    if let Err(e) = state
        .store
        .end_remote_session(session, outcome, reason, up, down)
        .await
    {
        tracing::warn!(error = %e, "cannot record the end of a remote-support session");
    }
}

type Unresolved = (Refusal, Option<RemoteCustomer>, String);

/// The system (and server or co-located host) an address names, checked against the account's
/// provider and the system's flags.
async fn resolve(
    state: &AppState,
    account: &ProxyAccount,
    host: &str,
    port: u16,
) -> Result<(Target, RemoteCustomer, String), Unresolved> {
    let internal = |e: patchbay_store::StoreError| {
        tracing::error!(error = %e, "remote-support proxy: store");
        (Refusal::Internal, None, String::new())
    };
    let domain = state.config.remote_domain();
    let Some(address) = Address::parse(host, &domain) else {
        return Err((Refusal::NotRemoteSupportAddress, None, String::new()));
    };
    let Some(customer) = state
        .store
        .remote_customer(account, &address.candidates())
        .await
        .map_err(internal)?
    else {
        return Err((Refusal::UnknownCustomer, None, String::new()));
    };
    let systems = state
        .store
        .systems_of(customer.id)
        .await
        .map_err(internal)?;
    let found = match &customer.candidate.system_name {
        None => systems
            .iter()
            .find(|s| s.connected)
            .or(systems.first())
            .map(|s| (s, None)),
        Some(name) => systems
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
            .map(|s| (s, None))
            .or_else(|| {
                systems.iter().find_map(|s| {
                    s.servers
                        .iter()
                        .find(|v| v.name.eq_ignore_ascii_case(name) && v.role != "primary")
                        .map(|v| (s, Some(v.name.clone())))
                })
            }),
    };
    let Some((system, server)) = found else {
        let r = if customer.candidate.system_name.is_some() {
            Refusal::UnknownSystem
        } else {
            Refusal::SystemOffline
        };
        return Err((r, Some(customer), String::new()));
    };
    let name = server.clone().unwrap_or_else(|| system.name.clone());
    let fail = |r: Refusal| (r, Some(customer.clone()), name.clone());
    remote::admit(&system.flags, address.colocated.is_some(), port).map_err(fail)?;
    if !system.connected {
        return Err(fail(Refusal::SystemOffline));
    }
    Ok((
        Target {
            system: system.id,
            server,
            colocated: address.colocated.map(|ip| ip.to_string()),
            port,
            service: None,
        },
        customer,
        name,
    ))
}

/// The audit record of one proxy request (RMT-8).
pub(crate) struct Audit<'a> {
    pub state: &'a AppState,
    pub account: &'a ProxyAccount,
    pub source: &'a str,
    pub target: &'a str,
    pub customer: Option<RemoteCustomer>,
    pub system: String,
    /// The console account of a Web Manager session (RMT-5).
    pub operator: Option<&'a str>,
}

impl Audit<'_> {
    fn start(&self) -> SessionStart<'_> {
        SessionStart {
            account: self.account,
            source_address: self.source,
            target: self.target,
            customer: self.customer.as_ref(),
            system_name: &self.system,
            node_id: &self.state.agents.node_id,
            operator: self.operator,
        }
    }

    pub(crate) async fn refused(&self, r: &Refusal) {
        tracing::info!(
            source = self.source,
            target = self.target,
            code = r.code(),
            "remote-support request refused"
        );
        if let Err(e) = self
            .state
            .store
            .start_remote_session(&self.start(), Some((r.code(), &r.reason())))
            .await
        {
            tracing::warn!(error = %e, "cannot record a refused remote-support request");
        }
    }

    pub(crate) async fn open(&self) -> Option<String> {
        match self
            .state
            .store
            .start_remote_session(&self.start(), None)
            .await
        {
            Ok(id) => {
                tracing::info!(session = %id, source = self.source, target = self.target, user = %self.account.user_name, "remote-support session opened");
                Some(id)
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot record a remote-support session");
                None
            }
        }
    }
}
