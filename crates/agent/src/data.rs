//! Where a system keeps what backups, restores and log collection work on (BKP-2…5, LOG-1): the
//! `[data]` table of `system.toml`.
//!
//! ```toml
//! [data]                              # optional; every key optional
//! configuration = "/etc/asterisk"     # default: data/configuration
//! voicemail_configuration = "/etc/asterisk/voicemail.d"   # default: data/voicemail-configuration
//! custom_prompts = "/var/lib/asterisk/sounds/custom"       # default: data/custom-prompts
//! mailboxes = "/var/spool/asterisk/voicemail/default"      # default: data/mailboxes (a folder per mailbox)
//! logs = "/var/log/asterisk"          # default: logs
//! ```
//!
//! Relative paths are inside the system directory, so a simulated system and a real PBX use the
//! same code. Call recordings are never backed up: a folder named `recordings` anywhere below
//! these paths is left out.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What a backup may hold (BKP-2, BKP-4), as the hub names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Item {
    Configuration,
    VoicemailConfiguration,
    CustomPrompts,
    Mailboxes,
}

impl Item {
    pub const ALL: [Item; 4] = [
        Item::Configuration,
        Item::VoicemailConfiguration,
        Item::CustomPrompts,
        Item::Mailboxes,
    ];

    /// The item's folder name inside a backup archive.
    pub fn as_str(self) -> &'static str {
        match self {
            Item::Configuration => "configuration",
            Item::VoicemailConfiguration => "voicemailConfiguration",
            Item::CustomPrompts => "customPrompts",
            Item::Mailboxes => "mailboxes",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.as_str() == s)
    }
}

/// Folders never backed up, wherever they are (BKP-4: call recordings).
pub const NEVER_BACKED_UP: &[&str] = &["recordings"];

/// The `[data]` table as written.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawData {
    configuration: Option<String>,
    voicemail_configuration: Option<String>,
    custom_prompts: Option<String>,
    mailboxes: Option<String>,
    logs: Option<String>,
}

/// The `[data]` paths, as written or defaulted (relative ones resolve against the system dir).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPaths {
    configuration: PathBuf,
    voicemail_configuration: PathBuf,
    custom_prompts: PathBuf,
    mailboxes: PathBuf,
    logs: PathBuf,
}

impl Default for DataPaths {
    fn default() -> Self {
        RawData::default().into()
    }
}

impl From<RawData> for DataPaths {
    fn from(r: RawData) -> Self {
        let p =
            |v: Option<String>, default: &str| PathBuf::from(v.unwrap_or_else(|| default.into()));
        Self {
            configuration: p(r.configuration, "data/configuration"),
            voicemail_configuration: p(r.voicemail_configuration, "data/voicemail-configuration"),
            custom_prompts: p(r.custom_prompts, "data/custom-prompts"),
            mailboxes: p(r.mailboxes, "data/mailboxes"),
            logs: p(r.logs, "logs"),
        }
    }
}

impl DataPaths {
    /// The folder of `item` for the system whose directory is `dir`.
    pub fn item(&self, dir: &Path, item: Item) -> PathBuf {
        dir.join(match item {
            Item::Configuration => &self.configuration,
            Item::VoicemailConfiguration => &self.voicemail_configuration,
            Item::CustomPrompts => &self.custom_prompts,
            Item::Mailboxes => &self.mailboxes,
        })
    }

    /// The folder of the system's log files.
    pub fn logs(&self, dir: &Path) -> PathBuf {
        dir.join(&self.logs)
    }
}

/// The plain files below `root` with their metadata, as `/`-separated relative paths, sorted;
/// folders named in `skip` are not entered, links are not followed. A missing `root` has none.
pub fn files_below(
    root: &Path,
    skip: &[&str],
) -> std::io::Result<Vec<(String, std::fs::Metadata)>> {
    let mut out = Vec::new();
    if !root.is_dir() {
        return Ok(out);
    }
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in std::fs::read_dir(root.join(&rel))? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = rel.join(&name);
            if kind.is_dir() && !skip.contains(&name.as_str()) {
                stack.push(path);
            } else if kind.is_file() {
                out.push((path.to_string_lossy().replace('\\', "/"), entry.metadata()?));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bkp_4_data_paths_default_inside_the_system_dir_and_absolute_ones_stay() {
        let dir = Path::new("/srv/sys");
        let d = DataPaths::default();
        assert_eq!(
            d.item(dir, Item::Mailboxes),
            Path::new("/srv/sys/data/mailboxes")
        );
        assert_eq!(d.logs(dir), Path::new("/srv/sys/logs"));
        let d: DataPaths = RawData {
            configuration: Some("/etc/asterisk".into()),
            ..Default::default()
        }
        .into();
        assert_eq!(d.item(dir, Item::Configuration), Path::new("/etc/asterisk"));
        for i in Item::ALL {
            assert_eq!(Item::parse(i.as_str()), Some(i));
        }
    }
}
