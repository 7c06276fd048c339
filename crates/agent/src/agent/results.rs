//! Action results waiting for the hub's `actionAck`, kept on disk (`DIR/actions/*.json`) so that
//! neither a lost connection, a hub restart nor an agent restart loses one: each is sent again
//! after every `welcome` until acknowledged.

use patchbay_proto::ActionResult;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tokio::sync::Notify;

pub(crate) struct ResultBox {
    dir: PathBuf,
    queue: Mutex<VecDeque<ActionResult>>,
    ready: Notify,
    /// Actions being carried out now.
    running: Mutex<std::collections::HashSet<String>>,
}

/// The file of `action_id` (the id is the hub's, but still not trusted as a path).
fn file_of(dir: &Path, action_id: &str) -> PathBuf {
    let name: String = action_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("{name}.json"))
}

impl ResultBox {
    /// The box of the system directory `system_dir`; what an earlier run left is queued.
    pub(crate) fn open(system_dir: &Path) -> Self {
        let b = Self {
            dir: system_dir.join("actions"),
            queue: Mutex::new(VecDeque::new()),
            ready: Notify::new(),
            running: Mutex::new(std::collections::HashSet::new()),
        };
        b.reload();
        b
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<ActionResult>> {
        match self.queue.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Whether to start `action_id`: not when it runs already or its result waits for the hub's
    /// acknowledgement (a hub that restarted sends the actions it lost track of again; the same
    /// action is never carried out twice at once, and a finished one is answered by its result).
    pub(crate) fn begin(&self, action_id: &str) -> bool {
        if file_of(&self.dir, action_id).exists() {
            return false;
        }
        let mut running = match self.running.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        running.insert(action_id.to_string())
    }

    /// Keep `result` (on disk first) and queue it for sending.
    pub(crate) fn put(&self, result: ActionResult) {
        let path = file_of(&self.dir, &result.action_id);
        let written = std::fs::create_dir_all(&self.dir).and_then(|()| {
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, serde_json::to_vec(&result).unwrap_or_default())?;
            std::fs::rename(&tmp, &path)
        });
        if let Err(e) = written {
            tracing::warn!("cannot keep the result of action {}: {e}", result.action_id);
        }
        match self.running.lock() {
            Ok(mut g) => g.remove(&result.action_id),
            Err(poisoned) => poisoned.into_inner().remove(&result.action_id),
        };
        self.lock().push_back(result);
        self.ready.notify_one();
    }

    /// Queue again every result not yet acknowledged (after each `welcome`), oldest first.
    pub(crate) fn reload(&self) {
        let mut found: Vec<(std::time::SystemTime, ActionResult)> = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for e in entries.flatten() {
                let path = e.path();
                if path.extension().is_some_and(|x| x == "json") {
                    let when = e
                        .metadata()
                        .and_then(|m| m.modified())
                        .unwrap_or(std::time::UNIX_EPOCH);
                    match std::fs::read(&path).map(|b| serde_json::from_slice::<ActionResult>(&b)) {
                        Ok(Ok(r)) => found.push((when, r)),
                        _ => tracing::warn!("unreadable action result {}", path.display()),
                    }
                }
            }
        }
        found.sort_by_key(|(t, _)| *t);
        let mut q = self.lock();
        q.clear();
        q.extend(found.into_iter().map(|(_, r)| r));
        if !q.is_empty() {
            self.ready.notify_one();
        }
    }

    /// The hub recorded `action_id`: forget it.
    pub(crate) fn ack(&self, action_id: &str) {
        let _ = std::fs::remove_file(file_of(&self.dir, action_id));
        self.lock().retain(|r| r.action_id != action_id);
    }

    /// The next result to send; waits for one. Cancel-safe.
    pub(crate) async fn pop(&self) -> ActionResult {
        loop {
            let notified = self.ready.notified();
            if let Some(r) = self.lock().pop_front() {
                return r;
            }
            notified.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn result(id: &str) -> ActionResult {
        ActionResult {
            action_id: id.into(),
            status: "completed".into(),
            reason: String::new(),
            archive: None,
            logs: vec![],
            servers: Vec::new(),
        }
    }

    #[tokio::test]
    async fn bkp_1_results_survive_until_the_hub_acknowledges_them() {
        let d = std::env::temp_dir().join(format!(
            "pb-results-{}-{}",
            std::process::id(),
            jiff::Timestamp::now().as_nanosecond()
        ));
        let b = ResultBox::open(&d);
        b.put(result("job1:sys1"));
        b.put(result("job2:sys1"));
        assert_eq!(b.pop().await.action_id, "job1:sys1");
        // Sent but not acknowledged, then the agent restarts: both come back.
        let b = ResultBox::open(&d);
        let mut back = vec![b.pop().await.action_id, b.pop().await.action_id];
        back.sort();
        assert_eq!(back, ["job1:sys1", "job2:sys1"]);
        b.ack("job1:sys1");
        b.reload();
        assert_eq!(b.pop().await.action_id, "job2:sys1");
        b.ack("job2:sys1");
        b.reload();
        assert!(tokio::time::timeout(Duration::from_millis(50), b.pop())
            .await
            .is_err());
        assert_eq!(file_of(&d, "../etc/passwd"), d.join("___etc_passwd.json"));
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn bkp_1_an_action_sent_again_is_not_run_twice() {
        let dir = std::env::temp_dir().join(format!("pb-results-begin-{}", std::process::id()));
        let b = ResultBox::open(&dir);
        assert!(b.begin("j:s"));
        // Sent again while it runs: not started again.
        assert!(!b.begin("j:s"));
        b.put(result("j:s"));
        // Finished, its result waiting for the hub: answered by that result, not run again.
        assert!(!b.begin("j:s"));
        b.ack("j:s");
        assert!(b.begin("j:s"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
