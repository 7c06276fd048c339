//! Upgrades (UPG-1, UPG-2) on the system: a release is transferred into the system directory
//! (`staged/<version>/`, checked against the SHA-256 the hub recorded), then applied server by
//! server, then reported.
//!
//! Applying is a step of `system.toml`:
//!
//! ```toml
//! [upgrade]
//! apply = ["/usr/local/sbin/pbx-upgrade", "--yes"]   # optional
//! ```
//!
//! The command runs once per server with `PATCHBAY_UPGRADE_FILE` (the staged release),
//! `PATCHBAY_UPGRADE_VERSION`, `PATCHBAY_UPGRADE_SERVER` (the server's name) and
//! `PATCHBAY_RESTART_PHONES` (`1` or `0`) in its environment; a non-zero exit fails that server's
//! part with the end of its error output. Without it (the default, and the simulator) applying is
//! the bookkeeping alone. Either way, once a server is upgraded the agent records its new version
//! — and for the primary the phone firmware it now serves — in `installed.json`, which overrides
//! the versions of `system.toml` in every report from then on. A staged file is checked again
//! before it is applied; a release that fails its checksum is removed and nothing changes.

use crate::backup::sha256_file;
use patchbay_proto::{Report, ServerOutcome};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where transferred releases wait, under the system directory.
pub const STAGED: &str = "staged";
/// What has been installed by upgrades, under the system directory.
pub const INSTALLED: &str = "installed.json";
/// How long one server's apply step may run.
pub const APPLY_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The versions upgrades installed: they take precedence over `system.toml`'s.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Installed {
    /// Server name → version.
    pub servers: BTreeMap<String, String>,
    /// The phone firmware the system serves (UPG-2).
    pub phone_firmware: String,
}

impl Installed {
    pub fn load(dir: &Path) -> Self {
        std::fs::read(dir.join(INSTALLED))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Written to a temporary file, then renamed: a crash leaves the old or the new record.
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        let tmp = dir.join(format!("{INSTALLED}.tmp"));
        std::fs::write(&tmp, serde_json::to_vec_pretty(self).unwrap_or_default())?;
        std::fs::rename(tmp, dir.join(INSTALLED))
    }

    /// The report with the installed versions in place of the configured ones.
    pub fn overlay(&self, r: &mut Report) {
        if let Some(v) = self.servers.get(&r.system_name) {
            r.version = v.clone();
        }
        for s in &mut r.servers {
            if let Some(v) = self.servers.get(&s.name) {
                s.version = v.clone();
            }
        }
        if !self.phone_firmware.is_empty() {
            r.phone_firmware = self.phone_firmware.clone();
        }
    }
}

/// What `staged/<version>/release.json` says of the staged file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Staged {
    pub version: String,
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
    pub phone_firmware: String,
}

/// A version or file name as one path segment (the hub checks both; this keeps them plain).
fn segment(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match out.as_str() {
        "" | "." | ".." => "_".into(),
        _ => out,
    }
}

/// The staging folder of `version`.
pub fn stage_dir(dir: &Path, version: &str) -> PathBuf {
    dir.join(STAGED).join(segment(version))
}

/// Check a received release at `part` (size and SHA-256), then keep it as the staged `version`.
/// A file that does not match is removed.
pub fn stage(dir: &Path, part: &Path, release: &Staged) -> Result<PathBuf, String> {
    let (size, sha) = sha256_file(part).map_err(|e| format!("{}: {e}", part.display()))?;
    if size != release.size || !sha.eq_ignore_ascii_case(&release.sha256) {
        let _ = std::fs::remove_file(part);
        return Err(format!(
            "checksum mismatch: the release received has {size} bytes and SHA-256 {sha}, \
             expected {} bytes and {}; nothing was staged",
            release.size, release.sha256
        ));
    }
    let folder = stage_dir(dir, &release.version);
    std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
    let file = folder.join(segment(&release.file_name));
    std::fs::rename(part, &file).map_err(|e| e.to_string())?;
    let meta = serde_json::to_vec_pretty(release).unwrap_or_default();
    std::fs::write(folder.join("release.json"), meta).map_err(|e| e.to_string())?;
    Ok(file)
}

