//! The agent gateway (SYS-1): customer systems connect outbound to `wss://HUB/agent`, authenticate
//! with the service user of their customer entry, then report and stream alarms. The socket logic
//! is generic over `Sink`/`Stream` of [`Frame`]s so it is unit-testable without a network.

use crate::service::ingest::{AckPoint, Acker, Closed, RETRY_AFTER};
use crate::state::AppState;
use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use patchbay_domain::alarm::{description_key, fingerprint, AlarmType, Severity, DESCRIPTION_MAX};
use patchbay_domain::alarm_ingest::{Change, Event, STREAM_MAX};
use patchbay_domain::system::{
    Profile, Refusal, RemoteFlags, Right, ServiceAccountState, Status, MAX_SESSIONS_PER_CUSTOMER,
};
use patchbay_domain::{admission, lockout, CustomerId, SystemId};
use patchbay_proto::{
    AlarmAck, AlarmBatch, AlarmEvent, Envelope, Hello, Message, Refused, Welcome, ALARM_BATCH_MAX,
};
use patchbay_store::alarms::{IngestEvent, Origin};
use patchbay_store::systems::{ServerInfo, SystemReport};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const HELLO_TIMEOUT: Duration = Duration::from_secs(15);
pub const HEARTBEAT_SECONDS: u64 = 20;
/// No frame (not even a ping) for this long: the connection is dead.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(90);
const MAX_FRAME: usize = 256 * 1024;
/// Longest system name accepted in `hello`.
pub const SYSTEM_NAME_MAX: usize = 64;

/// What the gateway reads and writes, independent of the WebSocket library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    Text(String),
    /// Pings, pongs and binary frames: proof of life, no content.
    Other,
    Close,
}

/// A connection this node holds: its customer, its serial (to tell reconnections apart) and the
/// way to send it messages (actions) from outside its session.
struct Live {
    customer: CustomerId,
    serial: u64,
    outbox: tokio::sync::mpsc::Sender<Message>,
}

/// Messages waiting for one connection beyond this are refused (the sender learns the system is
/// not reachable now rather than queueing without bound).
const OUTBOX: usize = 64;

/// The systems this node holds.
pub struct Registry {
    pub node_id: String,
    /// This node's identity (and the data-dir lock that makes it this node's).
    pub identity: crate::datadir::NodeIdentity,
    live: Mutex<HashMap<SystemId, Live>>,
    serial: AtomicU64,
    /// Cancelled when the hub shuts down: every session closes its socket (upgraded connections
    /// are not covered by the HTTP server's graceful shutdown).
    pub shutdown: tokio_util::sync::CancellationToken,
    /// Sessions between `hello` and `welcome` (authentication, the connection's transaction):
    /// at most [`ADMISSIONS`] at once, so a reconnect storm queues here for a bounded time
    /// instead of piling thousands of waiters onto the database pool until they all time out.
    admission: tokio::sync::Semaphore,
    /// Agents told to come back later because the node was busy admitting others.
    pub busy_refusals: AtomicU64,
    /// The load at the admission point, which sets how long refused agents stay away.
    busy: Mutex<BusyWindow>,
    /// The line's clock.
    clock: std::time::Instant,
}

/// Sessions that reached the admission point since `started`, and the wait asked of refused
/// agents (see [`patchbay_domain::admission`]).
struct BusyWindow {
    started: std::time::Instant,
    attempts: u64,
    admitted: u64,
    /// The agents refused, each told its own time to come back.
    line: admission::Line,
}

/// How often the wait asked of refused agents is looked at again.
pub const BUSY_WINDOW: Duration = Duration::from_secs(2);

/// Sessions admitted at once (see [`Registry::admission`]).
pub const ADMISSIONS: usize = 64;
/// How long a session waits for its turn to be admitted before it is told to come back later.
pub const ADMISSION_WAIT: Duration = Duration::from_secs(2);

impl Registry {
    /// `admissions`: sessions admitted at once (see [`Registry::admission`]).
    pub fn new(identity: crate::datadir::NodeIdentity, admissions: usize) -> Self {
        Self {
            node_id: identity.id.clone(),
            identity,
            live: Mutex::new(HashMap::new()),
            serial: AtomicU64::new(0),
            shutdown: tokio_util::sync::CancellationToken::new(),
            admission: tokio::sync::Semaphore::new(admissions),
            busy_refusals: AtomicU64::new(0),
            busy: Mutex::new(BusyWindow {
                started: std::time::Instant::now(),
                attempts: 0,
                admitted: 0,
                line: admission::Line::default(),
            }),
            clock: std::time::Instant::now(),
        }
    }

