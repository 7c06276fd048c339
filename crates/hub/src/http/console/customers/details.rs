//! Customers console: Details (CUS-5) and Test connection (CUS-2).

use super::*;

pub struct ServerRow {
    pub name: String,
    pub role: String,
    pub address: String,
    pub version: String,
    pub state: String,
    pub online: bool,
}

pub struct SystemRow {
    pub name: String,
    pub profile: String,
    pub version: String,
    pub address: String,
    pub connected: bool,
    pub last_seen: String,
    pub flags: Vec<(String, bool)>,
    pub servers: Vec<ServerRow>,
    /// SYS-4: the newer release for the system's profile, if any.
    pub new_version: Option<String>,
    /// UPG-2: the phone firmware it serves.
    pub phone_firmware: String,
    /// SYS-8: the certificate the hub issued it, or the last failure to.
    pub certificate: Option<CertificateRow>,
}

/// SYS-8: a system's certificate as the details show it (it covers every server's address).
pub struct CertificateRow {
    pub serial: String,
    pub names: String,
    pub expires: String,
    pub failure: String,
    pub failed_at: String,
}

fn certificate_row(
    ctx: &Ctx,
    c: patchbay_store::system_certificates::SystemCertificate,
) -> CertificateRow {
    CertificateRow {
        expires: when(ctx, c.not_after),
        failed_at: when(ctx, c.failed_at),
        serial: c.serial,
        names: c.names,
        failure: c.failure,
    }
}

pub(super) fn flags(ctx: &Ctx, f: &RemoteFlags) -> Vec<(String, bool)> {
    [
        ("centralManagement", f.central_management),
        ("centralDiagnosticLogs", f.central_diagnostic_logs),
        ("remoteUpgradeBackup", f.remote_upgrade_backup),
        ("remoteAccess", f.remote_access),
        ("colocatedServers", f.colocated_servers),
        ("autoCertificateManagement", f.auto_certificate_management),
        ("phoneAutoProvisioning", f.phone_auto_provisioning),
    ]
    .into_iter()
    .map(|(k, on)| (ctx.t(&format!("cus-flag-{k}")), on))
    .collect()
}

