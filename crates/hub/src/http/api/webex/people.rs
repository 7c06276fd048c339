//! `/v1/people`: calling users with a licence, a location, an extension and a primary number.

use super::licenses::{licence_of, licence_wid};
use super::resource::{self, Acting, OrgScoped, Resource};
use super::{field_id, iso, org_wid, wid};
use crate::auth::Caller;
use crate::error::{ApiResult, AppError};
use crate::http::api::{ApiQuery, JsonBody, ListQuery, Paged};
use crate::http::catalog::Endpoint;
use crate::service::calling::{ensure_visible, org, people, Surface};
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use axum::Json;
use patchbay_domain::calling::{LicenceKind, PostalAddress};
use patchbay_domain::validation::Errors;
use patchbay_domain::{Capability, CustomerId, LocationId, PersonId, Rule};
use patchbay_store::calling::people::{Person, PersonFilter, PersonWrite};
use patchbay_store::calling::CallingIdentity;
use patchbay_store::list::Keyed;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneNumberJson {
    /// `work`, `mobile` …
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PersonJson {
    pub id: String,
    pub emails: Vec<String>,
    pub phone_numbers: Vec<PhoneNumberJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
    pub org_id: String,
    pub licenses: Vec<String>,
    pub created: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Absent with `excludeStatus=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
    pub login_enabled: bool,
    pub invite_pending: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub nick_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub department: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub manager: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<AddressJson>,
}

/// A person's postal address (Webex `addresses[]`).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = PersonAddress)]
pub struct AddressJson {
    /// `work`
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub locality: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub street_address: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
}

impl From<PostalAddress> for AddressJson {
    fn from(a: PostalAddress) -> Self {
        let some = |s: String| Some(s).filter(|s| !s.is_empty());
        Self {
            kind: some(a.kind),
            country: some(a.country),
            locality: some(a.locality),
            region: some(a.region),
            street_address: some(a.street_address),
            postal_code: some(a.postal_code),
        }
    }
}

impl From<AddressJson> for PostalAddress {
    fn from(a: AddressJson) -> Self {
        Self {
            kind: a.kind.unwrap_or_default(),
            country: a.country.unwrap_or_default(),
            locality: a.locality.unwrap_or_default(),
            region: a.region.unwrap_or_default(),
            street_address: a.street_address.unwrap_or_default(),
            postal_code: a.postal_code.unwrap_or_default(),
        }
    }
}

impl From<Person> for PersonJson {
    fn from(p: Person) -> Self {
        let f = p.fields;
        let profile = f.profile.unwrap_or_default();
        Self {
            id: wid("PEOPLE", &p.id.0),
            emails: vec![f.email],
            phone_numbers: f
                .identity
                .phone_number
                .into_iter()
                .map(|value| PhoneNumberJson {
                    kind: "work".into(),
                    value,
                    primary: Some(true),
                })
                .collect(),
            extension: f.identity.extension,
            location_id: f.identity.location_id.map(|l| wid("LOCATION", &l)),
            display_name: f.display_name,
            first_name: f.first_name,
            last_name: f.last_name,
            org_id: org_wid(p.customer_id),
            licenses: f
                .licence
                .map(|k| licence_wid(p.customer_id, k))
                .into_iter()
                .collect(),
            created: iso(p.created_at),
            kind: "person",
            status: Some("active"),
            login_enabled: true,
            invite_pending: false,
            nick_name: profile.nick_name,
            title: profile.title,
            department: profile.department,
            manager: profile.manager,
            manager_id: profile.manager_id.map(|m| wid("PEOPLE", &m)),
            addresses: profile.addresses.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PersonBody {
    pub emails: Option<Vec<String>>,
    pub display_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub location_id: Option<String>,
    pub extension: Option<String>,
    pub phone_numbers: Option<Vec<PhoneNumberJson>>,
    pub licenses: Option<Vec<String>>,
    pub org_id: Option<String>,
    pub nick_name: Option<String>,
    pub title: Option<String>,
    pub department: Option<String>,
    pub manager: Option<String>,
    /// Another person of the organisation; `""` clears it.
    pub manager_id: Option<String>,
    /// Up to 5; replaces the list.
    pub addresses: Option<Vec<AddressJson>>,
}

/// Read a body into the stored form for `customer` (`base` on update: absent fields keep their
/// value); what cannot be read goes to the returned errors, the rules are the service's.
pub fn person_write(
    customer: CustomerId,
    b: PersonBody,
    base: Option<&PersonWrite>,
) -> (PersonWrite, Errors) {
    let d = base.cloned().unwrap_or_default();
    let mut errs = Errors::default();
    let email = match b.emails.as_deref() {
        Some([one]) => one.clone(),
        Some([]) | None if base.is_none() => String::new(),
        None => d.email.clone(),
        Some(_) => {
            errs.push("emails", Rule::TooMany { max: 1 });
            String::new()
        }
    };
    let licence = match b.licenses {
        Some(list) => {
            let mut kinds = Vec::new();
            for raw in &list {
                match licence_of(customer, raw, "licenses") {
                    Ok(LicenceKind::Workspaces) => errs.push("licenses", Rule::NotAllowed),
                    Ok(k) if !kinds.contains(&k) => kinds.push(k),
                    Ok(_) => {}
                    Err(_) => errs.push("licenses", Rule::Invalid),
                }
            }
            if kinds.len() > 1 {
                errs.push("licenses", Rule::TooMany { max: 1 });
            }
            kinds.first().copied()
        }
        None => d.licence,
    };
    let location_id = match b.location_id.as_deref() {
        Some("") => None,
        Some(raw) => match field_id("locationId", "LOCATION", raw) {
            Ok(u) => Some(u),
            Err(_) => {
                errs.push("locationId", Rule::Invalid);
                None
            }
        },
        None => d.identity.location_id,
    };
    let phone_number = match b.phone_numbers {
        Some(list) => list.into_iter().next().map(|n| n.value),
        None => d.identity.phone_number,
    };
    let mut profile = d.profile.clone().unwrap_or_default();
    for (v, new) in [
        (&mut profile.nick_name, b.nick_name),
        (&mut profile.title, b.title),
        (&mut profile.department, b.department),
        (&mut profile.manager, b.manager),
    ] {
        if let Some(new) = new {
            *v = new;
        }
    }
    match b.manager_id.as_deref().map(str::trim) {
        Some("") => profile.manager_id = None,
        Some(raw) => match field_id("managerId", "PEOPLE", raw) {
            Ok(u) => profile.manager_id = Some(u),
            Err(_) => errs.push("managerId", Rule::Invalid),
        },
        None => {}
    }
    if let Some(list) = b.addresses {
        profile.addresses = list.into_iter().map(Into::into).collect();
    }
    let w = PersonWrite {
        email,
        display_name: b.display_name.unwrap_or(d.display_name),
        first_name: b.first_name.unwrap_or(d.first_name),
        last_name: b.last_name.unwrap_or(d.last_name),
        licence,
        identity: CallingIdentity {
            location_id,
            extension: b.extension.or(d.identity.extension),
            phone_number,
        },
        profile: Some(profile),
    };
    (w, errs)
}

/// The organisation of a create: `orgId` (query or body), else the location's, else the
/// caller's own.
pub async fn org_for_create(
    state: &AppState,
    caller: &Caller,
    org_id: Option<&str>,
    location: Option<&str>,
) -> Result<CustomerId, AppError> {
    if org_id.is_some_and(|s| !s.trim().is_empty()) {
        return org(state, caller, org_id).await;
    }
    if let Some(raw) = location.filter(|s| !s.trim().is_empty()) {
        let id = LocationId(field_id("locationId", "LOCATION", raw)?);
        let loc = state
            .store
            .location(id)
            .await
            .map_err(|_| AppError::field("locationId", Rule::Invalid))?;
        ensure_visible(state, caller, loc.customer_id, None)
            .await
            .map_err(|_| AppError::field("locationId", Rule::Invalid))?;
        return Ok(loc.customer_id);
    }
    org(state, caller, None).await
}

/// `orgId`, and Webex's `callingData` (calling fields are always included here).
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct PersonQuery {
    /// The customer to act on.
    pub org_id: Option<String>,
    /// Accepted for Webex clients: the calling fields (extension, location, numbers) are always
    /// returned.
    pub calling_data: Option<bool>,
}

/// People filters (Webex `GET /v1/people`).
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct PeopleQuery {
    /// The customer to act on.
    pub org_id: Option<String>,
    /// The person's e-mail address (exact, case-insensitive).
    pub email: Option<String>,
    /// Contained in the display name.
    pub display_name: Option<String>,
    /// Comma-separated person ids.
    pub id: Option<String>,
    pub location_id: Option<String>,
    /// Accepted for Webex clients (any case): the calling fields are always returned.
    #[param(value_type = Option<bool>)]
    pub calling_data: Option<String>,
    /// Administrator roles: nobody here holds one, so any value matches nobody.
    pub roles: Option<String>,
    /// `true` leaves `status` out of each person.
    #[param(value_type = Option<bool>)]
    pub exclude_status: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    lq: ListQuery<PeopleQuery>,
) -> ApiResult<Paged<PersonJson>> {
    let q = &lq.filter;
    let customer = org(&state, &caller, q.org_id.as_deref()).await?;
    super::flag_param("callingData", q.calling_data.as_deref())?;
    let exclude_status = super::flag_param("excludeStatus", q.exclude_status.as_deref())?;
    if super::text_param(&q.roles).is_some() {
        return Ok(Paged::new(&lq, super::DEFAULT_MAX, Vec::new(), 0));
    }
    let ids =
        q.id.as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| field_id("id", "PEOPLE", s).map(PersonId))
            .collect::<Result<Vec<_>, _>>()?;
    let location = match q.location_id.as_deref().filter(|s| !s.is_empty()) {
        Some(raw) => Some(LocationId(field_id("locationId", "LOCATION", raw)?)),
        None => None,
    };
    let page = lq.page(super::DEFAULT_MAX);
    let (rows, total) = state
        .store
        .list_people(
            customer,
            &PersonFilter {
                email: q.email.clone(),
                name: q.display_name.clone(),
                ids,
                location,
                ..Default::default()
            },
            page,
        )
        .await?;
    let last = rows.last().map(Keyed::cursor);
    let items = rows
        .into_iter()
        .map(PersonJson::from)
        .map(|mut p| {
            if exclude_status == Some(true) {
                p.status = None;
            }
            p
        })
        .collect();
    Ok(Paged::keyed(&lq, super::DEFAULT_MAX, items, total, last))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PersonQuery>,
    JsonBody(b): JsonBody<PersonBody>,
) -> ApiResult<Json<PersonJson>> {
    let org_id = q.org_id.clone().or_else(|| b.org_id.clone());
    let customer =
        org_for_create(&state, &caller, org_id.as_deref(), b.location_id.as_deref()).await?;
    let (w, errs) = person_write(customer, b, None);
    let p = people::create(&state, &caller, customer, w, Surface::Api, errs).await?;
    Ok(Json(PersonJson::from(p)))
}

/// `GET /v1/people/me`: the token's own account as a Webex person — the call clients make
/// first to check a token.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeJson {
    pub id: String,
    pub emails: Vec<String>,
    pub phone_numbers: Vec<PhoneNumberJson>,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
    /// The login name.
    pub user_name: String,
    /// A customer administrator's organisation. Absent for provider accounts, which act on
    /// the organisations `GET /v1/organizations` lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// The Patchbay role (`administrator`, `customer-admin` …).
    pub roles: Vec<String>,
    pub licenses: Vec<String>,
    pub created: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub status: &'static str,
    pub login_enabled: bool,
    pub invite_pending: bool,
}

impl From<&patchbay_store::accounts::Account> for MeJson {
    fn from(a: &patchbay_store::accounts::Account) -> Self {
        let f = &a.fields;
        let name = format!("{} {}", f.first_name, f.last_name);
        let numbers = [("work", &f.phone_number), ("mobile", &f.mobile)];
        Self {
            id: wid("PEOPLE", &a.id.0),
            emails: Some(f.email.clone())
                .filter(|e| !e.is_empty())
                .into_iter()
                .collect(),
            phone_numbers: numbers
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(kind, v)| PhoneNumberJson {
                    kind: kind.into(),
                    value: v.clone(),
                    primary: None,
                })
                .collect(),
            display_name: Some(name.trim().to_string())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| f.login_name.clone()),
            first_name: f.first_name.clone(),
            last_name: f.last_name.clone(),
            user_name: f.login_name.clone(),
            org_id: a.customer_id.map(org_wid),
            roles: vec![f.role.as_str().to_string()],
            licenses: Vec::new(),
            created: iso(a.created_at),
            kind: "person",
            status: "active",
            login_enabled: !f.disabled,
            invite_pending: false,
        }
    }
}

/// Webex's `callingData` on `/v1/people/me`: accepted (an account has no calling fields).
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct MeQuery {
    #[param(value_type = Option<bool>)]
    pub calling_data: Option<String>,
}

async fn me(caller: Caller, ApiQuery(q): ApiQuery<MeQuery>) -> ApiResult<Json<MeJson>> {
    super::flag_param("callingData", q.calling_data.as_deref())?;
    Ok(Json(MeJson::from(&caller.account)))
}

/// `/v1/people/{id}`.
pub struct PersonResource;

impl OrgScoped for PersonQuery {
    fn org_id(&self) -> Option<&str> {
        self.org_id.as_deref()
    }
}

impl Resource for PersonResource {
    const KIND: &'static str = "PEOPLE";
    const ONE: &'static str = "/v1/people/{id}";
    const SUMMARIES: [&'static str; 3] = [
        "Get a person",
        "Update a person",
        "Delete a person with their devices; the licence, extension and number are released",
    ];
    type Entity = Person;
    type Json = PersonJson;
    type Body = PersonBody;
    type Query = PersonQuery;

    async fn find(at: Acting<'_>, id: uuid::Uuid) -> Result<Person, AppError> {
        people::find(at.state, at.caller, PersonId(id), at.org).await
    }
    async fn update(at: Acting<'_>, p: Person, b: PersonBody) -> Result<Person, AppError> {
        let (w, errs) = person_write(p.customer_id, b, Some(&p.fields));
        people::update(at.state, at.caller, &p, w, Surface::Api, errs).await
    }
    async fn delete(at: Acting<'_>, p: Person) -> Result<(), AppError> {
        people::delete(at.state, at.caller, &p).await
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    let mut all = vec![
        Endpoint::new(
            Method::GET,
            "/v1/people",
            view,
            "List people (email, displayName contains, id list, locationId)",
            list,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/people",
            manage,
            "Create a person; a calling licence is consumed",
            create,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/people/me",
            Capability::OwnProfile,
            "Your own account as a Webex person (the usual token check)",
            me,
        ),
    ];
    all.extend(resource::endpoints::<PersonResource>());
    all
}