/// The staged release of `version`, checked again; an error says why it cannot be applied.
pub fn staged(dir: &Path, version: &str, sha256: &str) -> Result<(Staged, PathBuf), String> {
    let folder = stage_dir(dir, version);
    let meta: Staged = std::fs::read(folder.join("release.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| {
            format!("release {version} is not staged on this system: transfer it first")
        })?;
    if !meta.sha256.eq_ignore_ascii_case(sha256) {
        return Err(format!(
            "the staged release {version} is another file than the repository's: transfer it again"
        ));
    }
    let file = folder.join(segment(&meta.file_name));
    let (size, sha) = sha256_file(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    if size != meta.size || !sha.eq_ignore_ascii_case(&meta.sha256) {
        return Err(format!(
            "the staged release {version} is damaged (SHA-256 {sha}): transfer it again"
        ));
    }
    Ok((meta, file))
}

/// What applying asks for.
#[derive(Debug, Clone)]
pub struct Apply<'a> {
    /// `[upgrade] apply` of `system.toml`: the command and its arguments, or empty.
    pub command: &'a [String],
    pub file: &'a Path,
    pub release: &'a Staged,
    pub restart_phones: bool,
}

fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let t = text.trim();
    let start = t.char_indices().rev().nth(300).map(|(i, _)| i).unwrap_or(0);
    t[start..].replace('\n', " ")
}

/// Apply the release on `server`.
async fn apply_one(a: &Apply<'_>, server: &str) -> Result<(), String> {
    let Some((program, args)) = a.command.split_first() else {
        return Ok(());
    };
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .env("PATCHBAY_UPGRADE_FILE", a.file)
        .env("PATCHBAY_UPGRADE_VERSION", &a.release.version)
        .env("PATCHBAY_UPGRADE_SERVER", server)
        .env(
            "PATCHBAY_RESTART_PHONES",
            if a.restart_phones { "1" } else { "0" },
        )
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    let out = tokio::time::timeout(APPLY_TIMEOUT, cmd.output())
        .await
        .map_err(|_| {
            format!(
                "the upgrade step did not end within {} minutes",
                APPLY_TIMEOUT.as_secs() / 60
            )
        })?
        .map_err(|e| format!("the upgrade step cannot run ({program}): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "the upgrade step failed ({}): {}",
            out.status,
            tail(&out.stderr)
        ))
    }
}

