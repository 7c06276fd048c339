//! The phone file server (VNT-1, WPL-1; ARCHITECTURE: `:8080`): phones whose system points its
//! HTTP server at the hub fetch the Vantage and Workplace files here, at `/<area>/<path>`. One
//! port speaks plain HTTP and HTTPS (the hub's identity certificate): the first byte of each
//! connection tells a TLS handshake (`0x16`) from a request line. GET and HEAD only, byte ranges
//! and conditional requests as [`crate::service::phonefiles::serve`] answers them; everything
//! else is 404. No login: what is here is what phones download, nothing else is reachable. At
//! most [`MAX_CONNECTIONS`] connections at once, each for at most an hour.

use crate::state::AppState;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};

/// How long a connection may take to say which protocol it speaks, to finish a TLS handshake,
/// and to send a request's headers.
const HANDSHAKE: Duration = Duration::from_secs(15);
/// The first byte of a TLS ClientHello record.
const TLS_HANDSHAKE_RECORD: u8 = 0x16;
/// Connections served at once; more wait in the listen backlog (the port needs no login: a
/// flood of slow readers must not take the file handles the console and the agents need).
const MAX_CONNECTIONS: usize = 2048;
/// The longest a connection lives (a firmware download to a slow phone included).
const CONNECTION_LIFETIME: Duration = Duration::from_secs(3600);

#[derive(Debug, thiserror::Error)]
pub enum PhoneServerError {
    #[error("phone file server: cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
}

/// Listen on the configured address (when set) and serve until the hub shuts down.
pub async fn spawn(state: AppState) -> Result<Option<SocketAddr>, PhoneServerError> {
    let Some(listen) = state.config.phone_files_listen else {
        return Ok(None);
    };
    let acceptor = crate::tls::http1_acceptor(&state.tls_identity);
    let (listener, addr) =
        crate::tls::bind(listen).map_err(|e| PhoneServerError::Listen(listen, e))?;
    let _ = state.phone_files_port.set(addr.port());
    let stop = state.agents.shutdown.clone();
    tracing::info!(%addr, "phone file server listening (HTTP and HTTPS)");
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    tokio::spawn(async move {
        loop {
            let slot = tokio::select! {
                _ = stop.cancelled() => return,
                s = slots.clone().acquire_owned() => match s {
                    Ok(s) => s,
                    Err(_) => return,
                },
            };
            let tcp = tokio::select! {
                _ = stop.cancelled() => return,
                r = listener.accept() => match r {
                    Ok((c, _)) => c,
                    Err(e) => {
                        tracing::warn!(error = %e, "phone file server: accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
            };
            let _ = tcp.set_nodelay(true);
            let peer = tcp
                .peer_addr()
                .map(|a| a.ip())
                .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
            let (state, acceptor) = (state.clone(), acceptor.clone());
            tokio::spawn(async move {
                let _slot = slot;
                let mut first = [0u8; 1];
                let peeked = tokio::time::timeout(HANDSHAKE, tcp.peek(&mut first)).await;
                if !matches!(peeked, Ok(Ok(1))) {
                    return;
                }
                if first[0] == TLS_HANDSHAKE_RECORD {
                    if let Ok(Ok(tls)) = tokio::time::timeout(HANDSHAKE, acceptor.accept(tcp)).await
                    {
                        serve_connection(state, tls, peer, true).await;
                    }
                } else {
                    serve_connection(state, tcp, peer, false).await;
                }
            });
        }
    });
    Ok(Some(addr))
}

async fn serve_connection<T>(state: AppState, io: T, peer: std::net::IpAddr, tls: bool)
where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let state = state.clone();
        async move {
            let path = req.uri().path();
            // PRV-2: configuration files only with the device's credentials.
            let r = if path.starts_with("/prov/") {
                crate::service::provisioning::serve(
                    &state,
                    req.method(),
                    path,
                    req.headers(),
                    peer,
                    tls,
                )
                .await
            } else {
                crate::service::phonefiles::serve(&state, req.method(), path, req.headers()).await
            };
            Ok::<_, std::convert::Infallible>(r.map(Body::new))
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HANDSHAKE)
        .serve_connection(TokioIo::new(io), service);
    match tokio::time::timeout(CONNECTION_LIFETIME, conn).await {
        Ok(Err(e)) => tracing::debug!(error = %e, "phone file server connection"),
        Err(_) => tracing::info!("phone file server: a connection outlived its hour, closed"),
        Ok(Ok(())) => {}
    }
}
