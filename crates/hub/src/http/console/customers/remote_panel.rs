//! RMT-6 on the customer's details: the remote-support addresses of every server and co-located
//! host, the HTTP-access panel (PAC file, browser extension, direct links) and the command
//! generator (SSH on Linux and Windows, PuTTY, RDP standalone), the proxy password masked on
//! screen and filled in on copy by the page's script from a field that never leaves the browser.

use super::*;
use patchbay_domain::remote::{self, Application, Generator, Service};

/// What the password shows as in the commands; the copy button puts the typed one in its place.
pub const MASK: &str = "********";
pub const DEFAULT_LINUX: &str = "proxytunnel";
pub const DEFAULT_WINDOWS: &str = "C:\\Proxytunnel\\proxytunnel.exe";
pub const DEFAULT_LOGIN: &str = "root";
const CA: &str = "patchbay-hub-ca.pem";

pub struct Command {
    pub id: String,
    pub label: String,
    pub text: String,
}

pub struct Target {
    pub label: String,
    pub host: String,
    /// (label, URL) of the web services reachable through a browser with the PAC file.
    pub links: Vec<(String, String)>,
    pub commands: Vec<Command>,
}

pub struct RemotePanel {
    pub enabled: bool,
    pub colocated_enabled: bool,
    pub proxy: String,
    pub pac_url: String,
    pub user: Option<String>,
    pub linux: String,
    pub windows: String,
    pub login: String,
    pub putty_proxy: Vec<Command>,
    pub targets: Vec<Target>,
}

/// The generator's inputs from the details page's query (`ptLinux`, `ptWindows`, `sshLogin`).
fn inputs(q: &FormMap) -> (String, String, String) {
    let pick = |k: &str, d: &str| {
        let v = q.text(k);
        let v = v.trim();
        if v.is_empty() || v.len() > 260 || v.chars().any(char::is_control) {
            d.to_string()
        } else {
            v.to_string()
        }
    };
    let login = pick("sshLogin", DEFAULT_LOGIN);
    let login = if login
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    {
        login
    } else {
        DEFAULT_LOGIN.to_string()
    };
    (
        pick("ptLinux", DEFAULT_LINUX),
        pick("ptWindows", DEFAULT_WINDOWS),
        login,
    )
}

fn web_links(ctx: &Ctx, host: &str) -> Vec<(String, String)> {
    Service::ALL
        .into_iter()
        .filter_map(|s| {
            s.path().map(|p| {
                (
                    ctx.t(&format!("rmt-service-{}", s.key())),
                    format!("https://{host}:{}{p}", s.port()),
                )
            })
        })
        .collect()
}

