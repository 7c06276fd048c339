//! Carrying out the hub's actions on the system (BKP-2, BKP-5, LOG-1, LOG-3): back up and PUT the
//! archive, GET an archive and restore it, list and send log files. Files go over HTTPS to the
//! URL and one-time token the action names, streamed from and to disk. An action the system's
//! SYS-6 flags do not allow is refused with the matching reason, not attempted.

use crate::backup::{self, BackupRequest};
use crate::customization;
use crate::data::Item;
use crate::logs;
use crate::system::SystemConfig;
use crate::upgrade;
use futures_util::TryStreamExt;
use patchbay_proto::{Action, ActionResult, ArchiveInfo, LogInfo, Op, Transfer};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

/// SYS-6: why an action is refused when the flag it needs is off.
pub const BACKUP_DISABLED: &str = "remote upgrade/backup is disabled on this system";
pub const LOGS_DISABLED: &str = "central diagnostic logs are disabled on this system";
pub const UPGRADE_RIGHTS: &str = "upgrade rights are not enabled for the service account";

/// The HTTPS client for the hub's file transfers.
#[derive(Clone, Debug)]
pub struct Files {
    http: reqwest::Client,
    /// `https://HOST:PORT[/PREFIX]` of the hub, which transfer paths are relative to.
    base: String,
}

/// What the hub says it received.
#[derive(Debug, serde::Deserialize)]
struct Received {
    size: u64,
    sha256: String,
}

impl Files {
    /// A client trusting what the agent's control connection trusts; transfer URLs that are
    /// paths go to the hub at `hub` (the control connection's URL, `wss://HOST:PORT/…/agent`).
    pub fn new(tls: Arc<rustls::ClientConfig>, hub: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .use_preconfigured_tls((*tls).clone())
            .connect_timeout(std::time::Duration::from_secs(15))
            // A transfer that stalls this long is abandoned (the action fails and says so).
            .read_timeout(std::time::Duration::from_secs(120))
            .build()?;
        let base = hub
            .trim_end_matches('/')
            .trim_end_matches(patchbay_proto::AGENT_PATH)
            .replacen("wss://", "https://", 1)
            .replacen("ws://", "http://", 1);
        Ok(Self { http, base })
    }

    fn url(&self, t: &Transfer) -> String {
        if t.url.starts_with('/') {
            format!("{}{}", self.base, t.url)
        } else {
            t.url.clone()
        }
    }

    /// PUT the file at `path`, streamed; the hub's account of what arrived must match ours.
    async fn put(&self, t: &Transfer, path: &Path, sha256: &str) -> Result<u64, String> {
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file));
        let r = self
            .http
            .put(self.url(t))
            .bearer_auth(&t.token)
            .body(body)
            .send()
            .await
            .map_err(|e| format!("sending to the hub: {e}"))?;
        if !r.status().is_success() {
            return Err(format!(
                "the hub refused the file: HTTP {}",
                r.status().as_u16()
            ));
        }
        let got: Received = r
            .json()
            .await
            .map_err(|e| format!("the hub's answer: {e}"))?;
        if !got.sha256.eq_ignore_ascii_case(sha256) {
            return Err("the hub received something else than was sent (checksum differs)".into());
        }
        Ok(got.size)
    }

    /// GET the file into `dest`, streamed; with `size`, exactly that many bytes (a longer answer
    /// stops there, so a wrong file never fills the disk).
    async fn get(&self, t: &Transfer, dest: &Path, size: Option<u64>) -> Result<(), String> {
        let r = self
            .http
            .get(self.url(t))
            .bearer_auth(&t.token)
            .send()
            .await
            .map_err(|e| format!("fetching from the hub: {e}"))?;
        if !r.status().is_success() {
            return Err(format!(
                "the hub refused the file: HTTP {}",
                r.status().as_u16()
            ));
        }
        if let Some(parent) = dest.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| e.to_string())?;
        }
        let mut out = tokio::fs::File::create(dest)
            .await
            .map_err(|e| format!("{}: {e}", dest.display()))?;
        let mut body = r.bytes_stream();
        let mut got = 0u64;
        while let Some(chunk) = body.try_next().await.map_err(|e| e.to_string())? {
            got += chunk.len() as u64;
            if size.is_some_and(|n| got > n) {
                return Err(format!(
                    "the hub sent more than the {} bytes expected",
                    size.unwrap_or(0)
                ));
            }
            out.write_all(&chunk).await.map_err(|e| e.to_string())?;
        }
        if let Some(n) = size.filter(|n| *n != got) {
            return Err(format!("the hub sent {got} bytes, {n} expected"));
        }
        out.sync_all().await.map_err(|e| e.to_string())?;
        Ok(())
    }
}

