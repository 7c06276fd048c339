//! `DIR/alarms.jsonl`: the alarm source of `patchbay-agent run` (ALM-1).
//!
//! One JSON object per line:
//!
//! ```json
//! {"event":"raise","severity":"major","type":"trunk","description":"SIP trunk 3 down","key":"trunk-3","ongoing":true,"at":"2025-01-01T10:00:00Z"}
//! {"event":"clear","type":"trunk","key":"trunk-3"}
//! ```
//!
//! - `event`: `raise` or `clear` (required).
//! - `severity`: `critical`, `major`, `minor`, `warning` (required to raise).
//! - `type`: `configuration`, `trunk`, `link`, `services`, `qos`, `security` (required). The wire
//!   protocol calls it `alarmType`; that spelling is accepted here too.
//! - `description`: free text (required to raise).
//! - `key`: optional; groups repeats whose descriptions vary (defaults to the description).
//! - `ongoing`: optional, default false: the condition still holds (the operator cannot clear it).
//! - `at`: optional RFC 3339 time it happened on the system; the hub's receive time otherwise.
//!
//! Enumerations are case-insensitive. Unknown keys are ignored. Malformed lines are logged and
//! skipped. The agent follows appends, reads the new file from its beginning when the file is
//! truncated or replaced (log rotation), and remembers how far it got in `DIR/.alarms.offset` so a
//! restart does not send old lines again. An incomplete last line (no newline yet) waits for its
//! newline.

use patchbay_proto::AlarmEvent;
use serde::Deserialize;
use std::{
    fs::{File, OpenOptions},
    io::{self, Read, Seek, SeekFrom, Write},
    path::{Path, PathBuf},
};

pub const ALARMS_FILE: &str = "alarms.jsonl";
pub const OFFSET_FILE: &str = ".alarms.offset";

pub const SEVERITIES: &[&str] = &["critical", "major", "minor", "warning"];
pub const ALARM_TYPES: &[&str] = &[
    "configuration",
    "trunk",
    "link",
    "services",
    "qos",
    "security",
];

/// Lines longer than this are skipped as malformed.
const MAX_LINE: usize = 64 * 1024;
/// At most this much is read per poll; the rest waits for the next poll.
const MAX_READ: usize = 1024 * 1024;

#[derive(Debug, Deserialize)]
struct Line {
    event: String,
    #[serde(default)]
    severity: Option<String>,
    #[serde(rename = "type", alias = "alarmType")]
    alarm_type: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    ongoing: bool,
    #[serde(default)]
    at: Option<String>,
}

fn lower_in(field: &str, v: &str, allowed: &[&str]) -> Result<String, String> {
    let l = v.trim().to_ascii_lowercase();
    if allowed.contains(&l.as_str()) {
        Ok(l)
    } else {
        Err(format!(
            "`{field}` {v:?} is not one of {}",
            allowed.join(", ")
        ))
    }
}

/// Parses and validates one line of `alarms.jsonl` into the wire event.
pub fn parse_alarm_line(line: &str) -> Result<AlarmEvent, String> {
    let l: Line = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let event = lower_in("event", &l.event, &["raise", "clear"])?;
    let alarm_type = lower_in("type", &l.alarm_type, ALARM_TYPES)?;
    let description = l
        .description
        .map(|d| d.trim().to_string())
        .unwrap_or_default();
    let key = l
        .key
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty());
    let severity = match l.severity.as_deref() {
        Some(s) if !s.trim().is_empty() => lower_in("severity", s, SEVERITIES)?,
        _ if event == "raise" => return Err("`severity` is required to raise".into()),
        _ => String::new(),
    };
    if event == "raise" && description.is_empty() {
        return Err("`description` is required to raise".into());
    }
    if event == "clear" && description.is_empty() && key.is_none() {
        return Err("`key` or `description` is required to clear".into());
    }
    let at = match l.at.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => {
            let ts: jiff::Timestamp = a
                .parse()
                .map_err(|e| format!("`at` {a:?} is not an RFC 3339 time: {e}"))?;
            Some(ts.to_string())
        }
    };
    Ok(AlarmEvent {
        event,
        severity,
        alarm_type,
        description,
        key,
        ongoing: l.ongoing,
        at,
        seq: None,
    })
}

