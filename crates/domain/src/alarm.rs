//! Alarms (ALM-1, ALM-2): severities, types, and the fingerprint that makes repeats one row.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Critical,
    Major,
    Minor,
    Warning,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::Major,
        Severity::Minor,
        Severity::Warning,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Major => "major",
            Severity::Minor => "minor",
            Severity::Warning => "warning",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
    /// Sort rank: Critical first.
    pub fn rank(self) -> i64 {
        match self {
            Severity::Critical => 0,
            Severity::Major => 1,
            Severity::Minor => 2,
            Severity::Warning => 3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AlarmType {
    Configuration,
    Trunk,
    Link,
    Services,
    #[serde(rename = "qos")]
    QoS,
    Security,
}

impl AlarmType {
    pub const ALL: [AlarmType; 6] = [
        AlarmType::Configuration,
        AlarmType::Trunk,
        AlarmType::Link,
        AlarmType::Services,
        AlarmType::QoS,
        AlarmType::Security,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmType::Configuration => "configuration",
            AlarmType::Trunk => "trunk",
            AlarmType::Link => "link",
            AlarmType::Services => "services",
            AlarmType::QoS => "qos",
            AlarmType::Security => "security",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

pub const DESCRIPTION_MAX: usize = 500;

/// The description key: what identifies "the same alarm" besides customer, system and type. The
/// system may send one; otherwise it is the description with whitespace collapsed.
pub fn description_key(description: &str, key: Option<&str>) -> String {
    let src = key.filter(|k| !k.trim().is_empty()).unwrap_or(description);
    src.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// ALM-2 fingerprint of (customer, system, type, description key): hex SHA-256, stable across
/// nodes and engines, indexable.
pub fn fingerprint(customer: &str, system: &str, alarm_type: AlarmType, key: &str) -> String {
    let mut h = Sha256::new();
    for part in [customer, system, alarm_type.as_str(), key] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alm_2_same_alarm_same_fingerprint() {
        let k1 = description_key("Trunk  1 down", None);
        let k2 = description_key(" Trunk 1 down ", None);
        assert_eq!(k1, k2);
        let a = fingerprint("c1", "sys", AlarmType::Trunk, &k1);
        assert_eq!(a, fingerprint("c1", "sys", AlarmType::Trunk, &k2));
        assert_ne!(a, fingerprint("c2", "sys", AlarmType::Trunk, &k1));
        assert_ne!(a, fingerprint("c1", "sys2", AlarmType::Trunk, &k1));
        assert_ne!(a, fingerprint("c1", "sys", AlarmType::Link, &k1));
        // Field boundaries matter: ("ab","c") is not ("a","bc").
        assert_ne!(
            fingerprint("ab", "c", AlarmType::Link, "k"),
            fingerprint("a", "bc", AlarmType::Link, "k")
        );
        // An explicit key groups varying descriptions.
        assert_eq!(
            description_key("peer 1.2.3.4 failed", Some("tls-fail")),
            "tls-fail"
        );
    }

    #[test]
    fn alm_1_severities_and_types_parse() {
        assert_eq!(Severity::parse("Critical"), Some(Severity::Critical));
        assert_eq!(AlarmType::parse("QoS"), Some(AlarmType::QoS));
        assert_eq!(AlarmType::parse("bogus"), None);
        assert!(Severity::Critical.rank() < Severity::Warning.rank());
    }
}
