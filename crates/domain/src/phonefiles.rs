//! The phone file server's folders (VNT-1, WPL-1): Vantage files (firmware and dialer apps for
//! K100 phones) and Workplace client installers, each uploaded as a `.zip` or `.tar` unpacked on
//! arrival, served to phones over HTTP and HTTPS at `/<area>/<path>`. The rules here are pure:
//! which names a folder holds, what an archive may expand to, how a `Range` header reads, and
//! whether `If-Modified-Since` lets the server answer 304.

/// A folder of the phone file server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Area {
    /// VNT-1: K100 (Vantage) firmware and dialer apps.
    Vantage,
    /// WPL-1: Workplace client installers (`.msi`, `.dmg`, `appcast.xml`).
    Workplace,
}

impl Area {
    pub const ALL: [Area; 2] = [Area::Vantage, Area::Workplace];

    pub fn as_str(self) -> &'static str {
        match self {
            Area::Vantage => "vantage",
            Area::Workplace => "workplace",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Largest archive accepted (bytes): 4 GiB.
pub const MAX_ARCHIVE: u64 = 4 * 1024 * 1024 * 1024;
/// Largest total an archive may unpack to (bytes): 8 GiB.
pub const MAX_EXPANDED: u64 = 8 * 1024 * 1024 * 1024;
/// Most entries an archive may hold.
pub const MAX_ENTRIES: usize = 10_000;
/// Longest path a file may have (characters).
pub const MAX_PATH: usize = 255;
/// Deepest folder nesting.
pub const MAX_DEPTH: usize = 8;

/// The kind of an uploaded archive, told by its first bytes (not its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    Zip,
    Tar,
}

/// What `head` (at least the first 262 bytes when the file is that long) says the file is.
pub fn sniff(head: &[u8]) -> Option<ArchiveKind> {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Some(ArchiveKind::Zip);
    }
    if head.len() >= 262 && &head[257..262] == b"ustar" {
        return Some(ArchiveKind::Tar);
    }
    None
}

fn plain_segment(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
}

/// Why an entry's name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    /// It leaves the folder (`..`, an absolute path, a drive).
    Outside,
    /// A segment holds other characters than letters, digits, `. _ - +`, or starts with a dot.
    Characters,
    /// Longer than [`MAX_PATH`] or deeper than [`MAX_DEPTH`].
    TooLong,
}

/// An archive entry's name as the path it is served at: `/`-separated plain segments (a leading
/// `./` and a trailing `/` dropped, `\` read as `/`).
pub fn clean_path(raw: &str) -> Result<String, NameProblem> {
    let unified = raw.replace('\\', "/");
    if unified.starts_with('/') || unified.split('/').next().is_some_and(|s| s.contains(':')) {
        return Err(NameProblem::Outside);
    }
    let mut segments = Vec::new();
    for s in unified.split('/') {
        match s {
            "" | "." => {}
            ".." => return Err(NameProblem::Outside),
            s if plain_segment(s) => segments.push(s),
            _ => return Err(NameProblem::Characters),
        }
    }
    if segments.is_empty() {
        return Err(NameProblem::Characters);
    }
    let path = segments.join("/");
    if path.chars().count() > MAX_PATH || segments.len() > MAX_DEPTH {
        return Err(NameProblem::TooLong);
    }
    Ok(path)
}

/// Whether a folder entry's name says "this folder" only (`.`, `./`): archives made with
/// `tar -C dir -cf x.tar .` begin with one; it is skipped, not refused.
pub fn is_top_folder(raw: &str) -> bool {
    raw.replace('\\', "/")
        .split('/')
        .all(|s| s.is_empty() || s == ".")
}

/// Largest central directory of a zip read before its entries are looked at (bytes).
pub const MAX_ZIP_DIRECTORY: u64 = 16 * 1024 * 1024;

/// What a zip's end records declare, read before its directory is (a crafted count must not
/// make the reader allocate for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZipEnd {
    /// The classic record: entries and directory size.
    Classic { entries: u64, directory: u64 },
    /// A Zip64 archive: its Zip64 end record, at this offset of the file, holds the real figures.
    Zip64At(u64),
}

