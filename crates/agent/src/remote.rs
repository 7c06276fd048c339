//! Remote support on the system's side (RMT-1, RMT-3): which targets this system lets the hub
//! reach, and carrying one stream — connect to the target, dial a WebSocket back to the hub with
//! the tunnel's one-time token, then copy bytes both ways until both sides have finished.
//!
//! `system.toml`:
//!
//! ```toml
//! [remote]                         # optional; needs flags.remote_access
//! ssh = "127.0.0.1:22"             # where each service of this system really listens
//! web_control = "127.0.0.1:7071"   # (defaults: 127.0.0.1 and the service's port)
//! portal = "127.0.0.1:9443"
//! licence = "127.0.0.1:52233"
//! web_manager = "127.0.0.1:8443"  # central management (RMT-5, flags.central_management):
//!                                  # plain HTTP on the system, the hub reaches it for
//!                                  # Launch application → Web Manager
//!
//! [[remote.tunnels]]               # co-located hosts; needs flags.colocated_servers
//! application = "rdp"              # rdp | ssh | https | http (sets the default port)
//! address = "192.168.1.20"         # IPv4, as in <customer>-<address>.maint.<domain>
//! port = 3389                      # optional
//! ```
//!
//! A server of the network (`[[servers]]`) is reached at its `address` and the service's port.

use crate::link::{tunnel_ws_config, Conn, Endpoint};
use futures_util::{SinkExt, StreamExt};
use patchbay_proto::{Tunnel, TunnelFailed, TUNNEL_EOF, TUNNEL_PATH, TUNNEL_TOKEN_HEADER};
use serde::Deserialize;
use std::net::Ipv4Addr;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message as WsMsg;
use tokio_tungstenite::WebSocketStream;

/// The system's own services by port (RMT-4) and their `[remote]` keys.
pub const SERVICES: [(u16, &str); 4] = [
    (22, "ssh"),
    (7071, "web_control"),
    (9443, "portal"),
    (52233, "licence"),
];

/// The default port of the central-management web service.
pub const WEB_MANAGER_PORT: u16 = 8443;

/// How long connecting to a target may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Bytes read at once from the target (one WebSocket frame at most).
const CHUNK: usize = 32 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawRemote {
    ssh: Option<String>,
    web_control: Option<String>,
    portal: Option<String>,
    licence: Option<String>,
    web_manager: Option<String>,
    tunnels: Vec<RawTunnel>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTunnel {
    application: String,
    address: String,
    #[serde(default)]
    port: Option<u16>,
}

/// One co-located host the system routes (RMT-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelEntry {
    pub application: String,
    pub address: Ipv4Addr,
    pub port: u16,
}

/// The validated `[remote]` table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RemoteConfig {
    /// Where each service of [`SERVICES`] listens, by port.
    pub services: Vec<(u16, String)>,
    /// The central-management web service (plain HTTP on the system).
    pub web_manager: String,
    pub tunnels: Vec<TunnelEntry>,
}

