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
mod forms;
mod lines;
mod locations;
mod numbers;
mod people;
mod wizard;
mod workspaces;

use super::forms::{FieldMessages, FormMap};
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::service::calling as svc;
use crate::state::AppState;
use askama::Template;
use axum::response::Response;
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

async fn org_context(
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
            let ctx = Ctx::for_caller(state, caller, section).await;
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

/// The organisation of a page about one resource of `customer`: the caller must see it and a
/// given `?org=` must name it; otherwise the resource is not found.
pub async fn org_of(
    state: &AppState,
    caller: &Caller,
    customer: CustomerId,
    form: &FormMap,
    section: &'static str,
) -> Result<Org, AppError> {
    svc::ensure_visible(state, caller, customer, form.get("org")).await?;
    org_context(state, caller, customer, section).await
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

/// The query state of a list page: filters, paging, and the organisation.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub path: &'static str,
    pub org: Option<String>,
    /// Non-empty filter values, in a fixed order.
    pub params: Vec<(&'static str, String)>,
    pub start: i64,
    pub max: i64,
}

impl ListQuery {
    pub fn parse(path: &'static str, form: &FormMap, org: &Org, keys: &[&'static str]) -> Self {
        let params = keys
            .iter()
            .filter_map(|k| {
                let v = form.text(k).trim().to_string();
                (!v.is_empty()).then_some((*k, v))
            })
            .collect();
        Self {
            path,
            org: org.pick.then(|| org.id.to_string()),
            params,
            start: form
                .get("start")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0i64)
                .max(0),
            max: form
                .get("max")
                .and_then(|v| v.parse().ok())
                .filter(|m| PAGE_SIZES.contains(m))
                .unwrap_or(25),
        }
    }

    pub fn get(&self, key: &str) -> &str {
        self.params
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn is(&self, key: &str, value: &str) -> bool {
        self.get(key) == value
    }

    pub fn page(&self) -> PageRequest {
        PageRequest::new(self.start, self.max)
    }

    /// The page at `start` with the same filters.
    pub fn url(&self, start: i64) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        if let Some(o) = &self.org {
            s.append_pair("org", o);
        }
        for (k, v) in &self.params {
            s.append_pair(k, v);
        }
        if start > 0 {
            s.append_pair("start", &start.to_string());
        }
        s.append_pair("max", &self.max.to_string());
        format!("{}?{}", self.path, s.finish())
    }

    /// Hidden inputs for a GET form that sets `except` itself (`max` for the page-size form);
    /// the organisation and the other parameters are kept.
    pub fn hidden(&self, except: &str) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(o) = &self.org {
            out.push(("org", o.clone()));
        }
        for (k, v) in &self.params {
            if *k != except {
                out.push((*k, v.clone()));
            }
        }
        if except != "max" {
            out.push(("max", self.max.to_string()));
        }
        out
    }

    /// Hidden inputs for a form that sets every filter itself: the organisation and page size.
    pub fn base(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(o) = &self.org {
            out.push(("org", o.clone()));
        }
        out.push(("max", self.max.to_string()));
        out
    }

    pub fn max_is(&self, m: &i64) -> bool {
        self.max == *m
    }

    pub fn pager(&self, shown: usize, total: i64) -> Pager {
        let shown = shown as i64;
        Pager {
            first: if shown == 0 { 0 } else { self.start + 1 },
            last: self.start + shown,
            total,
            prev: (self.start > 0).then(|| self.url((self.start - self.max).max(0))),
            next: (self.start + shown < total).then(|| self.url(self.start + shown)),
            sizes: PAGE_SIZES.to_vec(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Pager {
    pub first: i64,
    pub last: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub sizes: Vec<i64>,
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

pub fn when(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// A message of the calling file when it exists, the raw value otherwise.
pub fn word(ctx: &Ctx, prefix: &str, v: &str) -> String {
    let id = format!("{prefix}{v}");
    if ctx.i18n.has("en", &id) {
        ctx.t(&id)
    } else {
        v.to_string()
    }
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
