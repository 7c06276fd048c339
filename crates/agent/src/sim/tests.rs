//! Tests of the simulated systems' names, reports and alarm streams.

use super::*;

#[test]
fn sys_5_sim_systems_are_named_and_reproducible() {
    assert_eq!(sim_customer_id("demo", 1), "demo-00001");
    assert_eq!(sim_system_name("demo", 42), "demo-00042-sys");
    for i in 1..50 {
        assert_eq!(sim_report("demo", i), sim_report("demo", i));
        let r = sim_report("demo", i);
        assert_eq!(r.servers[0].role, "primary");
        assert_eq!(r.servers[0].name, r.system_name);
        assert!(crate::system::PROFILES.contains(&r.profile.as_str()));
    }
    let profiles: std::collections::BTreeMap<String, usize> =
        (1..=1000).fold(Default::default(), |mut m, i| {
            *m.entry(sim_report("d", i).profile).or_default() += 1;
            m
        });
    assert_eq!(profiles.len(), 4, "{profiles:?}");
    assert!(profiles["legacy"] < 60, "legacy is rare: {profiles:?}");
}

#[tokio::test]
async fn alm_2_sim_alarm_stream_mixes_severities_types_and_repeats() {
    let mut s = SimSystem::new("demo", 7, Duration::from_secs(30), 1);
    let mut events = Vec::new();
    let start = Instant::now();
    for k in 0..400 {
        s.tick(start + Duration::from_secs(30) * k);
        while let Some(b) = s.spool.take_batch() {
            let through = b.events.last().and_then(|e| e.seq).unwrap_or_default();
            events.extend(b.events);
            s.spool.ack(&patchbay_proto::AlarmAck {
                stream: b.stream,
                through,
                retry_after_ms: None,
            });
        }
    }
    let sev: std::collections::BTreeSet<_> = events.iter().map(|a| a.severity.clone()).collect();
    let types: std::collections::BTreeSet<_> =
        events.iter().map(|a| a.alarm_type.clone()).collect();
    assert!(sev.len() >= 4, "{sev:?}");
    assert_eq!(types.len(), 6, "{types:?}");
    for a in &events {
        crate::alarms::parse_alarm_line(
            &serde_json::json!({
                "event": a.event, "severity": a.severity, "type": a.alarm_type,
                "description": a.description, "key": a.key, "ongoing": a.ongoing, "at": a.at
            })
            .to_string(),
        )
        .unwrap_or_else(|e| panic!("{a:?}: {e}"));
    }
    let keys = |k: &str| {
        events
            .iter()
            .filter(|a| a.key.as_deref() == Some(k))
            .count()
    };
    assert!(keys("sip-registration-failure") > 1, "repeats share a key");
    let ongoing_raised = events.iter().filter(|a| a.ongoing).count();
    let cleared = events.iter().filter(|a| a.event == "clear").count();
    assert!(ongoing_raised > 0 && cleared > 0);
}
