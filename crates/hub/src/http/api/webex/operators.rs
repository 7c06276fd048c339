//! MOB-1 … MOB-3 through the API: the hub's mobile operators (Administrators), a location's
//! operator account and its mobile numbers (provisioning), support cases, and the operators' own
//! API — served to their tokens only — answering authorisation requests.

use super::locations::visible_location;
use super::{iso, wid, OrgQuery};
use crate::auth::{Caller, OperatorCaller};
use crate::error::{ApiResult, AppError};
use crate::http::api::reply::Created;
use crate::http::api::{ApiQuery, JsonBody, Listed};
use crate::http::catalog::Endpoint;
use crate::service::calling::{operators as svc, org};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::mobile_operator::{AuthStatus, Decision, PENDING_HOURS};
use patchbay_domain::{Capability, Rule};
use patchbay_store::calling::mobile_operators::{MobileOperator, OperatorAccount, SupportCase};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperatorJson {
    pub id: String,
    pub name: String,
    pub created: String,
}

impl From<MobileOperator> for OperatorJson {
    fn from(o: MobileOperator) -> Self {
        Self {
            id: o.id.to_string(),
            name: o.name,
            created: iso(o.created_at),
        }
    }
}

/// A mobile operator with its token, shown this once.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperatorTokenJson {
    pub id: String,
    pub name: String,
    /// For the operator's calls to `/v1/mobileOperator/…` (`Authorization: Bearer …`); the
    /// previous one, if any, no longer works.
    pub token: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OperatorBody {
    #[schema(max_length = 80)]
    pub name: String,
}

/// A location's operator account and its authorisation.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperatorAccountJson {
    pub id: String,
    pub location_id: String,
    pub location_name: String,
    pub customer_name: String,
    pub operator_id: String,
    pub operator_name: String,
    /// Set once; it never changes.
    pub operator_account_id: String,
    /// `pending` (up to 48 hours, then `failed` by itself), `failed` or `authorized`.
    pub status: &'static str,
    pub requested_time: String,
    /// When a pending request fails by itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_time: Option<String>,
}

