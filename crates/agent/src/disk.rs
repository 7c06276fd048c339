//! The agent's own "disk almost full" alarm on the volume holding the system directory.

use patchbay_proto::AlarmEvent;
use std::path::Path;

/// The alarm key of the disk alarm.
pub const DISK_KEY: &str = "disk-full";

/// Space on a volume, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskUsage {
    pub total: u64,
    /// Free for anyone (includes blocks reserved for root).
    pub free: u64,
    /// Free for unprivileged users.
    pub available: u64,
}

impl DiskUsage {
    /// Used percentage as `df` computes it: used / (used + available), rounded up.
    pub fn used_percent(&self) -> u8 {
        let used = self.total.saturating_sub(self.free);
        let denom = used.saturating_add(self.available);
        if denom == 0 {
            return 0;
        }
        let pct = (u128::from(used) * 100).div_ceil(u128::from(denom));
        u8::try_from(pct.min(100)).unwrap_or(100)
    }
}

/// Measures the volume that holds `path`.
#[cfg(unix)]
pub fn disk_usage(path: &Path) -> std::io::Result<DiskUsage> {
    let s = rustix::fs::statvfs(path)?;
    let frsize = if s.f_frsize > 0 {
        s.f_frsize
    } else {
        s.f_bsize
    };
    Ok(DiskUsage {
        total: s.f_blocks.saturating_mul(frsize),
        free: s.f_bfree.saturating_mul(frsize),
        available: s.f_bavail.saturating_mul(frsize),
    })
}

#[cfg(not(unix))]
pub fn disk_usage(_path: &Path) -> std::io::Result<DiskUsage> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "disk usage is measured on Unix only",
    ))
}

/// Raise at `raise_percent` or more, clear below `clear_percent` (hysteresis, so a volume hovering
/// around the threshold does not flap).
#[derive(Debug, Clone)]
pub struct DiskWatch {
    raise_percent: u8,
    clear_percent: u8,
    raised: bool,
}

impl DiskWatch {
    pub fn new(raise_percent: u8, clear_percent: u8) -> Self {
        Self {
            raise_percent,
            clear_percent: clear_percent.min(raise_percent),
            raised: false,
        }
    }

    pub fn is_raised(&self) -> bool {
        self.raised
    }

    /// Feeds one measurement; returns the alarm event to send when the state changes.
    pub fn evaluate(&mut self, used_percent: u8, path: &Path) -> Option<AlarmEvent> {
        if !self.raised && used_percent >= self.raise_percent {
            self.raised = true;
            Some(AlarmEvent {
                event: "raise".into(),
                severity: "major".into(),
                alarm_type: "services".into(),
                description: format!(
                    "Disk almost full on {}: {used_percent} % used",
                    path.display()
                ),
                key: Some(DISK_KEY.into()),
                ongoing: true,
                at: Some(jiff::Timestamp::now().to_string()),
                seq: None,
            })
        } else if self.raised && used_percent < self.clear_percent {
            self.raised = false;
            Some(disk_clear(format!(
                "Disk space recovered on {}: {used_percent} % used",
                path.display()
            )))
        } else {
            None
        }
    }

    /// Whether this measurement means the condition is OK: below the clear threshold.
    pub fn is_ok(&self, used_percent: u8) -> bool {
        used_percent < self.clear_percent
    }
}

/// The `clear` event of the disk alarm.
pub fn disk_clear(description: String) -> AlarmEvent {
    AlarmEvent {
        event: "clear".into(),
        severity: String::new(),
        alarm_type: "services".into(),
        description,
        key: Some(DISK_KEY.into()),
        ongoing: false,
        at: Some(jiff::Timestamp::now().to_string()),
        seq: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alm_1_disk_alarm_raises_at_90_and_clears_below_85() {
        let p = Path::new("/var/lib/ipo");
        let mut w = DiskWatch::new(90, 85);
        assert!(w.evaluate(89, p).is_none());
        let r = w
            .evaluate(90, p)
            .unwrap_or_else(|| panic!("raise expected"));
        assert_eq!(
            (
                r.event.as_str(),
                r.severity.as_str(),
                r.alarm_type.as_str(),
                r.ongoing
            ),
            ("raise", "major", "services", true)
        );
        assert_eq!(r.description, "Disk almost full on /var/lib/ipo: 90 % used");
        assert_eq!(r.key.as_deref(), Some("disk-full"));
        // Still high, or back between the thresholds: nothing new.
        assert!(w.evaluate(97, p).is_none());
        assert!(w.evaluate(85, p).is_none());
        assert!(w.is_raised());
        let c = w
            .evaluate(84, p)
            .unwrap_or_else(|| panic!("clear expected"));
        assert_eq!(
            (c.event.as_str(), c.key.as_deref(), c.ongoing),
            ("clear", Some("disk-full"), false)
        );
        assert!(w.evaluate(84, p).is_none());
        assert!(w.evaluate(95, p).is_some(), "raises again");
        // "OK" (safe to clear after a restart) means below the clear threshold only.
        assert!(w.is_ok(84) && !w.is_ok(85) && !w.is_ok(95));
        assert!(
            !DiskWatch::new(0, 0).is_ok(0),
            "a 0 % threshold is never OK"
        );
    }

    #[test]
    fn disk_used_percent_matches_df() {
        // 100 blocks, 20 free of which 10 available to users: used 80 of 90 → 89 %.
        let u = DiskUsage {
            total: 100,
            free: 20,
            available: 10,
        };
        assert_eq!(u.used_percent(), 89);
        let empty = DiskUsage {
            total: 0,
            free: 0,
            available: 0,
        };
        assert_eq!(empty.used_percent(), 0);
        let full = DiskUsage {
            total: 10,
            free: 0,
            available: 0,
        };
        assert_eq!(full.used_percent(), 100);
    }

    #[test]
    fn disk_usage_of_the_temp_dir_is_measurable() {
        let u = disk_usage(&std::env::temp_dir()).unwrap_or_else(|e| panic!("{e}"));
        assert!(u.total > 0 && u.available <= u.total);
        assert!(u.used_percent() <= 100);
    }
}
