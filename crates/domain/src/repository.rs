//! The software repository (SWR-1) and the upgrade rules (UPG-1, PRF-9, SYS-4): release versions
//! and how they compare, what a release upload must say about itself, and the header grammar of
//! the tus resumable-upload protocol the uploads speak.

use crate::system::Profile;
use crate::Rule;
use base64::Engine;
use std::cmp::Ordering;

/// The tus protocol version served.
pub const TUS_VERSION: &str = "1.0.0";
/// The tus extensions served.
pub const TUS_EXTENSIONS: &str = "creation,termination,checksum,expiration";
/// The checksum algorithms a PATCH may name (`Upload-Checksum`).
pub const TUS_CHECKSUMS: &str = "sha1,sha256";
/// The largest release accepted (16 GiB).
pub const MAX_RELEASE_SIZE: u64 = 16 * 1024 * 1024 * 1024;
/// Unfinished uploads one account may hold at once (bounds the space abandoned uploads take).
pub const MAX_OPEN_UPLOADS: i64 = 4;
/// An unfinished upload untouched for this long is forgotten, its bytes removed.
pub const UPLOAD_IDLE_HOURS: i64 = 24;
/// The longest release file name.
pub const MAX_NAME: usize = 200;
/// The longest version text.
pub const MAX_VERSION: usize = 40;

/// A software version: numbers and words separated by `.`, `-` or `_` (`11.1.3.1`,
/// `12.2.0.0.7`, `12.0-sp1`). Numbers compare as numbers, a missing part is lower than any
/// (`12.0` < `12.0.1`), a number is higher than a word in the same place (`12.0.beta` <
/// `12.0.1`).
#[derive(Debug, Clone)]
pub struct Version {
    text: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    // Declared first: a word sorts below a number.
    Word(String),
    Number(u64),
}

impl Version {
    /// A version as a system or an upload states it; `None` when it is not one.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if s.is_empty()
            || s.len() > MAX_VERSION
            || !s.starts_with(|c: char| c.is_ascii_digit())
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            return None;
        }
        let mut parts = Vec::new();
        for piece in s.split(['.', '-', '_']) {
            if piece.is_empty() {
                return None;
            }
            parts.push(match piece.parse::<u64>() {
                Ok(n) => Part::Number(n),
                Err(_) => Part::Word(piece.to_ascii_lowercase()),
            });
        }
        Some(Self {
            text: s.to_string(),
            parts,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// A text whose byte order is the versions' order, for a database index (`ORDER BY`): each
    /// number zero-padded to 20 digits behind `1`, each word behind `0`.
    pub fn sort_key(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Number(n) => format!("1{n:020}"),
                Part::Word(w) => format!("0{w}"),
            })
            .collect::<Vec<_>>()
            .join(".")
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.parts == other.parts
    }
}
impl Eq for Version {}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts.cmp(&other.parts)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// A release file name: a plain file name (no folder, no control character, not `.` or `..`).
pub fn valid_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_NAME
        && name != "."
        && name != ".."
        && !name.starts_with(' ')
        && !name.ends_with(' ')
        && !name
            .chars()
            .any(|c| c.is_control() || matches!(c, '/' | '\\' | '"' | '<' | '>' | '|' | '*' | '?'))
}

/// What a release upload says about itself (tus `Upload-Metadata`, or the console's form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseMeta {
    pub name: String,
    pub version: Version,
    pub profile: Profile,
}

/// The profiles a release may be for: every profile that can be upgraded (not `legacy`, which
/// is monitoring only).
pub fn upgradable_profiles() -> impl Iterator<Item = Profile> {
    Profile::ALL.into_iter().filter(|p| *p != Profile::Legacy)
}

