//! The agent ↔ hub wire protocol, shared by both binaries. Every WebSocket text frame is one JSON
//! envelope `{"v": 1, "id": "…", "kind": "…", "body": {…}}`. Enumerations travel as strings; the hub
//! validates them into its domain types, so an old agent and a new hub stay compatible.
//!
//! The conversation: the agent connects to `wss://HUB/agent`, sends `hello` first; the hub answers
//! `welcome` or `refused` (then closes). After `welcome` the agent sends `report` (and again when
//! anything changes) and its alarm events; both sides keep the socket alive with WebSocket pings.
//!
//! Alarms (ALM-1) travel in `alarms` batches. Each event carries a sequence number in the agent's
//! alarm stream (`stream` names it: a new stream starts when the agent's spool is created), and
//! the hub answers `alarmAck` once the events are committed: everything of the stream up to
//! `through` is durable and the agent may forget it. The agent keeps what is not acknowledged and
//! sends it again after a reconnection; the hub skips numbers it has already applied, so a replay
//! counts nothing twice. When its ingest queue is filling the hub asks the agent to pause
//! (`alarmAck` with `retryAfterMs`); when it is full it reads nothing more from that agent until
//! there is room (explicit back-pressure, nothing refused and sent again). A single `alarm` (no sequence, no
//! acknowledgement) is still accepted from older agents.
//!
//! Operations (backup, restore, log collection): the hub sends `action`; the agent does the work on
//! the system and answers `actionResult` with the same `actionId` — also after a reconnection, until
//! the hub acknowledges it with `actionAck`, so a result reached while the hub was down is not
//! lost. Files never travel over the socket: an action names an HTTPS URL and a one-time token
//! with which the agent PUTs the file there (or GETs it).
//!
//! Remote support (RMT-3): the hub sends `tunnel`; the agent checks the target against its own
//! configuration, connects to it, and dials a new WebSocket back to `wss://HUB/agent/tunnel`
//! presenting the one-time token in the [`TUNNEL_TOKEN_HEADER`] header. Binary frames carry the
//! stream's bytes; the text frame [`TUNNEL_EOF`] says one side finished sending (half-close).
//! When the agent cannot open it, it answers `tunnelFailed` on the main socket instead.
//!
//! System certificates (SYS-8): when a system's automatic-certificate-management flag is on and
//! its certificate is missing or two thirds through its life, the hub sends `certificateRequest`;
//! the agent makes a new key, keeps it in the system directory and answers
//! `certificateSigningRequest` (a PKCS#10 request, PEM); the hub signs it with its issuing CA and
//! sends `certificate`; the agent checks that it carries the pending key, installs it and answers
//! `certificateInstalled` (or says why not). The private key never leaves the system.
//!
//! Zero-touch enrolment (CUS-8): an agent may carry its provider's enrolment credential in
//! `hello`; the hub uses it only when it does not know the customer ID.

use serde::{Deserialize, Serialize};

/// Protocol version carried in every envelope.
pub const VERSION: u32 = 1;

/// The WebSocket path of the agent gateway.
pub const AGENT_PATH: &str = "/agent";

/// The WebSocket path an agent dials back to carry one remote-support stream.
pub const TUNNEL_PATH: &str = "/agent/tunnel";

/// The header carrying a tunnel's one-time token on the dial-back.
pub const TUNNEL_TOKEN_HEADER: &str = "x-patchbay-tunnel";

/// The text frame that half-closes a tunnel: its sender will send no more bytes.
pub const TUNNEL_EOF: &str = "eof";

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
    Alarms(AlarmBatch),
    AlarmAck(AlarmAck),
    Action(Action),
    ActionResult(ActionResult),
    ActionAck(ActionAck),
    Tunnel(Tunnel),
    TunnelFailed(TunnelFailed),
    CertificateRequest(CertificateRequest),
    CertificateSigningRequest(CertificateSigningRequest),
    Certificate(IssuedCertificate),
    CertificateInstalled(CertificateInstalled),
}

