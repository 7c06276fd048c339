//! Outgoing mail (CUS-7): the subscription e-mail with a system's connection details, queued in
//! the outbox and delivered over SMTP when a relay is configured.

use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use base64::Engine as _;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use patchbay_domain::{Capability, CustomerId};
use patchbay_store::outbox::NewMail;
use sha2::{Digest, Sha256};
use std::time::Duration;

pub const MAX_ATTEMPTS: i64 = 5;

/// SHA-256 fingerprint of the hub's identity certificate, so the customer can check what the
/// agent will trust.
pub fn certificate_fingerprint(pem: &str) -> String {
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .unwrap_or_default();
    Sha256::digest(&der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// What was done: how many were queued and which customers had no e-mail address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendReport {
    pub queued: usize,
    pub skipped: Vec<String>,
}

/// CUS-7: re-send the subscription e-mail to each selected customer's technical contact, written
/// in `lang` (UI-1). The service password is never put in a mail.
pub async fn send_subscription(
    state: &AppState,
    caller: &Caller,
    ids: &[CustomerId],
    lang: &str,
) -> Result<SendReport, AppError> {
    caller.require(Capability::ResendSubscriptionEmail)?;
    super::check_bulk(ids.len())?;
    let cert = std::fs::read_to_string(state.config.data_dir.join(crate::tls::CERT_FILE))
        .unwrap_or_default();
    let fingerprint = certificate_fingerprint(&cert);
    let address = state.config.public_address();
    let mut mails = Vec::new();
    let mut report = SendReport::default();
    for id in ids {
        let c = state.store.customer(caller.principal.scope(), *id).await?;
        if c.fields.email.is_empty() {
            report.skipped.push(c.fields.name.clone());
            continue;
        }
        let hub = format!("wss://{address}");
        let command = format!(
            "patchbay-agent run --hub {hub} --customer-id {cid} --service-user {user} \\\n  \
             --password-file /etc/patchbay/service.password --system-dir /var/lib/patchbay-agent --ca-file hub.pem",
            cid = c.fields.customer_id,
            user = c.fields.service_user_name,
        );
        let args = [
            ("name", c.fields.name.clone()),
            ("address", hub),
            ("customerId", c.fields.customer_id.to_string()),
            ("serviceUser", c.fields.service_user_name.clone()),
            ("fingerprint", fingerprint.clone()),
            ("command", command),
        ];
        let body = format!(
            "{}\n",
            state.i18n.t_args(lang, "mail-subscription-body", &args)
        );
        mails.push(NewMail {
            to: c.fields.email.clone(),
            subject: state
                .i18n
                .t_args(lang, "mail-subscription-subject", &args[..1]),
            body,
            target_type: "customer",
            target_id: c.id.to_string(),
            target_name: c.fields.name.clone(),
            sensitive: false,
        });
    }
    let status = if state.config.smtp_url.is_some() {
        "queued"
    } else {
        "kept"
    };
    state
        .store
        .enqueue_mail(&caller.meta(), &mails, status)
        .await?;
    report.queued = mails.len();
    Ok(report)
}

#[derive(Debug, thiserror::Error)]
enum SendError {
    #[error("address: {0}")]
    Address(String),
    #[error("message: {0}")]
    Message(String),
    #[error("smtp: {0}")]
    Smtp(String),
}

async fn deliver(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &str,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<(), SendError> {
    let from: Mailbox = from
        .parse()
        .map_err(|e: lettre::address::AddressError| SendError::Address(e.to_string()))?;
    let to: Mailbox = to
        .parse()
        .map_err(|e: lettre::address::AddressError| SendError::Address(e.to_string()))?;
    let msg = Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .body(body.to_string())
        .map_err(|e| SendError::Message(e.to_string()))?;
    transport
        .send(msg)
        .await
        .map_err(|e| SendError::Smtp(e.to_string()))?;
    Ok(())
}

/// How long a message being sent stays claimed by the node sending it.
pub const CLAIM_LEASE: Duration = Duration::from_secs(300);

/// The transport for one round of deliveries: the relay of `url`, its TLS (when the URL asks for
/// it: `smtps://`, or `?tls=required|opportunistic`) checked as PRF-3's level and the trusted
/// certificates (CRT-2) say now.
async fn transport(
    state: &AppState,
    url: &str,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    use lettre::transport::smtp::client::Tls;
    let parsed = url::Url::parse(url).map_err(|e| e.to_string())?;
    let host = parsed.host_str().unwrap_or_default().to_string();
    let wants = parsed
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| e.to_string())?;
    let builder = if parsed.scheme() == "smtps" || wants.is_some() {
        let outbound = crate::tls::outbound::Outbound::current(
            &state.store,
            state.preferences().security_level,
        )
        .await
        .map_err(|e| e.to_string())?;
        let params = outbound.smtp(&host).map_err(|e| e.to_string())?;
        builder.tls(match (parsed.scheme(), wants.as_deref()) {
            ("smtps", _) => Tls::Wrapper(params),
            (_, Some("opportunistic")) => Tls::Opportunistic(params),
            _ => Tls::Required(params),
        })
    } else {
        builder
    };
    Ok(builder.timeout(Some(Duration::from_secs(20))).build())
}

/// Deliver queued mail every 2 s when an SMTP relay is configured. Each message is claimed
/// before it is sent ([`patchbay_store::Store::claim_mail`]), so several nodes send it once.
pub fn spawn_mailer(state: AppState) {
    let Some(url) = state.config.smtp_url.clone() else {
        return;
    };
    if let Err(e) = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url) {
        tracing::error!(error = %e, "the SMTP URL is not usable; mail stays in the outbox");
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            let queued = match state.store.claim_mail(20, CLAIM_LEASE).await {
                Ok(q) => q,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the outbox");
                    continue;
                }
            };
            if queued.is_empty() {
                continue;
            }
            let transport = transport(&state, &url).await;
            for m in queued {
                let result = match &transport {
                    Ok(t) => deliver(t, &state.config.mail_from, &m.to, &m.subject, &m.body).await,
                    Err(e) => Err(SendError::Smtp(e.clone())),
                };
                let error = result.as_ref().err().map(|e| e.to_string());
                if let Some(e) = &error {
                    tracing::warn!(to = %m.to, error = %e, "mail delivery failed");
                }
                if let Err(e) = state
                    .store
                    .mail_attempted(m.id, error.as_deref(), MAX_ATTEMPTS)
                    .await
                {
                    tracing::warn!(error = %e, "cannot record the delivery attempt");
                }
            }
        }
    });
}