    /// A session reached the admission point (`admitted`: it got in); the node's admission rate
    /// is looked at again once per [`BUSY_WINDOW`]. A refused session is given its place in the
    /// line: the whole seconds it is asked to wait.
    fn admission_seen(&self, admitted: bool) -> Option<u64> {
        let now = self.clock.elapsed().as_secs_f64();
        let Ok(mut w) = self.busy.lock() else {
            return (!admitted).then_some(admission::MIN_RETRY.as_secs());
        };
        w.attempts += 1;
        w.admitted += u64::from(admitted);
        let elapsed = w.started.elapsed();
        if elapsed >= BUSY_WINDOW {
            let (attempts, got_in) = (w.attempts, w.admitted);
            w.line.observe(attempts, got_in, elapsed.as_secs_f64());
            w.started = std::time::Instant::now();
            w.attempts = 0;
            w.admitted = 0;
        }
        (!admitted).then(|| w.line.refuse(now))
    }

    /// The wait the next refused agent would be asked for now.
    pub fn busy_wait(&self) -> Duration {
        let now = self.clock.elapsed().as_secs_f64();
        self.busy
            .lock()
            .map(|w| w.line.wait(now))
            .unwrap_or(admission::MIN_RETRY)
    }
    fn insert(
        &self,
        sys: SystemId,
        customer: CustomerId,
    ) -> (u64, tokio::sync::mpsc::Receiver<Message>) {
        let n = self.serial.fetch_add(1, Ordering::Relaxed);
        let (outbox, rx) = tokio::sync::mpsc::channel(OUTBOX);
        if let Ok(mut m) = self.live.lock() {
            m.insert(
                sys,
                Live {
                    customer,
                    serial: n,
                    outbox,
                },
            );
        }
        (n, rx)
    }
    fn remove(&self, sys: SystemId, serial: u64) {
        if let Ok(mut m) = self.live.lock() {
            if m.get(&sys).is_some_and(|l| l.serial == serial) {
                m.remove(&sys);
            }
        }
    }
    /// Send `message` to `sys` if this node holds it now; false otherwise.
    pub fn send(&self, sys: SystemId, message: Message) -> bool {
        let outbox = match self.live.lock() {
            Ok(m) => m.get(&sys).map(|l| l.outbox.clone()),
            Err(_) => None,
        };
        outbox.is_some_and(|o| o.try_send(message).is_ok())
    }
    /// The customer of a system this node holds.
    pub fn customer_of(&self, sys: SystemId) -> Option<CustomerId> {
        self.live.lock().ok()?.get(&sys).map(|l| l.customer)
    }
    /// The systems whose connections this node holds now.
    pub fn held(&self) -> Vec<SystemId> {
        self.live
            .lock()
            .map(|m| m.keys().copied().collect())
            .unwrap_or_default()
    }
    /// Connections held by this node now.
    pub fn len(&self) -> usize {
        self.live.lock().map(|m| m.len()).unwrap_or(0)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for Registry {
    fn default() -> Self {
        Self::new(crate::datadir::NodeIdentity::ephemeral(), ADMISSIONS)
    }
}

pub async fn upgrade(
    State(state): State<AppState>,
    extensions: axum::http::Extensions,
    ws: WebSocketUpgrade,
) -> Response {
    let source = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    // Small buffers: the library's 128 KiB default read buffer dominated per-connection memory
    // (~142 KiB per idle agent, measured in bench/connections.sh; ~18 KiB with these).
    ws.max_message_size(MAX_FRAME)
        .max_frame_size(MAX_FRAME)
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .on_upgrade(move |socket| serve_socket(state, socket, source))
}

async fn serve_socket(state: AppState, socket: WebSocket, source: Option<std::net::IpAddr>) {
    let (sink, stream) = socket.split();
    let sink = sink.with(|f: Frame| async move {
        Ok::<_, axum::Error>(match f {
            Frame::Text(t) => WsMessage::Text(t.into()),
            Frame::Close | Frame::Other => WsMessage::Close(None),
        })
    });
    let stream = stream.map(|m| match m {
        Ok(WsMessage::Text(t)) => Frame::Text(t.to_string()),
        Ok(WsMessage::Close(_)) | Err(_) => Frame::Close,
        Ok(_) => Frame::Other,
    });
    run_session(&state, Box::pin(sink), Box::pin(stream), source).await;
}

fn send_text(e: &Envelope) -> Frame {
    Frame::Text(e.to_json())
}

/// The whole conversation with one system.
pub async fn run_session<Si, St>(
    state: &AppState,
    mut sink: Si,
    mut stream: St,
    source: Option<std::net::IpAddr>,
) where
    Si: Sink<Frame> + Unpin,
    St: Stream<Item = Frame> + Unpin,
{
    let hello = match tokio::time::timeout(HELLO_TIMEOUT, stream.next()).await {
        Ok(Some(Frame::Text(t))) => match Envelope::from_json(&t) {
            Ok(Envelope {
                message: Message::Hello(h),
                ..
            }) => h,
            _ => {
                refuse(&mut sink, Refusal::ConnectionFailed, None).await;
                return;
            }
        },
        _ => return,
    };
    let name_ok = !hello.system_name.trim().is_empty()
        && hello.system_name.chars().count() <= SYSTEM_NAME_MAX
        && !hello.system_name.chars().any(char::is_control);
    if !name_ok || hello.customer_id.len() > 63 {
        refuse(&mut sink, Refusal::ConnectionFailed, None).await;
        return;
    }
    // Admission: a bounded number of sessions authenticate at once; the others come back later.
    let admitted =
        match tokio::time::timeout(ADMISSION_WAIT, state.agents.admission.acquire()).await {
            Ok(Ok(permit)) => {
                state.agents.admission_seen(true);
                permit
            }
            _ => {
                state.agents.busy_refusals.fetch_add(1, Ordering::Relaxed);
                let retry = state
                    .agents
                    .admission_seen(false)
                    .unwrap_or(admission::MIN_RETRY.as_secs());
                refuse(&mut sink, Refusal::ConnectionFailed, Some(retry)).await;
                return;
            }
        };
    let customer = match authenticate(state, &hello, source).await {
        Ok(c) => c,
        Err((refusal, customer, retry)) => {
            if let Some(c) = customer {
                if let Err(e) = state.store.record_refusal(c, refusal).await {
                    tracing::warn!(error = %e, "cannot record refusal");
                }
            }
            tracing::info!(customer = %hello.customer_id, system = %hello.system_name, status = Status::from_refusal(refusal).code(), "agent refused");
            refuse(&mut sink, refusal, retry).await;
            return;
        }
    };
    let connection = match state
        .store
        .agent_connected(customer, &hello.system_name, &state.agents.node_id)
        .await
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot record connection");
            return;
        }
    };
    let (sys, connected_at) = (connection.id, connection.connected_at);
    let (serial, mut outbox) = state.agents.insert(sys, customer);
    tracing::info!(customer = %hello.customer_id, system = %hello.system_name, "agent connected");
    // CST-2: queued now, sent right after the welcome.
    if let Err(e) =
        crate::service::customization::first_connection(state, customer, &connection).await
    {
        tracing::warn!(system = %hello.system_name, error = %e, "cannot send the system its CustomData.xml");
    }
    let welcome = Envelope::new(
        "welcome",
        Message::Welcome(Welcome {
            hub_version: crate::state::VERSION.into(),
            heartbeat_seconds: HEARTBEAT_SECONDS,
        }),
    );
    let (acker, mut acks) = Acker::channel();
    let reports = Arc::new(LatestReport::default());
    let report_writer = tokio::spawn(write_reports(
        state.clone(),
        customer,
        sys,
        reports.clone(),
        connection.report_digest.clone(),
    ));
    let mut session = Session {
        customer,
        sys,
        system_name: hello.system_name.clone(),
        acker,
        taken: None,
        reports: reports.clone(),
        certificates: crate::service::system_certificates::Track::new(
            customer,
            sys,
            &hello.system_name,
        ),
    };
    // SYS-8: whether the system's certificate is due, besides after each report.
    let mut certificate_tick = tokio::time::interval_at(
        tokio::time::Instant::now() + state.config.certificate_check,
        state.config.certificate_check,
    );
    certificate_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let welcomed = sink.send(send_text(&welcome)).await.is_ok();
    // Admitted: the next session may authenticate.
    drop(admitted);
    if welcomed {
        loop {
            let next = tokio::select! {
                _ = state.agents.shutdown.cancelled() => {
                    let _ = sink.send(Frame::Close).await;
                    break;
                }
                Some(m) = outbox.recv() => {
                    if sink.send(send_text(&Envelope::new("hub", m))).await.is_err() {
                        break;
                    }
                    continue;
                }
                Ok(()) = acks.changed() => {
                    let point = acks.borrow_and_update().clone();
                    if let Some((stream, through)) = point {
                        let ack = Message::AlarmAck(AlarmAck {
                            stream: stream.to_string(),
                            through,
                            retry_after_ms: None,
                        });
                        if sink.send(send_text(&Envelope::new("hub", ack))).await.is_err() {
                            break;
                        }
                    }
                    continue;
                }
                _ = certificate_tick.tick() => {
                    if let Some(m) = session.certificates.due(state).await {
                        if sink.send(send_text(&Envelope::new("hub", m))).await.is_err() {
                            break;
                        }
                    }
                    continue;
                }
                n = tokio::time::timeout(IDLE_TIMEOUT, stream.next()) => n,
            };
            match next {
                Ok(Some(Frame::Text(t))) => match session.handle(state, &acks, &t).await {
                    Ok(Some(answer)) => {
                        if sink
                            .send(send_text(&Envelope::new("hub", answer)))
                            .await
                            .is_err()
                        {
                            break;
                        }
                    }
                    Ok(None) => {}
                    Err(e) => {
                        tracing::warn!(customer = %hello.customer_id, error = %e, "agent message rejected")
                    }
                },
                Ok(Some(Frame::Other)) => {}
                _ => break,
            }
        }
    }
    state.agents.remove(sys, serial);
    // The last report is written before the disconnection is.
    reports.close();
    let _ = report_writer.await;
    // On shutdown the node releases all its systems in one statement once the sessions are gone.
    // Otherwise the end is recorded with the others that ended meanwhile (one transaction).
    if !state.agents.shutdown.is_cancelled() {
        state.disconnections.record(customer, sys, connected_at);
    }
    tracing::info!(customer = %hello.customer_id, system = %hello.system_name, "agent disconnected");
}

