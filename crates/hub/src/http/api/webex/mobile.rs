//! Mobile lines through the API (WGO-1 … WGO-5): add one to a person, re-issue its activation
//! code, list them with their state, the organisation's mobile settings and subscriptions, and
//! the unauthenticated activation endpoint a softphone calls with its code.

use super::{iso, path_id, wid, OrgQuery};
use crate::auth::{Caller, Peer};
use crate::error::{ApiResult, AppError};
use crate::http::api::reply::Created;
use crate::http::api::{ApiQuery, JsonBody, Listed};
use crate::http::catalog::Endpoint;
use crate::service::calling::mobile::{self, grouped, Issued, MobileChoice};
use crate::service::calling::{org, people};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::account::LANGUAGES;
use patchbay_domain::{Capability, PersonId, Rule};
use patchbay_store::calling::people::Person;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MobileLineBody {
    /// The subscription the line's unit comes from; required when several carry mobile lines.
    pub subscription_id: Option<String>,
    /// A free number of the person's location, required when the person has no number (it
    /// becomes theirs).
    pub phone_number: Option<String>,
    /// The language of the activation mail: en, fr, ro, ko or uk (default: the caller's).
    pub language: Option<String>,
}

#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReissueBody {
    /// The language of the activation mail (default: the caller's).
    pub language: Option<String>,
}

/// A mobile line's new activation code: mailed to the person, or returned here when the
/// organisation suppresses e-mail.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IssuedJson {
    pub device_id: String,
    pub expiry_time: String,
    /// The code, shown once (only when the organisation suppresses e-mail).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activation_code: Option<String>,
    /// Where the code was mailed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mailed_to: Option<String>,
}

impl From<Issued> for IssuedJson {
    fn from(i: Issued) -> Self {
        Self {
            device_id: wid("DEVICE", &i.device_id.0),
            expiry_time: iso(i.expires_at),
            activation_code: i.mailed_to.is_none().then(|| grouped(&i.code)),
            mailed_to: i.mailed_to,
        }
    }
}

/// The language a mail or file is written in: the one asked for, or the caller's.
pub(crate) fn language(caller: &Caller, asked: Option<&str>) -> Result<String, AppError> {
    match asked {
        None => Ok(caller.account.fields.language.clone()),
        Some(l) if LANGUAGES.contains(&l) => Ok(l.to_string()),
        Some(_) => Err(AppError::field(
            "language",
            Rule::OneOf {
                allowed: LANGUAGES.join(", "),
            },
        )),
    }
}

/// The person of the path (visible to the caller) and the mail's language.
async fn person_and_language(
    state: &AppState,
    caller: &Caller,
    id: &str,
    org_id: Option<&str>,
    asked: Option<&str>,
) -> Result<(Person, String), AppError> {
    let person = people::find(state, caller, PersonId(path_id("PEOPLE", id)?), org_id).await?;
    Ok((person, language(caller, asked)?))
}

async fn add(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<MobileLineBody>,
) -> ApiResult<Created<IssuedJson>> {
    let (person, lang) = person_and_language(
        &state,
        &caller,
        &id,
        q.org_id.as_deref(),
        b.language.as_deref(),
    )
    .await?;
    let choice = MobileChoice {
        subscription_id: b.subscription_id,
        phone_number: b.phone_number,
    };
    let issued = mobile::add_mobile(&state, &caller, &person, &choice, &lang).await?;
    Ok(Created(issued.into()))
}

async fn reissue(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<ReissueBody>,
) -> ApiResult<Json<IssuedJson>> {
    let (person, lang) = person_and_language(
        &state,
        &caller,
        &id,
        q.org_id.as_deref(),
        b.language.as_deref(),
    )
    .await?;
    let issued = mobile::reissue(&state, &caller, &person, &lang).await?;
    Ok(Json(issued.into()))
}

/// A mobile line and the state of its activation.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MobileLineJson {
    pub device_id: String,
    pub person_id: String,
    pub display_name: String,
    pub email: String,
    pub subscription_id: String,
    /// `pending` (a code can still activate it), `expired` or `activated`.
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activated_time: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Listed<MobileLineJson>> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    let now = jiff::Timestamp::now();
    let items = state
        .store
        .mobile_lines(customer, None)
        .await?
        .into_iter()
        .map(|l| MobileLineJson {
            device_id: wid("DEVICE", &l.device_id.0),
            person_id: wid("PEOPLE", &l.person_id.0),
            state: l.state(now),
            expiry_time: l.code_expires_at.map(iso),
            activated_time: l.activated_at.map(iso),
            display_name: l.person_name,
            email: l.email,
            subscription_id: l.subscription_id,
        })
        .collect();
    Ok(Listed::items(items))
}

