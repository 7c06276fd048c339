//! Mobile lines (WGO-1 … WGO-5): the prerequisites of adding a mobile device to a person, the
//! countries a mobile line may be in, and the form of an activation code a client types.

use crate::calling::LicenceKind;
use crate::validation::{Errors, Rule};

/// The catalogue model of a mobile line (onboarded by activation code, people only).
pub const MOBILE_MODEL: &str = "Webex Go Device";

/// WGO-1: where mobile lines are offered unless the hub is configured otherwise.
pub const DEFAULT_COUNTRIES: [&str; 3] = ["US", "GB", "FR"];

/// A comma-separated list of ISO 3166-1 alpha-2 country codes (`us, GB ,fr`), upper-cased and
/// without duplicates; `Err` names the first entry that is not two letters.
pub fn parse_countries(text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split(',') {
        let c = part.trim().to_ascii_uppercase();
        if c.is_empty() {
            continue;
        }
        if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(part.trim().to_string());
        }
        if !out.contains(&c) {
            out.push(c);
        }
    }
    if out.is_empty() {
        return Err(String::new());
    }
    Ok(out)
}

/// An activation code as typed (`1234 5678-9012 3456`): its digits, or `None` when it cannot
/// be one (then it is refused like any unknown code, after the same work).
pub fn normalise_code(typed: &str) -> Option<String> {
    let digits: String = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}'))
        .collect();
    (digits.len() == 16 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// A mobile subscription of the organisation and how many lines it has left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionUnits {
    pub subscription_id: String,
    pub free: i64,
}

/// What is known of the person and what the client chose (WGO-1).
#[derive(Debug, Clone)]
pub struct MobileRequest<'a> {
    pub licence: Option<LicenceKind>,
    /// The country of the person's location; `None` without a location.
    pub country: Option<&'a str>,
    pub allowed_countries: &'a [String],
    /// The organisation's subscriptions carrying the mobile entitlement.
    pub subscriptions: &'a [SubscriptionUnits],
    pub chosen_subscription: Option<&'a str>,
    /// The person already has a primary number.
    pub has_number: bool,
    pub chosen_number: Option<&'a str>,
}

/// What the mobile line is made with once the prerequisites hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobilePlan {
    pub subscription_id: String,
    /// The number to give the person (only when they had none).
    pub number: Option<String>,
}

