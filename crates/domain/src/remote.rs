//! Remote support (RMT-1…4): the address grammar of the proxy, the services a system exposes
//! through it, the co-located tunnel applications, and every reason the proxy refuses a
//! connection — each with the status line a stock client prints.
//!
//! An address is `<customer-id>[-<system-name>][-<co-located-ip>].maint.<domain>[:port]`. Customer
//! IDs are DNS labels and may hold hyphens themselves, so the prefix is ambiguous on its own
//! (`acme-01-exp1`): [`Address::candidates`] lists every split, longest customer ID first, and the
//! hub takes the first one whose customer exists.

use std::net::Ipv4Addr;

/// The label between the target and the hub's domain.
pub const MAINT_LABEL: &str = "maint";

/// The proxy's default port (RMT-3).
pub const PROXY_PORT: u16 = 6443;

/// A system's own services reachable through the proxy (RMT-1, RMT-4), by port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// SSH (also SFTP and scp), :22.
    Ssh,
    /// Web control panel, `https://…:7071/login`.
    WebControl,
    /// Portal, `https://…:9443/onexportal-admin.html`.
    Portal,
    /// Licence server, `https://…:52233/WebLM/index.jsp`.
    Licence,
}

impl Service {
    pub const ALL: [Service; 4] = [
        Service::Ssh,
        Service::WebControl,
        Service::Portal,
        Service::Licence,
    ];

    pub fn port(self) -> u16 {
        match self {
            Service::Ssh => 22,
            Service::WebControl => 7071,
            Service::Portal => 9443,
            Service::Licence => 52233,
        }
    }

    pub fn from_port(port: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.port() == port)
    }

    /// The key naming it in the agent's `system.toml` (`[remote]`).
    pub fn key(self) -> &'static str {
        match self {
            Service::Ssh => "ssh",
            Service::WebControl => "web_control",
            Service::Portal => "portal",
            Service::Licence => "licence",
        }
    }

    /// The path a browser opens (RMT-4); SSH has none.
    pub fn path(self) -> Option<&'static str> {
        match self {
            Service::Ssh => None,
            Service::WebControl => Some("/login"),
            Service::Portal => Some("/onexportal-admin.html"),
            Service::Licence => Some("/WebLM/index.jsp"),
        }
    }
}

/// What a co-located tunnel entry carries (RMT-1); the application sets the default port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Application {
    Rdp,
    Ssh,
    /// Beyond the seeds' RDP and SSH: the HTTP-access panel links co-located web hosts.
    Https,
    Http,
}

impl Application {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "rdp" => Some(Self::Rdp),
            "ssh" => Some(Self::Ssh),
            "https" => Some(Self::Https),
            "http" => Some(Self::Http),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rdp => "rdp",
            Self::Ssh => "ssh",
            Self::Https => "https",
            Self::Http => "http",
        }
    }

    pub fn default_port(self) -> u16 {
        match self {
            Self::Rdp => 3389,
            Self::Ssh => 22,
            Self::Https => 443,
            Self::Http => 80,
        }
    }
}

/// A co-located host a system routes (RMT-1), as the system reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TunnelEntry {
    pub application: Application,
    pub address: Ipv4Addr,
    pub port: u16,
}

/// Tunnel entries kept per system at most.
pub const TUNNELS_MAX: usize = 64;

/// A parsed remote-support host (without the port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// Everything before `.maint.<domain>` without the co-located address, lower case.
    pub prefix: String,
    /// The co-located host, when the address names one.
    pub colocated: Option<Ipv4Addr>,
}

/// One reading of [`Address::prefix`]: a customer ID and, for a secondary or expansion server,
/// its system name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub customer_id: String,
    pub system_name: Option<String>,
}

