//! Mobile lines (WGO-1 … WGO-5), for the API and the console alike: the prerequisites checked
//! here, the line made with its activation code in one transaction, the code e-mailed to the
//! person (or shown to the administrator when the organisation suppresses e-mail), and the
//! one-time redemption that hands a softphone its SIP registration data.
//!
//! A code is 16 digits, kept only as a hash, valid 90 days, usable once. Redemption is one
//! guarded UPDATE (used, expired and unknown codes are refused with the same answer) and gives
//! the line a new password there and then, so nobody — not the administrator who added it —
//! knew the password before the phone did. A source may try 20 codes a minute (counted before
//! the lookup, so parallel tries are held to it too); beyond, it gets 429, even with a right
//! code, until its wait is over.

use super::devices::{insert_with_draws, registrar, DevicePlan};
use super::{generate_password, Surface};
use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::calling::{activation_code_from, ACTIVATION_CODE_DAYS};
use patchbay_domain::mobile::{normalise_code, plan_mobile, MobileRequest, SubscriptionUnits};
use patchbay_domain::sip::subscriber_keys;
use patchbay_domain::{CustomerId, DeviceId, LocationId, MobileImportId, Rule, Scope};
use patchbay_store::calling::locations::Location;
use patchbay_store::calling::mobile::{MobileBatch, NewMobileLine, Redeemed};
use patchbay_store::calling::mobile_imports::ImportRowRef;
use patchbay_store::calling::people::Person;
use patchbay_store::outbox::NewMail;
use patchbay_store::AuditMeta;
use rand::Rng;

/// What the administrator asked for beyond the person (WGO-1).
#[derive(Debug, Clone, Default)]
pub struct MobileChoice {
    pub subscription_id: Option<String>,
    pub phone_number: Option<String>,
}

/// A new (or re-issued) activation code and where it went (WGO-2).
#[derive(Clone)]
pub struct Issued {
    pub device_id: DeviceId,
    pub code: String,
    pub expires_at: jiff::Timestamp,
    /// The address it was e-mailed to; `None` when the organisation suppresses e-mail (then
    /// the administrator is shown the code).
    pub mailed_to: Option<String>,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("device_id", &self.device_id)
            .field("code", &"<redacted>")
            .field("mailed_to", &self.mailed_to)
            .finish()
    }
}

/// Draw a code and its hash.
fn draw_code() -> (String, String, jiff::Timestamp) {
    let mut rng = rand::rngs::OsRng;
    let code = activation_code_from(&mut || rng.gen::<u32>());
    let hash = patchbay_store::crypto::token_hash(&code);
    let expires =
        jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * ACTIVATION_CODE_DAYS);
    (code, hash, expires)
}

