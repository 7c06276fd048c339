//! Calling provisioning rules (SPEC §15): MAC addresses (DEV-3), the fax placeholder MAC (DEV-1),
//! workspace names and device limits (WSP-1, WSP-2), SIP credentials (DEV-4), and the Webex-style
//! ids clients decode (API-2).

use crate::validation::{char_len, Rule};

/// DEV-3: 12 hex digits with any usual separator (`:`, `-`, `.`, space) or none, stored
/// normalised as 12 upper-case hex digits. All-zero, broadcast and multicast addresses are not
/// device addresses.
pub fn normalise_mac(input: &str) -> Result<String, Rule> {
    let hex: String = input
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | '.' | ' '))
        .collect();
    if hex.len() != 12 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Rule::Invalid);
    }
    // Separators must sit on a regular grid: "00:11:22…", "0011.2233.4455", "00-11-…" or none.
    let seps: Vec<usize> = input
        .char_indices()
        .filter(|(_, c)| matches!(c, ':' | '-' | '.' | ' '))
        .map(|(i, _)| i)
        .collect();
    let grid_ok = match seps.len() {
        0 => true,
        5 => seps == [2, 5, 8, 11, 14],
        2 => seps == [4, 9],
        _ => false,
    };
    if !grid_ok {
        return Err(Rule::Invalid);
    }
    let mac = hex.to_uppercase();
    let first = u8::from_str_radix(&mac[0..2], 16).map_err(|_| Rule::Invalid)?;
    if mac == "000000000000" || mac == "FFFFFFFFFFFF" || first & 1 == 1 {
        return Err(Rule::Invalid);
    }
    Ok(mac)
}

/// DEV-1: the fax service's placeholder MAC: locally administered (`02` prefix, which no vendor
/// assigns), derived from a random 40-bit value the caller supplies; read-only and unique
/// (uniqueness is the store's unique index on MACs).
pub fn fax_placeholder_mac(random40: u64) -> String {
    format!("02{:010X}", random40 & 0xFF_FFFF_FFFF)
}

pub fn is_fax_placeholder(mac: &str) -> bool {
    mac.starts_with("02")
}

pub const WORKSPACE_NAME_MAX: usize = 30;
pub const WORKSPACE_FORBIDDEN: [char; 7] = ['%', '#', '<', '>', '/', '\\', '"'];

/// WSP-1: required, at most 30 characters, none of `% # < > / \ "`.
pub fn check_workspace_name(name: &str) -> Result<(), Rule> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Rule::Required);
    }
    if char_len(n) > WORKSPACE_NAME_MAX {
        return Err(Rule::MaxLength {
            max: WORKSPACE_NAME_MAX,
        });
    }
    if n.chars().any(|c| WORKSPACE_FORBIDDEN.contains(&c)) {
        return Err(Rule::Invalid);
    }
    crate::validation::check_chars(n, false)
}

/// A workspace's calling licence (WSP-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkspaceLicence {
    /// Up to 5 devices.
    Professional,
    /// Exactly one device.
    CommonArea,
}

impl WorkspaceLicence {
    pub fn device_limit(self) -> usize {
        match self {
            WorkspaceLicence::Professional => 5,
            WorkspaceLicence::CommonArea => 1,
        }
    }
    /// Whether one more device may be added to a workspace that has `devices` already.
    pub fn may_add(self, devices: usize) -> bool {
        devices < self.device_limit()
    }
}

pub const SIP_PASSWORD_LEN: usize = 16;
const SIP_UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const SIP_LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
const SIP_DIGIT: &[u8] = b"23456789";
const SIP_SPECIAL: &[u8] = b"*_-+=";

/// DEV-4 SIP password policy (documented in docs/api.md): 16 characters from upper, lower, digits
/// and `* _ - + =` (safe in SIP headers and CSV), every class present, no character three times in
/// a row, not containing the SIP user name.
pub fn check_sip_password(pw: &str, user: &str) -> Result<(), Rule> {
    let special = |b: u8| SIP_SPECIAL.contains(&b);
    let bytes = pw.as_bytes();
    let allowed = bytes
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || special(b));
    let classes = [
        bytes.iter().any(u8::is_ascii_uppercase),
        bytes.iter().any(u8::is_ascii_lowercase),
        bytes.iter().any(u8::is_ascii_digit),
        bytes.iter().any(|&b| special(b)),
    ];
    let tripled = bytes.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]);
    let has_user = !user.is_empty() && pw.to_lowercase().contains(&user.to_lowercase());
    if pw.len() < SIP_PASSWORD_LEN || !allowed || classes.contains(&false) || tripled || has_user {
        return Err(Rule::PasswordClasses);
    }
    Ok(())
}

/// Build a SIP password from random bytes (the caller supplies randomness: no I/O here). Retries
/// with the next bytes until the policy holds.
pub fn sip_password_from(random: &mut dyn FnMut() -> u32, user: &str) -> String {
    let all: Vec<u8> = [SIP_UPPER, SIP_LOWER, SIP_DIGIT, SIP_SPECIAL].concat();
    loop {
        let mut pw: Vec<u8> = [SIP_UPPER, SIP_LOWER, SIP_DIGIT, SIP_SPECIAL]
            .iter()
            .map(|set| set[random() as usize % set.len()])
            .collect();
        while pw.len() < SIP_PASSWORD_LEN {
            pw.push(all[random() as usize % all.len()]);
        }
        for i in (1..pw.len()).rev() {
            let j = random() as usize % (i + 1);
            pw.swap(i, j);
        }
        let s = String::from_utf8(pw).unwrap_or_default();
        if check_sip_password(&s, user).is_ok() {
            return s;
        }
    }
}