impl Address {
    /// Parse `host` against the hub's `domain`; `None` when it is not a remote-support address
    /// of this hub.
    pub fn parse(host: &str, domain: &str) -> Option<Self> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let suffix = format!(
            ".{MAINT_LABEL}.{}",
            domain.trim_matches('.').to_ascii_lowercase()
        );
        let head = host.strip_suffix(&suffix)?;
        if head.is_empty() {
            return None;
        }
        // A co-located IPv4 address ends the head after a hyphen: `acme-10.0.0.5`.
        let (prefix, colocated) = match head.rsplit_once('-') {
            Some((p, ip)) if ip.contains('.') => (p, Some(ip.parse::<Ipv4Addr>().ok()?)),
            _ => (head, None),
        };
        if prefix.is_empty() || prefix.contains('.') || !label_chars(prefix) {
            return None;
        }
        Some(Self {
            prefix: prefix.to_string(),
            colocated,
        })
    }

    /// Every reading of the prefix, longest customer ID first.
    pub fn candidates(&self) -> Vec<Candidate> {
        let mut out = vec![Candidate {
            customer_id: self.prefix.clone(),
            system_name: None,
        }];
        for (i, _) in self
            .prefix
            .match_indices('-')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            let (cid, rest) = (&self.prefix[..i], &self.prefix[i + 1..]);
            if !cid.is_empty() && !cid.ends_with('-') && !rest.is_empty() {
                out.push(Candidate {
                    customer_id: cid.to_string(),
                    system_name: Some(rest.to_string()),
                });
            }
        }
        out
    }
}

fn label_chars(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The remote-support host of a target (RMT-4, RMT-6).
pub fn host(
    customer_id: &str,
    system: Option<&str>,
    colocated: Option<&str>,
    domain: &str,
) -> String {
    let mut h = customer_id.to_string();
    if let Some(s) = system {
        h.push('-');
        h.push_str(&s.to_ascii_lowercase());
    }
    if let Some(ip) = colocated {
        h.push('-');
        h.push_str(ip);
    }
    format!("{h}.{MAINT_LABEL}.{}", domain.trim_matches('.'))
}

/// A `host:port` of a CONNECT request (IPv6 literals in brackets).
pub fn split_authority(authority: &str) -> Option<(String, u16)> {
    let (host, port) = authority.rsplit_once(':')?;
    let port = port.parse::<u16>().ok().filter(|p| *p != 0)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return None;
    }
    Some((host.to_string(), port))
}

/// Why the proxy does not carry a connection. Each has a status code and a reason phrase that
/// says what is wrong: `proxytunnel` prints only the phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No `Proxy-Authorization: Basic` header.
    CredentialsMissing,
    /// Unknown user name or wrong password (the same answer for both).
    BadCredentials,
    /// Too many wrong passwords for this user name (OPR-3 rules); seconds to wait.
    Throttled(u64),
    /// Not `CONNECT host:port` nor an absolute `http://` request.
    NotAProxyRequest,
    /// The host is not `….maint.<domain>` of this hub.
    NotRemoteSupportAddress,
    /// No such customer under this proxy account's provider (existence is not revealed).
    UnknownCustomer,
    /// The customer has no server of that name.
    UnknownSystem,
    /// The system is not connected to the hub now.
    SystemOffline,
    /// The system's remote-access flag is off (RMT-1, RMT-6).
    RemoteAccessDisabled,
    /// The co-located-servers flag is off.
    ColocatedDisabled,
    /// The central-management flag is off (RMT-5's Web Manager).
    CentralManagementDisabled,
    /// The port is not one of the system's remote-support services.
    PortNotAllowed(u16),
    /// The system has no tunnel entry for that co-located host and port.
    NoTunnelEntry,
    /// The system did not open the stream in time.
    SystemTimeout,
    /// The system could not reach the target (its reason).
    TargetUnreachable(String),
    /// The system is held by another hub node that could not be asked (no notices between
    /// nodes on SQLite, or the database failed).
    OtherNode,
    /// The hub could not serve the request (database trouble).
    Internal,
}

