//! Customization files (CST-1…6): the files a distributor, reseller or customer folder may hold,
//! and the check every upload gets before it is accepted (beyond the seeds, CST-6): a
//! `CustomPhoneFiles.tar` or `CustomTemplates.tar` is opened in memory — never unpacked to disk —
//! and every problem is reported at once; `CustomData.xml` is checked against CST-5's schema.
//!
//! A crafted archive is refused safely: entries are only read, with their declared sizes checked
//! against what the archive holds; links, devices and paths leaving the archive are problems, not
//! files; a compressed archive is expanded only up to [`MAX_EXPANDED`].

pub mod script;

use std::collections::BTreeSet;
use std::io::Read;

/// CST-2: the largest file a folder accepts.
pub const MAX_FILE: u64 = 10 * 1024 * 1024;
/// The most a compressed archive may expand to before it is refused (a decompression bomb).
pub const MAX_EXPANDED: u64 = 64 * 1024 * 1024;
/// The most entries an archive may hold.
pub const MAX_ENTRIES: usize = 2000;
pub const PHONE_FILES: &str = "CustomPhoneFiles.tar";
pub const TEMPLATES: &str = "CustomTemplates.tar";
pub const CUSTOM_DATA: &str = "CustomData.xml";
/// CST-2: SIP trunk templates per system.
pub const MAX_TEMPLATES: usize = 4;
/// J100: the largest image.
pub const J100_MAX_BYTES: u64 = 156 * 1024;

/// The three names a system uses; other names are kept but unused (CST-3).
pub const STANDARD: [&str; 3] = [PHONE_FILES, TEMPLATES, CUSTOM_DATA];
/// CST-2: how long after a system's first contact its `CustomData.xml` may still be applied
/// (the agent may need a reconnection or two to take it); later, never.
pub const CUSTOM_DATA_WINDOW: std::time::Duration = std::time::Duration::from_secs(3600);

/// One problem of an uploaded file: an error refuses it, a warning is shown and kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    pub error: bool,
    /// The message id's suffix (`cst-problem-<code>`).
    pub code: &'static str,
    /// Where: an entry of the archive, or `46xxspecials.txt:12`.
    pub at: String,
    /// What: the value at fault, or the limit it breaks.
    pub value: String,
}

impl Problem {
    fn error(code: &'static str, at: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            error: true,
            code,
            at: at.into(),
            value: value.into(),
        }
    }
    fn warning(code: &'static str, at: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            error: false,
            ..Self::error(code, at, value)
        }
    }

    /// English text, for logs and the API's default language.
    pub fn english(&self) -> String {
        format!("{}: {}", self.at, detail(self.code, &self.value))
    }
}

/// The English text of a problem `code` about `value` (without where it is).
pub fn detail(code: &str, value: &str) -> String {
    match code {
        "not-archive" => format!("not a tar archive ({value})"),
        // WGO-4: a bulk file's header and rows.
        "csv-empty" => "the file has no header row".into(),
        "csv-missing" => format!("the column {value} is missing"),
        "csv-unknown" => format!("the column {value} is not one of the template's"),
        "csv-duplicate" => format!("the column {value} appears twice"),
        "csv-subscription" => {
            format!(
                "the organisation has no mobile subscription {value}: download the template again"
            )
        }
        "csv-no-subscription" => "no subscription column: download the template again".into(),
        "csv-unreadable" => format!("cannot be read as UTF-8 CSV at line {value}"),
        "csv-no-rows" => "has no rows below its header".into(),
        // MOB-2: a mobile number of a request.
        "mob-not-mobile" => format!("is not a mobile number of the location's country ({value})"),
        "mob-taken" => "is already in use".into(),
        "mob-invalid" => {
            "is not a phone number in international format (+ and 8 to 15 digits)".into()
        }
        "expands-too-much" => format!("expands beyond {value} bytes"),
        "too-many-entries" => format!("more than {value} entries"),
        "unsafe-path" => format!("the path leaves the archive ({value})"),
        "link" => format!("links are not accepted ({value})"),
        "special-entry" => format!("only files and folders are accepted ({value})"),
        "truncated" => format!("declares more bytes than the archive holds ({value})"),
        "duplicate-entry" => "appears twice".into(),
        "bad-name" => format!("names may hold only letters, digits, . _ - ({value})"),
        "firmware" => "phone firmware (.bin) does not belong here".into(),
        "settings-discouraged" => {
            "strongly discouraged: let the systems generate 46xxsettings.txt".into()
        }
        "no-specials" => "holds no 46xxspecials.txt".into(),
        "script-syntax" => format!("not a statement ({value})"),
        "script-unknown-label" => format!("jumps to an undefined label {value}"),
        "script-duplicate-label" => format!("label {value} is defined twice"),
        "script-unreachable" => format!("no jump reaches this block ({value})"),
        "missing-image" => format!("image {value} is not in the archive"),
        "image-format" => format!("not an image format this phone series shows ({value})"),
        "image-size" => format!("the wrong size ({value})"),
        "image-bytes" => format!("larger than {value} bytes"),
        "too-many-images" => format!("more than {value} images"),
        "unused-image" => "no setting uses it".into(),
        "not-template" => "only .xml SIP trunk templates belong here".into(),
        "too-many-templates" => format!("more than {value} templates"),
        "xml" => format!("not well-formed XML ({value})"),
        "custom-data-element" => format!("not a CustomData.xml setting ({value})"),
        "custom-data-value" => format!("must be 0 or 1 ({value})"),
        "too-large" => format!("larger than {value} bytes"),
        "unused-name" => format!("kept, but systems use only {value}"),
        other => format!("{other} {value}"),
    }
}