/// Find the end-of-central-directory record in the last bytes of a zip (`tail`: at most its
/// last 64 KiB + 22 bytes) and read what it declares. `None`: no such record.
pub fn zip_end(tail: &[u8]) -> Option<ZipEnd> {
    let at = tail.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let rec = tail.get(at..at + 22)?;
    let u16_at = |i: usize| u64::from(u16::from_le_bytes([rec[i], rec[i + 1]]));
    let u32_at = |i: usize| {
        u64::from(u32::from_le_bytes([
            rec[i],
            rec[i + 1],
            rec[i + 2],
            rec[i + 3],
        ]))
    };
    let (entries, directory) = (u16_at(10), u32_at(12));
    // A Zip64 locator sits just before the record.
    if at >= 20 && &tail[at - 20..at - 16] == b"PK\x06\x07" {
        let loc = &tail[at - 20..at];
        let mut off = [0u8; 8];
        off.copy_from_slice(&loc[8..16]);
        return Some(ZipEnd::Zip64At(u64::from_le_bytes(off)));
    }
    Some(ZipEnd::Classic { entries, directory })
}

/// Read a Zip64 end-of-central-directory record (56 bytes at least): entries and directory size.
pub fn zip64_end(rec: &[u8]) -> Option<(u64, u64)> {
    if rec.get(..4)? != b"PK\x06\x06" {
        return None;
    }
    let u64_at = |i: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(rec.get(i..i + 8)?);
        Some(u64::from_le_bytes(b))
    };
    Some((u64_at(32)?, u64_at(40)?))
}

/// How to answer a `Range` header for a file of `size` bytes (RFC 9110 §14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeAnswer {
    /// No usable range (absent, not bytes, several ranges, malformed): the whole file, 200.
    Full,
    /// Bytes `start..=end`: 206 with `Content-Range`.
    Part { start: u64, end: u64 },
    /// No byte of the file in the range: 416 with `Content-Range: bytes */size`.
    Unsatisfiable,
}

/// Read one `bytes=` range: `a-b`, `a-`, `-n`. Several ranges are answered whole (allowed: a
/// server may ignore Range), which is what phones resuming a download never send.
pub fn range(header: Option<&str>, size: u64) -> RangeAnswer {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return RangeAnswer::Full;
    };
    if spec.contains(',') {
        return RangeAnswer::Full;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return RangeAnswer::Full;
    };
    let (a, b) = (a.trim(), b.trim());
    let num = |s: &str| {
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    match (a.is_empty(), b.is_empty()) {
        // The last n bytes.
        (true, false) => match num(b) {
            Some(0) => RangeAnswer::Unsatisfiable,
            Some(_) if size == 0 => RangeAnswer::Unsatisfiable,
            Some(n) => RangeAnswer::Part {
                start: size.saturating_sub(n),
                end: size - 1,
            },
            None => RangeAnswer::Full,
        },
        (false, _) => {
            let Some(start) = num(a) else {
                return RangeAnswer::Full;
            };
            let end = if b.is_empty() { Some(u64::MAX) } else { num(b) };
            match end {
                None => RangeAnswer::Full,
                Some(end) if end < start => RangeAnswer::Full,
                Some(_) if start >= size => RangeAnswer::Unsatisfiable,
                Some(end) => RangeAnswer::Part {
                    start,
                    end: end.min(size - 1),
                },
            }
        }
        (true, true) => RangeAnswer::Full,
    }
}

