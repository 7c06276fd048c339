//! `/v1/operations/accounts`: operator accounts (OPR-1, OPR-8, OPR-9).

use super::schema::{one_of, text};
use super::{double_option, id_from_path, JsonBody, ListQuery, NoContent, Paged};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::catalog::Endpoint;
use crate::service::accounts::{self as svc, AccountPatch};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::Json;
use patchbay_domain::account::{EMAIL_MAX, LOGIN_MAX, NAMES_MAX};
use patchbay_domain::{Capability, Role, Rule};
use patchbay_store::{Account, AccountFilter, AccountSort};
use serde::{Deserialize, Serialize};

crate::schema_fn! {
    role_schema => one_of(Role::ALL.map(|r| r.as_str()));
    login_schema => text(LOGIN_MAX);
    name_schema => text(NAMES_MAX);
    email_schema => text(EMAIL_MAX);
    language_schema => one_of(patchbay_domain::account::LANGUAGES);
}

/// An operator account as the API shows it. The password is never returned.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountJson {
    pub id: String,
    pub login_name: String,
    #[schema(schema_with = role_schema)]
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
    /// Letters, digits and `. _ - @`; required on create.
    #[schema(schema_with = login_schema)]
    pub login_name: Option<String>,
    /// Write-only; required on create.
    pub password: Option<String>,
    /// Required on create.
    #[schema(schema_with = role_schema)]
    pub role: Option<String>,
    /// First and last name together at most 31 characters.
    #[schema(schema_with = name_schema)]
    pub first_name: Option<String>,
    #[schema(schema_with = name_schema)]
    pub last_name: Option<String>,
    pub phone_number: Option<String>,
    pub mobile: Option<String>,
    #[schema(schema_with = email_schema)]
    pub email: Option<String>,
    pub labels: Option<Vec<String>>,
    /// 5–30 in steps of 5; null = the server default.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, minimum = 5, maximum = 30, multiple_of = 5)]
    pub session_timeout_minutes: Option<Option<i64>>,
    pub kiosk_mode: Option<bool>,
    pub read_only_mode: Option<bool>,
    pub disabled: Option<bool>,
    pub force_password_change: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Option<String>>,
    #[schema(schema_with = language_schema)]
    pub language: Option<String>,
    pub customer_id: Option<String>,
}

impl AccountInput {
    pub fn into_patch(self) -> Result<AccountPatch, AppError> {
        let role = self.role.as_deref().map(parse_role).transpose()?;
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

/// Account list filters and order.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct AccountQuery {
    /// Matches any field (login, names, phone, mobile, e-mail, role, labels).
    pub search: Option<String>,
    #[param(schema_with = role_schema)]
    pub role: Option<String>,
    pub label: Option<String>,
}

/// A role by its API name; anything else is a `role` field error naming the roles.
fn parse_role(r: &str) -> Result<Role, AppError> {
    r.parse::<Role>().map_err(|_| {
        AppError::field(
            "role",
            Rule::OneOf {
                allowed: Role::ALL.map(|r| r.as_str()).join(", "),
            },
        )
    })
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    lq: ListQuery<AccountQuery, AccountSort>,
) -> ApiResult<Paged<AccountJson>> {
    let q = &lq.filter;
    let role = q
        .role
        .as_deref()
        .filter(|r| !r.is_empty())
        .map(parse_role)
        .transpose()?;
    let filter = AccountFilter {
        search: q.search.clone(),
        role,
        label: q.label.clone().filter(|l| !l.is_empty()),
        created_by: None,
    };
    let sort = lq.sort;
    let page = lq.page(100);
    let (items, total) = svc::list(&state, &caller, filter, sort, page).await?;
    let items = items.into_iter().map(Into::into).collect();
    Ok(Paged::new(&lq, 100, items, total))
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
        svc::get(&state, &caller, id_from_path(&id)?).await?.into(),
    ))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<AccountInput>,
) -> ApiResult<Json<AccountJson>> {
    let account = svc::update(&state, &caller, id_from_path(&id)?, input.into_patch()?).await?;
    Ok(Json(account.into()))
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<NoContent> {
    svc::delete(&state, &caller, &[id_from_path(&id)?]).await?;
    Ok(NoContent)
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
            list,
        ),
        Endpoint::new(
            Method::POST,
            P,
            Capability::CreateCustomerAdmins,
            "Create an operator account (an Operator: Customer administrators of its assigned customers only, RBAC-5)",
            create,
        ),
        Endpoint::new(Method::GET, ONE, cap, "Get an operator account", get_one),
        Endpoint::new(Method::PUT, ONE, cap, "Update an operator account", update),
        Endpoint::new(
            Method::DELETE,
            ONE,
            cap,
            "Delete an operator account (never your own)",
            remove,
        ),
    ]
}
