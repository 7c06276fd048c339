//! Tests of the hub URL, the password and the state gauges.

use super::stats::{Gauge, LinkState};
use super::*;

fn ep(hub: &str) -> anyhow::Result<Endpoint> {
    Endpoint::new(
        hub,
        crate::tls::client_config(&crate::Trust::InsecureSkipVerify)?,
    )
}

#[test]
fn sys_1_hub_url_gets_the_agent_path() {
    let cases = [
        ("wss://hub.example:7080", "wss://hub.example:7080/agent"),
        ("wss://hub.example:7080/", "wss://hub.example:7080/agent"),
        (
            "wss://hub.example:7080/agent",
            "wss://hub.example:7080/agent",
        ),
        ("wss://hub.example/pb", "wss://hub.example:443/pb/agent"),
        ("hub.example:7080", "wss://hub.example:7080/agent"),
        ("https://[::1]:7080", "wss://[::1]:7080/agent"),
        ("ws://127.0.0.1:9", "ws://127.0.0.1:9/agent"),
    ];
    for (hub, url) in cases {
        let e = ep(hub).unwrap_or_else(|e| panic!("{hub}: {e}"));
        assert_eq!(e.url(), url);
    }
    assert!(ep("ftp://x").is_err());
    assert!(ep("wss://").is_err());
}

#[test]
fn rmt_3_a_stream_asked_for_on_another_node_dials_back_to_that_node_with_the_same_tls() {
    let lb = ep("wss://hub.example:443").unwrap_or_else(|e| panic!("{e}"));
    let node = lb
        .elsewhere("https://node2.example:7080")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(node.url(), "wss://node2.example:7080/agent");
    assert!(node.tls.is_some());
    // A TLS agent never dials a node in plain text, nor the other way round.
    assert!(lb.elsewhere("http://node2.example:7080").is_err());
    let plain = ep("ws://127.0.0.1:9").unwrap_or_else(|e| panic!("{e}"));
    assert!(plain.elsewhere("https://node2.example:7080").is_err());
    assert!(lb.elsewhere("https://").is_err());
}

#[test]
fn sys_1_password_is_never_shown() {
    let p = Password::new("s3cret");
    assert_eq!(format!("{p:?}"), "Password(***)");
    let dir = std::env::temp_dir().join(format!("pb-agent-pw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let f = dir.join("pw");
    std::fs::write(&f, "s3cret \r\n").unwrap_or_else(|e| panic!("{e}"));
    let p = Password::from_file(&f).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.expose(), "s3cret ");
    std::fs::write(&f, "\n").unwrap_or_else(|e| panic!("{e}"));
    assert!(Password::from_file(&f).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn gauge_counts_each_link_once() {
    let stats = LinkStats::default();
    {
        let mut g = Gauge::new(&stats);
        g.set(LinkState::Connecting);
        g.set(LinkState::Connected);
        g.set(LinkState::Connected);
        let s = stats.snapshot();
        assert_eq!((s.connecting, s.connected), (0, 1));
        g.set(LinkState::Refused);
        assert_eq!(stats.snapshot().refused, 1);
    }
    let s = stats.snapshot();
    assert_eq!(
        (s.connecting, s.connected, s.refused, s.reconnecting),
        (0, 0, 0, 0)
    );
}
