//! Customer systems (SYS-2 … SYS-6): profiles, remote-operations flags, the service account as the
//! system reports it, and the connectivity status — traffic light and the exact SYS-3 message — as a
//! pure function of what the hub observed.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// Simultaneous system connections one customer may hold (SYS-3 "too many simultaneous sessions").
pub const MAX_SESSIONS_PER_CUSTOMER: i64 = 8;

/// SYS-5 profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Appliance (IP500 V2-like): each system upgraded on its own.
    Ip500v2,
    /// Linux server network (Server Edition-like): primary, secondaries, expansions.
    ServerEdition,
    /// Contact centre (ACCS-like).
    Accs,
    /// Too old: monitoring only, no remote services.
    Legacy,
}

impl Profile {
    pub const ALL: [Profile; 4] = [
        Profile::Ip500v2,
        Profile::ServerEdition,
        Profile::Accs,
        Profile::Legacy,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Ip500v2 => "ip500v2",
            Profile::ServerEdition => "server-edition",
            Profile::Accs => "accs",
            Profile::Legacy => "legacy",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// SYS-6 remote-operations flags reported by each system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RemoteFlags {
    pub central_management: bool,
    pub central_diagnostic_logs: bool,
    pub remote_upgrade_backup: bool,
    pub remote_access: bool,
    pub colocated_servers: bool,
    pub auto_certificate_management: bool,
    pub phone_auto_provisioning: bool,
}

impl RemoteFlags {
    pub fn any(&self) -> bool {
        self.central_management
            || self.central_diagnostic_logs
            || self.remote_upgrade_backup
            || self.remote_access
            || self.colocated_servers
            || self.auto_certificate_management
            || self.phone_auto_provisioning
    }
}

/// Rights the system grants its service account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Right {
    /// Read rights for service monitoring.
    StatusRead,
    /// Read and write the configuration.
    Configuration,
    /// Upgrade and backup.
    Upgrade,
}

/// The service account as the system itself sees it (reported by the agent from its system
/// configuration).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceAccountState {
    pub disabled: bool,
    pub locked: bool,
    pub password_expired: bool,
    pub must_change_password: bool,
    pub rights: Vec<Right>,
}

/// Why the hub refused (or could not complete) a connection attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Refusal {
    /// Wrong service password.
    AuthorisationFailed,
    /// The service user name is not the customer's.
    InvalidCredentials,
    /// The service account is disabled on the customer entry.
    DisabledByAdministrator,
    /// Too many failed attempts: the service account is locked for a while.
    TemporarilyLocked,
    /// More simultaneous sessions than allowed for one customer.
    TooManySessions,
    /// The agent sent no password.
    NoAuthorisationProvided,
    /// The peer did not speak the protocol.
    ConnectionFailed,
    /// The peer is not a primary server (only primaries connect directly).
    NotPrimary,
    /// CUS-8: enrolled automatically, waiting for a staff member to confirm it.
    PendingConfirmation,
}

/// The SYS-3 message set, exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "code")]
pub enum Status {
    AuthorisationFailed,
    ConnectionFailed,
    ConnectionSuccessful,
    InsufficientRights,
    InvalidCredentials,
    Legacy,
    TooManySessions,
    NewPasswordRequired,
    NoAuthorisationProvided,
    NoUserRightsEnabled,
    RemoteOperationsNotAllowed,
    ReadRightsNotEnabled,
    DisabledByAdministrator,
    TemporarilyLocked,
    CurrentlyDisabled,
    PasswordExpired,
    UnreachableNotPrimary,
    /// Seconds since the system was last connected.
    UnreachableSince {
        seconds: i64,
    },
    UpgradeRightsNotEnabled,
    WaitingForInitialConnection,
    /// CUS-8: enrolled automatically, waiting for confirmation (no remote operation meanwhile).
    PendingConfirmation,
}

/// SYS-2 traffic light.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Light {
    Green,
    Amber,
    Red,
}