/// `1234 5678 9012 3456`: how a code is shown and mailed.
pub fn grouped(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The subscriptions carrying mobile lines, as the prerequisites see them.
pub async fn subscription_units(
    state: &AppState,
    customer: CustomerId,
) -> Result<Vec<SubscriptionUnits>, AppError> {
    Ok(state
        .store
        .mobile_subscriptions(customer)
        .await?
        .into_iter()
        .map(|s| SubscriptionUnits {
            free: s.free(),
            subscription_id: s.subscription_id,
        })
        .collect())
}

/// What every mobile line of a customer is made with: looked up once per request, or once per
/// bulk import (WGO-4).
pub(crate) struct LineKit {
    model: patchbay_store::calling::catalogue::DeviceModel,
    registrar: String,
    /// Codes are e-mailed (a relay, the organisation does not suppress e-mail, and — for a bulk
    /// import — the administrator asked for it).
    pub(crate) mails: bool,
}

impl LineKit {
    pub(crate) async fn of(
        state: &AppState,
        customer: CustomerId,
        mail_wanted: bool,
    ) -> Result<Self, AppError> {
        let model = state
            .store
            .device_model(patchbay_domain::mobile::MOBILE_MODEL)
            .await
            .map_err(|_| AppError::Internal("the mobile line model is missing".into()))?;
        let label = state.store.customer(Scope::All, customer).await?;
        Ok(Self {
            model,
            registrar: registrar(state, &label.fields.customer_id),
            mails: mail_wanted && mails(state, customer).await?,
        })
    }
}

/// One line to make: the person, their location (read by the caller), the subscriptions as
/// they stand, and what was chosen.
pub(crate) struct LineRequest<'a> {
    pub person: &'a Person,
    pub location: Option<&'a Location>,
    pub subscriptions: &'a [SubscriptionUnits],
    pub choice: &'a MobileChoice,
    /// The language of the activation mail.
    pub lang: &'a str,
    /// WGO-4: the import row the line is (its outcome is written with it; the code is sealed
    /// into it when not e-mailed).
    pub import_row: Option<(MobileImportId, i64, &'a str)>,
    /// WGO-4: the transaction of the import's chunk the line is made in (its own otherwise).
    pub batch: Option<&'a tokio::sync::Mutex<MobileBatch>>,
}

/// WGO-1 … WGO-3: add a mobile line to `person` (visible to the caller), with its activation
/// code mailed or returned. `lang` is the language of the mail.
pub async fn add_mobile(
    state: &AppState,
    caller: &Caller,
    person: &Person,
    choice: &MobileChoice,
    lang: &str,
) -> Result<Issued, AppError> {
    let location = match person.fields.identity.location_id {
        Some(l) => Some(state.store.location(LocationId(l)).await?),
        None => None,
    };
    let subscriptions = subscription_units(state, person.customer_id).await?;
    let kit = LineKit::of(state, person.customer_id, true).await?;
    let req = LineRequest {
        person,
        location: location.as_ref(),
        subscriptions: &subscriptions,
        choice,
        lang,
        import_row: None,
        batch: None,
    };
    make_line(state, &kit, &caller.meta(), &req).await
}

/// Check the prerequisites (WGO-1) and make the line with its code, in one transaction.
pub(crate) async fn make_line(
    state: &AppState,
    kit: &LineKit,
    meta: &AuditMeta,
    req: &LineRequest<'_>,
) -> Result<Issued, AppError> {
    let person = req.person;
    let customer = person.customer_id;
    let plan = plan_mobile(&MobileRequest {
        licence: person.fields.licence,
        country: req.location.map(|l| l.fields.address.country.as_str()),
        allowed_countries: &state.config.mobile_countries,
        subscriptions: req.subscriptions,
        chosen_subscription: req.choice.subscription_id.as_deref(),
        has_number: person.fields.identity.phone_number.is_some(),
        chosen_number: req.choice.phone_number.as_deref(),
    })
    .map_err(|e| AppError::Validation(e.0))?;
    let device_plan = DevicePlan::mobile(
        kit.model.clone(),
        person.id,
        kit.registrar.clone(),
        state.config.sip_domain(),
    );
    let number = match (&plan.number, req.location) {
        (Some(n), Some(l)) => Some((l.id.0, n.clone())),
        _ => None,
    };
    let mailed = kit.mails;
    let drawn = std::sync::Mutex::new(None);
    let creds = insert_with_draws(
        state,
        &device_plan,
        &person.fields.display_name,
        Surface::Api,
        |device| {
            let (code, hash, expires) = draw_code();
            let mail = mailed.then(|| activation_mail(state, person, &code, expires, req.lang));
            let import_row = req.import_row.map(|(import, row_no, user)| ImportRowRef {
                import,
                row_no,
                user_name: user.to_string(),
                code_sealed: (!mailed).then(|| state.secrets.seal(&code)),
            });
            if let Ok(mut d) = drawn.lock() {
                *d = Some((code, expires));
            }
            let line = NewMobileLine {
                device,
                subscription_id: plan.subscription_id.clone(),
                number: number.clone(),
                code_hash: hash,
                expires_at: expires,
                location: person.fields.identity.location_id,
                had_number: person.fields.identity.phone_number.is_some(),
                mail,
                import_row,
            };
            let batch = req.batch;
            async move {
                let made = match batch {
                    Some(b) => {
                        b.lock()
                            .await
                            .create_mobile_line(meta, customer, &line)
                            .await
                    }
                    None => state.store.create_mobile_line(meta, customer, &line).await,
                };
                made.map(|(d, _)| d)
            }
        },
    )
    .await
    .map_err(|e| e.renamed(&[("phoneNumbers", "phoneNumber")]))?;
    let (code, expires_at) = drawn
        .lock()
        .ok()
        .and_then(|mut d| d.take())
        .ok_or_else(|| AppError::Internal("no activation code drawn".into()))?;
    Ok(issued(person, creds.device_id, code, expires_at, mailed))
}

/// WGO-2: a new code for the person's mobile line, not yet activated (the old one stops
/// working), mailed in the same transaction or returned; none: not found.
pub async fn reissue(
    state: &AppState,
    caller: &Caller,
    person: &Person,
    lang: &str,
) -> Result<Issued, AppError> {
    let device = state
        .store
        .mobile_lines(person.customer_id, Some(person.id))
        .await?
        .first()
        .map(|l| l.device_id)
        .ok_or(AppError::NotFound)?;
    let (code, hash, expires) = draw_code();
    let mailed = mails(state, person.customer_id).await?;
    let mail = mailed.then(|| activation_mail(state, person, &code, expires, lang));
    state
        .store
        .reissue_activation_code(&caller.meta(), device, &hash, expires, mail.as_ref())
        .await?;
    Ok(issued(person, device, code, expires, mailed))
}

/// Whether the code is e-mailed to the person: not when the organisation suppresses e-mail, nor
/// without an SMTP relay (the outbox never lists a code, so it would reach nobody); then the
/// administrator is shown it.
pub(crate) async fn mails(state: &AppState, customer: CustomerId) -> Result<bool, AppError> {
    Ok(state.config.smtp_url.is_some() && !state.store.suppresses_email(customer).await?)
}

fn issued(
    person: &Person,
    device_id: DeviceId,
    code: String,
    expires_at: jiff::Timestamp,
    mailed: bool,
) -> Issued {
    Issued {
        device_id,
        expires_at,
        mailed_to: mailed.then(|| person.fields.email.clone()),
        code: if mailed { String::new() } else { code },
    }
}

/// The activation mail (sensitive: never listed, blanked once delivered), in `lang`.
fn activation_mail(
    state: &AppState,
    person: &Person,
    code: &str,
    expires_at: jiff::Timestamp,
    lang: &str,
) -> NewMail {
    let args = [
        ("name", person.fields.display_name.clone()),
        ("code", grouped(code)),
        (
            "expires",
            expires_at
                .to_zoned(jiff::tz::TimeZone::UTC)
                .strftime("%Y-%m-%d")
                .to_string(),
        ),
        (
            "url",
            format!("https://{}/v1/activation", state.config.public_address()),
        ),
    ];
    NewMail {
        to: person.fields.email.clone(),
        subject: state
            .i18n
            .t_args(lang, "mail-activation-subject", &args[..1]),
        body: format!(
            "{}\n",
            state.i18n.t_args(lang, "mail-activation-body", &args)
        ),
        target_type: "person",
        target_id: person.id.to_string(),
        target_name: person.fields.display_name.clone(),
        sensitive: true,
    }
}

/// The SIP registration data a redeemed code hands out (WGO-5); the password exists only here
/// and in the answer.
#[derive(Clone)]
pub struct Activation {
    pub line: Redeemed,
    pub password: String,
}

impl std::fmt::Debug for Activation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Activation")
            .field("line", &self.line)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// WGO-5: exchange `typed` for the line's SIP registration data, once. Every refusal is the
/// same field error; a source over its failure limit gets 429 whatever it sends.
pub async fn redeem(
    state: &AppState,
    peer: std::net::IpAddr,
    typed: &str,
) -> Result<Activation, AppError> {
    // The try is counted before the code is looked up: parallel guesses from one source are
    // held to the limit, whatever they hold.
    if let Err(wait) = state.activation.attempt(peer) {
        return Err(AppError::RateLimited {
            retry_after_secs: wait,
        });
    }
    // A malformed code costs the same lookup as a well-formed one.
    let code = normalise_code(typed).unwrap_or_else(|| "0".repeat(17));
    let hash = patchbay_store::crypto::token_hash(&code);
    let meta = AuditMeta {
        actor_id: None,
        actor_login: "activation".into(),
        source: peer.to_string(),
    };
    let secrets = &state.secrets;
    let mut password = String::new();
    let redeemed = state
        .store
        .redeem_activation_code(&meta, &hash, jiff::Timestamp::now(), |user, registrar| {
            password = generate_password(user);
            let key = subscriber_keys(user, registrar, &password, &[1]).remove(0);
            (secrets.seal(&password), key)
        })
        .await?;
    match redeemed {
        Some(line) => Ok(Activation { line, password }),
        None => {
            let entry = patchbay_store::audit::AuditEntry {
                action: "activation-code.redeem",
                target_type: "activation-code",
                target_id: String::new(),
                target_name: String::new(),
                outcome: "failure",
                detail: "used, expired or unknown".into(),
            };
            if let Err(e) = state.store.audit(&meta, entry).await {
                tracing::warn!(error = %e, "activation: audit failed");
            }
            Err(AppError::field("code", Rule::Invalid))
        }
    }
}