/// The organisation's mobile settings.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MobileSettingsJson {
    /// Activation codes are shown to the administrator instead of e-mailed to the person.
    pub suppress_email: bool,
    /// The countries whose locations may have mobile lines (the hub's setting).
    pub countries: Vec<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MobileSettingsBody {
    pub suppress_email: bool,
}

async fn settings(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<MobileSettingsJson>> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    Ok(Json(MobileSettingsJson {
        suppress_email: state.store.suppresses_email(customer).await?,
        countries: state.config.mobile_countries.clone(),
    }))
}

async fn set_settings(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<MobileSettingsBody>,
) -> ApiResult<Json<MobileSettingsJson>> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    state
        .store
        .set_suppress_email(&caller.meta(), customer, b.suppress_email)
        .await?;
    Ok(Json(MobileSettingsJson {
        suppress_email: b.suppress_email,
        countries: state.config.mobile_countries.clone(),
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MobileSubscriptionJson {
    pub subscription_id: String,
    pub total_units: i64,
    pub consumed_units: i64,
}

async fn subscriptions(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Listed<MobileSubscriptionJson>> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    let items = state
        .store
        .mobile_subscriptions(customer)
        .await?
        .into_iter()
        .map(|s| MobileSubscriptionJson {
            subscription_id: s.subscription_id,
            total_units: s.total_units,
            consumed_units: s.consumed_units,
        })
        .collect();
    Ok(Listed::items(items))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActivateBody {
    /// The 16-digit activation code, spaces and dashes allowed.
    #[schema(max_length = 64)]
    pub code: String,
}

/// The SIP registration data of an activated mobile line: shown once, the password new. (No
/// `Debug`: nothing may print the password or the code.)
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActivationJson {
    pub device_id: String,
    pub sip_user_name: String,
    pub sip_password: String,
    /// `user@registrar`, the address of record.
    pub line_port: String,
    pub registrar_domain: String,
    pub outbound_proxy: String,
}

async fn activate(
    State(state): State<AppState>,
    Peer(peer): Peer,
    JsonBody(b): JsonBody<ActivateBody>,
) -> ApiResult<Json<ActivationJson>> {
    let a = mobile::redeem(&state, peer, &b.code).await?;
    Ok(Json(ActivationJson {
        device_id: wid("DEVICE", &a.line.device_id.0),
        sip_user_name: a.line.sip_user_name,
        sip_password: a.password,
        line_port: a.line.line_port,
        registrar_domain: a.line.registrar,
        outbound_proxy: a.line.outbound_proxy,
    }))
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    vec![
        Endpoint::new(
            Method::POST,
            "/v1/people/{id}/mobileLine",
            manage,
            "Add a mobile line to a person (professional licence, location in a mobile country, subscription, number); its activation code is mailed, or returned when the organisation suppresses e-mail (WGO-1, WGO-2)",
            add,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/people/{id}/mobileLine/activationCode",
            manage,
            "A new activation code for a person's mobile line not yet activated; the previous code stops working (WGO-2)",
            reissue,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/mobileLines",
            view,
            "The organisation's mobile lines with their activation state (not paged)",
            list,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/mobileSettings",
            view,
            "Whether activation codes are e-mailed, and the countries mobile lines are offered in",
            settings,
        ),
        Endpoint::new(
            Method::PUT,
            "/v1/telephony/config/mobileSettings",
            manage,
            "Suppress e-mail to users: activation codes are shown to the administrator instead (WGO-2)",
            set_settings,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/mobileSubscriptions",
            view,
            "The subscriptions carrying mobile lines, with total and consumed units",
            subscriptions,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/activation",
            manage,
            "Exchange an activation code, once, for the mobile line's SIP registration data; used, expired and unknown codes get the same 400 (WGO-5)",
            activate,
        )
        .unauthenticated(),
    ]
}