/// API-2: Webex ids are the base64 (standard alphabet, no padding) of
/// `ciscospark://us/<TYPE>/<uuid>`; clients such as wxc_sdk decode them.
pub fn webex_id(kind: &str, uuid: &uuid::Uuid) -> String {
    b64_encode(format!("ciscospark://us/{kind}/{uuid}").as_bytes())
}

/// A Webex id around any text (licence ids are `<org uuid>:<kind>`, not uuids).
pub fn webex_id_text(kind: &str, text: &str) -> String {
    b64_encode(format!("ciscospark://us/{kind}/{text}").as_bytes())
}

/// The text inside a Webex id of the expected type.
pub fn parse_webex_text(kind: &str, id: &str) -> Option<String> {
    let text = String::from_utf8(b64_decode(id)?).ok()?;
    let rest = text.strip_prefix("ciscospark://")?;
    let mut parts = rest.splitn(3, '/');
    let _region = parts.next()?;
    (parts.next()? == kind).then_some(())?;
    parts.next().map(String::from)
}

/// The uuid inside a Webex id of the expected type; plain uuids are accepted too.
pub fn parse_webex_id(kind: &str, id: &str) -> Option<uuid::Uuid> {
    if let Ok(u) = uuid::Uuid::parse_str(id) {
        return Some(u);
    }
    let raw = b64_decode(id)?;
    let text = String::from_utf8(raw).ok()?;
    let rest = text.strip_prefix("ciscospark://")?;
    let mut parts = rest.splitn(3, '/');
    let _region = parts.next()?;
    (parts.next()? == kind).then_some(())?;
    uuid::Uuid::parse_str(parts.next()?).ok()
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn b64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn b64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_3_mac_separators_normalised_and_bad_ones_refused() {
        for ok in [
            "00:1a:2b:3c:4d:5e",
            "00-1A-2B-3C-4D-5E",
            "001a.2b3c.4d5e",
            "001A2B3C4D5E",
            "00 1a 2b 3c 4d 5e",
        ] {
            assert_eq!(normalise_mac(ok), Ok("001A2B3C4D5E".to_string()), "{ok}");
        }
        for bad in [
            "",
            "001A2B3C4D5",
            "001A2B3C4D5EF",
            "00:1A:2B:3C:4D:5G",
            "000000000000",
            "FFFFFFFFFFFF",
            "011A2B3C4D5E",
            "00:1A2B:3C4D5E",
            "00::1A2B3C4D5E",
        ] {
            assert!(normalise_mac(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dev_1_fax_placeholder_mac_is_valid_and_recognisable() {
        let m = fax_placeholder_mac(0x12_3456_789A);
        assert_eq!(m, "02123456789A");
        assert_eq!(normalise_mac(&m), Ok(m.clone()));
        assert!(is_fax_placeholder(&m));
    }

    #[test]
    fn wsp_1_workspace_names() {
        assert_eq!(check_workspace_name("Lobby phone"), Ok(()));
        assert_eq!(check_workspace_name(""), Err(Rule::Required));
        assert_eq!(
            check_workspace_name(&"a".repeat(31)),
            Err(Rule::MaxLength { max: 30 })
        );
        for c in WORKSPACE_FORBIDDEN {
            assert_eq!(
                check_workspace_name(&format!("Room {c}1")),
                Err(Rule::Invalid),
                "{c}"
            );
        }
    }

    #[test]
    fn wsp_2_device_limits() {
        assert!(WorkspaceLicence::Professional.may_add(4));
        assert!(!WorkspaceLicence::Professional.may_add(5));
        assert!(WorkspaceLicence::CommonArea.may_add(0));
        assert!(!WorkspaceLicence::CommonArea.may_add(1));
    }

    #[test]
    fn dev_4_generated_sip_passwords_meet_the_policy() {
        let mut state = 0x2545_F491u32;
        let mut rnd = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        for _ in 0..500 {
            let pw = sip_password_from(&mut rnd, "lobby01");
            assert_eq!(check_sip_password(&pw, "lobby01"), Ok(()), "{pw}");
            assert_eq!(pw.len(), 16);
        }
        assert!(
            check_sip_password("aaaBBB111***cccD", "").is_err(),
            "triples refused"
        );
        assert!(
            check_sip_password("Ab1*lobby01xyzQW", "lobby01").is_err(),
            "user name refused"
        );
    }

    #[test]
    fn api_2_webex_ids_round_trip_like_wxc_sdk_decodes_them() {
        let u = uuid::Uuid::parse_str("f5b36187-c8dd-4727-8b2f-f9c447f29046").unwrap_or_default();
        let id = webex_id("PEOPLE", &u);
        assert_eq!(
            id,
            "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY"
        );
        assert_eq!(parse_webex_id("PEOPLE", &id), Some(u));
        assert_eq!(parse_webex_id("DEVICE", &id), None, "type must match");
        assert_eq!(parse_webex_id("PEOPLE", &u.to_string()), Some(u));
        assert_eq!(parse_webex_id("PEOPLE", "%%%"), None);
    }
}
