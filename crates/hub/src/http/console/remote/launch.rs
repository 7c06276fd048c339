//! Launch application → Web Manager (RMT-5): the system's central-management web service,
//! served under `/com/launch/{customer}/…` to the console accounts that may launch it
//! (Administrator, Operator) for customers they see. Each request rides a stream the system's
//! agent dials back (as remote support does), as plain HTTP on the system's side; the console
//! session never reaches the system (its cookie is taken out), redirects and cookies the system
//! sets stay under the launch path, and every exchange is audited with the account (RMT-8).

use super::super::{render, Ctx, ErrorPage};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::proxy::tunnel::{self, Target};
use crate::proxy::Audit;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use patchbay_domain::remote::Refusal;
use patchbay_domain::{Capability, CustomerId};
use patchbay_store::remote::{ProxyAccount, RemoteCustomer};

/// Where Web Manager starts (RMT-5's address, below the launch path).
pub const START: &str = "WebManagement/WebManagement.html";

/// The launch path of a customer.
pub fn base(customer: CustomerId) -> String {
    format!("/com/launch/{customer}/")
}

/// The `Cookie` header without the console's own cookies.
fn foreign_cookies(v: &str) -> Option<String> {
    let kept: Vec<&str> = v
        .split(';')
        .map(str::trim)
        .filter(|c| !c.is_empty() && !c.starts_with(super::super::SESSION_COOKIE))
        .collect();
    (!kept.is_empty()).then(|| kept.join("; "))
}

/// A `Set-Cookie` of the system, kept under the launch path (never the console's).
fn scoped_cookie(v: &str, base: &str) -> Option<String> {
    let mut parts = v.split(';').map(str::trim);
    let pair = parts.next()?;
    if pair.starts_with(super::super::SESSION_COOKIE) {
        return None;
    }
    let mut out = vec![pair.to_string()];
    for a in parts {
        let lower = a.to_ascii_lowercase();
        if !(lower.starts_with("path=") || lower.starts_with("domain=") || a.is_empty()) {
            out.push(a.to_string());
        }
    }
    out.push(format!("Path={base}"));
    Some(out.join("; "))
}

fn failed(state: &AppState, caller: &Caller, path: &str, r: &Refusal) -> Response {
    let ctx = Ctx::new(state, caller, path);
    let mut out = render(&ErrorPage {
        title: ctx.t("rmt-launch-failed"),
        detail: ctx.t(&format!("rmt-outcome-{}", r.code())),
        status: r.status(),
        ctx,
    });
    *out.status_mut() =
        axum::http::StatusCode::from_u16(r.status()).unwrap_or(axum::http::StatusCode::BAD_GATEWAY);
    out
}