pub async fn panel(
    state: &AppState,
    ctx: &Ctx,
    c: &Customer,
    systems: &[SystemView],
    q: &FormMap,
) -> Result<RemotePanel, AppError> {
    let domain = state.config.remote_domain();
    let proxy = crate::http::console::remote::downloads::proxy_address(state);
    let account = state.store.proxy_account_for(c.id).await?;
    let user = account.as_ref().map(|a| a.user_name.clone());
    let (linux, windows, login) = inputs(q);
    let shown_user = user.clone().unwrap_or_else(|| "USER".into());
    let g_linux = Generator {
        proxytunnel: &linux,
        proxy: &proxy,
        user: &shown_user,
        password: MASK,
        ca: CA,
    };
    let g_windows = Generator {
        proxytunnel: &windows,
        ..g_linux.clone()
    };
    let cid = c.fields.customer_id.as_str();
    let mut targets = Vec::new();
    let mut n = 0;
    let mut next_id = |kind: &str| {
        n += 1;
        format!("rmt-cmd-{kind}-{n}")
    };
    let ssh_commands = |host: &str, port: u16, next_id: &mut dyn FnMut(&str) -> String| {
        vec![
            Command {
                id: next_id("ssh-linux"),
                label: ctx.t("rmt-ssh-linux"),
                text: g_linux.ssh(&login, host, port),
            },
            Command {
                id: next_id("ssh-windows"),
                label: ctx.t("rmt-ssh-windows"),
                text: g_windows.ssh(&login, host, port),
            },
            Command {
                id: next_id("putty-host"),
                label: ctx.t("rmt-putty-host"),
                text: if port == 22 {
                    host.to_string()
                } else {
                    format!("{host} (port {port})")
                },
            },
        ]
    };
    let mut enabled = false;
    let mut colocated_enabled = false;
    for (i, s) in systems.iter().enumerate() {
        if !s.flags.remote_access {
            continue;
        }
        enabled = true;
        let sys_name = s.name.to_ascii_lowercase();
        let prefix_ok = |name: &str| customer::is_dns_label(name);
        let system_host = if i == 0 {
            Some(remote::host(cid, None, None, &domain))
        } else if prefix_ok(&sys_name) {
            Some(remote::host(cid, Some(&sys_name), None, &domain))
        } else {
            None
        };
        if let Some(host) = &system_host {
            targets.push(Target {
                label: if i == 0 {
                    ctx.t("rmt-target-primary")
                } else {
                    ctx.t1("rmt-target-server", "name", &s.name)
                },
                links: web_links(ctx, host),
                commands: ssh_commands(host, 22, &mut next_id),
                host: host.clone(),
            });
        }
        for v in s.servers.iter().filter(|v| v.role != "primary") {
            let name = v.name.to_ascii_lowercase();
            if !prefix_ok(&name) {
                continue;
            }
            let host = remote::host(cid, Some(&name), None, &domain);
            targets.push(Target {
                label: ctx.t1("rmt-target-server", "name", &v.name),
                links: web_links(ctx, &host),
                commands: ssh_commands(&host, 22, &mut next_id),
                host,
            });
        }
        if !s.flags.colocated_servers {
            continue;
        }
        colocated_enabled = true;
        let via = (i > 0).then_some(sys_name.as_str());
        for t in &s.tunnels {
            let ip = t.address.to_string();
            let host = remote::host(cid, via, Some(&ip), &domain);
            let label = ctx.t_args(
                "rmt-target-colocated",
                &[
                    ("application", &t.application.as_str().to_ascii_uppercase()),
                    ("address", &ip),
                ],
            );
            let (links, commands) = match t.application {
                Application::Https => (
                    vec![(label.clone(), format!("https://{host}:{}/", t.port))],
                    Vec::new(),
                ),
                Application::Http => (
                    vec![(label.clone(), format!("http://{host}:{}/", t.port))],
                    Vec::new(),
                ),
                Application::Ssh => (Vec::new(), ssh_commands(&host, t.port, &mut next_id)),
                Application::Rdp => (
                    Vec::new(),
                    vec![
                        Command {
                            id: next_id("rdp-linux"),
                            label: ctx.t1("rmt-rdp", "port", &t.port.to_string()),
                            text: g_linux.standalone(&host, t.port, t.port),
                        },
                        Command {
                            id: next_id("rdp-windows"),
                            label: ctx.t1("rmt-rdp", "port", &t.port.to_string()),
                            text: g_windows.standalone(&host, t.port, t.port),
                        },
                    ],
                ),
            };
            targets.push(Target {
                label,
                host,
                links,
                commands,
            });
        }
    }
    let putty_proxy = vec![
        Command {
            id: "rmt-cmd-putty-linux".into(),
            label: ctx.t("rmt-putty-proxy-linux"),
            text: g_linux.putty_proxy(),
        },
        Command {
            id: "rmt-cmd-putty-windows".into(),
            label: ctx.t("rmt-putty-proxy-windows"),
            text: g_windows.putty_proxy(),
        },
    ];
    Ok(RemotePanel {
        enabled,
        colocated_enabled,
        pac_url: format!(
            "https://{}/com/remoteproxy/proxy.pac",
            state.config.public_address()
        ),
        proxy,
        user,
        linux,
        windows,
        login,
        putty_proxy,
        targets,
    })
}
