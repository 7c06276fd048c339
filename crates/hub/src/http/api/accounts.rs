//! `/v1/operations/accounts`: operator accounts (OPR-1, OPR-8, OPR-9).

use super::{double_option, list_response, JsonBody, Paging};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::{schema_of, Endpoint};
use crate::service::accounts::{self as svc, AccountPatch};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::Json;
use patchbay_domain::{AccountId, Capability, Role, Rule};
use patchbay_store::{Account, AccountFilter, AccountSort, SortOrder};
use serde::{Deserialize, Serialize};

/// An operator account as the API shows it. The password is never returned.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountJson {
    pub id: String,
    pub login_name: String,
    /// administrator | support | supervisor | operator | read-only | customer-admin
    pub role: String,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub phone_number: String,
    pub mobile: String,
    pub email: String,
    pub labels: Vec<String>,
    /// 5–30 in steps of 5; null = the server default (PRF-1).
    pub session_timeout_minutes: Option<i64>,
    pub kiosk_mode: bool,
    pub read_only_mode: bool,
    pub disabled: bool,
    pub force_password_change: bool,
    /// YYYY-MM-DD; null = never expires.
    pub expires_on: Option<String>,
    pub language: String,
    pub customer_id: Option<String>,
    pub created_by: Option<String>,
    pub created: String,
    pub last_modified: String,
}

impl From<Account> for AccountJson {
    fn from(a: Account) -> Self {
        let display_name = a.display_name();
        let f = a.fields;
        Self {
            id: a.id.to_string(),
            login_name: f.login_name,
            role: f.role.to_string(),
            first_name: f.first_name,
            last_name: f.last_name,
            display_name,
            phone_number: f.phone_number,
            mobile: f.mobile,
            email: f.email,
            labels: f.labels,
            session_timeout_minutes: f.session_timeout_minutes,
            kiosk_mode: f.kiosk_mode,
            read_only_mode: f.read_only_mode,
            disabled: f.disabled,
            force_password_change: f.force_password_change,
            expires_on: f.expires_on.map(|d| d.to_string()),
            language: f.language,
            customer_id: a.customer_id.map(|c| c.to_string()),
            created_by: a.created_by.map(|c| c.to_string()),
            created: a.created_at.to_string(),
            last_modified: a.updated_at.to_string(),
        }
    }
}

/// Create or update body. On update, absent fields keep their value; `null` clears
/// `sessionTimeoutMinutes` and `expiresOn`.
#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountInput {
    pub login_name: Option<String>,
    /// Write-only.
    pub password: Option<String>,
    pub role: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone_number: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub labels: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub session_timeout_minutes: Option<Option<i64>>,
    pub kiosk_mode: Option<bool>,
    pub read_only_mode: Option<bool>,
    pub disabled: Option<bool>,
    pub force_password_change: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub expires_on: Option<Option<String>>,
    pub language: Option<String>,
    pub customer_id: Option<String>,
}