impl RawRemote {
    pub(crate) fn validate(self) -> Result<RemoteConfig, (String, String)> {
        let mut services = Vec::new();
        for ((port, key), value) in
            SERVICES
                .into_iter()
                .zip([self.ssh, self.web_control, self.portal, self.licence])
        {
            let addr = match value {
                Some(v) => {
                    let v = v.trim().to_string();
                    if v.rsplit_once(':')
                        .and_then(|(_, p)| p.parse::<u16>().ok())
                        .is_none()
                    {
                        return Err((format!("remote.{key}"), format!("{v:?} is not HOST:PORT")));
                    }
                    v
                }
                None => format!("127.0.0.1:{port}"),
            };
            services.push((port, addr));
        }
        let web_manager = match self.web_manager {
            Some(v) => {
                let v = v.trim().to_string();
                if v.rsplit_once(':')
                    .and_then(|(_, p)| p.parse::<u16>().ok())
                    .is_none()
                {
                    return Err((
                        "remote.web_manager".into(),
                        format!("{v:?} is not HOST:PORT"),
                    ));
                }
                v
            }
            None => format!("127.0.0.1:{WEB_MANAGER_PORT}"),
        };
        let mut tunnels = Vec::new();
        for (i, t) in self.tunnels.into_iter().enumerate() {
            let k = |f: &str| format!("remote.tunnels[{i}].{f}");
            let application = t.application.trim().to_ascii_lowercase();
            let default_port = match application.as_str() {
                "rdp" => 3389,
                "ssh" => 22,
                "https" => 443,
                "http" => 80,
                _ => {
                    return Err((
                        k("application"),
                        format!("{:?} is not one of rdp, ssh, https, http", t.application),
                    ))
                }
            };
            let address: Ipv4Addr = t.address.trim().parse().map_err(|_| {
                (
                    k("address"),
                    format!("{:?} is not an IPv4 address", t.address),
                )
            })?;
            let port = t.port.unwrap_or(default_port);
            if port == 0 {
                return Err((k("port"), "must be 1-65535".into()));
            }
            tunnels.push(TunnelEntry {
                application,
                address,
                port,
            });
        }
        Ok(RemoteConfig {
            services,
            web_manager,
            tunnels,
        })
    }
}

fn failed(t: &Tunnel, code: &str, reason: impl Into<String>) -> TunnelFailed {
    TunnelFailed {
        tunnel_id: t.tunnel_id.clone(),
        code: code.into(),
        reason: reason.into(),
    }
}

/// Where `t` leads on this system, or why it may not (the system is the last word on its own
/// flags and tunnel entries, whatever the hub believed).
pub fn target(config: &crate::system::SystemConfig, t: &Tunnel) -> Result<String, TunnelFailed> {
    if t.service.as_deref() == Some("webManager") {
        // Central management (RMT-1's first level) has its own flag.
        if !config.flags.central_management {
            return Err(failed(t, "central-management-disabled", ""));
        }
        return Ok(config.remote.web_manager.clone());
    }
    if !config.flags.remote_access {
        return Err(failed(t, "remote-access-disabled", ""));
    }
    if let Some(ip) = &t.colocated {
        if !config.flags.colocated_servers {
            return Err(failed(t, "colocated-disabled", ""));
        }
        let ip: Ipv4Addr = ip.parse().map_err(|_| failed(t, "no-tunnel-entry", ""))?;
        return match config
            .remote
            .tunnels
            .iter()
            .find(|e| e.address == ip && e.port == t.port)
        {
            Some(e) => Ok(format!("{}:{}", e.address, e.port)),
            None => Err(failed(t, "no-tunnel-entry", "")),
        };
    }
    let Some((port, own)) = config.remote.services.iter().find(|(p, _)| *p == t.port) else {
        return Err(failed(t, "port-not-allowed", ""));
    };
    match &t.server {
        None => Ok(own.clone()),
        Some(name) if name.eq_ignore_ascii_case(&config.name) => Ok(own.clone()),
        Some(name) => match config
            .servers
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
        {
            Some(s) if s.address.contains(':') => Ok(format!("[{}]:{port}", s.address)),
            Some(s) => Ok(format!("{}:{port}", s.address)),
            None => Err(failed(t, "unknown-system", "")),
        },
    }
}

