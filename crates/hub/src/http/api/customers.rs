//! `/v1/operations/customers`, `/distributors`, `/resellers` (TEN-1, CUS-1 … CUS-6, SYS-*).

use super::schema::{one_of, text};
use super::{JsonBody, ListQuery, Listed, NoContent, Paged};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::Endpoint;
use crate::service::customers::{self as svc, CustomerInput};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::customer::CustomerFields;
use patchbay_domain::system::{human_duration, Status};
use patchbay_domain::{AccountId, Capability, CustomerId, DistributorId, ResellerId, Rule};
use patchbay_store::customers::{Customer, CustomerFilter, CustomerSort};
use patchbay_store::systems::SystemView;
use serde::{Deserialize, Serialize};

/// SYS-2 connectivity lights.
const LIGHTS: [&str; 3] = ["green", "amber", "red"];

crate::schema_fn! {
    light_schema => one_of(LIGHTS);
    customer_name_schema => text(patchbay_domain::customer::NAME_MAX);
    provider_name_schema => text(patchbay_domain::customer::NAME_MAX);
    notes_schema => text(patchbay_domain::customer::NOTES_MAX);
    service_user_schema => text(patchbay_domain::customer::SERVICE_USER_MAX);
    service_password_schema => text(patchbay_domain::customer::SERVICE_PASSWORD_MAX);
    customer_key_schema => {
        let mut o = text(patchbay_domain::customer::CUSTOMER_ID_MAX);
        o.pattern = Some("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$".into());
        o
    };
}

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
    /// SYS-2
    #[schema(schema_with = light_schema)]
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
    /// Required on create.
    #[schema(schema_with = customer_name_schema)]
    pub name: Option<String>,
    /// A DNS label (a-z, 0-9, -), unique; required on create.
    #[schema(schema_with = customer_key_schema)]
    pub customer_id: Option<String>,
    #[schema(schema_with = service_user_schema)]
    pub service_user_name: Option<String>,
    /// Write-only; required on create.
    #[schema(schema_with = service_password_schema)]
    pub service_password: Option<String>,
    pub service_disabled: Option<bool>,
    pub distributor_id: Option<String>,
    pub reseller_id: Option<String>,
    pub tags: Option<Vec<String>>,
    pub phone: Option<String>,
    pub email: Option<String>,
    #[schema(schema_with = notes_schema)]
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

/// Customer filters (CUS-4, CUS-6): each narrows the list; absent or empty means any.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct CustomerQuery {
    /// Matches name, customer ID, system name, address, tags, notes.
    pub search: Option<String>,
    #[param(schema_with = light_schema)]
    pub connectivity: Option<String>,
    /// A status code (SYS-3), as `status` in the customer.
    pub status: Option<String>,
    pub tag: Option<String>,
    pub version: Option<String>,
    pub profile: Option<String>,
    /// Distributor name.
    pub distributor: Option<String>,
    /// Reseller name.
    pub reseller: Option<String>,
    pub has_alarms: Option<bool>,
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
}

fn customer_id(id: &str) -> Result<CustomerId, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    lq: ListQuery<CustomerQuery, CustomerSort>,
) -> ApiResult<Paged<CustomerJson>> {
    let page = lq.page(100);
    if let Some(light) = nonempty(&lq.filter.connectivity) {
        if !LIGHTS.contains(&light.as_str()) {
            return Err(AppError::field(
                "connectivity",
                Rule::OneOf {
                    allowed: LIGHTS.join(", "),
                },
            ));
        }
    }
    let (items, total) = state
        .store
        .list_customers(caller.principal.scope(), &lq.filter.filter(), lq.sort, page)
        .await?;
    let items = items.into_iter().map(Into::into).collect();
    Ok(Paged::new(&lq, 100, items, total))
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
) -> ApiResult<NoContent> {
    svc::delete(&state, &caller, &[customer_id(&id)?]).await?;
    Ok(NoContent)
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
) -> ApiResult<Listed<SystemJson>> {
    let id = customer_id(&id)?;
    svc::get(&state, &caller, id).await?;
    let items: Vec<SystemJson> = state
        .store
        .systems_of(id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Listed::items(items))
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
) -> ApiResult<Listed<AssignedJson>> {
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
    Ok(Listed::items(items))
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
    #[schema(schema_with = provider_name_schema)]
    pub name: String,
    /// For resellers: the distributor they belong to.
    pub distributor_id: Option<String>,
}