impl Light {
    pub fn as_str(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Amber => "amber",
            Light::Red => "red",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Light::Green, Light::Amber, Light::Red]
            .into_iter()
            .find(|l| l.as_str() == s)
    }
}

impl Status {
    /// The stable code (API, Fluent id `status-<code>`).
    pub fn code(self) -> &'static str {
        match self {
            Status::AuthorisationFailed => "authorisationFailed",
            Status::ConnectionFailed => "connectionFailed",
            Status::ConnectionSuccessful => "connectionSuccessful",
            Status::InsufficientRights => "insufficientRights",
            Status::InvalidCredentials => "invalidCredentials",
            Status::Legacy => "legacy",
            Status::TooManySessions => "tooManySessions",
            Status::NewPasswordRequired => "newPasswordRequired",
            Status::NoAuthorisationProvided => "noAuthorisationProvided",
            Status::NoUserRightsEnabled => "noUserRightsEnabled",
            Status::RemoteOperationsNotAllowed => "remoteOperationsNotAllowed",
            Status::ReadRightsNotEnabled => "readRightsNotEnabled",
            Status::DisabledByAdministrator => "disabledByAdministrator",
            Status::TemporarilyLocked => "temporarilyLocked",
            Status::CurrentlyDisabled => "currentlyDisabled",
            Status::PasswordExpired => "passwordExpired",
            Status::UnreachableNotPrimary => "unreachableNotPrimary",
            Status::UnreachableSince { .. } => "unreachableSince",
            Status::UpgradeRightsNotEnabled => "upgradeRightsNotEnabled",
            Status::WaitingForInitialConnection => "waitingForInitialConnection",
            Status::PendingConfirmation => "pendingConfirmation",
        }
    }

    /// English text of SYS-3 (the console localises by code).
    pub fn english(self) -> String {
        match self {
            Status::AuthorisationFailed => "Authorisation failed".into(),
            Status::ConnectionFailed => "Connection failed".into(),
            Status::ConnectionSuccessful => "Connection successful".into(),
            Status::InsufficientRights => "Insufficient rights".into(),
            Status::InvalidCredentials => "Invalid credentials".into(),
            Status::Legacy => "Legacy system: monitoring only, no remote services".into(),
            Status::TooManySessions => "Too many simultaneous sessions".into(),
            Status::NewPasswordRequired => "New password required for the service account".into(),
            Status::NoAuthorisationProvided => {
                "No authorisation provided (limited features)".into()
            }
            Status::NoUserRightsEnabled => "No user rights enabled for this system".into(),
            Status::RemoteOperationsNotAllowed => "Remote operations not allowed".into(),
            Status::ReadRightsNotEnabled => "Read rights for service monitoring not enabled".into(),
            Status::DisabledByAdministrator => "Service account disabled by administrator".into(),
            Status::TemporarilyLocked => "Service account temporarily locked".into(),
            Status::CurrentlyDisabled => "Service account currently disabled".into(),
            Status::PasswordExpired => "Service password expired".into(),
            Status::UnreachableNotPrimary => "System unreachable or not a valid primary".into(),
            Status::UnreachableSince { seconds } => {
                format!(
                    "System unreachable or offline since {}",
                    human_duration(seconds)
                )
            }
            Status::UpgradeRightsNotEnabled => "Upgrade rights not enabled".into(),
            Status::WaitingForInitialConnection => "Waiting for initial connection".into(),
            Status::PendingConfirmation => {
                "Enrolled automatically: waiting for confirmation".into()
            }
        }
    }

    pub fn from_refusal(r: Refusal) -> Self {
        match r {
            Refusal::AuthorisationFailed => Status::AuthorisationFailed,
            Refusal::InvalidCredentials => Status::InvalidCredentials,
            Refusal::DisabledByAdministrator => Status::DisabledByAdministrator,
            Refusal::TemporarilyLocked => Status::TemporarilyLocked,
            Refusal::TooManySessions => Status::TooManySessions,
            Refusal::NoAuthorisationProvided => Status::NoAuthorisationProvided,
            Refusal::ConnectionFailed => Status::ConnectionFailed,
            Refusal::NotPrimary => Status::UnreachableNotPrimary,
            Refusal::PendingConfirmation => Status::PendingConfirmation,
        }
    }
}

