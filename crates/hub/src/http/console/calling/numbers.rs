//! Phone numbers (NUM-1): the list filtered by location, type (mobile numbers carry a "mobile"
//! badge) and assignment; numbers added to a location (E.164, all or nothing) and unassigned
//! numbers removed.

use super::Chosen;
use super::{
    list_params, messages, query, render, store_error, ConfirmPage, Ctx, Org, NUMBERS, PEOPLE,
    WORKSPACES,
};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::console::forms::{FieldMessages, FormMap};
use crate::http::list::{ListParams, ListSpec, MaxInLinks, Pager, Param};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use patchbay_domain::calling::{normalise_e164, MemberKind, NumberKind};
use patchbay_domain::{Capability, FieldError, LocationId, Rule};
use patchbay_store::calling::locations::LocationFilter;
use patchbay_store::calling::numbers::NumberFilter;
use patchbay_store::PageRequest;

/// The list's parameters: the organisation, the number searched, location, type and assignment.
static LIST_SPEC: ListSpec = ListSpec {
    path: NUMBERS,
    params: &[
        Param::context("org"),
        Param::search("q"),
        Param::criterion("location"),
        Param::criterion("type"),
        Param::criterion("assigned"),
    ],
    sorts: &[],
    default_order: "",
    sizes: &super::PAGE_SIZES,
    default_max: 25,
    max_in_links: MaxInLinks::Always,
};

const ADD: &str = "/com/calling/numbers/add";
const REMOVE: &str = "/com/calling/numbers/remove";
/// At most this many numbers per request.
const ADD_LIMIT: usize = 100;

/// The number types of the filter and the add form: (form value, kind).
const TYPES: [(&str, NumberKind); 3] = [
    ("fixed", NumberKind::Did),
    ("mobile", NumberKind::Mobile),
    ("tollfree", NumberKind::TollFree),
];

fn kind_of(v: &str) -> Option<NumberKind> {
    TYPES.iter().find(|(k, _)| *k == v).map(|(_, n)| *n)
}

fn type_name(ctx: &Ctx, kind: NumberKind) -> String {
    let v = TYPES
        .iter()
        .find(|(_, n)| *n == kind)
        .map(|(k, _)| *k)
        .unwrap_or("fixed");
    ctx.t(&format!("calling-number-{v}"))
}

async fn locations(state: &AppState, org: &Org) -> Result<Vec<(String, String)>, AppError> {
    let (items, _) = state
        .store
        .list_locations(
            org.id,
            &LocationFilter::default(),
            PageRequest::new(0, PageRequest::MAX),
        )
        .await?;
    Ok(items
        .into_iter()
        .map(|l| (l.id.to_string(), l.fields.name))
        .collect())
}

// ---------------------------------------------------------------------------------------------
// List (NUM-1)

pub struct NumberRow {
    pub number: String,
    pub mobile: bool,
    pub kind: String,
    pub location: String,
    pub active: bool,
    pub owner: String,
    pub owner_link: String,
    /// `<location uuid>|<number>` for the remove selection; empty when assigned.
    pub key: String,
}

