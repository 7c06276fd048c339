//! Account management (OPR-8, OPR-9): list with filter, sort cycling, search and paging; add,
//! edit, delete selected with confirmation.

use super::forms::{FieldMessages, FormMap};
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::list::{ListParams, ListSpec, MaxInLinks, Pager, Param};
use crate::service::accounts::{self as svc, AccountPatch};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::account::AccountFields;
use patchbay_domain::rbac::creatable_roles;
use patchbay_domain::{AccountId, Capability, Role};
use patchbay_store::{Account, AccountFilter, PageRequest};

pub const PAGE_SIZES: [i64; 4] = [10, 25, 50, 100];

/// The account list's parameters (OPR-8).
pub static LIST: ListSpec = ListSpec {
    path: "/com/accounts",
    params: &[
        Param::search("search"),
        Param::criterion("role"),
        Param::criterion("label"),
    ],
    sorts: &[
        "loginName",
        "firstName",
        "lastName",
        "phoneNumber",
        "mobile",
        "role",
    ],
    default_order: "",
    sizes: &PAGE_SIZES,
    default_max: 25,
    max_in_links: MaxInLinks::Always,
};

pub struct Row {
    pub id: String,
    pub login: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub mobile: String,
    pub labels: String,
    pub role: String,
    pub own: bool,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct ListPage {
    ctx: Ctx,
    lp: ListParams,
    pager: Pager,
    rows: Vec<Row>,
    total: i64,
    roles: Vec<&'static str>,
    notice: String,
}

impl ListPage {
    fn columns(&self) -> Vec<(&'static str, String)> {
        [
            ("loginName", "field-loginName"),
            ("firstName", "field-firstName"),
            ("lastName", "field-lastName"),
            ("phoneNumber", "field-phoneNumber"),
            ("mobile", "field-mobile"),
        ]
        .into_iter()
        .map(|(c, id)| (c, self.ctx.t(id)))
        .collect()
    }
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let lp = ListParams::parse(&LIST, q.as_deref());
    let filter = AccountFilter {
        search: lp.value("search"),
        role: lp.get("role").parse().ok(),
        label: lp.value("label"),
        created_by: None,
    };
    let (items, total) = svc::list(&state, &caller, filter, lp.sort_as(), lp.page()).await?;
    let rows = items
        .into_iter()
        .map(|a| Row {
            id: a.id.to_string(),
            own: a.id == caller.account.id,
            login: a.fields.login_name,
            first_name: a.fields.first_name,
            last_name: a.fields.last_name,
            phone: a.fields.phone_number,
            mobile: a.fields.mobile,
            labels: a.fields.labels.join(", "),
            role: ctx.role_name(a.fields.role.as_str()),
        })
        .collect::<Vec<_>>();
    let notice = FormMap::parse(q.as_deref().unwrap_or("").as_bytes())
        .get("done")
        .map(|d| match d {
            "created" => ctx.t("accounts-created"),
            "updated" => ctx.t("accounts-updated"),
            "deleted" => ctx.t("accounts-deleted"),
            "invited" => ctx.t("accounts-invited"),
            _ => String::new(),
        })
        .unwrap_or_default();
    let page = ListPage {
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        pager: lp.pager(rows.len(), total),
        rows,
        total,
        lp,
        ctx,
        notice,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "account_form.html")]
struct FormPage {
    ctx: Ctx,
    /// None when adding.
    id: Option<String>,
    f: AccountFields,
    labels: String,
    expiry_enabled: bool,
    expires_on: String,
    roles: Vec<&'static str>,
    errors: FieldMessages,
    /// RBAC-5: the customers a new Customer administrator may be bound to (id, name), and the
    /// chosen one; the customer's name on an existing one's form.
    customers: Vec<(String, String)>,
    customer: String,
    /// ONB-1: e-mail an invitation to set the password instead of typing one.
    invite: bool,
    /// Where Cancel goes: the account list, or (RBAC-5: an Operator, who creates Customer
    /// administrators without managing accounts) the dashboard.
    back: &'static str,
    notice: String,
}

impl FormPage {
    fn customer_is(&self, c: &str) -> bool {
        self.customer == c
    }
    fn timeouts(&self) -> Vec<i64> {
        vec![5, 10, 15, 20, 25, 30]
    }
    fn timeout_is(&self, m: &i64) -> bool {
        self.f.session_timeout_minutes == Some(*m)
    }
    fn is_language(&self, code: &str) -> bool {
        self.f.language == code
    }
    fn role_is(&self, r: &&str) -> bool {
        self.f.role.as_str() == *r
    }
}

fn form_page(
    ctx: Ctx,
    caller: &Caller,
    id: Option<AccountId>,
    f: AccountFields,
    errors: FieldMessages,
) -> FormPage {
    // A Customer administrator is made with its customer; no role changes into or out of it.
    let mut roles: Vec<&'static str> = creatable_roles(caller.principal.role)
        .iter()
        .filter(|r| id.is_none() || **r != Role::CustomerAdmin)
        .map(|r| r.as_str())
        .collect();
    if !roles.contains(&f.role.as_str()) {
        roles.insert(0, f.role.as_str());
    }
    FormPage {
        ctx,
        id: id.map(|i| i.to_string()),
        labels: f.labels.join(", "),
        expiry_enabled: f.expires_on.is_some(),
        expires_on: f
            .expires_on
            .unwrap_or_else(|| patchbay_domain::account::default_expiry(crate::service::today()))
            .to_string(),
        f,
        roles,
        errors,
        customers: Vec::new(),
        customer: String::new(),
        invite: false,
        back: if caller.can(Capability::ManageAccounts) {
            "/com/accounts"
        } else {
            "/com/dashboard"
        },
        notice: String::new(),
    }
}

/// The customers in the caller's scope, by name (at most 500), for the Customer administrator's
/// customer select.
async fn customer_choices(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<(String, String)>, AppError> {
    let (items, _) = state
        .store
        .list_customers(
            caller.principal.scope(),
            &Default::default(),
            Some((
                patchbay_store::customers::CustomerSort::Name,
                patchbay_store::SortOrder::Asc,
            )),
            PageRequest::new(0, 500),
        )
        .await?;
    Ok(items
        .into_iter()
        .map(|c| (c.id.to_string(), c.fields.name))
        .collect())
}

async fn new_form(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let ctx = Ctx::new(&state, &caller, "/com/accounts");
    // ONB-1: from a customer's page, a Customer administrator of that customer, invited.
    let asked = FormMap::parse(q.as_deref().unwrap_or("").as_bytes());
    let for_customer = asked.text("customerId");
    // An Operator creates Customer administrators only (RBAC-5).
    let role = if for_customer.is_empty()
        && creatable_roles(caller.principal.role).contains(&Role::Operator)
    {
        Role::Operator
    } else {
        Role::CustomerAdmin
    };
    let f = AccountFields {
        expires_on: Some(patchbay_domain::account::default_expiry(
            crate::service::today(),
        )),
        language: ctx.lang.to_string(),
        ..AccountFields::new("", role)
    };
    let mut page = form_page(ctx, &caller, None, f, FieldMessages::default());
    page.customers = customer_choices(&state, &caller).await?;
    // The customer asked for is offered even beyond the first choices (when in scope).
    if let Ok(id) = for_customer.parse() {
        if !page.customers.iter().any(|(c, _)| *c == for_customer) {
            if let Ok(c) = state.store.customer(caller.principal.scope(), id).await {
                page.customers.insert(0, (c.id.to_string(), c.fields.name));
            }
        }
    }
    page.invite = !for_customer.is_empty();
    page.customer = for_customer;
    match asked.get("done") {
        Some("created") => page.notice = page.ctx.t("accounts-created"),
        Some("invited") => page.notice = page.ctx.t("accounts-invited"),
        _ => {}
    }
    Ok(render(&page))
}

/// Read the account form. Returns the patch and the fields as typed (to re-show on error).
fn read_form(
    form: &FormMap,
    base: AccountFields,
) -> (
    AccountPatch,
    AccountFields,
    Vec<patchbay_domain::FieldError>,
) {
    let mut errs = Vec::new();
    let role = form.get("role").and_then(|r| r.parse::<Role>().ok());
    if role.is_none() {
        errs.push(patchbay_domain::FieldError::new(
            "role",
            patchbay_domain::Rule::Required,
        ));
    }
    let timeout = form
        .get("sessionTimeoutMinutes")
        .filter(|v| !v.is_empty())
        .map(|v| v.parse::<i64>().unwrap_or(-1));
    let expires_on = if form.checked("expiryEnabled") {
        match form.text("expiresOn").trim().parse::<jiff::civil::Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                errs.push(patchbay_domain::FieldError::new(
                    "expiresOn",
                    patchbay_domain::Rule::Date,
                ));
                None
            }
        }
    } else {
        None
    };
    let password = form.text("password");
    if !password.is_empty() && form.text("confirmPassword") != password {
        errs.push(patchbay_domain::FieldError::new(
            "confirmPassword",
            patchbay_domain::Rule::PasswordMismatch,
        ));
    }
    let labels: Vec<String> = form
        .text("labels")
        .split(',')
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let patch = AccountPatch {
        login_name: Some(form.text("loginName")),
        password: Some(password).filter(|p| !p.is_empty()),
        role,
        first_name: Some(form.text("firstName")),
        last_name: Some(form.text("lastName")),
        phone_number: Some(form.text("phoneNumber")),
        mobile: Some(form.text("mobile")),
        email: Some(form.text("email")),
        labels: Some(labels.clone()),
        session_timeout_minutes: Some(timeout),
        kiosk_mode: Some(form.checked("kioskMode")),
        read_only_mode: Some(form.checked("readOnlyMode")),
        disabled: Some(form.checked("disabled")),
        force_password_change: Some(form.checked("forcePasswordChange")),
        expires_on: Some(expires_on),
        language: form.get("language").map(str::to_string),
        customer_id: None,
    };
    let shown = AccountFields {
        login_name: form.text("loginName"),
        role: role.unwrap_or(base.role),
        first_name: form.text("firstName"),
        last_name: form.text("lastName"),
        phone_number: form.text("phoneNumber"),
        mobile: form.text("mobile"),
        email: form.text("email"),
        labels,
        session_timeout_minutes: timeout,
        kiosk_mode: form.checked("kioskMode"),
        read_only_mode: form.checked("readOnlyMode"),
        disabled: form.checked("disabled"),
        force_password_change: form.checked("forcePasswordChange"),
        expires_on,
        language: form.get("language").unwrap_or(&base.language).to_string(),
    };
    (patch, shown, errs)
}