/// "3 d 4 h", "2 h 5 min", "7 min", "40 s".
pub fn human_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    if d > 0 {
        format!("{d} d {h} h")
    } else if h > 0 {
        format!("{h} h {m} min")
    } else if m > 0 {
        format!("{m} min")
    } else {
        format!("{s} s")
    }
}

/// What the hub knows about one system's connection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    /// An authenticated session is open now.
    pub connected: bool,
    /// The last time a session was open (None: never).
    pub last_seen: Option<Timestamp>,
    /// The last refused attempt.
    pub last_refusal: Option<(Refusal, Timestamp)>,
    pub profile: Option<Profile>,
    pub account: Option<ServiceAccountState>,
    pub flags: RemoteFlags,
    /// Servers of the network reported offline by the primary.
    pub servers_offline: usize,
}

/// SYS-2 / SYS-3: the traffic light and the message.
pub fn status(o: &Observed, now: Timestamp) -> (Light, Status) {
    if o.connected {
        if let Some(a) = &o.account {
            let problem = if a.disabled {
                Some(Status::CurrentlyDisabled)
            } else if a.locked {
                Some(Status::TemporarilyLocked)
            } else if a.password_expired {
                Some(Status::PasswordExpired)
            } else if a.must_change_password {
                Some(Status::NewPasswordRequired)
            } else if a.rights.is_empty() {
                Some(Status::NoUserRightsEnabled)
            } else if !a.rights.contains(&Right::StatusRead) {
                Some(Status::ReadRightsNotEnabled)
            } else if !a.rights.contains(&Right::Configuration) {
                Some(Status::InsufficientRights)
            } else if o.flags.remote_upgrade_backup && !a.rights.contains(&Right::Upgrade) {
                Some(Status::UpgradeRightsNotEnabled)
            } else {
                None
            };
            if let Some(p) = problem {
                return (Light::Amber, p);
            }
        }
        if o.profile == Some(Profile::Legacy) {
            return (Light::Amber, Status::Legacy);
        }
        if !o.flags.any() {
            return (Light::Amber, Status::RemoteOperationsNotAllowed);
        }
        let light = if o.servers_offline > 0 {
            Light::Amber
        } else {
            Light::Green
        };
        return (light, Status::ConnectionSuccessful);
    }
    if let Some((refusal, at)) = o.last_refusal {
        if o.last_seen.is_none_or(|seen| at >= seen) {
            let light = match refusal {
                Refusal::ConnectionFailed | Refusal::NotPrimary => Light::Red,
                _ => Light::Amber,
            };
            return (light, Status::from_refusal(refusal));
        }
    }
    match o.last_seen {
        Some(seen) => {
            let secs = now.duration_since(seen).max(SignedDuration::ZERO).as_secs();
            (Light::Red, Status::UnreachableSince { seconds: secs })
        }
        None => (Light::Red, Status::WaitingForInitialConnection),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn healthy() -> Observed {
        Observed {
            connected: true,
            last_seen: Some(t(0)),
            profile: Some(Profile::ServerEdition),
            account: Some(ServiceAccountState {
                rights: vec![Right::StatusRead, Right::Configuration, Right::Upgrade],
                ..Default::default()
            }),
            flags: RemoteFlags {
                central_management: true,
                remote_upgrade_backup: true,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn sys_2_sys_3_never_connected_waits_red() {
        assert_eq!(
            status(&Observed::default(), t(0)),
            (Light::Red, Status::WaitingForInitialConnection)
        );
    }

    #[test]
    fn sys_2_sys_3_connected_and_ok_is_green() {
        assert_eq!(
            status(&healthy(), t(0)),
            (Light::Green, Status::ConnectionSuccessful)
        );
        let mut o = healthy();
        o.servers_offline = 1;
        assert_eq!(
            status(&o, t(0)),
            (Light::Amber, Status::ConnectionSuccessful)
        );
    }

    #[test]
    fn sys_3_lost_connection_reports_offline_since() {
        let mut o = healthy();
        o.connected = false;
        let (light, s) = status(&o, t(2 * 3600 + 300));
        assert_eq!(light, Light::Red);
        assert_eq!(s, Status::UnreachableSince { seconds: 7500 });
        assert_eq!(s.english(), "System unreachable or offline since 2 h 5 min");
    }

    #[test]
    fn sys_3_refusals_are_amber_until_a_later_success() {
        let mut o = Observed {
            last_refusal: Some((Refusal::AuthorisationFailed, t(10))),
            ..Default::default()
        };
        assert_eq!(
            status(&o, t(11)),
            (Light::Amber, Status::AuthorisationFailed)
        );
        o.last_seen = Some(t(20));
        assert_eq!(status(&o, t(21)).1, Status::UnreachableSince { seconds: 1 });
        o.last_refusal = Some((Refusal::NotPrimary, t(30)));
        assert_eq!(
            status(&o, t(31)),
            (Light::Red, Status::UnreachableNotPrimary)
        );
    }

    #[test]
    fn sys_3_account_state_reported_by_the_system() {
        type Edit = fn(&mut ServiceAccountState);
        let cases: Vec<(Edit, Status)> = vec![
            (|a| a.disabled = true, Status::CurrentlyDisabled),
            (|a| a.locked = true, Status::TemporarilyLocked),
            (|a| a.password_expired = true, Status::PasswordExpired),
            (
                |a| a.must_change_password = true,
                Status::NewPasswordRequired,
            ),
            (|a| a.rights.clear(), Status::NoUserRightsEnabled),
            (
                |a| a.rights.retain(|r| *r != Right::StatusRead),
                Status::ReadRightsNotEnabled,
            ),
            (
                |a| a.rights.retain(|r| *r != Right::Configuration),
                Status::InsufficientRights,
            ),
            (
                |a| a.rights.retain(|r| *r != Right::Upgrade),
                Status::UpgradeRightsNotEnabled,
            ),
        ];
        for (edit, expected) in cases {
            let mut o = healthy();
            if let Some(a) = o.account.as_mut() {
                edit(a);
            }
            assert_eq!(status(&o, t(0)), (Light::Amber, expected));
        }
    }

    #[test]
    fn sys_5_legacy_and_sys_6_no_remote_operations() {
        let mut o = healthy();
        o.profile = Some(Profile::Legacy);
        assert_eq!(status(&o, t(0)), (Light::Amber, Status::Legacy));
        let mut o = healthy();
        o.flags = RemoteFlags::default();
        assert_eq!(
            status(&o, t(0)),
            (Light::Amber, Status::RemoteOperationsNotAllowed)
        );
    }

    #[test]
    fn sys_3_every_message_has_a_code_and_text() {
        let all = [
            Status::AuthorisationFailed,
            Status::ConnectionFailed,
            Status::ConnectionSuccessful,
            Status::InsufficientRights,
            Status::InvalidCredentials,
            Status::Legacy,
            Status::TooManySessions,
            Status::NewPasswordRequired,
            Status::NoAuthorisationProvided,
            Status::NoUserRightsEnabled,
            Status::RemoteOperationsNotAllowed,
            Status::ReadRightsNotEnabled,
            Status::DisabledByAdministrator,
            Status::TemporarilyLocked,
            Status::CurrentlyDisabled,
            Status::PasswordExpired,
            Status::UnreachableNotPrimary,
            Status::UnreachableSince { seconds: 60 },
            Status::UpgradeRightsNotEnabled,
            Status::WaitingForInitialConnection,
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(|s| s.code()).collect();
        assert_eq!(codes.len(), 20);
        assert!(all.iter().all(|s| !s.english().is_empty()));
    }
}