fn items(names: &[String]) -> Result<Vec<Item>, String> {
    names
        .iter()
        .map(|n| Item::parse(n).ok_or_else(|| format!("unknown backup item {n:?}")))
        .collect()
}

/// A file name for `action_id` (which the hub makes, but is still not a path).
fn file_name(action_id: &str) -> String {
    action_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A log path as listed: relative, no `..`.
fn safe_relative(p: &str) -> Option<PathBuf> {
    let path = PathBuf::from(p);
    (!p.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)))).then_some(path)
}

fn done(action_id: &str) -> ActionResult {
    ActionResult {
        action_id: action_id.to_string(),
        status: "completed".into(),
        reason: String::new(),
        archive: None,
        logs: Vec::new(),
        servers: Vec::new(),
    }
}

/// Do `action` for the system in `dir`, described by `cfg`; the result to send back.
pub async fn run(dir: &Path, cfg: &SystemConfig, files: &Files, action: Action) -> ActionResult {
    let id = action.action_id.clone();
    match perform(dir, cfg, files, action).await {
        Ok(r) => r,
        Err(reason) => ActionResult {
            status: "failed".into(),
            reason,
            ..done(&id)
        },
    }
}

async fn perform(
    dir: &Path,
    cfg: &SystemConfig,
    files: &Files,
    action: Action,
) -> Result<ActionResult, String> {
    let id = action.action_id;
    match action.op {
        Op::Backup {
            items: names,
            mailboxes,
            upload,
        } => {
            if !cfg.flags.remote_upgrade_backup {
                return Err(BACKUP_DISABLED.into());
            }
            let request = BackupRequest {
                items: items(&names)?,
                mailboxes,
            };
            let out = dir
                .join("outgoing")
                .join(format!("{}.tar.gz", file_name(&id)));
            let (d, data, system, path) = (
                dir.to_path_buf(),
                cfg.data.clone(),
                cfg.name.clone(),
                out.clone(),
            );
            let archive = tokio::task::spawn_blocking(move || {
                backup::create(&d, &system, &data, &request, &path)
            })
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
            let sent = files.put(&upload, &out, &archive.sha256).await;
            let _ = tokio::fs::remove_file(&out).await;
            sent?;
            Ok(ActionResult {
                archive: Some(ArchiveInfo {
                    size: archive.size,
                    sha256: archive.sha256,
                    items: archive
                        .manifest
                        .items
                        .iter()
                        .map(|i| i.as_str().to_string())
                        .collect(),
                    files: archive.manifest.files.len() as u64,
                }),
                ..done(&id)
            })
        }
        Op::Restore {
            items: names,
            sha256,
            download,
        } => {
            if !cfg.flags.remote_upgrade_backup {
                return Err(BACKUP_DISABLED.into());
            }
            let chosen = items(&names)?;
            let file = dir
                .join("incoming")
                .join(format!("{}.tar.gz", file_name(&id)));
            let got = files.get(&download, &file, None).await;
            let restored = match got {
                Ok(()) => {
                    let (d, data, f) = (dir.to_path_buf(), cfg.data.clone(), file.clone());
                    tokio::task::spawn_blocking(move || {
                        backup::restore(&d, &data, &f, &sha256, &chosen)
                    })
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r.map_err(|e| e.to_string()))
                }
                Err(e) => Err(e),
            };
            let _ = tokio::fs::remove_file(&file).await;
            restored?;
            Ok(done(&id))
        }
        Op::Upgrade {
            action,
            version,
            file_name: release_file,
            sha256,
            size,
            phone_firmware,
            restart_phones,
            servers,
            download,
        } => {
            if !cfg.flags.remote_upgrade_backup {
                return Err(BACKUP_DISABLED.into());
            }
            if !cfg.service_account.rights.iter().any(|r| r == "upgrade") {
                return Err(UPGRADE_RIGHTS.into());
            }
            let (transfer, apply) = match action.as_str() {
                "transfer" => (true, false),
                "upgrade" => (false, true),
                "transferAndUpgrade" => (true, true),
                other => return Err(format!("unknown upgrade action {other:?}")),
            };
            let release = upgrade::Staged {
                version,
                file_name: release_file,
                sha256,
                size,
                phone_firmware,
            };
            if transfer {
                let download = download.ok_or("no download for the transfer")?;
                let part = dir
                    .join("incoming")
                    .join(format!("{}.part", file_name(&id)));
                let got = files.get(&download, &part, Some(release.size)).await;
                if let Err(e) = got {
                    let _ = tokio::fs::remove_file(&part).await;
                    return Err(e);
                }
                let (d, r) = (dir.to_path_buf(), release.clone());
                tokio::task::spawn_blocking(move || upgrade::stage(&d, &part, &r))
                    .await
                    .map_err(|e| e.to_string())??;
            }
            let outcomes = if apply {
                let (d, v, s) = (
                    dir.to_path_buf(),
                    release.version.clone(),
                    release.sha256.clone(),
                );
                let (meta, file) = tokio::task::spawn_blocking(move || upgrade::staged(&d, &v, &s))
                    .await
                    .map_err(|e| e.to_string())??;
                let known: Vec<String> = cfg.servers.iter().map(|s| s.name.clone()).collect();
                let a = upgrade::Apply {
                    command: &cfg.upgrade_apply,
                    file: &file,
                    release: &meta,
                    restart_phones,
                };
                upgrade::apply(dir, &cfg.name, &known, &servers, &a).await
            } else {
                // Staged for every server: they are upgraded from the primary's copy.
                servers
                    .iter()
                    .map(|name| patchbay_proto::ServerOutcome {
                        name: name.clone(),
                        status: "completed".into(),
                        reason: String::new(),
                    })
                    .collect()
            };
            let failed = outcomes.iter().find(|o| o.status != "completed");
            Ok(ActionResult {
                status: if failed.is_some() {
                    "failed"
                } else {
                    "completed"
                }
                .into(),
                reason: failed
                    .map(|o| format!("{}: {}", o.name, o.reason))
                    .unwrap_or_default(),
                servers: outcomes,
                ..done(&id)
            })
        }
        Op::RefreshCustomization { layers } => {
            if !cfg.flags.central_management {
                return Err(customization::CENTRAL_DISABLED.into());
            }
            let mut fetched = Vec::with_capacity(layers.len());
            let mut failed = None;
            for (i, layer) in layers.into_iter().enumerate() {
                let part = dir
                    .join("incoming")
                    .join(format!("{}-{i}.tar", file_name(&id)));
                if let Err(e) = files.get(&layer.download, &part, Some(layer.size)).await {
                    failed = Some(format!(
                        "{} of the {} folder: {e}",
                        layer.file, layer.folder
                    ));
                    fetched.push((layer, part));
                    break;
                }
                fetched.push((layer, part));
            }
            let installed = match failed {
                Some(e) => Err(e),
                None => {
                    let (d, l) = (dir.to_path_buf(), fetched.clone());
                    tokio::task::spawn_blocking(move || customization::install(&d, &l))
                        .await
                        .map_err(|e| e.to_string())
                        .and_then(|r| r)
                }
            };
            for (_, part) in &fetched {
                let _ = tokio::fs::remove_file(part).await;
            }
            let done_with = installed?;
            tracing::info!(
                layers = done_with.layers,
                files = done_with.files,
                "customization files refreshed"
            );
            Ok(done(&id))
        }
        Op::ApplyCustomData { settings, xml } => {
            let d = dir.to_path_buf();
            let applied = tokio::task::spawn_blocking(move || {
                customization::apply_custom_data(&d, &settings, &xml)
            })
            .await
            .map_err(|e| e.to_string())??;
            if applied {
                tracing::info!("CustomData.xml applied to system.toml");
            } else {
                tracing::info!("CustomData.xml was applied before: nothing changed");
            }
            Ok(done(&id))
        }
        Op::ListLogs => {
            if !cfg.flags.central_diagnostic_logs {
                return Err(LOGS_DISABLED.into());
            }
            let listed = logs::list(&cfg.data.logs(dir)).map_err(|e| e.to_string())?;
            Ok(ActionResult {
                logs: listed
                    .into_iter()
                    .map(|f| LogInfo {
                        path: f.path,
                        size: f.size,
                        modified_ms: f.modified_ms,
                    })
                    .collect(),
                ..done(&id)
            })
        }
        Op::FetchLogs { files: wanted } => {
            if !cfg.flags.central_diagnostic_logs {
                return Err(LOGS_DISABLED.into());
            }
            let root = cfg.data.logs(dir);
            let mut sent = Vec::new();
            for w in wanted {
                let rel = safe_relative(&w.path)
                    .ok_or_else(|| format!("not a log file: {:?}", w.path))?;
                let path = root.join(rel);
                let (p, meta) = (
                    path.clone(),
                    tokio::fs::metadata(&path)
                        .await
                        .map_err(|e| format!("{}: {e}", w.path))?,
                );
                let sha =
                    tokio::task::spawn_blocking(move || backup::sha256_file(&p).map(|(_, s)| s))
                        .await
                        .map_err(|e| e.to_string())?
                        .map_err(|e| format!("{}: {e}", w.path))?;
                let size = files.put(&w.upload, &path, &sha).await?;
                sent.push(LogInfo {
                    path: w.path,
                    size,
                    modified_ms: meta
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                        .unwrap_or(0),
                });
            }
            Ok(ActionResult {
                logs: sent,
                ..done(&id)
            })
        }
    }
}
