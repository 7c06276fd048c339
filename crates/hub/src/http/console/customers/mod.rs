//! Console pages: customers (CUS-1 … CUS-6, SYS-2/3/6, TEN-4) and the provider tree (TEN-1).
//!
//! The list is scoped by the caller's role (CUS-3), filtered with the same query parameters as the
//! API's `CustomerQuery` (so dashboard links arrive pre-filtered, CUS-6), searchable, sortable one
//! column at a time (↓ ↑ none) and paged. Add / edit / delete selected with confirmation, details
//! with servers, remote-operations flags, assigned accounts and Test connection. Everything works
//! without JavaScript.

use super::forms::{FieldMessages, FormMap};
use super::{render, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::api::customers::{status_message, CustomerBody};
use crate::http::catalog::Endpoint;
use crate::http::filters::LIGHTS;
use crate::http::list::{ListParams, ListSpec, MaxInLinks, Pager, ParamKind};
use crate::service::customers::{self as svc, CustomerInput};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, MethodRouter};
use patchbay_domain::customer::{self, DEFAULT_SERVICE_USER};
use patchbay_domain::system::{human_duration, Profile, RemoteFlags};
use patchbay_domain::{Capability, CustomerId, DistributorId, FieldError, ResellerId, Role, Rule};
use patchbay_store::customers::{Customer, CustomerFilter, Dashboard};
use patchbay_store::systems::SystemView;
use patchbay_store::{AccountFilter, PageRequest, StoreError};

pub const PAGE_SIZES: [i64; 4] = [10, 25, 50, 100];

/// Notes longer than this are cut in the list (the full text is the cell's tooltip).
const NOTES_SHOWN: usize = 40;

const LIST: &str = "/com/customers";

// ---------------------------------------------------------------------------------------------
// Shared helpers

fn parse_customer(id: &str) -> Result<CustomerId, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

/// The light's words, for screen readers and the filter.
fn light_text(ctx: &Ctx, light: &str) -> String {
    if LIGHTS.contains(&light) {
        ctx.t(&format!("cus-light-{light}"))
    } else {
        light.to_string()
    }
}

/// The SYS-3 message in the page's language ("offline since <duration>" for unreachableSince);
/// unknown codes fall back to the API's English text.
fn status_text(ctx: &Ctx, code: &str, last_seen: Option<jiff::Timestamp>) -> String {
    let id = format!("cus-status-{code}");
    if !ctx.i18n.has("en", &id) {
        return status_message(code, last_seen);
    }
    if code == "unreachableSince" {
        let secs = last_seen
            .map(|t| jiff::Timestamp::now().duration_since(t).as_secs())
            .unwrap_or(0);
        return ctx.t1(&id, "duration", &human_duration(secs));
    }
    ctx.t(&id)
}

fn when(ctx: &Ctx, t: Option<jiff::Timestamp>) -> String {
    t.map(|t| ctx.datetime(t)).unwrap_or_else(|| ctx.t("never"))
}

/// Field messages for the customer form: the generic rule texts, with clearer words for the rules
/// this form meets (reseller of another distributor, fixed customer ID, DNS label).
fn field_messages(ctx: &Ctx, err: &AppError) -> FieldMessages {
    let mut m = FieldMessages::from_error(err, &ctx.i18n, ctx.lang);
    if let AppError::Validation(fields) = err {
        for f in fields {
            let id = match (f.field.as_ref(), &f.rule) {
                (_, Rule::DnsLabel) => "cus-rule-dns-label",
                ("customerId", Rule::NotAllowed) => "cus-rule-customer-id-fixed",
                ("operators", Rule::NotAllowed) => "cus-rule-operator-not-yours",
                ("operators", Rule::Invalid) => "cus-rule-operator-invalid",
                ("resellerId", Rule::Invalid) => "cus-rule-reseller-mismatch",
                ("distributorId", Rule::Invalid) => "cus-rule-distributor-invalid",
                ("confirmServicePassword", Rule::PasswordMismatch) => "cus-rule-password-mismatch",
                (_, Rule::NotAllowed) => "cus-rule-not-allowed",
                _ => continue,
            };
            m.by_field.insert(f.field.to_string(), ctx.t(id));
        }
    }
    m
}

/// Tags the caller may pick from: every tag for platform staff, the tags of the customers in
/// scope otherwise (never another tenant's tags, TEN-4).
async fn visible_tags(
    state: &AppState,
    caller: &Caller,
    dashboard: Option<&Dashboard>,
) -> Result<Vec<String>, AppError> {
    if caller.principal.role.sees_all_customers() {
        return Ok(state.store.all_tags().await?);
    }
    let mut tags: Vec<String> = match dashboard {
        Some(d) => d.tags.iter().map(|(t, _)| t.clone()).collect(),
        None => state
            .store
            .dashboard(caller.principal.scope())
            .await?
            .tags
            .into_iter()
            .map(|(t, _)| t)
            .collect(),
    };
    tags.sort_by_key(|a| a.to_lowercase());
    Ok(tags)
}

