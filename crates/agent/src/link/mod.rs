//! The connection to the hub, shared by `run` and `sim`: dial `wss://HUB/agent`, say `hello`, wait
//! for `welcome`/`refused`, send the report and the alarm stream, keep the socket alive with pings,
//! and reconnect forever with jittered exponential back-off.
//!
//! What differs between a real agent and a simulated system is only where the report and the alarms
//! come from: a [`Source`].

mod endpoint;
mod password;
mod session;
mod stats;
#[cfg(test)]
mod tests;

pub(crate) use endpoint::{tunnel_ws_config, Endpoint};
pub use password::Password;
pub(crate) use session::{maintain, Conn};
pub use stats::{LinkStats, StatsSnapshot};

use patchbay_proto::{
    Action, ActionResult, AlarmAck, AlarmBatch, CertificateInstalled, CertificateRequest,
    CertificateSigningRequest, IssuedCertificate, Report, Tunnel, TunnelFailed,
};
use std::{future::Future, sync::Arc, time::Duration};

/// The version this agent reports in `hello`.
pub const AGENT_VERSION: &str = env!("CARGO_PKG_VERSION");

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

/// Something to send.
#[derive(Debug)]
pub(crate) enum SourceEvent {
    Report(Report),
    /// Alarm events the spool hands out (kept there until acknowledged).
    Alarms(AlarmBatch),
    /// How an action ended (kept by the source until the hub acknowledges it).
    ActionResult(ActionResult),
}

/// Where a link's report and alarms come from.
pub(crate) trait Source: Send {
    /// The system name for `hello`.
    fn system_name(&self) -> String;
    /// The current report, sent right after `welcome`; later changes come from `next_event`.
    fn report_now(&mut self) -> Report;
    /// Waits for the next thing to send: a changed report or an alarm. Must be cancel-safe.
    fn next_event(&mut self) -> impl Future<Output = SourceEvent> + Send;
    /// The hub's `alarmAck`: events it holds durably, or a request to slow down. Returns how
    /// many events it acknowledged.
    fn alarm_ack(&mut self, ack: &AlarmAck) -> u64;
    /// Called after each `welcome`, once the report is sent: unacknowledged alarms go again, and
    /// a chance to queue alarms that resynchronise the hub (the agent clears its own alarms whose
    /// condition is OK).
    fn welcomed(&mut self) {}
    /// The hub asks for an action. A source that carries actions out answers later through
    /// `next_event`; one that cannot answers at once, with the reason.
    fn action(&mut self, action: Action) -> Option<ActionResult> {
        Some(ActionResult {
            action_id: action.action_id,
            status: "failed".into(),
            reason: "this agent does not carry out actions".into(),
            archive: None,
            logs: Vec::new(),
            servers: Vec::new(),
        })
    }
    /// The hub recorded the result of `action_id`.
    fn acked(&mut self, _action_id: &str) {}
    /// SYS-8: make a key and a signing request for it (or say why not).
    fn certificate_request(&mut self, r: CertificateRequest) -> CertificateSigningRequest {
        CertificateSigningRequest {
            request_id: r.request_id,
            csr_pem: String::new(),
            reason: "this agent does not manage certificates".into(),
        }
    }
    /// SYS-8: install the certificate issued for the pending key (or say why not).
    fn install_certificate(&mut self, c: IssuedCertificate) -> CertificateInstalled {
        CertificateInstalled {
            request_id: c.request_id,
            installed: false,
            reason: "this agent does not manage certificates".into(),
        }
    }
    /// Where a remote-support stream leads on this system, or why it may not (RMT-1).
    fn tunnel_target(&self, t: &Tunnel) -> Result<String, TunnelFailed> {
        Err(TunnelFailed {
            tunnel_id: t.tunnel_id.clone(),
            code: "remote-access-disabled".into(),
            reason: "this agent does not carry remote support".into(),
        })
    }
}

/// Who the link authenticates as.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub customer_id: String,
    pub service_user: Arc<str>,
    pub password: Password,
    /// CUS-8: the provider's enrolment credential, sent in `hello`.
    pub enrolment: Option<Password>,
}

/// Everything the links of one process share.
pub(crate) struct LinkCtx {
    pub endpoint: Endpoint,
    pub timings: LinkTimings,
    pub stats: Arc<LinkStats>,
    /// Per-connection events at debug level (the simulator logs a summary instead).
    pub quiet: bool,
}
