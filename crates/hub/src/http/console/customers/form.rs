//! Customers console: Add / edit (CUS-1, CUS-2).

use super::*;

/// The form's values as typed (kept on error).
#[derive(Debug, Clone, Default)]
pub struct FormValues {
    pub name: String,
    pub customer_id: String,
    pub service_user_name: String,
    pub service_disabled: bool,
    pub distributor_id: String,
    pub reseller_id: String,
    pub tags: String,
    pub phone: String,
    pub email: String,
    pub notes: String,
    pub operators: Vec<String>,
}

impl FormValues {
    fn of(c: &Customer) -> Self {
        Self {
            name: c.fields.name.clone(),
            customer_id: c.fields.customer_id.clone(),
            service_user_name: c.fields.service_user_name.clone(),
            service_disabled: c.fields.service_disabled,
            distributor_id: c.distributor_id.map(|d| d.to_string()).unwrap_or_default(),
            reseller_id: c.reseller_id.map(|r| r.to_string()).unwrap_or_default(),
            tags: c.fields.tags.join(", "),
            phone: c.fields.phone.clone(),
            email: c.fields.email.clone(),
            notes: c.fields.notes.clone(),
            operators: c.operators.iter().map(|(id, _)| id.to_string()).collect(),
        }
    }

    fn read(form: &FormMap) -> Self {
        Self {
            name: form.text("name"),
            customer_id: form.text("customerId"),
            service_user_name: form.text("serviceUserName"),
            service_disabled: form.checked("serviceDisabled"),
            distributor_id: form.text("distributorId"),
            reseller_id: form.text("resellerId"),
            tags: form.text("tags"),
            phone: form.text("phone"),
            email: form.text("email"),
            notes: form.text("notes"),
            operators: form
                .all("operators")
                .into_iter()
                .filter(|o| !o.is_empty())
                .collect(),
        }
    }

    fn tag_list(&self) -> Vec<String> {
        self.tags
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect()
    }
}

pub struct ResellerOption {
    pub id: String,
    pub label: String,
    pub distributor_id: String,
}

#[derive(Template)]
#[template(path = "customers_form.html")]
pub(super) struct FormPage {
    ctx: Ctx,
    /// None when adding.
    id: Option<String>,
    v: FormValues,
    errors: FieldMessages,
    distributors: Vec<(String, String)>,
    resellers: Vec<ResellerOption>,
    tags: Vec<String>,
    /// (account id, label) the caller may assign.
    operators: Vec<(String, String)>,
    /// Assigned accounts the caller cannot manage; the service keeps them.
    kept: Vec<String>,
    customer_id_locked: bool,
}

impl FormPage {
    fn dist_is(&self, id: &str) -> bool {
        self.v.distributor_id == id
    }
    fn res_is(&self, id: &str) -> bool {
        self.v.reseller_id == id
    }
    fn op_is(&self, id: &str) -> bool {
        self.v.operators.iter().any(|o| o == id)
    }
}