async fn rerender(
    state: &AppState,
    caller: &Caller,
    id: Option<AccountId>,
    shown: AccountFields,
    err: AppError,
    (customer, invite): (String, bool),
) -> Result<Response, AppError> {
    match err {
        AppError::Validation(_) | AppError::Conflict(..) => {
            let ctx = Ctx::new(state, caller, "/com/accounts");
            let errors = FieldMessages::from_error(&err, &state.i18n, ctx.lang);
            let mut page = form_page(ctx, caller, id, shown, errors);
            if id.is_none() {
                page.customers = customer_choices(state, caller).await?;
            }
            page.customer = customer;
            page.invite = invite;
            let mut r = render(&page);
            *r.status_mut() = StatusCode::BAD_REQUEST;
            Ok(r)
        }
        other => Err(other),
    }
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let base = AccountFields::new("", Role::Operator);
    let (mut patch, shown, mut errs) = read_form(&form, base);
    let customer = form.text("customerId");
    let invite = form.checked("invite");
    let kept = (customer.clone(), invite);
    // RBAC-5: a Customer administrator is bound to the chosen customer (checked by the service).
    if shown.role == Role::CustomerAdmin && !customer.is_empty() {
        match customer.parse() {
            Ok(c) => patch.customer_id = Some(c),
            Err(_) => errs.push(patchbay_domain::FieldError::new(
                "customerId",
                patchbay_domain::Rule::Invalid,
            )),
        }
    }
    if invite {
        // ONB-1: the owner sets the password from the invitation; none is typed.
        if shown.email.trim().is_empty() {
            errs.push(patchbay_domain::FieldError::new(
                "email",
                patchbay_domain::Rule::Required,
            ));
        }
        patch.password = Some(svc::unknown_password());
    }
    if !errs.is_empty() {
        return rerender(
            &state,
            &caller,
            None,
            shown,
            AppError::Validation(errs),
            kept,
        )
        .await;
    }
    if patch.password.is_none() {
        patch.password = Some(String::new());
    }
    let lang = caller.account.fields.language.clone();
    let account = match svc::create(&state, &caller, patch).await {
        Ok(a) => a,
        Err(e) => return rerender(&state, &caller, None, shown, e, kept).await,
    };
    if invite {
        let lang = if shown.language.is_empty() {
            lang
        } else {
            shown.language.clone()
        };
        return invited(&state, &caller, &account, &lang).await;
    }
    // RBAC-5: an Operator creates Customer administrators without managing accounts: the form
    // again, with the notice.
    let to = if caller.can(Capability::ManageAccounts) {
        "/com/accounts?done=created"
    } else {
        "/com/accounts/new?done=created"
    };
    Ok(Redirect::to(to).into_response())
}