impl Refusal {
    pub fn status(&self) -> u16 {
        match self {
            Refusal::CredentialsMissing | Refusal::BadCredentials => 407,
            Refusal::Throttled(_) => 429,
            Refusal::NotAProxyRequest => 400,
            Refusal::NotRemoteSupportAddress
            | Refusal::RemoteAccessDisabled
            | Refusal::ColocatedDisabled
            | Refusal::CentralManagementDisabled
            | Refusal::PortNotAllowed(_)
            | Refusal::NoTunnelEntry => 403,
            Refusal::UnknownCustomer | Refusal::UnknownSystem => 404,
            Refusal::SystemOffline | Refusal::OtherNode => 503,
            Refusal::SystemTimeout => 504,
            Refusal::TargetUnreachable(_) => 502,
            Refusal::Internal => 500,
        }
    }

    /// The reason phrase (ASCII, one line).
    pub fn reason(&self) -> String {
        let text = match self {
            Refusal::CredentialsMissing => "Proxy credentials required".to_string(),
            Refusal::BadCredentials => "Proxy user name or password is wrong".into(),
            Refusal::Throttled(s) => format!("Too many failed logins, retry in {s} s"),
            Refusal::NotAProxyRequest => "Not a proxy request".into(),
            Refusal::NotRemoteSupportAddress => "Not a remote-support address of this hub".into(),
            Refusal::UnknownCustomer => "Unknown customer ID".into(),
            Refusal::UnknownSystem => "Unknown system name for this customer".into(),
            Refusal::SystemOffline => "System offline".into(),
            Refusal::RemoteAccessDisabled => "Remote access is disabled".into(),
            Refusal::ColocatedDisabled => "Remote access to co-located servers is disabled".into(),
            Refusal::CentralManagementDisabled => "Central management is disabled".into(),
            Refusal::PortNotAllowed(p) => format!("Port {p} is not a remote-support service"),
            Refusal::NoTunnelEntry => "No tunnel entry on the system for this target".into(),
            Refusal::SystemTimeout => "System did not answer".into(),
            Refusal::TargetUnreachable(why) => format!("Target unreachable: {why}"),
            Refusal::OtherNode => "System is connected to another hub node".into(),
            Refusal::Internal => "Hub error".into(),
        };
        text.chars()
            .map(|c| {
                if c.is_ascii() && !c.is_ascii_control() {
                    c
                } else {
                    '?'
                }
            })
            .take(120)
            .collect()
    }

    /// The outcome kept in the session audit (RMT-8).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::CredentialsMissing => "credentials-missing",
            Refusal::BadCredentials => "bad-credentials",
            Refusal::Throttled(_) => "throttled",
            Refusal::NotAProxyRequest => "not-a-proxy-request",
            Refusal::NotRemoteSupportAddress => "not-remote-support-address",
            Refusal::UnknownCustomer => "unknown-customer",
            Refusal::UnknownSystem => "unknown-system",
            Refusal::SystemOffline => "system-offline",
            Refusal::RemoteAccessDisabled => "remote-access-disabled",
            Refusal::ColocatedDisabled => "colocated-disabled",
            Refusal::CentralManagementDisabled => "central-management-disabled",
            Refusal::PortNotAllowed(_) => "port-not-allowed",
            Refusal::NoTunnelEntry => "no-tunnel-entry",
            Refusal::SystemTimeout => "system-timeout",
            Refusal::TargetUnreachable(_) => "target-unreachable",
            Refusal::OtherNode => "other-node",
            Refusal::Internal => "hub-error",
        }
    }
}

/// The flags a target needs, checked against what the system reports (RMT-1). `colocated`: the
/// address names a co-located host. The port of a system's own server must be a [`Service`].
pub fn admit(
    flags: &crate::system::RemoteFlags,
    colocated: bool,
    port: u16,
) -> Result<(), Refusal> {
    if !flags.remote_access {
        return Err(Refusal::RemoteAccessDisabled);
    }
    if colocated {
        if !flags.colocated_servers {
            return Err(Refusal::ColocatedDisabled);
        }
        return Ok(());
    }
    if Service::from_port(port).is_none() {
        return Err(Refusal::PortNotAllowed(port));
    }
    Ok(())
}

