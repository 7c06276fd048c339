//! Console pages: calling provisioning (SPEC §15, RBAC-5). Devices with the add-device wizard,
//! lines and SIP credentials; people, workspaces, locations and numbers of one organisation.
//!
//! Which organisation: a Customer administrator always works on its own customer; staff pick a
//! customer in their scope with `?org=<customer uuid>` on every calling page (nothing is
//! remembered server-side). A customer outside the caller's scope is "not found". Reads need
//! `ViewProvisioning`, changes `ManageProvisioning` (the route guards), so Read-only and Support
//! accounts in read-only mode browse without the actions.

mod catalogue;
mod devices;
mod editor;
mod forms;
mod lines;
mod locations;
pub mod mobile;
pub mod mobile_bulk;
mod numbers;
mod operators;
mod people;
mod wizard;
mod workspaces;

use super::forms::{FieldMessages, FormMap};
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::list::{ListParams, ListSpec, MaxInLinks, Param};
use crate::service::calling as svc;
use crate::state::AppState;
use askama::Template;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use patchbay_domain::{CustomerId, Rule, Scope};
use patchbay_store::customers::{CustomerFilter, CustomerSort};
use patchbay_store::{PageRequest, SortOrder, StoreError};

pub const DEVICES: &str = "/com/calling/devices";
pub const PEOPLE: &str = "/com/calling/people";
pub const WORKSPACES: &str = "/com/calling/workspaces";
pub const LOCATIONS: &str = "/com/calling/locations";
pub const NUMBERS: &str = "/com/calling/numbers";

/// How many customers the organisation select lists (narrowed with a search beyond that).
const ORG_CHOICES: i64 = 200;

pub const PAGE_SIZES: [i64; 4] = [10, 25, 50, 100];

pub fn endpoints() -> Vec<Endpoint> {
    let mut all = Vec::new();
    all.extend(devices::endpoints());
    all.extend(wizard::endpoints());
    all.extend(lines::endpoints());
    all.extend(people::endpoints());
    all.extend(workspaces::endpoints());
    all.extend(locations::endpoints());
    all.extend(numbers::endpoints());
    all.extend(mobile::endpoints());
    all.extend(mobile_bulk::endpoints());
    all.extend(operators::endpoints());
    all
}

/// The query string of a request as a form.
pub fn query(q: Option<&str>) -> FormMap {
    FormMap::parse(q.unwrap_or("").as_bytes())
}

/// The organisation a calling page works on, and what the organisation select offers.
#[derive(Debug, Clone)]
pub struct Org {
    pub id: CustomerId,
    pub name: String,
    /// Staff choose the customer (the select is shown and links carry `org`); a Customer
    /// administrator has only its own.
    pub pick: bool,
    /// (customer uuid, name) in the caller's scope, by name.
    pub choices: Vec<(String, String)>,
    /// More customers are in scope than listed.
    pub more: bool,
    /// The list page of the current section: where the select sends the new choice.
    pub section: &'static str,
}

impl Org {
    /// `path` with the `org` parameter when the caller picks organisations.
    pub fn link(&self, path: &str) -> String {
        if !self.pick {
            return path.to_string();
        }
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}org={}", self.id)
    }

    pub fn is(&self, id: &str) -> bool {
        self.id.to_string() == id
    }

    pub fn id_text(&self) -> String {
        self.id.to_string()
    }
}

/// The page for staff who have not chosen an organisation yet (or have none).
#[derive(Template)]
#[template(path = "calling_pick.html")]
struct PickPage {
    ctx: Ctx,
    section: &'static str,
    choices: Vec<(String, String)>,
    search: String,
    more: bool,
}

async fn customers_in_scope(
    state: &AppState,
    caller: &Caller,
    search: &str,
) -> Result<(Vec<(String, String)>, bool), AppError> {
    let filter = CustomerFilter {
        search: Some(search.trim().to_string()).filter(|s| !s.is_empty()),
        ..Default::default()
    };
    let (items, total) = state
        .store
        .list_customers(
            caller.principal.scope(),
            &filter,
            Some((CustomerSort::Name, SortOrder::Asc)),
            PageRequest::new(0, ORG_CHOICES),
        )
        .await?;
    let shown = items.len() as i64;
    Ok((
        items
            .into_iter()
            .map(|c| (c.id.to_string(), c.fields.name))
            .collect(),
        total > shown,
    ))
}