/// Apply the staged release on each of `servers` in turn (names the system knows), recording
/// each server's new version as it succeeds. After a failure the remaining servers are left as
/// they are (a network is never upgraded past a broken server).
pub async fn apply(
    dir: &Path,
    primary: &str,
    known: &[String],
    servers: &[String],
    a: &Apply<'_>,
) -> Vec<ServerOutcome> {
    let mut out = Vec::with_capacity(servers.len());
    let mut broken: Option<String> = None;
    for name in servers {
        let outcome = |status: &str, reason: String| ServerOutcome {
            name: name.clone(),
            status: status.into(),
            reason,
        };
        if let Some(b) = &broken {
            out.push(outcome(
                "failed",
                format!("not upgraded: the upgrade of {b} failed first"),
            ));
            continue;
        }
        if name != primary && !known.contains(name) {
            broken = Some(name.clone());
            out.push(outcome(
                "failed",
                format!("{name} is not a server of this system"),
            ));
            continue;
        }
        match apply_one(a, name).await {
            Ok(()) => {
                let mut installed = Installed::load(dir);
                installed
                    .servers
                    .insert(name.clone(), a.release.version.clone());
                if name == primary && !a.release.phone_firmware.is_empty() {
                    installed.phone_firmware = a.release.phone_firmware.clone();
                }
                match installed.save(dir) {
                    Ok(()) => {
                        tracing::info!(server = %name, version = %a.release.version, "upgraded");
                        out.push(outcome("completed", String::new()));
                    }
                    Err(e) => {
                        broken = Some(name.clone());
                        out.push(outcome(
                            "failed",
                            format!("cannot record the new version: {e}"),
                        ));
                    }
                }
            }
            Err(reason) => {
                tracing::warn!(server = %name, %reason, "upgrade failed");
                broken = Some(name.clone());
                out.push(outcome("failed", reason));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    fn dir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "pb-upg-{tag}-{}-{}",
            std::process::id(),
            jiff::Timestamp::now().as_nanosecond()
        ));
        std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
        d
    }

    fn release(bytes: &[u8], version: &str) -> Staged {
        Staged {
            version: version.into(),
            file_name: "ipo.bin".into(),
            sha256: hex::encode(sha2::Sha256::digest(bytes)),
            size: bytes.len() as u64,
            phone_firmware: "4.1.2".into(),
        }
    }

    #[test]
    fn upg_1_a_release_that_fails_its_checksum_is_not_staged() {
        let d = dir("sum");
        let part = d.join("in.part");
        std::fs::write(&part, b"tampered").unwrap_or_else(|e| panic!("{e}"));
        let r = release(b"original", "12.2");
        let e = stage(&d, &part, &r).err().unwrap_or_default();
        assert!(e.contains("checksum mismatch"), "{e}");
        assert!(!part.exists());
        assert!(staged(&d, "12.2", &r.sha256).is_err());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[tokio::test]
    async fn upg_1_upg_2_apply_records_each_servers_version_and_the_phone_firmware() {
        let d = dir("apply");
        let part = d.join("in.part");
        std::fs::write(&part, b"release bytes").unwrap_or_else(|e| panic!("{e}"));
        let r = release(b"release bytes", "12.2.0.1");
        stage(&d, &part, &r).unwrap_or_else(|e| panic!("{e}"));
        let (meta, file) = staged(&d, "12.2.0.1", &r.sha256).unwrap_or_else(|e| panic!("{e}"));
        let a = Apply {
            command: &[],
            file: &file,
            release: &meta,
            restart_phones: true,
        };
        let known = vec!["sec-1".to_string(), "exp-1".to_string()];
        let servers = vec![
            "se-1".to_string(),
            "sec-1".into(),
            "ghost".into(),
            "exp-1".into(),
        ];
        let out = apply(&d, "se-1", &known, &servers, &a).await;
        let statuses: Vec<_> = out.iter().map(|o| o.status.as_str()).collect();
        assert_eq!(statuses, ["completed", "completed", "failed", "failed"]);
        assert!(out[3].reason.contains("ghost"), "{:?}", out[3]);
        let installed = Installed::load(&d);
        assert_eq!(
            installed.servers.get("se-1").map(String::as_str),
            Some("12.2.0.1")
        );
        assert_eq!(
            installed.servers.get("sec-1").map(String::as_str),
            Some("12.2.0.1")
        );
        assert!(!installed.servers.contains_key("exp-1"));
        assert_eq!(installed.phone_firmware, "4.1.2");
        // A failing apply step leaves the server on its version, with the step's words.
        let failing = vec![
            "sh".to_string(),
            "-c".into(),
            "echo disk full >&2; exit 3".into(),
        ];
        let a = Apply {
            command: &failing,
            ..a
        };
        let out = apply(&d, "se-1", &known, &["exp-1".to_string()], &a).await;
        assert_eq!(out[0].status, "failed");
        assert!(out[0].reason.contains("disk full"), "{:?}", out[0]);
        assert!(!Installed::load(&d).servers.contains_key("exp-1"));
        // A staged file damaged since the transfer is refused.
        std::fs::write(&file, b"damaged").unwrap_or_else(|e| panic!("{e}"));
        let e = staged(&d, "12.2.0.1", &r.sha256).err().unwrap_or_default();
        assert!(e.contains("damaged"), "{e}");
        let _ = std::fs::remove_dir_all(&d);
    }
}