impl AccountInput {
    pub fn into_patch(self) -> Result<AccountPatch, AppError> {
        let role = self
            .role
            .map(|r| {
                r.parse::<Role>().map_err(|_| {
                    AppError::field(
                        "role",
                        Rule::OneOf {
                            allowed: Role::ALL.map(|r| r.as_str()).join(", "),
                        },
                    )
                })
            })
            .transpose()?;
        let expires_on = self
            .expires_on
            .map(|o| {
                o.filter(|s| !s.trim().is_empty())
                    .map(|s| {
                        s.trim()
                            .parse::<jiff::civil::Date>()
                            .map_err(|_| AppError::field("expiresOn", Rule::Date))
                    })
                    .transpose()
            })
            .transpose()?;
        let customer_id = self
            .customer_id
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .map_err(|_| AppError::field("customerId", Rule::Invalid))
            })
            .transpose()?;
        Ok(AccountPatch {
            login_name: self.login_name,
            password: self.password,
            role,
            first_name: self.first_name,
            last_name: self.last_name,
            phone_number: self.phone_number,
            mobile: self.mobile,
            email: self.email,
            labels: self.labels,
            session_timeout_minutes: self.session_timeout_minutes,
            kiosk_mode: self.kiosk_mode,
            read_only_mode: self.read_only_mode,
            disabled: self.disabled,
            force_password_change: self.force_password_change,
            expires_on,
            language: self.language,
            customer_id,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    /// Page size (Webex `max`).
    pub max: Option<i64>,
    /// Offset of the first item; the `Link` header carries it.
    pub start: Option<i64>,
    /// Matches any field (login, names, phone, mobile, e-mail, role, labels).
    pub search: Option<String>,
    pub role: Option<String>,
    pub label: Option<String>,
    /// loginName | firstName | lastName | phoneNumber | mobile | role
    pub sort_by: Option<String>,
    /// asc | desc
    pub sort_order: Option<String>,
}

pub fn parse_sort(
    by: Option<&str>,
    order: Option<&str>,
) -> Result<Option<(AccountSort, SortOrder)>, AppError> {
    let Some(by) = by.filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let col = AccountSort::parse(by).ok_or_else(|| {
        AppError::field(
            "sortBy",
            Rule::OneOf {
                allowed: AccountSort::ALL.map(|(_, n)| n).join(", "),
            },
        )
    })?;
    let dir = match order.unwrap_or("asc") {
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

fn parse_id(id: &str) -> Result<AccountId, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<ListQuery>,
) -> ApiResult<Response> {
    let role = q
        .role
        .as_deref()
        .filter(|r| !r.is_empty())
        .map(|r| {
            r.parse::<Role>()
                .map_err(|_| AppError::field("role", Rule::Invalid))
        })
        .transpose()?;
    let filter = AccountFilter {
        search: q.search.clone(),
        role,
        label: q.label.clone().filter(|l| !l.is_empty()),
        created_by: None,
    };
    let sort = parse_sort(q.sort_by.as_deref(), q.sort_order.as_deref())?;
    let page = Paging {
        max: q.max,
        start: q.start,
    }
    .page(100);
    let (items, total) = svc::list(&state, &caller, filter, sort, page).await?;
    let items: Vec<AccountJson> = items.into_iter().map(Into::into).collect();
    Ok(list_response(&headers, &uri, items, page, total))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(input): JsonBody<AccountInput>,
) -> ApiResult<Json<AccountJson>> {
    let account = svc::create(&state, &caller, input.into_patch()?).await?;
    Ok(Json(account.into()))
}

async fn get_one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<AccountJson>> {
    Ok(Json(
        svc::get(&state, &caller, parse_id(&id)?).await?.into(),
    ))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<AccountInput>,
) -> ApiResult<Json<AccountJson>> {
    let account = svc::update(&state, &caller, parse_id(&id)?, input.into_patch()?).await?;
    Ok(Json(account.into()))
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    svc::delete(&state, &caller, &[parse_id(&id)?]).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn endpoints() -> Vec<Endpoint> {
    const P: &str = "/v1/operations/accounts";
    const ONE: &str = "/v1/operations/accounts/{id}";
    let cap = Capability::ManageAccounts;
    vec![
        Endpoint::new(
            Method::GET,
            P,
            cap,
            "List operator accounts (filter, search, sort, page)",
            get(list),
        )
        .list_of(schema_of::<AccountJson>),
        Endpoint::new(
            Method::POST,
            P,
            cap,
            "Create an operator account",
            post(create),
        )
        .request(schema_of::<AccountInput>)
        .response(schema_of::<AccountJson>),
        Endpoint::new(
            Method::GET,
            ONE,
            cap,
            "Get an operator account",
            get(get_one),
        )
        .response(schema_of::<AccountJson>),
        Endpoint::new(
            Method::PUT,
            ONE,
            cap,
            "Update an operator account",
            put(update),
        )
        .request(schema_of::<AccountInput>)
        .response(schema_of::<AccountJson>),
        Endpoint::new(
            Method::DELETE,
            ONE,
            cap,
            "Delete an operator account (never your own)",
            delete(remove),
        ),
    ]
}
