//! Customization files on the system (CST-2, CST-4, CST-5).
//!
//! A refresh (CST-4) fetches the hub's archives in layers — the distributor's folder, then the
//! reseller's, then the system's own — and unpacks each over the previous ones (a later file of
//! the same name wins) into a fresh `custom.new/` beside the current set:
//!
//! ```text
//! DIR/custom/phone-files/   what CustomPhoneFiles.tar layers hold (46xxspecials.txt, images)
//! DIR/custom/templates/     what CustomTemplates.tar layers hold (SIP trunk templates)
//! ```
//!
//! Only when every layer arrived with its checksum and unpacked does the new set replace the old
//! one (two renames); a failure leaves the system with what it had. Archives are unpacked
//! defensively whatever the hub checked: regular files and folders only (no links, devices or
//! FIFOs), plain relative names (no `..`, no absolute path), at most [`MAX_ENTRIES`] entries and
//! [`MAX_EXPANDED`] bytes in all — each entry's declared size is weighed before a byte is
//! written, and nothing is written outside the staging folder.
//!
//! `CustomData.xml` (CST-2, CST-5) is applied once, at the system's first connection: its
//! settings become the `[flags]` and `[voicemail_backup]` of `system.toml` (edited in place,
//! comments kept), the file is kept as `DIR/CustomData.xml`, and `DIR/customdata.json` records
//! that it was applied — asked again, the agent answers that it is done and changes nothing.

use patchbay_proto::{CustomLayer, CustomSetting};
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// The customization files in use, under the system directory.
pub const CUSTOM: &str = "custom";
/// Where `CustomPhoneFiles.tar` layers go, under [`CUSTOM`].
pub const PHONE_FILES_DIR: &str = "phone-files";
/// Where `CustomTemplates.tar` layers go, under [`CUSTOM`].
pub const TEMPLATES_DIR: &str = "templates";
/// The record of the applied `CustomData.xml`, under the system directory.
pub const APPLIED: &str = "customdata.json";
/// The applied file, kept under the system directory.
pub const CUSTOM_DATA: &str = "CustomData.xml";
/// At most this many entries across a refresh's archives.
pub const MAX_ENTRIES: usize = 2000;
/// At most this many bytes unpacked across a refresh's archives.
pub const MAX_EXPANDED: u64 = 64 * 1024 * 1024;

/// Why the system cannot take customization files.
pub const CENTRAL_DISABLED: &str = "central management is disabled on this system";

/// Where a layer's archive unpacks, under the staging folder; `None`: not an archive a refresh
/// uses.
fn target_of(file: &str) -> Option<&'static str> {
    match file {
        "CustomPhoneFiles.tar" => Some(PHONE_FILES_DIR),
        "CustomTemplates.tar" => Some(TEMPLATES_DIR),
        _ => None,
    }
}

/// What is still allowed across one refresh.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub entries: usize,
    pub bytes: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            entries: MAX_ENTRIES,
            bytes: MAX_EXPANDED,
        }
    }
}

/// An entry's name as a relative path of plain components; `None` for anything else (`..`, an
/// absolute path, a drive prefix, an empty name).
fn plain(name: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in name.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// Unpack the tar `archive` into `into` (which exists), over what is there. Returns how many
/// files it wrote. Refuses — having written only inside `into` — links, special files, names
/// that leave the folder, and more entries or bytes than `budget` has left.
pub fn unpack(archive: &Path, into: &Path, budget: &mut Budget) -> Result<usize, String> {
    let mut tar = tar::Archive::new(File::open(archive).map_err(|e| e.to_string())?);
    let mut files = 0;
    for entry in tar.entries().map_err(|e| e.to_string())? {
        let mut entry = entry.map_err(|e| format!("not a tar archive: {e}"))?;
        let raw = entry.path().map_err(|e| e.to_string())?.into_owned();
        let shown = raw.display().to_string();
        if budget.entries == 0 {
            return Err(format!("more than {MAX_ENTRIES} entries"));
        }
        budget.entries -= 1;
        let kind = entry.header().entry_type();
        // `tar -C dir -cf x.tar .` begins with the folder itself (`./`): nothing to make.
        if kind.is_dir() && raw.components().all(|c| matches!(c, Component::CurDir)) {
            continue;
        }
        let rel = plain(&raw).ok_or_else(|| format!("{shown}: a name outside the folder"))?;
        if kind.is_dir() {
            fs::create_dir_all(into.join(&rel)).map_err(|e| format!("{shown}: {e}"))?;
            continue;
        }
        if !(kind.is_file() || kind == tar::EntryType::Continuous) {
            return Err(format!("{shown}: links and special files are refused"));
        }
        // The size the entry's data has (a PAX header's, when it gives one).
        let declared = entry.size();
        if declared > budget.bytes {
            return Err(format!(
                "{shown}: more than {MAX_EXPANDED} bytes once unpacked"
            ));
        }
        let dest = into.join(&rel);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{shown}: {e}"))?;
        }
        // A folder of that name from an earlier layer: the file cannot replace it.
        if dest.is_dir() {
            return Err(format!("{shown}: a folder of that name exists"));
        }
        let mut out = File::create(&dest).map_err(|e| format!("{shown}: {e}"))?;
        let written = io::copy(&mut (&mut entry).take(declared), &mut out)
            .map_err(|e| format!("{shown}: {e}"))?;
        if written != declared {
            return Err(format!("{shown}: the archive ends inside this file"));
        }
        budget.bytes -= written;
        files += 1;
    }
    Ok(files)
}

