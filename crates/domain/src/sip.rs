//! The registrar's rules (SIP-1 … SIP-4): each device line's SIP identity and digest keys, what a
//! registration the registrar reports says, and when failed authentications become a Security
//! alarm. No I/O: the store writes the keys, the hub reads the registrations.

use md5::{Digest, Md5};

/// The system name of the alarms the hub raises for the registrar (SIP-4); the console shows
/// it in the reader's language.
pub const REGISTRAR_SYSTEM_NAME: &str = "SIP registrar";

/// The SIP user a device line registers and authenticates as (SIP-1): port 1 is the device's SIP
/// user name; a shared line (DEV-6) is that name with `_<port>`, so each line is its own
/// address-of-record with the device's password. A `_` never occurs in a drawn user name, so
/// line users of different devices cannot collide.
pub fn line_user(sip_user_name: &str, port: i64) -> String {
    if port <= 1 {
        sip_user_name.to_string()
    } else {
        format!("{sip_user_name}_{port}")
    }
}

/// The port a line user names on its device, if `user` is one of `sip_user_name`'s lines.
pub fn line_port_of(sip_user_name: &str, user: &str) -> Option<i64> {
    if user == sip_user_name {
        return Some(1);
    }
    let rest = user.strip_prefix(sip_user_name)?.strip_prefix('_')?;
    rest.parse::<i64>().ok().filter(|p| *p >= 2)
}

fn md5_hex(s: &str) -> String {
    hex::encode(Md5::digest(s.as_bytes()))
}

/// RFC 2617 `HA1 = MD5(user:realm:password)`. The realm is the registrar domain the registrar
/// challenges with (the `To` domain of a REGISTER), so one user in two domains has two keys.
pub fn ha1(user: &str, realm: &str, password: &str) -> String {
    md5_hex(&format!("{user}:{realm}:{password}"))
}

/// `HA1b = MD5(user@domain:realm:password)`, for phones that send `user@domain` as their digest
/// user name.
pub fn ha1b(user: &str, domain: &str, realm: &str, password: &str) -> String {
    md5_hex(&format!("{user}@{domain}:{realm}:{password}"))
}

/// One registrar subscriber (SIP-1): what the registrar needs to authenticate a line, never the
/// password itself.
#[derive(Clone, PartialEq, Eq)]
pub struct SubscriberKey {
    pub port: i64,
    pub username: String,
    pub ha1: String,
    pub ha1b: String,
}

impl std::fmt::Debug for SubscriberKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubscriberKey")
            .field("port", &self.port)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// The subscribers of a device's lines on `ports`, all with the device's password (DEV-6) in
/// the device's registrar domain.
pub fn subscriber_keys(
    sip_user_name: &str,
    domain: &str,
    password: &str,
    ports: &[i64],
) -> Vec<SubscriberKey> {
    ports
        .iter()
        .map(|&port| {
            let username = line_user(sip_user_name, port);
            SubscriberKey {
                port,
                ha1: ha1(&username, domain, password),
                ha1b: ha1b(&username, domain, domain, password),
                username,
            }
        })
        .collect()
}

/// A registrar time as stored by Kamailio: a Julian day number (its SQLite driver) or a
/// `YYYY-MM-DD HH:MM:SS` local time (its PostgreSQL driver), read in `tz`.
pub fn registrar_time(raw: &str, tz: &jiff::tz::TimeZone) -> Option<jiff::Timestamp> {
    let raw = raw.trim();
    if let Ok(jd) = raw.parse::<f64>() {
        let secs = (jd - 2_440_587.5) * 86_400.0;
        if !secs.is_finite() {
            return None;
        }
        return jiff::Timestamp::from_millisecond((secs * 1000.0).round() as i64).ok();
    }
    let civil: jiff::civil::DateTime = raw.get(..19).unwrap_or(raw).parse().ok()?;
    civil.to_zoned(tz.clone()).ok().map(|z| z.timestamp())
}

/// A binding the registrar keeps for a line (SIP-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub username: String,
    pub domain: String,
    pub contact: String,
    /// Where the REGISTER came from (`sip:ip:port`), when the registrar recorded it.
    pub received: Option<String>,
    pub expires: jiff::Timestamp,
    pub user_agent: String,
    pub last_modified: jiff::Timestamp,
    /// The registrar's listening socket, `proto:ip:port`.
    pub socket: Option<String>,
}

