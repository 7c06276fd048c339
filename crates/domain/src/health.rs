//! APC-1: the hub's own components and when each counts as unhealthy. The measurements come from
//! the hub; the judgement is here, so the page, the API and the alarms agree.

use serde::Serialize;

/// Patchbay's own components, as the application centre lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Component {
    Database,
    BlobStore,
    Mailer,
    Scheduler,
    AgentGateway,
    RemoteSupportProxy,
    Registrar,
    Nodes,
    IdentityCertificate,
}

impl Component {
    pub const ALL: [Component; 9] = [
        Component::Database,
        Component::BlobStore,
        Component::Mailer,
        Component::Scheduler,
        Component::AgentGateway,
        Component::RemoteSupportProxy,
        Component::Registrar,
        Component::Nodes,
        Component::IdentityCertificate,
    ];

    /// Stable code (API, Fluent id `apc-component-<code>`, the alarm's key).
    pub fn code(self) -> &'static str {
        match self {
            Component::Database => "database",
            Component::BlobStore => "blobStore",
            Component::Mailer => "mailer",
            Component::Scheduler => "scheduler",
            Component::AgentGateway => "agentGateway",
            Component::RemoteSupportProxy => "remoteSupportProxy",
            Component::Registrar => "registrar",
            Component::Nodes => "nodes",
            Component::IdentityCertificate => "identityCertificate",
        }
    }
}

/// How a component is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Health {
    Ok,
    /// Working, but needs attention soon (a warning alarm).
    Degraded,
    /// Not working (a major alarm).
    Unhealthy,
}

impl Health {
    pub fn code(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Degraded => "degraded",
            Health::Unhealthy => "unhealthy",
        }
    }
}

/// A database round trip slower than this degrades the hub.
pub const DB_SLOW_MS: u64 = 500;
/// Mail waiting longer than this means the relay is not taking it.
pub const MAIL_STUCK_SECS: i64 = 15 * 60;
/// A scheduled job not started this long after its time means the scheduler is not running.
pub const JOB_LATE_SECS: i64 = 5 * 60;
/// A node whose heartbeat is older than this (but that beat within the last day) is down.
pub const NODE_SILENT_SECS: i64 = 30;

pub fn database(latency_ms: Option<u64>, pending_migrations: i64) -> Health {
    match latency_ms {
        None => Health::Unhealthy,
        Some(_) if pending_migrations > 0 => Health::Unhealthy,
        Some(ms) if ms > DB_SLOW_MS => Health::Degraded,
        Some(_) => Health::Ok,
    }
}

/// The blob store answered the probe (write, read back the same bytes, delete) or not.
pub fn blob_store(probe_ok: bool) -> Health {
    if probe_ok {
        Health::Ok
    } else {
        Health::Unhealthy
    }
}

/// Mail: the oldest message waiting (seconds) and whether the last attempt failed.
pub fn mailer(
    relay_configured: bool,
    oldest_waiting_secs: Option<i64>,
    last_failed: bool,
) -> Health {
    if !relay_configured {
        // Mail stays in the outbox by design: readable in the console.
        return Health::Ok;
    }
    match oldest_waiting_secs {
        Some(s) if s > MAIL_STUCK_SECS => Health::Unhealthy,
        _ if last_failed => Health::Degraded,
        _ => Health::Ok,
    }
}

/// Jobs whose start time passed more than [`JOB_LATE_SECS`] ago and that have not started.
pub fn scheduler(late_jobs: i64) -> Health {
    if late_jobs > 0 {
        Health::Unhealthy
    } else {
        Health::Ok
    }
}

/// Nodes that beat within the last day but not within [`NODE_SILENT_SECS`].
pub fn nodes(silent: usize) -> Health {
    if silent > 0 {
        Health::Unhealthy
    } else {
        Health::Ok
    }
}

/// The registrar answered a SIP OPTIONS, or did not; only unhealthy when devices rely on it.
pub fn registrar(reachable: bool, subscribers: i64) -> Health {
    match (reachable, subscribers) {
        (true, _) => Health::Ok,
        (false, 0) => Health::Ok,
        (false, _) => Health::Unhealthy,
    }
}

/// The identity certificate: degraded within the warning period, unhealthy once expired.
pub fn identity_certificate(days_left: i64) -> Health {
    if days_left < 0 {
        Health::Unhealthy
    } else if days_left <= crate::certificates::WARN_DAYS {
        Health::Degraded
    } else {
        Health::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apc_1_each_component_has_its_unhealthy_condition() {
        assert_eq!(database(Some(3), 0), Health::Ok);
        assert_eq!(database(Some(DB_SLOW_MS + 1), 0), Health::Degraded);
        assert_eq!(database(None, 0), Health::Unhealthy);
        assert_eq!(database(Some(3), 1), Health::Unhealthy);
        assert_eq!(blob_store(false), Health::Unhealthy);
        assert_eq!(mailer(false, Some(10 * MAIL_STUCK_SECS), true), Health::Ok);
        assert_eq!(
            mailer(true, Some(MAIL_STUCK_SECS + 1), false),
            Health::Unhealthy
        );
        assert_eq!(mailer(true, Some(10), true), Health::Degraded);
        assert_eq!(mailer(true, None, false), Health::Ok);
        assert_eq!(scheduler(1), Health::Unhealthy);
        assert_eq!(nodes(1), Health::Unhealthy);
        assert_eq!(registrar(false, 0), Health::Ok);
        assert_eq!(registrar(false, 2), Health::Unhealthy);
        assert_eq!(identity_certificate(400), Health::Ok);
        assert_eq!(identity_certificate(90), Health::Degraded);
        assert_eq!(identity_certificate(-1), Health::Unhealthy);
    }
}
