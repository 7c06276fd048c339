//! Where the hub is: its URL, address and TLS settings, and the WebSocket buffer sizes.

use anyhow::{anyhow, bail, Context};
use patchbay_proto::AGENT_PATH;
use rustls::{pki_types::ServerName, ClientConfig};
use std::{fmt, net::SocketAddr, sync::Arc};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_tungstenite::client_async_with_config;
use tokio_tungstenite::tungstenite::{
    client::IntoClientRequest, http::Uri, protocol::WebSocketConfig,
};

/// Where the hub is.
#[derive(Clone)]
pub(crate) struct Endpoint {
    /// `ws(s)://host:port/…/agent`.
    pub(super) url: String,
    pub(super) host: String,
    port: u16,
    pub(super) tls: Option<(TlsConnector, ServerName<'static>)>,
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
        let at = Address::parse(&with_scheme, hub)?;
        let tls = if at.secure {
            let name = ServerName::try_from(at.host.clone())
                .with_context(|| format!("hub URL {hub:?}: bad host name"))?;
            Some((TlsConnector::from(tls), name))
        } else {
            None
        };
        Ok(at.endpoint(tls))
    }

    /// Another node of the same hub (`https://host:port`), reached with this endpoint's TLS
    /// settings (the same trusted certificates; a plain-text endpoint stays plain text, a TLS
    /// one stays TLS) and no fixed addresses.
    pub fn elsewhere(&self, hub: &str) -> anyhow::Result<Self> {
        let at = Address::parse(hub.trim(), hub)?;
        if at.secure != self.tls.is_some() {
            bail!("hub node URL {hub:?}: not the same kind of connection as the hub's");
        }
        let tls = match &self.tls {
            Some((connector, _)) => Some((
                connector.clone(),
                ServerName::try_from(at.host.clone())
                    .with_context(|| format!("hub node URL {hub:?}: bad host name"))?,
            )),
            None => None,
        };
        Ok(at.endpoint(tls))
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

    pub(super) async fn tcp(&self) -> Result<TcpStream, String> {
        let r = match &self.fixed {
            Some(addrs) => TcpStream::connect(addrs.as_slice()).await,
            None => TcpStream::connect((self.host.as_str(), self.port)).await,
        };
        let tcp = r.map_err(|e| format!("TCP connection to {}:{}: {e}", self.host, self.port))?;
        let _ = tcp.set_nodelay(true);
        Ok(tcp)
    }
}

/// A hub URL taken apart.
struct Address {
    secure: bool,
    /// Without IPv6 brackets.
    host: String,
    port: u16,
    /// Ends with the agent path.
    path: String,
}

impl Address {
    /// `url` has a scheme; `given` is what the user wrote, for messages.
    fn parse(url: &str, given: &str) -> anyhow::Result<Self> {
        let uri: Uri = url.parse().with_context(|| format!("hub URL {given:?}"))?;
        let secure = match uri.scheme_str() {
            Some("wss" | "https") => true,
            Some("ws" | "http") => false,
            other => bail!("hub URL {given:?}: scheme {other:?} is not wss:// or ws://"),
        };
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| anyhow!("hub URL {given:?}: host missing"))?;
        let host = host
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
        Ok(Self {
            secure,
            host,
            port,
            path,
        })
    }

    fn endpoint(self, tls: Option<(TlsConnector, ServerName<'static>)>) -> Endpoint {
        let authority = if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        };
        let scheme = if self.secure { "wss" } else { "ws" };
        Endpoint {
            url: format!("{scheme}://{authority}{}", self.path),
            host: self.host,
            port: self.port,
            tls,
            fixed: None,
        }
    }
}

impl Endpoint {
    /// TCP, TLS and the WebSocket handshake of `request` (the agent socket's URL, or a
    /// remote-support dial-back with its token header).
    pub(crate) async fn dial<R>(
        &self,
        request: R,
        config: WebSocketConfig,
    ) -> Result<super::session::Conn, String>
    where
        R: IntoClientRequest + Unpin,
    {
        use super::session::Conn;
        let tcp = self.tcp().await?;
        match &self.tls {
            None => client_async_with_config(request, tcp, Some(config))
                .await
                .map(|(ws, _)| Conn::Plain(Box::new(ws)))
                .map_err(|e| format!("WebSocket handshake with {}: {e}", self.url)),
            Some((connector, name)) => {
                let tls = connector
                    .connect(name.clone(), tcp)
                    .await
                    .map_err(|e| format!("TLS handshake with {}: {e}", self.host))?;
                client_async_with_config(request, tls, Some(config))
                    .await
                    .map(|(ws, _)| Conn::Tls(Box::new(ws)))
                    .map_err(|e| format!("WebSocket handshake with {}: {e}", self.url))
            }
        }
    }
}

/// A remote-support stream's socket: room for whole 64 KiB chunks in one read.
pub(crate) fn tunnel_ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(32 * 1024)
        .write_buffer_size(0)
        .max_message_size(Some(1 << 20))
        .max_frame_size(Some(1 << 20))
}

/// Small buffers: the simulator holds tens of thousands of these.
pub(crate) fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(Some(4 << 20))
        .max_frame_size(Some(4 << 20))
}