/// Carry one stream: connect to `target` (or report why not), dial back, copy both ways.
pub(crate) async fn carry(endpoint: Endpoint, t: Tunnel, target: Result<String, TunnelFailed>) {
    let tcp = match target {
        Ok(addr) => match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(&addr)).await {
            Ok(Ok(s)) => Ok(s),
            Ok(Err(e)) => Err(failed(&t, "target-unreachable", e.to_string())),
            Err(_) => Err(failed(&t, "target-unreachable", "no answer within 10 s")),
        },
        Err(f) => Err(f),
    };
    // Asked for on another node of the hub: dial back there, with the same certificate checks.
    let endpoint = match t.hub.as_deref() {
        None => endpoint,
        Some(hub) => match endpoint.elsewhere(hub) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!("remote support: cannot dial back to hub node {hub}: {e}");
                return;
            }
        },
    };
    let url = endpoint
        .url()
        .replacen(patchbay_proto::AGENT_PATH, TUNNEL_PATH, 1);
    let mut request = match url.as_str().into_client_request() {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!("remote support: bad dial-back URL {url}: {e}");
            return;
        }
    };
    match t.token.parse() {
        Ok(v) => {
            request.headers_mut().insert(TUNNEL_TOKEN_HEADER, v);
        }
        Err(_) => return,
    }
    let conn = match endpoint.dial(request, tunnel_ws_config()).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("remote support: cannot dial back to the hub: {e}");
            return;
        }
    };
    match conn {
        Conn::Plain(ws) => finish(*ws, tcp, &t).await,
        Conn::Tls(ws) => finish(*ws, tcp, &t).await,
    }
}

async fn finish<S>(ws: WebSocketStream<S>, tcp: Result<TcpStream, TunnelFailed>, t: &Tunnel)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    match tcp {
        Ok(tcp) => {
            let _ = tcp.set_nodelay(true);
            tracing::info!(tunnel = %t.tunnel_id, port = t.port, "remote support: stream opened");
            pump(ws, tcp).await;
            tracing::info!(tunnel = %t.tunnel_id, "remote support: stream closed");
        }
        Err(f) => {
            tracing::info!(tunnel = %t.tunnel_id, code = %f.code, "remote support: stream refused");
            let mut ws = ws;
            let text = serde_json::to_string(&f).unwrap_or_default();
            let _ = ws.send(WsMsg::text(text)).await;
            let _ = ws.close(None).await;
        }
    }
}

