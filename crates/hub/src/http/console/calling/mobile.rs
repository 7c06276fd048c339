//! Mobile lines in the console (WGO-1 … WGO-3): the organisation's page (its subscriptions, the
//! countries lines are offered in, "suppress e-mail", every line with its activation state), and
//! from a person's page — or the add-device wizard's "mobile line" choice — the form that adds
//! one, then the activation code: mailed to the person, or shown once to copy, e-mail or print
//! when the organisation suppresses e-mail. The rules are the service's, as for the API.

use super::{messages, query, render, Chosen, Ctx, Found, Org, PEOPLE};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::console::forms::{FieldMessages, FormMap};
use crate::service::calling::mobile::{self, grouped, Issued, MobileChoice};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::{Capability, LocationId};
use patchbay_store::calling::mobile::MobileSubscription;
use patchbay_store::calling::numbers::NumberFilter;
use patchbay_store::calling::people::Person;
use patchbay_store::PageRequest;

pub const MOBILE: &str = "/com/calling/mobile";

fn date(t: jiff::Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y-%m-%d")
        .to_string()
}

pub struct LineRow {
    pub name: String,
    pub link: String,
    pub subscription: String,
    pub state: &'static str,
    pub state_text: String,
}

#[derive(Template)]
#[template(path = "calling_mobile.html")]
struct MobilePage {
    ctx: Ctx,
    org: Org,
    subscriptions: Vec<MobileSubscription>,
    countries: String,
    suppress: bool,
    lines: Vec<LineRow>,
    notice: String,
    can_manage: bool,
}

pub fn state_text(
    ctx: &Ctx,
    l: &patchbay_store::calling::mobile::MobileLine,
    now: jiff::Timestamp,
) -> String {
    match l.state(now) {
        "activated" => ctx.t1(
            "mobile-state-activated",
            "date",
            &l.activated_at.map(date).unwrap_or_default(),
        ),
        "pending" => ctx.t1(
            "mobile-state-pending",
            "date",
            &l.code_expires_at.map(date).unwrap_or_default(),
        ),
        _ => ctx.t("mobile-state-expired"),
    }
}

async fn page(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Chosen(org): Chosen,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let now = jiff::Timestamp::now();
    let lines = state
        .store
        .mobile_lines(org.id, None)
        .await?
        .into_iter()
        .map(|l| LineRow {
            link: org.link(&format!("{PEOPLE}/{}", l.person_id)),
            state: l.state(now),
            state_text: state_text(&ctx, &l, now),
            name: l.person_name,
            subscription: l.subscription_id,
        })
        .collect();
    let page = MobilePage {
        subscriptions: state.store.mobile_subscriptions(org.id).await?,
        countries: state.config.mobile_countries.join(", "),
        suppress: state.store.suppresses_email(org.id).await?,
        notice: ctx.done_notice(&form, "mobile"),
        can_manage: caller.can(Capability::ManageProvisioning),
        lines,
        ctx,
        org,
    };
    Ok(render(&page))
}

async fn save_settings(
    State(state): State<AppState>,
    caller: Caller,
    Chosen(org): Chosen,
    body: Bytes,
) -> Result<Response, AppError> {
    let posted = FormMap::parse(&body);
    let suppress = posted.get("suppressEmail") == Some("on");
    state
        .store
        .set_suppress_email(&caller.meta(), org.id, suppress)
        .await?;
    let to = org.link(&format!("{MOBILE}?done=saved"));
    Ok(Redirect::to(&to).into_response())
}

// ---------------------------------------------------------------------------------------------
// A person's mobile line

#[derive(Template)]
#[template(path = "calling_mobile_add.html")]
struct AddPage {
    ctx: Ctx,
    org: Org,
    name: String,
    back: String,
    action: String,
    countries: String,
    /// (subscription id, label with the lines left), offered when there are several.
    subscriptions: Vec<(String, String)>,
    /// The person has no number: one of the location's free numbers is chosen.
    numbers: Option<Vec<String>>,
    subscription: String,
    number: String,
    errors: FieldMessages,
}

impl AddPage {
    fn subscription_is(&self, s: &str) -> bool {
        self.subscription == s
    }
    fn number_is(&self, n: &str) -> bool {
        self.number == n
    }
}