/// One line read from the file: the event, or why it was skipped (with its 1-based line number
/// within the bytes read, for the log).
pub type TailItem = Result<AlarmEvent, String>;

/// Follows `alarms.jsonl`, remembering its position in `.alarms.offset`.
#[derive(Debug)]
pub struct AlarmTail {
    path: PathBuf,
    offset_path: PathBuf,
    file: Option<File>,
    /// Identity (device, inode) of the open file.
    id: (u64, u64),
    offset: u64,
    saved: Option<((u64, u64), u64)>,
}

#[cfg(unix)]
fn file_id(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn file_id(_m: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

impl AlarmTail {
    /// Prepares to follow `DIR/alarms.jsonl` (created if missing) from the remembered offset.
    pub fn open(dir: &Path) -> io::Result<Self> {
        let mut t = Self {
            path: dir.join(ALARMS_FILE),
            offset_path: dir.join(OFFSET_FILE),
            file: None,
            id: (0, 0),
            offset: 0,
            saved: None,
        };
        t.saved = t.read_saved();
        t.reopen(true)?;
        Ok(t)
    }

    /// The byte offset up to which lines were consumed.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    fn read_saved(&self) -> Option<((u64, u64), u64)> {
        let s = std::fs::read_to_string(&self.offset_path).ok()?;
        let mut it = s.split_whitespace().map(|n| n.parse::<u64>().ok());
        let (dev, ino, off) = (it.next()??, it.next()??, it.next()??);
        Some(((dev, ino), off))
    }

    fn save(&mut self) {
        let now = (self.id, self.offset);
        if self.saved == Some(now) {
            return;
        }
        let tmp = self.offset_path.with_extension("tmp");
        let res = (|| -> io::Result<()> {
            let mut f = File::create(&tmp)?;
            writeln!(f, "{} {} {}", self.id.0, self.id.1, self.offset)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.offset_path)
        })();
        match res {
            Ok(()) => self.saved = Some(now),
            Err(e) => tracing::warn!(
                "cannot save alarm offset to {}: {e}",
                self.offset_path.display()
            ),
        }
    }

    /// Opens (creating if needed) the file at the path; `resume` continues from the saved offset
    /// when it is the same file and not shorter than that offset.
    fn reopen(&mut self, resume: bool) -> io::Result<()> {
        let file = match File::open(&self.path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                drop(
                    OpenOptions::new()
                        .append(true)
                        .create(true)
                        .open(&self.path)?,
                );
                File::open(&self.path)?
            }
            other => other?,
        };
        let meta = file.metadata()?;
        self.id = file_id(&meta);
        self.offset = match self.saved {
            Some((id, off)) if resume && id == self.id && off <= meta.len() => off,
            _ => 0,
        };
        self.file = Some(file);
        self.save();
        Ok(())
    }

    /// Reads what was appended since the last poll. Handles truncation (start over) and
    /// replacement (finish the old file, then read the new one from its beginning). The position
    /// is remembered only by [`AlarmTail::commit`].
    pub fn poll(&mut self) -> io::Result<Vec<TailItem>> {
        let mut out = Vec::new();
        if self.file.is_none() {
            self.reopen(false)?;
        }
        self.drain(&mut out)?;
        let replaced = match std::fs::metadata(&self.path) {
            Ok(m) => file_id(&m) != self.id,
            Err(e) if e.kind() == io::ErrorKind::NotFound => true,
            Err(e) => return Err(e),
        };
        if replaced {
            tracing::info!("{} was replaced; reading the new file", self.path.display());
            self.file = None;
            self.reopen(false)?;
            self.drain(&mut out)?;
        }
        Ok(out)
    }

    /// Remember how far the file was read: call once what [`AlarmTail::poll`] returned is safe
    /// elsewhere (in the spool), so a restart neither loses nor repeats a line.
    pub fn commit(&mut self) {
        self.save();
    }

    fn drain(&mut self, out: &mut Vec<TailItem>) -> io::Result<()> {
        let Some(file) = self.file.as_mut() else {
            return Ok(());
        };
        let len = file.metadata()?.len();
        if len < self.offset {
            tracing::info!(
                "{} shrank from {} to {len} bytes; reading from its beginning",
                self.path.display(),
                self.offset
            );
            self.offset = 0;
        }
        if len == self.offset {
            return Ok(());
        }
        file.seek(SeekFrom::Start(self.offset))?;
        let want = (len - self.offset).min(MAX_READ as u64);
        let mut buf = Vec::with_capacity(usize::try_from(want).unwrap_or(MAX_READ));
        Read::take(&mut *file, want).read_to_end(&mut buf)?;
        let mut consumed = 0usize;
        while let Some(nl) = buf[consumed..].iter().position(|b| *b == b'\n') {
            let raw = &buf[consumed..consumed + nl];
            consumed += nl + 1;
            let line = String::from_utf8_lossy(raw);
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if raw.len() > MAX_LINE {
                out.push(Err(format!("line longer than {MAX_LINE} bytes")));
                continue;
            }
            out.push(parse_alarm_line(line));
        }
        // A line that does not end within a whole read can never be completed: skip it.
        if consumed == 0 && buf.len() >= MAX_READ {
            out.push(Err(format!("line longer than {MAX_READ} bytes")));
            consumed = buf.len();
        }
        self.offset += consumed as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "patchbay-agent-alarms-{name}-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
        d
    }

    fn append(dir: &Path, text: &str) {
        let mut f = OpenOptions::new()
            .append(true)
            .create(true)
            .open(dir.join(ALARMS_FILE))
            .unwrap_or_else(|e| panic!("{e}"));
        f.write_all(text.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }

    fn descriptions(items: Vec<TailItem>) -> Vec<String> {
        items
            .into_iter()
            .map(|i| match i {
                Ok(a) => a.description,
                Err(e) => format!("ERR {e}"),
            })
            .collect()
    }

    fn raise(d: &str) -> String {
        format!(r#"{{"event":"raise","severity":"minor","type":"qos","description":"{d}"}}"#) + "\n"
    }

    #[test]
    fn alm_1_line_maps_type_to_alarm_type_and_validates() {
        let a = parse_alarm_line(
            r#"{"event":"Raise","severity":"CRITICAL","type":"trunk","description":" SIP trunk 3 down ","key":"trunk-3","ongoing":true,"at":"2025-01-02T03:04:05+01:00"}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.event, "raise");
        assert_eq!(a.severity, "critical");
        assert_eq!(a.alarm_type, "trunk");
        assert_eq!(a.description, "SIP trunk 3 down");
        assert_eq!(a.key.as_deref(), Some("trunk-3"));
        assert!(a.ongoing);
        assert_eq!(a.at.as_deref(), Some("2025-01-02T02:04:05Z"));
        let json = serde_json::to_value(&a).unwrap_or_default();
        assert_eq!(json["alarmType"], "trunk");

        let c = parse_alarm_line(r#"{"event":"clear","alarmType":"link","key":"k"}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((c.event.as_str(), c.severity.as_str()), ("clear", ""));

        for bad in [
            "not json",
            r#"{"event":"raise","type":"trunk","description":"x"}"#,
            r#"{"event":"raise","severity":"huge","type":"trunk","description":"x"}"#,
            r#"{"event":"raise","severity":"minor","type":"power","description":"x"}"#,
            r#"{"event":"raise","severity":"minor","type":"trunk"}"#,
            r#"{"event":"explode","severity":"minor","type":"trunk","description":"x"}"#,
            r#"{"event":"clear","type":"trunk"}"#,
            r#"{"event":"raise","severity":"minor","type":"trunk","description":"x","at":"yesterday"}"#,
        ] {
            assert!(parse_alarm_line(bad).is_err(), "accepted {bad}");
        }
    }

    #[test]
    fn alm_1_tail_follows_appends_and_waits_for_partial_lines() {
        let dir = tmpdir("append");
        let mut t = AlarmTail::open(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert!(dir.join(ALARMS_FILE).exists(), "created when missing");
        assert!(t.poll().unwrap_or_default().is_empty());
        append(&dir, &raise("one"));
        append(&dir, "garbage\n\n");
        append(&dir, &raise("two"));
        let got = descriptions(t.poll().unwrap_or_default());
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], "one");
        assert!(got[1].starts_with("ERR "), "{got:?}");
        assert_eq!(got[2], "two");
        // A partial line is not consumed until its newline arrives.
        let three = raise("three");
        let (a, b) = three.split_at(20);
        append(&dir, a);
        assert!(t.poll().unwrap_or_default().is_empty());
        append(&dir, b);
        assert_eq!(descriptions(t.poll().unwrap_or_default()), vec!["three"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn alm_1_tail_restarts_on_truncation_and_replacement() {
        let dir = tmpdir("rotate");
        let mut t = AlarmTail::open(&dir).unwrap_or_else(|e| panic!("{e}"));
        append(&dir, &raise("a"));
        append(&dir, &raise("b"));
        assert_eq!(t.poll().unwrap_or_default().len(), 2);
        // Truncation: the file shrinks; read the new content from the start.
        std::fs::write(dir.join(ALARMS_FILE), raise("c")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(descriptions(t.poll().unwrap_or_default()), vec!["c"]);
        // Rotation: the file is moved away (with a last line appended first) and a new one made.
        append(&dir, &raise("d"));
        std::fs::rename(dir.join(ALARMS_FILE), dir.join("alarms.jsonl.1"))
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join(ALARMS_FILE), raise("e")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(descriptions(t.poll().unwrap_or_default()), vec!["d", "e"]);
        // Deleted: recreated empty, and followed again.
        std::fs::remove_file(dir.join(ALARMS_FILE)).unwrap_or_else(|e| panic!("{e}"));
        assert!(t.poll().unwrap_or_default().is_empty());
        assert!(dir.join(ALARMS_FILE).exists());
        append(&dir, &raise("f"));
        assert_eq!(descriptions(t.poll().unwrap_or_default()), vec!["f"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn alm_1_tail_offset_survives_a_restart() {
        let dir = tmpdir("offset");
        {
            let mut t = AlarmTail::open(&dir).unwrap_or_else(|e| panic!("{e}"));
            append(&dir, &raise("old1"));
            append(&dir, &raise("old2"));
            assert_eq!(t.poll().unwrap_or_default().len(), 2);
            assert!(t.offset() > 0);
            t.commit();
        }
        assert!(dir.join(OFFSET_FILE).exists());
        append(&dir, &raise("new"));
        {
            // Read but not committed (the agent stopped before the spool had it): read again.
            let mut t = AlarmTail::open(&dir).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(descriptions(t.poll().unwrap_or_default()), vec!["new"]);
        }
        let mut t = AlarmTail::open(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(descriptions(t.poll().unwrap_or_default()), vec!["new"]);
        t.commit();
        drop(t);
        // A saved offset beyond a (since truncated) file means: start from the beginning.
        std::fs::write(dir.join(ALARMS_FILE), raise("x")).unwrap_or_else(|e| panic!("{e}"));
        let mut t = AlarmTail::open(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(descriptions(t.poll().unwrap_or_default()), vec!["x"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
