//! One system's link: the reconnect loop with back-off, and each connection's conversation with
//! the hub (dial, `hello`, `welcome`, then the report, the alarms and the pings).

use super::{
    stats::{Gauge, LinkState},
    Identity, LinkCtx, Source, SourceEvent, AGENT_VERSION,
};
use crate::backoff::Backoff;
use futures_util::{SinkExt, StreamExt};
use patchbay_proto::{Envelope, Hello, Message as Msg, Refused, Welcome};
use std::{sync::atomic::Ordering::Relaxed, time::Duration};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpStream,
    time::{interval_at, sleep, timeout, Instant, MissedTickBehavior},
};
use tokio_tungstenite::{tungstenite::Message as WsMsg, WebSocketStream};
use tokio_util::sync::CancellationToken;

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
    let dial = ep.dial(ep.url.as_str(), super::endpoint::ws_config());
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

/// A WebSocket to the hub, over TLS or (lab hubs) plain TCP.
pub(crate) enum Conn {
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
        Msg::Alarms(_) => "alarms",
        Msg::AlarmAck(_) => "alarmAck",
        Msg::Action(_) => "action",
        Msg::ActionResult(_) => "actionResult",
        Msg::ActionAck(_) => "actionAck",
        Msg::Tunnel(_) => "tunnel",
        Msg::TunnelFailed(_) => "tunnelFailed",
        Msg::CertificateRequest(_) => "certificateRequest",
        Msg::CertificateSigningRequest(_) => "certificateSigningRequest",
        Msg::Certificate(_) => "certificate",
        Msg::CertificateInstalled(_) => "certificateInstalled",
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
            enrolment: id.enrolment.as_ref().map(|e| e.expose().to_string()),
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
                    Ok(Envelope { message: Msg::Action(a), .. }) => {
                        if let Some(r) = source.action(a) {
                            let env = Envelope::new(ids.next(), Msg::ActionResult(r));
                            if let Err(e) = send(&mut ws, &env).await {
                                return lost(format!("sending an action result: {e}"));
                            }
                        }
                    }
                    Ok(Envelope { message: Msg::ActionAck(k), .. }) => source.acked(&k.action_id),
                    Ok(Envelope { message: Msg::AlarmAck(k), .. }) => {
                        let before = ctx.stats.alarms_retried.load(Relaxed);
                        if k.retry_after_ms.is_some() {
                            ctx.stats.alarms_retried.fetch_add(1, Relaxed);
                            if before == 0 {
                                note!(ctx, info, "customer {}: the hub asks to slow down alarms", id.customer_id);
                            }
                        }
                        let n = source.alarm_ack(&k);
                        ctx.stats.alarms_acked.fetch_add(n, Relaxed);
                    }
                    Ok(Envelope { message: Msg::CertificateRequest(r), .. }) => {
                        let env = Envelope::new(ids.next(), Msg::CertificateSigningRequest(source.certificate_request(r)));
                        if let Err(e) = send(&mut ws, &env).await {
                            return lost(format!("sending a certificate request: {e}"));
                        }
                    }
                    Ok(Envelope { message: Msg::Certificate(c), .. }) => {
                        let env = Envelope::new(ids.next(), Msg::CertificateInstalled(source.install_certificate(c)));
                        if let Err(e) = send(&mut ws, &env).await {
                            return lost(format!("sending a certificate outcome: {e}"));
                        }
                    }
                    Ok(Envelope { message: Msg::Tunnel(t), .. }) => {
                        let target = source.tunnel_target(&t);
                        tokio::spawn(crate::remote::carry(ctx.endpoint.clone(), t, target));
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
                SourceEvent::Alarms(b) => {
                    // Kept by the source until acknowledged: a failed send goes again after the
                    // next welcome.
                    let n = b.events.len() as u64;
                    let env = Envelope::new(ids.next(), Msg::Alarms(b));
                    if let Err(e) = send(&mut ws, &env).await {
                        return lost(format!("sending alarms: {e}"));
                    }
                    ctx.stats.alarms_sent.fetch_add(n, Relaxed);
                }
                SourceEvent::ActionResult(r) => {
                    // Kept by the source until acknowledged: a failed send is retried after
                    // the next welcome.
                    let env = Envelope::new(ids.next(), Msg::ActionResult(r));
                    if let Err(e) = send(&mut ws, &env).await {
                        return lost(format!("sending an action result: {e}"));
                    }
                }
            },
        }
    }
}