async fn add_page(
    state: &AppState,
    ctx: Ctx,
    org: Org,
    p: &Person,
    values: (String, String),
    errors: FieldMessages,
) -> Result<Response, AppError> {
    let subs = state.store.mobile_subscriptions(org.id).await?;
    let subscriptions = if subs.len() > 1 {
        subs.iter()
            .map(|s| {
                (
                    s.subscription_id.clone(),
                    format!("{} ({}/{})", s.subscription_id, s.free(), s.total_units),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let numbers = match (
        &p.fields.identity.phone_number,
        p.fields.identity.location_id,
    ) {
        (None, Some(loc)) => {
            let filter = NumberFilter {
                location: Some(LocationId(loc)),
                available: Some(true),
                ..Default::default()
            };
            let (free, _) = state
                .store
                .list_numbers(org.id, &filter, PageRequest::new(0, 200))
                .await?;
            Some(free.into_iter().map(|n| n.phone_number).collect())
        }
        (None, None) => Some(Vec::new()),
        (Some(_), _) => None,
    };
    let back = org.link(&format!("{PEOPLE}/{}", p.id));
    let status = if errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut r = render(&AddPage {
        name: p.fields.display_name.clone(),
        action: org.link(&format!("{PEOPLE}/{}/mobile", p.id)),
        countries: state.config.mobile_countries.join(", "),
        subscription: values.0,
        number: values.1,
        back,
        subscriptions,
        numbers,
        errors,
        ctx,
        org,
    });
    *r.status_mut() = status;
    Ok(r)
}

async fn add_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Found(p, org): Found<Person>,
) -> Result<Response, AppError> {
    add_page(
        &state,
        ctx,
        org,
        &p,
        Default::default(),
        FieldMessages::default(),
    )
    .await
}

async fn add(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Found(p, org): Found<Person>,
    body: Bytes,
) -> Result<Response, AppError> {
    let posted = FormMap::parse(&body);
    let values = (posted.text("subscriptionId"), posted.text("phoneNumber"));
    let choice = MobileChoice {
        subscription_id: Some(values.0.clone()).filter(|s| !s.is_empty()),
        phone_number: Some(values.1.clone()).filter(|s| !s.is_empty()),
    };
    match mobile::add_mobile(&state, &caller, &p, &choice, ctx.lang).await {
        Ok(issued) => Ok(code_page(ctx, org, &p, issued)),
        Err(e @ AppError::Validation(_)) => {
            let errors = messages(&ctx, &e);
            add_page(&state, ctx, org, &p, values, errors).await
        }
        Err(e) => Err(e),
    }
}

async fn new_code(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Found(p, org): Found<Person>,
) -> Result<Response, AppError> {
    let issued = mobile::reissue(&state, &caller, &p, ctx.lang).await?;
    Ok(code_page(ctx, org, &p, issued))
}

#[derive(Template)]
#[template(path = "calling_mobile_code.html")]
struct CodePage {
    ctx: Ctx,
    org: Org,
    name: String,
    back: String,
    /// Empty when mailed.
    code: String,
    mailed_to: String,
    until: String,
    /// `mailto:` with the code and instructions, for the administrator to send it on.
    mailto: String,
}

fn code_page(ctx: Ctx, org: Org, p: &Person, issued: Issued) -> Response {
    let code = if issued.mailed_to.is_none() {
        grouped(&issued.code)
    } else {
        String::new()
    };
    let until = date(issued.expires_at);
    let subject = ctx.t1("mail-activation-subject", "name", &p.fields.display_name);
    let body = format!(
        "{}\n\n{code}\n\n{}",
        ctx.t("mobile-code-instructions"),
        ctx.t1("mobile-state-pending", "date", &until)
    );
    let mailto = format!(
        "mailto:{}?{}",
        p.fields.email,
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("subject", &subject)
            .append_pair("body", &body)
            .finish()
            .replace('+', "%20")
    );
    render(&CodePage {
        name: p.fields.display_name.clone(),
        back: org.link(&format!("{PEOPLE}/{}", p.id)),
        mailed_to: issued.mailed_to.unwrap_or_default(),
        code,
        until,
        mailto,
        ctx,
        org,
    })
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    vec![
        Endpoint::page(Method::GET, MOBILE, view, "Mobile lines", get(page)),
        Endpoint::page(
            Method::POST,
            MOBILE,
            manage,
            "Mobile settings",
            post(save_settings),
        ),
        Endpoint::page(
            Method::GET,
            "/com/calling/people/{id}/mobile",
            manage,
            "Add a mobile line",
            get(add_form),
        ),
        Endpoint::page(
            Method::POST,
            "/com/calling/people/{id}/mobile",
            manage,
            "Add a mobile line",
            post(add),
        ),
        Endpoint::page(
            Method::POST,
            "/com/calling/people/{id}/mobile/code",
            manage,
            "New activation code",
            post(new_code),
        ),
    ]
}
