//! Ended agent sessions, recorded in batches (SYS-2 at scale). A node that loses thousands of
//! agents at once — a network cut, a simulator stopped — used to open one transaction per
//! session, each waiting for the pool; most timed out and the systems stayed shown connected.
//! Sessions now hand their end to one writer, which records up to [`BATCH`] at a time
//! ([`patchbay_store::Store::systems_disconnected`]) and tries a failed batch again.

use crate::state::AppState;
use patchbay_domain::{CustomerId, SystemId};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::mpsc;

/// Most disconnections recorded in one transaction.
pub const BATCH: usize = 500;
/// How long a batch that could not be recorded waits before it is tried again.
const RETRY: Duration = Duration::from_secs(1);

/// One ended session: its customer, its system, when that connection began.
type Ended = (CustomerId, SystemId, i64);

/// The queue between the sessions and the writer (at most one entry per session that ended).
pub struct Disconnections {
    tx: mpsc::UnboundedSender<Ended>,
    rx: Mutex<Option<mpsc::UnboundedReceiver<Ended>>>,
}

impl Default for Disconnections {
    fn default() -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Self {
            tx,
            rx: Mutex::new(Some(rx)),
        }
    }
}

impl Disconnections {
    /// The session of `system` that began at `connected_at` ended.
    pub fn record(&self, customer: CustomerId, system: SystemId, connected_at: i64) {
        // The writer only stops with the node, which then releases all its systems at once.
        let _ = self.tx.send((customer, system, connected_at));
    }
}

/// Start the writer (once; a second call finds the queue taken).
pub fn spawn_writer(state: AppState) {
    let Some(mut rx) = state
        .disconnections
        .rx
        .lock()
        .ok()
        .and_then(|mut r| r.take())
    else {
        return;
    };
    tokio::spawn(async move {
        let shutdown = state.agents.shutdown.clone();
        let mut batch: Vec<Ended> = Vec::with_capacity(BATCH);
        loop {
            if batch.is_empty() {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    got = rx.recv() => match got {
                        Some(ended) => batch.push(ended),
                        None => return,
                    },
                }
            }
            while batch.len() < BATCH {
                match rx.try_recv() {
                    Ok(ended) => batch.push(ended),
                    Err(_) => break,
                }
            }
            match state
                .store
                .systems_disconnected(&state.agents.node_id, &batch)
                .await
            {
                Ok(()) => batch.clear(),
                Err(e) => {
                    tracing::warn!(error = %e, n = batch.len(), "cannot record disconnections yet");
                    tokio::select! {
                        _ = shutdown.cancelled() => return,
                        _ = tokio::time::sleep(RETRY) => {}
                    }
                }
            }
        }
    });
}