/// What the check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    pub problems: Vec<Problem>,
}

impl Checked {
    pub fn accepted(&self) -> bool {
        !self.problems.iter().any(|p| p.error)
    }
    pub fn warnings(&self) -> Vec<&Problem> {
        self.problems.iter().filter(|p| !p.error).collect()
    }
}

/// A file name a folder accepts: plain ASCII letters, digits, `.`, `_`, `-`, 1–100 characters.
pub fn valid_name(name: &str) -> bool {
    (1..=100).contains(&name.len())
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Check a file about to be stored as `name` in a folder (CST-2, CST-5, CST-6).
pub fn check(name: &str, bytes: &[u8]) -> Checked {
    let mut out = Checked::default();
    if bytes.len() as u64 > MAX_FILE {
        out.problems
            .push(Problem::error("too-large", name, MAX_FILE.to_string()));
        return out;
    }
    match name {
        PHONE_FILES => phone_files(name, bytes, &mut out.problems),
        TEMPLATES => templates(name, bytes, &mut out.problems),
        CUSTOM_DATA => custom_data(name, bytes, &mut out.problems),
        _ => out
            .problems
            .push(Problem::warning("unused-name", name, STANDARD.join(", "))),
    }
    out
}

/// A regular file of an archive, read.
struct Entry {
    path: String,
    data: Vec<u8>,
}

/// Read an archive's files into memory, reporting every unsafe or broken entry. A gzip-compressed
/// tar is expanded up to [`MAX_EXPANDED`].
fn entries(name: &str, bytes: &[u8], problems: &mut Vec<Problem>) -> Vec<Entry> {
    let expanded;
    let raw: &[u8] = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut buf = Vec::new();
        let mut d = flate2::read::GzDecoder::new(bytes).take(MAX_EXPANDED + 1);
        if let Err(e) = d.read_to_end(&mut buf) {
            problems.push(Problem::error("not-archive", name, e.to_string()));
            return Vec::new();
        }
        if buf.len() as u64 > MAX_EXPANDED {
            problems.push(Problem::error(
                "expands-too-much",
                name,
                MAX_EXPANDED.to_string(),
            ));
            return Vec::new();
        }
        expanded = buf;
        &expanded
    } else {
        bytes
    };
    if raw.len() < 512 || raw.starts_with(b"PK\x03\x04") {
        let what = if raw.starts_with(b"PK") {
            "a zip file"
        } else {
            "too short"
        };
        problems.push(Problem::error("not-archive", name, what));
        return Vec::new();
    }
    let mut archive = tar::Archive::new(raw);
    let iter = match archive.entries() {
        Ok(i) => i,
        Err(e) => {
            problems.push(Problem::error("not-archive", name, e.to_string()));
            return Vec::new();
        }
    };
    let mut out: Vec<Entry> = Vec::new();
    let mut seen = BTreeSet::new();
    for (n, entry) in iter.enumerate() {
        if n >= MAX_ENTRIES {
            problems.push(Problem::error(
                "too-many-entries",
                name,
                MAX_ENTRIES.to_string(),
            ));
            break;
        }
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(Problem::error("not-archive", name, e.to_string()));
                break;
            }
        };
        let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let shown: String = path.chars().take(100).collect();
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            let target = entry
                .link_name_bytes()
                .map(|l| String::from_utf8_lossy(&l).into_owned())
                .unwrap_or_default();
            problems.push(Problem::error("link", &shown, target));
            continue;
        }
        let components: Vec<&str> = path
            .split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .collect();
        if path.starts_with('/')
            || path.contains('\\')
            || path.contains('\0')
            || components.contains(&"..")
        {
            problems.push(Problem::error("unsafe-path", &shown, &shown));
            continue;
        }
        if kind.is_dir() {
            continue;
        }
        if !(kind.is_file() || kind == tar::EntryType::Continuous) {
            problems.push(Problem::error(
                "special-entry",
                &shown,
                format!("{:?}", kind),
            ));
            continue;
        }
        let declared = entry.header().size().unwrap_or(u64::MAX);
        let mut data = Vec::new();
        let read = (&mut entry)
            .take(MAX_FILE.min(declared))
            .read_to_end(&mut data);
        if read.is_err() || (data.len() as u64) < declared {
            problems.push(Problem::error(
                "truncated",
                &shown,
                format!("{declared} declared"),
            ));
            break;
        }
        let clean = components.join("/");
        if !seen.insert(clean.clone()) {
            problems.push(Problem::error("duplicate-entry", &shown, ""));
            continue;
        }
        out.push(Entry { path: clean, data });
    }
    out
}

