//! Field-level validation errors shared by every rule in this crate. The hub renders them as
//! Webex-style error bodies (API) or localised messages next to the field (console); the `rule`
//! names the Fluent message used, its arguments fill it in.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// Which rule a value broke. Each variant is one Fluent message `rule-<kebab name>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "camelCase")]
pub enum Rule {
    Required,
    MaxLength {
        max: usize,
    },
    LengthBetween {
        min: usize,
        max: usize,
    },
    CombinedMaxLength {
        max: usize,
        other: &'static str,
    },
    Digits {
        max: usize,
    },
    Email,
    OneOf {
        allowed: String,
    },
    StepRange {
        min: i64,
        max: i64,
        step: i64,
    },
    Range {
        min: i64,
        max: i64,
    },
    LoginChars,
    Taken,
    PasswordClasses,
    PasswordReused {
        count: u32,
    },
    PasswordMismatch,
    PasswordWrong,
    NotForRole {
        role: String,
    },
    DateInPast,
    Date,
    ImageType,
    ImageTooLarge {
        max_kib: usize,
    },
    LabelNotAssigned {
        label: String,
    },
    TooMany {
        max: usize,
    },
    DnsLabel,
    NotAllowed,
    ControlCharacters,
    /// A field or query parameter the request does not take.
    Unknown {
        allowed: String,
    },
    /// A Webex option this hub does not provide (so it is refused, never ignored).
    Unsupported,
    Invalid,
    /// WGO-1: a mobile line needs a professional calling licence.
    MobileLicence,
    /// WGO-1: the person's location is not in a country mobile lines are offered in.
    MobileCountry {
        allowed: String,
    },
    /// WGO-1: no subscription carrying mobile lines has a line left.
    MobileSubscription,
    /// A licence total below the units already assigned.
    BelowConsumed,
    /// MOB-1: does not match the value it confirms.
    Mismatch,
    /// MOB-1: an operator account ID's form.
    AccountId,
    /// MOB-2: not a mobile number of the location's country.
    NotMobileNumber {
        country: String,
    },
    /// A problem in a file's content (CST-6): its code and the value at fault; the field is
    /// where in the file.
    Content {
        code: String,
        value: String,
    },
    /// CRT-1: why a certificate (or its key, or its file's password) is refused.
    Certificate {
        refusal: crate::certificates::Refusal,
    },
}