async fn refuse<Si: Sink<Frame> + Unpin>(sink: &mut Si, refusal: Refusal, retry: Option<u64>) {
    let status = Status::from_refusal(refusal);
    let msg = Envelope::new(
        "refused",
        Message::Refused(Refused {
            status: status.code().into(),
            message: status.english(),
            retry_after_seconds: retry,
        }),
    );
    let _ = sink.send(send_text(&msg)).await;
    let _ = sink.send(Frame::Close).await;
}

type AuthError = (Refusal, Option<CustomerId>, Option<u64>);

/// SYS-1 / SYS-3: the checks, in order; each refusal is a real condition.
async fn authenticate(
    state: &AppState,
    h: &Hello,
    source: Option<std::net::IpAddr>,
) -> Result<CustomerId, AuthError> {
    let internal = |e: patchbay_store::StoreError| {
        tracing::error!(error = %e, "authentication failed on the store");
        (Refusal::ConnectionFailed, None, Some(30))
    };
    let now = jiff::Timestamp::now();
    let since = now.as_millisecond() - lockout::lookback().as_millis() as i64;
    let mut admission = state
        .store
        .agent_admission(&h.customer_id, &h.system_name, since)
        .await
        .map_err(internal)?;
    if admission.is_none() {
        // CUS-8: an unknown customer ID with a provider's enrolment credential is enrolled.
        let Some(credential) = h.enrolment.as_deref() else {
            return Err((Refusal::InvalidCredentials, None, None));
        };
        crate::service::enrolment::enrol(state, h, credential, source)
            .await
            .map_err(|(refusal, retry)| (refusal, None, retry))?;
        admission = state
            .store
            .agent_admission(&h.customer_id, &h.system_name, since)
            .await
            .map_err(internal)?;
    }
    let Some(admission) = admission else {
        return Err((Refusal::InvalidCredentials, None, None));
    };
    let (cred, failures) = (&admission.credentials, &admission.failures);
    let c = Some(cred.id);
    if h.service_user != cred.service_user_name {
        return Err((Refusal::InvalidCredentials, c, None));
    }
    if cred.service_disabled {
        return Err((Refusal::DisabledByAdministrator, c, Some(300)));
    }
    if let Some(until) = lockout::blocked_until(failures, now) {
        return Err((
            Refusal::TemporarilyLocked,
            c,
            Some(until.duration_since(now).as_secs().max(1) as u64),
        ));
    }
    if h.password.is_empty() {
        return Err((Refusal::NoAuthorisationProvided, c, None));
    }
    let stored = state
        .secrets
        .open(&cred.sealed_password)
        .map_err(|_| (Refusal::AuthorisationFailed, c, None))?;
    if !crate::auth::same_secret(&stored, &h.password) {
        return Err((Refusal::AuthorisationFailed, c, None));
    }
    if !h.primary {
        return Err((Refusal::NotPrimary, c, None));
    }
    if admission.enrolment_pending {
        // CUS-8: no session, so no remote operation, until a staff member confirms it.
        return Err((
            Refusal::PendingConfirmation,
            c,
            Some(crate::service::enrolment::PENDING_RETRY_SECONDS),
        ));
    }
    let others = admission.others_connected;
    if others >= MAX_SESSIONS_PER_CUSTOMER {
        return Err((Refusal::TooManySessions, c, Some(60)));
    }
    Ok(cred.id)
}

