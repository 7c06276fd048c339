//! Provisioning files on the phone file server (PRV-1 … PRV-3): `/prov/<file>`, where `<file>`
//! is the per-MAC name a vendor family asks for. The files carry SIP passwords, so they are
//! served over HTTPS only (plain HTTP gets 403 before anything is looked up). Only a request
//! carrying the device's provisioning credentials (HTTP digest, `qop=auth`, user = its MAC) gets
//! the file: every other answer — an unknown MAC, a wrong password, a name no phone asks for, a
//! partner-managed device — is the same 401 challenge after the same work (one lookup, one
//! digest), so the server tells an attacker nothing about which MACs exist. A source (an IPv6
//! /64) that fails 20 times a minute is refused with 429 — even a right answer — until its wait
//! is over; every other answer is audited; a served file marks the device provisioned.

pub mod render;

use crate::state::AppState;
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use patchbay_domain::prov::{self, Vendor};
use patchbay_store::audit::AuditEntry;
use patchbay_store::AuditMeta;
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// How long a challenge's nonce is accepted.
const NONCE_SECONDS: i64 = 300;

/// Per-node state of the provisioning endpoint: the nonce key and the limits per source.
pub struct Guard {
    key: [u8; 32],
    /// Failed answers per source (20 a minute, then 429 until the wait is over).
    failures: crate::auth::FailureGate,
    /// All requests per source: a burst of 120, then 20 a second.
    requests: governor::DefaultKeyedRateLimiter<IpAddr>,
}

impl Default for Guard {
    fn default() -> Self {
        let mut key = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
        let per_second = std::num::NonZeroU32::new(20).unwrap_or(std::num::NonZeroU32::MIN);
        let burst = std::num::NonZeroU32::new(120).unwrap_or(std::num::NonZeroU32::MIN);
        Self {
            key,
            failures: crate::auth::FailureGate::default(),
            requests: governor::RateLimiter::keyed(
                governor::Quota::per_second(per_second).allow_burst(burst),
            ),
        }
    }
}

impl Guard {
    fn sign(&self, ts: i64) -> String {
        let mut h = Sha256::new();
        h.update(self.key);
        h.update(ts.to_string().as_bytes());
        h.update(self.key);
        format!("{ts}.{}", hex::encode(&h.finalize()[..16]))
    }

    fn nonce(&self) -> String {
        self.sign(jiff::Timestamp::now().as_second())
    }

    /// Whether this node issued `nonce` within [`NONCE_SECONDS`].
    fn fresh(&self, nonce: &str) -> bool {
        let Some(ts) = nonce.split('.').next().and_then(|t| t.parse::<i64>().ok()) else {
            return false;
        };
        let age = jiff::Timestamp::now().as_second() - ts;
        (0..=NONCE_SECONDS).contains(&age) && prov::same(&self.sign(ts), nonce)
    }

    pub fn housekeeping(&self) {
        self.requests.retain_recent();
        self.failures.housekeeping();
    }
}

