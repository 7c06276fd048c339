//! Locations (TEN-2): the rules of a location's name, time zone, languages and address, the
//! visibility check and the change, for `/v1/locations` and the console's location pages
//! alike. Errors name the Webex fields (`address.city` …); the console renames them.

use super::{ensure_visible, Surface};
use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::calling::check_text;
use patchbay_domain::validation::Errors;
use patchbay_domain::{CustomerId, LocationId, Rule};
use patchbay_store::calling::locations::{Location, LocationWrite};

/// Announcement and preferred languages the console offers (Webex spellings).
pub const LANGUAGES: [&str; 12] = [
    "en_us", "en_gb", "fr_fr", "fr_ca", "ro_ro", "ko_kr", "uk_ua", "de_de", "es_es", "it_it",
    "nl_nl", "pt_br",
];

/// An IANA time zone name the hub knows (any well-formed name when it has no database).
pub fn time_zone_ok(tz: &str) -> bool {
    let well_formed = !tz.is_empty()
        && tz.len() <= 64
        && tz
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
    if !well_formed {
        return false;
    }
    let db = jiff::tz::db();
    db.get(tz).is_ok() || db.is_definitively_empty()
}

/// Check and normalise a location as it will be stored, adding to `errs`: a name, an IANA time
/// zone, languages, a street address with a city and an ISO country code.
pub fn check(w: &mut LocationWrite, surface: Surface, errs: &mut Errors) {
    if let Some(c) = w.coordinates {
        for (field, v, max) in [
            ("latitude", c.latitude, 90),
            ("longitude", c.longitude, 180),
        ] {
            if v.is_some_and(|v| !(-(max as f64)..=max as f64).contains(&v)) {
                errs.once(field, Rule::Range { min: -max, max });
            }
        }
    }
    let a = &mut w.address;
    for v in [
        &mut w.name,
        &mut w.time_zone,
        &mut w.preferred_language,
        &mut w.announcement_language,
        &mut a.address1,
        &mut a.address2,
        &mut a.city,
        &mut a.state,
        &mut a.postal_code,
    ] {
        *v = v.trim().to_string();
    }
    a.country = a.country.trim().to_ascii_uppercase();
    for (field, v, required, max) in [
        ("name", &w.name, true, 80),
        ("address.address1", &a.address1, true, 120),
        ("address.address2", &a.address2, false, 120),
        ("address.city", &a.city, true, 80),
        ("address.state", &a.state, false, 80),
        ("address.postalCode", &a.postal_code, false, 20),
    ] {
        if let Err(r) = check_text(v, required, max) {
            errs.once(field, r);
        }
    }
    if w.time_zone.is_empty() {
        errs.once("timeZone", Rule::Required);
    } else if !time_zone_ok(&w.time_zone) {
        errs.once("timeZone", Rule::Invalid);
    }
    for (field, v) in [
        ("preferredLanguage", &w.preferred_language),
        ("announcementLanguage", &w.announcement_language),
    ] {
        let r = match surface {
            Surface::Console if !LANGUAGES.contains(&v.as_str()) => Err(Rule::OneOf {
                allowed: LANGUAGES.join(", "),
            }),
            _ => check_text(v, false, 16),
        };
        if let Err(r) = r {
            errs.once(field, r);
        }
    }
    if a.country.is_empty() {
        errs.once("address.country", Rule::Required);
    } else if a.country.len() != 2 || !a.country.bytes().all(|b| b.is_ascii_uppercase()) {
        errs.once("address.country", Rule::Invalid);
    }
    if let Err(r) = check_text(&w.notes.replace('\n', " "), false, 1024) {
        errs.once("notes", r);
    }
}

/// The location `id` if the caller may see its customer (and it is `org_id`'s when given);
/// otherwise not found.
pub async fn find(
    state: &AppState,
    caller: &Caller,
    id: LocationId,
    org_id: Option<&str>,
) -> Result<Location, AppError> {
    let l = state.store.location(id).await?;
    ensure_visible(state, caller, l.customer_id, org_id).await?;
    Ok(l)
}

/// Add a location to `customer` (which the caller has been authorised on).
pub async fn create(
    state: &AppState,
    caller: &Caller,
    customer: CustomerId,
    mut w: LocationWrite,
    surface: Surface,
) -> Result<Location, AppError> {
    let mut errs = Errors::default();
    check(&mut w, surface, &mut errs);
    errs.finish().map_err(AppError::Validation)?;
    let id = state
        .store
        .create_location(&caller.meta(), customer, &w)
        .await?;
    Ok(state.store.location(id).await?)
}

/// Replace a visible location's fields.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    current: &Location,
    mut w: LocationWrite,
    surface: Surface,
) -> Result<Location, AppError> {
    let mut errs = Errors::default();
    check(&mut w, surface, &mut errs);
    errs.finish().map_err(AppError::Validation)?;
    state
        .store
        .update_location(&caller.meta(), current.id, &w)
        .await?;
    Ok(state.store.location(current.id).await?)
}

/// Delete a visible location; refused while people or workspaces use it.
pub async fn delete(state: &AppState, caller: &Caller, l: &Location) -> Result<(), AppError> {
    Ok(state.store.delete_location(&caller.meta(), l.id).await?)
}
