//! People (TEN-2): the list with the customer's licences (total / consumed), add, edit and
//! delete; a person's page lists their devices with "Add device" into the wizard.

use super::devices::{device_row, DeviceRow};
use super::editor::{self, routes, About, Editor, Routes};
use super::forms::{identity, identity_choices, identity_text, IdentityChoices};
use super::{list_params, query, render, searched, Ctx, Org, DEVICES, PEOPLE};
use super::{Chosen, Found};
use crate::auth::Caller;
use crate::error::AppError;
use crate::http::catalog::Endpoint;
use crate::http::console::forms::{FieldMessages, FormMap};
use crate::http::list::{ListParams, ListSpec, Pager};
use crate::service::calling::{people, Surface};
use crate::state::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::Method;
use axum::response::Response;
use axum::routing::get;
use patchbay_domain::calling::LicenceKind;
use patchbay_domain::validation::Errors;
use patchbay_domain::{Capability, CustomerId, Rule};
use patchbay_store::calling::devices::DeviceFilter;
use patchbay_store::calling::people::{Person, PersonFilter, PersonWrite};
use patchbay_store::PageRequest;

/// The list's parameters: the organisation and the search box.
static LIST_SPEC: ListSpec = searched(PEOPLE);

pub fn licence_text(ctx: &Ctx, l: Option<LicenceKind>) -> String {
    match l {
        Some(k) => ctx.t(&format!("calling-licence-{}", k.as_str())),
        None => ctx.t("calling-licence-none"),
    }
}

