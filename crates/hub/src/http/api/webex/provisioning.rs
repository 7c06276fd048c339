//! PRV-1 through the API: the configuration template of each vendor family, the built-in one
//! or the customer's own (`/v1/telephony/config/provisioningTemplates/{vendor}`). A template is
//! checked by rendering it for a sample device before it is kept.

use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::webex::OrgQuery;
use crate::http::api::{ApiQuery, JsonBody, Listed, NoContent};
use crate::http::catalog::Endpoint;
use crate::service::calling::org;
use crate::service::provisioning::render;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::prov::Vendor;
use patchbay_domain::{Capability, Rule};
use serde::{Deserialize, Serialize};

/// Largest template kept.
const MAX_TEMPLATE: usize = 64 * 1024;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateJson {
    /// `yealink`, `poly`, `snom`, `grandstream`, `algo`, `generic`.
    pub vendor: String,
    /// The per-MAC file phones of the family ask for, e.g. `001565abcdef.cfg` for a MAC.
    pub file_name_example: String,
    /// The customer's own template (`false`: the built-in one).
    pub custom: bool,
    pub body: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateBody {
    /// A MiniJinja template: `mac`, `model`, `registrar`, `outbound_proxy`, `transport`, `port`,
    /// `password`, `lines` (each `port`, `user`, `label`).
    pub body: String,
}

fn vendor(raw: &str) -> Result<Vendor, AppError> {
    Vendor::parse(raw).ok_or(AppError::NotFound)
}

async fn one(
    state: &AppState,
    customer: patchbay_domain::CustomerId,
    v: Vendor,
) -> Result<TemplateJson, AppError> {
    let own = state
        .store
        .provisioning_template(customer, v.as_str())
        .await?;
    Ok(TemplateJson {
        vendor: v.as_str().into(),
        file_name_example: v.file_name("00156501ABCD"),
        custom: own.is_some(),
        body: own.unwrap_or_else(|| render::builtin(v).to_string()),
    })
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Listed<TemplateJson>> {
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    let mut items = Vec::new();
    for v in Vendor::ALL {
        items.push(one(&state, customer, v).await?);
    }
    Ok(Listed::items(items))
}

async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(v): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<TemplateJson>> {
    let v = vendor(&v)?;
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    Ok(Json(one(&state, customer, v).await?))
}

async fn put(
    State(state): State<AppState>,
    caller: Caller,
    Path(v): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
    JsonBody(b): JsonBody<TemplateBody>,
) -> ApiResult<Json<TemplateJson>> {
    let v = vendor(&v)?;
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    if b.body.trim().is_empty() {
        return Err(AppError::field("body", Rule::Required));
    }
    if b.body.len() > MAX_TEMPLATE {
        return Err(AppError::field(
            "body",
            Rule::MaxLength { max: MAX_TEMPLATE },
        ));
    }
    if let Err(e) = render::check(v, &b.body) {
        return Err(AppError::field(
            "body",
            Rule::Content {
                code: "template".into(),
                value: e.0,
            },
        ));
    }
    state
        .store
        .set_provisioning_template(&caller.meta(), customer, v.as_str(), Some(&b.body))
        .await?;
    Ok(Json(one(&state, customer, v).await?))
}

async fn reset(
    State(state): State<AppState>,
    caller: Caller,
    Path(v): Path<String>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<NoContent> {
    let v = vendor(&v)?;
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    state
        .store
        .set_provisioning_template(&caller.meta(), customer, v.as_str(), None)
        .await?;
    Ok(NoContent)
}

pub fn endpoints() -> Vec<Endpoint> {
    const ONE: &str = "/v1/telephony/config/provisioningTemplates/{vendor}";
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/provisioningTemplates",
            Capability::ViewProvisioning,
            "Configuration templates of the vendor families, the customer's own or the built-in ones (PRV-1)",
            list,
        ),
        Endpoint::new(Method::GET, ONE, Capability::ViewProvisioning, "A vendor family's configuration template (PRV-1)", get),
        Endpoint::new(
            Method::PUT,
            ONE,
            Capability::ManageProvisioning,
            "Set the customer's own template for a vendor family; checked by rendering it for a sample device (PRV-1)",
            put,
        ),
        Endpoint::new(
            Method::DELETE,
            ONE,
            Capability::ManageProvisioning,
            "Go back to the built-in template of a vendor family (PRV-1)",
            reset,
        ),
    ]
}
