//! MOB-1 … MOB-3: numbers a mobile operator provides. A location asks an operator to authorise
//! the organisation's operator account (its ID typed twice, never changed afterwards); the
//! operator answers through its own API. The request is Pending for up to 48 hours, then Failed by
//! itself; the operator may authorise a Pending or Failed one, or fail a Pending one. Once
//! authorised, the location adds up to 20 of the operator's mobile numbers per request, each
//! checked on its own.

use crate::calling::normalise_e164;
use crate::validation::{Errors, Rule};
use serde::{Deserialize, Serialize};

/// How long an operator has to answer before a request fails by itself.
pub const PENDING_HOURS: i64 = 48;
/// Most numbers in one request (MOB-2).
pub const MAX_NUMBERS: usize = 20;

/// The authorisation of an operator account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AuthStatus {
    Pending,
    Failed,
    Authorized,
}

impl AuthStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthStatus::Pending => "pending",
            AuthStatus::Failed => "failed",
            AuthStatus::Authorized => "authorized",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Failed, Self::Authorized]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// The status as it stands at `now_ms`: a Pending request older than [`PENDING_HOURS`] has
/// failed.
pub fn effective(stored: AuthStatus, requested_at_ms: i64, now_ms: i64) -> AuthStatus {
    if stored == AuthStatus::Pending && now_ms - requested_at_ms >= PENDING_HOURS * 3_600_000 {
        AuthStatus::Failed
    } else {
        stored
    }
}

/// What an operator answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Decision {
    Authorized,
    Failed,
}

impl Decision {
    pub fn status(self) -> AuthStatus {
        match self {
            Decision::Authorized => AuthStatus::Authorized,
            Decision::Failed => AuthStatus::Failed,
        }
    }

    /// The stored statuses the decision may be applied to (the store's guarded UPDATE also
    /// requires a Pending one to be still within its 48 hours when it is failed or authorised
    /// from Pending — an expired one is Failed, which only authorising moves).
    pub fn from_statuses(self) -> &'static [AuthStatus] {
        match self {
            Decision::Authorized => &[AuthStatus::Pending, AuthStatus::Failed],
            Decision::Failed => &[AuthStatus::Pending],
        }
    }
}

/// An operator account ID: 3 to 32 letters, digits, `-`, `_` or `.`, typed twice the same.
pub fn check_account_id(id: &str, confirm: &str) -> Result<String, Errors> {
    let mut errs = Errors::default();
    let id = id.trim();
    if id.is_empty() {
        errs.push("operatorAccountId", Rule::Required);
    } else if !(3..=32).contains(&id.chars().count())
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        errs.push("operatorAccountId", Rule::AccountId);
    }
    if confirm.trim() != id {
        errs.push("confirmOperatorAccountId", Rule::Mismatch);
    }
    if errs.is_empty() {
        Ok(id.to_string())
    } else {
        Err(errs)
    }
}

/// The placeholder MAC of the mobile device that comes with an operator's number (MOB-3): `06`
/// and 40 bits of the number's hash, so one number always gives the same one.
pub fn operator_device_mac(number: &str) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(number.as_bytes());
    format!("06{}", hex::encode_upper(&h[..5]))
}

/// The country calling code of the mobile countries, and how their mobile numbers begin
/// (after the code; empty: any).
fn plan(country: &str) -> Option<(&'static str, &'static [&'static str])> {
    match country.to_ascii_uppercase().as_str() {
        "US" | "CA" => Some(("1", &[])),
        "GB" => Some(("44", &["7"])),
        "FR" => Some(("33", &["6", "7"])),
        "DE" => Some(("49", &["15", "16", "17"])),
        "ES" => Some(("34", &["6", "7"])),
        "IT" => Some(("39", &["3"])),
        "RO" => Some(("40", &["7"])),
        "UA" => Some(("380", &["50", "63", "66", "67", "68", "73", "9"])),
        "KR" => Some(("82", &["10"])),
        _ => None,
    }
}

/// One number of a request and what was found about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// As typed.
    pub typed: String,
    /// Normalised, when it is one.
    pub number: Result<String, Rule>,
}