pub(super) fn system_row(ctx: &Ctx, s: SystemView) -> SystemRow {
    SystemRow {
        flags: flags(ctx, &s.flags),
        address: if s.port > 0 {
            format!("{}:{}", s.address, s.port)
        } else {
            s.address
        },
        last_seen: when(ctx, s.last_seen_at),
        new_version: None,
        certificate: None,
        phone_firmware: s.phone_firmware,
        name: s.name,
        profile: s.profile,
        version: s.version,
        connected: s.connected,
        servers: s
            .servers
            .into_iter()
            .map(|v| ServerRow {
                role: ctx.word("cus-server-role-", &v.role),
                online: v.state == "online",
                state: ctx.word("cus-server-state-", &v.state),
                name: v.name,
                address: v.address,
                version: v.version,
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "customers_details.html")]
pub(super) struct DetailsPage {
    ctx: Ctx,
    c: Customer,
    light_text: String,
    status_text: String,
    address: String,
    last_seen: String,
    systems: Vec<SystemRow>,
    /// (login, assigned by hand)
    assigned: Vec<(String, bool)>,
    /// Test connection: (ok, text).
    test: Option<(bool, String)>,
    notice: String,
    can_edit: bool,
    can_backup: bool,
    can_restore: bool,
    can_logs: bool,
    can_upgrade: bool,
    can_refresh: bool,
    /// CUS-8: the customer waits for confirmation and the caller may confirm it.
    can_confirm: bool,
    /// RMT-6, for the roles that see remote-support addresses.
    remote: Option<super::remote_panel::RemotePanel>,
    mask: &'static str,
    /// Launch application → Web Manager (RMT-5), when the caller may and a system allows it.
    launch: Option<String>,
}

pub(super) async fn details_page(
    state: &AppState,
    caller: &Caller,
    id: CustomerId,
    test: Option<(bool, String)>,
    notice: &str,
    query: &FormMap,
) -> Result<Response, AppError> {
    let c = svc::get(state, caller, id).await?;
    let ctx = Ctx::new(state, caller, LIST);
    let views = state.store.systems_of(id).await?;
    let remote = if caller.can(Capability::SeeRemoteSupportAddresses) {
        Some(super::remote_panel::panel(state, &ctx, &c, &views, query).await?)
    } else {
        None
    };
    let launch = (caller.can(Capability::LaunchApplication)
        && views.iter().any(|s| s.flags.central_management))
    .then(|| {
        format!(
            "{}{}",
            crate::http::console::remote::launch::base(id),
            crate::http::console::remote::launch::START
        )
    });
    let newest = crate::service::repository::newest_releases(state).await?;
    let mut certificates = state.store.customer_system_certificates(id).await?;
    let systems = views
        .into_iter()
        .map(|s| {
            let certificate = certificates
                .iter()
                .position(|c| c.system_name == s.name)
                .map(|i| certificate_row(&ctx, certificates.swap_remove(i)));
            SystemRow {
                new_version: crate::service::repository::newer_for(&newest, &s.profile, &s.version),
                certificate,
                ..system_row(&ctx, s)
            }
        })
        .collect();
    let assigned = state
        .store
        .assigned_accounts(id)
        .await?
        .into_iter()
        .map(|(_, login, manual)| (login, manual))
        .collect();
    let notice = match notice {
        "created" => ctx.t("cus-created"),
        "updated" => ctx.t("cus-updated"),
        "confirmed" => ctx.t("cus-enrolment-confirmed"),
        _ => String::new(),
    };
    let page = DetailsPage {
        light_text: light_text(&ctx, &c.light),
        status_text: status_text(&ctx, &c.status_code, c.last_seen_at),
        address: match (c.address.is_empty(), c.port) {
            (true, _) => String::new(),
            (false, p) if p > 0 => format!("{}:{p}", c.address),
            (false, _) => c.address.clone(),
        },
        last_seen: when(&ctx, c.last_seen_at),
        can_edit: caller.can(Capability::EditCustomers),
        can_backup: caller.can(Capability::BackupManual),
        can_restore: caller.can(Capability::Restore),
        can_logs: caller.can(Capability::ManageLogFiles),
        can_upgrade: caller.can(Capability::UpgradeSystems),
        can_refresh: caller.can(Capability::RefreshCustomizationFiles),
        can_confirm: caller.can(Capability::AddDeleteCustomers),
        remote,
        mask: super::remote_panel::MASK,
        launch,
        c,
        systems,
        assigned,
        test,
        notice,
        ctx,
    };
    Ok(render(&page))
}

pub(super) async fn details(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let query = FormMap::parse(q.as_deref().unwrap_or("").as_bytes());
    let done = query.text("done");
    details_page(&state, &caller, parse_customer(&id)?, None, &done, &query).await
}

/// CUS-8: confirm an enrolled customer; its system connects fully from its next attempt.
pub(super) async fn confirm_enrolment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_customer(&id)?;
    crate::service::enrolment::confirm(&state, &caller, id).await?;
    Ok(Redirect::to(&format!("/com/customers/{id}?done=confirmed")).into_response())
}

/// CUS-2 Test connection: success only when the system is connected and authenticated now;
/// otherwise the SYS-3 reason. Shown inline on the details page.
pub(super) async fn test_connection(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_customer(&id)?;
    let (ok, _light, code) = svc::test_connection(&state, &caller, id).await?;
    let c = svc::get(&state, &caller, id).await?;
    let ctx = Ctx::new(&state, &caller, LIST);
    let reason = status_text(&ctx, &code, c.last_seen_at);
    let text = if ok {
        if code == "connectionSuccessful" {
            ctx.t("cus-test-ok")
        } else {
            format!("{} {reason}", ctx.t("cus-test-ok"))
        }
    } else {
        ctx.t1("cus-test-failed", "reason", &reason)
    };
    details_page(
        &state,
        &caller,
        id,
        Some((ok, text)),
        "",
        &FormMap::default(),
    )
    .await
}