pub async fn org_context(
    state: &AppState,
    caller: &Caller,
    id: CustomerId,
    section: &'static str,
) -> Result<Org, AppError> {
    // Already scope-checked by the caller of this function.
    let name = state.store.customer(Scope::All, id).await?.fields.name;
    let pick = caller.principal.customer_id.is_none();
    let (mut choices, more) = if pick {
        customers_in_scope(state, caller, "").await?
    } else {
        (Vec::new(), false)
    };
    if pick && !choices.iter().any(|(c, _)| *c == id.to_string()) {
        choices.insert(0, (id.to_string(), name.clone()));
    }
    Ok(Org {
        id,
        name,
        pick,
        choices,
        more,
        section,
    })
}

/// The organisation of a list page: `?org=` (scope-checked, 404 outside the scope), the
/// caller's own customer, or the only customer in scope. Without any, the customer picker
/// page is the answer (`Err(page)`).
pub async fn choose(
    state: &AppState,
    caller: &Caller,
    form: &FormMap,
    section: &'static str,
) -> Result<Result<Org, Response>, AppError> {
    let raw = form.get("org").map(str::trim).filter(|s| !s.is_empty());
    let id = match svc::org(state, caller, raw).await {
        Ok(id) => id,
        Err(AppError::Validation(_)) if raw.is_none() => {
            let search = form.text("orgSearch");
            let (choices, more) = customers_in_scope(state, caller, &search).await?;
            let ctx = Ctx::new(state, caller, section);
            return Ok(Err(render(&PickPage {
                ctx,
                section,
                choices,
                search,
                more,
            })));
        }
        // A malformed organisation id names nothing the caller can see.
        Err(AppError::Validation(_)) => return Err(AppError::NotFound),
        Err(e) => return Err(e),
    };
    Ok(Ok(org_context(state, caller, id, section).await?))
}

/// The organisation of a calling list or form page, as an extractor: see [`choose`]. The
/// section is the calling page the request is under; without an organisation the customer
/// picker page is the answer (the rejection).
pub struct Chosen(pub Org);

impl FromRequestParts<AppState> for Chosen {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let caller = Caller::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let path = parts.uri.path();
        let section = [
            DEVICES,
            PEOPLE,
            WORKSPACES,
            LOCATIONS,
            NUMBERS,
            mobile::MOBILE,
        ]
        .into_iter()
        .find(|s| path.starts_with(s))
        .unwrap_or(DEVICES);
        match choose(state, &caller, &query(parts.uri.query()), section).await {
            Ok(Ok(org)) => Ok(Chosen(org)),
            Ok(Err(picker)) => Err(picker),
            Err(e) => Err(e.into_response()),
        }
    }
}

/// A calling resource found by the `{id}` of the request path, with the organisation of its
/// page, as an extractor: it must be visible to the caller, and a `?org=` must name its customer;
/// otherwise it is not found.
pub struct Found<T>(pub T, pub Org);

/// What [`Found`] can find.
pub trait Findable: Sized + Send + Sync {
    /// The list page of its section.
    const SECTION: &'static str;
    fn find(
        state: &AppState,
        caller: &Caller,
        id: &str,
        org: Option<&str>,
    ) -> impl std::future::Future<Output = Result<Self, AppError>> + Send;
    fn customer(&self) -> CustomerId;
}

/// [`Findable`] for a type whose service `find`s it by its id.
macro_rules! findable {
    ($($ty:ty => $find:path, $section:expr;)*) => {$(
        impl Findable for $ty {
            const SECTION: &'static str = $section;
            async fn find(
                state: &AppState,
                caller: &Caller,
                id: &str,
                org: Option<&str>,
            ) -> Result<Self, AppError> {
                let id = id.parse().map_err(|_| AppError::NotFound)?;
                $find(state, caller, id, org).await
            }
            fn customer(&self) -> CustomerId {
                self.customer_id
            }
        }
    )*};
}

findable! {
    patchbay_store::calling::devices::Device => svc::devices::find, DEVICES;
    patchbay_store::calling::people::Person => svc::people::find, PEOPLE;
    patchbay_store::calling::workspaces::Workspace => svc::workspaces::find, WORKSPACES;
    patchbay_store::calling::locations::Location => svc::locations::find, LOCATIONS;
}