/// What the RMT-6 command generator needs: the engineer's proxytunnel, the hub's proxy, the proxy
/// account's user name, the password as it shows on screen (a mask the page fills in on copy),
/// and the trust root file of the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generator<'a> {
    pub proxytunnel: &'a str,
    pub proxy: &'a str,
    pub user: &'a str,
    pub password: &'a str,
    pub ca: &'a str,
}

/// A path as a POSIX shell word: bare when safe, else single-quoted.
fn sh_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-:\\".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

impl Generator<'_> {
    fn tunnel_args(&self, dest: &str) -> String {
        format!(
            "{} -E -p {} -d {dest} -P '{}:{}' -C {}",
            sh_word(self.proxytunnel),
            self.proxy,
            self.user,
            self.password,
            sh_word(self.ca)
        )
    }

    /// `ssh` with proxytunnel as its ProxyCommand (RMT-6: Linux and Windows command lines).
    pub fn ssh(&self, login: &str, host: &str, port: u16) -> String {
        let port_arg = if port == 22 {
            String::new()
        } else {
            format!(" -p {port}")
        };
        format!(
            "ssh{port_arg} -o ProxyCommand=\"{}\" {login}@{host}",
            self.tunnel_args("%h:%p").replace('"', "\\\"")
        )
    }

    /// PuTTY's local proxy command (PuTTY fills in `%host` and `%port`).
    pub fn putty_proxy(&self) -> String {
        self.tunnel_args("%host:%port")
    }

    /// A standalone tunnel listening on `local` (RDP: then connect to localhost:`local`).
    pub fn standalone(&self, host: &str, port: u16, local: u16) -> String {
        format!("{} -a {local}", self.tunnel_args(&format!("{host}:{port}")))
    }
}

