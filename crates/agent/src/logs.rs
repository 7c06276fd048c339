//! The system's diagnostic log files (LOG-1): what the hub may collect, and the local cap the agent
//! keeps them within — 128 MB for an appliance, 4 GB a day for a Linux server — removing the
//! oldest first.
//!
//! The hub decides what is new: it compares the list (path, size, modification time) with the
//! files it already holds and asks for the others (LOG-2, LOG-3 "Fetch new logs").

use serde::{Deserialize, Serialize};
use std::fs;
use std::io;
use std::path::Path;
use std::time::SystemTime;

const MIB: u64 = 1024 * 1024;

/// LOG-1: how much log a system keeps locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    /// At most this many bytes in all.
    Total(u64),
    /// At most this many bytes of files last written on any one day (UTC).
    PerDay(u64),
}

impl Cap {
    /// The cap of a system profile (SYS-5): Linux server networks keep 4 GB a day, the others
    /// (appliances, contact centre, legacy) 128 MB in all.
    pub fn of_profile(profile: &str) -> Self {
        match profile {
            "server-edition" => Cap::PerDay(4 * 1024 * MIB),
            _ => Cap::Total(128 * MIB),
        }
    }
}

/// One log file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogFile {
    /// Path inside the log folder, `/`-separated.
    pub path: String,
    pub size: u64,
    /// Last modification, milliseconds since the epoch.
    pub modified_ms: i64,
}

fn millis(t: SystemTime) -> i64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(_) => 0,
    }
}

/// The log files below `root`, oldest first (then by path). A missing folder has none.
pub fn list(root: &Path) -> io::Result<Vec<LogFile>> {
    let mut out: Vec<LogFile> = crate::data::files_below(root, &[])?
        .into_iter()
        .map(|(path, meta)| LogFile {
            path,
            size: meta.len(),
            modified_ms: meta.modified().map(millis).unwrap_or(0),
        })
        .collect();
    out.sort_by(|a, b| a.modified_ms.cmp(&b.modified_ms).then(a.path.cmp(&b.path)));
    Ok(out)
}

/// The files to remove so that `files` (oldest first) fit `cap`: the oldest of the whole set, or
/// of each day that is over.
pub fn over_cap(files: &[LogFile], cap: Cap) -> Vec<LogFile> {
    let mut remove = Vec::new();
    let mut shed = |group: Vec<&LogFile>, limit: u64| {
        let mut total: u64 = group.iter().map(|f| f.size).sum();
        for f in group {
            if total <= limit {
                break;
            }
            total -= f.size;
            remove.push(f.clone());
        }
    };
    match cap {
        Cap::Total(limit) => shed(files.iter().collect(), limit),
        Cap::PerDay(limit) => {
            let day = |f: &LogFile| f.modified_ms.div_euclid(86_400_000);
            let mut days: Vec<i64> = files.iter().map(day).collect();
            days.dedup();
            for d in days {
                shed(files.iter().filter(|f| day(f) == d).collect(), limit);
            }
        }
    }
    remove
}

/// LOG-1: remove the oldest log files below `root` until they fit `cap`; what was removed.
pub fn enforce_cap(root: &Path, cap: Cap) -> io::Result<Vec<LogFile>> {
    let files = list(root)?;
    let remove = over_cap(&files, cap);
    for f in &remove {
        match fs::remove_file(root.join(&f.path)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(remove)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, size: u64, modified_ms: i64) -> LogFile {
        LogFile {
            path: path.into(),
            size,
            modified_ms,
        }
    }

    #[test]
    fn log_1_an_appliance_keeps_128_mb_removing_the_oldest_first() {
        let cap = Cap::of_profile("ip500v2");
        assert_eq!(cap, Cap::Total(128 * MIB));
        let files = [
            file("a.log", 60 * MIB, 1),
            file("b.log", 60 * MIB, 2),
            file("c.log", 60 * MIB, 3),
        ];
        let gone = over_cap(&files, cap);
        assert_eq!(gone, [files[0].clone()]);
        assert!(over_cap(&files[1..], cap).is_empty());
    }

    #[test]
    fn log_1_a_linux_server_keeps_4_gb_a_day() {
        let cap = Cap::of_profile("server-edition");
        let day = 86_400_000;
        let files = [
            file("d1-a.log", 3 * 1024 * MIB, 10),
            file("d1-b.log", 2 * 1024 * MIB, 20),
            file("d2-a.log", 3 * 1024 * MIB, day + 10),
            file("d2-b.log", 1024 * MIB, day + 20),
        ];
        // Day 1 holds 5 GB: its oldest goes. Day 2 holds exactly 4 GB: kept.
        assert_eq!(over_cap(&files, cap), [files[0].clone()]);
    }

    #[test]
    fn log_1_listing_and_enforcing_on_real_files() {
        let d = std::env::temp_dir().join(format!(
            "pb-logs-{}-{}",
            std::process::id(),
            jiff::Timestamp::now().as_nanosecond()
        ));
        fs::create_dir_all(d.join("sub")).unwrap_or_else(|e| panic!("{e}"));
        fs::write(d.join("old.log"), vec![b'x'; 700]).unwrap_or_else(|e| panic!("{e}"));
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(d.join("sub/new.log"), vec![b'y'; 500]).unwrap_or_else(|e| panic!("{e}"));
        let files = list(&d).unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, ["old.log", "sub/new.log"]);
        let gone = enforce_cap(&d, Cap::Total(1000)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(gone.len(), 1);
        assert!(!d.join("old.log").exists() && d.join("sub/new.log").exists());
        assert!(list(&d.join("missing"))
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty());
        let _ = fs::remove_dir_all(&d);
    }
}