fn parse_id(id: &str) -> Result<AccountId, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

async fn edit_form(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let account = svc::get(&state, &caller, parse_id(&id)?).await?;
    let customer = account.customer_id;
    let mut page = form_page(
        ctx,
        &caller,
        Some(account.id),
        account.fields,
        FieldMessages::default(),
    );
    if let Some(c) = customer {
        // A deleted customer's administrator can still be edited (and disabled).
        let name = match state.store.customer(patchbay_domain::Scope::All, c).await {
            Ok(found) => found.fields.name,
            Err(_) => c.to_string(),
        };
        page.customers = vec![(c.to_string(), name)];
        page.customer = c.to_string();
    }
    Ok(render(&page))
}

/// ONB-1: e-mail the account a new invitation to set its password (the previous link stops
/// working).
async fn invite_again(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let account = svc::get(&state, &caller, parse_id(&id)?).await?;
    let lang = account.fields.language.clone();
    invited(&state, &caller, &account, &lang).await
}

#[derive(Template)]
#[template(path = "account_invitation.html")]
struct InvitationLinkPage {
    ctx: Ctx,
    login: String,
    link: String,
}

/// Invite `account`: mailed (back to the list), or, without an SMTP relay, the link shown once
/// to hand over.
async fn invited(
    state: &AppState,
    caller: &Caller,
    account: &Account,
    lang: &str,
) -> Result<Response, AppError> {
    match svc::invite(state, caller, account, lang).await? {
        None if caller.can(Capability::ManageAccounts) => {
            Ok(Redirect::to("/com/accounts?done=invited").into_response())
        }
        // RBAC-5: an Operator, who creates Customer administrators without managing accounts.
        None => Ok(Redirect::to("/com/accounts/new?done=invited").into_response()),
        Some(link) => Ok(render(&InvitationLinkPage {
            ctx: Ctx::new(state, caller, "/com/accounts"),
            login: account.fields.login_name.clone(),
            link,
        })),
    }
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let current: Account = svc::get(&state, &caller, id).await?;
    let form = FormMap::parse(&body);
    let (patch, shown, errs) = read_form(&form, current.fields);
    if !errs.is_empty() {
        let kept = (String::new(), false);
        return rerender(
            &state,
            &caller,
            Some(id),
            shown,
            AppError::Validation(errs),
            kept,
        )
        .await;
    }
    match svc::update(&state, &caller, id, patch).await {
        Ok(_) => Ok(Redirect::to("/com/accounts?done=updated").into_response()),
        Err(e) => rerender(&state, &caller, Some(id), shown, e, (String::new(), false)).await,
    }
}

