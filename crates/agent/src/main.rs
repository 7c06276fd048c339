//! `patchbay-agent`: `run` (one real system) and `sim` (N simulated systems).

use clap::{Args, Parser, Subcommand};
use patchbay_agent::{
    run_agent, run_sim, AgentChecks, AgentOptions, CancellationToken, LinkTimings, Password,
    SimOptions, Trust,
};
use std::{path::PathBuf, process::ExitCode, time::Duration};

#[derive(Debug, Parser)]
#[command(
    name = "patchbay-agent",
    version,
    about = "The Patchbay agent: connects a customer system to the Patchbay hub (outbound only)"
)]
struct Cli {
    /// Log filter (tracing `EnvFilter` syntax), e.g. `info` or `patchbay_agent=debug`.
    #[arg(
        long,
        global = true,
        env = "PATCHBAY_AGENT_LOG",
        default_value = "info"
    )]
    log: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Connect this system to the hub, report it and stream its alarms.
    Run(RunArgs),
    /// Simulate N systems, each with its own connection (demos, load tests).
    Sim(SimArgs),
}

#[derive(Debug, Args)]
struct TlsArgs {
    /// Trust exactly the PEM certificate(s) in this file (e.g. the hub's self-signed certificate).
    #[arg(long, env = "PATCHBAY_AGENT_CA_FILE")]
    ca_file: Option<PathBuf>,
    /// Accept any hub certificate (lab use only: encrypted but not authenticated).
    #[arg(
        long,
        env = "PATCHBAY_AGENT_INSECURE_SKIP_VERIFY",
        conflicts_with = "ca_file"
    )]
    insecure_skip_verify: bool,
}

impl TlsArgs {
    fn trust(&self) -> Trust {
        match (&self.ca_file, self.insecure_skip_verify) {
            (Some(f), _) => Trust::CaFile(f.clone()),
            (None, true) => Trust::InsecureSkipVerify,
            (None, false) => Trust::WebpkiRoots,
        }
    }
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The hub, e.g. `wss://hub.example.com:7080`.
    #[arg(long, env = "PATCHBAY_HUB")]
    hub: String,
    /// This system's customer id on the hub.
    #[arg(long, env = "PATCHBAY_CUSTOMER_ID")]
    customer_id: String,
    /// The service user name.
    #[arg(long, env = "PATCHBAY_SERVICE_USER", default_value = "COMAdmin")]
    service_user: String,
    /// File holding the service user's password (one line).
    #[arg(long, env = "PATCHBAY_PASSWORD_FILE")]
    password_file: PathBuf,
    /// File holding the provider's enrolment credential (CUS-8): a system the hub does not know
    /// yet is added under that provider (pending until confirmed, unless the provider confirms
    /// automatically). The service user and password above become the customer's.
    #[arg(long, env = "PATCHBAY_ENROLMENT_FILE")]
    enrolment_file: Option<PathBuf>,
    /// Directory with `system.toml` and `alarms.jsonl`.
    #[arg(long, env = "PATCHBAY_SYSTEM_DIR")]
    system_dir: PathBuf,
    #[command(flatten)]
    tls: TlsArgs,

    #[arg(
        long,
        hide = true,
        env = "PATCHBAY_AGENT_DISK_CHECK_SECS",
        default_value_t = 60.0
    )]
    disk_check_secs: f64,
    #[arg(
        long,
        hide = true,
        env = "PATCHBAY_AGENT_DISK_THRESHOLD",
        default_value_t = 90
    )]
    disk_threshold_percent: u8,
    #[arg(
        long,
        hide = true,
        env = "PATCHBAY_AGENT_DISK_CLEAR",
        default_value_t = 85
    )]
    disk_clear_percent: u8,
    #[arg(
        long,
        hide = true,
        env = "PATCHBAY_AGENT_SERVER_CHECK_SECS",
        default_value_t = 30.0
    )]
    server_check_secs: f64,
    #[arg(
        long,
        hide = true,
        env = "PATCHBAY_AGENT_CONFIG_RELOAD_SECS",
        default_value_t = 30.0
    )]
    config_reload_secs: f64,
    #[arg(
        long,
        hide = true,
        env = "PATCHBAY_AGENT_ALARM_POLL_MS",
        default_value_t = 500
    )]
    alarm_poll_ms: u64,
    #[arg(
        long,
        hide = true,
        env = "PATCHBAY_AGENT_QUEUE",
        default_value_t = 10_000
    )]
    queue_capacity: usize,
    #[command(flatten)]
    timing: TimingArgs,
}

/// Hidden knobs for tests.
#[derive(Debug, Args)]
struct TimingArgs {
    #[arg(
        long,
        hide = true,
        env = "PATCHBAY_AGENT_BACKOFF_BASE_SECS",
        default_value_t = 1.0
    )]
    backoff_base_secs: f64,
    #[arg(
        long,
        hide = true,
        env = "PATCHBAY_AGENT_BACKOFF_CAP_SECS",
        default_value_t = 60.0
    )]
    backoff_cap_secs: f64,
}