#[derive(Template)]
#[template(path = "calling_numbers.html")]
struct ListPage {
    ctx: Ctx,
    org: Org,
    lp: ListParams,
    pager: Pager,
    rows: Vec<NumberRow>,
    locations: Vec<(String, String)>,
    types: Vec<(&'static str, String)>,
    notice: String,
    can_manage: bool,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Chosen(org): Chosen,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let lp = list_params(&LIST_SPEC, q.as_deref(), &org);
    let filter = NumberFilter {
        location: lp.get("location").parse().ok().map(LocationId),
        phone_number: lp.value("q"),
        available: match lp.get("assigned") {
            "yes" => Some(false),
            "no" => Some(true),
            _ => None,
        },
        kind: kind_of(lp.get("type")),
        ..Default::default()
    };
    let (items, total) = state.store.list_numbers(org.id, &filter, lp.page()).await?;
    let rows: Vec<NumberRow> = items
        .into_iter()
        .map(|n| {
            let (owner, owner_link) = match &n.owner {
                Some(m) => (
                    m.display_name.clone(),
                    match m.kind {
                        MemberKind::People => org.link(&format!("{PEOPLE}/{}", m.id)),
                        MemberKind::Place => org.link(&format!("{WORKSPACES}/{}", m.id)),
                    },
                ),
                None => (String::new(), String::new()),
            };
            NumberRow {
                key: if n.owner.is_none() {
                    format!("{}|{}", n.location_id, n.phone_number)
                } else {
                    String::new()
                },
                mobile: n.kind == NumberKind::Mobile,
                kind: type_name(&ctx, n.kind),
                number: n.phone_number,
                location: n.location_name,
                active: n.active,
                owner,
                owner_link,
            }
        })
        .collect();
    let notice = ctx.done_notice(&form, "calling-numbers");
    let page = ListPage {
        pager: lp.pager(rows.len(), total),
        locations: locations(&state, &org).await?,
        types: TYPES
            .iter()
            .map(|(k, n)| (*k, type_name(&ctx, *n)))
            .collect(),
        can_manage: caller.can(Capability::ManageProvisioning),
        ctx,
        org,
        lp,
        rows,
        notice,
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// Add numbers to a location: comma or newline separated, E.164, all or nothing.

#[derive(Template)]
#[template(path = "calling_numbers_add.html")]
struct AddPage {
    ctx: Ctx,
    org: Org,
    locations: Vec<(String, String)>,
    location: String,
    kind: String,
    numbers: String,
    errors: FieldMessages,
    action: String,
}

impl AddPage {
    fn location_is(&self, l: &str) -> bool {
        self.location == l
    }
}

async fn add_page(
    state: &AppState,
    caller: &Caller,
    org: Org,
    (location, kind, numbers): (String, String, String),
    errors: FieldMessages,
) -> Result<Response, AppError> {
    let ctx = Ctx::new(state, caller, NUMBERS);
    let status = if errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut r = render(&AddPage {
        locations: locations(state, &org).await?,
        action: org.link(ADD),
        ctx,
        org,
        location,
        kind,
        numbers,
        errors,
    });
    *r.status_mut() = status;
    Ok(r)
}

async fn add_form(
    State(state): State<AppState>,
    caller: Caller,
    Chosen(org): Chosen,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let typed = (form.text("location"), "fixed".to_string(), String::new());
    add_page(&state, &caller, org, typed, FieldMessages::default()).await
}

/// The typed numbers, normalised; the invalid ones as typed.
fn parse_numbers(text: &str) -> (Vec<String>, Vec<String>) {
    let mut good: Vec<String> = Vec::new();
    let mut bad = Vec::new();
    for raw in text
        .split([',', '\n', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match normalise_e164(raw) {
            Ok(n) if !good.contains(&n) => good.push(n),
            Ok(_) => {}
            Err(_) => bad.push(raw.to_string()),
        }
    }
    (good, bad)
}

async fn add(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Chosen(org): Chosen,
    body: Bytes,
) -> Result<Response, AppError> {
    let posted = FormMap::parse(&body);
    let location = posted.text("location");
    let kind_text = posted.text("type");
    let text = posted.text("numbers");
    let mut errs = Vec::new();
    let loc = match location.parse::<LocationId>() {
        Ok(l) => match state.store.location(l).await {
            Ok(found) if found.customer_id == org.id => Some(l),
            _ => {
                errs.push(FieldError::new("location", Rule::Invalid));
                None
            }
        },
        Err(_) => {
            errs.push(FieldError::new("location", Rule::Required));
            None
        }
    };
    let kind = kind_of(&kind_text).filter(|k| *k != NumberKind::TollFree);
    if kind.is_none() {
        errs.push(FieldError::new("type", Rule::Required));
    }
    let (good, bad) = parse_numbers(&text);
    if good.is_empty() && bad.is_empty() {
        errs.push(FieldError::new("numbers", Rule::Required));
    } else if good.len() + bad.len() > ADD_LIMIT {
        errs.push(FieldError::new("numbers", Rule::TooMany { max: ADD_LIMIT }));
    }
    let typed = (location, kind_text, text);
    let mut errors = messages(&ctx, &AppError::Validation(errs));
    if !bad.is_empty() {
        // The field error names every invalid number; nothing is added.
        errors.by_field.insert(
            "numbers".into(),
            ctx.t1("calling-numbers-invalid", "numbers", &bad.join(", ")),
        );
    }
    let (Some(loc), Some(kind), false) = (loc, kind, errors.any()) else {
        return add_page(&state, &caller, org, typed, errors).await;
    };
    match state
        .store
        .add_numbers(&caller.meta(), loc, &good, kind, true)
        .await
    {
        Ok(()) => {
            let to = org.link(&format!("{NUMBERS}?location={loc}&done=added"));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            let errors = messages(&ctx, &store_error(e));
            add_page(&state, &caller, org, typed, errors).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Remove unassigned numbers (confirm, then all or nothing per location)

/// The selected `<location>|<number>` values, each location the organisation's.
async fn selection(
    state: &AppState,
    org: &Org,
    keys: &[String],
) -> Result<Vec<(LocationId, String)>, AppError> {
    let mut out = Vec::new();
    for k in keys {
        let (l, n) = k.split_once('|').ok_or(AppError::NotFound)?;
        let loc: LocationId = l.parse().map_err(|_| AppError::NotFound)?;
        if !out.iter().any(|(o, _): &(LocationId, String)| *o == loc)
            && state.store.location(loc).await?.customer_id != org.id
        {
            return Err(AppError::NotFound);
        }
        out.push((loc, n.to_string()));
    }
    Ok(out)
}

async fn confirm_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Chosen(org): Chosen,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let keys = form.all("n");
    let chosen = selection(&state, &org, &keys).await?;
    if chosen.is_empty() {
        return Ok(Redirect::to(&org.link(NUMBERS)).into_response());
    }
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for k in &keys {
        s.append_pair("n", k);
    }
    let page = ConfirmPage {
        title: ctx.t("calling-numbers-remove-title"),
        message: ctx.t("calling-numbers-remove-confirm"),
        target: chosen
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        action: org.link(&format!("{REMOVE}?{}", s.finish())),
        cancel: org.link(NUMBERS),
        ctx,
        org,
    };
    Ok(render(&page))
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Chosen(org): Chosen,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let chosen = selection(&state, &org, &form.all("n")).await?;
    let mut by_location: Vec<(LocationId, Vec<String>)> = Vec::new();
    for (l, n) in chosen {
        match by_location.iter_mut().find(|(o, _)| *o == l) {
            Some((_, v)) => v.push(n),
            None => by_location.push((l, vec![n])),
        }
    }
    for (l, numbers) in &by_location {
        state
            .store
            .remove_numbers(&caller.meta(), *l, numbers)
            .await
            .map_err(store_error)?;
    }
    Ok(Redirect::to(&org.link(&format!("{NUMBERS}?done=removed"))).into_response())
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    vec![
        Endpoint::page(Method::GET, NUMBERS, view, "Phone numbers", get(list)),
        Endpoint::page(Method::GET, ADD, manage, "Add numbers", get(add_form)),
        Endpoint::page(
            Method::POST,
            ADD,
            manage,
            "Add numbers to a location",
            post(add),
        ),
        Endpoint::page(
            Method::GET,
            REMOVE,
            manage,
            "Confirm number removal",
            get(confirm_remove),
        ),
        Endpoint::page(
            Method::POST,
            REMOVE,
            manage,
            "Remove unassigned numbers",
            post(remove),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn num_1_typed_numbers_split_normalise_and_report_the_bad_ones() {
        let (good, bad) =
            parse_numbers("+33 1 60 87 11 35, +33160871135\n0160871135;+1 (415) 555-0100,");
        assert_eq!(good, vec!["+33160871135", "+14155550100"]);
        assert_eq!(bad, vec!["0160871135"]);
    }
}
