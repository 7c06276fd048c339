//! Devices (DEV-4 … DEV-9): the list with search as you type, a device's SIP data with the
//! password masked, password reset / update shown once, delete with the reminder to clear the
//! physical device, and the one-time CSV of credentials.

use super::{
    list_params, messages, query, render, searched, show_mac, ConfirmPage, Ctx, Org, DEVICES,
    PEOPLE, WORKSPACES,
};
use super::{Chosen, Found};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::console::forms::{FieldMessages, FormMap};
use crate::http::list::{ListParams, ListSpec, Pager};
use crate::service::calling::{self as svc, Credentials};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::calling::MemberKind;
use patchbay_domain::provisioning::is_fax_placeholder;
use patchbay_domain::{Capability, Rule};
use patchbay_store::calling::devices::{Device, DeviceFilter, DeviceLine};
use patchbay_store::calling::Member;

/// The list's parameters: the organisation and the search box.
static LIST_SPEC: ListSpec = searched(DEVICES);

/// The page of a person or workspace.
pub fn member_link(org: &Org, m: &Member) -> String {
    match m.kind {
        MemberKind::People => org.link(&format!("{PEOPLE}/{}", m.id)),
        MemberKind::Place => org.link(&format!("{WORKSPACES}/{}", m.id)),
    }
}

pub fn member_kind_text(ctx: &Ctx, kind: MemberKind) -> String {
    match kind {
        MemberKind::People => ctx.t("calling-usage-person"),
        MemberKind::Place => ctx.t("calling-usage-workspace"),
    }
}

/// The kind of device in words (DEV-1).
pub fn device_kind_text(ctx: &Ctx, d: &Device) -> String {
    if d.model.fax {
        ctx.t("calling-kind-fax")
    } else if d.model.partner_managed() {
        ctx.t("calling-kind-partner")
    } else {
        ctx.t("calling-kind-customer")
    }
}

/// One row of a device list (the Devices page, a person's or a workspace's page).
pub struct DeviceRow {
    pub id: String,
    pub link: String,
    pub owner: String,
    pub owner_link: String,
    pub owner_kind: String,
    pub model: String,
    pub mac: String,
    pub sip_user_name: String,
    pub status: String,
    pub status_code: String,
    pub created: String,
}

pub fn device_row(ctx: &Ctx, org: &Org, d: Device) -> DeviceRow {
    DeviceRow {
        link: org.link(&format!("{DEVICES}/{}", d.id)),
        id: d.id.to_string(),
        owner_link: member_link(org, &d.owner),
        owner_kind: member_kind_text(ctx, d.owner.kind),
        owner: d.owner.display_name,
        model: d.model.display_name,
        mac: show_mac(&d.mac),
        sip_user_name: d.sip_user_name,
        status: ctx.word("calling-status-", &d.status),
        status_code: d.status,
        created: ctx.datetime(d.created_at),
    }
}

// ---------------------------------------------------------------------------------------------
// List (DEV-7, DEV-9)

