//! `/v1/operations/customers`, `/distributors`, `/resellers` (TEN-1, CUS-1 … CUS-6, SYS-*).

use super::{list_response, JsonBody, Paging};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::{schema_of, Endpoint};
use crate::service::customers::{self as svc, CustomerInput};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::Json;
use patchbay_domain::customer::CustomerFields;
use patchbay_domain::system::{human_duration, Status};
use patchbay_domain::{AccountId, Capability, CustomerId, DistributorId, ResellerId, Rule};
use patchbay_store::customers::{Customer, CustomerFilter, CustomerSort};
use patchbay_store::systems::SystemView;
use patchbay_store::SortOrder;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperatorRef {
    pub id: String,
    pub login_name: String,
}

/// A customer. `id` is also the `orgId` of the calling-provisioning API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerJson {
    pub id: String,
    pub name: String,
    pub customer_id: String,
    pub distributor_id: Option<String>,
    pub distributor_name: String,
    pub reseller_id: Option<String>,
    pub reseller_name: String,
    pub service_user_name: String,
    pub service_disabled: bool,
    pub tags: Vec<String>,
    pub phone: String,
    pub email: String,
    pub notes: String,
    pub operators: Vec<OperatorRef>,
    /// green | amber | red (SYS-2)
    pub connectivity: String,
    /// SYS-3 status code
    pub status: String,
    /// SYS-3 message (English)
    pub status_message: String,
    pub system_name: String,
    pub profile: String,
    pub version: String,
    pub address: String,
    pub port: i64,
    pub last_seen: Option<String>,
    pub needs_attention: bool,
    pub alarm_count: i64,
    pub created: String,
}

/// The SYS-3 message for a stored status code.
pub fn status_message(code: &str, last_seen: Option<jiff::Timestamp>) -> String {
    if code == "unreachableSince" {
        let secs = last_seen
            .map(|t| jiff::Timestamp::now().duration_since(t).as_secs())
            .unwrap_or(0);
        return Status::UnreachableSince { seconds: secs }.english();
    }
    serde_json::from_value::<Status>(serde_json::json!({ "code": code }))
        .map(|s| s.english())
        .unwrap_or_else(|_| code.to_string())
}

impl From<Customer> for CustomerJson {
    fn from(c: Customer) -> Self {
        let status_message = status_message(&c.status_code, c.last_seen_at);
        let _ = human_duration;
        Self {
            id: c.id.to_string(),
            name: c.fields.name,
            customer_id: c.fields.customer_id,
            distributor_id: c.distributor_id.map(|d| d.to_string()),
            distributor_name: c.distributor_name,
            reseller_id: c.reseller_id.map(|r| r.to_string()),
            reseller_name: c.reseller_name,
            service_user_name: c.fields.service_user_name,
            service_disabled: c.fields.service_disabled,
            tags: c.fields.tags,
            phone: c.fields.phone,
            email: c.fields.email,
            notes: c.fields.notes,
            operators: c
                .operators
                .into_iter()
                .map(|(id, login_name)| OperatorRef {
                    id: id.to_string(),
                    login_name,
                })
                .collect(),
            connectivity: c.light,
            status: c.status_code,
            status_message,
            system_name: c.system_name,
            profile: c.profile,
            version: c.version,
            address: c.address,
            port: c.port,
            last_seen: c.last_seen_at.map(|t| t.to_string()),
            needs_attention: c.needs_attention,
            alarm_count: c.alarm_count,
            created: c.created_at.to_string(),
        }
    }
}

/// Create / update body. `servicePassword` is write-only: required on create, kept when absent
/// on update.
#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerBody {
    pub name: Option<String>,
    pub customer_id: Option<String>,
    pub service_user_name: Option<String>,
    pub service_password: Option<String>,
    pub service_disabled: Option<bool>,
    pub distributor_id: Option<String>,
    pub reseller_id: Option<String>,
    pub tags: Option<Vec<String>>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
    /// Account ids of assigned operators.
    pub operators: Option<Vec<String>>,
}

fn parse_opt<T: std::str::FromStr>(
    field: &'static str,
    v: Option<&str>,
) -> Result<Option<T>, AppError> {
    v.filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<T>()
                .map_err(|_| AppError::field(field, Rule::Invalid))
        })
        .transpose()
}