async fn distributors(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Listed<DistributorJson>> {
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
    Ok(Listed::items(items))
}

async fn create_distributor(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(b): JsonBody<ProviderBody>,
) -> ApiResult<Json<DistributorJson>> {
    svc::validate_provider_name(&b.name)?;
    let id = state
        .store
        .create_distributor(&caller.meta(), &b.name)
        .await?;
    Ok(Json(DistributorJson {
        id: id.to_string(),
        name: b.name.trim().to_string(),
        resellers: Some(0),
        customers: Some(0),
    }))
}

async fn rename_distributor(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ProviderBody>,
) -> ApiResult<NoContent> {
    svc::validate_provider_name(&b.name)?;
    let id: DistributorId = id.parse().map_err(|_| AppError::NotFound)?;
    state
        .store
        .rename_distributor(&caller.meta(), id, &b.name)
        .await?;
    Ok(NoContent)
}

async fn delete_distributor(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<NoContent> {
    let id: DistributorId = id.parse().map_err(|_| AppError::NotFound)?;
    state.store.delete_distributor(&caller.meta(), id).await?;
    Ok(NoContent)
}

async fn resellers(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Listed<ResellerJson>> {
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
    Ok(Listed::items(items))
}

async fn create_reseller(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(b): JsonBody<ProviderBody>,
) -> ApiResult<Json<ResellerJson>> {
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
        .await?;
    Ok(Json(ResellerJson {
        id: id.to_string(),
        distributor_id: d.to_string(),
        distributor_name: String::new(),
        name: b.name.trim().to_string(),
        customers: Some(0),
    }))
}

async fn delete_reseller(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<NoContent> {
    let id: ResellerId = id.parse().map_err(|_| AppError::NotFound)?;
    state.store.delete_reseller(&caller.meta(), id).await?;
    Ok(NoContent)
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
            list,
        ),
        Endpoint::new(
            Method::POST,
            C,
            Capability::AddDeleteCustomers,
            "Add a customer",
            create,
        ),
        Endpoint::new(Method::GET, ONE, view, "Get a customer", get_one),
        Endpoint::new(
            Method::PUT,
            ONE,
            Capability::EditCustomers,
            "Update a customer",
            update,
        ),
        Endpoint::new(
            Method::DELETE,
            ONE,
            Capability::AddDeleteCustomers,
            "Delete a customer",
            remove,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/customers/{id}/systems",
            view,
            "The customer's systems and their servers",
            systems,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/customers/{id}/assignedAccounts",
            view,
            "Accounts assigned to the customer (manually or by label)",
            assigned,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/customers/{id}/actions/testConnection/invoke",
            view,
            "Test connection: is the system connected and authenticated now?",
            test_connection,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/distributors",
            view,
            "List distributors",
            distributors,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/distributors",
            Capability::ServerSettings,
            "Add a distributor",
            create_distributor,
        ),
        Endpoint::new(
            Method::PUT,
            "/v1/operations/distributors/{id}",
            Capability::ServerSettings,
            "Rename a distributor",
            rename_distributor,
        ),
        Endpoint::new(
            Method::DELETE,
            "/v1/operations/distributors/{id}",
            Capability::ServerSettings,
            "Delete a distributor without resellers or customers",
            delete_distributor,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/resellers",
            view,
            "List resellers",
            resellers,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/resellers",
            Capability::ServerSettings,
            "Add a reseller under a distributor",
            create_reseller,
        ),
        Endpoint::new(
            Method::DELETE,
            "/v1/operations/resellers/{id}",
            Capability::ServerSettings,
            "Delete a reseller without customers",
            delete_reseller,
        ),
    ]
}
