//! `DIR/system.toml`: what the system is (SYS-5, SYS-6, SYS-7), as `patchbay-agent run` reports it.
//!
//! ```toml
//! name = "ipo-paris-1"          # system name (required)
//! profile = "server-edition"    # ip500v2 | server-edition | accs | legacy (required)
//! version = "12.1.0.0.123"      # software version of the primary (required)
//! address = "10.0.0.10"         # the system's own address/FQDN on its network (required)
//! port = 443                    # optional, default 443
//!
//! [flags]                       # SYS-6 remote-operations flags, all optional, default false
//! central_management = true
//! central_diagnostic_logs = true
//! remote_upgrade_backup = true
//! remote_access = true
//! colocated_servers = false
//! auto_certificate_management = false
//! phone_auto_provisioning = true
//!
//! [service_account]             # the service account as the system sees it (SYS-3), optional
//! rights = ["status-read", "configuration", "upgrade"]   # default: none
//! disabled = false
//! locked = false
//! password_expired = false
//! must_change_password = false
//!
//! [[servers]]                   # other servers of the network (TEN-3, SYS-7), optional, repeatable
//! name = "exp-1"                # required, unique, not the system name
//! role = "expansion"            # secondary | expansion | application (required)
//! address = "10.0.0.11"         # required
//! version = "12.1.0.0.123"      # optional, default: the primary's version
//! check = "tcp://10.0.0.11:443" # optional reachability probe; failing → state "offline"
//!
//! [data]                        # where backups, restores and logs work, optional (see `data.rs`)
//! configuration = "/etc/asterisk"
//!
//! phone_firmware = "4.0.2"      # optional (top level): the phone firmware the system serves (UPG-2)
//!
//! [upgrade]                     # optional: how a staged release is applied (see `upgrade.rs`)
//! apply = ["/usr/local/sbin/pbx-upgrade"]
//!
//! [voicemail_backup]            # optional: what the voicemail server's own backup holds (CST-5)
//! configuration = true
//! prompts = true
//! mailboxes = false
//! ```
//!
//! `CustomData.xml`, applied once at the first connection (see `customization.rs`), writes its
//! settings into `[flags]` and `[voicemail_backup]` here.
//!
//! Versions installed by upgrades (`installed.json`, see `upgrade.rs`) take precedence over the
//! versions written here.
//!
//! The primary itself is reported as the first server (role `primary`, state `online`). Servers
//! without `check` are reported `online`. Unknown keys are errors, so a typo never goes unnoticed.

use patchbay_proto::{Flags, Report, Server, ServiceAccount};
use serde::Deserialize;
use std::{collections::HashMap, fmt, path::Path};

/// The file name inside the system directory.
pub const SYSTEM_FILE: &str = "system.toml";

pub const PROFILES: &[&str] = &["ip500v2", "server-edition", "accs", "legacy"];
pub const SERVER_ROLES: &[&str] = &["secondary", "expansion", "application"];
pub const RIGHTS: &[&str] = &["status-read", "configuration", "upgrade"];