/// MOB-2: the numbers of a comma-separated text (or of a list), each normalised and checked: a
/// mobile number of `country` (its calling code and mobile prefixes, where known), not twice in
/// the request. More than [`MAX_NUMBERS`]: refused as a whole (`Err`).
pub fn check_numbers<S: AsRef<str>>(typed: &[S], country: &str) -> Result<Vec<Checked>, Rule> {
    let parts: Vec<String> = typed
        .iter()
        .flat_map(|t| t.as_ref().split(','))
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return Err(Rule::Required);
    }
    if parts.len() > MAX_NUMBERS {
        return Err(Rule::TooMany { max: MAX_NUMBERS });
    }
    let mut seen: Vec<String> = Vec::new();
    Ok(parts
        .into_iter()
        .map(|typed| {
            let number = normalise_e164(&typed).and_then(|n| {
                if let Some((code, prefixes)) = plan(country) {
                    let Some(rest) = n[1..].strip_prefix(code) else {
                        return Err(Rule::NotMobileNumber {
                            country: country.to_ascii_uppercase(),
                        });
                    };
                    if !prefixes.is_empty() && !prefixes.iter().any(|p| rest.starts_with(p)) {
                        return Err(Rule::NotMobileNumber {
                            country: country.to_ascii_uppercase(),
                        });
                    }
                }
                if seen.contains(&n) {
                    return Err(Rule::Taken);
                }
                seen.push(n.clone());
                Ok(n)
            });
            Checked { typed, number }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mob_1_a_pending_request_fails_by_itself_after_48_hours() {
        let h = 3_600_000;
        assert_eq!(
            effective(AuthStatus::Pending, 0, 47 * h),
            AuthStatus::Pending
        );
        assert_eq!(
            effective(AuthStatus::Pending, 0, 48 * h),
            AuthStatus::Failed
        );
        assert_eq!(
            effective(AuthStatus::Authorized, 0, 480 * h),
            AuthStatus::Authorized
        );
        assert_eq!(
            Decision::Failed.from_statuses(),
            &[AuthStatus::Pending],
            "an authorised account is not failed afterwards"
        );
    }

    #[test]
    fn mob_1_the_account_id_is_typed_twice_the_same() {
        assert_eq!(
            check_account_id(" ACME-4711 ", "ACME-4711").ok(),
            Some("ACME-4711".into())
        );
        let e = check_account_id("ACME-4711", "ACME-4712")
            .err()
            .unwrap_or_default();
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].field, "confirmOperatorAccountId");
        let e = check_account_id("a b", "a b").err().unwrap_or_default();
        assert_eq!(e.0[0].field, "operatorAccountId");
        assert!(check_account_id("", "").is_err());
    }

    #[test]
    fn mob_2_each_number_is_checked_with_its_reason() {
        let got = check_numbers(
            &["+33 6 12 34 56 78, +33155550101,+447700900123, 06 12, +33612345678"],
            "FR",
        )
        .unwrap_or_default();
        assert_eq!(got.len(), 5);
        assert_eq!(got[0].number, Ok("+33612345678".into()));
        // A fixed French number, another country's, not E.164, and a repeat.
        assert!(matches!(got[1].number, Err(Rule::NotMobileNumber { .. })));
        assert!(matches!(got[2].number, Err(Rule::NotMobileNumber { .. })));
        assert_eq!(got[3].number, Err(Rule::Invalid));
        assert_eq!(got[4].number, Err(Rule::Taken));
        let many: Vec<String> = (0..21).map(|i| format!("+3361234{i:04}")).collect();
        assert_eq!(
            check_numbers(&[many.join(",")], "FR"),
            Err(Rule::TooMany { max: 20 })
        );
        assert_eq!(check_numbers(&[" , "], "FR"), Err(Rule::Required));
        // A country whose plan is not known here: E.164 is all that is checked.
        assert!(
            check_numbers(&["+35312345678"], "IE").unwrap_or_default()[0]
                .number
                .is_ok()
        );
    }
}