async fn launch(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, rest)): Path<(String, String)>,
    req: Request,
) -> Result<Response, AppError> {
    let customer: CustomerId = id.parse().map_err(|_| AppError::NotFound)?;
    let c = crate::service::customers::get(&state, &caller, customer).await?;
    let base = base(customer);
    let page = format!("{base}{rest}");
    let systems = state.store.systems_of(customer).await?;
    // The primary: the connected system first, as remote support's `<customer-id>` address.
    let Some(system) = systems.iter().find(|s| s.connected).or(systems.first()) else {
        return Ok(failed(&state, &caller, &page, &Refusal::SystemOffline));
    };
    let login = caller.account.fields.login_name.clone();
    let operator = caller.account.id.to_string();
    let account = ProxyAccount {
        id: format!("console:{operator}"),
        provider_kind: "distributor",
        provider_id: String::new(),
        provider_name: String::new(),
        user_name: login,
        password_set: false,
        updated_at: None,
    };
    let target = format!("web-manager:{}", rest);
    let audit = Audit {
        state: &state,
        account: &account,
        source: &caller.source,
        target: &target,
        customer: Some(RemoteCustomer {
            id: customer,
            customer_id: c.fields.customer_id.clone(),
            name: c.fields.name.clone(),
            candidate: patchbay_domain::remote::Candidate {
                customer_id: c.fields.customer_id.clone(),
                system_name: None,
            },
        }),
        system: system.name.clone(),
        operator: Some(&operator),
    };
    let refusal = if !system.flags.central_management {
        Some(Refusal::CentralManagementDisabled)
    } else if !system.connected {
        Some(Refusal::SystemOffline)
    } else {
        None
    };
    if let Some(r) = refusal {
        audit.refused(&r).await;
        return Ok(failed(&state, &caller, &page, &r));
    }
    let ws = match tunnel::open(
        &state,
        &Target {
            system: system.id,
            server: None,
            colocated: None,
            port: 0,
            service: Some("webManager"),
        },
    )
    .await
    {
        Ok(ws) => ws,
        Err(r) => {
            audit.refused(&r).await;
            return Ok(failed(&state, &caller, &page, &r));
        }
    };
    let Some(session) = audit.open().await else {
        return Err(AppError::Internal("cannot record the session".into()));
    };
    let (mut parts, body) = req.into_parts();
    let query = parts
        .uri
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    parts.uri = format!("/{rest}{query}")
        .parse()
        .map_err(|_| AppError::NotFound)?;
    let cookies = parts
        .headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(foreign_cookies);
    parts.headers.remove(header::COOKIE);
    if let Some(v) = cookies.and_then(|c| HeaderValue::from_str(&c).ok()) {
        parts.headers.insert(header::COOKIE, v);
    }
    parts.headers.remove(header::AUTHORIZATION);
    if let Ok(v) = HeaderValue::from_str(&system.address) {
        parts.headers.insert(header::HOST, v);
    }
    let resp = match crate::proxy::send_http(state.clone(), session, ws, parts, body).await {
        Ok(r) => r,
        Err(r) => return Ok(failed(&state, &caller, &page, &r)),
    };
    let (mut parts, body) = resp.into_parts();
    // Redirects to the system's own paths stay under the launch path.
    if let Some(loc) = parts
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .filter(|l| l.starts_with('/') && !l.starts_with("//"))
        .map(|l| format!("{}{}", base.trim_end_matches('/'), l))
    {
        if let Ok(v) = HeaderValue::from_str(&loc) {
            parts.headers.insert(header::LOCATION, v);
        }
    }
    let cookies: Vec<HeaderValue> = parts
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| scoped_cookie(v, &base))
        .filter_map(|v| HeaderValue::from_str(&v).ok())
        .collect();
    parts.headers.remove(header::SET_COOKIE);
    for v in cookies {
        parts.headers.append(header::SET_COOKIE, v);
    }
    Ok(Response::from_parts(parts, Body::new(body)).into_response())
}

pub fn endpoints() -> Vec<Endpoint> {
    const PATH: &str = "/com/launch/{id}/{*rest}";
    vec![
        Endpoint::page(
            Method::GET,
            PATH,
            Capability::LaunchApplication,
            "Launch application: the system's Web Manager (RMT-5)",
            get(launch),
        ),
        Endpoint::page(
            Method::POST,
            PATH,
            Capability::LaunchApplication,
            "Launch application: the system's Web Manager (RMT-5)",
            post(launch),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rmt_5_the_console_session_never_reaches_the_system() {
        assert_eq!(
            foreign_cookies("pb_session=abc; wm=1; other=2"),
            Some("wm=1; other=2".into())
        );
        assert_eq!(foreign_cookies("pb_session=abc"), None);
        assert_eq!(
            scoped_cookie(
                "wm=1; Path=/; Domain=hub.example; HttpOnly",
                "/com/launch/x/"
            ),
            Some("wm=1; HttpOnly; Path=/com/launch/x/".into())
        );
        assert_eq!(
            scoped_cookie("pb_session=evil; Path=/com", "/com/launch/x/"),
            None
        );
    }
}
