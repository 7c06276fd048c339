//! `/v1/licenses` (the customer's calling licences with total and consumed units) and the
//! provider's `PUT /v1/operations/customers/{id}/licenses` that sets the totals.

use super::{choice, wid, OrgQuery};
use crate::auth::Caller;

use crate::error::{ApiResult, AppError};
use crate::http::api::reply::Linked;
use crate::http::api::{ApiQuery, JsonBody, ListQuery, Listed};
use crate::http::catalog::Endpoint;
use crate::service::calling::{ensure_visible, org};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use patchbay_domain::calling::{licence_text, parse_licence_text, LicenceKind};
use patchbay_domain::provisioning::{parse_webex_text, webex_id_text};
use patchbay_domain::{Capability, CustomerId, Rule};
use patchbay_store::calling::people::PersonFilter;
use patchbay_store::calling::Licence;
use patchbay_store::list::Keyed;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LicenseJson {
    pub id: String,
    /// `Webex Calling - Professional`, `Webex Calling - Basic`, `Webex Calling - Workspaces`.
    pub name: String,
    pub total_units: i64,
    pub consumed_units: i64,
    /// Units held by people.
    pub consumed_by_users: i64,
    /// Units held by workspaces.
    pub consumed_by_workspaces: i64,
    pub subscription_id: String,
}

impl From<&Licence> for LicenseJson {
    fn from(l: &Licence) -> Self {
        Self {
            id: licence_wid(l.customer_id, l.kind),
            name: l.kind.webex_name().into(),
            total_units: l.total_units,
            consumed_units: l.consumed_units,
            consumed_by_users: l.consumed_by_users,
            consumed_by_workspaces: l.consumed_by_workspaces,
            subscription_id: l.subscription_id.clone(),
        }
    }
}

pub fn licence_wid(c: CustomerId, kind: LicenceKind) -> String {
    webex_id_text("LICENSE", &licence_text(c.0, kind))
}

/// A licence id a client sent, which must be one of `customer`'s.
pub fn licence_of(
    customer: CustomerId,
    raw: &str,
    field: &'static str,
) -> Result<LicenceKind, AppError> {
    let text = parse_webex_text("LICENSE", raw.trim()).unwrap_or_else(|| raw.trim().to_string());
    match parse_licence_text(&text) {
        Some((c, kind)) if c == customer.0 => Ok(kind),
        _ => Err(AppError::field(field, Rule::Invalid)),
    }
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Listed<LicenseJson>> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    let items: Vec<LicenseJson> = state
        .store
        .licences(customer)
        .await?
        .iter()
        .map(LicenseJson::from)
        .collect();
    // Not paged: wxc_sdk reads one response.
    Ok(Listed::items(items))
}

/// Someone holding a licence (`includeAssignedTo=user`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LicenseUserJson {
    /// The person's id.
    pub id: String,
    /// `INTERNAL`: a person of the organisation.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub display_name: String,
    pub email: String,
}

/// A licence, with the people holding it when asked (`includeAssignedTo=user`, paged by the
/// `Link` header like a list).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LicenseDetailsJson {
    #[serde(flatten)]
    pub licence: LicenseJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<LicenseUserJson>>,
}

/// `orgId`, and `includeAssignedTo=user` to list who holds the licence.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct LicenceQuery {
    /// The customer to act on (the licence id names it already; a different one is 404).
    pub org_id: Option<String>,
    #[param(schema_with = assigned_to_schema)]
    pub include_assigned_to: Option<String>,
}

crate::schema_fn! {
    assigned_to_schema => crate::http::api::schema::one_of(["user"]);
}

