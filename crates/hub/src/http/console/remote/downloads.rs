//! RMT-7 downloads: the PAC file, the browser extension carrying the same rule, the ProxyTunnel
//! utility bundle and the admin tools bundle (each with the hub's trust root certificate and a
//! how-to in the page's language), built from this hub's proxy address and remote-support domain.

use super::super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use patchbay_domain::Capability;

const CA_FILE: &str = "patchbay-hub-ca.pem";

/// `host:port` of the proxy as clients reach it: the hub's public host and the proxy's port.
pub fn proxy_address(state: &AppState) -> String {
    let public = state.config.public_address();
    let host = public
        .rsplit_once(':')
        .map(|(h, _)| h.to_string())
        .unwrap_or(public);
    format!("{host}:{}", state.proxy_port())
}

/// The PAC script (RMT-7): `….maint.<domain>` through the proxy over TLS, everything else direct.
pub fn pac_text(state: &AppState) -> String {
    let domain = state.config.remote_domain();
    let proxy = proxy_address(state);
    format!(
        "// Patchbay remote support: hosts under .{m}.{domain} go through the hub's proxy.\n\
         function FindProxyForURL(url, host) {{\n  \
           if (dnsDomainIs(host, \".{m}.{domain}\")) {{\n    return \"HTTPS {proxy}\";\n  }}\n  \
           return \"DIRECT\";\n}}\n",
        m = patchbay_domain::remote::MAINT_LABEL
    )
}

fn ca_pem(state: &AppState) -> Result<Vec<u8>, AppError> {
    std::fs::read(state.config.data_dir.join(crate::tls::CERT_FILE))
        .map_err(|e| AppError::Internal(format!("identity certificate: {e}")))
}

/// The browser extension (Chromium Manifest V3; Firefox reads the same API under `browser`).
fn extension_files(state: &AppState) -> Vec<(String, Vec<u8>)> {
    let pac = serde_json::to_string(&pac_text(state)).unwrap_or_default();
    let manifest = serde_json::json!({
        "manifest_version": 3,
        "name": "Patchbay remote support",
        "version": crate::state::VERSION,
        "description": format!("Routes .maint.{} through the Patchbay hub's remote-support proxy.", state.config.remote_domain()),
        "permissions": ["proxy"],
        "background": {"service_worker": "background.js"},
    });
    let background = format!(
        "// Sets the hub's PAC rule as the browser's proxy configuration.\n\
         const api = globalThis.browser ?? globalThis.chrome;\n\
         const pac = {pac};\n\
         function apply() {{\n  \
           api.proxy.settings.set({{ value: {{ mode: \"pac_script\", pacScript: {{ data: pac }} }}, scope: \"regular\" }});\n\
         }}\n\
         api.runtime.onInstalled.addListener(apply);\n\
         api.runtime.onStartup.addListener(apply);\n"
    );
    vec![
        (
            "manifest.json".into(),
            serde_json::to_vec_pretty(&manifest).unwrap_or_default(),
        ),
        ("background.js".into(), background.into_bytes()),
    ]
}

fn readme(ctx: &Ctx, state: &AppState, file: &str, browser: bool) -> String {
    let domain = state.config.remote_domain();
    let proxy = proxy_address(state);
    let example = format!(
        "CUSTOMER-ID.{}.{domain}",
        patchbay_domain::remote::MAINT_LABEL
    );
    let pac = format!(
        "https://{}/com/remoteproxy/proxy.pac",
        state.config.public_address()
    );
    let mut out = vec![
        ctx.t1("rmt-readme-title", "file", file),
        String::new(),
        ctx.t_args(
            "rmt-readme-proxy",
            &[("proxy", &proxy), ("domain", &domain), ("ca", CA_FILE)],
        ),
        ctx.t("rmt-readme-credentials"),
        String::new(),
        ctx.t("rmt-readme-linux"),
        format!(
            "  ssh -o ProxyCommand=\"proxytunnel -E -p {proxy} -d %h:%p -P 'USER:PASSWORD' -C {CA_FILE}\" admin@{example}"
        ),
        format!("  proxytunnel -E -p {proxy} -d CUSTOMER-ID-192.0.2.50.{}.{domain}:3389 -a 3389 -P 'USER:PASSWORD' -C {CA_FILE}", patchbay_domain::remote::MAINT_LABEL),
        String::new(),
        ctx.t("rmt-readme-macos"),
        String::new(),
        ctx.t("rmt-readme-windows"),
        format!(
            "  ssh -o ProxyCommand=\"C:\\Proxytunnel\\proxytunnel.exe -E -p {proxy} -d %h:%p -P 'USER:PASSWORD' -C {CA_FILE}\" admin@{example}"
        ),
        String::new(),
        ctx.t("rmt-readme-rdp"),
    ];
    if browser {
        out.push(String::new());
        out.push(ctx.t1("rmt-readme-browser", "pac", &pac));
    }
    out.push(String::new());
    out.join("\r\n")
}