/// WGO-1: a professional licence, a location in an allowed country, a subscription (chosen
/// when there are several, with a line left), a number when the person has none. Every failed
/// prerequisite is reported, under the request's field names.
pub fn plan_mobile(req: &MobileRequest<'_>) -> Result<MobilePlan, Errors> {
    let mut errs = Errors::default();
    if req.licence != Some(LicenceKind::Professional) {
        errs.push("personId", Rule::MobileLicence);
    }
    match req.country {
        Some(c)
            if req
                .allowed_countries
                .iter()
                .any(|a| a.eq_ignore_ascii_case(c)) => {}
        _ => errs.push(
            "personId",
            Rule::MobileCountry {
                allowed: req.allowed_countries.join(", "),
            },
        ),
    }
    let chosen = req
        .chosen_subscription
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let subscription = match (chosen, req.subscriptions) {
        (_, []) => {
            errs.push("subscriptionId", Rule::MobileSubscription);
            None
        }
        (Some(id), subs) => match subs.iter().find(|s| s.subscription_id == id) {
            Some(s) => Some(s),
            None => {
                errs.push("subscriptionId", Rule::Invalid);
                None
            }
        },
        (None, [only]) => Some(only),
        (None, _) => {
            errs.push("subscriptionId", Rule::Required);
            None
        }
    };
    if let Some(s) = subscription {
        if s.free <= 0 {
            errs.push("subscriptionId", Rule::MobileSubscription);
        }
    }
    let number = req.chosen_number.map(str::trim).filter(|n| !n.is_empty());
    let number = match (req.has_number, number) {
        (true, Some(_)) => {
            // The person keeps their primary number; a second one is not what WGO-1 asks.
            errs.push("phoneNumber", Rule::NotAllowed);
            None
        }
        (true, None) => None,
        (false, Some(n)) => Some(n.to_string()),
        (false, None) => {
            errs.push("phoneNumber", Rule::Required);
            None
        }
    };
    if !errs.0.is_empty() {
        return Err(errs);
    }
    Ok(MobilePlan {
        subscription_id: subscription
            .map(|s| s.subscription_id.clone())
            .unwrap_or_default(),
        number,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn countries() -> Vec<String> {
        DEFAULT_COUNTRIES.iter().map(|c| c.to_string()).collect()
    }

    fn sub(id: &str, free: i64) -> SubscriptionUnits {
        SubscriptionUnits {
            subscription_id: id.into(),
            free,
        }
    }

    fn fields(e: &Errors) -> Vec<(&str, &Rule)> {
        e.0.iter().map(|f| (f.field.as_ref(), &f.rule)).collect()
    }

    #[test]
    fn wgo_1_prerequisites_hold_with_one_subscription_and_a_number() {
        let c = countries();
        let subs = [sub("Sub-1", 3)];
        let plan = plan_mobile(&MobileRequest {
            licence: Some(LicenceKind::Professional),
            country: Some("fr"),
            allowed_countries: &c,
            subscriptions: &subs,
            chosen_subscription: None,
            has_number: true,
            chosen_number: None,
        })
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(plan.subscription_id, "Sub-1");
        assert_eq!(plan.number, None);
    }

    #[test]
    fn wgo_1_each_missing_prerequisite_is_named() {
        let c = countries();
        let subs = [sub("Sub-1", 3), sub("Sub-2", 0)];
        let e = plan_mobile(&MobileRequest {
            licence: Some(LicenceKind::Basic),
            country: Some("DE"),
            allowed_countries: &c,
            subscriptions: &subs,
            chosen_subscription: None,
            has_number: false,
            chosen_number: None,
        })
        .err()
        .unwrap_or_else(|| panic!("accepted"));
        assert_eq!(
            fields(&e),
            vec![
                ("personId", &Rule::MobileLicence),
                (
                    "personId",
                    &Rule::MobileCountry {
                        allowed: "US, GB, FR".into()
                    }
                ),
                ("subscriptionId", &Rule::Required),
                ("phoneNumber", &Rule::Required),
            ]
        );
        // A chosen subscription with no line left, an unknown one, none at all.
        let base = MobileRequest {
            licence: Some(LicenceKind::Professional),
            country: Some("US"),
            allowed_countries: &c,
            subscriptions: &subs,
            chosen_subscription: Some("Sub-2"),
            has_number: true,
            chosen_number: None,
        };
        let e = plan_mobile(&base)
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        assert_eq!(
            fields(&e),
            vec![("subscriptionId", &Rule::MobileSubscription)]
        );
        let e = plan_mobile(&MobileRequest {
            chosen_subscription: Some("Sub-9"),
            ..base.clone()
        })
        .err()
        .unwrap_or_else(|| panic!("accepted"));
        assert_eq!(fields(&e), vec![("subscriptionId", &Rule::Invalid)]);
        let e = plan_mobile(&MobileRequest {
            subscriptions: &[],
            ..base.clone()
        })
        .err()
        .unwrap_or_else(|| panic!("accepted"));
        assert_eq!(
            fields(&e),
            vec![("subscriptionId", &Rule::MobileSubscription)]
        );
        let plan = plan_mobile(&MobileRequest {
            chosen_subscription: Some("Sub-1"),
            has_number: false,
            chosen_number: Some(" +33155550100 "),
            ..base
        })
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(plan.number.as_deref(), Some("+33155550100"));
    }

    #[test]
    fn wgo_1_countries_parse() {
        assert_eq!(
            parse_countries("us, GB ,fr,US"),
            Ok(vec!["US".to_string(), "GB".into(), "FR".into()])
        );
        assert_eq!(parse_countries("US,FRA"), Err("FRA".into()));
        assert_eq!(parse_countries(" , "), Err(String::new()));
    }

    #[test]
    fn wgo_5_codes_are_sixteen_digits_however_grouped() {
        assert_eq!(
            normalise_code("1234 5678-9012\u{a0}3456").as_deref(),
            Some("1234567890123456")
        );
        assert_eq!(normalise_code("123456789012345"), None);
        assert_eq!(normalise_code("12345678901234a6"), None);
    }
}
