//! OPR-1: operator account fields and their limits.

use crate::rbac::Role;
use crate::validation::{char_len, is_email, Errors, FieldError, Rule};
use jiff::civil::Date;

pub const LOGIN_MAX: usize = 15;
pub const NAMES_MAX: usize = 31;
pub const PHONE_MAX_DIGITS: usize = 15;
pub const LABEL_MAX: usize = 32;
pub const LABELS_MAX: usize = 20;
pub const EMAIL_MAX: usize = 254;
pub const SESSION_TIMEOUT_MIN: i64 = 5;
pub const SESSION_TIMEOUT_MAX: i64 = 30;
pub const SESSION_TIMEOUT_STEP: i64 = 5;
pub const AVATAR_MAX_BYTES: usize = 256 * 1024;

/// The editable fields of an account, already parsed from the wire. `None` for optional text means
/// empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFields {
    pub login_name: String,
    pub role: Role,
    pub first_name: String,
    pub last_name: String,
    pub phone_number: String,
    pub mobile: String,
    pub email: String,
    pub labels: Vec<String>,
    pub session_timeout_minutes: Option<i64>,
    pub kiosk_mode: bool,
    pub read_only_mode: bool,
    pub disabled: bool,
    pub force_password_change: bool,
    pub expires_on: Option<Date>,
    pub language: String,
}

impl AccountFields {
    /// A new account's fields: only the login and role set, no expiry, English, not read-only,
    /// a password change forced at the first login.
    pub fn new(login_name: impl Into<String>, role: Role) -> Self {
        Self {
            login_name: login_name.into(),
            role,
            first_name: String::new(),
            last_name: String::new(),
            phone_number: String::new(),
            mobile: String::new(),
            email: String::new(),
            labels: Vec::new(),
            session_timeout_minutes: None,
            kiosk_mode: false,
            read_only_mode: false,
            disabled: false,
            force_password_change: true,
            expires_on: None,
            language: "en".into(),
        }
    }
}

/// Languages of the console (UI-1).
pub const LANGUAGES: [&str; 5] = ["en", "fr", "ro", "ko", "uk"];

/// Login names: letters, digits and `. _ - @`, no spaces.
pub fn login_chars_ok(login: &str) -> bool {
    login
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

/// A login name worth looking up: not empty, no control characters (NUL cannot even be stored
/// on PostgreSQL), not absurdly long. Anything else is refused at login like a wrong password.
pub fn is_plausible_login(login: &str) -> bool {
    !login.is_empty() && char_len(login) <= EMAIL_MAX && !login.chars().any(char::is_control)
}

/// The key login names are unique under: case-insensitive.
pub fn login_key(login: &str) -> String {
    login.trim().to_lowercase()
}

/// Display name as shown in menus: "first last".
pub fn display_name(first: &str, last: &str) -> String {
    match (first.is_empty(), last.is_empty()) {
        (true, true) => String::new(),
        (false, true) => first.to_string(),
        (true, false) => last.to_string(),
        (false, false) => format!("{first} {last}"),
    }
}

fn digits_ok(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit()) && s.len() <= PHONE_MAX_DIGITS
}

/// Normalise what the user typed: trim, drop duplicate and empty labels, apply the role's forced
/// display modes. Returns the fields as they will be stored.
pub fn normalise(mut f: AccountFields) -> AccountFields {
    f.login_name = f.login_name.trim().to_string();
    f.first_name = f.first_name.trim().to_string();
    f.last_name = f.last_name.trim().to_string();
    f.phone_number = f.phone_number.trim().to_string();
    f.mobile = f.mobile.trim().to_string();
    f.email = f.email.trim().to_string();
    let mut labels: Vec<String> = Vec::new();
    for l in f.labels.iter().map(|l| l.trim()) {
        if !l.is_empty() && !labels.iter().any(|x| x == l) {
            labels.push(l.to_string());
        }
    }
    f.labels = labels;
    if f.role.forces_read_only_mode() {
        f.read_only_mode = true;
    }
    if !f.role.may_use_read_only_mode() {
        f.read_only_mode = false;
    }
    f
}