/// SYS-8: the hub asks for a new key and a signing request for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateRequest {
    /// Correlates the request, the certificate and the outcome.
    pub request_id: String,
}

/// SYS-8: a PKCS#10 request (PEM) for the key the agent keeps pending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateSigningRequest {
    pub request_id: String,
    /// Empty when the agent cannot make one; `reason` says why.
    #[serde(default)]
    pub csr_pem: String,
    #[serde(default)]
    pub reason: String,
}

/// SYS-8: the signed certificate and the chain up to the hub's issuing CA (PEM).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuedCertificate {
    pub request_id: String,
    pub certificate_pem: String,
    pub ca_pem: String,
}

/// SYS-8: the agent installed the certificate (or says why not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateInstalled {
    pub request_id: String,
    pub installed: bool,
    #[serde(default)]
    pub reason: String,
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
    /// CUS-8: the provider's enrolment credential; used only for a customer ID the hub does not
    /// know yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrolment: Option<String>,
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
    /// The system's time zone (IANA name, e.g. `Europe/Paris`): BKP-3's nightly window is in the
    /// system's local time. Empty: not known (the hub's zone stands in).
    #[serde(default)]
    pub time_zone: String,
    /// Co-located hosts the system routes for remote support (RMT-1), for the hub's links.
    #[serde(default)]
    pub tunnels: Vec<TunnelEntry>,
    /// The phone firmware the system serves to its IP phones (UPG-2); empty when not known.
    #[serde(default)]
    pub phone_firmware: String,
}

/// One tunnel entry of the system: application (`rdp`, `ssh`, `https`, `http`), IPv4 address,
/// port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TunnelEntry {
    pub application: String,
    pub address: String,
    pub port: u16,
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
    /// Its number in the agent's alarm stream (in an `alarms` batch); increasing, not
    /// necessarily contiguous (the agent may drop a raise when its spool is full).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
}

/// Most events in one `alarms` batch; the hub refuses a longer one.
pub const ALARM_BATCH_MAX: usize = 256;

/// Alarm events of one stream, in increasing `seq` order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlarmBatch {
    /// Names the agent's alarm stream (its spool); at most 64 characters.
    pub stream: String,
    pub events: Vec<AlarmEvent>,
}

/// The hub committed every event of `stream` up to `through` (or had already).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlarmAck {
    pub stream: String,
    pub through: u64,
    /// Set when the hub's ingest queue is filling: send no more alarms for this long (what was
    /// sent is taken).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

/// An operation the hub asks of the system (BKP-2, BKP-5, LOG-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// Identifies the work on both sides (the hub's claim of a job's parts on this system).
    pub action_id: String,
    #[serde(flatten)]
    pub op: Op,
}

