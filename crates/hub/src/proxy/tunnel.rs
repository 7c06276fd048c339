//! The hub's half of a remote-support stream: ask the system's agent to open it, wait for the
//! WebSocket it dials back (`/agent/tunnel`, one-time token), then copy bytes between the client
//! and that socket, counting them, honouring half-close, until both sides are done or the session
//! is ended.

use crate::service::nodes::Routed;
use crate::state::AppState;
use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use patchbay_domain::remote::Refusal;
use patchbay_domain::SystemId;
use patchbay_proto::{Message, Tunnel, TunnelFailed, TUNNEL_EOF, TUNNEL_TOKEN_HEADER};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

/// How long the agent has to dial back.
pub const DIAL_BACK: Duration = Duration::from_secs(12);
/// Bytes read from the client at once (one WebSocket frame at most).
const CHUNK: usize = 32 * 1024;
/// Pings on an idle stream keep middleboxes between hub and system from dropping it.
const KEEPALIVE: Duration = Duration::from_secs(30);

/// Streams waiting for their dial-back, and the live ones (to end them on request).
#[derive(Default)]
pub struct Tunnels {
    pending: Mutex<HashMap<String, oneshot::Sender<WebSocket>>>,
    live: Mutex<HashMap<String, CancellationToken>>,
}

impl Tunnels {
    /// Stop the live session `id` if this node carries it.
    pub fn stop(&self, id: &str) -> bool {
        match self.live.lock() {
            Ok(m) => m.get(id).map(CancellationToken::cancel).is_some(),
            Err(_) => false,
        }
    }

