//! Provisioning files for phones (PRV-1 … PRV-3): which vendor family a model belongs to, the
//! per-MAC file name each family asks for, and HTTP digest authentication of the request (RFC
//! 7616 with MD5, as phones implement it). No I/O.

use crate::sip::ha1;
use md5::{Digest, Md5};

/// The realm of provisioning credentials: `HA1 = MD5(<mac>:<realm>:<password>)`.
pub const REALM: &str = "patchbay-provisioning";

/// Where provisioning files live on the phone file server: `/prov/<file>`.
pub const PREFIX: &str = "prov";

/// A family of phones sharing a configuration format (PRV-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Vendor {
    Yealink,
    Poly,
    Snom,
    Grandstream,
    Algo,
    /// The generic profiles (Generic SIP phone, Generic SIP gateway).
    Generic,
}

impl Vendor {
    pub const ALL: [Vendor; 6] = [
        Vendor::Yealink,
        Vendor::Poly,
        Vendor::Snom,
        Vendor::Grandstream,
        Vendor::Algo,
        Vendor::Generic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Yealink => "yealink",
            Vendor::Poly => "poly",
            Vendor::Snom => "snom",
            Vendor::Grandstream => "grandstream",
            Vendor::Algo => "algo",
            Vendor::Generic => "generic",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The family of a catalogue vendor (`Yealink`, `Poly`, … `Generic`); others have none.
    pub fn of_catalogue(vendor: &str) -> Option<Self> {
        Self::parse(&vendor.to_ascii_lowercase())
    }

    /// The file a phone of this family asks for, from its normalised MAC (12 upper-case hex).
    pub fn file_name(self, mac: &str) -> String {
        let lower = mac.to_ascii_lowercase();
        match self {
            Vendor::Yealink => format!("{lower}.cfg"),
            Vendor::Poly => format!("{lower}-phone.cfg"),
            Vendor::Snom => format!("{mac}.xml"),
            Vendor::Grandstream => format!("cfg{lower}.xml"),
            Vendor::Algo => format!("{lower}.conf"),
            Vendor::Generic => format!("{lower}.sip.cfg"),
        }
    }

    /// The family and MAC a requested file name stands for, if it is one of the per-MAC names
    /// (case-insensitive, as phones differ).
    pub fn of_file(name: &str) -> Option<(Vendor, String)> {
        let lower = name.to_ascii_lowercase();
        let pick = |v: Vendor, stem: Option<&str>| {
            stem.filter(|m| m.len() == 12 && m.bytes().all(|b| b.is_ascii_hexdigit()))
                .map(|m| (v, m.to_ascii_uppercase()))
        };
        pick(Vendor::Generic, lower.strip_suffix(".sip.cfg"))
            .or_else(|| pick(Vendor::Poly, lower.strip_suffix("-phone.cfg")))
            .or_else(|| {
                pick(
                    Vendor::Grandstream,
                    lower
                        .strip_prefix("cfg")
                        .and_then(|s| s.strip_suffix(".xml")),
                )
            })
            .or_else(|| pick(Vendor::Yealink, lower.strip_suffix(".cfg")))
            .or_else(|| pick(Vendor::Snom, lower.strip_suffix(".xml")))
            .or_else(|| pick(Vendor::Algo, lower.strip_suffix(".conf")))
    }
}

/// The digest user of a device's provisioning credentials: its MAC in lower case.
pub fn user_of(mac: &str) -> String {
    mac.to_ascii_lowercase()
}

/// The stored key of provisioning credentials.
pub fn prov_ha1(mac: &str, password: &str) -> String {
    ha1(&user_of(mac), REALM, password)
}

fn md5_hex(s: &str) -> String {
    hex::encode(Md5::digest(s.as_bytes()))
}

/// The parts of an `Authorization: Digest …` header a server checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestAnswer {
    pub username: String,
    pub realm: String,
    pub nonce: String,
    pub uri: String,
    pub response: String,
    pub qop: Option<String>,
    pub nc: Option<String>,
    pub cnonce: Option<String>,
}

/// Parse an `Authorization` header value; `None` unless it is a digest answer with the fields a
/// check needs.
pub fn parse_digest(header: &str) -> Option<DigestAnswer> {
    let rest = header.trim();
    let rest = rest
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("digest "))
        .map(|_| &rest[7..])?;
    let mut a = DigestAnswer::default();
    let mut s = rest.trim_start();
    while !s.is_empty() {
        let (key, after) = s.split_once('=')?;
        let key = key.trim().to_ascii_lowercase();
        let after = after.trim_start();
        let (value, next) = if let Some(q) = after.strip_prefix('"') {
            let end = q.find('"')?;
            (&q[..end], q[end + 1..].trim_start())
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim(), &after[end..])
        };
        let value = value.to_string();
        match key.as_str() {
            "username" => a.username = value,
            "realm" => a.realm = value,
            "nonce" => a.nonce = value,
            "uri" => a.uri = value,
            "response" => a.response = value,
            "qop" => a.qop = Some(value),
            "nc" => a.nc = Some(value),
            "cnonce" => a.cnonce = Some(value),
            _ => {}
        }
        s = next.trim_start_matches(',').trim_start();
    }
    let complete = !a.username.is_empty() && !a.nonce.is_empty() && !a.response.is_empty();
    complete.then_some(a)
}

/// The response a client with `ha1` sends for `method` (RFC 2617 / 7616, MD5, qop `auth` or
/// none).
pub fn expected_response(ha1: &str, method: &str, a: &DigestAnswer) -> String {
    let ha2 = md5_hex(&format!("{method}:{}", a.uri));
    match (&a.qop, &a.nc, &a.cnonce) {
        (Some(q), Some(nc), Some(cn)) if q == "auth" => {
            md5_hex(&format!("{ha1}:{}:{nc}:{cn}:auth:{ha2}", a.nonce))
        }
        _ => md5_hex(&format!("{ha1}:{}:{ha2}", a.nonce)),
    }
}

/// Constant-time comparison of two hex strings.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        diff |= usize::from(a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xff));
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prv_1_file_names_round_trip_for_every_vendor() {
        for v in Vendor::ALL {
            let name = v.file_name("00156501ABCD");
            assert_eq!(
                Vendor::of_file(&name),
                Some((v, "00156501ABCD".into())),
                "{name}"
            );
            assert_eq!(
                Vendor::of_file(&name.to_uppercase()).map(|x| x.1),
                Some("00156501ABCD".into())
            );
        }
        assert_eq!(Vendor::of_file("y000000000044.cfg"), None);
        assert_eq!(Vendor::of_file("../00156501abcd.cfg"), None);
        assert_eq!(
            Vendor::of_catalogue("Grandstream"),
            Some(Vendor::Grandstream)
        );
        assert_eq!(Vendor::of_catalogue("AudioCodes"), None);
    }

    #[test]
    fn prv_2_digest_rfc_2617_example() {
        // RFC 2617 §3.5: Mufasa, GET /dir/index.html, qop=auth.
        let h = r#"Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41""#;
        let a = parse_digest(h).unwrap_or_default();
        assert_eq!(a.username, "Mufasa");
        let ha1 = ha1("Mufasa", "testrealm@host.com", "Circle Of Life");
        assert_eq!(expected_response(&ha1, "GET", &a), a.response);
        assert!(same(&expected_response(&ha1, "GET", &a), &a.response));
        assert!(!same(&expected_response(&ha1, "HEAD", &a), &a.response));
        assert!(parse_digest("Basic dXNlcjpwYXNz").is_none());
        assert!(parse_digest("Digest username=\"x\"").is_none());
    }
}
