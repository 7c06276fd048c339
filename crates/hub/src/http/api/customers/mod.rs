//! `/v1/operations/customers` (CUS-1 … CUS-6, SYS-*): the customer list, the entry itself and the
//! accounts assigned to it. What a customer looks like on the wire, its body and its filters are
//! in `json`; its systems and the connection test in `systems`. The provider tree
//! (distributors, resellers) is `api::providers`.

mod json;
mod systems;

pub use crate::http::filters::CustomerQuery;
pub use json::{status_message, CustomerBody, CustomerJson, OperatorRef};
pub use systems::{ServerJson, SystemCertificateJson, SystemJson, TestResult};

use super::{id_from_path, JsonBody, ListQuery, Listed, NoContent, Paged};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::Endpoint;
use crate::http::filters::{nonempty, LIGHTS};
use crate::service::customers as svc;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::{Capability, CustomerId, Rule};
use patchbay_store::customers::CustomerSort;
use serde::Serialize;
use systems::{systems, test_connection};

/// The customer a path names, if the caller may see it (TEN-4); 404 otherwise.
async fn visible_customer(
    state: &AppState,
    caller: &Caller,
    raw: &str,
) -> Result<CustomerId, AppError> {
    let id = id_from_path(raw)?;
    svc::get(state, caller, id).await?;
    Ok(id)
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
        svc::get(&state, &caller, id_from_path(&id)?).await?.into(),
    ))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CustomerBody>,
) -> ApiResult<Json<CustomerJson>> {
    let id = id_from_path(&id)?;
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
    svc::delete(&state, &caller, &[id_from_path(&id)?]).await?;
    Ok(NoContent)
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
    let id = visible_customer(&state, &caller, &id).await?;
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
            Method::POST,
            "/v1/operations/customers/{id}/actions/confirmEnrolment/invoke",
            Capability::AddDeleteCustomers,
            "Confirm a customer added by zero-touch enrolment (CUS-8): its system connects fully from its next attempt",
            confirm_enrolment,
        ),
    ]
}

async fn confirm_enrolment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<crate::http::api::NoContent> {
    let id = visible_customer(&state, &caller, &id).await?;
    crate::service::enrolment::confirm(&state, &caller, id).await?;
    Ok(crate::http::api::NoContent)
}
