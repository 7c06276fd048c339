//! Following the registrar (SIP-3, SIP-4): every [`POLL`] the bindings Kamailio keeps become the
//! devices' status, and the wrong passwords it recorded are counted per SIP user; enough of them
//! in [`AUTH_FAILURE_WINDOW_SECS`] raise a Security alarm on the user's customer (ALM-1).

use crate::state::AppState;
use patchbay_domain::alarm::{AlarmType, Severity};
use patchbay_domain::sip::{auth_failures_alarm, subscriber_keys, AUTH_FAILURE_WINDOW_SECS};
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
        let mut last_failure = match state.registrar.last_auth_failure().await {
            Ok(id) => id,
            Err(e) => {
                tracing::warn!(error = %e, "reading the registrar's failures failed");
                0
            }
        };
        let mut tick = tokio::time::interval(POLL);
        let mut rounds: u64 = 0;
        loop {
            tick.tick().await;
            if state.agents.shutdown.is_cancelled() {
                break;
            }
            if let Err(e) = mirror(&state).await {
                tracing::warn!(error = %e, "following the registrar's bindings failed");
            }
            match failures(&state, last_failure).await {
                Ok(id) => last_failure = id,
                Err(e) => tracing::warn!(error = %e, "reading the registrar's failures failed"),
            }
            rounds += 1;
            if rounds.is_multiple_of(3600) {
                let before = jiff::Timestamp::now().as_second() - 86_400;
                if let Err(e) = state.registrar.prune_auth_failures(before).await {
                    tracing::warn!(error = %e, "pruning the registrar's failures failed");
                }
            }
        }
    });
}

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
    let bindings = state.registrar.bindings(&super::registrar_tz()).await?;
    let mut active: Vec<(String, String)> = bindings
        .into_iter()
        .filter(|b| b.active(now))
        .map(|b| (b.username, b.domain))
        .collect();
    active.sort();
    active.dedup();
    Ok(state.store.mirror_registrations(&active).await?.len())
}

/// One round of SIP-4 from failure `after`: returns the last failure read.
pub async fn failures(state: &AppState, after: i64) -> Result<i64, patchbay_store::StoreError> {
    let batch = state.registrar.auth_failures_after(after, 1000).await?;
    let Some(last) = batch.last().map(|f| f.id) else {
        return Ok(after);
    };
    // The newest failure of each user in this batch.
    let mut users: BTreeMap<(String, String), (String, i64)> = BTreeMap::new();
    for f in batch {
        users.insert((f.username, f.domain), (f.source, f.at));
    }
    let since = jiff::Timestamp::now().as_second() - AUTH_FAILURE_WINDOW_SECS;
    for ((user, domain), (source, at)) in users {
        let n = state
            .registrar
            .count_auth_failures(&user, &domain, since)
            .await?;
        if !auth_failures_alarm(n) {
            continue;
        }
        let Some(sub) = state.store.subscriber(&user, &domain).await? else {
            continue;
        };
        let description = format!(
            "{n} failed SIP authentications for {user}@{domain} in {} minutes, the last from {source}",
            AUTH_FAILURE_WINDOW_SECS / 60
        );
        let key = format!("sip-auth:{user}@{domain}");
        state
            .store
            .raise_alarm(&AlarmRaise {
                customer: sub.customer_id,
                system_name: "SIP registrar",
                severity: Severity::Major,
                alarm_type: AlarmType::Security,
                description: &description,
                key: &key,
                ongoing: true,
                at_ms: at.saturating_mul(1000),
            })
            .await?;
        tracing::warn!(%user, %domain, %source, failures = n, "repeated failed SIP authentications");
    }
    Ok(last)
}
