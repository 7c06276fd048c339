//! Rules about certificates (CRT-1, CRT-2): when the hub's identity is about to expire, which
//! names a certificate must cover, and why a candidate identity is refused.

use serde::Serialize;

/// CRT-1: the warning starts this many days before the identity expires.
pub const WARN_DAYS: i64 = 90;
/// CRT-1: a regenerated identity is valid this long.
pub const IDENTITY_DAYS: i64 = 3 * 365 + 1;
/// Largest certificate file accepted (a PKCS#12 file or a PEM chain with its key).
pub const MAX_FILE: usize = 256 * 1024;

const DAY_SECS: i64 = 24 * 3600;

/// Where a certificate stands against its validity period, at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Expiry {
    NotYetValid,
    Valid,
    /// Within [`WARN_DAYS`] of its end: days left, rounded down.
    Expiring {
        days: i64,
    },
    Expired,
}

impl Expiry {
    /// `not_before`, `not_after` and `now` in seconds since the epoch.
    pub fn at(not_before: i64, not_after: i64, now: i64) -> Self {
        if now < not_before {
            Expiry::NotYetValid
        } else if now > not_after {
            Expiry::Expired
        } else if not_after - now <= WARN_DAYS * DAY_SECS {
            Expiry::Expiring {
                days: (not_after - now) / DAY_SECS,
            }
        } else {
            Expiry::Valid
        }
    }

    /// Whether staff should be warned (CRT-1).
    pub fn warns(self) -> bool {
        !matches!(self, Expiry::Valid)
    }
}

/// Why a candidate identity (PKCS#12 file, or PEM chain and key) is not installed. Each names the
/// field it is about, so a form shows it beside that field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "reason", content = "detail", rename_all = "camelCase")]
pub enum Refusal {
    #[error("the file is not a PKCS#12 file")]
    NotPkcs12,
    #[error("the password does not open this PKCS#12 file")]
    WrongPassword,
    #[error("the PKCS#12 file uses an encryption this hub does not read")]
    UnsupportedEncryption,
    #[error("the file holds no private key")]
    NoKey,
    #[error("the file holds more than one private key")]
    SeveralKeys,
    #[error("the private key is not RSA, ECDSA or Ed25519 in a form this hub reads")]
    UnusableKey,
    #[error("the file holds no certificate")]
    NoCertificate,
    #[error("a certificate cannot be read: {0}")]
    BadCertificate(String),
    #[error("no certificate matches the private key")]
    KeyMismatch,
    #[error("the chain is incomplete: no certificate issued \"{0}\"")]
    ChainIncomplete(String),
    #[error("the certificate \"{0}\" is not signed by its issuer")]
    BadSignature(String),
    #[error("the certificate has expired")]
    Expired,
    #[error("the certificate is not valid yet")]
    NotYetValid,
    #[error("the certificate does not cover the hub's address {0}")]
    NameNotCovered(String),
    #[error("the file is larger than 256 KiB")]
    TooLarge,
    #[error("the certificate is not a certification authority's (no CA basic constraint or no certificate-signing key usage)")]
    NotCa,
    #[error("the certificate's name cannot be repeated exactly in what the hub signs: {0}")]
    NameNotReproducible(String),
}

impl From<Refusal> for crate::FieldError {
    fn from(refusal: Refusal) -> Self {
        crate::FieldError::new(refusal.field(), crate::Rule::Certificate { refusal })
    }
}

impl Refusal {
    /// The form field the refusal is about.
    pub fn field(&self) -> &'static str {
        match self {
            Refusal::WrongPassword => "password",
            Refusal::NoKey | Refusal::SeveralKeys | Refusal::UnusableKey | Refusal::KeyMismatch => {
                "key"
            }
            _ => "certificate",
        }
    }

    /// The message id in the console's message files.
    pub fn message_id(&self) -> &'static str {
        match self {
            Refusal::NotPkcs12 => "crt-refused-not-pkcs12",
            Refusal::WrongPassword => "crt-refused-password",
            Refusal::UnsupportedEncryption => "crt-refused-encryption",
            Refusal::NoKey => "crt-refused-no-key",
            Refusal::SeveralKeys => "crt-refused-several-keys",
            Refusal::UnusableKey => "crt-refused-unusable-key",
            Refusal::NoCertificate => "crt-refused-no-certificate",
            Refusal::BadCertificate(_) => "crt-refused-bad-certificate",
            Refusal::KeyMismatch => "crt-refused-key-mismatch",
            Refusal::ChainIncomplete(_) => "crt-refused-chain",
            Refusal::BadSignature(_) => "crt-refused-signature",
            Refusal::Expired => "crt-refused-expired",
            Refusal::NotYetValid => "crt-refused-not-yet-valid",
            Refusal::NameNotCovered(_) => "crt-refused-name",
            Refusal::TooLarge => "crt-refused-too-large",
            Refusal::NotCa => "crt-refused-not-ca",
            Refusal::NameNotReproducible(_) => "crt-refused-name-form",
        }
    }

    /// The message's argument, when it has one.
    pub fn argument(&self) -> Option<&str> {
        match self {
            Refusal::BadCertificate(s)
            | Refusal::ChainIncomplete(s)
            | Refusal::BadSignature(s)
            | Refusal::NameNotCovered(s)
            | Refusal::NameNotReproducible(s) => Some(s),
            _ => None,
        }
    }
}