#[derive(Template)]
#[template(path = "calling_devices.html")]
struct ListPage {
    ctx: Ctx,
    org: Org,
    lp: ListParams,
    pager: Pager,
    rows: Vec<DeviceRow>,
    notice: String,
    can_manage: bool,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Chosen(org): Chosen,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let lp = list_params(&LIST_SPEC, q.as_deref(), &org);
    let filter = DeviceFilter {
        search: lp.value("q"),
        ..Default::default()
    };
    let (items, total) = state.store.list_devices(org.id, &filter, lp.page()).await?;
    let rows: Vec<DeviceRow> = items
        .into_iter()
        .map(|d| device_row(&ctx, &org, d))
        .collect();
    let notice = ctx.done_notice(&form, "calling-device");
    let page = ListPage {
        pager: lp.pager(rows.len(), total),
        can_manage: caller.can(Capability::ManageProvisioning),
        ctx,
        org,
        lp,
        rows,
        notice,
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// Details (DEV-4: the password masked, DEV-6 lines, DEV-9 status)

pub struct LineRow {
    pub port: i64,
    pub name: String,
    pub link: String,
    pub kind: String,
    pub primary: bool,
    pub member: String,
    /// What the registrar says about the line (SIP-3), on the details page.
    pub reg: Option<RegView>,
}

/// A line's registration as the details page shows it (SIP-3).
pub struct RegView {
    pub user: String,
    pub registered: bool,
    pub contacts: String,
    pub last: String,
    pub expires: String,
    pub source: String,
    pub agent: String,
    pub transport: String,
}

fn reg_view(ctx: &Ctx, r: crate::service::sip::LineRegistration) -> RegView {
    let b = r.binding.as_ref();
    RegView {
        registered: r.registered(),
        contacts: ctx.t1("calling-reg-contacts", "n", &r.contacts.to_string()),
        last: b.map(|b| ctx.datetime(b.last_modified)).unwrap_or_default(),
        expires: b.map(|b| ctx.datetime(b.expires)).unwrap_or_default(),
        source: b.map(|b| b.source()).unwrap_or_default(),
        agent: b.map(|b| b.user_agent.clone()).unwrap_or_default(),
        transport: b
            .and_then(|b| b.transport())
            .map(|t| t.to_uppercase())
            .unwrap_or_default(),
        user: r.user,
    }
}

pub fn line_rows(ctx: &Ctx, org: &Org, lines: Vec<DeviceLine>) -> Vec<LineRow> {
    lines
        .into_iter()
        .map(|l| LineRow {
            port: l.port,
            link: member_link(org, &l.member),
            kind: member_kind_text(ctx, l.member.kind),
            primary: l.primary_owner,
            member: format!("{}:{}", l.member.kind.as_str(), l.member.id),
            name: l.member.display_name,
            reg: None,
        })
        .collect()
}

/// What every device page shows about the device.
pub struct DeviceView {
    pub id: String,
    pub link: String,
    pub password_link: String,
    pub lines_link: String,
    pub delete_link: String,
    pub kind: String,
    pub model: String,
    pub mac: String,
    pub mac_generated: bool,
    pub owner: String,
    pub owner_link: String,
    pub owner_kind: String,
    pub sip_user_name: String,
    pub line_port: String,
    pub outbound_proxy: String,
    pub registrar: String,
    pub status: String,
    pub created: String,
    /// PRV-3: when it last fetched its configuration file (empty: never).
    pub provisioned: String,
    pub ports: i64,
    pub partner: bool,
    /// Shared lines can be configured (customer-managed, more than one port; DEV-6).
    pub configurable: bool,
}

pub fn device_view(ctx: &Ctx, org: &Org, d: &Device) -> DeviceView {
    DeviceView {
        id: d.id.to_string(),
        link: org.link(&format!("{DEVICES}/{}", d.id)),
        password_link: org.link(&format!("{DEVICES}/{}/password", d.id)),
        lines_link: org.link(&format!("{DEVICES}/{}/lines", d.id)),
        delete_link: org.link(&format!("{DEVICES}/{}/delete", d.id)),
        kind: device_kind_text(ctx, d),
        model: d.model.display_name.clone(),
        mac: show_mac(&d.mac),
        mac_generated: d.model.fax && is_fax_placeholder(&d.mac),
        owner: d.owner.display_name.clone(),
        owner_link: member_link(org, &d.owner),
        owner_kind: member_kind_text(ctx, d.owner.kind),
        sip_user_name: d.sip_user_name.clone(),
        line_port: d.line_port.clone(),
        outbound_proxy: d.outbound_proxy.clone(),
        registrar: d.registrar.clone(),
        status: ctx.word("calling-status-", &d.status),
        created: ctx.datetime(d.created_at),
        provisioned: d
            .provisioned_at
            .map(|t| ctx.datetime(t))
            .unwrap_or_default(),
        ports: d.model.line_ports,
        partner: d.model.partner_managed(),
        configurable: !d.model.partner_managed() && !d.model.fax && d.model.line_ports > 1,
    }
}

#[derive(Template)]
#[template(path = "calling_device.html")]
struct DetailsPage {
    ctx: Ctx,
    org: Org,
    d: DeviceView,
    lines: Vec<LineRow>,
    can_manage: bool,
}

async fn details(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Found(device, org): Found<Device>,
) -> Result<Response, AppError> {
    let mut lines = line_rows(&ctx, &org, state.store.device_lines(device.id).await?);
    // The registrar's tables unreadable: the page still shows, without registrations.
    let mut regs = crate::service::sip::device_registrations(&state, &device)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot read the device's registrations");
            Vec::new()
        });
    for l in &mut lines {
        if let Some(i) = regs.iter().position(|r| r.port == l.port) {
            l.reg = Some(reg_view(&ctx, regs.swap_remove(i)));
        }
    }
    let page = DetailsPage {
        d: device_view(&ctx, &org, &device),
        can_manage: caller.can(Capability::ManageProvisioning),
        ctx,
        org,
        lines,
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// Reset / update the SIP password (DEV-5): confirm, then the new password shown once.

#[derive(Template)]
#[template(path = "calling_device_password.html")]
struct PasswordPage {
    ctx: Ctx,
    org: Org,
    d: DeviceView,
    errors: FieldMessages,
}

async fn confirm_password(
    ctx: Ctx,
    Found(device, org): Found<Device>,
) -> Result<Response, AppError> {
    Ok(render(&PasswordPage {
        d: device_view(&ctx, &org, &device),
        ctx,
        org,
        errors: FieldMessages::default(),
    }))
}

/// The one-time credentials page of a new device (DEV-4) or a new password (DEV-5).
#[derive(Template)]
#[template(path = "calling_credentials.html")]
pub struct CredentialsPage {
    pub ctx: Ctx,
    pub org: Org,
    pub c: CredentialsView,
    /// True after a password reset, false for a new device.
    pub reset: bool,
    pub owner: String,
    pub owner_link: String,
    pub add_another: String,
}

pub struct CredentialsView {
    pub device_link: String,
    pub csv_action: String,
    pub model: String,
    pub mac: String,
    pub mac_generated: bool,
    pub sip_user_name: String,
    pub password: String,
    pub line_port: String,
    pub outbound_proxy: String,
    pub registrar: String,
    pub provisioning_user: String,
    pub provisioning_password: String,
}

pub fn credentials_view(
    org: &Org,
    c: &Credentials,
    display_model: &str,
    fax: bool,
) -> CredentialsView {
    CredentialsView {
        device_link: org.link(&format!("{DEVICES}/{}", c.device_id)),
        csv_action: org.link(&format!("{DEVICES}/{}/credentials", c.device_id)),
        model: display_model.to_string(),
        mac: show_mac(&c.mac),
        mac_generated: fax,
        sip_user_name: c.sip_user_name.clone(),
        password: c.password.clone(),
        line_port: c.line_port.clone(),
        outbound_proxy: c.outbound_proxy.clone(),
        registrar: c.registrar.clone(),
        provisioning_user: patchbay_domain::prov::user_of(&c.mac),
        provisioning_password: c.provisioning_password.clone(),
    }
}

async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Found(device, org): Found<Device>,
    body: Bytes,
) -> Result<Response, AppError> {
    let posted = FormMap::parse(&body);
    // Partner-managed devices may take a supplied password; empty means generate one.
    let supplied = Some(posted.text("sipPassword"))
        .filter(|p| device.model.partner_managed() && !p.is_empty());
    let secrets = match svc::reset_password(&state, &caller, &device, supplied.as_deref()).await {
        Ok(p) => p,
        Err(e @ AppError::Validation(_)) => {
            let ctx = Ctx::new(&state, &caller, DEVICES);
            let mut r = render(&PasswordPage {
                errors: messages(&ctx, &e),
                d: device_view(&ctx, &org, &device),
                ctx,
                org,
            });
            *r.status_mut() = StatusCode::BAD_REQUEST;
            return Ok(r);
        }
        Err(e) => return Err(e),
    };
    let c = Credentials::of(
        &device,
        secrets.sip,
        secrets.provisioning.unwrap_or_default(),
    );
    let page = CredentialsPage {
        c: credentials_view(&org, &c, &device.model.display_name, device.model.fax),
        reset: true,
        owner: device.owner.display_name.clone(),
        owner_link: member_link(&org, &device.owner),
        add_another: String::new(),
        ctx,
        org,
    };
    Ok(render(&page))
}

/// DEV-4 CSV download from the one-time page: the page posts the password it shows back; the
/// other values come from the stored device. Nothing of it is kept or logged, and a password
/// that is not the device's current one is refused.
async fn credentials_csv(
    State(state): State<AppState>,
    Found(device, _): Found<Device>,
    body: Bytes,
) -> Result<Response, AppError> {
    let posted = FormMap::parse(&body);
    let password = posted.text("sipPassword");
    let sealed = state.store.device_sealed_password(device.id).await?;
    let current = state
        .secrets
        .open(&sealed)
        .map_err(|_| AppError::Internal("device password does not open".into()))?;
    if password.is_empty() || password != current {
        return Err(AppError::field("sipPassword", Rule::Invalid));
    }
    // The provisioning password is checked against its key (only the key is kept).
    let provisioning = posted.text("provisioningPassword");
    let key = state.store.device_provisioning_key(device.id).await?;
    let prov_ok = key.is_some_and(|k| {
        patchbay_domain::prov::same(
            &k,
            &patchbay_domain::prov::prov_ha1(&device.mac, &provisioning),
        )
    });
    if !prov_ok {
        return Err(AppError::field("provisioningPassword", Rule::Invalid));
    }
    let csv = svc::credentials_csv(&[Credentials::of(&device, password, provisioning)])?;
    let file = format!(
        "attachment; filename=\"sip-credentials-{}.csv\"",
        device.sip_user_name
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, file),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        csv,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// Delete (DEV-6: remove the SIP registration data from the physical device)

async fn confirm_delete(ctx: Ctx, Found(device, org): Found<Device>) -> Result<Response, AppError> {
    let page = ConfirmPage {
        title: ctx.t("calling-device-delete-title"),
        message: ctx.t("calling-device-delete-confirm"),
        target: format!(
            "{} · {} · {}",
            device.model.display_name,
            show_mac(&device.mac),
            device.owner.display_name
        ),
        action: org.link(&format!("{DEVICES}/{}/delete", device.id)),
        cancel: org.link(&format!("{DEVICES}/{}", device.id)),
        ctx,
        org,
    };
    Ok(render(&page))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Found(device, org): Found<Device>,
) -> Result<Response, AppError> {
    state.store.delete_device(&caller.meta(), device.id).await?;
    Ok(Redirect::to(&org.link(&format!("{DEVICES}?done=deleted"))).into_response())
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    vec![
        Endpoint::page(Method::GET, DEVICES, view, "Calling devices", get(list)),
        Endpoint::page(
            Method::GET,
            "/com/calling/devices/{id}",
            view,
            "Calling device",
            get(details),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/devices/{id}/password",
            manage,
            "Confirm SIP password reset",
            get(confirm_password),
        ),
        Endpoint::page(
            Method::POST,
            "/com/calling/devices/{id}/password",
            manage,
            "Reset SIP password",
            post(reset_password),
        ),
        Endpoint::page(
            Method::POST,
            "/com/calling/devices/{id}/credentials",
            manage,
            "Download SIP credentials (CSV)",
            post(credentials_csv),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/devices/{id}/delete",
            manage,
            "Confirm device deletion",
            get(confirm_delete),
        ),
        Endpoint::page(
            Method::POST,
            "/com/calling/devices/{id}/delete",
            manage,
            "Delete device",
            post(delete),
        ),
    ]
}