/// User names of maintenance proxy accounts (RMT-2): 3–64 characters, no colon (Basic
/// authentication splits at the first one), no space or control character.
pub fn valid_proxy_user(name: &str) -> bool {
    let n = name.chars().count();
    (3..=64).contains(&n)
        && !name
            .chars()
            .any(|c| c == ':' || c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::RemoteFlags;

    #[test]
    fn rmt_4_primary_secondary_and_colocated_addresses_parse() {
        let a = Address::parse("acme.maint.example.com", "example.com").unwrap_or_else(|| panic!());
        assert_eq!(a.prefix, "acme");
        assert_eq!(a.colocated, None);
        let a = Address::parse("ACME-exp1.maint.example.com.", "example.com")
            .unwrap_or_else(|| panic!());
        assert_eq!(a.prefix, "acme-exp1");
        let a = Address::parse("acme-01-10.0.0.5.maint.example.com", "example.com")
            .unwrap_or_else(|| panic!());
        assert_eq!(a.prefix, "acme-01");
        assert_eq!(a.colocated, Some(Ipv4Addr::new(10, 0, 0, 5)));
        assert_eq!(
            a.candidates(),
            vec![
                Candidate {
                    customer_id: "acme-01".into(),
                    system_name: None
                },
                Candidate {
                    customer_id: "acme".into(),
                    system_name: Some("01".into())
                },
            ]
        );
    }

    #[test]
    fn rmt_4_other_hosts_are_not_remote_support_addresses() {
        for h in [
            "acme.maint.example.org",
            "maint.example.com",
            ".maint.example.com",
            "acme.admin.example.com",
            "acme-10.0.0.999.maint.example.com",
            "a.b.maint.example.com",
            "acme_x.maint.example.com",
        ] {
            assert_eq!(Address::parse(h, "example.com"), None, "{h}");
        }
    }

    #[test]
    fn rmt_4_hosts_are_built_back() {
        assert_eq!(
            host("acme", Some("Exp1"), Some("10.0.0.5"), "example.com"),
            "acme-exp1-10.0.0.5.maint.example.com"
        );
        let a = Address::parse(&host("acme", None, None, "x.net"), "x.net");
        assert_eq!(a.map(|a| a.prefix), Some("acme".into()));
        assert_eq!(split_authority("[::1]:22"), Some(("::1".into(), 22)));
        assert_eq!(split_authority("acme.maint.x.net:0"), None);
        assert_eq!(split_authority("acme.maint.x.net"), None);
    }

    #[test]
    fn rmt_1_flags_and_ports_decide_what_is_reachable() {
        let mut f = RemoteFlags::default();
        assert_eq!(admit(&f, false, 22), Err(Refusal::RemoteAccessDisabled));
        f.remote_access = true;
        assert_eq!(admit(&f, false, 22), Ok(()));
        assert_eq!(admit(&f, false, 7071), Ok(()));
        assert_eq!(admit(&f, false, 80), Err(Refusal::PortNotAllowed(80)));
        assert_eq!(admit(&f, true, 3389), Err(Refusal::ColocatedDisabled));
        f.colocated_servers = true;
        assert_eq!(admit(&f, true, 3389), Ok(()));
    }

    #[test]
    fn rmt_3_every_refusal_has_its_own_reason_phrase() {
        let all = [
            Refusal::CredentialsMissing,
            Refusal::BadCredentials,
            Refusal::Throttled(5),
            Refusal::NotAProxyRequest,
            Refusal::NotRemoteSupportAddress,
            Refusal::UnknownCustomer,
            Refusal::UnknownSystem,
            Refusal::SystemOffline,
            Refusal::RemoteAccessDisabled,
            Refusal::ColocatedDisabled,
            Refusal::CentralManagementDisabled,
            Refusal::PortNotAllowed(80),
            Refusal::NoTunnelEntry,
            Refusal::SystemTimeout,
            Refusal::TargetUnreachable("refused".into()),
            Refusal::OtherNode,
            Refusal::Internal,
        ];
        let phrases: std::collections::HashSet<String> = all.iter().map(Refusal::reason).collect();
        assert_eq!(phrases.len(), all.len());
        let codes: std::collections::HashSet<&str> = all.iter().map(Refusal::code).collect();
        assert_eq!(codes.len(), all.len());
        assert_eq!(
            Refusal::RemoteAccessDisabled.reason(),
            "Remote access is disabled"
        );
        assert_eq!(
            Refusal::TargetUnreachable("é\r\n".into()).reason(),
            "Target unreachable: ???"
        );
    }

    #[test]
    fn rmt_6_the_generator_writes_copy_ready_commands() {
        let g = Generator {
            proxytunnel: "/usr/bin/proxytunnel",
            proxy: "hub.example.com:6443",
            user: "reseller-a",
            password: "********",
            ca: "patchbay-hub-ca.pem",
        };
        assert_eq!(
            g.ssh("root", "acme.maint.example.com", 22),
            "ssh -o ProxyCommand=\"/usr/bin/proxytunnel -E -p hub.example.com:6443 -d %h:%p -P 'reseller-a:********' -C patchbay-hub-ca.pem\" root@acme.maint.example.com"
        );
        assert!(g.ssh("root", "h", 2222).starts_with("ssh -p 2222 -o"));
        assert_eq!(
            g.putty_proxy(),
            "/usr/bin/proxytunnel -E -p hub.example.com:6443 -d %host:%port -P 'reseller-a:********' -C patchbay-hub-ca.pem"
        );
        assert!(g
            .standalone("acme-10.0.0.5.maint.example.com", 3389, 3389)
            .ends_with("-d acme-10.0.0.5.maint.example.com:3389 -P 'reseller-a:********' -C patchbay-hub-ca.pem -a 3389"));
        let w = Generator {
            proxytunnel: "C:\\Program Files\\proxytunnel.exe",
            ..g
        };
        assert!(w
            .putty_proxy()
            .starts_with("'C:\\Program Files\\proxytunnel.exe' -E"));
    }

    #[test]
    fn rmt_2_proxy_user_names() {
        assert!(valid_proxy_user("reseller-a"));
        assert!(!valid_proxy_user("ab"));
        assert!(!valid_proxy_user("a:b:c"));
        assert!(!valid_proxy_user("a b c"));
    }
}