async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    lq: ListQuery<LicenceQuery>,
) -> ApiResult<Linked<LicenseDetailsJson>> {
    let text = parse_webex_text("LICENSE", id.trim()).ok_or(AppError::NotFound)?;
    let (customer, kind) = parse_licence_text(&text).ok_or(AppError::NotFound)?;
    let customer = CustomerId(customer);
    ensure_visible(&state, &caller, customer, lq.filter.org_id.as_deref()).await?;
    let users = choice(
        "includeAssignedTo",
        lq.filter.include_assigned_to.as_deref(),
        &["user"],
    )?
    .is_some();
    let licences = state.store.licences(customer).await?;
    let licence = licences
        .iter()
        .find(|l| l.kind == kind)
        .ok_or(AppError::NotFound)?;
    let mut body = LicenseDetailsJson {
        licence: licence.into(),
        users: None,
    };
    if !users {
        return Ok(Linked::new(&lq, super::DEFAULT_MAX, body, 0, 0));
    }
    let filter = PersonFilter {
        licence: Some(kind),
        ..Default::default()
    };
    let page = lq.page(super::DEFAULT_MAX);
    let (people, total) = state.store.list_people(customer, &filter, page).await?;
    let shown = people.len() as i64;
    let last = people.last().map(Keyed::cursor);
    body.users = Some(
        people
            .into_iter()
            .map(|p| LicenseUserJson {
                id: wid("PEOPLE", &p.id.0),
                kind: "INTERNAL",
                display_name: p.fields.display_name,
                email: p.fields.email,
            })
            .collect(),
    );
    Ok(Linked::keyed(
        &lq,
        super::DEFAULT_MAX,
        body,
        shown,
        total,
        last,
    ))
}

/// Units of each calling licence a customer holds (provider side).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LicenceTotals {
    #[schema(minimum = 0, maximum = 1000000)]
    pub professional: Option<i64>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub basic: Option<i64>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub workspaces: Option<i64>,
    /// Lines of each subscription carrying mobile lines (WGO-1), by subscription id (1–64 of
    /// A-Z a-z 0-9 . _ -); a new id adds the subscription.
    pub mobile_subscriptions: Option<std::collections::BTreeMap<String, i64>>,
}

async fn set_totals(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<LicenceTotals>,
) -> ApiResult<Listed<LicenseJson>> {
    let customer: CustomerId = id.parse().map_err(|_| AppError::NotFound)?;
    if !state
        .store
        .customer_in_scope(caller.principal.scope(), customer)
        .await?
    {
        return Err(AppError::NotFound);
    }
    let mut totals = Vec::new();
    for (field, kind, v) in [
        ("professional", LicenceKind::Professional, b.professional),
        ("basic", LicenceKind::Basic, b.basic),
        ("workspaces", LicenceKind::Workspaces, b.workspaces),
    ] {
        if let Some(v) = v {
            if !(0..=1_000_000).contains(&v) {
                return Err(AppError::field(
                    field,
                    Rule::Range {
                        min: 0,
                        max: 1_000_000,
                    },
                ));
            }
            totals.push((kind, v));
        }
    }
    let mut mobile = Vec::new();
    for (id, v) in b.mobile_subscriptions.unwrap_or_default() {
        let id_ok = (1..=64).contains(&id.len())
            && id
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'));
        if !id_ok {
            return Err(AppError::field("mobileSubscriptions", Rule::Invalid));
        }
        if !(0..=1_000_000).contains(&v) {
            return Err(AppError::field(
                "mobileSubscriptions",
                Rule::Range {
                    min: 0,
                    max: 1_000_000,
                },
            ));
        }
        mobile.push((id, v));
    }
    state
        .store
        .set_licences(&caller.meta(), customer, &totals, &mobile)
        .await?;
    let items: Vec<LicenseJson> = state
        .store
        .licences(customer)
        .await?
        .iter()
        .map(LicenseJson::from)
        .collect();
    Ok(Listed::items(items))
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/licenses",
            Capability::ViewProvisioning,
            "The organisation's calling licences with total and consumed units (not paged)",
            list,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/licenses/{id}",
            Capability::ViewProvisioning,
            "One licence; with includeAssignedTo=user, the people holding it (paged by Link)",
            one,
        ),
        Endpoint::new(
            Method::PUT,
            "/v1/operations/customers/{id}/licenses",
            Capability::EditCustomers,
            "Set the units of each calling licence a customer holds (below the consumed units is refused)",
            set_totals,
        ),
    ]
}