/// The file name part of an entry's path.
fn base(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn ext(path: &str) -> String {
    base(path)
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// CST-6: phone settings and images.
fn phone_files(name: &str, bytes: &[u8], problems: &mut Vec<Problem>) {
    let files = entries(name, bytes, problems);
    if problems
        .iter()
        .any(|p| p.code == "not-archive" || p.code == "expands-too-much")
    {
        return;
    }
    let mut used = BTreeSet::new();
    for f in &files {
        if !valid_name(base(&f.path)) {
            problems.push(Problem::error("bad-name", &f.path, base(&f.path)));
        }
        match ext(&f.path).as_str() {
            "bin" => problems.push(Problem::error("firmware", &f.path, "")),
            _ if base(&f.path).eq_ignore_ascii_case("46xxsettings.txt") => {
                problems.push(Problem::warning("settings-discouraged", &f.path, ""))
            }
            _ => {}
        }
    }
    let Some(specials) = files
        .iter()
        .find(|f| base(&f.path).eq_ignore_ascii_case("46xxspecials.txt"))
    else {
        problems.push(Problem::warning("no-specials", name, ""));
        return;
    };
    let text = String::from_utf8_lossy(&specials.data);
    let s = script::parse(&text);
    for p in &s.problems {
        let at = format!("46xxspecials.txt:{}", p.line);
        problems.push(Problem {
            error: p.error,
            code: p.code,
            at,
            value: p.value.clone(),
        });
    }
    let mut counted = BTreeSet::new();
    for img in s.images() {
        let at = format!("46xxspecials.txt:{}", img.line);
        let Some(f) = files
            .iter()
            .find(|f| base(&f.path) == img.file || f.path == img.file)
        else {
            problems.push(Problem::error("missing-image", &at, &img.file));
            continue;
        };
        used.insert(f.path.clone());
        for p in fits(&img, f) {
            problems.push(Problem {
                at: at.clone(),
                ..p
            });
        }
        // J100: at most 5 per function; K100: at most 16 backgrounds.
        if counted.insert((img.param.clone(), img.line)) {
            let limit = if img.models.iter().any(|m| m.starts_with('K')) {
                16
            } else {
                5
            };
            if img.listed > limit {
                problems.push(Problem::error("too-many-images", &at, limit.to_string()));
            }
        }
    }
    for f in &files {
        let e = ext(&f.path);
        if ["jpg", "jpeg", "png", "gif", "bmp"].contains(&e.as_str()) && !used.contains(&f.path) {
            problems.push(Problem::warning("unused-image", &f.path, ""));
        }
    }
}

/// The rules an image meets for the models whose block sets it (CST-6's table).
fn fits(img: &script::ImageUse, f: &Entry) -> Vec<Problem> {
    let mut out = Vec::new();
    let e = ext(&f.path);
    let size = imagesize::blob_size(&f.data).ok();
    let Some(dim) = size else {
        out.push(Problem::error(
            "image-format",
            "",
            format!("{} is not an image", base(&f.path)),
        ));
        return out;
    };
    let (w, h) = (dim.width, dim.height);
    let secondary = img.param.ends_with("_SECONDARY");
    for model in &img.models {
        let want: Option<(usize, usize)>;
        let formats: &[&str];
        if model.starts_with("96") {
            formats = &["jpg"];
            want = Some(if model == "9611" {
                (160, 160)
            } else {
                (320, 160)
            });
        } else if model.starts_with('J') {
            formats = &["jpg", "jpeg"];
            want = match (model.as_str(), secondary) {
                ("J189", false) => Some((800, 480)),
                ("J189", true) => Some((240, 320)),
                ("J159", true) => Some((160, 240)),
                (_, true) => None,
                (_, false) => Some((320, 240)),
            };
            if f.data.len() as u64 > J100_MAX_BYTES {
                out.push(Problem::error(
                    "image-bytes",
                    "",
                    J100_MAX_BYTES.to_string(),
                ));
            }
        } else if model.starts_with('K') {
            formats = &["png", "jpg", "jpeg", "gif", "bmp"];
            want = if img.param == "BRANDING_FILE" {
                Some((142, 56))
            } else if model == "K155" {
                Some((720, 1280))
            } else {
                Some((1280, 800))
            };
        } else {
            continue;
        }
        if !formats.contains(&e.as_str()) {
            out.push(Problem::error(
                "image-format",
                "",
                format!("{} for {model}", base(&f.path)),
            ));
        } else if let Some((ww, wh)) = want {
            if (w, h) != (ww, wh) {
                out.push(Problem::error(
                    "image-size",
                    "",
                    format!("{model}: {} is {w}×{h}, expected {ww}×{wh}", base(&f.path)),
                ));
            }
        }
    }
    out.dedup();
    out
}

/// Well-formed XML: `Err` says where it breaks.
fn well_formed(bytes: &[u8]) -> Result<Vec<(Vec<String>, String)>, String> {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_reader(bytes);
    r.config_mut().check_end_names = true;
    let mut stack: Vec<String> = Vec::new();
    let mut leaves = Vec::new();
    let mut text = String::new();
    let mut roots = 0;
    let mut buf = Vec::new();
    loop {
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                if stack.is_empty() {
                    roots += 1;
                }
                stack.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
                text.clear();
            }
            Ok(Event::Empty(e)) => {
                if stack.is_empty() {
                    roots += 1;
                }
                let mut path = stack.clone();
                path.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
                leaves.push((path, String::new()));
            }
            Ok(Event::Text(t)) => {
                text.push_str(&String::from_utf8_lossy(t.as_ref()));
            }
            Ok(Event::End(_)) => {
                if !text.trim().is_empty() {
                    leaves.push((stack.clone(), text.trim().to_string()));
                }
                text.clear();
                stack.pop();
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("at byte {}: {e}", r.buffer_position())),
        }
        buf.clear();
    }
    if !stack.is_empty() {
        return Err(format!("unclosed <{}>", stack.join("><")));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(leaves)
}

/// CST-2: at most four well-formed `.xml` SIP trunk templates.
fn templates(name: &str, bytes: &[u8], problems: &mut Vec<Problem>) {
    let files = entries(name, bytes, problems);
    let mut count = 0;
    for f in &files {
        if !valid_name(base(&f.path)) {
            problems.push(Problem::error("bad-name", &f.path, base(&f.path)));
        }
        if ext(&f.path) != "xml" {
            problems.push(Problem::error("not-template", &f.path, ""));
            continue;
        }
        count += 1;
        if let Err(e) = well_formed(&f.data) {
            problems.push(Problem::error("xml", &f.path, e));
        }
    }
    if count > MAX_TEMPLATES {
        problems.push(Problem::error(
            "too-many-templates",
            name,
            MAX_TEMPLATES.to_string(),
        ));
    }
}

/// CST-5: `customdata/security/{centralmgmt, centralcert, remoteaccess, remoteupgrade,
/// logtransfer, externalremoteaccess}` and `customdata/vmpro/{backupconfig, backupprompts,
/// backupmailboxes}`, each 0 or 1.
pub const CUSTOM_DATA_SETTINGS: [(&str, &str); 9] = [
    ("security", "centralmgmt"),
    ("security", "centralcert"),
    ("security", "remoteaccess"),
    ("security", "remoteupgrade"),
    ("security", "logtransfer"),
    ("security", "externalremoteaccess"),
    ("vmpro", "backupconfig"),
    ("vmpro", "backupprompts"),
    ("vmpro", "backupmailboxes"),
];

/// The settings of a valid `CustomData.xml` (element, 0 or 1), or its problems.
pub fn custom_data_settings(bytes: &[u8]) -> Result<Vec<(&'static str, bool)>, Vec<Problem>> {
    let mut problems = Vec::new();
    let leaves = match well_formed(bytes) {
        Ok(l) => l,
        Err(e) => return Err(vec![Problem::error("xml", CUSTOM_DATA, e)]),
    };
    let mut out = Vec::new();
    for (path, value) in leaves {
        let shown = path.join("/");
        let known = match path.as_slice() {
            [root, group, name] if root == "customdata" => CUSTOM_DATA_SETTINGS
                .iter()
                .find(|(g, n)| g == group && n == name)
                .map(|(_, n)| *n),
            _ => None,
        };
        let Some(setting) = known else {
            problems.push(Problem::error("custom-data-element", CUSTOM_DATA, shown));
            continue;
        };
        match value.as_str() {
            "0" => out.push((setting, false)),
            "1" => out.push((setting, true)),
            other => problems.push(Problem::error(
                "custom-data-value",
                CUSTOM_DATA,
                format!("{shown} = {other}"),
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn custom_data(_name: &str, bytes: &[u8], problems: &mut Vec<Problem>) {
    if let Err(p) = custom_data_settings(bytes) {
        problems.extend(p);
    }
}

#[cfg(test)]
mod tests;
