//! `/v1/operations/distributors`, `/v1/operations/resellers`: the provider tree customers are
//! filed under (TEN-1). Counts are shown only to callers who see every customer (TEN-4).

use super::schema::text;
use super::{id_from_path, JsonBody, Listed, NoContent};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::Endpoint;
use crate::service::customers::validate_provider_name;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::{Capability, DistributorId, ResellerId, Rule};
use patchbay_store::enrolment::Provider;
use patchbay_store::providers::{Distributor, Reseller};
use serde::{Deserialize, Serialize};

crate::schema_fn! {
    provider_name_schema => text(patchbay_domain::customer::NAME_MAX);
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributorJson {
    pub id: String,
    pub name: String,
    /// Counts are shown to callers who see every customer only (TEN-4).
    pub resellers: Option<i64>,
    pub customers: Option<i64>,
}

impl DistributorJson {
    /// `d` as shown; its counts only when `counted` (TEN-4).
    fn new(d: Distributor, counted: bool) -> Self {
        Self {
            id: d.id.to_string(),
            name: d.name,
            resellers: counted.then_some(d.resellers),
            customers: counted.then_some(d.customers),
        }
    }
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

impl ResellerJson {
    /// `r` as shown; its count only when `counted` (TEN-4).
    fn new(r: Reseller, counted: bool) -> Self {
        Self {
            id: r.id.to_string(),
            distributor_id: r.distributor_id.to_string(),
            distributor_name: r.distributor_name,
            name: r.name,
            customers: counted.then_some(r.customers),
        }
    }
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
        .map(|d| DistributorJson::new(d, all))
        .collect();
    Ok(Listed::items(items))
}

async fn create_distributor(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(b): JsonBody<ProviderBody>,
) -> ApiResult<Json<DistributorJson>> {
    validate_provider_name(&b.name)?;
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
    validate_provider_name(&b.name)?;
    let id: DistributorId = id_from_path(&id)?;
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
    let id: DistributorId = id_from_path(&id)?;
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
        .map(|r| ResellerJson::new(r, all))
        .collect();
    Ok(Listed::items(items))
}

async fn create_reseller(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(b): JsonBody<ProviderBody>,
) -> ApiResult<Json<ResellerJson>> {
    validate_provider_name(&b.name)?;
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
    let id: ResellerId = id_from_path(&id)?;
    state.store.delete_reseller(&caller.meta(), id).await?;
    Ok(NoContent)
}

/// CUS-8: a provider's enrolment credential, shown this once (the hub keeps only a hash).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnrolmentCredentialJson {
    /// `pbe1.<id>.<secret>`: give it to the provider's systems (`patchbay-agent run
    /// --enrolment-file`). Rotating replaces it at once.
    pub credential: String,
}

/// CUS-8: whether the provider's enrolled systems are confirmed at once.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnrolmentBody {
    pub auto_confirm: bool,
}

fn provider(kind: &str, id: &str) -> Result<Provider, AppError> {
    Ok(match kind {
        "distributors" => Provider::Distributor(id_from_path(id)?),
        _ => Provider::Reseller(id_from_path(id)?),
    })
}

async fn rotate_distributor_enrolment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<EnrolmentCredentialJson>> {
    let credential =
        crate::service::enrolment::rotate(&state, &caller, provider("distributors", &id)?).await?;
    Ok(Json(EnrolmentCredentialJson { credential }))
}

async fn rotate_reseller_enrolment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<EnrolmentCredentialJson>> {
    let credential =
        crate::service::enrolment::rotate(&state, &caller, provider("resellers", &id)?).await?;
    Ok(Json(EnrolmentCredentialJson { credential }))
}

async fn distributor_auto_confirm(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<EnrolmentBody>,
) -> ApiResult<NoContent> {
    let p = provider("distributors", &id)?;
    crate::service::enrolment::set_auto_confirm(&state, &caller, p, b.auto_confirm).await?;
    Ok(NoContent)
}

async fn reseller_auto_confirm(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<EnrolmentBody>,
) -> ApiResult<NoContent> {
    let p = provider("resellers", &id)?;
    crate::service::enrolment::set_auto_confirm(&state, &caller, p, b.auto_confirm).await?;
    Ok(NoContent)
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewOperations;
    let manage = Capability::ServerSettings;
    vec![
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
            manage,
            "Add a distributor",
            create_distributor,
        ),
        Endpoint::new(
            Method::PUT,
            "/v1/operations/distributors/{id}",
            manage,
            "Rename a distributor",
            rename_distributor,
        ),
        Endpoint::new(
            Method::DELETE,
            "/v1/operations/distributors/{id}",
            manage,
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
            manage,
            "Add a reseller under a distributor",
            create_reseller,
        ),
        Endpoint::new(
            Method::DELETE,
            "/v1/operations/resellers/{id}",
            manage,
            "Delete a reseller without customers",
            delete_reseller,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/distributors/{id}/enrolmentCredential",
            manage,
            "Make or rotate the distributor's enrolment credential (CUS-8), shown once",
            rotate_distributor_enrolment,
        ),
        Endpoint::new(
            Method::PUT,
            "/v1/operations/distributors/{id}/enrolmentCredential",
            manage,
            "Whether the distributor's enrolled systems are confirmed at once (CUS-8)",
            distributor_auto_confirm,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/resellers/{id}/enrolmentCredential",
            manage,
            "Make or rotate the reseller's enrolment credential (CUS-8), shown once",
            rotate_reseller_enrolment,
        ),
        Endpoint::new(
            Method::PUT,
            "/v1/operations/resellers/{id}/enrolmentCredential",
            manage,
            "Whether the reseller's enrolled systems are confirmed at once (CUS-8)",
            reseller_auto_confirm,
        ),
    ]
}