/// Toolbar "Edit": exactly one selected account opens its form.
async fn edit_selected(RawQuery(q): RawQuery) -> Response {
    super::forms::edit_selected(q.as_deref(), "/com/accounts", |id| {
        format!("/com/accounts/{id}")
    })
}

#[derive(Template)]
#[template(path = "accounts_delete.html")]
struct DeletePage {
    ctx: Ctx,
    targets: Vec<(String, String)>,
    error: String,
}

/// Toolbar "Delete": confirm the selection first.
async fn confirm_delete(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let mut targets = Vec::new();
    for id in FormMap::parse(q.as_deref().unwrap_or("").as_bytes()).all("id") {
        let a = svc::get(&state, &caller, parse_id(&id)?).await?;
        targets.push((a.id.to_string(), a.fields.login_name));
    }
    if targets.is_empty() {
        return Ok(Redirect::to("/com/accounts").into_response());
    }
    let error = if targets
        .iter()
        .any(|(id, _)| *id == caller.account.id.to_string())
    {
        ctx.t("conflict-delete-self")
    } else {
        String::new()
    };
    Ok(render(&DeletePage {
        ctx,
        targets,
        error,
    }))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let ids = form
        .all("id")
        .iter()
        .map(|s| parse_id(s))
        .collect::<Result<Vec<_>, _>>()?;
    match svc::delete(&state, &caller, &ids).await {
        Ok(_) => Ok(Redirect::to("/com/accounts?done=deleted").into_response()),
        Err(AppError::Conflict(id, _)) => {
            let ctx = Ctx::new(&state, &caller, "/com/accounts");
            let mut targets = Vec::new();
            for i in &ids {
                if let Ok(a) = svc::get(&state, &caller, *i).await {
                    targets.push((a.id.to_string(), a.fields.login_name));
                }
            }
            let error = ctx.t(id);
            let mut r = render(&DeletePage {
                ctx,
                targets,
                error,
            });
            *r.status_mut() = StatusCode::CONFLICT;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    let cap = Capability::ManageAccounts;
    vec![
        Endpoint::page(
            Method::GET,
            "/com/accounts",
            cap,
            "Account management",
            get(list),
        ),
        Endpoint::page(
            Method::POST,
            "/com/accounts",
            Capability::CreateCustomerAdmins,
            "Create account",
            post(create),
        ),
        Endpoint::page(
            Method::GET,
            "/com/accounts/new",
            Capability::CreateCustomerAdmins,
            "Add account",
            get(new_form),
        ),
        Endpoint::page(
            Method::POST,
            "/com/accounts/{id}/invite",
            cap,
            "Send an invitation to set the password",
            post(invite_again),
        ),
        Endpoint::page(
            Method::GET,
            "/com/accounts/edit",
            cap,
            "Edit selected account",
            get(edit_selected),
        ),
        Endpoint::page(
            Method::GET,
            "/com/accounts/delete",
            cap,
            "Confirm deletion",
            get(confirm_delete),
        ),
        Endpoint::page(
            Method::POST,
            "/com/accounts/delete",
            cap,
            "Delete selected accounts",
            post(delete),
        ),
        Endpoint::page(
            Method::GET,
            "/com/accounts/{id}",
            cap,
            "Edit account",
            get(edit_form),
        ),
        Endpoint::page(
            Method::POST,
            "/com/accounts/{id}",
            cap,
            "Update account",
            post(update),
        ),
    ]
}
