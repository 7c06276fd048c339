//! The Patchbay agent (SYS-1): installed on a customer system, it connects *outbound* to the hub
//! over WebSocket/TLS (`wss://HUB/agent`), authenticates with the customer's service user, reports
//! what the system is (SYS-5, SYS-6, SYS-7) and streams its alarms (ALM-1). It never listens on a
//! port. The same connection code drives the simulator, which holds thousands of simulated systems
//! in one process for demos and load tests.
//!
//! The hub can embed both:
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use patchbay_agent::{run_sim, Password, SimOptions, Trust};
//! let shutdown = patchbay_agent::CancellationToken::new();
//! let mut opts = SimOptions::new("wss://127.0.0.1:7080", 50, "demo", Password::new("secret"));
//! opts.trust = Trust::CaPem(std::fs::read("hub-cert.pem")?);
//! let stats = run_sim(opts, shutdown.clone()).await?;
//! # let _ = stats; Ok(()) }
//! ```
//!
//! See `crates/agent/README.md` for the command line, `system.toml` and `alarms.jsonl`.

pub mod actions;
mod agent;
pub mod alarms;
pub mod backoff;
pub mod backup;
pub mod certificate;
pub mod customization;
pub mod data;
pub mod disk;
mod link;
pub mod logs;
pub mod remote;
mod sim;
mod spool;
pub mod system;
mod tls;
pub mod upgrade;

pub use agent::{run_agent, AgentChecks, AgentOptions};
pub use link::{LinkStats, LinkTimings, Password, StatsSnapshot, AGENT_VERSION};
pub use sim::{
    open_files_limit, raise_open_files_limit, run_sim, run_sim_with_stats, sim_customer_id,
    sim_report, sim_system_name, SimOptions,
};
pub use tls::{client_config, Trust};
pub use tokio_util::sync::CancellationToken;
