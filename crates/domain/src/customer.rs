//! Providers and customers (TEN-1, CUS-1, CUS-3).

use crate::validation::{char_len, check_chars, is_email, Errors, FieldError, Rule};

pub const NAME_MAX: usize = 64;
pub const CUSTOMER_ID_MAX: usize = 63;
pub const TAGS_MAX: usize = 5;
pub const TAG_MAX: usize = 32;
pub const SERVICE_USER_MAX: usize = 32;
pub const SERVICE_PASSWORD_MAX: usize = 64;
pub const NOTES_MAX: usize = 1000;
pub const PHONE_MAX: usize = 20;
pub const DEFAULT_SERVICE_USER: &str = "COMAdmin";

/// A customer entry's editable fields, already trimmed (see [`normalise`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerFields {
    pub name: String,
    /// Used in remote-support addresses: a DNS label.
    pub customer_id: String,
    pub service_user_name: String,
    pub tags: Vec<String>,
    pub phone: String,
    pub email: String,
    pub notes: String,
    /// The service account may be disabled on the customer entry (SYS-3 "disabled by
    /// administrator").
    pub service_disabled: bool,
}

/// DNS-label safe: 1–63 of `a-z 0-9 -`, not starting or ending with `-`.
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= CUSTOMER_ID_MAX
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

pub fn normalise(mut f: CustomerFields) -> CustomerFields {
    f.name = f.name.trim().to_string();
    f.customer_id = f.customer_id.trim().to_lowercase();
    f.service_user_name = f.service_user_name.trim().to_string();
    if f.service_user_name.is_empty() {
        f.service_user_name = DEFAULT_SERVICE_USER.to_string();
    }
    f.phone = f.phone.trim().to_string();
    f.email = f.email.trim().to_string();
    f.notes = f.notes.trim().to_string();
    let mut tags: Vec<String> = Vec::new();
    for t in f.tags.iter().map(|t| t.trim()) {
        // Same key as the store's tag key (Unicode lower case), so duplicates never reach it.
        if !t.is_empty() && !tags.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
            tags.push(t.to_string());
        }
    }
    f.tags = tags;
    f
}

/// CUS-1 limits. `service_password` is checked when given (create, or change).
pub fn validate(f: &CustomerFields, service_password: Option<&str>) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    if f.name.is_empty() {
        e.push("name", Rule::Required);
    } else if char_len(&f.name) > NAME_MAX {
        e.push("name", Rule::MaxLength { max: NAME_MAX });
    }
    if f.customer_id.is_empty() {
        e.push("customerId", Rule::Required);
    } else if !is_dns_label(&f.customer_id) {
        e.push("customerId", Rule::DnsLabel);
    }
    if char_len(&f.service_user_name) > SERVICE_USER_MAX {
        e.push(
            "serviceUserName",
            Rule::MaxLength {
                max: SERVICE_USER_MAX,
            },
        );
    }
    if let Some(pw) = service_password {
        if pw.is_empty() {
            e.push("servicePassword", Rule::Required);
        } else if char_len(pw) > SERVICE_PASSWORD_MAX {
            e.push(
                "servicePassword",
                Rule::MaxLength {
                    max: SERVICE_PASSWORD_MAX,
                },
            );
        }
    }
    if f.tags.len() > TAGS_MAX {
        e.push("tags", Rule::TooMany { max: TAGS_MAX });
    }
    if f.tags.iter().any(|t| char_len(t) > TAG_MAX) {
        e.push("tags", Rule::MaxLength { max: TAG_MAX });
    }
    let phone_ok = f.phone.len() <= PHONE_MAX
        && f.phone
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || (i == 0 && c == '+'));
    if !phone_ok {
        e.push("phone", Rule::Digits { max: PHONE_MAX });
    }
    if !f.email.is_empty() && !is_email(&f.email) {
        e.push("email", Rule::Email);
    }
    if char_len(&f.notes) > NOTES_MAX {
        e.push("notes", Rule::MaxLength { max: NOTES_MAX });
    }
    e.chars("name", &f.name);
    e.chars("serviceUserName", &f.service_user_name);
    if let Some(pw) = service_password {
        e.chars("servicePassword", pw);
    }
    for t in &f.tags {
        e.chars("tags", t);
    }
    e.chars("email", &f.email);
    e.multiline("notes", &f.notes);
    e.finish()
}

/// Distributor and reseller names.
pub fn validate_provider_name(name: &str) -> Result<(), FieldError> {
    if name.trim().is_empty() {
        Err(FieldError::new("name", Rule::Required))
    } else if char_len(name.trim()) > NAME_MAX {
        Err(FieldError::new("name", Rule::MaxLength { max: NAME_MAX }))
    } else {
        check_chars(name, false).map_err(|r| FieldError::new("name", r))
    }
}

/// CUS-3: an operator whose label equals the customer's distributor or reseller name is assigned
/// automatically (case-insensitive).
pub fn label_assigns(labels: &[String], distributor: Option<&str>, reseller: Option<&str>) -> bool {
    labels.iter().any(|l| {
        distributor.is_some_and(|d| d.eq_ignore_ascii_case(l))
            || reseller.is_some_and(|r| r.eq_ignore_ascii_case(l))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> CustomerFields {
        normalise(CustomerFields {
            name: "Acme".into(),
            customer_id: "acme-01".into(),
            service_user_name: String::new(),
            tags: vec!["gold".into()],
            phone: "+33123456789".into(),
            email: "it@acme.example".into(),
            notes: String::new(),
            service_disabled: false,
        })
    }

    #[test]
    fn cus_1_valid_customer_and_default_service_user() {
        let f = base();
        assert_eq!(f.service_user_name, "COMAdmin");
        assert_eq!(validate(&f, Some("secret")), Ok(()));
    }

    #[test]
    fn cus_1_customer_id_is_a_dns_label() {
        for ok in ["a", "acme-01", "0abc", &"a".repeat(63)] {
            assert!(is_dns_label(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "a_b", "a.b", "Ab", &"a".repeat(64), "é"] {
            assert!(!is_dns_label(bad), "{bad}");
        }
        let mut f = base();
        f.customer_id = "Acme Corp".into();
        let f = normalise(f);
        assert_eq!(
            validate(&f, None)
                .err()
                .map(|e| e[0].field.clone().into_owned())
                .as_deref(),
            Some("customerId")
        );
    }

    #[test]
    fn cus_1_at_most_five_tags() {
        let mut f = base();
        f.tags = (0..6).map(|i| format!("t{i}")).collect();
        assert_eq!(
            validate(&f, None)
                .err()
                .map(|e| e[0].field.clone().into_owned())
                .as_deref(),
            Some("tags")
        );
        f.tags.truncate(5);
        assert_eq!(validate(&f, None), Ok(()));
        // Duplicates (any case) count once.
        let f = normalise(CustomerFields {
            tags: vec!["A".into(), "a".into(), " a ".into()],
            ..base()
        });
        assert_eq!(f.tags, ["A"]);
    }

    #[test]
    fn cus_1_service_password_required_on_create() {
        assert_eq!(
            validate(&base(), Some(""))
                .err()
                .map(|e| e[0].field.clone().into_owned())
                .as_deref(),
            Some("servicePassword")
        );
    }

    #[test]
    fn cus_3_label_matches_distributor_or_reseller() {
        let labels = vec!["North".to_string()];
        assert!(label_assigns(&labels, Some("north"), None));
        assert!(label_assigns(&labels, None, Some("NORTH")));
        assert!(!label_assigns(&labels, Some("south"), Some("east")));
    }
}