/// The customer's calling licences: (name, total, consumed).
pub async fn licence_panel(
    state: &AppState,
    ctx: &Ctx,
    org: &Org,
) -> Result<Vec<(String, i64, i64)>, AppError> {
    Ok(state
        .store
        .licences(org.id)
        .await?
        .into_iter()
        .map(|l| {
            (
                ctx.t(&format!("calling-licence-{}", l.kind.as_str())),
                l.total_units,
                l.consumed_units,
            )
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// List

pub struct PersonRow {
    pub link: String,
    pub name: String,
    pub email: String,
    pub licence: String,
    pub location: String,
    pub extension: String,
    pub number: String,
    pub devices: i64,
}

#[derive(Template)]
#[template(path = "calling_people.html")]
struct ListPage {
    ctx: Ctx,
    org: Org,
    lp: ListParams,
    pager: Pager,
    rows: Vec<PersonRow>,
    licences: Vec<(String, i64, i64)>,
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
    let filter = PersonFilter {
        name: lp.value("q"),
        ..Default::default()
    };
    let (items, total) = state.store.list_people(org.id, &filter, lp.page()).await?;
    let rows: Vec<PersonRow> = items
        .into_iter()
        .map(|p| PersonRow {
            link: org.link(&format!("{PEOPLE}/{}", p.id)),
            licence: licence_text(&ctx, p.fields.licence),
            location: p.location_name.unwrap_or_default(),
            extension: p.fields.identity.extension.unwrap_or_default(),
            number: p.fields.identity.phone_number.unwrap_or_default(),
            devices: p.device_count,
            name: p.fields.display_name,
            email: p.fields.email,
        })
        .collect();
    let notice = ctx.done_notice(&form, "calling-person");
    let page = ListPage {
        pager: lp.pager(rows.len(), total),
        licences: licence_panel(&state, &ctx, &org).await?,
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
// Details: the person's devices (DEV-9) and "Add device" (DEV-2)

#[derive(Template)]
#[template(path = "calling_person.html")]
struct DetailsPage {
    ctx: Ctx,
    org: Org,
    id: String,
    name: String,
    facts: Vec<(String, String)>,
    devices: Vec<DeviceRow>,
    add_device: String,
    edit: String,
    delete: String,
    notice: String,
    can_manage: bool,
    /// WGO-1: the person's mobile line: (state, its text), or none.
    mobile: Option<(&'static str, String)>,
    mobile_add: String,
    mobile_code: String,
}

async fn details(
    State(state): State<AppState>,
    caller: Caller,
    ctx: Ctx,
    Found(p, org): Found<Person>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = query(q.as_deref());
    let filter = DeviceFilter {
        person: Some(p.id.0),
        ..Default::default()
    };
    let (devices, _) = state
        .store
        .list_devices(org.id, &filter, PageRequest::new(0, PageRequest::MAX))
        .await?;
    let devices = devices
        .into_iter()
        .map(|d| device_row(&ctx, &org, d))
        .collect();
    let f = &p.fields;
    let facts = vec![
        (ctx.t("calling-field-email"), f.email.clone()),
        (ctx.t("calling-field-firstName"), f.first_name.clone()),
        (ctx.t("calling-field-lastName"), f.last_name.clone()),
        (
            ctx.t("calling-field-licence"),
            licence_text(&ctx, f.licence),
        ),
        (
            ctx.t("calling-field-location"),
            p.location_name.clone().unwrap_or_default(),
        ),
        (
            ctx.t("calling-field-extension"),
            f.identity.extension.clone().unwrap_or_default(),
        ),
        (
            ctx.t("calling-field-phoneNumber"),
            f.identity.phone_number.clone().unwrap_or_default(),
        ),
    ];
    let notice = ctx.done_notice(&form, "calling-person");
    let now = jiff::Timestamp::now();
    let mobile = state
        .store
        .mobile_lines(org.id, Some(p.id))
        .await?
        .first()
        .map(|l| (l.state(now), super::mobile::state_text(&ctx, l, now)));
    let page = DetailsPage {
        mobile,
        mobile_add: org.link(&format!("{PEOPLE}/{}/mobile", p.id)),
        mobile_code: org.link(&format!("{PEOPLE}/{}/mobile/code", p.id)),
        id: p.id.to_string(),
        name: f.display_name.clone(),
        edit: org.link(&format!("{PEOPLE}/{}/edit", p.id)),
        delete: org.link(&format!("{PEOPLE}/{}/delete", p.id)),
        add_device: org.link(&format!("{DEVICES}/new?usage=person&person={}", p.id)),
        can_manage: caller.can(Capability::ManageProvisioning),
        facts,
        devices,
        notice,
        ctx,
        org,
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// Add / edit / delete (the shared form flow)

/// The service's field names as the person form names them.
const FORM_NAMES: [(&str, &str); 3] = [
    ("emails", "email"),
    ("licenses", "licence"),
    ("phoneNumbers", "phoneNumber"),
];

/// The form's values as typed (kept on error).
#[derive(Debug, Clone, Default)]
pub struct PersonValues {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub licence: String,
    pub location_id: String,
    pub extension: String,
    pub phone_number: String,
}

impl PersonValues {
    /// The stored form as typed; what cannot be read goes to the errors, the rules are the
    /// service's.
    fn to_write(&self) -> (PersonWrite, Errors) {
        let mut errs = Errors::default();
        let licence = match self.licence.as_str() {
            "" => None,
            l => {
                let k = LicenceKind::parse(l).filter(|k| *k != LicenceKind::Workspaces);
                if k.is_none() {
                    errs.push("licenses", Rule::Invalid);
                }
                k
            }
        };
        let w = PersonWrite {
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            licence,
            identity: identity(
                &mut errs,
                &self.location_id,
                &self.extension,
                &self.phone_number,
            ),
            // The console does not edit the directory fields: an update keeps them.
            profile: None,
        };
        (w, errs)
    }

    pub fn licence_is(&self, l: &str) -> bool {
        self.licence == l
    }
    pub fn location_is(&self, l: &str) -> bool {
        self.location_id == l
    }
    pub fn number_is(&self, n: &str) -> bool {
        self.phone_number == n
    }
}

#[derive(Template)]
#[template(path = "calling_person_form.html")]
struct FormPage {
    ctx: Ctx,
    org: Org,
    /// None when adding.
    id: Option<String>,
    v: PersonValues,
    errors: FieldMessages,
    choices: IdentityChoices,
    action: String,
    cancel: String,
}

/// People in the console's shared form flow.
pub struct PeopleEditor;

impl Editor for PeopleEditor {
    const ROUTES: Routes = routes!("/com/calling/people", "person");
    const DELETE_TITLE: &'static str = "calling-person-delete-title";
    type Entity = Person;
    type Values = PersonValues;

    fn about(p: &Person) -> About {
        About::new(p.id, &p.fields.display_name)
    }
    fn delete_message(ctx: &Ctx, p: &Person) -> String {
        ctx.t1(
            "calling-person-delete-confirm",
            "count",
            &p.device_count.to_string(),
        )
    }
    fn blank(_: &Caller) -> PersonValues {
        PersonValues {
            licence: "professional".into(),
            ..Default::default()
        }
    }
    fn read(form: &FormMap) -> PersonValues {
        PersonValues {
            email: form.text("email"),
            first_name: form.text("firstName"),
            last_name: form.text("lastName"),
            display_name: form.text("displayName"),
            licence: form.text("licence"),
            location_id: form.text("locationId"),
            extension: form.text("extension"),
            phone_number: form.text("phoneNumber"),
        }
    }
    fn of(p: &Person) -> PersonValues {
        let f = &p.fields;
        let (licence, location_id, extension, phone_number) =
            identity_text(f.licence.map(|l| l.as_str()), &f.identity);
        PersonValues {
            email: f.email.clone(),
            first_name: f.first_name.clone(),
            last_name: f.last_name.clone(),
            display_name: f.display_name.clone(),
            licence,
            location_id,
            extension,
            phone_number,
        }
    }
    async fn save(
        state: &AppState,
        caller: &Caller,
        customer: CustomerId,
        current: Option<&Person>,
        v: &PersonValues,
    ) -> Result<String, AppError> {
        let (w, errs) = v.to_write();
        let saved = match current {
            Some(p) => people::update(state, caller, p, w, Surface::Console, errs).await,
            None => people::create(state, caller, customer, w, Surface::Console, errs).await,
        };
        saved
            .map(|p| p.id.to_string())
            .map_err(|e| e.renamed(&FORM_NAMES))
    }
    async fn remove(state: &AppState, caller: &Caller, p: &Person) -> Result<(), AppError> {
        people::delete(state, caller, p).await
    }
    async fn page(
        state: &AppState,
        ctx: Ctx,
        org: Org,
        current: Option<&Person>,
        v: PersonValues,
        errors: FieldMessages,
    ) -> Result<Response, AppError> {
        let keep = current.and_then(|p| {
            let i = &p.fields.identity;
            Some((i.location_id?, i.phone_number.as_deref()?))
        });
        let choices = identity_choices(state, org.id, keep).await?;
        let back = match current {
            Some(p) => org.link(&format!("{PEOPLE}/{}", p.id)),
            None => org.link(PEOPLE),
        };
        Ok(render(&FormPage {
            ctx,
            id: current.map(|p| p.id.to_string()),
            v,
            errors,
            choices,
            action: back.clone(),
            cancel: back,
            org,
        }))
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let mut all = vec![
        Endpoint::page(Method::GET, PEOPLE, view, "Calling people", get(list)),
        Endpoint::page(
            Method::GET,
            "/com/calling/people/{id}",
            view,
            "Person",
            get(details),
        ),
    ];
    all.extend(editor::endpoints::<PeopleEditor>());
    all
}