/// Whether a file last modified at `modified` (seconds since the epoch) is unchanged since the
/// client's copy of `since` (seconds): HTTP dates have whole seconds.
pub fn not_modified(modified: i64, since: i64) -> bool {
    modified <= since
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vnt_1_wpl_1_paths_stay_inside_their_folder() {
        assert_eq!(
            clean_path("./k100/fw/K1xx_2.0.bin"),
            Ok("k100/fw/K1xx_2.0.bin".into())
        );
        assert_eq!(clean_path("win\\Setup.msi"), Ok("win/Setup.msi".into()));
        assert_eq!(clean_path("a//b/"), Ok("a/b".into()));
        for bad in ["../x", "a/../../x", "/etc/passwd", "C:/x", "c:x"] {
            assert_eq!(clean_path(bad), Err(NameProblem::Outside), "{bad}");
        }
        for bad in ["", ".", "a/.hidden", "sp ace.bin", "é.bin", "a/b;c"] {
            assert_eq!(clean_path(bad), Err(NameProblem::Characters), "{bad}");
        }
        assert_eq!(
            clean_path(&"a/".repeat(MAX_DEPTH + 1)),
            Err(NameProblem::TooLong)
        );
        assert_eq!(clean_path(&"a".repeat(300)), Err(NameProblem::TooLong));
    }

    #[test]
    fn vnt_1_zip_end_records_are_read_before_the_directory() {
        let mut tail = vec![0u8; 30];
        let mut eocd = b"PK\x05\x06".to_vec();
        eocd.extend([0, 0, 0, 0]);
        eocd.extend(7u16.to_le_bytes());
        eocd.extend(7u16.to_le_bytes());
        eocd.extend(500u32.to_le_bytes());
        eocd.extend(0u32.to_le_bytes());
        eocd.extend([0, 0]);
        tail.extend(&eocd);
        assert_eq!(
            zip_end(&tail),
            Some(ZipEnd::Classic {
                entries: 7,
                directory: 500
            })
        );
        let mut z64 = b"PK\x06\x07".to_vec();
        z64.extend([0, 0, 0, 0]);
        z64.extend(1234u64.to_le_bytes());
        z64.extend(1u32.to_le_bytes());
        let mut tail64 = z64.clone();
        tail64.extend(&eocd);
        assert_eq!(zip_end(&tail64), Some(ZipEnd::Zip64At(1234)));
        let mut rec = b"PK\x06\x06".to_vec();
        rec.extend(vec![0u8; 28]);
        rec.extend((1u64 << 40).to_le_bytes());
        rec.extend(99u64.to_le_bytes());
        assert_eq!(zip64_end(&rec), Some((1 << 40, 99)));
        assert_eq!(zip_end(b"not a zip"), None);
        assert!(is_top_folder("./") && is_top_folder(".") && !is_top_folder("./a"));
    }

    #[test]
    fn vnt_1_archives_are_told_by_their_bytes() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Some(ArchiveKind::Zip));
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(sniff(&tar), Some(ArchiveKind::Tar));
        assert_eq!(sniff(b"MZ\x90\x00"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn vnt_1_ranges_resume_downloads() {
        use RangeAnswer::*;
        assert_eq!(range(None, 100), Full);
        assert_eq!(range(Some("bytes=0-9"), 100), Part { start: 0, end: 9 });
        assert_eq!(range(Some("bytes=90-"), 100), Part { start: 90, end: 99 });
        assert_eq!(
            range(Some("bytes=90-500"), 100),
            Part { start: 90, end: 99 }
        );
        assert_eq!(range(Some("bytes=-10"), 100), Part { start: 90, end: 99 });
        assert_eq!(range(Some("bytes=-500"), 100), Part { start: 0, end: 99 });
        assert_eq!(range(Some("bytes=100-"), 100), Unsatisfiable);
        assert_eq!(range(Some("bytes=-0"), 100), Unsatisfiable);
        assert_eq!(range(Some("bytes=0-"), 0), Unsatisfiable);
        for whole in [
            "bytes=9-1",
            "bytes=0-1,5-6",
            "items=0-1",
            "bytes=x-1",
            "bytes=-",
            "bytes=+1-2",
        ] {
            assert_eq!(range(Some(whole), 100), Full, "{whole}");
        }
    }

    #[test]
    fn vnt_1_if_modified_since_compares_whole_seconds() {
        assert!(not_modified(1_000, 1_000));
        assert!(not_modified(999, 1_000));
        assert!(!not_modified(1_001, 1_000));
    }
}
