//! What a simulated system does with the hub's actions (BKP-2, BKP-5, LOG-3): the same code as a
//! real agent ([`crate::actions`]), on a system directory of generated files under the
//! simulator's data root — configuration, voicemail settings, prompts, two mailboxes and a log
//! that grows at each action — written the first time the system is asked for something.
//! Results wait on disk for the hub's acknowledgement, as a real agent's do.

use crate::actions::Files;
use crate::agent::results::ResultBox;
use crate::system::SystemConfig;
use patchbay_proto::{Action, ActionResult, Report};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) struct SimActions {
    dir: PathBuf,
    files: Files,
    seed: u32,
    pub(crate) results: Arc<ResultBox>,
}

impl SimActions {
    /// The simulated system's directory (its `installed.json` after an upgrade).
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// The actions of the system named `system` under `root`.
    pub(crate) fn new(root: &Path, system: &str, seed: u32, files: Files) -> Self {
        let dir = root.join(system);
        Self {
            results: Arc::new(ResultBox::open(&dir)),
            dir,
            files,
            seed,
        }
    }

    /// Carry out `action` for the system as `report` describes it; the result comes through
    /// [`SimActions::results`].
    pub(crate) fn start(&self, report: &Report, action: Action) {
        if !self.results.begin(&action.action_id) {
            return;
        }
        let (dir, files, report, seed) = (
            self.dir.clone(),
            self.files.clone(),
            report.clone(),
            self.seed,
        );
        let results = self.results.clone();
        tokio::spawn(async move {
            let d = dir.clone();
            let prepared = tokio::task::spawn_blocking(move || prepare(&d, &report, seed))
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| r.map_err(|e| e.to_string()));
            let result = match prepared {
                Ok(cfg) => crate::actions::run(&dir, &cfg, &files, action).await,
                Err(reason) => ActionResult {
                    action_id: action.action_id,
                    status: "failed".into(),
                    reason,
                    archive: None,
                    logs: Vec::new(),
                    servers: Vec::new(),
                },
            };
            results.put(result);
        });
    }
}

/// The system's `system.toml`, from what it reports (flags as the hub knows them).
fn system_toml(r: &Report) -> String {
    let f = &r.flags;
    let mut t = format!(
        "name = {:?}\nprofile = {:?}\nversion = {:?}\naddress = {:?}\nport = {}\n",
        r.system_name, r.profile, r.version, r.address, r.port
    );
    if !r.time_zone.is_empty() {
        t.push_str(&format!("time_zone = {:?}\n", r.time_zone));
    }
    t.push_str(&format!(
        "[flags]\ncentral_management = {}\ncentral_diagnostic_logs = {}\nremote_upgrade_backup = {}\nremote_access = {}\n\
         colocated_servers = {}\nauto_certificate_management = {}\nphone_auto_provisioning = {}\n",
        f.central_management,
        f.central_diagnostic_logs,
        f.remote_upgrade_backup,
        f.remote_access,
        f.colocated_servers,
        f.auto_certificate_management,
        f.phone_auto_provisioning
    ));
    let rights: Vec<String> = r
        .service_account
        .rights
        .iter()
        .map(|x| format!("{x:?}"))
        .collect();
    t.push_str(&format!(
        "[service_account]\nrights = [{}]\n",
        rights.join(", ")
    ));
    // The other servers of the network (an upgrade names them).
    for s in r.servers.iter().filter(|s| s.name != r.system_name) {
        t.push_str(&format!(
            "[[servers]]\nname = {:?}\nrole = {:?}\naddress = {:?}\nversion = {:?}\n",
            s.name, s.role, s.address, s.version
        ));
    }
    t
}

/// Deterministic filler of `len` bytes (a prompt, a message) for system `seed`.
fn filler(seed: u32, len: usize) -> Vec<u8> {
    let mut x = u64::from(seed).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x & 0xff) as u8
        })
        .collect()
}

/// Write the system's directory (the first time) and its `system.toml` (each time: the flags
/// may have changed); a line more in its log. The configuration to act with.
fn prepare(dir: &Path, report: &Report, seed: u32) -> anyhow::Result<SystemConfig> {
    let text = system_toml(report);
    let cfg = SystemConfig::parse(&text)?;
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(crate::system::SYSTEM_FILE), &text)?;
    let data = dir.join("data");
    if !data.exists() {
        let files: [(&str, Vec<u8>); 6] = [
            (
                "configuration/system.cfg",
                format!("system={}\nlines={}\n", report.system_name, 10 + seed % 90).into_bytes(),
            ),
            (
                "configuration/users.cfg",
                (0..20)
                    .map(|u| format!("user {u} ext={}\n", 200 + u))
                    .collect::<String>()
                    .into_bytes(),
            ),
            (
                "voicemail-configuration/voicemail.conf",
                b"[general]\nmaxmsg=100\n".to_vec(),
            ),
            ("custom-prompts/welcome.wav", filler(seed, 32 * 1024)),
            ("mailboxes/200/msg0001.wav", filler(seed + 1, 16 * 1024)),
            ("mailboxes/201/msg0001.wav", filler(seed + 2, 16 * 1024)),
        ];
        for (rel, content) in files {
            let p = data.join(rel);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(p, content)?;
        }
    }
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs)?;
    let mut log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(logs.join("system.log"))?;
    writeln!(log, "{} action received", jiff::Timestamp::now())?;
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bkp_2_a_simulated_system_gets_a_directory_of_real_files() {
        let dir = std::env::temp_dir().join(format!("pb-sim-actions-{}", std::process::id()));
        let report = crate::sim::sim_report("t", 3);
        let cfg = prepare(&dir, &report, 3).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cfg.name, report.system_name);
        assert_eq!(
            cfg.flags.remote_upgrade_backup,
            report.flags.remote_upgrade_backup
        );
        assert!(dir.join("data/configuration/system.cfg").is_file());
        assert_eq!(
            std::fs::read(dir.join("data/custom-prompts/welcome.wav"))
                .map(|b| b.len())
                .unwrap_or(0),
            32 * 1024
        );
        // Each action writes a line more in the log.
        prepare(&dir, &report, 3).unwrap_or_else(|e| panic!("{e}"));
        let log = std::fs::read_to_string(dir.join("logs/system.log")).unwrap_or_default();
        assert_eq!(log.lines().count(), 2);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
