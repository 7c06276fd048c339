//! Customers console: Providers (TEN-1) and their enrolment credentials (CUS-8).

use super::*;
use patchbay_store::enrolment::Provider;

pub struct ResellerRow {
    pub id: String,
    pub name: String,
    pub customers: i64,
    pub enrolment: Option<EnrolmentCell>,
}

pub struct DistributorRow {
    pub id: String,
    pub name: String,
    pub customers: i64,
    pub resellers: Vec<ResellerRow>,
    pub enrolment: Option<EnrolmentCell>,
}

/// CUS-8: what the providers page says of a provider's enrolment credential.
pub struct EnrolmentCell {
    pub made: String,
    pub auto_confirm: bool,
}

#[derive(Template)]
#[template(path = "providers.html")]
pub(super) struct ProvidersPage {
    ctx: Ctx,
    rows: Vec<DistributorRow>,
    /// Counts only for roles that see every customer (TEN-4).
    show_counts: bool,
    can_manage: bool,
    notice: String,
    error: String,
    /// CUS-8: a credential just made, shown this once.
    credential: String,
    /// Typed values and field messages of the two add forms.
    d_name: String,
    d_error: String,
    r_name: String,
    r_distributor: String,
    r_error: String,
}

impl ProvidersPage {
    fn r_dist_is(&self, id: &str) -> bool {
        self.r_distributor == id
    }
}

#[derive(Default)]
pub(super) struct ProviderMessages {
    notice: String,
    error: String,
    credential: String,
    d_name: String,
    d_error: String,
    r_name: String,
    r_distributor: String,
    r_error: String,
}

pub(super) async fn providers_page(
    state: &AppState,
    caller: &Caller,
    m: ProviderMessages,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = Ctx::new(state, caller, LIST);
    let resellers = state
        .store
        .resellers(caller.principal.scope(), None)
        .await?;
    let can_manage = caller.can(Capability::ServerSettings);
    let enrolments = if can_manage {
        state.store.enrolment_summaries().await?
    } else {
        Vec::new()
    };
    let cell = |p: Provider| {
        enrolments
            .iter()
            .find(|e| e.provider == p)
            .map(|e| EnrolmentCell {
                made: when(&ctx, Some(e.created_at)),
                auto_confirm: e.auto_confirm,
            })
    };
    let rows = state
        .store
        .distributors(caller.principal.scope())
        .await?
        .into_iter()
        .map(|d| DistributorRow {
            id: d.id.to_string(),
            resellers: resellers
                .iter()
                .filter(|r| r.distributor_id == d.id)
                .map(|r| ResellerRow {
                    id: r.id.to_string(),
                    name: r.name.clone(),
                    customers: r.customers,
                    enrolment: cell(Provider::Reseller(r.id)),
                })
                .collect(),
            enrolment: cell(Provider::Distributor(d.id)),
            name: d.name,
            customers: d.customers,
        })
        .collect();
    let mut r = render(&ProvidersPage {
        ctx,
        rows,
        show_counts: caller.principal.role.sees_all_customers(),
        can_manage,
        notice: m.notice,
        error: m.error,
        credential: m.credential,
        d_name: m.d_name,
        d_error: m.d_error,
        r_name: m.r_name,
        r_distributor: m.r_distributor,
        r_error: m.r_error,
    });
    *r.status_mut() = status;
    Ok(r)
}

pub(super) async fn providers(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let done = FormMap::parse(q.as_deref().unwrap_or("").as_bytes()).text("done");
    let ctx = Ctx::new(&state, &caller, LIST);
    let notice = match done.as_str() {
        "added" => ctx.t("prov-added"),
        "deleted" => ctx.t("prov-deleted"),
        "enrolment" => ctx.t("prov-enrolment-saved"),
        _ => String::new(),
    };
    let m = ProviderMessages {
        notice,
        ..Default::default()
    };
    providers_page(&state, &caller, m, StatusCode::OK).await
}

/// The words of a provider-name error.
pub(super) fn name_error(ctx: &Ctx, e: &AppError) -> String {
    let m = FieldMessages::from_error(e, &ctx.i18n, ctx.lang);
    match e {
        AppError::Validation(f) => f
            .iter()
            .map(|f| {
                let field = match f.field.as_ref() {
                    "distributorId" => ctx.t("prov-distributor"),
                    _ => ctx.t("prov-name"),
                };
                format!("{field}: {}", m.of(&f.field))
            })
            .collect::<Vec<_>>()
            .join(" "),
        _ => m.general.join(" "),
    }
}