impl<T: Findable> FromRequestParts<AppState> for Found<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let form = query(parts.uri.query());
        let found = T::find(state, &caller, &id, form.get("org")).await?;
        let org = org_context(state, &caller, found.customer(), T::SECTION).await?;
        Ok(Found(found, org))
    }
}

/// A confirmation page before a deletion.
#[derive(Template)]
#[template(path = "calling_confirm.html")]
pub struct ConfirmPage {
    pub ctx: Ctx,
    pub org: Org,
    pub title: String,
    pub message: String,
    pub target: String,
    pub action: String,
    pub cancel: String,
}

/// A calling list's parameters: the organisation (when the caller picks one, as resolved, not as
/// sent) first, then the page's own (`spec`).
pub fn list_params(spec: &'static ListSpec, query: Option<&str>, org: &Org) -> ListParams {
    let mut lp = ListParams::parse(spec, query);
    lp.set(
        "org",
        if org.pick {
            org.id.to_string()
        } else {
            String::new()
        },
    );
    lp
}

/// The parameters of a calling list whose only criterion is the search box `q`.
const SEARCHED: [Param; 2] = [Param::context("org"), Param::search("q")];

/// The spec of a calling list whose only criterion is the search box `q`.
pub const fn searched(path: &'static str) -> ListSpec {
    ListSpec {
        path,
        params: &SEARCHED,
        sorts: &[],
        default_order: "",
        sizes: &PAGE_SIZES,
        default_max: 25,
        max_in_links: MaxInLinks::Always,
    }
}

/// Store refusals of calling changes as the forms show them: taken values on the form's field
/// names, the licence and device-limit conflicts with their message ids.
pub fn store_error(e: StoreError) -> AppError {
    match e {
        // The form offers free numbers: one that is gone was just taken by someone else.
        StoreError::Missing(patchbay_store::Missing::PhoneNumber) => {
            AppError::field("phoneNumber", Rule::Taken)
        }
        other => AppError::from(other).renamed(&[("emails", "email"), ("phoneNumbers", "numbers")]),
    }
}

/// Field messages with the calling forms' clearer words for the rules they meet.
pub fn messages(ctx: &Ctx, err: &AppError) -> FieldMessages {
    let mut m = FieldMessages::from_error(err, &ctx.i18n, ctx.lang);
    if let AppError::Validation(fields) = err {
        for f in fields {
            let id = match (f.field.as_ref(), &f.rule) {
                ("mac", Rule::Invalid) => "calling-rule-mac",
                ("mac", Rule::Taken) => "calling-rule-mac-taken",
                ("password" | "sipPassword", Rule::PasswordClasses) => "calling-rule-sip-password",
                ("disclaimer", _) => "calling-rule-disclaimer",
                ("workspaceName", Rule::Invalid) => "calling-rule-workspace-name",
                ("extension", Rule::LengthBetween { .. }) => "calling-rule-extension",
                ("extension", Rule::Taken) => "calling-rule-extension-taken",
                ("phoneNumber", Rule::Taken) => "calling-rule-number-taken",
                ("phoneNumber", Rule::Invalid) => "calling-rule-number",
                ("locationId", Rule::Required) => "calling-rule-location-needed",
                ("timeZone", Rule::Invalid) => "calling-rule-time-zone",
                ("country", Rule::Invalid) => "calling-rule-country",
                ("numbers", Rule::Taken) => "calling-numbers-taken",
                ("members", Rule::TooMany { .. }) => "calling-lines-full",
                ("members", Rule::Taken) => "calling-lines-member-taken",
                ("members", Rule::NotAllowed) => "calling-lines-not-configurable",
                ("members", _) => "calling-lines-member-invalid",
                _ => continue,
            };
            m.by_field.insert(f.field.to_string(), ctx.t(id));
        }
    }
    m
}

/// `00:11:22:AA:BB:CC` for a stored (normalised) MAC.
pub fn show_mac(mac: &str) -> String {
    if mac.len() != 12 || !mac.is_ascii() {
        return mac.to_string();
    }
    (0..6)
        .map(|i| &mac[i * 2..i * 2 + 2])
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_3_macs_are_shown_with_colons() {
        assert_eq!(show_mac("0011223344AA"), "00:11:22:33:44:AA");
        assert_eq!(show_mac("odd"), "odd");
    }
}