impl Rule {
    /// The Fluent message id for this rule (`rule-max-length` …).
    pub fn message_id(&self) -> &'static str {
        match self {
            Rule::Required => "rule-required",
            Rule::MaxLength { .. } => "rule-max-length",
            Rule::LengthBetween { .. } => "rule-length-between",
            Rule::CombinedMaxLength { .. } => "rule-combined-max-length",
            Rule::Digits { .. } => "rule-digits",
            Rule::Email => "rule-email",
            Rule::OneOf { .. } => "rule-one-of",
            Rule::StepRange { .. } => "rule-step-range",
            Rule::Range { .. } => "rule-range",
            Rule::LoginChars => "rule-login-chars",
            Rule::Taken => "rule-taken",
            Rule::PasswordClasses => "rule-password-classes",
            Rule::PasswordReused { .. } => "rule-password-reused",
            Rule::PasswordMismatch => "rule-password-mismatch",
            Rule::PasswordWrong => "rule-password-wrong",
            Rule::NotForRole { .. } => "rule-not-for-role",
            Rule::DateInPast => "rule-date-in-past",
            Rule::Date => "rule-date",
            Rule::ImageType => "rule-image-type",
            Rule::ImageTooLarge { .. } => "rule-image-too-large",
            Rule::LabelNotAssigned { .. } => "rule-label-not-assigned",
            Rule::TooMany { .. } => "rule-too-many",
            Rule::DnsLabel => "rule-dns-label",
            Rule::NotAllowed => "rule-not-allowed",
            Rule::ControlCharacters => "rule-control-characters",
            Rule::Unknown { .. } => "rule-unknown",
            Rule::Unsupported => "rule-unsupported",
            Rule::Invalid => "rule-invalid",
            Rule::Content { .. } => "rule-content",
            Rule::MobileLicence => "rule-mobile-licence",
            Rule::MobileCountry { .. } => "rule-mobile-country",
            Rule::MobileSubscription => "rule-mobile-subscription",
            Rule::BelowConsumed => "rule-below-consumed",
            Rule::Mismatch => "rule-mismatch",
            Rule::AccountId => "rule-account-id",
            Rule::NotMobileNumber { .. } => "rule-not-mobile-number",
            Rule::Certificate { refusal } => refusal.message_id(),
        }
    }

    /// Arguments for the Fluent message, as (name, value) pairs.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Rule::MaxLength { max } | Rule::Digits { max } | Rule::TooMany { max } => {
                vec![("max", max.to_string())]
            }
            Rule::LengthBetween { min, max } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            Rule::CombinedMaxLength { max, other } => {
                vec![("max", max.to_string()), ("other", (*other).to_string())]
            }
            Rule::OneOf { allowed }
            | Rule::Unknown { allowed }
            | Rule::MobileCountry { allowed } => {
                vec![("allowed", allowed.clone())]
            }
            Rule::StepRange { min, max, step } => vec![
                ("min", min.to_string()),
                ("max", max.to_string()),
                ("step", step.to_string()),
            ],
            Rule::Range { min, max } => vec![("min", min.to_string()), ("max", max.to_string())],
            Rule::PasswordReused { count } => vec![("count", count.to_string())],
            Rule::NotForRole { role } => vec![("role", role.clone())],
            Rule::ImageTooLarge { max_kib } => vec![("max", max_kib.to_string())],
            Rule::LabelNotAssigned { label } => vec![("label", label.clone())],
            Rule::NotMobileNumber { country } => vec![("country", country.clone())],
            Rule::Content { code, value } => vec![("code", code.clone()), ("value", value.clone())],
            Rule::Certificate { refusal } => refusal
                .argument()
                .map(|a| vec![("detail", a.to_string())])
                .unwrap_or_default(),
            _ => vec![],
        }
    }

    /// English text, used in logs, the API's default language and `Display`.
    pub fn english(&self) -> String {
        match self {
            Rule::Required => "is required".into(),
            Rule::MaxLength { max } => format!("must be at most {max} characters"),
            Rule::LengthBetween { min, max } => {
                format!("must be between {min} and {max} characters")
            }
            Rule::CombinedMaxLength { max, other } => {
                format!("together with {other} must be at most {max} characters")
            }
            Rule::Digits { max } => format!("must be digits only, at most {max}"),
            Rule::Email => "must be an e-mail address".into(),
            Rule::OneOf { allowed } => format!("must be one of: {allowed}"),
            Rule::StepRange { min, max, step } => {
                format!("must be between {min} and {max} in steps of {step}")
            }
            Rule::Range { min, max } => format!("must be between {min} and {max}"),
            Rule::LoginChars => {
                "may contain only letters, digits and . _ - @ (no spaces)".into()
            }
            Rule::Taken => "is already in use".into(),
            Rule::PasswordClasses => {
                "must contain at least two of: upper-case letters, lower-case letters, digits, special characters".into()
            }
            Rule::PasswordReused { count } => {
                format!("must differ from the last {count} passwords")
            }
            Rule::PasswordMismatch => "does not match the new password".into(),
            Rule::PasswordWrong => "is not the current password".into(),
            Rule::NotForRole { role } => format!("is not available for the role {role}"),
            Rule::DateInPast => "must be a date in the future".into(),
            Rule::Date => "must be a date (YYYY-MM-DD)".into(),
            Rule::ImageType => "must be a PNG, JPEG or GIF image".into(),
            Rule::ImageTooLarge { max_kib } => format!("must be at most {max_kib} KiB"),
            Rule::LabelNotAssigned { label } => {
                format!("label {label} is not assigned to you")
            }
            Rule::TooMany { max } => format!("may have at most {max} entries"),
            Rule::DnsLabel => "may contain only a-z, 0-9 and -, at most 63, not starting or ending with -".into(),
            Rule::NotAllowed => "may not be changed".into(),
            Rule::ControlCharacters => {
                "must not contain control characters (NUL, escape sequences, line breaks)".into()
            }
            Rule::Unknown { allowed } => {
                format!("is not accepted here (accepted: {allowed})")
            }
            Rule::Unsupported => "is a Webex option Patchbay does not support".into(),
            Rule::Invalid => "is not valid".into(),
            Rule::Content { code, value } => crate::customization::detail(code, value),
            Rule::MobileLicence => "needs a professional calling licence for a mobile line".into(),
            Rule::MobileCountry { allowed } => {
                format!("must be in a location in one of the countries mobile lines are offered in: {allowed}")
            }
            Rule::MobileSubscription => {
                "has no subscription with a mobile line left; ask your provider for more".into()
            }
            Rule::BelowConsumed => {
                "is below the units already assigned: free some first, or keep a higher total"
                    .into()
            }
            Rule::Mismatch => "does not match".into(),
            Rule::AccountId => {
                "must be 3 to 32 letters, digits, - _ or . (as the operator gave it)".into()
            }
            Rule::NotMobileNumber { country } => {
                format!("is not a mobile number of the location's country ({country})")
            }
            Rule::Certificate { refusal } => refusal.to_string(),
        }
    }
}