/// Check a release's stated name, version and profile; every problem is reported, by field
/// (`filename`, `version`, `profile`).
pub fn release_meta(
    name: Option<&str>,
    version: Option<&str>,
    profile: Option<&str>,
) -> Result<ReleaseMeta, Vec<(&'static str, Rule)>> {
    let mut errors = Vec::new();
    let name = match name.map(str::trim) {
        None | Some("") => {
            errors.push(("filename", Rule::Required));
            None
        }
        Some(n) if !valid_file_name(n) => {
            errors.push(("filename", Rule::Invalid));
            None
        }
        Some(n) => Some(n.to_string()),
    };
    let version = match version.map(str::trim) {
        None | Some("") => {
            errors.push(("version", Rule::Required));
            None
        }
        Some(v) => match Version::parse(v) {
            Some(v) => Some(v),
            None => {
                errors.push(("version", Rule::Invalid));
                None
            }
        },
    };
    let allowed = || {
        upgradable_profiles()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let profile = match profile.map(str::trim) {
        None | Some("") => {
            errors.push(("profile", Rule::Required));
            None
        }
        Some(p) => match Profile::parse(p).filter(|p| *p != Profile::Legacy) {
            Some(p) => Some(p),
            None => {
                errors.push(("profile", Rule::OneOf { allowed: allowed() }));
                None
            }
        },
    };
    match (name, version, profile) {
        (Some(name), Some(version), Some(profile)) if errors.is_empty() => Ok(ReleaseMeta {
            name,
            version,
            profile,
        }),
        _ => Err(errors),
    }
}

/// tus `Upload-Metadata`: comma-separated `key base64value` pairs (a key may stand alone).
/// Keys are unique, values UTF-8; anything else is malformed.
pub fn parse_metadata(header: &str) -> Option<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    for pair in header.split(',') {
        let pair = pair.trim();
        if pair.is_empty() {
            continue;
        }
        let mut it = pair.split(' ').filter(|s| !s.is_empty());
        let key = it.next()?;
        let value = match it.next() {
            Some(v) => {
                String::from_utf8(base64::engine::general_purpose::STANDARD.decode(v).ok()?).ok()?
            }
            None => String::new(),
        };
        if it.next().is_some()
            || key.is_empty()
            || !key.chars().all(|c| c.is_ascii_graphic() && c != ',')
            || out.iter().any(|(k, _)| k == key)
        {
            return None;
        }
        out.push((key.to_string(), value));
    }
    Some(out)
}

/// A checksum algorithm of the tus checksum extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumAlgorithm {
    Sha1,
    Sha256,
}

/// tus `Upload-Checksum: <algorithm> <base64 digest>`. `Err(true)` when the algorithm is not
/// one served (400), `Err(false)` when the header is malformed.
pub fn parse_checksum(header: &str) -> Result<(ChecksumAlgorithm, Vec<u8>), bool> {
    let (alg, digest) = header.trim().split_once(' ').ok_or(false)?;
    let alg = match alg.to_ascii_lowercase().as_str() {
        "sha1" => ChecksumAlgorithm::Sha1,
        "sha256" => ChecksumAlgorithm::Sha256,
        _ => return Err(true),
    };
    let digest = base64::engine::general_purpose::STANDARD
        .decode(digest.trim())
        .map_err(|_| false)?;
    let want = match alg {
        ChecksumAlgorithm::Sha1 => 20,
        ChecksumAlgorithm::Sha256 => 32,
    };
    if digest.len() != want {
        return Err(false);
    }
    Ok((alg, digest))
}

/// Why a system cannot move to a release (UPG-1, PRF-9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpgradeRefusal {
    /// The release is for another profile.
    OtherProfile,
    /// The system already runs that version.
    SameVersion,
    /// The release is older than the system's version and PRF-9 does not allow downgrades.
    Downgrade,
}

impl UpgradeRefusal {
    pub fn code(self) -> &'static str {
        match self {
            UpgradeRefusal::OtherProfile => "upgrade-other-profile",
            UpgradeRefusal::SameVersion => "upgrade-same-version",
            UpgradeRefusal::Downgrade => "upgrade-downgrade",
        }
    }
}

/// Whether a system of `profile` running `current` may move to `target` of `target_profile`.
/// A system whose version cannot be read may only be upgraded when downgrades are allowed (the
/// hub cannot tell which way it goes).
pub fn may_move(
    profile: &str,
    current: &str,
    target_profile: Profile,
    target: &Version,
    allow_downgrade: bool,
) -> Result<(), UpgradeRefusal> {
    if profile != target_profile.as_str() {
        return Err(UpgradeRefusal::OtherProfile);
    }
    match Version::parse(current) {
        Some(cur) if cur == *target => Err(UpgradeRefusal::SameVersion),
        Some(cur) if cur > *target && !allow_downgrade => Err(UpgradeRefusal::Downgrade),
        None if !allow_downgrade => Err(UpgradeRefusal::Downgrade),
        _ => Ok(()),
    }
}