impl OperatorAccountJson {
    fn of(a: OperatorAccount) -> Self {
        let status = a.status(jiff::Timestamp::now());
        Self {
            id: a.id.to_string(),
            location_id: wid("LOCATION", &a.location_id.0),
            expiry_time: (status == AuthStatus::Pending)
                .then(|| iso(a.requested_at + jiff::SignedDuration::from_hours(PENDING_HOURS))),
            status: status.as_str(),
            requested_time: iso(a.requested_at),
            decided_time: a.decided_at.map(iso),
            location_name: a.location_name,
            customer_name: a.customer_name,
            operator_id: a.operator_id.to_string(),
            operator_name: a.operator_name,
            operator_account_id: a.account_id,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountRequestBody {
    /// One of `GET /v1/telephony/config/mobileOperators`.
    pub operator_id: Option<String>,
    #[schema(max_length = 32)]
    pub operator_account_id: String,
    /// The same ID again.
    pub confirm_operator_account_id: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MobileNumbersBody {
    /// Up to 20 E.164 numbers of the operator, as a list or comma separated.
    pub phone_numbers: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MobileNumbersJson {
    /// The numbers added, normalised.
    pub phone_numbers: Vec<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SupportCaseBody {
    /// What the provider should do (which numbers, how many …).
    #[schema(max_length = 2000)]
    pub details: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportCaseJson {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_name: Option<String>,
    /// `mobile-numbers`.
    pub topic: String,
    pub details: String,
    pub status: String,
    pub created_by: String,
    pub created: String,
}

impl From<SupportCase> for SupportCaseJson {
    fn from(c: SupportCase) -> Self {
        Self {
            id: c.id.to_string(),
            location_name: c.location_name,
            topic: c.topic,
            details: c.details,
            status: c.status,
            created_by: c.created_by,
            created: iso(c.created_at),
        }
    }
}

fn uuid_of(raw: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

// --- hub Administrators ------------------------------------------------------------------------

async fn operators(
    State(state): State<AppState>,
    _caller: Caller,
) -> ApiResult<Listed<OperatorJson>> {
    let items = state
        .store
        .mobile_operators()
        .await?
        .into_iter()
        .map(OperatorJson::from)
        .collect();
    Ok(Listed::items(items))
}

async fn create_operator(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(b): JsonBody<OperatorBody>,
) -> ApiResult<Created<OperatorTokenJson>> {
    let (op, token) = svc::create_operator(&state, &caller, &b.name).await?;
    Ok(Created(OperatorTokenJson {
        id: op.id.to_string(),
        name: op.name,
        token,
    }))
}

async fn rotate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<OperatorTokenJson>> {
    let id = uuid_of(&id)?;
    let op = state.store.mobile_operator(id).await?;
    let token = svc::rotate_token(&state, &caller, id).await?;
    Ok(Json(OperatorTokenJson {
        id: op.id.to_string(),
        name: op.name,
        token,
    }))
}

// --- a location's administrator ----------------------------------------------------------------

/// An operator as a location's administrator chooses it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperatorChoiceJson {
    pub id: String,
    pub name: String,
}

async fn choices(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Listed<OperatorChoiceJson>> {
    // The operators are the hub's; `orgId`, when given, must be an organisation the caller sees.
    if q.org_id.is_some() {
        org(&state, &caller, q.org_id.as_deref()).await?;
    }
    let items = state
        .store
        .mobile_operators()
        .await?
        .into_iter()
        .map(|o| OperatorChoiceJson {
            id: o.id.to_string(),
            name: o.name,
        })
        .collect();
    Ok(Listed::items(items))
}

async fn account(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<OperatorAccountJson>> {
    let loc = visible_location(&state, &caller, &id, q.org_id.as_deref()).await?;
    let a = svc::account_of(&state, loc.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(OperatorAccountJson::of(a)))
}

async fn request_account(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<AccountRequestBody>,
) -> ApiResult<Created<OperatorAccountJson>> {
    let loc = visible_location(&state, &caller, &id, q.org_id.as_deref()).await?;
    let operator = match b.operator_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            uuid::Uuid::parse_str(raw).map_err(|_| AppError::field("operatorId", Rule::Invalid))?,
        ),
    };
    let a = svc::request_account(
        &state,
        &caller,
        &loc,
        operator,
        &b.operator_account_id,
        &b.confirm_operator_account_id,
    )
    .await?;
    Ok(Created(OperatorAccountJson::of(a)))
}

async fn add_numbers(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<MobileNumbersBody>,
) -> ApiResult<Created<MobileNumbersJson>> {
    let loc = visible_location(&state, &caller, &id, q.org_id.as_deref()).await?;
    let added = svc::add_numbers(&state, &caller, &loc, &b.phone_numbers).await?;
    Ok(Created(MobileNumbersJson {
        phone_numbers: added,
    }))
}

async fn open_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<SupportCaseBody>,
) -> ApiResult<Created<SupportCaseJson>> {
    let loc = visible_location(&state, &caller, &id, q.org_id.as_deref()).await?;
    let id = svc::open_support_case(&state, &caller, &loc, &b.details).await?;
    let case = state
        .store
        .support_cases(loc.customer_id)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound)?;
    Ok(Created(case.into()))
}

async fn cases(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Listed<SupportCaseJson>> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    let items = state
        .store
        .support_cases(customer)
        .await?
        .into_iter()
        .map(SupportCaseJson::from)
        .collect();
    Ok(Listed::items(items))
}

// --- the operators' API ------------------------------------------------------------------------

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationsQuery {
    /// `pending`, `failed` or `authorized` (as it stands now); all when absent.
    pub status: Option<String>,
}

async fn authorizations(
    State(state): State<AppState>,
    operator: OperatorCaller,
    ApiQuery(q): ApiQuery<AuthorizationsQuery>,
) -> ApiResult<Listed<OperatorAccountJson>> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(AuthStatus::parse(s).ok_or_else(|| {
            AppError::field(
                "status",
                Rule::OneOf {
                    allowed: "pending, failed, authorized".into(),
                },
            )
        })?),
    };
    let items = state
        .store
        .operator_accounts(operator.operator.id, status)
        .await?
        .into_iter()
        .map(OperatorAccountJson::of)
        .collect();
    Ok(Listed::items(items))
}

/// The operator's answer.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum DecisionJson {
    /// A pending or failed request.
    Authorized,
    /// A pending request.
    Failed,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DecisionBody {
    pub status: DecisionJson,
}

async fn decide(
    State(state): State<AppState>,
    operator: OperatorCaller,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<DecisionBody>,
) -> ApiResult<Json<OperatorAccountJson>> {
    let decision = match b.status {
        DecisionJson::Authorized => Decision::Authorized,
        DecisionJson::Failed => Decision::Failed,
    };
    let a = svc::decide(&state, &operator, uuid_of(&id)?, decision).await?;
    Ok(Json(OperatorAccountJson::of(a)))
}

pub fn endpoints() -> Vec<Endpoint> {
    let admin = Capability::ServerSettings;
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/operations/mobileOperators",
            admin,
            "The mobile operators that authorise operator accounts (MOB-1)",
            operators,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/mobileOperators",
            admin,
            "Add a mobile operator; its API token is returned this once (MOB-1)",
            create_operator,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/mobileOperators/{id}/token",
            admin,
            "A new API token for a mobile operator; the previous one stops working (MOB-1)",
            rotate,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/mobileOperators",
            view,
            "The mobile operators a location may ask to authorise its operator account (MOB-1)",
            choices,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/locations/{id}/operatorAccount",
            view,
            "The location's operator account and its authorisation status (MOB-1)",
            account,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/telephony/config/locations/{id}/operatorAccount",
            manage,
            "Ask a mobile operator to authorise the location's operator account (ID typed twice, never changed afterwards; pending up to 48 hours) (MOB-1)",
            request_account,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/telephony/config/locations/{id}/mobileNumbers",
            manage,
            "Add up to 20 of the operator's mobile numbers to the location once its account is authorised; each number at fault is reported with its reason and then none is added (MOB-2)",
            add_numbers,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/telephony/config/locations/{id}/supportCases",
            manage,
            "Open a support case for the provider to add the location's mobile numbers (MOB-2)",
            open_case,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/supportCases",
            view,
            "The organisation's support cases, newest first (at most 200)",
            cases,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/mobileOperator/authorizations",
            view,
            "A mobile operator's authorisation requests, oldest first (operator token) (MOB-1)",
            authorizations,
        )
        .for_operators(),
        Endpoint::new(
            Method::PUT,
            "/v1/mobileOperator/authorizations/{id}",
            view,
            "Authorise an operator account (pending or failed) or fail a pending request (operator token) (MOB-1)",
            decide,
        )
        .for_operators(),
    ]
}