pub(super) async fn add_distributor(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let name = form.text("name");
    let result = match svc::validate_provider_name(&name) {
        Ok(()) => state
            .store
            .create_distributor(&caller.meta(), &name)
            .await
            .map(|_| ())
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/com/providers?done=added").into_response()),
        Err(e @ AppError::Validation(_)) => {
            let ctx = Ctx::new(&state, &caller, LIST);
            let m = ProviderMessages {
                d_error: name_error(&ctx, &e),
                d_name: name,
                ..Default::default()
            };
            providers_page(&state, &caller, m, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn add_reseller(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let name = form.text("name");
    let dist = form.text("distributorId");
    let result = async {
        svc::validate_provider_name(&name)?;
        let d: DistributorId = if dist.is_empty() {
            return Err(AppError::field("distributorId", Rule::Required));
        } else {
            dist.parse()
                .map_err(|_| AppError::field("distributorId", Rule::Invalid))?
        };
        state
            .store
            .create_reseller(&caller.meta(), d, &name)
            .await
            .map_err(AppError::from)
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/com/providers?done=added").into_response()),
        Err(e @ AppError::Validation(_)) => {
            let ctx = Ctx::new(&state, &caller, LIST);
            let m = ProviderMessages {
                r_error: name_error(&ctx, &e),
                r_name: name,
                r_distributor: dist,
                ..Default::default()
            };
            providers_page(&state, &caller, m, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e),
    }
}

/// A provider still in use stays, with a clear message (409).
pub(super) async fn in_use(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<Response, AppError> {
    let ctx = Ctx::new(state, caller, LIST);
    let m = ProviderMessages {
        error: ctx.t(id),
        ..Default::default()
    };
    providers_page(state, caller, m, StatusCode::CONFLICT).await
}

pub(super) async fn delete_distributor(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: DistributorId = id.parse().map_err(|_| AppError::NotFound)?;
    match state.store.delete_distributor(&caller.meta(), id).await {
        Ok(()) => Ok(Redirect::to("/com/providers?done=deleted").into_response()),
        Err(StoreError::InUse(_)) => in_use(&state, &caller, "prov-distributor-in-use").await,
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn delete_reseller(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: ResellerId = id.parse().map_err(|_| AppError::NotFound)?;
    match state.store.delete_reseller(&caller.meta(), id).await {
        Ok(()) => Ok(Redirect::to("/com/providers?done=deleted").into_response()),
        Err(StoreError::InUse(_)) => in_use(&state, &caller, "prov-reseller-in-use").await,
        Err(e) => Err(e.into()),
    }
}

fn provider_of(kind: &str, id: &str) -> Result<Provider, AppError> {
    Ok(match kind {
        "distributors" => Provider::Distributor(id.parse().map_err(|_| AppError::NotFound)?),
        _ => Provider::Reseller(id.parse().map_err(|_| AppError::NotFound)?),
    })
}

/// CUS-8: make or rotate a provider's enrolment credential; the page shows it this once.
async fn rotate_enrolment(
    state: &AppState,
    caller: &Caller,
    kind: &str,
    id: &str,
) -> Result<Response, AppError> {
    let p = provider_of(kind, id)?;
    let credential = match crate::service::enrolment::rotate(state, caller, p).await {
        Err(AppError::Validation(_)) => return Err(AppError::NotFound),
        other => other?,
    };
    let ctx = Ctx::new(state, caller, LIST);
    let m = ProviderMessages {
        notice: ctx.t("prov-enrolment-made"),
        credential,
        ..Default::default()
    };
    providers_page(state, caller, m, StatusCode::OK).await
}

/// CUS-8: whether the provider's enrolled systems are confirmed at once.
async fn auto_confirm(
    state: &AppState,
    caller: &Caller,
    kind: &str,
    id: &str,
    body: &[u8],
) -> Result<Response, AppError> {
    let p = provider_of(kind, id)?;
    let form = FormMap::parse(body);
    let on = match form.text("autoConfirm").as_str() {
        "on" => true,
        "off" => false,
        _ => return Err(AppError::field("autoConfirm", Rule::Invalid)),
    };
    crate::service::enrolment::set_auto_confirm(state, caller, p, on).await?;
    Ok(Redirect::to("/com/providers?done=enrolment").into_response())
}

/// The routes of a provider kind's credential: `POST …/{id}/enrolment` (make or rotate) and
/// `POST …/{id}/enrolment/auto` (confirm automatically or not).
pub(super) fn enrolment_routes(
    kind: &'static str,
) -> (MethodRouter<AppState>, MethodRouter<AppState>) {
    let rotate = post(
        move |State(state): State<AppState>, caller: Caller, Path(id): Path<String>| async move {
            rotate_enrolment(&state, &caller, kind, &id).await
        },
    );
    let auto = post(
        move |State(state): State<AppState>,
              caller: Caller,
              Path(id): Path<String>,
              body: Bytes| async move { auto_confirm(&state, &caller, kind, &id, &body).await },
    );
    (rotate, auto)
}