/// SYS-4 "new version available": the newest of `releases` (versions in the repository for the
/// system's profile) when it is newer than what the system runs.
pub fn newer_release<'a>(
    current: &str,
    releases: impl IntoIterator<Item = &'a Version>,
) -> Option<&'a Version> {
    let cur = Version::parse(current)?;
    releases.into_iter().filter(|v| **v > cur).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|| panic!("{s} is a version"))
    }

    #[test]
    fn swr_1_versions_compare_as_numbers() {
        assert!(v("11.1.3.1") < v("11.1.10.0"));
        assert!(v("12.0") < v("12.0.1"));
        assert!(v("12.0.beta") < v("12.0.1"));
        assert!(v("12.2.0.0.7") > v("12.1.99"));
        assert_eq!(v("12.0-1"), v("12.0.1"));
        for bad in [
            "",
            "v12",
            "12..1",
            "12.0 1",
            "1.2/3",
            "12.",
            &"1".repeat(41),
        ] {
            assert!(Version::parse(bad).is_none(), "{bad:?}");
        }
        // The sort key orders as the versions do.
        let mut vs = [
            "12.0.1",
            "11.1.10.0",
            "12.0",
            "11.1.3.1",
            "12.0.beta",
            "9.9",
        ]
        .map(v);
        let mut by_key = vs.clone();
        vs.sort();
        by_key.sort_by_key(|x| x.sort_key());
        assert_eq!(vs, by_key);
    }

    #[test]
    fn swr_1_release_metadata_reports_every_problem() {
        let ok = release_meta(Some("ipo-12.1.bin"), Some("12.1.0.0.5"), Some("ip500v2"))
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(ok.version.as_str(), "12.1.0.0.5");
        let errs = release_meta(Some("../x"), Some("latest"), Some("legacy")).err();
        let fields: Vec<_> = errs
            .unwrap_or_default()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["filename", "version", "profile"]);
        let errs = release_meta(None, None, None).err().unwrap_or_default();
        assert!(errs.iter().all(|(_, r)| *r == Rule::Required));
        for bad in ["a/b", "a\\b", "..", "x\u{0}y", " lead"] {
            assert!(!valid_file_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn swr_1_tus_metadata_and_checksum_headers() {
        let m = parse_metadata("filename aXBvLmJpbg==, version MTIuMQ==,profile aXA1MDB2Mg==,flag")
            .unwrap_or_default();
        assert_eq!(
            m,
            [
                ("filename".into(), "ipo.bin".into()),
                ("version".into(), "12.1".into()),
                ("profile".into(), "ip500v2".into()),
                ("flag".into(), String::new())
            ]
        );
        assert!(parse_metadata("filename !!!").is_none());
        assert!(parse_metadata("a YQ==,a YQ==").is_none());
        assert!(parse_metadata("").is_some_and(|m| m.is_empty()));
        let sha1 = "qvTGHdzF6KLavt4PO0gs2a6pQ00=";
        assert_eq!(
            parse_checksum(&format!("sha1 {sha1}")).map(|(a, d)| (a, d.len())),
            Ok((ChecksumAlgorithm::Sha1, 20))
        );
        assert_eq!(parse_checksum("md5 1B2M2Y8AsgTpgAmY7PhCfg=="), Err(true));
        assert_eq!(parse_checksum("sha1 short"), Err(false));
        assert_eq!(parse_checksum("sha1"), Err(false));
    }

    #[test]
    fn upg_1_prf_9_moves_follow_profile_and_downgrade_rules() {
        let target = v("12.1.0");
        assert_eq!(
            may_move("ip500v2", "12.0", Profile::Ip500v2, &target, false),
            Ok(())
        );
        assert_eq!(
            may_move("server-edition", "12.0", Profile::Ip500v2, &target, true),
            Err(UpgradeRefusal::OtherProfile)
        );
        assert_eq!(
            may_move("ip500v2", "12.1.0", Profile::Ip500v2, &target, true),
            Err(UpgradeRefusal::SameVersion)
        );
        assert_eq!(
            may_move("ip500v2", "12.2", Profile::Ip500v2, &target, false),
            Err(UpgradeRefusal::Downgrade)
        );
        assert_eq!(
            may_move("ip500v2", "12.2", Profile::Ip500v2, &target, true),
            Ok(())
        );
        assert_eq!(
            may_move("ip500v2", "", Profile::Ip500v2, &target, false),
            Err(UpgradeRefusal::Downgrade)
        );
    }

    #[test]
    fn sys_4_a_newer_release_is_found() {
        let rs = [v("12.0"), v("12.1.2"), v("11.9")];
        assert_eq!(
            newer_release("12.1", &rs).map(|v| v.as_str()),
            Some("12.1.2")
        );
        assert_eq!(newer_release("12.1.2", &rs), None);
        assert_eq!(newer_release("", &rs), None);
    }
}
