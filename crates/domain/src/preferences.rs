//! PRF-1 … PRF-11: the hub's server preferences, their defaults and limits.

use crate::validation::{char_len, Errors, FieldError, Rule};
use serde::{Deserialize, Serialize};

pub const SYSTEM_NAME_MAX: usize = 32;
pub const BANNER_TITLE_MAX: usize = 100;
pub const BANNER_TEXT_MAX: usize = 4000;
pub const PASSWORD_HISTORY_MAX: i64 = 24;
pub const LOG_RETENTION_MAX: i64 = 3650;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum LogLevel {
    Error,
    Info,
    Debug,
}

impl LogLevel {
    /// The tracing filter directive for this level.
    pub fn directive(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
        }
    }
}

/// PRF-3: which certificate checks apply to connections made to and by the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SecurityLevel {
    /// Accept any certificate (lab use).
    Unrestricted,
    /// Certificates must chain to a trusted root.
    Medium,
    /// Trusted chain and matching name.
    High,
}

impl SecurityLevel {
    /// The word the hub mirrors it as, and reads back at start.
    pub fn as_str(self) -> &'static str {
        match self {
            SecurityLevel::Unrestricted => "unrestricted",
            SecurityLevel::Medium => "medium",
            SecurityLevel::High => "high",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        match word.trim() {
            "unrestricted" => Some(SecurityLevel::Unrestricted),
            "medium" => Some(SecurityLevel::Medium),
            "high" => Some(SecurityLevel::High),
            _ => None,
        }
    }

    /// PRF-3 for a PostgreSQL connection that asks for TLS (`sslmode=require`): the `sslmode`
    /// this level makes of it — encrypt only, or verify the chain and the name. Medium verifies
    /// the name too: the database driver's `verify-ca` cannot leave the name out with the TLS
    /// library in use (it refuses a name mismatch as well), as the S3 client cannot.
    pub fn postgres_ssl_mode(self) -> &'static str {
        match self {
            SecurityLevel::Unrestricted => "require",
            SecurityLevel::Medium | SecurityLevel::High => "verify-full",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityBanner {
    pub enabled: bool,
    pub title: String,
    /// Basic HTML, stored sanitised.
    pub description: String,
}

/// All server preferences, stored as one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Preferences {
    /// PRF-1: default idle timeout in minutes.
    pub session_timeout_minutes: i64,
    /// PRF-2: how many previous passwords may not be reused.
    pub password_history_count: i64,
    /// PRF-3.
    pub security_level: SecurityLevel,
    /// PRF-4: days CPE diagnostic logs are kept.
    pub log_retention_days: i64,
    /// PRF-5: shown under the menu bar when set.
    pub system_name: String,
    /// PRF-6.
    pub security_banner: SecurityBanner,
    /// PRF-7: effective immediately.
    pub log_level: LogLevel,
    /// PRF-8.
    pub client_logging: bool,
    /// PRF-9.
    pub allow_downgrades: bool,
    /// PRF-11.
    pub allow_customer_id_change: bool,
    /// RMT-8 (beyond the seeds): days ended remote-support sessions are kept.
    pub session_retention_days: i64,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            session_timeout_minutes: 15,
            password_history_count: 5,
            security_level: SecurityLevel::Medium,
            log_retention_days: 30,
            system_name: String::new(),
            security_banner: SecurityBanner {
                enabled: false,
                title: String::new(),
                description: String::new(),
            },
            log_level: LogLevel::Info,
            client_logging: false,
            allow_downgrades: false,
            allow_customer_id_change: false,
            session_retention_days: 90,
        }
    }
}

/// PRF-6: keep headings, paragraphs, bold, italic, underline and line breaks; drop everything else
/// (scripts, attributes, links, styles).
pub fn sanitise_banner(html: &str) -> String {
    ammonia::Builder::empty()
        .add_tags([
            "h1", "h2", "h3", "h4", "h5", "h6", "p", "b", "strong", "i", "em", "u", "br",
        ])
        .clean(html)
        .to_string()
}

