//! Several hub nodes on one PostgreSQL (scale-out). Nodes never talk to each other directly:
//! - a command for an agent held by another node goes to that node as a database notice
//!   (`NOTIFY` on [`patchbay_store::notify::NODES_CHANNEL`], naming the node), and that node
//!   hands it to the agent's connection;
//! - a periodic task runs once per period across every node: each node asks the database to claim
//!   the period, and only the node that moved the task's due time runs it.
//!
//! On SQLite there is one node; nothing is routed and every claim is this node's.

use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::SystemId;
use patchbay_proto::Message;
use patchbay_store::notify::{JOBS_CHANNEL, NODES_CHANNEL};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What one node asks another to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Command {
    /// Hand `message` to the connection of `system`.
    Deliver {
        system: SystemId,
        message: Box<Message>,
    },
    /// End the remote-support session `session` (RMT-8).
    StopSession { session: String },
}

/// A command and the node it is for.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Notice {
    to: String,
    #[serde(flatten)]
    command: Command,
}

/// Where a message for an agent went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routed {
    /// This node holds the system and queued the message on its connection.
    Here,
    /// Another node holds it; the message went to that node.
    There(String),
    /// No node holds it.
    Offline,
    /// Another node holds it, and this database carries no notices between nodes (SQLite).
    Unroutable(String),
}

/// Send `message` to `system`, on this node's connection or through the node holding it. `away`
/// adjusts the message when it goes to another node (a remote-support stream is then dialled
/// back here, not there).
pub async fn deliver(
    state: &AppState,
    system: SystemId,
    message: Message,
    away: impl FnOnce(Message) -> Message,
) -> Result<Routed, AppError> {
    if state.agents.send(system, message.clone()) {
        return Ok(Routed::Here);
    }
    match state.store.holder_of(system).await? {
        Some(node) if node != state.agents.node_id && !state.store.carries_notices() => {
            Ok(Routed::Unroutable(node))
        }
        Some(node) if node != state.agents.node_id => {
            let command = Command::Deliver {
                system,
                message: Box::new(away(message)),
            };
            send(state, &node, command).await?;
            Ok(Routed::There(node))
        }
        _ => Ok(Routed::Offline),
    }
}

/// Tell `node` to carry out `command`.
pub async fn send(state: &AppState, node: &str, command: Command) -> Result<(), AppError> {
    let notice = Notice {
        to: node.to_string(),
        command,
    };
    let payload = serde_json::to_string(&notice).map_err(|e| AppError::Internal(e.to_string()))?;
    state.store.notify_nodes(&payload).await?;
    state.metrics.command_routed("sent");
    Ok(())
}

/// Carry out a command another node sent, if it is for this node.
fn received(state: &AppState, payload: &str) {
    let notice: Notice = match serde_json::from_str(payload) {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "unreadable notice from another node");
            return;
        }
    };
    if notice.to != state.agents.node_id {
        return;
    }
    state.metrics.command_routed("received");
    match notice.command {
        Command::Deliver { system, message } => {
            if !state.agents.send(system, *message) {
                tracing::info!(system = %system, "a command from another node found the system gone");
            }
        }
        Command::StopSession { session } => {
            state.tunnels.stop(&session);
        }
    }
}

/// Listen for the other nodes' notices (PostgreSQL): new work wakes this node's job runner,
/// commands for this node are carried out. A broken connection is listened again after a pause
/// (the periodic looks make up for notices lost meanwhile). Nothing to do on SQLite.
pub fn spawn_listener(state: AppState) {
    tokio::spawn(async move {
        let shutdown = state.agents.shutdown.clone();
        loop {
            match state.store.listener().await {
                Ok(None) => return,
                Ok(Some(mut listener)) => loop {
                    tokio::select! {
                        _ = shutdown.cancelled() => return,
                        got = listener.next() => match got {
                            Ok(n) if n.channel == JOBS_CHANNEL => state.jobs_wake.notify_one(),
                            Ok(n) if n.channel == NODES_CHANNEL => received(&state, &n.payload),
                            Ok(_) => {}
                            Err(e) => {
                                tracing::warn!(error = %e, "notices from other nodes: connection lost");
                                break;
                            }
                        },
                    }
                },
                Err(e) => tracing::warn!(error = %e, "cannot listen for other nodes' notices"),
            }
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            }
        }
    });
}

/// Whether this node runs this period of the periodic task `task` (every `every`): true on one
/// node per period. A database error counts as "not this node" (the next look tries again).
pub async fn claim_period(state: &AppState, task: &str, every: Duration) -> bool {
    match state
        .store
        .claim_periodic(task, &state.agents.node_id, every)
        .await
    {
        Ok(true) => {
            state.metrics.periodic_ran(task);
            true
        }
        Ok(false) => false,
        Err(e) => {
            tracing::warn!(task, error = %e, "cannot claim a periodic task");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_out_a_notice_names_its_node_and_round_trips() {
        let system = SystemId::new();
        let n = Notice {
            to: "node-a".into(),
            command: Command::StopSession {
                session: "s1".into(),
            },
        };
        let text = serde_json::to_string(&n).unwrap_or_default();
        assert_eq!(
            text,
            r#"{"to":"node-a","kind":"stopSession","session":"s1"}"#
        );
        let d = Notice {
            to: "node-b".into(),
            command: Command::Deliver {
                system,
                message: Box::new(Message::Tunnel(patchbay_proto::Tunnel {
                    tunnel_id: "t".into(),
                    token: "k".into(),
                    server: None,
                    colocated: None,
                    port: 22,
                    service: None,
                    hub: Some("https://node-a:7080".into()),
                })),
            },
        };
        let text = serde_json::to_string(&d).unwrap_or_default();
        let back: Notice = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        match back.command {
            Command::Deliver { system: s, message } => {
                let Message::Tunnel(t) = *message else {
                    panic!("{message:?}")
                };
                assert_eq!(s, system);
                assert_eq!(t.hub.as_deref(), Some("https://node-a:7080"));
            }
            other => panic!("{other:?}"),
        }
    }
}
