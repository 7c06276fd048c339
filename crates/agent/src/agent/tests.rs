//! Tests of the clears of the agent's own alarms and of the action conversation.

use super::*;
use patchbay_proto::AlarmEvent;

fn alarm(d: &str) -> AlarmEvent {
    AlarmEvent {
        event: "raise".into(),
        severity: "minor".into(),
        alarm_type: "qos".into(),
        description: d.into(),
        key: None,
        ongoing: false,
        at: None,
        seq: None,
    }
}

#[tokio::test]
async fn alm_4_clears_after_welcome_cover_what_is_ok_once() {
    let own = OwnAlarms {
        spool: Arc::new(AlarmSpool::memory(100)),
        conditions: Mutex::new(Conditions {
            disk_ok: Some(42),
            servers_ok: ["exp-1".to_string(), "exp-3".to_string()].into(),
        }),
        dir: PathBuf::from("/var/lib/ipo"),
    };
    // A raise still waiting for exp-3 (it was down, then answered: its clear was queued).
    own.spool.push(AlarmEvent {
        key: Some("server-unreachable-exp-3".into()),
        ..alarm("Server exp-3 unreachable")
    });
    own.clear_what_is_ok();
    let keys = |q: &AlarmSpool| -> Vec<String> {
        q.events()
            .iter()
            .map(|a| format!("{} {}", a.event, a.key.as_deref().unwrap_or_default()))
            .collect()
    };
    assert_eq!(
        keys(&own.spool),
        [
            "raise server-unreachable-exp-3",
            "clear disk-full",
            "clear server-unreachable-exp-1",
            "clear server-unreachable-exp-3",
        ]
    );
    // A second welcome before anything was sent: the clears are already waiting.
    own.clear_what_is_ok();
    assert_eq!(own.spool.len(), 4);
    let _ = own.spool.pop_acked();
    let d = own.spool.pop_acked();
    assert_eq!(
        (
            d.event.as_str(),
            d.alarm_type.as_str(),
            d.description.as_str()
        ),
        (
            "clear",
            "services",
            "Disk space OK on /var/lib/ipo: 42 % used"
        )
    );
    // Unknown conditions (disk not measurable, server failing) are not cleared.
    own.lock().disk_ok = None;
    own.lock().servers_ok.clear();
    let _ = (own.spool.pop_acked(), own.spool.pop_acked());
    own.clear_what_is_ok();
    assert_eq!(own.spool.len(), 0);
}

/// The action conversation, against a plain-WebSocket stand-in for the hub's gateway: an action
/// is carried out and its result sent; a result the hub did not acknowledge is sent again after
/// the next welcome; once acknowledged it is not.
#[tokio::test]
async fn bkp_1_action_results_are_resent_until_acknowledged() {
    use futures_util::{SinkExt, StreamExt};
    use patchbay_proto::{Action, ActionAck, Envelope, Message, Op, Welcome};
    use tokio_tungstenite::tungstenite::Message as Ws;

    let dir = std::env::temp_dir().join(format!(
        "pb-agent-actions-{}-{}",
        std::process::id(),
        jiff::Timestamp::now().as_nanosecond()
    ));
    std::fs::create_dir_all(dir.join("logs")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("logs/system.log"), "boot\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.join("system.toml"),
        "name = \"ipo\"\nprofile = \"ip500v2\"\nversion = \"12.1\"\naddress = \"10.0.0.1\"\n[flags]\ncentral_diagnostic_logs = true\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let mut opts = AgentOptions::new(
        format!("ws://127.0.0.1:{port}"),
        "acme",
        Password::new("pw"),
        &dir,
    );
    opts.timings.backoff_base = Duration::from_millis(10);
    opts.timings.backoff_cap = Duration::from_millis(50);
    let shutdown = CancellationToken::new();
    let agent = tokio::spawn(run_agent(opts, shutdown.clone()));

    // One connection: welcome, then what the agent sends (reports and alarms skipped) until a
    // result arrives or `quiet` passes.
    async fn connection(
        listener: &tokio::net::TcpListener,
        action: Option<Action>,
        ack: bool,
        quiet: Duration,
    ) -> Option<patchbay_proto::ActionResult> {
        let (tcp, _) = listener.accept().await.ok()?;
        let mut ws = tokio_tungstenite::accept_async(tcp).await.ok()?;
        let _hello = ws.next().await?;
        let welcome = Envelope::new(
            "w",
            Message::Welcome(Welcome {
                hub_version: "test".into(),
                heartbeat_seconds: 30,
            }),
        );
        ws.send(Ws::Text(welcome.to_json().into())).await.ok()?;
        if let Some(a) = action {
            ws.send(Ws::Text(
                Envelope::new("a", Message::Action(a)).to_json().into(),
            ))
            .await
            .ok()?;
        }
        let result = loop {
            match tokio::time::timeout(quiet, ws.next()).await {
                Err(_) => break None,
                Ok(Some(Ok(Ws::Text(t)))) => {
                    if let Ok(Envelope {
                        message: Message::ActionResult(r),
                        ..
                    }) = Envelope::from_json(t.as_str())
                    {
                        break Some(r);
                    }
                }
                Ok(Some(Ok(_))) => {}
                Ok(_) => break None,
            }
        };
        if ack {
            if let Some(r) = &result {
                let a = Envelope::new(
                    "k",
                    Message::ActionAck(ActionAck {
                        action_id: r.action_id.clone(),
                    }),
                );
                let _ = ws.send(Ws::Text(a.to_json().into())).await;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        let _ = ws.close(None).await;
        result
    }

    let list = Action {
        action_id: "job1:sys1".into(),
        op: Op::ListLogs,
    };
    let first = connection(&listener, Some(list), false, Duration::from_secs(10)).await;
    let first = first.unwrap_or_else(|| panic!("no result"));
    assert_eq!((first.status.as_str(), first.logs.len()), ("completed", 1));
    assert_eq!(first.logs[0].path, "system.log");
    // Not acknowledged: sent again after the next welcome, and acknowledged this time.
    let again = connection(&listener, None, true, Duration::from_secs(10)).await;
    assert_eq!(again.map(|r| r.action_id), Some("job1:sys1".to_string()));
    // Acknowledged: never again.
    let none = connection(&listener, None, false, Duration::from_millis(500)).await;
    assert_eq!(none, None);
    assert!(!dir.join("actions/job1_sys1.json").exists());
    shutdown.cancel();
    let _ = agent.await;
    let _ = std::fs::remove_dir_all(&dir);
}