/// Every OPR-1 limit that can be checked without the database. `today` decides whether an expiry
/// date is in the past (a date in the past is refused unless the account is also disabled).
pub fn validate(f: &AccountFields, today: Date) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    if f.login_name.is_empty() {
        e.push("loginName", Rule::Required);
    } else if char_len(&f.login_name) > LOGIN_MAX {
        e.push("loginName", Rule::MaxLength { max: LOGIN_MAX });
    } else if !login_chars_ok(&f.login_name) {
        e.push("loginName", Rule::LoginChars);
    }
    if char_len(&display_name(&f.first_name, &f.last_name)) > NAMES_MAX {
        e.push(
            "lastName",
            Rule::CombinedMaxLength {
                max: NAMES_MAX,
                other: "firstName",
            },
        );
    }
    if !digits_ok(&f.phone_number) {
        e.push(
            "phoneNumber",
            Rule::Digits {
                max: PHONE_MAX_DIGITS,
            },
        );
    }
    if !digits_ok(&f.mobile) {
        e.push(
            "mobile",
            Rule::Digits {
                max: PHONE_MAX_DIGITS,
            },
        );
    }
    if !f.email.is_empty() && !is_email(&f.email) {
        e.push("email", Rule::Email);
    }
    e.chars("firstName", &f.first_name);
    e.chars("lastName", &f.last_name);
    e.chars("email", &f.email);
    for l in &f.labels {
        e.chars("labels", l);
    }
    if f.labels.len() > LABELS_MAX {
        e.push("labels", Rule::TooMany { max: LABELS_MAX });
    }
    if f.labels.iter().any(|l| char_len(l) > LABEL_MAX) {
        e.push("labels", Rule::MaxLength { max: LABEL_MAX });
    }
    if let Some(t) = f.session_timeout_minutes {
        if !(SESSION_TIMEOUT_MIN..=SESSION_TIMEOUT_MAX).contains(&t)
            || t % SESSION_TIMEOUT_STEP != 0
        {
            e.push(
                "sessionTimeoutMinutes",
                Rule::StepRange {
                    min: SESSION_TIMEOUT_MIN,
                    max: SESSION_TIMEOUT_MAX,
                    step: SESSION_TIMEOUT_STEP,
                },
            );
        }
    }
    if f.kiosk_mode && !f.role.may_use_kiosk() {
        e.push(
            "kioskMode",
            Rule::NotForRole {
                role: f.role.to_string(),
            },
        );
    }
    if f.read_only_mode && !f.role.may_use_read_only_mode() {
        e.push(
            "readOnlyMode",
            Rule::NotForRole {
                role: f.role.to_string(),
            },
        );
    }
    if let Some(d) = f.expires_on {
        if d <= today && !f.disabled {
            e.push("expiresOn", Rule::DateInPast);
        }
    }
    if !LANGUAGES.contains(&f.language.as_str()) {
        e.push(
            "language",
            Rule::OneOf {
                allowed: LANGUAGES.join(", "),
            },
        );
    }
    e.finish()
}

/// Default account expiry: one year from today (OPR-1).
pub fn default_expiry(today: Date) -> Date {
    today
        .checked_add(jiff::Span::new().years(1))
        .unwrap_or(today)
}

/// Whether the account has reached its expiry date and must be disabled (OPR-1).
pub fn is_expired(expires_on: Option<Date>, today: Date) -> bool {
    expires_on.is_some_and(|d| d <= today)
}

