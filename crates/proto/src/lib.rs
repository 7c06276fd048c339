//! The agent ↔ hub wire protocol, shared by both binaries. Every WebSocket text frame is one JSON
//! envelope `{"v": 1, "id": "…", "kind": "…", "body": {…}}`. Enumerations travel as strings; the hub
//! validates them into its domain types, so an old agent and a new hub stay compatible.
//!
//! The conversation: the agent connects to `wss://HUB/agent`, sends `hello` first; the hub answers
//! `welcome` or `refused` (then closes). After `welcome` the agent sends `report` (and again when
//! anything changes) and `alarm` events; both sides keep the socket alive with WebSocket pings.

use serde::{Deserialize, Serialize};

/// Protocol version carried in every envelope.
pub const VERSION: u32 = 1;

/// The WebSocket path of the agent gateway.
pub const AGENT_PATH: &str = "/agent";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub v: u32,
    /// Correlates answers with requests; any unique string.
    pub id: String,
    #[serde(flatten)]
    pub message: Message,
}

impl Envelope {
    pub fn new(id: impl Into<String>, message: Message) -> Self {
        Self {
            v: VERSION,
            id: id.into(),
            message,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(s)
    }
}

/// The messages, tagged by `kind` with their fields under `body`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "body", rename_all = "camelCase")]
pub enum Message {
    Hello(Hello),
    Welcome(Welcome),
    Refused(Refused),
    Report(Report),
    Alarm(AlarmEvent),
}

/// First message of the agent: who it is and its service-user credentials (SYS-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hello {
    pub customer_id: String,
    pub service_user: String,
    pub password: String,
    pub system_name: String,
    /// Only primary servers connect directly; application servers connect through the primary.
    pub primary: bool,
    pub agent_version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Welcome {
    pub hub_version: String,
    /// How often the agent should send WebSocket pings.
    pub heartbeat_seconds: u64,
}

/// Why the hub will not hold this connection; `status` is a SYS-3 code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Refused {
    pub status: String,
    pub message: String,
    /// Wait at least this long before retrying (lockouts, session limits).
    pub retry_after_seconds: Option<u64>,
}

/// SYS-6 remote-operations flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Flags {
    pub central_management: bool,
    pub central_diagnostic_logs: bool,
    pub remote_upgrade_backup: bool,
    pub remote_access: bool,
    pub colocated_servers: bool,
    pub auto_certificate_management: bool,
    pub phone_auto_provisioning: bool,
}

/// The service account as the system sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceAccount {
    pub disabled: bool,
    pub locked: bool,
    pub password_expired: bool,
    pub must_change_password: bool,
    /// `status-read`, `configuration`, `upgrade`.
    pub rights: Vec<String>,
}

/// One server of the system's network (TEN-3, SYS-7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Server {
    pub name: String,
    /// `primary`, `secondary`, `expansion`, `application`.
    pub role: String,
    pub address: String,
    pub version: String,
    /// `online` or `offline`.
    pub state: String,
}

/// What the system is (SYS-5, SYS-6, SYS-7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub system_name: String,
    /// `ip500v2`, `server-edition`, `accs`, `legacy`.
    pub profile: String,
    pub version: String,
    /// Address (FQDN or IP) and port the system is reachable at on its own network.
    pub address: String,
    pub port: u16,
    pub servers: Vec<Server>,
    pub flags: Flags,
    pub service_account: ServiceAccount,
}

/// An alarm raised, repeated or cleared by the system (ALM-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlarmEvent {
    /// `raise` or `clear` (clear ends the ongoing condition; the operator removes the row).
    pub event: String,
    /// `critical`, `major`, `minor`, `warning` (raise only).
    #[serde(default)]
    pub severity: String,
    /// `configuration`, `trunk`, `link`, `services`, `qos`, `security`.
    pub alarm_type: String,
    #[serde(default)]
    pub description: String,
    /// Groups repeats whose descriptions vary; defaults to the description.
    #[serde(default)]
    pub key: Option<String>,
    /// The condition still holds.
    #[serde(default)]
    pub ongoing: bool,
    /// When it happened on the system (RFC 3339); the hub's receive time when absent.
    #[serde(default)]
    pub at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sys_1_envelope_shape_is_v_id_kind_body() {
        let e = Envelope::new(
            "1",
            Message::Hello(Hello {
                customer_id: "acme".into(),
                service_user: "COMAdmin".into(),
                password: "x".into(),
                system_name: "ipo-1".into(),
                primary: true,
                agent_version: "0.1.0".into(),
            }),
        );
        let v: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap_or_default();
        assert_eq!(v["v"], 1);
        assert_eq!(v["id"], "1");
        assert_eq!(v["kind"], "hello");
        assert_eq!(v["body"]["customerId"], "acme");
        assert_eq!(Envelope::from_json(&e.to_json()).ok(), Some(e));
    }

    #[test]
    fn alm_1_alarm_event_defaults() {
        let j = r#"{"v":1,"id":"9","kind":"alarm","body":{"event":"clear","alarmType":"trunk","key":"t1"}}"#;
        let e = Envelope::from_json(j).unwrap_or_else(|e| panic!("{e}"));
        let Message::Alarm(a) = e.message else {
            panic!("alarm expected")
        };
        assert_eq!(
            (a.event.as_str(), a.ongoing, a.key.as_deref()),
            ("clear", false, Some("t1"))
        );
    }
}