/// Copy between the dial-back socket and the target until both directions are finished.
async fn pump<S>(ws: WebSocketStream<S>, tcp: TcpStream)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (mut sink, mut stream) = ws.split();
    let (mut rd, mut wr) = tcp.into_split();
    if sink.send(WsMsg::text("open")).await.is_err() {
        return;
    }
    let up = async {
        // Hub → target.
        while let Some(m) = stream.next().await {
            match m {
                Ok(WsMsg::Binary(b)) => {
                    if wr.write_all(&b).await.is_err() {
                        break;
                    }
                }
                Ok(WsMsg::Text(t)) if t.as_str() == TUNNEL_EOF => break,
                Ok(WsMsg::Close(_)) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let _ = wr.shutdown().await;
    };
    let down = async {
        // Target → hub.
        let mut buf = vec![0u8; CHUNK];
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if sink.send(WsMsg::binary(buf[..n].to_vec())).await.is_err() {
                        return None;
                    }
                }
            }
        }
        let _ = sink.send(WsMsg::text(TUNNEL_EOF)).await;
        // Wait for the other direction before closing (a half-closed stream stays usable).
        Some(sink)
    };
    if let (_, Some(mut sink)) = tokio::join!(up, down) {
        let _ = sink.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::SystemConfig;

    fn config(extra: &str) -> SystemConfig {
        let text = format!(
            "name = \"ipo-1\"\nprofile = \"server-edition\"\nversion = \"12.1\"\naddress = \"10.0.0.10\"\n\
             [flags]\nremote_access = true\ncolocated_servers = true\n\
             [[servers]]\nname = \"exp-1\"\nrole = \"expansion\"\naddress = \"10.0.0.11\"\n{extra}"
        );
        SystemConfig::parse(&text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn tunnel(server: Option<&str>, colocated: Option<&str>, port: u16) -> Tunnel {
        Tunnel {
            tunnel_id: "t".into(),
            token: "k".into(),
            server: server.map(Into::into),
            colocated: colocated.map(Into::into),
            port,
            service: None,
            hub: None,
        }
    }

    #[test]
    fn rmt_1_services_servers_and_tunnel_entries_lead_where_configured() {
        let c = config(
            "[remote]\nssh = \"127.0.0.1:2222\"\n[[remote.tunnels]]\napplication = \"rdp\"\naddress = \"192.168.1.20\"\n\
             [[remote.tunnels]]\napplication = \"https\"\naddress = \"192.168.1.21\"\nport = 8443\n",
        );
        assert_eq!(
            target(&c, &tunnel(None, None, 22)),
            Ok("127.0.0.1:2222".into())
        );
        assert_eq!(
            target(&c, &tunnel(None, None, 7071)),
            Ok("127.0.0.1:7071".into())
        );
        assert_eq!(
            target(&c, &tunnel(Some("EXP-1"), None, 22)),
            Ok("10.0.0.11:22".into())
        );
        assert_eq!(
            target(&c, &tunnel(None, Some("192.168.1.20"), 3389)),
            Ok("192.168.1.20:3389".into())
        );
        assert_eq!(
            target(&c, &tunnel(None, Some("192.168.1.21"), 8443)),
            Ok("192.168.1.21:8443".into())
        );
        let code = |t: Tunnel| target(&c, &t).map_err(|f| f.code);
        assert_eq!(
            code(tunnel(None, Some("192.168.1.20"), 22)),
            Err("no-tunnel-entry".into())
        );
        assert_eq!(
            code(tunnel(None, Some("192.168.1.99"), 3389)),
            Err("no-tunnel-entry".into())
        );
        assert_eq!(code(tunnel(None, None, 80)), Err("port-not-allowed".into()));
        assert_eq!(
            code(tunnel(Some("nope"), None, 22)),
            Err("unknown-system".into())
        );
    }

    #[test]
    fn rmt_5_the_web_manager_needs_the_central_management_flag() {
        let mut c = config("[remote]\nweb_manager = \"127.0.0.1:8080\"\n");
        let mut t = tunnel(None, None, 0);
        t.service = Some("webManager".into());
        assert_eq!(
            target(&c, &t).map_err(|f| f.code),
            Err("central-management-disabled".into())
        );
        c.flags.central_management = true;
        c.flags.remote_access = false;
        assert_eq!(target(&c, &t), Ok("127.0.0.1:8080".into()));
    }

    #[test]
    fn rmt_1_the_system_refuses_when_its_flags_are_off() {
        let mut c = config("");
        c.flags.colocated_servers = false;
        let code = |c: &SystemConfig, t: Tunnel| target(c, &t).map_err(|f| f.code);
        assert_eq!(
            code(&c, tunnel(None, Some("10.0.0.5"), 22)),
            Err("colocated-disabled".into())
        );
        c.flags.remote_access = false;
        assert_eq!(
            code(&c, tunnel(None, None, 22)),
            Err("remote-access-disabled".into())
        );
    }

    #[test]
    fn rmt_1_bad_remote_tables_name_the_key() {
        let bad = |extra: &str| {
            let text = format!(
                "name = \"ipo-1\"\nprofile = \"server-edition\"\nversion = \"12.1\"\naddress = \"10.0.0.10\"\n{extra}"
            );
            SystemConfig::parse(&text).map(|_| ()).map_err(|e| e.key)
        };
        assert_eq!(
            bad("[remote]\nssh = \"nowhere\"\n"),
            Err("remote.ssh".into())
        );
        assert_eq!(
            bad("[[remote.tunnels]]\napplication = \"vnc\"\naddress = \"10.0.0.5\"\n"),
            Err("remote.tunnels[0].application".into())
        );
        assert_eq!(
            bad("[[remote.tunnels]]\napplication = \"rdp\"\naddress = \"host\"\n"),
            Err("remote.tunnels[0].address".into())
        );
    }
}