impl Preferences {
    /// Check limits and sanitise the banner. Returns the preferences as they will be stored.
    pub fn validated(mut self) -> Result<Self, Vec<FieldError>> {
        let mut e = Errors::default();
        if !(5..=30).contains(&self.session_timeout_minutes)
            || self.session_timeout_minutes % 5 != 0
        {
            e.push(
                "sessionTimeoutMinutes",
                Rule::StepRange {
                    min: 5,
                    max: 30,
                    step: 5,
                },
            );
        }
        if !(0..=PASSWORD_HISTORY_MAX).contains(&self.password_history_count) {
            e.push(
                "passwordHistoryCount",
                Rule::Range {
                    min: 0,
                    max: PASSWORD_HISTORY_MAX,
                },
            );
        }
        if !(1..=LOG_RETENTION_MAX).contains(&self.log_retention_days) {
            e.push(
                "logRetentionDays",
                Rule::Range {
                    min: 1,
                    max: LOG_RETENTION_MAX,
                },
            );
        }
        if !(1..=LOG_RETENTION_MAX).contains(&self.session_retention_days) {
            e.push(
                "sessionRetentionDays",
                Rule::Range {
                    min: 1,
                    max: LOG_RETENTION_MAX,
                },
            );
        }
        self.system_name = self.system_name.trim().to_string();
        if char_len(&self.system_name) > SYSTEM_NAME_MAX {
            e.push(
                "systemName",
                Rule::MaxLength {
                    max: SYSTEM_NAME_MAX,
                },
            );
        }
        self.security_banner.title = self.security_banner.title.trim().to_string();
        if char_len(&self.security_banner.title) > BANNER_TITLE_MAX {
            e.push(
                "securityBanner.title",
                Rule::MaxLength {
                    max: BANNER_TITLE_MAX,
                },
            );
        }
        if char_len(&self.security_banner.description) > BANNER_TEXT_MAX {
            e.push(
                "securityBanner.description",
                Rule::MaxLength {
                    max: BANNER_TEXT_MAX,
                },
            );
        }
        e.chars("systemName", &self.system_name);
        e.chars("securityBanner.title", &self.security_banner.title);
        e.multiline(
            "securityBanner.description",
            &self.security_banner.description,
        );
        if self.security_banner.enabled && self.security_banner.title.is_empty() {
            e.push("securityBanner.title", Rule::Required);
        }
        self.security_banner.description = sanitise_banner(&self.security_banner.description);
        e.finish().map(|()| self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prf_6_banner_keeps_basic_html_and_drops_scripts() {
        let s = sanitise_banner(
            "<h2>Notice</h2><p onclick=\"x()\"><b>Authorised</b> <i>use</i> <u>only</u></p><script>alert(1)</script><a href=\"javascript:x\">link</a>",
        );
        assert_eq!(
            s,
            "<h2>Notice</h2><p><b>Authorised</b> <i>use</i> <u>only</u></p>link"
        );
    }

    #[test]
    fn prf_5_system_name_at_most_32() {
        let mut p = Preferences {
            system_name: "x".repeat(32),
            ..Preferences::default()
        };
        assert!(p.clone().validated().is_ok());
        p.system_name = "x".repeat(33);
        let err = p.validated().err().unwrap_or_default();
        assert_eq!(err[0].field, "systemName");
    }

    #[test]
    fn prf_1_prf_2_limits() {
        let p = Preferences {
            session_timeout_minutes: 31,
            password_history_count: -1,
            ..Preferences::default()
        };
        let fields: Vec<_> = p
            .validated()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["sessionTimeoutMinutes", "passwordHistoryCount"]);
    }

    #[test]
    fn prf_4_log_retention_default_30_days() {
        assert_eq!(Preferences::default().log_retention_days, 30);
    }
}