    /// Live streams on this node.
    pub fn live_count(&self) -> usize {
        self.live.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub(crate) fn register(&self, id: &str, stop: CancellationToken) {
        if let Ok(mut m) = self.live.lock() {
            m.insert(id.to_string(), stop);
        }
    }

    pub(crate) fn unregister(&self, id: &str) {
        if let Ok(mut m) = self.live.lock() {
            m.remove(id);
        }
    }
}

/// `GET /agent/tunnel`: an agent dialling back with a tunnel's token.
pub async fn dial_back(
    State(state): State<AppState>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let token = headers
        .get(TUNNEL_TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let waiting = state
        .tunnels
        .pending
        .lock()
        .ok()
        .and_then(|mut m| m.remove(token));
    let Some(tx) = waiting else {
        return StatusCode::NOT_FOUND.into_response();
    };
    ws.max_message_size(1 << 20)
        .max_frame_size(1 << 20)
        .read_buffer_size(32 * 1024)
        .write_buffer_size(0)
        .on_upgrade(move |socket| async move {
            let _ = tx.send(socket);
        })
}

/// Where a stream goes on the system.
#[derive(Debug, Clone)]
pub struct Target {
    pub system: SystemId,
    pub server: Option<String>,
    pub colocated: Option<String>,
    pub port: u16,
    /// `webManager` for RMT-5's central management; `None` for remote support.
    pub service: Option<&'static str>,
}

/// Ask the system to open the stream; its socket once the target is connected.
pub async fn open(state: &AppState, target: &Target) -> Result<WebSocket, Refusal> {
    let token = patchbay_store::crypto::random_token();
    let tunnel_id = uuid::Uuid::now_v7().to_string();
    let (tx, rx) = oneshot::channel();
    if let Ok(mut m) = state.tunnels.pending.lock() {
        m.insert(token.clone(), tx);
    }
    let forget = || {
        if let Ok(mut m) = state.tunnels.pending.lock() {
            m.remove(&token);
        }
    };
    let tunnel = Message::Tunnel(Tunnel {
        tunnel_id,
        token: token.clone(),
        server: target.server.clone(),
        colocated: target.colocated.clone(),
        port: target.port,
        service: target.service.map(str::to_string),
        hub: None,
    });
    // Held by another node: that node hands the request over, and the agent dials back here.
    let here = state.node_url.get().cloned();
    let routed = crate::service::nodes::deliver(state, target.system, tunnel, |m| match m {
        Message::Tunnel(t) => Message::Tunnel(Tunnel { hub: here, ..t }),
        other => other,
    })
    .await;
    match routed {
        Ok(Routed::Here | Routed::There(_)) => {}
        Ok(Routed::Offline) => {
            forget();
            return Err(Refusal::SystemOffline);
        }
        Ok(Routed::Unroutable(_)) => {
            forget();
            return Err(Refusal::OtherNode);
        }
        Err(e) => {
            tracing::warn!(system = %target.system, error = %e, "cannot ask the node holding the system");
            forget();
            return Err(Refusal::OtherNode);
        }
    }
    let mut ws = match tokio::time::timeout(DIAL_BACK, rx).await {
        Ok(Ok(ws)) => ws,
        _ => {
            forget();
            return Err(Refusal::SystemTimeout);
        }
    };
    // The agent's first frame: `open`, or why not.
    match tokio::time::timeout(DIAL_BACK, ws.next()).await {
        Ok(Some(Ok(WsMessage::Text(t)))) if t.as_str() == "open" => Ok(ws),
        Ok(Some(Ok(WsMessage::Text(t)))) => {
            let failed: Option<TunnelFailed> = serde_json::from_str(t.as_str()).ok();
            Err(failed.map_or(Refusal::SystemTimeout, |f| refusal(&f, target.port)))
        }
        _ => Err(Refusal::SystemTimeout),
    }
}

fn refusal(f: &TunnelFailed, port: u16) -> Refusal {
    match f.code.as_str() {
        "remote-access-disabled" => Refusal::RemoteAccessDisabled,
        "colocated-disabled" => Refusal::ColocatedDisabled,
        "central-management-disabled" => Refusal::CentralManagementDisabled,
        "no-tunnel-entry" => Refusal::NoTunnelEntry,
        "unknown-system" => Refusal::UnknownSystem,
        "port-not-allowed" => Refusal::PortNotAllowed(port),
        _ => Refusal::TargetUnreachable(f.reason.chars().take(80).collect()),
    }
}

/// Bytes carried so far.
#[derive(Debug, Default)]
pub struct Counters {
    /// Client → target.
    pub up: AtomicU64,
    /// Target → client.
    pub down: AtomicU64,
}

/// How a stream ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Both sides finished (or one side closed).
    Closed,
    /// Ended on request (an administrator, or the hub stopping).
    Stopped,
}

/// Copy between the client's stream and the system's socket until both directions are done
/// (each direction's end is passed on as a half-close) or `stop`.
pub async fn pump<IO>(io: IO, ws: WebSocket, counters: &Counters, stop: &CancellationToken) -> End
where
    IO: AsyncRead + AsyncWrite + Send,
{
    let (mut sink, mut stream) = ws.split();
    let (mut rd, mut wr) = tokio::io::split(io);
    // A direction that ends abnormally (reset, socket lost) ends the whole stream.
    let broken = CancellationToken::new();
    let up = async {
        // Read straight into the frame's buffer: no copy between the socket and the frame.
        let mut buf = bytes::BytesMut::new();
        let mut ping = tokio::time::interval(KEEPALIVE);
        ping.tick().await;
        loop {
            tokio::select! {
                r = async {
                    buf.reserve(CHUNK);
                    rd.read_buf(&mut buf).await
                } => match r {
                    // A client that closes without TLS close_notify has still finished sending.
                    Ok(0) | Err(_) => {
                        let _ = sink.send(WsMessage::Text(TUNNEL_EOF.into())).await;
                        return sink;
                    }
                    Ok(n) => {
                        let chunk = buf.split().freeze();
                        if sink.send(WsMessage::Binary(chunk)).await.is_err() {
                            broken.cancel();
                            return sink;
                        }
                        counters.up.fetch_add(n as u64, Ordering::Relaxed);
                    }
                },
                _ = ping.tick() => {
                    if sink.send(WsMessage::Ping(bytes::Bytes::new())).await.is_err() {
                        broken.cancel();
                        return sink;
                    }
                }
                _ = broken.cancelled() => return sink,
            }
        }
    };
    let down = async {
        loop {
            tokio::select! {
                m = stream.next() => match m {
                    Some(Ok(WsMessage::Binary(b))) => {
                        if wr.write_all(&b).await.is_err() {
                            broken.cancel();
                            return;
                        }
                        counters.down.fetch_add(b.len() as u64, Ordering::Relaxed);
                    }
                    Some(Ok(WsMessage::Text(t))) if t.as_str() == TUNNEL_EOF => {
                        let _ = wr.shutdown().await;
                        return;
                    }
                    Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => {
                        let _ = wr.shutdown().await;
                        broken.cancel();
                        return;
                    }
                    Some(Ok(_)) => {}
                },
                _ = broken.cancelled() => return,
            }
        }
    };
    let both = async {
        let (mut sink, ()) = tokio::join!(up, down);
        let _ = sink.close().await;
    };
    tokio::select! {
        _ = both => End::Closed,
        _ = stop.cancelled() => End::Stopped,
    }
}

/// Counters shared with the progress writer.
pub type SharedCounters = Arc<Counters>;
