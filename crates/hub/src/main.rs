//! `patchbay`: the hub's command line (CLI-1).

use anyhow::Context;
use clap::{Parser, Subcommand};
use patchbay_domain::preferences::LogLevel;
use patchbay_domain::Role;
use patchbay_hub::config::ConfigArgs;
use patchbay_hub::state::LogControl;
use std::io::Read;
use std::sync::Arc;
use tracing_subscriber::prelude::*;
use tracing_subscriber::{reload, EnvFilter};

#[derive(Parser)]
#[command(name = "patchbay", version, about = "Patchbay operations hub")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the console (/com), the API (/v1) and the agent gateway over HTTPS.
    Serve(ConfigArgs),
    /// Serve with a demo provider tree, customers and an in-process simulated fleet
    /// (default data dir ./patchbay-demo).
    Demo {
        #[command(flatten)]
        config: ConfigArgs,
        /// How many simulated customer systems.
        #[arg(long, default_value_t = 40)]
        systems: u32,
    },
    /// Create or update the database schema, then exit.
    Migrate(ConfigArgs),
    /// Offline administration against the data dir or database.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// The SIP registrar (Kamailio) beside the hub.
    #[command(subcommand)]
    Sip(SipCommand),
    /// Back up an SQLite hub, running or not: database, registrar, blobs, secret key and
    /// identity certificate, in one archive readable by its owner only.
    Backup {
        #[command(flatten)]
        config: ConfigArgs,
        /// The archive to write (a gzipped tar).
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Restore a backup into an empty (or missing) data dir; then `patchbay serve` on it.
    Restore {
        #[command(flatten)]
        config: ConfigArgs,
        /// The archive `patchbay backup` wrote.
        #[arg(long)]
        from: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum SipCommand {
    /// Write Kamailio's configuration (kamailio.cfg, tls.cfg) from the hub's settings and create
    /// the tables it writes; then start it with `kamailio -DD -E -f DIR/kamailio.cfg`.
    Config {
        #[command(flatten)]
        config: ConfigArgs,
        /// Where the files go (default: DATA_DIR/kamailio).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// The address Kamailio listens on.
        #[arg(long, default_value = "0.0.0.0")]
        sip_listen: String,
        /// UDP and TCP port.
        #[arg(long, default_value_t = 5060)]
        sip_port: u16,
        /// SIP over TLS port.
        #[arg(long, default_value_t = 5061)]
        tls_port: u16,
        /// Certificate (PEM) for SIP over TLS; default: the hub's identity certificate.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<std::path::PathBuf>,
        /// Its private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<std::path::PathBuf>,
        /// Worker processes per transport.
        #[arg(long, default_value_t = 4)]
        children: u32,
        /// This registrar's number among several on one PostgreSQL database.
        #[arg(long, default_value_t = 1)]
        server_id: u32,
        /// Requests one source may send in 2 seconds before it is ignored for a while.
        #[arg(long, default_value_t = 30)]
        flood_limit: u32,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account; the password is read from standard input.
    CreateUser {
        #[command(flatten)]
        config: ConfigArgs,
        #[arg(long)]
        login: String,
        /// administrator | support | supervisor | operator | read-only | customer-admin
        #[arg(long)]
        role: Role,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// The customer a customer-admin belongs to (its customer ID, or its id).
        #[arg(long)]
        customer_id: Option<String>,
    },
    /// Issue an API bearer token for an account and print it once.
    CreateToken {
        #[command(flatten)]
        config: ConfigArgs,
        #[arg(long)]
        login: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// Set an account's password (read from standard input) and force a change at next login.
    ResetPassword {
        #[command(flatten)]
        config: ConfigArgs,
        #[arg(long)]
        login: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

fn init_logging() -> LogControl {
    let filter = EnvFilter::try_from_env("PATCHBAY_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let (layer, handle) = reload::Layer::new(filter);
    tracing_subscriber::registry()
        .with(layer)
        // Logs go to standard error: standard output carries only what a command prints for its
        // caller (`TOKEN=$(patchbay admin create-token …)`).
        .with(
            tracing_subscriber::fmt::layer()
                .with_target(false)
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())),
        )
        .init();
    let explicit = std::env::var("PATCHBAY_LOG").is_ok();
    Arc::new(move |level: LogLevel| {
        // An explicit PATCHBAY_LOG filter wins over the preference.
        if !explicit {
            let _ =
                handle.modify(|f| *f = EnvFilter::new(format!("{},sqlx=warn", level.directive())));
        }
    })
}

fn read_stdin_password() -> anyhow::Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .context("reading the password from standard input")?;
    Ok(s.trim_end_matches(['\n', '\r']).to_string())
}

async fn open_store(args: &ConfigArgs) -> anyhow::Result<patchbay_store::Store> {
    let config = args.resolve()?;
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating {}", config.data_dir.display()))?;
    let url = patchbay_hub::tls::outbound::database_url(&config.database_url, &config.data_dir);
    let store = patchbay_store::Store::connect_sized(&url, config.db_connections).await?;
    store.migrate().await?;
    Ok(store)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let log_control = init_logging();
    match cli.command {
        Command::Serve(args) => {
            let config = args.resolve()?;
            let prepared = patchbay_hub::prepare(config, log_control).await?;
            if let Some((login, password)) = &prepared.first_admin {
                // Printed once to the terminal, never logged.
                println!(
                    "First administrator created. Change this one-time password at first login:"
                );
                println!("  login:    {login}");
                println!("  password: {password}");
            }
            let running = patchbay_hub::start(prepared.state).await?;
            println!(
                "Patchbay is serving https://{}/com (API at /v1)",
                running.addr
            );
            stop_requested().await;
            tracing::info!("shutting down");
            running.shutdown().await;
        }
        Command::Demo {
            mut config,
            systems,
        } => {
            if config.data_dir.is_none() {
                config.data_dir = Some(patchbay_hub::demo::DEFAULT_DATA_DIR.into());
            }
            let config = config.resolve()?;
            let prepared = patchbay_hub::prepare(config, log_control).await?;
            if let Some((login, password)) = &prepared.first_admin {
                println!(
                    "First administrator created. Change this one-time password at first login:"
                );
                println!("  login:    {login}");
                println!("  password: {password}");
            }
            let password = patchbay_hub::demo::seed(&prepared.state, systems).await?;
            let running = patchbay_hub::start(prepared.state).await?;
            let shutdown = patchbay_agent::CancellationToken::new();
            patchbay_hub::demo::spawn_fleet(
                &running.state,
                running.addr.port(),
                systems,
                password,
                shutdown.clone(),
            )?;
            println!(
                "Patchbay demo: {systems} simulated systems connecting. Console https://localhost:{}/com",
                running.addr.port()
            );
            stop_requested().await;
            shutdown.cancel();
            running.shutdown().await;
        }
        Command::Backup { config, to } => {
            let config = config.resolve()?;
            let m = patchbay_hub::snapshot::backup(&config, &to).await?;
            println!(
                "backed up to {} ({} blob files{})",
                to.display(),
                m.blobs,
                if m.external_blobs {
                    "; the blobs are in the bucket: back it up there"
                } else {
                    ""
                }
            );
        }
        Command::Restore { config, from } => {
            let config = config.resolve()?;
            if !config.database_url.starts_with("sqlite:") {
                anyhow::bail!("restore puts an SQLite hub into a data dir; a PostgreSQL hub is restored with pg_restore");
            }
            let m = patchbay_hub::snapshot::restore(&from, &config.data_dir)?;
            println!(
                "restored a backup of {} (version {}) into {}",
                m.created,
                m.version,
                config.data_dir.display()
            );
        }
        Command::Migrate(args) => {
            let store = open_store(&args).await?;
            println!("schema up to date");
            store.close().await;
        }
        Command::Admin(cmd) => match cmd {
            AdminCommand::CreateUser {
                config,
                login,
                role,
                password_stdin: _,
                customer_id,
            } => {
                let store = open_store(&config).await?;
                let pw = read_stdin_password()?;
                let account = patchbay_hub::admin::create_user(
                    &store,
                    &login,
                    role,
                    &pw,
                    customer_id.as_deref(),
                )
                .await?;

                println!(
                    "created {} ({})",
                    account.fields.login_name, account.fields.role
                );
                store.close().await;
            }
            AdminCommand::CreateToken {
                config,
                login,
                name,
            } => {
                let store = open_store(&config).await?;
                let token = patchbay_hub::admin::create_token(&store, &login, &name).await?;
                println!("{token}");
                store.close().await;
            }
            AdminCommand::ResetPassword {
                config,
                login,
                password_stdin: _,
            } => {
                let store = open_store(&config).await?;
                let pw = read_stdin_password()?;
                patchbay_hub::admin::reset_password(&store, &login, &pw).await?;
                println!("password reset for {login}; it must be changed at next login");
                store.close().await;
            }
        },
        Command::Sip(SipCommand::Config {
            config,
            out,
            sip_listen,
            sip_port,
            tls_port,
            tls_cert,
            tls_key,
            children,
            server_id,
            flood_limit,
        }) => {
            let resolved = config.resolve()?;
            let store = open_store(&config).await?;
            // The tables Kamailio writes must exist before it starts.
            let registrar =
                patchbay_store::registrar::RegistrarDb::open(&store, &resolved.data_dir).await?;
            registrar.close().await;
            store.close().await;
            patchbay_hub::tls::install_crypto_provider();
            patchbay_hub::tls::ensure_identity(&resolved.data_dir)?;
            let mut o = patchbay_hub::service::sip::config::RegistrarOptions::new(
                out.unwrap_or_else(|| resolved.data_dir.join("kamailio")),
            );
            o.listen = sip_listen;
            o.sip_port = sip_port;
            o.tls_port = tls_port;
            o.tls_cert = tls_cert;
            o.tls_key = tls_key;
            o.children = children;
            o.server_id = server_id;
            o.pike_density = flood_limit;
            let path = patchbay_hub::service::sip::config::write(&resolved, &o)?;
            println!("wrote {}", path.display());
            // UTC: the times Kamailio writes are read as UTC. Kamailio 5.6's tls module and
            // libpq must not both set up OpenSSL.
            let env = if resolved.database_url.starts_with("sqlite:") {
                "TZ=UTC "
            } else {
                "TZ=UTC PGSSLMODE=disable "
            };
            println!(
                "start the registrar with: {env}kamailio -DD -E -f {}",
                path.display()
            );
        }
    }
    Ok(())
}

/// Ctrl-C or SIGTERM (a service manager stopping the hub): either way the hub drains and stops.
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    tokio::signal::ctrl_c().await.ok();
}