/// Avatar upload: PNG, JPEG or GIF, at most [`AVATAR_MAX_BYTES`]. Returns the content type.
pub fn check_avatar(bytes: &[u8]) -> Result<&'static str, Rule> {
    if bytes.len() > AVATAR_MAX_BYTES {
        return Err(Rule::ImageTooLarge {
            max_kib: AVATAR_MAX_BYTES / 1024,
        });
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Ok("image/gif")
    } else {
        Err(Rule::ImageType)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        jiff::civil::date(2026, 11, 22)
    }

    fn base() -> AccountFields {
        AccountFields {
            login_name: "alice".into(),
            role: Role::Operator,
            first_name: "Alice".into(),
            last_name: "Martin".into(),
            phone_number: "0123456789".into(),
            mobile: String::new(),
            email: "alice@example.com".into(),
            labels: vec!["north".into()],
            session_timeout_minutes: Some(15),
            kiosk_mode: false,
            read_only_mode: false,
            disabled: false,
            force_password_change: true,
            expires_on: Some(default_expiry(today())),
            language: "en".into(),
        }
    }

    fn fields_of(r: Result<(), Vec<FieldError>>) -> Vec<String> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field.into_owned())
            .collect()
    }

    #[test]
    fn opr_1_valid_account_passes() {
        assert_eq!(validate(&base(), today()), Ok(()));
    }

    #[test]
    fn opr_1_login_name_required_and_at_most_15() {
        let mut f = base();
        f.login_name = String::new();
        assert_eq!(fields_of(validate(&f, today())), ["loginName"]);
        f.login_name = "a".repeat(15);
        assert_eq!(validate(&f, today()), Ok(()));
        f.login_name = "a".repeat(16);
        assert_eq!(fields_of(validate(&f, today())), ["loginName"]);
        f.login_name = "with space".into();
        assert_eq!(fields_of(validate(&f, today())), ["loginName"]);
    }

    #[test]
    fn opr_1_names_at_most_31_together_spaces_included() {
        let mut f = base();
        f.first_name = "a".repeat(15);
        f.last_name = "b".repeat(15); // 15 + space + 15 = 31
        assert_eq!(validate(&f, today()), Ok(()));
        f.last_name = "b".repeat(16);
        assert_eq!(fields_of(validate(&f, today())), ["lastName"]);
    }

    #[test]
    fn opr_1_phone_and_mobile_at_most_15_digits() {
        let mut f = base();
        f.phone_number = "1".repeat(15);
        f.mobile = "2".repeat(15);
        assert_eq!(validate(&f, today()), Ok(()));
        f.phone_number = "1".repeat(16);
        f.mobile = "+33 6".into();
        assert_eq!(fields_of(validate(&f, today())), ["phoneNumber", "mobile"]);
    }

    #[test]
    fn opr_1_session_timeout_5_to_30_in_steps_of_5() {
        let mut f = base();
        for ok in [5, 10, 25, 30] {
            f.session_timeout_minutes = Some(ok);
            assert_eq!(validate(&f, today()), Ok(()), "{ok}");
        }
        for bad in [0, 4, 7, 35] {
            f.session_timeout_minutes = Some(bad);
            assert_eq!(fields_of(validate(&f, today())), ["sessionTimeoutMinutes"]);
        }
    }

    #[test]
    fn opr_1_kiosk_only_for_support_and_read_only() {
        let mut f = base();
        f.kiosk_mode = true;
        assert_eq!(fields_of(validate(&f, today())), ["kioskMode"]);
        f.role = Role::Support;
        assert_eq!(validate(&f, today()), Ok(()));
        f.role = Role::ReadOnly;
        assert_eq!(validate(&f, today()), Ok(()));
    }

    #[test]
    fn opr_1_expiry_defaults_one_year_and_must_be_future() {
        assert_eq!(default_expiry(today()), jiff::civil::date(2027, 11, 22));
        let mut f = base();
        f.expires_on = Some(today());
        assert_eq!(fields_of(validate(&f, today())), ["expiresOn"]);
        f.disabled = true;
        assert_eq!(validate(&f, today()), Ok(()));
        assert!(is_expired(Some(today()), today()));
        assert!(!is_expired(None, today()));
    }

    #[test]
    fn rbac_2_normalise_forces_read_only_for_read_only_role() {
        let mut f = base();
        f.role = Role::ReadOnly;
        f.read_only_mode = false;
        assert!(normalise(f).read_only_mode);
        let mut f = base();
        f.read_only_mode = true;
        assert!(!normalise(f).read_only_mode);
    }

    #[test]
    fn opr_7_avatar_type_and_size() {
        assert_eq!(check_avatar(b"\x89PNG\r\n\x1a\nrest"), Ok("image/png"));
        assert_eq!(check_avatar(b"GIF89a..."), Ok("image/gif"));
        assert_eq!(check_avatar(b"<svg></svg>"), Err(Rule::ImageType));
        let big = vec![0xFFu8; AVATAR_MAX_BYTES + 1];
        assert!(matches!(
            check_avatar(&big),
            Err(Rule::ImageTooLarge { .. })
        ));
    }
}