impl Binding {
    /// Registered now: the binding has not expired.
    pub fn active(&self, now: jiff::Timestamp) -> bool {
        self.expires > now
    }

    /// The source address as `ip:port` (from `received`, else the contact's host).
    pub fn source(&self) -> String {
        let raw = self.received.as_deref().unwrap_or(&self.contact);
        let rest = raw
            .strip_prefix("sips:")
            .or_else(|| raw.strip_prefix("sip:"))
            .unwrap_or(raw);
        let rest = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
        rest.split([';', '>']).next().unwrap_or(rest).to_string()
    }

    /// The transport of the registration (`udp`, `tcp`, `tls`), from the registrar's socket.
    pub fn transport(&self) -> Option<String> {
        let s = self.socket.as_deref()?;
        Some(s.split(':').next()?.to_ascii_lowercase())
    }
}

/// SIP-4: failed authentications of one SIP user within [`AUTH_FAILURE_WINDOW_SECS`] that raise
/// a Security alarm on its customer.
pub const AUTH_FAILURE_THRESHOLD: i64 = 5;
pub const AUTH_FAILURE_WINDOW_SECS: i64 = 600;

/// Whether `failures` in the window are an attack worth an alarm.
pub fn auth_failures_alarm(failures: i64) -> bool {
    failures >= AUTH_FAILURE_THRESHOLD
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sip_1_ha1_is_rfc_2617() {
        // RFC 2617 §3.5's example: Mufasa / testrealm@host.com / "Circle Of Life".
        assert_eq!(
            ha1("Mufasa", "testrealm@host.com", "Circle Of Life"),
            "939e7578ed9e3c518a452acee763bce9"
        );
    }

    #[test]
    fn sip_1_line_users() {
        assert_eq!(line_user("anna123456", 1), "anna123456");
        assert_eq!(line_user("anna123456", 3), "anna123456_3");
        assert_eq!(line_port_of("anna123456", "anna123456_3"), Some(3));
        assert_eq!(line_port_of("anna123456", "anna123456"), Some(1));
        assert_eq!(line_port_of("anna123456", "anna1234567"), None);
        assert_eq!(line_port_of("anna123456", "anna123456_1"), None);
        let keys = subscriber_keys("anna123456", "acme.sip.example", "pw", &[1, 2]);
        assert_eq!(keys[1].username, "anna123456_2");
        assert_eq!(keys[1].ha1, ha1("anna123456_2", "acme.sip.example", "pw"));
        assert_ne!(keys[0].ha1, keys[1].ha1);
        assert!(!format!("{keys:?}").contains(&keys[0].ha1));
    }

    #[test]
    fn sip_3_registrar_times() {
        let utc = jiff::tz::TimeZone::UTC;
        // 2026-11-27 01:00:00 UTC as Kamailio's SQLite driver stores it.
        let t = registrar_time("2461371.541666667", &utc).map(|t| t.to_string());
        assert_eq!(t.as_deref(), Some("2026-11-27T01:00:00Z"));
        let t = registrar_time("2026-11-27 01:00:00", &utc).map(|t| t.to_string());
        assert_eq!(t.as_deref(), Some("2026-11-27T01:00:00Z"));
        assert!(registrar_time("soon", &utc).is_none());
    }

    #[test]
    fn sip_3_binding_source_and_transport() {
        let b = Binding {
            username: "u".into(),
            domain: "d".into(),
            contact: "<sip:u-1@10.0.0.9:5062;transport=tls>".into(),
            received: Some("sip:198.51.100.7:40112;transport=tls".into()),
            expires: jiff::Timestamp::UNIX_EPOCH,
            user_agent: String::new(),
            last_modified: jiff::Timestamp::UNIX_EPOCH,
            socket: Some("tls:127.0.0.1:5061".into()),
        };
        assert_eq!(b.source(), "198.51.100.7:40112");
        assert_eq!(b.transport().as_deref(), Some("tls"));
        let c = Binding {
            received: None,
            contact: "sip:u-1@10.0.0.9:5062".into(),
            ..b
        };
        assert_eq!(c.source(), "10.0.0.9:5062");
        assert!(!c.active(jiff::Timestamp::UNIX_EPOCH));
    }
}