fn flags(f: &patchbay_proto::Flags) -> RemoteFlags {
    RemoteFlags {
        central_management: f.central_management,
        central_diagnostic_logs: f.central_diagnostic_logs,
        remote_upgrade_backup: f.remote_upgrade_backup,
        remote_access: f.remote_access,
        colocated_servers: f.colocated_servers,
        auto_certificate_management: f.auto_certificate_management,
        phone_auto_provisioning: f.phone_auto_provisioning,
    }
}

fn rights(names: &[String]) -> Vec<Right> {
    names
        .iter()
        .filter_map(|n| match n.as_str() {
            "status-read" => Some(Right::StatusRead),
            "configuration" => Some(Right::Configuration),
            "upgrade" => Some(Right::Upgrade),
            _ => None,
        })
        .collect()
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("unreadable message: {0}")]
    Parse(String),
    #[error("unknown {0} {1:?}")]
    Unknown(&'static str, String),
    #[error(transparent)]
    Store(#[from] patchbay_store::StoreError),
    #[error("action result: {0}")]
    Action(String),
}

/// One connection's alarm state.
struct Session {
    customer: CustomerId,
    sys: SystemId,
    system_name: String,
    acker: Acker,
    /// The stream and the last number this connection handed to the writer: a batch sent again
    /// only queues what was not taken already.
    taken: Option<(Arc<str>, u64)>,
    reports: Arc<LatestReport>,
    /// SYS-8: the system's certificate as this session follows it.
    certificates: crate::service::system_certificates::Track,
}

/// The newest report of a system not written yet (SYS-5): a system whose state flaps faster than
/// the database takes its reports has only its latest written.
#[derive(Default)]
struct LatestReport {
    slot: Mutex<(Option<SystemReport>, bool)>,
    wake: tokio::sync::Notify,
}

impl LatestReport {
    fn put(&self, r: SystemReport) {
        if let Ok(mut s) = self.slot.lock() {
            s.0 = Some(r);
        }
        self.wake.notify_one();
    }

    /// No more reports: the writer writes what is left and stops.
    fn close(&self) {
        if let Ok(mut s) = self.slot.lock() {
            s.1 = true;
        }
        self.wake.notify_one();
    }

    /// The report to write next, or `None` once closed and empty.
    async fn next(&self) -> Option<SystemReport> {
        loop {
            let woken = self.wake.notified();
            {
                let mut s = self.slot.lock().ok()?;
                if let Some(r) = s.0.take() {
                    return Some(r);
                }
                if s.1 {
                    return None;
                }
            }
            woken.await;
        }
    }
}

/// Writes the connection's reports; one equal to the last written (`written`: its digest, as the
/// connection found it) is not written again.
async fn write_reports(
    state: AppState,
    customer: CustomerId,
    sys: SystemId,
    reports: Arc<LatestReport>,
    mut written: Option<String>,
) {
    while let Some(r) = reports.next().await {
        let digest = r.digest();
        if written.as_deref() == Some(digest.as_str()) {
            continue;
        }
        match state.store.system_report(customer, sys, &r).await {
            Ok(()) => written = Some(digest),
            Err(e) => tracing::warn!(error = %e, "cannot record a system's report"),
        }
    }
}

/// A wire alarm event as the ingest writer applies it.
fn event_from_wire(
    customer: CustomerId,
    system_name: &str,
    a: &AlarmEvent,
) -> Result<Event, GatewayError> {
    let alarm_type = AlarmType::parse(&a.alarm_type)
        .ok_or_else(|| GatewayError::Unknown("alarm type", a.alarm_type.clone()))?;
    let description = clip(a.description.trim(), DESCRIPTION_MAX);
    let key = clip(
        &description_key(&description, a.key.as_deref()),
        DESCRIPTION_MAX,
    );
    let change = match a.event.as_str() {
        "raise" => {
            let severity = Severity::parse(&a.severity)
                .ok_or_else(|| GatewayError::Unknown("severity", a.severity.clone()))?;
            let now = jiff::Timestamp::now();
            let at =
                a.at.as_deref()
                    .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                    // A system's clock may be wrong; never accept the future.
                    .filter(|t| *t <= now)
                    .unwrap_or(now);
            Change::Raise {
                severity,
                description,
                ongoing: a.ongoing,
                at_ms: at.as_millisecond(),
            }
        }
        "clear" => Change::Clear,
        other => return Err(GatewayError::Unknown("alarm event", other.to_string())),
    };
    Ok(Event {
        fingerprint: fingerprint(&customer.to_string(), system_name, alarm_type, &key),
        customer: customer.to_string(),
        system_name: system_name.to_string(),
        alarm_type,
        change,
    })
}

impl Session {
    /// An `alarms` batch: queued for the writer (acknowledged once applied); when the queue is
    /// full this waits for room, and when it is filling the agent is asked to pause.
    async fn alarms(
        &mut self,
        state: &AppState,
        acks: &tokio::sync::watch::Receiver<AckPoint>,
        b: AlarmBatch,
    ) -> Result<Option<Message>, GatewayError> {
        if b.stream.is_empty() || b.stream.len() > STREAM_MAX {
            return Err(GatewayError::Unknown("alarm stream", clip(&b.stream, 80)));
        }
        if b.events.len() > ALARM_BATCH_MAX {
            return Err(GatewayError::Unknown(
                "alarm batch size",
                b.events.len().to_string(),
            ));
        }
        let mut seqs = Vec::with_capacity(b.events.len());
        for e in &b.events {
            match e.seq {
                Some(n) if seqs.last().is_none_or(|l| *l < n) => seqs.push(n),
                _ => {
                    return Err(GatewayError::Unknown(
                        "alarm sequence",
                        format!("{:?}", e.seq),
                    ))
                }
            }
        }
        let Some(&last) = seqs.last() else {
            return Ok(None);
        };
        let stream: Arc<str> = match &self.taken {
            Some((s, _)) if **s == *b.stream => s.clone(),
            _ => Arc::from(b.stream.as_str()),
        };
        let through = match &*acks.borrow() {
            Some((s, t)) if *s == stream => *t,
            _ => 0,
        };
        // Nothing this connection already handed to the writer is queued twice.
        let taken = match &self.taken {
            Some((s, t)) if *s == stream => *t,
            _ => 0,
        };
        let mut events = Vec::with_capacity(b.events.len());
        for (e, seq) in b.events.iter().zip(seqs) {
            if seq <= taken {
                continue;
            }
            match event_from_wire(self.customer, &self.system_name, e) {
                Ok(event) => events.push(IngestEvent {
                    origin: Some(Origin {
                        system: self.sys,
                        stream: stream.clone(),
                        seq,
                    }),
                    event,
                }),
                // Acknowledged with the rest: sending it again would not make it readable.
                Err(err) => {
                    tracing::warn!(system = %self.system_name, error = %err, "alarm event skipped")
                }
            }
        }
        if last <= taken {
            return Ok(None);
        }
        match state
            .ingest
            .submit(events, Some((self.acker.clone(), stream.clone(), last)))
            .await
        {
            Ok(pressed) => {
                self.taken = Some((stream, last));
                // Taken; the queue is filling: the agent pauses before sending more.
                Ok(pressed.then(|| {
                    Message::AlarmAck(AlarmAck {
                        stream: b.stream.clone(),
                        through,
                        retry_after_ms: Some(RETRY_AFTER.as_millis() as u64),
                    })
                }))
            }
            // Shutting down: the agent sends it again to whichever node it reaches next.
            Err(Closed) => Ok(None),
        }
    }

    async fn handle(
        &mut self,
        state: &AppState,
        acks: &tokio::sync::watch::Receiver<AckPoint>,
        text: &str,
    ) -> Result<Option<Message>, GatewayError> {
        let (customer, sys) = (self.customer, self.sys);
        let env = Envelope::from_json(text).map_err(|e| GatewayError::Parse(e.to_string()))?;
        match env.message {
            Message::Report(r) => {
                self.certificates.reported(&r);
                let profile = Profile::parse(&r.profile)
                    .ok_or_else(|| GatewayError::Unknown("profile", r.profile.clone()))?;
                let report = SystemReport {
                    profile,
                    version: clip(&r.version, 64),
                    address: clip(&r.address, 255),
                    port: i64::from(r.port),
                    flags: flags(&r.flags),
                    account: ServiceAccountState {
                        disabled: r.service_account.disabled,
                        locked: r.service_account.locked,
                        password_expired: r.service_account.password_expired,
                        must_change_password: r.service_account.must_change_password,
                        rights: rights(&r.service_account.rights),
                    },
                    servers: r
                        .servers
                        .iter()
                        .take(64)
                        .map(|s| ServerInfo {
                            name: clip(&s.name, 64),
                            role: clip(&s.role, 16),
                            address: clip(&s.address, 255),
                            version: clip(&s.version, 64),
                            state: if s.state == "online" {
                                "online".into()
                            } else {
                                "offline".into()
                            },
                        })
                        .collect(),
                    // An unknown zone is not kept: the hub's stands in (BKP-3).
                    time_zone: Some(r.time_zone.trim())
                        .filter(|tz| tz.len() <= 64 && jiff::tz::TimeZone::get(tz).is_ok())
                        .unwrap_or_default()
                        .to_string(),
                    // Entries the hub cannot read are not kept (the agent checks its own file).
                    phone_firmware: clip(&r.phone_firmware, 64),
                    tunnels: r
                        .tunnels
                        .iter()
                        .filter_map(|t| {
                            Some(patchbay_domain::remote::TunnelEntry {
                                application: patchbay_domain::remote::Application::parse(
                                    &t.application,
                                )?,
                                address: t.address.parse().ok()?,
                                port: t.port,
                            })
                        })
                        .filter(|t| t.port != 0)
                        .take(patchbay_domain::remote::TUNNELS_MAX)
                        .collect(),
                };
                // Written by the session's report writer: the latest report wins, and reading the
                // socket (alarms, results) never waits for the database meanwhile.
                self.reports.put(report);
                return Ok(self.certificates.due(state).await);
            }
            Message::CertificateSigningRequest(r) => {
                return Ok(self.certificates.signing_request(state, r).await);
            }
            Message::CertificateInstalled(o) => self.certificates.installed(state, o).await,
            Message::Alarm(a) => {
                // Older agents: one event, no sequence, no acknowledgement.
                let event = event_from_wire(customer, &self.system_name, &a)?;
                if state
                    .ingest
                    .submit(
                        vec![IngestEvent {
                            origin: None,
                            event,
                        }],
                        None,
                    )
                    .await
                    .is_err()
                {
                    tracing::debug!("alarm not taken: shutting down");
                }
            }
            Message::Alarms(b) => return self.alarms(state, acks, b).await,
            Message::ActionResult(r) => {
                let action_id = r.action_id.clone();
                let recorded =
                    match crate::service::customization::custom_data_result(state, sys, &r).await {
                        Some(done) => done,
                        None => crate::service::jobs::record_result(state, sys, r).await,
                    };
                recorded.map_err(|e| GatewayError::Action(e.to_string()))?;
                return Ok(Some(Message::ActionAck(patchbay_proto::ActionAck {
                    action_id,
                })));
            }
            // What only the hub sends.
            Message::Hello(_)
            | Message::Welcome(_)
            | Message::Refused(_)
            | Message::Action(_)
            | Message::ActionAck(_)
            | Message::AlarmAck(_)
            | Message::Tunnel(_)
            | Message::TunnelFailed(_)
            | Message::CertificateRequest(_)
            | Message::Certificate(_) => {
                return Err(GatewayError::Unknown("message", "unexpected kind".into()));
            }
        }
        Ok(None)
    }
}