/// A problem in `system.toml`, naming the key at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The dotted path of the bad key (`servers[1].role`), empty when the file as a whole is bad.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{SYSTEM_FILE}: {}", self.message)
        } else {
            write!(f, "{SYSTEM_FILE}: key `{}`: {}", self.key, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

fn bad(key: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError {
        key: key.into(),
        message: message.into(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSystem {
    name: String,
    profile: String,
    version: String,
    address: String,
    #[serde(default = "default_port")]
    port: u16,
    #[serde(default)]
    flags: RawFlags,
    #[serde(default)]
    service_account: RawServiceAccount,
    #[serde(default)]
    servers: Vec<RawServer>,
    #[serde(default)]
    data: crate::data::RawData,
    /// IANA name; absent: the machine's own zone.
    #[serde(default)]
    time_zone: Option<String>,
    #[serde(default)]
    remote: crate::remote::RawRemote,
    #[serde(default)]
    phone_firmware: String,
    #[serde(default)]
    upgrade: RawUpgrade,
    #[serde(default)]
    voicemail_backup: VoicemailBackup,
}

/// `[voicemail_backup]`: what the voicemail server's own backup holds (CST-5's `vmpro`
/// settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VoicemailBackup {
    pub configuration: bool,
    pub prompts: bool,
    pub mailboxes: bool,
}

/// `[upgrade]`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawUpgrade {
    apply: Vec<String>,
}

fn default_port() -> u16 {
    443
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawFlags {
    central_management: bool,
    central_diagnostic_logs: bool,
    remote_upgrade_backup: bool,
    remote_access: bool,
    colocated_servers: bool,
    auto_certificate_management: bool,
    phone_auto_provisioning: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawServiceAccount {
    rights: Vec<String>,
    disabled: bool,
    locked: bool,
    password_expired: bool,
    must_change_password: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    name: String,
    role: String,
    address: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    check: Option<String>,
}

/// A reachability probe of a server.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Probe {
    /// `tcp://HOST:PORT`: the server is online when a TCP connection opens.
    Tcp { host: String, port: u16 },
}

impl Probe {
    pub fn parse(s: &str) -> Result<Self, String> {
        let rest = s
            .strip_prefix("tcp://")
            .ok_or_else(|| format!("{s:?}: expected tcp://HOST:PORT"))?;
        let rest = rest.trim_end_matches('/');
        let (host, port) = rest
            .rsplit_once(':')
            .ok_or_else(|| format!("{s:?}: expected tcp://HOST:PORT (port missing)"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(format!("{s:?}: expected tcp://HOST:PORT (host missing)"));
        }
        let port: u16 = port
            .parse()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| format!("{s:?}: port must be 1-65535"))?;
        Ok(Self::Tcp {
            host: host.to_string(),
            port,
        })
    }
}

impl fmt::Display for Probe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tcp { host, port } if host.contains(':') => write!(f, "tcp://[{host}]:{port}"),
            Self::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
        }
    }
}

/// One non-primary server of the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    pub name: String,
    pub role: String,
    pub address: String,
    pub version: String,
    pub check: Option<Probe>,
}

/// A validated `system.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemConfig {
    pub name: String,
    pub profile: String,
    pub version: String,
    pub address: String,
    pub port: u16,
    pub flags: Flags,
    pub service_account: ServiceAccount,
    pub servers: Vec<ServerConfig>,
    /// Where backups, restores and log collection work (`[data]`, see [`crate::data`]).
    pub data: crate::data::DataPaths,
    /// The system's time zone (IANA name): `time_zone = "Europe/Paris"`, else the machine's.
    pub time_zone: String,
    /// What remote support reaches (`[remote]`, see [`crate::remote`]).
    pub remote: crate::remote::RemoteConfig,
    /// The phone firmware the system serves (UPG-2), as configured.
    pub phone_firmware: String,
    /// `[upgrade] apply`: the command that applies a staged release, with its arguments; empty:
    /// applying is the agent's bookkeeping alone (see [`crate::upgrade`]).
    pub upgrade_apply: Vec<String>,
    /// `[voicemail_backup]`.
    pub voicemail_backup: VoicemailBackup,
}

impl SystemConfig {
    /// Reads and validates `DIR/system.toml`.
    pub fn load(dir: &Path) -> Result<Self, ConfigError> {
        let path = dir.join(SYSTEM_FILE);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| bad("", format!("cannot read {}: {e}", path.display())))?;
        Self::parse(&text)
    }

    /// Parses and validates the text of a `system.toml`.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let de = toml::Deserializer::new(text);
        let raw: RawSystem = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            let mut key = if key == "." { String::new() } else { key };
            let message = e.inner().message().trim().replace('\n', "; ");
            // serde reports a missing key on its parent table: name the key itself.
            if let Some(field) = message
                .strip_prefix("missing field `")
                .and_then(|m| m.split('`').next())
            {
                key = if key.is_empty() {
                    field.to_string()
                } else {
                    format!("{key}.{field}")
                };
            }
            let message = match e.inner().span() {
                Some(span) => format!("{message} (line {})", line_of(text, span.start)),
                None => message,
            };
            bad(key, message)
        })?;
        raw.validate()
    }

    /// The report for the hub: the primary first, then the other servers with their state
    /// (`offline` when named in `offline`).
    pub fn report(&self, offline: &HashMap<String, bool>) -> Report {
        let mut servers = Vec::with_capacity(self.servers.len() + 1);
        servers.push(Server {
            name: self.name.clone(),
            role: "primary".into(),
            address: self.address.clone(),
            version: self.version.clone(),
            state: "online".into(),
        });
        for s in &self.servers {
            let down = offline.get(&s.name).copied().unwrap_or(false);
            servers.push(Server {
                name: s.name.clone(),
                role: s.role.clone(),
                address: s.address.clone(),
                version: s.version.clone(),
                state: if down { "offline" } else { "online" }.into(),
            });
        }
        Report {
            system_name: self.name.clone(),
            profile: self.profile.clone(),
            version: self.version.clone(),
            address: self.address.clone(),
            port: self.port,
            servers,
            flags: self.flags,
            service_account: self.service_account.clone(),
            time_zone: self.time_zone.clone(),
            phone_firmware: self.phone_firmware.clone(),
            tunnels: self
                .remote
                .tunnels
                .iter()
                .map(|t| patchbay_proto::TunnelEntry {
                    application: t.application.clone(),
                    address: t.address.to_string(),
                    port: t.port,
                })
                .collect(),
        }
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(0, |t| t.matches('\n').count()) + 1
}

