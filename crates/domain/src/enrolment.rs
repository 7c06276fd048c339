//! CUS-8 zero-touch enrolment: the shape of a provider's enrolment credential and the customer an
//! enrolment adds. The credential is `pbe1.<id>.<secret>`: the id (16 hex digits) finds the
//! provider's credential, the secret (32 random bytes, base64url) proves it; the hub keeps only
//! the secret's SHA-256.

use crate::customer::{CustomerFields, NAME_MAX};

const PREFIX: &str = "pbe1";
const ID_LEN: usize = 16;
const SECRET_LEN: usize = 43;

/// The credential a provider's systems carry.
pub fn format_credential(id: &str, secret: &str) -> String {
    format!("{PREFIX}.{id}.{secret}")
}

/// The id and the secret of a credential, when it has the shape of one.
pub fn parse_credential(s: &str) -> Option<(&str, &str)> {
    let mut parts = s.trim().splitn(3, '.');
    let (prefix, id, secret) = (parts.next()?, parts.next()?, parts.next()?);
    let id_ok = id.len() == ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    let secret_ok = secret.len() == SECRET_LEN
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (prefix == PREFIX && id_ok && secret_ok).then_some((id, secret))
}

/// The customer an enrolment adds: named after the system and its customer ID (both reported
/// by the system), with the service user the system authenticates as.
pub fn enrolled_customer(
    system_name: &str,
    customer_id: &str,
    service_user: &str,
) -> CustomerFields {
    let mut name = format!("{} ({customer_id})", system_name.trim());
    if name.chars().count() > NAME_MAX {
        name = customer_id.to_string();
    }
    CustomerFields {
        name,
        customer_id: customer_id.to_string(),
        service_user_name: service_user.to_string(),
        notes: "Enrolled automatically (CUS-8).".into(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cus_8_only_the_credentials_shape_is_parsed() {
        let secret = "A".repeat(SECRET_LEN);
        let c = format_credential("0123456789abcdef", &secret);
        assert_eq!(
            parse_credential(&c),
            Some(("0123456789abcdef", secret.as_str()))
        );
        assert_eq!(
            parse_credential(&format!(" {c}\n")),
            Some(("0123456789abcdef", secret.as_str()))
        );
        for bad in [
            "",
            "pbe1..",
            &format_credential("0123456789ABCDEF", &secret),
            &format_credential("0123456789abcde", &secret),
            &format_credential("0123456789abcdef", &secret[1..]),
            &format!("pbe2.0123456789abcdef.{secret}"),
            &format_credential("0123456789abcdef", &format!("{}!", &secret[1..])),
        ] {
            assert_eq!(parse_credential(bad), None, "{bad}");
        }
    }

    #[test]
    fn cus_8_the_enrolled_customer_is_named_after_its_system() {
        let f = enrolled_customer("IPO Paris", "zt-paris", "COMAdmin");
        assert_eq!(f.name, "IPO Paris (zt-paris)");
        assert_eq!(f.customer_id, "zt-paris");
        assert_eq!(f.service_user_name, "COMAdmin");
        let long = enrolled_customer(&"x".repeat(200), "zt-1", "COMAdmin");
        assert_eq!(long.name, "zt-1");
    }
}