/// What to do, tagged by `op`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum Op {
    /// Archive the items (`configuration`, `voicemailConfiguration`, `customPrompts`,
    /// `mailboxes`) and PUT the archive to `upload`.
    #[serde(rename_all = "camelCase")]
    Backup {
        items: Vec<String>,
        #[serde(default)]
        mailboxes: Vec<String>,
        upload: Transfer,
    },
    /// GET the archive from `download`, check it against `sha256`, restore the items, restart.
    #[serde(rename_all = "camelCase")]
    Restore {
        items: Vec<String>,
        sha256: String,
        download: Transfer,
    },
    /// UPG-1, UPG-2: stage a release (`transfer`: GET `download`, check it against `sha256`,
    /// keep it in the system directory), apply a staged one (`upgrade`), or both
    /// (`transferAndUpgrade`), on each of `servers` in turn; then report the new version and
    /// the phone firmware the system serves.
    #[serde(rename_all = "camelCase")]
    Upgrade {
        /// `transfer`, `upgrade` or `transferAndUpgrade`.
        action: String,
        version: String,
        /// The release file's name.
        file_name: String,
        sha256: String,
        size: u64,
        /// The phone firmware the release brings (UPG-2); empty when not stated.
        #[serde(default)]
        phone_firmware: String,
        /// Restart the IP phones afterwards (they reload settings and firmware).
        #[serde(default)]
        restart_phones: bool,
        /// The servers to upgrade, by name, in order (the primary is the system's name).
        servers: Vec<String>,
        /// Where to GET the release (absent for `upgrade`: the staged file is used).
        #[serde(default)]
        download: Option<Transfer>,
    },
    /// CST-4: GET each layer's archive (distributor's, then reseller's, then the system's own
    /// folder), check it against its `sha256`, and unpack it over the previous ones (a later
    /// file of the same name wins); the result replaces the customization files the system had.
    #[serde(rename_all = "camelCase")]
    RefreshCustomization { layers: Vec<CustomLayer> },
    /// CST-2, CST-5: the settings of the `CustomData.xml` that applies to the system, applied
    /// once at its first connection (never again, also not on a refresh).
    #[serde(rename_all = "camelCase")]
    ApplyCustomData {
        /// `centralmgmt`, `centralcert`, `remoteaccess`, `remoteupgrade`, `logtransfer`,
        /// `externalremoteaccess`, `backupconfig`, `backupprompts`, `backupmailboxes`.
        settings: Vec<CustomSetting>,
        /// The file itself, kept in the system directory.
        xml: String,
    },
    /// List the log files.
    ListLogs,
    /// PUT each named log file to its transfer.
    #[serde(rename_all = "camelCase")]
    FetchLogs { files: Vec<LogTransfer> },
}

/// Where a file goes or comes from: an HTTPS URL on the hub, and the one-time token the agent
/// presents there as `Authorization: Bearer <token>` (never in the URL, so no log line holds it).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transfer {
    pub url: String,
    pub token: String,
}

/// The token never shows in a debug print (actions are logged at debug level).
impl std::fmt::Debug for Transfer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transfer")
            .field("url", &self.url)
            .field("token", &"***")
            .finish()
    }
}

/// One archive of a customization refresh (CST-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomLayer {
    /// `distributor`, `reseller` or `customer`: whose folder it comes from.
    pub folder: String,
    /// `CustomPhoneFiles.tar` or `CustomTemplates.tar`.
    pub file: String,
    pub sha256: String,
    pub size: u64,
    pub download: Transfer,
}

/// One setting of `CustomData.xml` (CST-5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomSetting {
    pub name: String,
    pub on: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogTransfer {
    pub path: String,
    pub upload: Transfer,
}

/// How an action ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionResult {
    pub action_id: String,
    /// `completed` or `failed`.
    pub status: String,
    /// Why it failed, for the job's part.
    #[serde(default)]
    pub reason: String,
    /// Backup: the archive sent (size, SHA-256, what it holds).
    #[serde(default)]
    pub archive: Option<ArchiveInfo>,
    /// ListLogs / FetchLogs: the log files concerned.
    #[serde(default)]
    pub logs: Vec<LogInfo>,
    /// Upgrade: how it went on each server (a part of the job each).
    #[serde(default)]
    pub servers: Vec<ServerOutcome>,
}

/// One server's end of an action that runs server by server (an upgrade).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerOutcome {
    pub name: String,
    /// `completed` or `failed`.
    pub status: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveInfo {
    pub size: u64,
    pub sha256: String,
    pub items: Vec<String>,
    pub files: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogInfo {
    pub path: String,
    pub size: u64,
    pub modified_ms: i64,
}

/// The hub has recorded the result of `action_id`; the agent may forget it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionAck {
    pub action_id: String,
}

/// Open a remote-support stream (RMT-3): connect to the target, then dial back with `token`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tunnel {
    pub tunnel_id: String,
    pub token: String,
    /// A server of the system's network by name; absent: the system itself.
    #[serde(default)]
    pub server: Option<String>,
    /// A co-located host (IPv4) reached through one of the system's tunnel entries.
    #[serde(default)]
    pub colocated: Option<String>,
    pub port: u16,
    /// `webManager`: the system's own central-management web service (RMT-5), whatever `port`.
    #[serde(default)]
    pub service: Option<String>,
    /// Dial back to this hub node (`https://host:port`) rather than the one the agent is
    /// connected to: the stream was asked for on another node of the hub (scale-out). Its
    /// certificate is checked exactly as the agent checks its own hub's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub: Option<String>,
}

