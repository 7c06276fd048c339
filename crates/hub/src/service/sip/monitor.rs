//! Following the registrar (SIP-3, SIP-4): every [`POLL`] the bindings Kamailio keeps become the
//! devices' status, and the wrong passwords it recorded are counted per SIP user; enough of them
//! in [`AUTH_FAILURE_WINDOW_SECS`] raise a Security alarm on the user's customer (ALM-1). The hub
//! only reads the registrar's tables; Kamailio forgets old failures itself.

use crate::state::AppState;
use patchbay_domain::alarm::{AlarmType, Severity};
use patchbay_domain::sip::{
    auth_failures_alarm, subscriber_keys, AUTH_FAILURE_THRESHOLD, AUTH_FAILURE_WINDOW_SECS,
};
use patchbay_store::alarms::AlarmRaise;
use std::collections::BTreeMap;
use std::time::Duration;

/// How often the registrar's tables are read: the status follows within this and Kamailio's
/// own write-back interval.
pub const POLL: Duration = Duration::from_secs(1);

/// Start following the registrar on this node.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        backfill(&state).await;
        let mut seen = Seen::default();
        let mut tick = tokio::time::interval(POLL);
        loop {
            tick.tick().await;
            if state.agents.shutdown.is_cancelled() {
                break;
            }
            if let Err(e) = mirror(&state).await {
                tracing::warn!(error = %e, "following the registrar's bindings failed");
            }
            if let Err(e) = failures(&state, &mut seen).await {
                tracing::warn!(error = %e, "reading the registrar's failures failed");
            }
        }
    });
}

/// The last failure already turned into an alarm, per SIP user (`user@domain` → Unix seconds).
#[derive(Debug, Default)]
pub struct Seen(BTreeMap<(String, String), i64>);

/// Write the keys of devices made before the registrar existed (their password is sealed, so
/// only the hub can).
pub async fn backfill(state: &AppState) {
    loop {
        let batch = match state.store.devices_without_subscribers(200).await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "listing devices without registrar keys failed");
                return;
            }
        };
        if batch.is_empty() {
            return;
        }
        let mut wrote = 0;
        for u in &batch {
            let Ok(password) = state.secrets.open(&u.sealed_password) else {
                tracing::warn!(device = %u.device, "a device's SIP password does not open: no registrar keys");
                continue;
            };
            let keys = subscriber_keys(&u.sip_user_name, &u.registrar, &password, &u.ports);
            match state.store.backfill_subscribers(u.device, &keys).await {
                Ok(()) => wrote += 1,
                Err(e) => {
                    tracing::warn!(device = %u.device, error = %e, "writing registrar keys failed")
                }
            }
        }
        tracing::info!(
            devices = wrote,
            "registrar keys written for existing devices"
        );
        if wrote == 0 {
            return;
        }
    }
}

/// One round of SIP-3: the active bindings become the devices' status.
pub async fn mirror(state: &AppState) -> Result<usize, patchbay_store::StoreError> {
    let now = jiff::Timestamp::now();
    let bindings = state
        .registrar
        .active_bindings(&super::registrar_tz())
        .await?;
    let mut active: Vec<(String, String)> = bindings
        .into_iter()
        .filter(|b| b.active(now))
        .map(|b| (b.username, b.domain))
        .collect();
    active.sort();
    active.dedup();
    Ok(state.store.mirror_registrations(&active).await?.len())
}

/// One round of SIP-4: every SIP user with [`AUTH_FAILURE_THRESHOLD`] wrong passwords in the
/// window and a failure newer than the last one alarmed raises (or repeats) the Security alarm
/// on its customer. Counting by time, not by row id, so a failure committed late is not missed.
pub async fn failures(
    state: &AppState,
    seen: &mut Seen,
) -> Result<usize, patchbay_store::StoreError> {
    let since = jiff::Timestamp::now().as_second() - AUTH_FAILURE_WINDOW_SECS;
    seen.0.retain(|_, last| *last >= since);
    let users = state
        .registrar
        .failing_users(since, AUTH_FAILURE_THRESHOLD)
        .await?;
    let mut raised = 0;
    for u in users {
        let key = (u.username.clone(), u.domain.clone());
        if seen.0.get(&key).is_some_and(|last| *last >= u.last_at)
            || !auth_failures_alarm(u.failures)
        {
            continue;
        }
        seen.0.insert(key, u.last_at);
        let Some(sub) = state.store.subscriber(&u.username, &u.domain).await? else {
            continue;
        };
        let description = format!(
            "{} failed SIP authentications for {}@{} in {} minutes, from {}",
            u.failures,
            u.username,
            u.domain,
            AUTH_FAILURE_WINDOW_SECS / 60,
            u.source
        );
        let alarm_key = format!("sip-auth:{}@{}", u.username, u.domain);
        state
            .store
            .raise_alarm(&AlarmRaise {
                customer: sub.customer_id,
                system_name: patchbay_domain::sip::REGISTRAR_SYSTEM_NAME,
                severity: Severity::Major,
                alarm_type: AlarmType::Security,
                description: &description,
                key: &alarm_key,
                ongoing: true,
                at_ms: u.last_at.saturating_mul(1000),
            })
            .await?;
        raised += 1;
        tracing::warn!(user = %u.username, domain = %u.domain, source = %u.source, failures = u.failures,
            "repeated failed SIP authentications");
    }
    Ok(raised)
}