impl CustomerBody {
    /// Apply onto `base` (the current customer on update).
    pub fn into_input(self, base: Option<&Customer>) -> Result<CustomerInput, AppError> {
        let b = base.map(|c| c.fields.clone()).unwrap_or_default();
        let fields = CustomerFields {
            name: self.name.unwrap_or(b.name),
            customer_id: self.customer_id.unwrap_or(b.customer_id),
            service_user_name: self.service_user_name.unwrap_or(b.service_user_name),
            tags: self.tags.unwrap_or(b.tags),
            phone: self.phone.unwrap_or(b.phone),
            email: self.email.unwrap_or(b.email),
            notes: self.notes.unwrap_or(b.notes),
            service_disabled: self.service_disabled.unwrap_or(b.service_disabled),
        };
        let distributor_id = match self.distributor_id {
            Some(d) => parse_opt::<DistributorId>("distributorId", Some(&d))?,
            None => base.and_then(|c| c.distributor_id),
        };
        let reseller_id = match self.reseller_id {
            Some(r) => parse_opt::<ResellerId>("resellerId", Some(&r))?,
            None => base.and_then(|c| c.reseller_id),
        };
        let operators = match self.operators {
            Some(ops) => ops
                .iter()
                .map(|o| {
                    o.parse::<AccountId>()
                        .map_err(|_| AppError::field("operators", Rule::Invalid))
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => base
                .map(|c| c.operators.iter().map(|(id, _)| *id).collect())
                .unwrap_or_default(),
        };
        Ok(CustomerInput {
            fields,
            service_password: self.service_password,
            distributor_id,
            reseller_id,
            operators,
        })
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CustomerQuery {
    pub max: Option<i64>,
    pub start: Option<i64>,
    pub search: Option<String>,
    /// green | amber | red
    pub connectivity: Option<String>,
    pub status: Option<String>,
    pub tag: Option<String>,
    pub version: Option<String>,
    pub profile: Option<String>,
    pub distributor: Option<String>,
    pub reseller: Option<String>,
    pub has_alarms: Option<bool>,
    pub sort_by: Option<String>,
    pub sort_order: Option<String>,
}

fn nonempty(v: &Option<String>) -> Option<String> {
    v.clone().filter(|s| !s.trim().is_empty())
}

impl CustomerQuery {
    pub fn filter(&self) -> CustomerFilter {
        CustomerFilter {
            search: nonempty(&self.search),
            light: nonempty(&self.connectivity),
            status_code: nonempty(&self.status),
            tag: nonempty(&self.tag),
            version: nonempty(&self.version),
            profile: nonempty(&self.profile),
            distributor: nonempty(&self.distributor),
            reseller: nonempty(&self.reseller),
            has_alarms: self.has_alarms,
        }
    }
    pub fn sort(&self) -> Result<Option<(CustomerSort, SortOrder)>, AppError> {
        let Some(by) = self.sort_by.as_deref().filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        let col = CustomerSort::parse(by).ok_or_else(|| {
            AppError::field(
                "sortBy",
                Rule::OneOf {
                    allowed: CustomerSort::ALL.map(|(_, n)| n).join(", "),
                },
            )
        })?;
        let dir = match self.sort_order.as_deref().unwrap_or("asc") {
            "asc" => SortOrder::Asc,
            "desc" => SortOrder::Desc,
            _ => {
                return Err(AppError::field(
                    "sortOrder",
                    Rule::OneOf {
                        allowed: "asc, desc".into(),
                    },
                ))
            }
        };
        Ok(Some((col, dir)))
    }
}

fn customer_id(id: &str) -> Result<CustomerId, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<CustomerQuery>,
) -> ApiResult<Response> {
    let page = Paging {
        max: q.max,
        start: q.start,
    }
    .page(100);
    let (items, total) = state
        .store
        .list_customers(caller.principal.scope(), &q.filter(), q.sort()?, page)
        .await?;
    let items: Vec<CustomerJson> = items.into_iter().map(Into::into).collect();
    Ok(list_response(&headers, &uri, items, page, total))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<CustomerBody>,
) -> ApiResult<Json<CustomerJson>> {
    Ok(Json(
        svc::create(&state, &caller, body.into_input(None)?)
            .await?
            .into(),
    ))
}

async fn get_one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<CustomerJson>> {
    Ok(Json(
        svc::get(&state, &caller, customer_id(&id)?).await?.into(),
    ))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CustomerBody>,
) -> ApiResult<Json<CustomerJson>> {
    let id = customer_id(&id)?;
    let current = svc::get(&state, &caller, id).await?;
    Ok(Json(
        svc::update(&state, &caller, id, body.into_input(Some(&current))?)
            .await?
            .into(),
    ))
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    svc::delete(&state, &caller, &[customer_id(&id)?]).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerJson {
    pub name: String,
    /// primary | secondary | expansion | application
    pub role: String,
    pub address: String,
    pub version: String,
    /// online | offline
    pub state: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SystemJson {
    pub id: String,
    pub name: String,
    pub profile: String,
    pub version: String,
    pub address: String,
    pub port: i64,
    pub connected: bool,
    pub last_seen: Option<String>,
    #[schema(value_type = Object)]
    pub remote_operations: patchbay_domain::system::RemoteFlags,
    pub servers: Vec<ServerJson>,
}

impl From<SystemView> for SystemJson {
    fn from(s: SystemView) -> Self {
        Self {
            id: s.id.to_string(),
            name: s.name,
            profile: s.profile,
            version: s.version,
            address: s.address,
            port: s.port,
            connected: s.connected,
            last_seen: s.last_seen_at.map(|t| t.to_string()),
            remote_operations: s.flags,
            servers: s
                .servers
                .into_iter()
                .map(|v| ServerJson {
                    name: v.name,
                    role: v.role,
                    address: v.address,
                    version: v.version,
                    state: v.state,
                })
                .collect(),
        }
    }
}

async fn systems(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = customer_id(&id)?;
    svc::get(&state, &caller, id).await?;
    let items: Vec<SystemJson> = state
        .store
        .systems_of(id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(super::Items { items }).into_response())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TestResult {
    /// The customer's system is connected and authenticated right now.
    pub ok: bool,
    pub connectivity: String,
    pub status: String,
    pub status_message: String,
}

async fn test_connection(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<TestResult>> {
    let id = customer_id(&id)?;
    let (ok, light, code) = svc::test_connection(&state, &caller, id).await?;
    let c = svc::get(&state, &caller, id).await?;
    Ok(Json(TestResult {
        ok,
        connectivity: light,
        status_message: status_message(&code, c.last_seen_at),
        status: code,
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssignedJson {
    pub id: String,
    pub login_name: String,
    /// Assigned by hand (false: by a label matching the distributor or reseller).
    pub manual: bool,
}

async fn assigned(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = customer_id(&id)?;
    svc::get(&state, &caller, id).await?;
    let items: Vec<AssignedJson> = state
        .store
        .assigned_accounts(id)
        .await?
        .into_iter()
        .map(|(id, login_name, manual)| AssignedJson {
            id: id.to_string(),
            login_name,
            manual,
        })
        .collect();
    Ok(Json(super::Items { items }).into_response())
}

// ---- providers ----

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributorJson {
    pub id: String,
    pub name: String,
    /// Counts are shown to callers who see every customer only (TEN-4).
    pub resellers: Option<i64>,
    pub customers: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResellerJson {
    pub id: String,
    pub distributor_id: String,
    pub distributor_name: String,
    pub name: String,
    pub customers: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProviderBody {
    pub name: String,
    /// For resellers: the distributor they belong to.
    pub distributor_id: Option<String>,
}

async fn distributors(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let all = caller.principal.role.sees_all_customers();
    let items: Vec<DistributorJson> = state
        .store
        .distributors(caller.principal.scope())
        .await?
        .into_iter()
        .map(|d| DistributorJson {
            id: d.id.to_string(),
            name: d.name,
            resellers: all.then_some(d.resellers),
            customers: all.then_some(d.customers),
        })
        .collect();
    Ok(Json(super::Items { items }).into_response())
}

async fn create_distributor(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(b): JsonBody<ProviderBody>,
) -> ApiResult<Response> {
    svc::validate_provider_name(&b.name)?;
    let id = state
        .store
        .create_distributor(&caller.meta(), &b.name)
        .await
        .map_err(|e| match e {
            patchbay_store::StoreError::Conflict(_) => AppError::field("name", Rule::Taken),
            o => o.into(),
        })?;
    Ok(Json(DistributorJson {
        id: id.to_string(),
        name: b.name.trim().to_string(),
        resellers: Some(0),
        customers: Some(0),
    })
    .into_response())
}

async fn rename_distributor(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ProviderBody>,
) -> ApiResult<StatusCode> {
    svc::validate_provider_name(&b.name)?;
    let id: DistributorId = id.parse().map_err(|_| AppError::NotFound)?;
    state
        .store
        .rename_distributor(&caller.meta(), id, &b.name)
        .await
        .map_err(|e| match e {
            patchbay_store::StoreError::Conflict(_) => AppError::field("name", Rule::Taken),
            o => o.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_distributor(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id: DistributorId = id.parse().map_err(|_| AppError::NotFound)?;
    state
        .store
        .delete_distributor(&caller.meta(), id)
        .await
        .map_err(|e| match e {
            patchbay_store::StoreError::Conflict(_) => AppError::Conflict(
                "conflict-provider-in-use",
                "The distributor still has resellers or customers.".into(),
            ),
            o => o.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

async fn resellers(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let all = caller.principal.role.sees_all_customers();
    let items: Vec<ResellerJson> = state
        .store
        .resellers(caller.principal.scope(), None)
        .await?
        .into_iter()
        .map(|r| ResellerJson {
            id: r.id.to_string(),
            distributor_id: r.distributor_id.to_string(),
            distributor_name: r.distributor_name,
            name: r.name,
            customers: all.then_some(r.customers),
        })
        .collect();
    Ok(Json(super::Items { items }).into_response())
}

async fn create_reseller(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(b): JsonBody<ProviderBody>,
) -> ApiResult<Response> {
    svc::validate_provider_name(&b.name)?;
    let d: DistributorId = b
        .distributor_id
        .as_deref()
        .ok_or_else(|| AppError::field("distributorId", Rule::Required))?
        .parse()
        .map_err(|_| AppError::field("distributorId", Rule::Invalid))?;
    let id = state
        .store
        .create_reseller(&caller.meta(), d, &b.name)
        .await
        .map_err(|e| match e {
            patchbay_store::StoreError::Conflict(_) => AppError::field("name", Rule::Taken),
            patchbay_store::StoreError::NotFound => AppError::field("distributorId", Rule::Invalid),
            o => o.into(),
        })?;
    Ok(Json(ResellerJson {
        id: id.to_string(),
        distributor_id: d.to_string(),
        distributor_name: String::new(),
        name: b.name.trim().to_string(),
        customers: Some(0),
    })
    .into_response())
}

async fn delete_reseller(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id: ResellerId = id.parse().map_err(|_| AppError::NotFound)?;
    state
        .store
        .delete_reseller(&caller.meta(), id)
        .await
        .map_err(|e| match e {
            patchbay_store::StoreError::Conflict(_) => AppError::Conflict(
                "conflict-provider-in-use",
                "The reseller still has customers.".into(),
            ),
            o => o.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn endpoints() -> Vec<Endpoint> {
    const C: &str = "/v1/operations/customers";
    const ONE: &str = "/v1/operations/customers/{id}";
    let view = Capability::ViewOperations;
    vec![
        Endpoint::new(
            Method::GET,
            C,
            view,
            "List customers (scope, filter, search, sort, page)",
            get(list),
        )
        .list_of(schema_of::<CustomerJson>),
        Endpoint::new(
            Method::POST,
            C,
            Capability::AddDeleteCustomers,
            "Add a customer",
            post(create),
        )
        .request(schema_of::<CustomerBody>)
        .response(schema_of::<CustomerJson>),
        Endpoint::new(Method::GET, ONE, view, "Get a customer", get(get_one))
            .response(schema_of::<CustomerJson>),
        Endpoint::new(
            Method::PUT,
            ONE,
            Capability::EditCustomers,
            "Update a customer",
            put(update),
        )
        .request(schema_of::<CustomerBody>)
        .response(schema_of::<CustomerJson>),
        Endpoint::new(
            Method::DELETE,
            ONE,
            Capability::AddDeleteCustomers,
            "Delete a customer",
            delete(remove),
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/customers/{id}/systems",
            view,
            "The customer's systems and their servers",
            get(systems),
        )
        .list_of(schema_of::<SystemJson>),
        Endpoint::new(
            Method::GET,
            "/v1/operations/customers/{id}/assignedAccounts",
            view,
            "Accounts assigned to the customer (manually or by label)",
            get(assigned),
        )
        .list_of(schema_of::<AssignedJson>),
        Endpoint::new(
            Method::POST,
            "/v1/operations/customers/{id}/actions/testConnection/invoke",
            view,
            "Test connection: is the system connected and authenticated now?",
            post(test_connection),
        )
        .response(schema_of::<TestResult>),
        Endpoint::new(
            Method::GET,
            "/v1/operations/distributors",
            view,
            "List distributors",
            get(distributors),
        )
        .list_of(schema_of::<DistributorJson>),
        Endpoint::new(
            Method::POST,
            "/v1/operations/distributors",
            Capability::ServerSettings,
            "Add a distributor",
            post(create_distributor),
        )
        .request(schema_of::<ProviderBody>)
        .response(schema_of::<DistributorJson>),
        Endpoint::new(
            Method::PUT,
            "/v1/operations/distributors/{id}",
            Capability::ServerSettings,
            "Rename a distributor",
            put(rename_distributor),
        )
        .request(schema_of::<ProviderBody>),
        Endpoint::new(
            Method::DELETE,
            "/v1/operations/distributors/{id}",
            Capability::ServerSettings,
            "Delete a distributor without resellers or customers",
            delete(delete_distributor),
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/resellers",
            view,
            "List resellers",
            get(resellers),
        )
        .list_of(schema_of::<ResellerJson>),
        Endpoint::new(
            Method::POST,
            "/v1/operations/resellers",
            Capability::ServerSettings,
            "Add a reseller under a distributor",
            post(create_reseller),
        )
        .request(schema_of::<ProviderBody>)
        .response(schema_of::<ResellerJson>),
        Endpoint::new(
            Method::DELETE,
            "/v1/operations/resellers/{id}",
            Capability::ServerSettings,
            "Delete a reseller without customers",
            delete(delete_reseller),
        ),
    ]
}