/// The token never shows in a debug print.
impl std::fmt::Debug for Tunnel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tunnel")
            .field("tunnel_id", &self.tunnel_id)
            .field("server", &self.server)
            .field("colocated", &self.colocated)
            .field("port", &self.port)
            .field("service", &self.service)
            .field("hub", &self.hub)
            .finish()
    }
}

/// Why the agent did not open a tunnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TunnelFailed {
    pub tunnel_id: String,
    /// `remote-access-disabled`, `colocated-disabled`, `no-tunnel-entry`, `unknown-system`,
    /// `port-not-allowed`, `target-unreachable`.
    pub code: String,
    /// Details (the connection error), for the client's status line.
    #[serde(default)]
    pub reason: String,
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
                enrolment: None,
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

    #[test]
    fn alm_1_alarm_batches_and_acks_round_trip() {
        let b = Envelope::new(
            "3",
            Message::Alarms(AlarmBatch {
                stream: "s1".into(),
                events: vec![AlarmEvent {
                    event: "raise".into(),
                    severity: "major".into(),
                    alarm_type: "trunk".into(),
                    description: "down".into(),
                    key: None,
                    ongoing: true,
                    at: None,
                    seq: Some(7),
                }],
            }),
        );
        let v: serde_json::Value =
            serde_json::from_str(&b.to_json()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v["kind"], "alarms");
        assert_eq!(v["body"]["events"][0]["seq"], 7);
        assert_eq!(Envelope::from_json(&b.to_json()).ok(), Some(b));
        let j = r#"{"v":1,"id":"hub","kind":"alarmAck","body":{"stream":"s1","through":7}}"#;
        let Ok(Envelope {
            message: Message::AlarmAck(k),
            ..
        }) = Envelope::from_json(j)
        else {
            panic!("alarmAck expected")
        };
        assert_eq!((k.through, k.retry_after_ms), (7, None));
    }

    #[test]
    fn bkp_2_action_and_result_shapes() {
        let a = Envelope::new(
            "7",
            Message::Action(Action {
                action_id: "job1/sys1".into(),
                op: Op::Backup {
                    items: vec!["configuration".into()],
                    mailboxes: vec![],
                    upload: Transfer {
                        url: "/agent/files".into(),
                        token: "tok".into(),
                    },
                },
            }),
        );
        let v: serde_json::Value = serde_json::from_str(&a.to_json()).unwrap_or_default();
        assert_eq!(v["kind"], "action");
        assert_eq!(v["body"]["actionId"], "job1/sys1");
        assert_eq!(v["body"]["op"], "backup");
        assert_eq!(v["body"]["upload"]["url"], "/agent/files");
        assert_eq!(v["body"]["upload"]["token"], "tok");
        assert_eq!(Envelope::from_json(&a.to_json()).ok(), Some(a));
        let j = r#"{"v":1,"id":"8","kind":"actionResult","body":{"actionId":"x","status":"failed","reason":"disk full"}}"#;
        let Ok(Envelope {
            message: Message::ActionResult(r),
            ..
        }) = Envelope::from_json(j)
        else {
            panic!("actionResult expected")
        };
        assert_eq!(
            (r.status.as_str(), r.reason.as_str(), r.archive),
            ("failed", "disk full", None)
        );
        let l = r#"{"v":1,"id":"9","kind":"action","body":{"actionId":"y","op":"listLogs"}}"#;
        assert!(matches!(
            Envelope::from_json(l).map(|e| e.message),
            Ok(Message::Action(Action {
                op: Op::ListLogs,
                ..
            }))
        ));
    }
}