/// One field that broke one rule. `field` is the API (camelCase) field or query parameter name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: Cow<'static, str>,
    #[serde(flatten)]
    pub rule: Rule,
}

impl FieldError {
    pub fn new(field: impl Into<Cow<'static, str>>, rule: Rule) -> Self {
        Self {
            field: field.into(),
            rule,
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.rule.english())
    }
}

/// The one text rule of every name and free-text field, on both databases: no NUL (PostgreSQL
/// cannot store it) and no other control character (C0, DEL, C1: terminal escape sequences would
/// reach logs, exports and other operators' screens). Multi-line fields keep line breaks and tabs.
pub fn check_chars(value: &str, multiline: bool) -> Result<(), Rule> {
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        Err(Rule::ControlCharacters)
    } else {
        Ok(())
    }
}

/// Collects field errors; `finish` turns an empty list into `Ok`.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, field: &'static str, rule: Rule) {
        self.0.push(FieldError::new(field, rule));
    }
    /// Record `rule` for `field` unless the field already has an error (a value that could not
    /// be read is not also reported as missing).
    pub fn once(&mut self, field: &'static str, rule: Rule) {
        if !self.has(field) {
            self.push(field, rule);
        }
    }
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }
    /// [`check_chars`] on a single-line field.
    pub fn chars(&mut self, field: &'static str, value: &str) {
        if let Err(r) = check_chars(value, false) {
            self.push(field, r);
        }
    }
    /// [`check_chars`] on a multi-line field.
    pub fn multiline(&mut self, field: &'static str, value: &str) {
        if let Err(r) = check_chars(value, true) {
            self.push(field, r);
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}

/// Number of Unicode scalar values (what a user calls "characters").
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// A plausible e-mail address: one `@`, non-empty local part, a dotted domain, no spaces.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
        && char_len(s) <= 254
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_1_one_text_rule_refuses_nul_and_control_characters() {
        assert_eq!(check_chars("Acme Ltd — Ünïcode 한국", false), Ok(()));
        for bad in [
            "a\0b",
            "a\u{1b}[31mred",
            "tab\there",
            "line\nbreak",
            "del\u{7f}",
            "c1\u{85}",
        ] {
            assert_eq!(
                check_chars(bad, false),
                Err(Rule::ControlCharacters),
                "{bad:?}"
            );
        }
        assert_eq!(check_chars("two\nlines\twith tab\r\n", true), Ok(()));
        assert_eq!(check_chars("nul\0", true), Err(Rule::ControlCharacters));
        assert_eq!(check_chars("esc\u{1b}", true), Err(Rule::ControlCharacters));
    }

    #[test]
    fn email_shapes() {
        assert!(is_email("a@b.fr"));
        assert!(!is_email("a@b"));
        assert!(!is_email("@b.fr"));
        assert!(!is_email("a b@c.fr"));
        assert!(!is_email("a@b@c.fr"));
    }
}
