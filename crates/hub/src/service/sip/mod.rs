//! The registrar (SIP-1 … SIP-4): Kamailio authenticates phones against the subscribers the
//! store keeps with each device change; this module follows what Kamailio writes back — the
//! bindings (a device's `connectionStatus`, DEV-9) and the wrong passwords (the Security alarm) —
//! and writes its configuration (`patchbay sip config`).

pub mod config;
pub mod monitor;

use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::sip::{line_port_of, Binding};
use patchbay_store::calling::devices::Device;

/// What the registrar says about one line of a device (SIP-3).
#[derive(Debug, Clone)]
pub struct LineRegistration {
    pub port: i64,
    /// The SIP user the line registers as.
    pub user: String,
    /// The newest unexpired binding, if any.
    pub binding: Option<Binding>,
    /// How many unexpired bindings the line has (two phones on one line: two).
    pub contacts: usize,
}

impl LineRegistration {
    pub fn registered(&self) -> bool {
        self.binding.is_some()
    }
}

/// The time zone Kamailio writes PostgreSQL times in: UTC, as `patchbay sip config` tells to
/// start it (`TZ=UTC`); its SQLite driver writes Julian days, UTC in any case.
pub fn registrar_tz() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::UTC
}

/// The registration of each line of `device`, by port.
pub async fn device_registrations(
    state: &AppState,
    device: &Device,
) -> Result<Vec<LineRegistration>, AppError> {
    let subscribers = state.store.device_subscribers(device.id).await?;
    let users: Vec<(String, String)> = subscribers
        .iter()
        .map(|s| (s.username.clone(), s.domain.clone()))
        .collect();
    let now = jiff::Timestamp::now();
    let bindings = state.registrar.bindings_of(&users, &registrar_tz()).await?;
    Ok(subscribers
        .into_iter()
        .map(|s| {
            let mine: Vec<&Binding> = bindings
                .iter()
                .filter(|b| b.username == s.username && b.domain == s.domain && b.active(now))
                .collect();
            LineRegistration {
                port: s.port,
                contacts: mine.len(),
                binding: mine.first().map(|b| (*b).clone()),
                user: s.username,
            }
        })
        .collect())
}

/// The port a binding's user names on `device`, if it is one of its lines.
pub fn port_of(device: &Device, user: &str) -> Option<i64> {
    line_port_of(&device.sip_user_name, user)
}