impl TimingArgs {
    fn timings(&self) -> anyhow::Result<LinkTimings> {
        Ok(LinkTimings {
            backoff_base: secs(self.backoff_base_secs, "--backoff-base-secs")?,
            backoff_cap: secs(self.backoff_cap_secs, "--backoff-cap-secs")?,
            ..LinkTimings::default()
        })
    }
}

#[derive(Debug, Args)]
struct SimArgs {
    /// The hub, e.g. `wss://hub.example.com:7080`.
    #[arg(long, env = "PATCHBAY_HUB")]
    hub: String,
    /// How many systems to simulate.
    #[arg(long)]
    count: u32,
    /// Customer ids are `<prefix>-<i:05>` (e.g. `demo-00001`).
    #[arg(long)]
    customers_prefix: String,
    /// First index i.
    #[arg(long, default_value_t = 1)]
    start_index: u32,
    /// The service user of every simulated customer.
    #[arg(long, default_value = "COMAdmin")]
    service_user: String,
    /// File holding the service password shared by the simulated customers.
    #[arg(
        long,
        conflicts_with = "password_env",
        required_unless_present = "password_env"
    )]
    password_file: Option<PathBuf>,
    /// Environment variable holding that password.
    #[arg(long)]
    password_env: Option<String>,
    #[command(flatten)]
    tls: TlsArgs,
    /// Mean seconds between alarm events of one system (0: none).
    #[arg(long, default_value_t = 30.0)]
    alarm_interval_secs: f64,
    /// Alarm events a system makes at a time (they travel in one batch); the mean rate stays
    /// one per --alarm-interval-secs.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=256))]
    alarm_burst: u32,
    /// Stop after this many seconds (default: run until interrupted).
    #[arg(long)]
    duration_secs: Option<f64>,
    /// Spread the first connections over this many seconds.
    #[arg(long, default_value_t = 5.0)]
    ramp_secs: f64,
    /// Seconds between summary lines.
    #[arg(long, default_value_t = 10.0)]
    summary_secs: f64,
    /// Where each simulated system keeps the generated files its backups, restores and log
    /// collections work on (a folder per system, made at its first action). Default: a
    /// `patchbay-sim` folder in the system's temporary directory.
    #[arg(long, env = "PATCHBAY_SIM_DATA_ROOT")]
    data_root: Option<PathBuf>,
    #[command(flatten)]
    timing: TimingArgs,
}

fn secs(v: f64, flag: &str) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(v).map_err(|_| anyhow::anyhow!("{flag}: {v} is not a duration"))
}

fn shutdown_on_signals() -> CancellationToken {
    let token = CancellationToken::new();
    let t = token.clone();
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => {
                    tokio::select! {
                        _ = tokio::signal::ctrl_c() => {}
                        _ = term.recv() => {}
                    }
                }
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("stopping");
        t.cancel();
    });
    token
}

async fn run(args: RunArgs) -> anyhow::Result<()> {
    let password = Password::from_file(&args.password_file)?;
    let opts = AgentOptions {
        hub: args.hub,
        customer_id: args.customer_id,
        service_user: args.service_user,
        password,
        enrolment: args
            .enrolment_file
            .as_deref()
            .map(Password::from_file)
            .transpose()?,
        system_dir: args.system_dir,
        trust: args.tls.trust(),
        timings: args.timing.timings()?,
        checks: AgentChecks {
            config_reload: secs(args.config_reload_secs, "--config-reload-secs")?,
            server_check: secs(args.server_check_secs, "--server-check-secs")?,
            disk_check: secs(args.disk_check_secs, "--disk-check-secs")?,
            disk_raise_percent: args.disk_threshold_percent,
            disk_clear_percent: args.disk_clear_percent,
            alarm_poll: Duration::from_millis(args.alarm_poll_ms.max(10)),
            queue_capacity: args.queue_capacity,
            ..AgentChecks::default()
        },
    };
    run_agent(opts, shutdown_on_signals()).await
}

async fn sim(args: SimArgs) -> anyhow::Result<()> {
    let password = match (&args.password_file, &args.password_env) {
        (Some(f), _) => Password::from_file(f)?,
        (None, Some(v)) => Password::from_env(v)?,
        (None, None) => anyhow::bail!("--password-file or --password-env is required"),
    };
    let mut opts = SimOptions::new(args.hub, args.count, args.customers_prefix, password);
    opts.start_index = args.start_index;
    opts.service_user = args.service_user;
    opts.trust = args.tls.trust();
    opts.alarm_interval = secs(args.alarm_interval_secs, "--alarm-interval-secs")?;
    opts.alarm_burst = args.alarm_burst;
    opts.duration = args
        .duration_secs
        .map(|d| secs(d, "--duration-secs"))
        .transpose()?;
    opts.ramp = secs(args.ramp_secs, "--ramp-secs")?;
    opts.summary_interval = Some(secs(args.summary_secs, "--summary-secs")?);
    opts.timings = args.timing.timings()?;
    opts.data_root = Some(
        args.data_root
            .unwrap_or_else(|| std::env::temp_dir().join("patchbay-sim")),
    );
    run_sim(opts, shutdown_on_signals()).await.map(|_| ())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("patchbay-agent: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Run(a) => run(a).await,
            Command::Sim(a) => sim(a).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("patchbay-agent: {e:#}");
            ExitCode::from(2)
        }
    }
}
