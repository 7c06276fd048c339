//! CUS-8 zero-touch enrolment. A reseller or distributor has an enrolment credential (shown once
//! when made or rotated; the hub keeps the secret's SHA-256). A system that connects with it and
//! a customer ID the hub does not know becomes a customer under that provider — pending until a
//! staff member who may add customers confirms it, or confirmed at once when the provider says
//! so. Attempts are throttled per source address with the console's lockout (one atomic
//! admission per attempt, so parallel guesses get no more tries) and audited; a pending system is
//! refused, so it gets no remote operation until confirmed.

use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::enrolment::{enrolled_customer, format_credential, parse_credential};
use patchbay_domain::system::Refusal;
use patchbay_domain::{Capability, CustomerId};
use patchbay_store::customers::CustomerWrite;
use patchbay_store::enrolment::Provider;
use patchbay_store::lockout::Admission;
use patchbay_store::{AuditMeta, StoreError};
use sha2::{Digest, Sha256};

/// A pending system tries again after this long.
pub const PENDING_RETRY_SECONDS: u64 = 10;

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Make a new credential for `provider` (the previous one stops working at once); the result is
/// shown once.
pub async fn rotate(
    state: &AppState,
    caller: &Caller,
    provider: Provider,
) -> Result<String, AppError> {
    caller.require(Capability::ServerSettings)?;
    let id = hex::encode(rand::random::<[u8; 8]>());
    let secret = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
    };
    state
        .store
        .rotate_enrolment_credential(&caller.meta(), provider, &id, &sha256_hex(&secret))
        .await?;
    Ok(format_credential(&id, &secret))
}

/// Whether the provider's enrolled systems are confirmed at once.
pub async fn set_auto_confirm(
    state: &AppState,
    caller: &Caller,
    provider: Provider,
    on: bool,
) -> Result<(), AppError> {
    caller.require(Capability::ServerSettings)?;
    Ok(state
        .store
        .set_enrolment_auto_confirm(&caller.meta(), provider, on)
        .await?)
}

/// Confirm an enrolled customer: its system connects fully from its next attempt.
pub async fn confirm(state: &AppState, caller: &Caller, id: CustomerId) -> Result<(), AppError> {
    caller.require(Capability::AddDeleteCustomers)?;
    if state
        .store
        .confirm_enrolment(&caller.meta(), caller.principal.scope(), id)
        .await?
    {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "conflict-not-pending",
            "This customer is not waiting for confirmation.".into(),
        ))
    }
}

/// The agent gateway met an unknown customer ID with an enrolment credential: add the customer,
/// or say why not (the refusal and the wait before trying again).
pub async fn enrol(
    state: &AppState,
    hello: &patchbay_proto::Hello,
    credential: &str,
    source: Option<std::net::IpAddr>,
) -> Result<(), (Refusal, Option<u64>)> {
    let internal = |e: StoreError| {
        tracing::error!(error = %e, "enrolment failed on the store");
        (Refusal::ConnectionFailed, Some(30))
    };
    let source = source
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".into());
    let meta = AuditMeta {
        actor_id: None,
        actor_login: "enrolment".into(),
        source: source.clone(),
    };
    let attempt = match state
        .store
        .admit_login_attempt(&format!("enrolment@{source}"))
        .await
        .map_err(internal)?
    {
        Admission::Admitted(a) => a,
        Admission::Blocked { until } => {
            let wait = until
                .duration_since(jiff::Timestamp::now())
                .as_secs()
                .max(1);
            tracing::info!(%source, "enrolment throttled");
            return Err((Refusal::TemporarilyLocked, Some(wait as u64)));
        }
    };
    let found = match parse_credential(credential) {
        Some((id, secret)) => state
            .store
            .enrolment_credential(id)
            .await
            .map_err(internal)?
            .filter(|c| crate::auth::same_secret(&c.secret_sha256, &sha256_hex(secret))),
        None => None,
    };
    let Some(cred) = found else {
        state
            .store
            .login_attempt_failed(
                &meta,
                &attempt,
                "customer.enrol",
                &hello.customer_id,
                "wrong enrolment credential",
            )
            .await
            .map_err(internal)?;
        tracing::info!(%source, customer = %hello.customer_id, "enrolment refused: wrong credential");
        return Err((Refusal::InvalidCredentials, None));
    };
    state
        .store
        .login_attempt_succeeded(&attempt)
        .await
        .map_err(internal)?;
    let fields = patchbay_domain::customer::normalise(enrolled_customer(
        &hello.system_name,
        &hello.customer_id,
        &hello.service_user,
    ));
    if patchbay_domain::customer::validate(&fields, Some(&hello.password)).is_err() {
        tracing::info!(customer = %hello.customer_id, "enrolment refused: the system's customer ID or service account is not valid");
        return Err((Refusal::InvalidCredentials, None));
    }
    let (distributor_id, reseller_id) = match cred.provider {
        Provider::Distributor(d) => (Some(d), None),
        Provider::Reseller(r) => (cred.distributor_id, Some(r)),
    };
    let write = CustomerWrite {
        fields,
        sealed_password: Some(state.secrets.seal(&hello.password)),
        distributor_id,
        reseller_id,
        operators: Vec::new(),
    };
    match state
        .store
        .enrol_customer(&meta, &write, &cred.id, cred.auto_confirm)
        .await
    {
        Ok(id) => {
            tracing::info!(customer = %hello.customer_id, %id, pending = !cred.auto_confirm, "system enrolled");
            Ok(())
        }
        // Enrolled by another attempt meanwhile: authenticate against it as usual.
        Err(StoreError::Taken(_)) => Ok(()),
        Err(e) => Err(internal(e)),
    }
}