fn challenge(guard: &Guard, stale: bool) -> Response {
    let value = format!(
        "Digest realm=\"{}\", nonce=\"{}\", qop=\"auth\", algorithm=MD5{}",
        prov::REALM,
        guard.nonce(),
        if stale { ", stale=true" } else { "" }
    );
    let mut r = (StatusCode::UNAUTHORIZED, "Unauthorized").into_response();
    if let Ok(v) = HeaderValue::from_str(&value) {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    r
}

fn too_many(seconds: u64) -> Response {
    let mut r = (StatusCode::TOO_MANY_REQUESTS, "Too Many Requests").into_response();
    if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// A key nobody has, checked against when the MAC is unknown (the same work as a known one).
const NO_KEY: &str = "00000000000000000000000000000000";

/// The answer for `GET|HEAD /prov/<file>` from `peer`, over TLS when `tls`.
pub async fn serve(
    state: &AppState,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    peer: IpAddr,
    tls: bool,
) -> Response {
    let guard = &state.provisioning;
    if !tls {
        return (StatusCode::FORBIDDEN, "HTTPS required").into_response();
    }
    let source = crate::auth::Throttle::key(peer);
    if method != Method::GET && method != Method::HEAD {
        let mut r = (StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed").into_response();
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    if let Err(not_until) = guard.requests.check_key(&source) {
        use governor::clock::{Clock, DefaultClock};
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        return too_many(wait.as_secs().max(1));
    }
    if let Some(wait) = guard.failures.wait_of(source) {
        return too_many(wait);
    }
    let file = path
        .strip_prefix('/')
        .and_then(|p| p.strip_prefix(prov::PREFIX))
        .and_then(|p| p.strip_prefix('/'))
        .unwrap_or("");
    let wanted = Vendor::of_file(file).filter(|_| !file.contains('/'));
    let Some(auth) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(prov::parse_digest)
    else {
        return challenge(guard, false);
    };
    // The same lookup and digest whether or not the MAC exists.
    let mac = wanted.as_ref().map_or("000000000000", |(_, m)| m.as_str());
    let target = match state.store.provisioning_target(mac).await {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, "provisioning: cannot read the device");
            return (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response();
        }
    };
    let key = target
        .as_ref()
        .and_then(|t| t.prov_ha1.clone())
        .unwrap_or_else(|| NO_KEY.to_string());
    let expected = prov::expected_response(&key, method.as_str(), &auth);
    // `qop=auth` is what the challenge asks for; the older form without it is not accepted.
    let digest_ok = prov::same(&expected, &auth.response.to_ascii_lowercase())
        && auth.qop.as_deref() == Some("auth");
    let fresh = guard.fresh(&auth.nonce);
    let served = match (&target, &wanted) {
        (Some(t), Some((v, _))) => {
            Vendor::of_catalogue(&t.vendor) == Some(*v)
                && t.managed_by == "CUSTOMER"
                && auth.username == prov::user_of(&t.mac)
                && auth.realm == prov::REALM
                && auth.uri == path
                && t.prov_ha1.is_some()
        }
        _ => false,
    };
    let meta = AuditMeta {
        actor_id: None,
        actor_login: format!("phone:{}", prov::user_of(mac)),
        source: peer.to_string(),
    };
    if !(digest_ok && served && fresh) {
        if digest_ok && served && !fresh {
            // A right answer to an old challenge: ask again at once (not a failure).
            return challenge(guard, true);
        }
        if let Some(wait) = guard.failures.fail(peer) {
            // Over the limit: refused without a record (a flood must not fill the audit log).
            return too_many(wait);
        }
        let entry = AuditEntry {
            action: "device.provision",
            target_type: "provisioning",
            target_id: String::new(),
            target_name: file.chars().take(64).collect(),
            outcome: "failure",
            detail: "credentials refused".into(),
        };
        if let Err(e) = state.store.audit(&meta, entry).await {
            tracing::warn!(error = %e, "provisioning: audit failed");
        }
        return challenge(guard, false);
    }
    let (Some(t), Some((vendor, _))) = (target, wanted) else {
        return challenge(guard, false);
    };
    match render_for(state, vendor, &t).await {
        Ok(body) => {
            if let Err(e) = state.store.mark_provisioned(&meta, t.device_id, file).await {
                tracing::warn!(error = %e, "provisioning: cannot record the fetch");
            }
            let len = body.len();
            let mut r = Response::new(if method == Method::HEAD {
                Body::empty()
            } else {
                Body::from(body)
            });
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(render::content_type(vendor)),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if let Ok(v) = HeaderValue::from_str(&len.to_string()) {
                h.insert(header::CONTENT_LENGTH, v);
            }
            r
        }
        Err(e) => {
            tracing::warn!(device = %t.device_id, error = %e, "provisioning: the template does not render");
            (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response()
        }
    }
}

async fn render_for(
    state: &AppState,
    vendor: Vendor,
    t: &patchbay_store::calling::prov::ProvTarget,
) -> Result<String, String> {
    let lines = state
        .store
        .provisioning_lines(t.device_id)
        .await
        .map_err(|e| e.to_string())?;
    let password = state
        .secrets
        .open(&t.sealed_password)
        .map_err(|_| "the SIP password does not open".to_string())?;
    let own = state
        .store
        .provisioning_template(t.customer_id, vendor.as_str())
        .await
        .map_err(|e| e.to_string())?;
    let body = own.as_deref().unwrap_or(render::builtin(vendor));
    render::render(vendor, body, t, &lines, &password).map_err(|e| e.to_string())
}