fn one_of(key: &str, value: &str, allowed: &[&str]) -> Result<String, ConfigError> {
    let v = value.trim().to_ascii_lowercase();
    if allowed.contains(&v.as_str()) {
        Ok(v)
    } else {
        Err(bad(
            key,
            format!("{value:?} is not one of {}", allowed.join(", ")),
        ))
    }
}

fn non_empty(key: &str, value: &str) -> Result<String, ConfigError> {
    let v = value.trim();
    if v.is_empty() {
        Err(bad(key, "must not be empty"))
    } else {
        Ok(v.to_string())
    }
}

impl RawSystem {
    fn validate(self) -> Result<SystemConfig, ConfigError> {
        let name = non_empty("name", &self.name)?;
        let profile = one_of("profile", &self.profile, PROFILES)?;
        let version = non_empty("version", &self.version)?;
        let address = non_empty("address", &self.address)?;
        if self.port == 0 {
            return Err(bad("port", "must be 1-65535"));
        }
        let mut rights = Vec::new();
        for (i, r) in self.service_account.rights.iter().enumerate() {
            let r = one_of(&format!("service_account.rights[{i}]"), r, RIGHTS)?;
            if !rights.contains(&r) {
                rights.push(r);
            }
        }
        let mut servers: Vec<ServerConfig> = Vec::with_capacity(self.servers.len());
        for (i, s) in self.servers.into_iter().enumerate() {
            let k = |f: &str| format!("servers[{i}].{f}");
            let sname = non_empty(&k("name"), &s.name)?;
            if sname == name || servers.iter().any(|o| o.name == sname) {
                return Err(bad(
                    k("name"),
                    format!("{sname:?} is used twice (server names are unique and differ from the system name)"),
                ));
            }
            let check = match s.check.as_deref() {
                None => None,
                Some(c) => Some(Probe::parse(c.trim()).map_err(|m| bad(k("check"), m))?),
            };
            servers.push(ServerConfig {
                name: sname,
                role: one_of(&k("role"), &s.role, SERVER_ROLES)?,
                address: non_empty(&k("address"), &s.address)?,
                version: match s.version.as_deref() {
                    Some(v) => non_empty(&k("version"), v)?,
                    None => version.clone(),
                },
                check,
            });
        }
        let f = self.flags;
        let sa = self.service_account;
        let remote = self.remote.validate().map_err(|(k, m)| bad(k, m))?;
        let time_zone = match self.time_zone.as_deref().map(str::trim) {
            Some(tz) => match jiff::tz::TimeZone::get(tz) {
                Ok(_) => tz.to_string(),
                Err(_) => return Err(bad("time_zone", format!("unknown time zone {tz:?}"))),
            },
            None => jiff::tz::TimeZone::system()
                .iana_name()
                .unwrap_or("UTC")
                .to_string(),
        };
        if self
            .upgrade
            .apply
            .first()
            .is_some_and(|p| p.trim().is_empty())
        {
            return Err(bad("upgrade.apply", "the command must not be empty"));
        }
        Ok(SystemConfig {
            phone_firmware: self.phone_firmware.trim().to_string(),
            upgrade_apply: self.upgrade.apply,
            voicemail_backup: self.voicemail_backup,
            time_zone,
            name,
            profile,
            version,
            address,
            port: self.port,
            flags: Flags {
                central_management: f.central_management,
                central_diagnostic_logs: f.central_diagnostic_logs,
                remote_upgrade_backup: f.remote_upgrade_backup,
                remote_access: f.remote_access,
                colocated_servers: f.colocated_servers,
                auto_certificate_management: f.auto_certificate_management,
                phone_auto_provisioning: f.phone_auto_provisioning,
            },
            service_account: ServiceAccount {
                disabled: sa.disabled,
                locked: sa.locked,
                password_expired: sa.password_expired,
                must_change_password: sa.must_change_password,
                rights,
            },
            servers,
            data: self.data.into(),
            remote,
        })
    }
}

#[cfg(test)]
mod tests;