mod details;
mod form;
mod licences;
mod list;
mod providers;
mod remote_panel;
#[cfg(test)]
mod tests;

use details::*;
use form::*;
use list::*;
use providers::*;

// ---------------------------------------------------------------------------------------------

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewOperations;
    let add = Capability::AddDeleteCustomers;
    let edit = Capability::EditCustomers;
    vec![
        Endpoint::page(Method::GET, LIST, view, "Customers", get(list)),
        Endpoint::page(Method::POST, LIST, add, "Create customer", post(create)),
        Endpoint::page(
            Method::GET,
            "/com/customers/new",
            add,
            "Add customer",
            get(new_form),
        ),
        Endpoint::page(
            Method::GET,
            "/com/customers/edit",
            edit,
            "Edit selected customer",
            get(edit_selected),
        ),
        Endpoint::page(
            Method::GET,
            "/com/customers/delete",
            add,
            "Confirm customer deletion",
            get(confirm_delete),
        ),
        Endpoint::page(
            Method::POST,
            "/com/customers/delete",
            add,
            "Delete selected customers",
            post(delete),
        ),
        Endpoint::page(
            Method::GET,
            "/com/customers/{id}/licences",
            edit,
            "Calling licences",
            get(licences::page),
        ),
        Endpoint::page(
            Method::POST,
            "/com/customers/{id}/licences",
            edit,
            "Save calling licences",
            post(licences::save),
        ),
        Endpoint::page(
            Method::GET,
            "/com/customers/{id}",
            view,
            "Customer details",
            get(details),
        ),
        Endpoint::page(
            Method::POST,
            "/com/customers/{id}",
            edit,
            "Update customer",
            post(update),
        ),
        Endpoint::page(
            Method::GET,
            "/com/customers/{id}/edit",
            edit,
            "Edit customer",
            get(edit_form),
        ),
        Endpoint::page(
            Method::POST,
            "/com/customers/{id}/test",
            view,
            "Test connection",
            post(test_connection),
        ),
        Endpoint::page(
            Method::GET,
            "/com/providers",
            view,
            "Distributors and resellers",
            get(providers),
        ),
        Endpoint::page(
            Method::POST,
            "/com/providers/distributors",
            Capability::ServerSettings,
            "Add distributor",
            post(add_distributor),
        ),
        Endpoint::page(
            Method::POST,
            "/com/providers/resellers",
            Capability::ServerSettings,
            "Add reseller",
            post(add_reseller),
        ),
        Endpoint::page(
            Method::POST,
            "/com/providers/distributors/{id}/delete",
            Capability::ServerSettings,
            "Delete distributor",
            post(delete_distributor),
        ),
        Endpoint::page(
            Method::POST,
            "/com/providers/resellers/{id}/delete",
            Capability::ServerSettings,
            "Delete reseller",
            post(delete_reseller),
        ),
        Endpoint::page(
            Method::POST,
            "/com/customers/{id}/confirm",
            Capability::AddDeleteCustomers,
            "Confirm an enrolled customer",
            post(confirm_enrolment),
        ),
    ]
    .into_iter()
    .chain(enrolment_endpoints())
    .collect()
}

/// CUS-8: each provider kind's enrolment credential.
fn enrolment_endpoints() -> Vec<Endpoint> {
    let (d_rotate, d_auto) = enrolment_routes("distributors");
    let (r_rotate, r_auto) = enrolment_routes("resellers");
    let cap = Capability::ServerSettings;
    vec![
        Endpoint::page(
            Method::POST,
            "/com/providers/distributors/{id}/enrolment",
            cap,
            "Make or rotate a distributor's enrolment credential",
            d_rotate,
        ),
        Endpoint::page(
            Method::POST,
            "/com/providers/resellers/{id}/enrolment",
            cap,
            "Make or rotate a reseller's enrolment credential",
            r_rotate,
        ),
        Endpoint::page(
            Method::POST,
            "/com/providers/distributors/{id}/enrolment/auto",
            cap,
            "Confirm a distributor's enrolled systems at once, or not",
            d_auto,
        ),
        Endpoint::page(
            Method::POST,
            "/com/providers/resellers/{id}/enrolment/auto",
            cap,
            "Confirm a reseller's enrolled systems at once, or not",
            r_auto,
        ),
    ]
}