/// Accounts the caller may assign: Supervisor, Operator and Read-only accounts; a Supervisor only
/// itself and the Operators it created (OPR-9).
pub(super) async fn assignable(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<(String, String)>, AppError> {
    let mut out = Vec::new();
    let page = PageRequest::new(0, PageRequest::MAX);
    let supervisor = caller.principal.role == Role::Supervisor;
    // Who may be assigned mirrors `service::customers::check_operators`: Administrators any staff
    // account, a Supervisor itself and its Operators, anyone else only itself.
    let roles: &[Role] = if supervisor {
        &[Role::Operator]
    } else if caller.principal.role == Role::Administrator {
        &[Role::Supervisor, Role::Operator, Role::ReadOnly]
    } else {
        &[]
    };
    if !caller.principal.role.sees_all_customers() {
        out.push((
            caller.account.id.to_string(),
            format!(
                "{} ({})",
                caller.account.fields.login_name,
                caller.account.display_name()
            ),
        ));
    }
    for role in roles {
        let filter = AccountFilter {
            role: Some(*role),
            created_by: supervisor.then_some(caller.account.id),
            ..Default::default()
        };
        let (items, _) = state
            .store
            .list_accounts(&filter, None, page.clone())
            .await?;
        out.extend(items.into_iter().map(|a| {
            let label = format!("{} ({})", a.fields.login_name, a.display_name());
            (a.id.to_string(), label)
        }));
    }
    out.sort_by_key(|a| a.1.to_lowercase());
    Ok(out)
}

pub(super) async fn form_page(
    state: &AppState,
    caller: &Caller,
    current: Option<&Customer>,
    v: FormValues,
    errors: FieldMessages,
) -> Result<FormPage, AppError> {
    let ctx = Ctx::new(state, caller, LIST);
    let distributors = state
        .store
        .distributors(caller.principal.scope())
        .await?
        .into_iter()
        .map(|d| (d.id.to_string(), d.name))
        .collect();
    let resellers = state
        .store
        .resellers(caller.principal.scope(), None)
        .await?
        .into_iter()
        .map(|r| ResellerOption {
            id: r.id.to_string(),
            label: format!("{} › {}", r.distributor_name, r.name),
            distributor_id: r.distributor_id.to_string(),
        })
        .collect();
    let tags = visible_tags(state, caller, None).await?;
    let operators = assignable(state, caller).await?;
    let kept = current
        .map(|c| {
            c.operators
                .iter()
                .filter(|(id, _)| !operators.iter().any(|(o, _)| *o == id.to_string()))
                .map(|(_, login)| login.clone())
                .collect()
        })
        .unwrap_or_default();
    let customer_id_locked = current.is_some() && !state.preferences().allow_customer_id_change;
    Ok(FormPage {
        ctx,
        id: current.map(|c| c.id.to_string()),
        v,
        errors,
        distributors,
        resellers,
        tags,
        operators,
        kept,
        customer_id_locked,
    })
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, AppError> {
    let v = FormValues {
        service_user_name: DEFAULT_SERVICE_USER.to_string(),
        ..Default::default()
    };
    let page = form_page(&state, &caller, None, v, FieldMessages::default()).await?;
    Ok(render(&page))
}

/// Read the posted form into the service's input (through the API's body parser), with the
/// checks only a form has (password confirmation).
pub(super) fn read_input(
    form: &FormMap,
    v: &FormValues,
    current: Option<&Customer>,
) -> Result<CustomerInput, AppError> {
    let password = form.text("servicePassword");
    let mut errs: Vec<FieldError> = Vec::new();
    if password != form.text("confirmServicePassword") {
        errs.push(FieldError::new(
            "confirmServicePassword",
            Rule::PasswordMismatch,
        ));
    }
    let body = CustomerBody {
        name: Some(v.name.clone()),
        customer_id: Some(v.customer_id.clone()),
        service_user_name: Some(v.service_user_name.clone()),
        // Empty on update keeps the stored password.
        service_password: if current.is_some() && password.is_empty() {
            None
        } else {
            Some(password)
        },
        service_disabled: Some(v.service_disabled),
        distributor_id: Some(v.distributor_id.clone()),
        reseller_id: Some(v.reseller_id.clone()),
        tags: Some(v.tag_list()),
        phone: Some(v.phone.clone()),
        email: Some(v.email.clone()),
        notes: Some(v.notes.clone()),
        operators: Some(v.operators.clone()),
    };
    let input = match body.into_input(current) {
        Ok(i) => i,
        Err(AppError::Validation(mut e)) => {
            errs.append(&mut e);
            return Err(AppError::Validation(errs));
        }
        Err(e) => return Err(e),
    };
    if !errs.is_empty() {
        // Show every field's problem at once, not the confirmation alone.
        let fields = customer::normalise(input.fields.clone());
        if let Err(mut e) = customer::validate(&fields, input.service_password.as_deref()) {
            errs.append(&mut e);
        }
        return Err(AppError::Validation(errs));
    }
    Ok(input)
}

pub(super) async fn rerender_form(
    state: &AppState,
    caller: &Caller,
    current: Option<&Customer>,
    v: FormValues,
    err: AppError,
) -> Result<Response, AppError> {
    match err {
        AppError::Validation(_) | AppError::Conflict(..) => {
            let ctx = Ctx::new(state, caller, LIST);
            let errors = field_messages(&ctx, &err);
            let page = form_page(state, caller, current, v, errors).await?;
            let mut r = render(&page);
            *r.status_mut() = StatusCode::BAD_REQUEST;
            Ok(r)
        }
        other => Err(other),
    }
}

pub(super) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let v = FormValues::read(&form);
    let input = match read_input(&form, &v, None) {
        Ok(i) => i,
        Err(e) => return rerender_form(&state, &caller, None, v, e).await,
    };
    match svc::create(&state, &caller, input).await {
        Ok(c) => Ok(Redirect::to(&format!("{LIST}/{}?done=created", c.id)).into_response()),
        Err(e) => rerender_form(&state, &caller, None, v, e).await,
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let c = svc::get(&state, &caller, parse_customer(&id)?).await?;
    let v = FormValues::of(&c);
    let page = form_page(&state, &caller, Some(&c), v, FieldMessages::default()).await?;
    Ok(render(&page))
}

pub(super) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id = parse_customer(&id)?;
    let current = svc::get(&state, &caller, id).await?;
    let form = FormMap::parse(&body);
    let mut v = FormValues::read(&form);
    if form.get("customerId").is_none() {
        // A disabled (or absent) field keeps the stored customer ID.
        v.customer_id = current.fields.customer_id.clone();
    }
    let input = match read_input(&form, &v, Some(&current)) {
        Ok(i) => i,
        Err(e) => return rerender_form(&state, &caller, Some(&current), v, e).await,
    };
    match svc::update(&state, &caller, id, input).await {
        Ok(_) => Ok(Redirect::to(&format!("{LIST}/{id}?done=updated")).into_response()),
        Err(e) => rerender_form(&state, &caller, Some(&current), v, e).await,
    }
}

/// Toolbar "Edit": exactly one selected customer opens its form.
pub(super) async fn edit_selected(RawQuery(q): RawQuery) -> Response {
    super::super::forms::edit_selected(q.as_deref(), LIST, |id| format!("{LIST}/{id}/edit"))
}

// ---------------------------------------------------------------------------------------------
// Delete selected (CUS-2): confirm, then all or nothing.

#[derive(Template)]
#[template(path = "customers_delete.html")]
pub(super) struct DeletePage {
    ctx: Ctx,
    targets: Vec<(String, String)>,
}

pub(super) async fn confirm_delete(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let mut targets = Vec::new();
    for id in FormMap::parse(q.as_deref().unwrap_or("").as_bytes()).all("id") {
        let c = svc::get(&state, &caller, parse_customer(&id)?).await?;
        targets.push((c.id.to_string(), c.fields.name));
    }
    if targets.is_empty() {
        return Ok(Redirect::to(LIST).into_response());
    }
    let ctx = Ctx::new(&state, &caller, LIST);
    Ok(render(&DeletePage { ctx, targets }))
}

pub(super) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let ids = form
        .all("id")
        .iter()
        .map(|s| parse_customer(s))
        .collect::<Result<Vec<_>, _>>()?;
    if ids.is_empty() {
        return Ok(Redirect::to(LIST).into_response());
    }
    svc::delete(&state, &caller, &ids).await?;
    Ok(Redirect::to(&format!("{LIST}?done=deleted")).into_response())
}
