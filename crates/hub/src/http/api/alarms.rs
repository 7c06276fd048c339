//! `/v1/operations/alarms` (ALM-3 … ALM-5) and `/v1/operations/dashboard` (DSH-1).

use super::schema::one_of;
use super::{ApiQuery, JsonBody, ListQuery, Paged};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::Endpoint;
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use axum::Json;
use patchbay_domain::alarm::{AlarmType, Severity};
use patchbay_domain::{AlarmId, Capability, Rule};
use patchbay_store::alarms::{Alarm, AlarmFilter, AlarmSort, AlarmSummary};
use serde::{Deserialize, Serialize};

fn severities() -> String {
    Severity::ALL.map(Severity::as_str).join(", ")
}

fn types() -> String {
    AlarmType::ALL.map(AlarmType::as_str).join(", ")
}

crate::schema_fn! {
    severity_schema => one_of(Severity::ALL.map(Severity::as_str));
    type_schema => one_of(AlarmType::ALL.map(AlarmType::as_str));
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AlarmJson {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub system_name: String,
    #[schema(schema_with = severity_schema)]
    pub severity: String,
    #[schema(schema_with = type_schema)]
    pub alarm_type: String,
    pub description: String,
    pub first_occurrence: String,
    pub last_occurrence: String,
    pub occurrences: i64,
    /// Still going on: cannot be cleared.
    pub ongoing: bool,
}

impl From<Alarm> for AlarmJson {
    fn from(a: Alarm) -> Self {
        Self {
            id: a.id.to_string(),
            customer_id: a.customer_id.to_string(),
            customer_name: a.customer_name,
            system_name: a.system_name,
            severity: a.severity,
            alarm_type: a.alarm_type,
            description: a.description,
            first_occurrence: a.first_occurrence.to_string(),
            last_occurrence: a.last_occurrence.to_string(),
            occurrences: a.occurrences,
            ongoing: a.ongoing,
        }
    }
}

/// Alarm filters (the list and the summary take the same).
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct AlarmQuery {
    /// The customer's `id`.
    #[param(format = Uuid)]
    pub customer_id: Option<String>,
    #[param(schema_with = severity_schema)]
    pub severity: Option<String>,
    #[param(schema_with = type_schema)]
    pub alarm_type: Option<String>,
    /// `true`: only ongoing alarms; `false`: only the others.
    pub ongoing: Option<bool>,
    /// Matches customer, system, description.
    pub search: Option<String>,
}

impl AlarmQuery {
    pub fn filter(&self) -> Result<AlarmFilter, AppError> {
        let ne = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        Ok(AlarmFilter {
            customer: ne(&self.customer_id)
                .map(|c| {
                    c.parse()
                        .map_err(|_| AppError::field("customerId", Rule::Invalid))
                })
                .transpose()?,
            severity: ne(&self.severity)
                .map(|s| {
                    Severity::parse(&s).ok_or_else(|| {
                        AppError::field(
                            "severity",
                            Rule::OneOf {
                                allowed: severities(),
                            },
                        )
                    })
                })
                .transpose()?,
            alarm_type: ne(&self.alarm_type)
                .map(|s| {
                    AlarmType::parse(&s).ok_or_else(|| {
                        AppError::field("alarmType", Rule::OneOf { allowed: types() })
                    })
                })
                .transpose()?,
            ongoing: self.ongoing,
            search: ne(&self.search),
        })
    }
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    lq: ListQuery<AlarmQuery, AlarmSort>,
) -> ApiResult<Paged<AlarmJson>> {
    let page = lq.page(100);
    let (items, total) = state
        .store
        .list_alarms(
            caller.principal.scope(),
            &lq.filter.filter()?,
            lq.sort,
            page,
        )
        .await?;
    let items = items.into_iter().map(Into::into).collect();
    Ok(Paged::new(&lq, 100, items, total))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Count {
    pub key: String,
    pub count: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SummaryJson {
    pub total: i64,
    pub by_severity: Vec<Count>,
    pub by_type: Vec<Count>,
}

fn counts(v: Vec<(String, i64)>) -> Vec<Count> {
    v.into_iter()
        .map(|(key, count)| Count { key, count })
        .collect()
}

impl From<AlarmSummary> for SummaryJson {
    fn from(s: AlarmSummary) -> Self {
        Self {
            total: s.total,
            by_severity: counts(s.by_severity),
            by_type: counts(s.by_type),
        }
    }
}

async fn summary(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AlarmQuery>,
) -> ApiResult<Json<SummaryJson>> {
    Ok(Json(
        state
            .store
            .alarm_summary(caller.principal.scope(), &q.filter()?)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClearBody {
    /// Alarms to clear (ALM-4); ongoing ones are refused and nothing is cleared.
    pub ids: Option<Vec<String>>,
    /// Or: every alarm of this type (ALM-5); ongoing ones stay.
    #[schema(schema_with = type_schema)]
    pub alarm_type: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Cleared {
    pub cleared: u64,
}

/// Clear selected alarms or all alarms of a type.
pub async fn clear(state: &AppState, caller: &Caller, body: ClearBody) -> Result<u64, AppError> {
    caller.require(Capability::ClearAlarms)?;
    let scope = caller.principal.scope();
    match (body.ids, body.alarm_type) {
        (Some(ids), None) => {
            crate::service::check_bulk(ids.len())?;
            let ids = ids
                .iter()
                .map(|i| i.parse::<AlarmId>().map_err(|_| AppError::NotFound))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(state
                .store
                .clear_alarms(&caller.meta(), scope, &ids)
                .await?)
        }
        (None, Some(t)) => {
            let t = AlarmType::parse(&t)
                .ok_or_else(|| AppError::field("alarmType", Rule::OneOf { allowed: types() }))?;
            Ok(state
                .store
                .clear_alarms_of_type(&caller.meta(), scope, t)
                .await?)
        }
        _ => Err(AppError::field("ids", Rule::Required)),
    }
}

async fn clear_handler(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<ClearBody>,
) -> ApiResult<Json<Cleared>> {
    Ok(Json(Cleared {
        cleared: clear(&state, &caller, body).await?,
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DashboardJson {
    pub customers: i64,
    pub by_connectivity: Vec<Count>,
    pub by_status: Vec<Count>,
    pub alarms_by_severity: Vec<Count>,
    pub alarms_by_type: Vec<Count>,
    pub tags: Vec<Count>,
    pub versions: Vec<Count>,
}

async fn dashboard(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<DashboardJson>> {
    let d = state.store.dashboard(caller.principal.scope()).await?;
    Ok(Json(DashboardJson {
        customers: d.customers,
        by_connectivity: counts(d.by_light),
        by_status: counts(d.by_status),
        alarms_by_severity: counts(d.alarms_by_severity),
        alarms_by_type: counts(d.alarms_by_type),
        tags: counts(d.tags),
        versions: counts(d.versions),
    }))
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewOperations;
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/operations/alarms",
            view,
            "List alarms (scope, filter, search, sort, page)",
            list,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/alarms/summary",
            view,
            "Alarm counts per severity and per type",
            summary,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/alarms/actions/clear/invoke",
            Capability::ClearAlarms,
            "Clear selected alarms, or all of one type",
            clear_handler,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/dashboard",
            view,
            "Dashboard figures",
            dashboard,
        ),
    ]
}
