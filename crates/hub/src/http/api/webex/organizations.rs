//! `/v1/organizations` (API-2): the customers the caller may act on, as Webex organisations —
//! a customer administrator's own, a provider's whole scope. An organisation's `id` is the
//! `orgId` every other call takes.

use super::{iso, org_wid, path_id};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::http::api::{ApiQuery, ListQuery, Paged};
use crate::http::catalog::Endpoint;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::{Capability, CustomerId};
use patchbay_store::customers::Customer;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationJson {
    /// The `orgId` of the calling API.
    pub id: String,
    /// The customer's name.
    pub display_name: String,
    pub created: String,
}

impl From<Customer> for OrganizationJson {
    fn from(c: Customer) -> Self {
        Self {
            id: org_wid(c.id),
            display_name: c.fields.name,
            created: iso(c.created_at),
        }
    }
}

/// Webex's `callingData`: accepted; an organisation here has no calling fields of its own.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationQuery {
    #[param(value_type = Option<bool>)]
    pub calling_data: Option<String>,
}

/// Webex answers this list whole (clients read one page): a page holds up to 1,000.
const ORG_PAGE: i64 = 1000;

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    lq: ListQuery<OrganizationQuery>,
) -> ApiResult<Paged<OrganizationJson>> {
    super::flag_param("callingData", lq.filter.calling_data.as_deref())?;
    let page = lq.page(ORG_PAGE);
    let (items, total) = state
        .store
        .list_customers(caller.principal.scope(), &Default::default(), None, page)
        .await?;
    let items = items.into_iter().map(OrganizationJson::from).collect();
    Ok(Paged::new(&lq, ORG_PAGE, items, total))
}

async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<OrganizationQuery>,
) -> ApiResult<Json<OrganizationJson>> {
    super::flag_param("callingData", q.calling_data.as_deref())?;
    let id = CustomerId(path_id("ORGANIZATION", &id)?);
    let c = state.store.customer(caller.principal.scope(), id).await?;
    Ok(Json(c.into()))
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/organizations",
            view,
            "The organisations (customers) you may act on; `id` is their orgId",
            list,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/organizations/{id}",
            view,
            "One organisation you may act on",
            one,
        ),
    ]
}