async fn zip(files: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>, AppError> {
    use async_zip::base::write::ZipFileWriter;
    use async_zip::{Compression, ZipEntryBuilder};
    let mut zip = ZipFileWriter::new(Vec::new());
    for (name, data) in files {
        zip.write_entry_whole(
            ZipEntryBuilder::new(name.into(), Compression::Deflate),
            &data,
        )
        .await
        .map_err(|e| AppError::Internal(format!("zip: {e}")))?;
    }
    zip.close()
        .await
        .map_err(|e| AppError::Internal(format!("zip: {e}")))
}

fn attachment(name: &'static str, content_type: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

async fn proxytunnel_zip(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let files = vec![
        (
            "README.txt".to_string(),
            readme(&ctx, &state, "patchbay-proxytunnel.zip", false).into_bytes(),
        ),
        (CA_FILE.to_string(), ca_pem(&state)?),
    ];
    Ok(attachment(
        "patchbay-proxytunnel.zip",
        "application/zip",
        zip(files).await?,
    ))
}

async fn admin_tools_zip(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let mut files = vec![
        (
            "README.txt".to_string(),
            readme(&ctx, &state, "patchbay-admin-tools.zip", true).into_bytes(),
        ),
        (CA_FILE.to_string(), ca_pem(&state)?),
        ("proxy.pac".to_string(), pac_text(&state).into_bytes()),
    ];
    for (name, data) in extension_files(&state) {
        files.push((format!("browser-extension/{name}"), data));
    }
    Ok(attachment(
        "patchbay-admin-tools.zip",
        "application/zip",
        zip(files).await?,
    ))
}

async fn extension_zip(State(state): State<AppState>) -> Result<Response, AppError> {
    Ok(attachment(
        "patchbay-remote-support-extension.zip",
        "application/zip",
        zip(extension_files(&state)).await?,
    ))
}

async fn ca(State(state): State<AppState>) -> Result<Response, AppError> {
    Ok(attachment(
        CA_FILE,
        "application/x-pem-file",
        ca_pem(&state)?,
    ))
}

#[derive(Template)]
#[template(path = "downloads.html")]
struct DownloadsPage {
    ctx: Ctx,
    title_id: &'static str,
    intro_id: &'static str,
    bundle_href: &'static str,
    bundle_id: &'static str,
    proxy: String,
    domain: String,
    pac_url: String,
    browser: bool,
}

fn page(state: &AppState, ctx: Ctx, proxytunnel: bool) -> DownloadsPage {
    DownloadsPage {
        title_id: if proxytunnel {
            "menu-proxytunnel"
        } else {
            "menu-admin-tools"
        },
        intro_id: if proxytunnel {
            "rmt-download-proxytunnel-intro"
        } else {
            "rmt-download-admin-tools-intro"
        },
        bundle_href: if proxytunnel {
            "/com/downloads/proxytunnel.zip"
        } else {
            "/com/downloads/admin-tools.zip"
        },
        bundle_id: if proxytunnel {
            "rmt-download-proxytunnel"
        } else {
            "rmt-download-admin-tools"
        },
        proxy: proxy_address(state),
        domain: format!(
            "*.{}.{}",
            patchbay_domain::remote::MAINT_LABEL,
            state.config.remote_domain()
        ),
        pac_url: format!(
            "https://{}/com/remoteproxy/proxy.pac",
            state.config.public_address()
        ),
        browser: !proxytunnel,
        ctx,
    }
}

async fn proxytunnel_page(State(state): State<AppState>, _caller: Caller, ctx: Ctx) -> Response {
    render(&page(&state, ctx, true))
}

async fn admin_tools_page(State(state): State<AppState>, _caller: Caller, ctx: Ctx) -> Response {
    render(&page(&state, ctx, false))
}

pub fn endpoints() -> Vec<Endpoint> {
    let cap = Capability::ViewOperations;
    vec![
        Endpoint::page(
            Method::GET,
            "/com/downloads/proxytunnel",
            cap,
            "ProxyTunnel utility download (RMT-7)",
            get(proxytunnel_page),
        ),
        Endpoint::page(
            Method::GET,
            "/com/downloads/proxytunnel.zip",
            cap,
            "The ProxyTunnel utility bundle (RMT-7)",
            get(proxytunnel_zip),
        ),
        Endpoint::page(
            Method::GET,
            "/com/downloads/admin-tools",
            cap,
            "Admin tools download (RMT-7)",
            get(admin_tools_page),
        ),
        Endpoint::page(
            Method::GET,
            "/com/downloads/admin-tools.zip",
            cap,
            "The admin tools bundle (RMT-7)",
            get(admin_tools_zip),
        ),
        Endpoint::page(
            Method::GET,
            "/com/downloads/browser-extension.zip",
            cap,
            "The remote-support browser extension (RMT-7)",
            get(extension_zip),
        ),
        Endpoint::page(
            Method::GET,
            "/com/downloads/ca.pem",
            cap,
            "The hub's trust root certificate (RMT-7)",
            get(ca),
        ),
    ]
}