/// The host part of a `host[:port]` address (an IPv6 address may be bracketed), lower-cased.
pub fn host_of(address: &str) -> String {
    let a = address.trim();
    let host = if let Some(rest) = a.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else if a.matches(':').count() == 1 {
        a.split(':').next().unwrap_or(a)
    } else {
        a
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// SYS-8: how long a system's certificate is valid by default.
pub const SYSTEM_CERTIFICATE_DAYS: u64 = 365;

/// SYS-8: a system's certificate is renewed once two thirds of its life (from when it was issued,
/// not from its back-dated start) have passed — a year's certificate about four months before it
/// ends — or at once when there is none.
pub fn renewal_due(issued_ms: Option<i64>, not_after_ms: Option<i64>, now_ms: i64) -> bool {
    match (issued_ms, not_after_ms) {
        (Some(from), Some(to)) if to > from => now_ms >= from + (to - from) / 3 * 2,
        _ => true,
    }
}

/// SYS-8: the names a system's certificate covers, beyond its common name (the system name):
/// the system name itself when it is a host name, then its reported address and its servers'
/// addresses — each once, host names and IP addresses only.
pub fn system_certificate_names<'a>(
    system_name: &'a str,
    addresses: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let candidates = std::iter::once(system_name).chain(addresses);
    for n in candidates {
        let n = n.trim().trim_end_matches('.').to_ascii_lowercase();
        let ok = n.parse::<std::net::IpAddr>().is_ok() || is_host_name(&n);
        if ok && !names.contains(&n) {
            names.push(n);
        }
    }
    names
}

fn is_host_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 253
        && n.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = DAY_SECS;

    #[test]
    fn crt_1_the_warning_starts_ninety_days_before_expiry() {
        let end = 1_000 * DAY;
        assert_eq!(Expiry::at(0, end, end - 91 * DAY), Expiry::Valid);
        assert_eq!(
            Expiry::at(0, end, end - 90 * DAY),
            Expiry::Expiring { days: 90 }
        );
        assert_eq!(
            Expiry::at(0, end, end - DAY / 2),
            Expiry::Expiring { days: 0 }
        );
        assert_eq!(Expiry::at(0, end, end + 1), Expiry::Expired);
        assert_eq!(Expiry::at(10, end, 5), Expiry::NotYetValid);
        assert!(!Expiry::Valid.warns());
        assert!(Expiry::Expired.warns());
    }

    #[test]
    fn crt_1_the_host_of_an_address_drops_its_port() {
        assert_eq!(host_of("Hub.Example.net:7080"), "hub.example.net");
        assert_eq!(host_of("hub.example.net"), "hub.example.net");
        assert_eq!(host_of("[::1]:7080"), "::1");
        assert_eq!(host_of("::1"), "::1");
        assert_eq!(host_of("10.0.0.1:443"), "10.0.0.1");
    }

    #[test]
    fn crt_1_each_refusal_names_its_field_and_message() {
        assert_eq!(Refusal::WrongPassword.field(), "password");
        assert_eq!(Refusal::KeyMismatch.field(), "key");
        assert_eq!(Refusal::Expired.field(), "certificate");
        assert_eq!(
            Refusal::NameNotCovered("hub.example.net".into()).argument(),
            Some("hub.example.net")
        );
        assert_eq!(Refusal::Expired.message_id(), "crt-refused-expired");
    }

    #[test]
    fn sys_8_renewal_is_due_two_thirds_through_and_without_a_certificate() {
        assert!(renewal_due(None, None, 0));
        assert!(!renewal_due(Some(0), Some(300), 199));
        assert!(renewal_due(Some(0), Some(300), 200));
        assert!(
            renewal_due(Some(10), Some(10), 5),
            "a certificate without a life"
        );
    }

    #[test]
    fn sys_8_certificate_names_are_host_names_and_addresses_once() {
        let names = system_certificate_names(
            "IPO-Paris",
            [
                "10.0.0.10",
                "ipo-paris",
                "bad name",
                "sbc.example.com.",
                "10.0.0.10",
            ],
        );
        assert_eq!(names, ["ipo-paris", "10.0.0.10", "sbc.example.com"]);
    }
}