/// How a refresh ended: files unpacked per layer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refreshed {
    pub layers: usize,
    pub files: usize,
}

/// CST-4: build the new set in `DIR/custom.new` from the layers (each already downloaded to its
/// path, in order), then put it in place of `DIR/custom`.
pub fn install(dir: &Path, layers: &[(CustomLayer, PathBuf)]) -> Result<Refreshed, String> {
    let staging = dir.join(format!("{CUSTOM}.new"));
    let _ = fs::remove_dir_all(&staging);
    let built = build(&staging, layers);
    let done = built.and_then(|r| swap(dir, &staging).map(|()| r));
    let _ = fs::remove_dir_all(&staging);
    done
}

fn build(staging: &Path, layers: &[(CustomLayer, PathBuf)]) -> Result<Refreshed, String> {
    for sub in [PHONE_FILES_DIR, TEMPLATES_DIR] {
        fs::create_dir_all(staging.join(sub)).map_err(|e| e.to_string())?;
    }
    let mut budget = Budget::default();
    let mut done = Refreshed::default();
    for (layer, file) in layers {
        let sub = target_of(&layer.file)
            .ok_or_else(|| format!("{}: not a customization archive", layer.file))?;
        let (_, sha256) = crate::backup::sha256_file(file).map_err(|e| e.to_string())?;
        if !sha256.eq_ignore_ascii_case(&layer.sha256) {
            return Err(format!(
                "{} of the {} folder: the checksum differs from the hub's",
                layer.file, layer.folder
            ));
        }
        done.files += unpack(file, &staging.join(sub), &mut budget)
            .map_err(|e| format!("{} of the {} folder: {e}", layer.file, layer.folder))?;
        done.layers += 1;
    }
    Ok(done)
}

/// `staging` becomes `DIR/custom`; the old set goes.
fn swap(dir: &Path, staging: &Path) -> Result<(), String> {
    let current = dir.join(CUSTOM);
    let old = dir.join(format!("{CUSTOM}.old"));
    let _ = fs::remove_dir_all(&old);
    if current.exists() {
        fs::rename(&current, &old).map_err(|e| e.to_string())?;
    }
    if let Err(e) = fs::rename(staging, &current) {
        let _ = fs::rename(&old, &current);
        return Err(e.to_string());
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// `CustomData.xml`'s settings → `system.toml` keys (CST-5 → SYS-6).
const SETTING_KEYS: [(&str, &str, &str); 9] = [
    ("centralmgmt", "flags", "central_management"),
    ("centralcert", "flags", "auto_certificate_management"),
    ("remoteaccess", "flags", "remote_access"),
    ("remoteupgrade", "flags", "remote_upgrade_backup"),
    ("logtransfer", "flags", "central_diagnostic_logs"),
    ("externalremoteaccess", "flags", "colocated_servers"),
    ("backupconfig", "voicemail_backup", "configuration"),
    ("backupprompts", "voicemail_backup", "prompts"),
    ("backupmailboxes", "voicemail_backup", "mailboxes"),
];

/// What `customdata.json` records.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    pub applied_at: String,
    pub settings: Vec<(String, bool)>,
}

impl Applied {
    pub fn load(dir: &Path) -> Option<Self> {
        fs::read(dir.join(APPLIED))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
    }
}

/// Write `text` to `path` through a temporary file and a rename (a crash leaves one or the other).
fn replace(path: &Path, text: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, text)?;
    File::open(&tmp)?.sync_all()?;
    fs::rename(tmp, path)
}

/// CST-2, CST-5: apply `settings` to `DIR/system.toml` and keep `xml`, once. `Ok(false)`: it
/// was applied before, nothing changed.
pub fn apply_custom_data(
    dir: &Path,
    settings: &[CustomSetting],
    xml: &str,
) -> Result<bool, String> {
    if Applied::load(dir).is_some() {
        return Ok(false);
    }
    let path = dir.join(crate::system::SYSTEM_FILE);
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| format!("{}: {e}", crate::system::SYSTEM_FILE))?;
    for s in settings {
        let (_, table, key) = SETTING_KEYS
            .iter()
            .find(|(n, _, _)| *n == s.name)
            .ok_or_else(|| format!("unknown CustomData.xml setting {:?}", s.name))?;
        if !doc.contains_table(table) {
            doc.insert(table, toml_edit::Item::Table(toml_edit::Table::new()));
        }
        doc[table][key] = toml_edit::value(s.on);
    }
    let edited = doc.to_string();
    // What the agent writes, it can read back.
    crate::system::SystemConfig::parse(&edited).map_err(|e| e.to_string())?;
    replace(&dir.join(CUSTOM_DATA), xml.as_bytes()).map_err(|e| e.to_string())?;
    replace(&path, edited.as_bytes()).map_err(|e| e.to_string())?;
    let record = Applied {
        applied_at: jiff::Timestamp::now().to_string(),
        settings: settings.iter().map(|s| (s.name.clone(), s.on)).collect(),
    };
    replace(
        &dir.join(APPLIED),
        &serde_json::to_vec_pretty(&record).unwrap_or_default(),
    )
    .map_err(|e| e.to_string())?;
    Ok(true)
}

#[cfg(test)]
mod tests;
