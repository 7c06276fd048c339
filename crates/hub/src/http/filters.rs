//! List filters the API and the console share: one type per list names its criteria, parses
//! them (the API's query parameters, the console's list parameters) and turns them into the
//! store's filter. Adding a criterion to a list is a field here (with its entry in `PARAMS`
//! and its line in `filter`) and its condition in the store: see `docs/architecture.md`.

use crate::http::api::schema::one_of;
use crate::http::list::{boolean, Param};
use patchbay_store::customers::CustomerFilter;
use serde::Deserialize;

/// SYS-2 connectivity lights, in the order filters offer them.
pub const LIGHTS: [&str; 3] = ["green", "amber", "red"];

/// SYS-3 status codes (the exact set), as stored on the customer row.
pub const STATUS_CODES: [&str; 21] = [
    "connectionSuccessful",
    "waitingForInitialConnection",
    "unreachableSince",
    "unreachableNotPrimary",
    "authorisationFailed",
    "connectionFailed",
    "insufficientRights",
    "invalidCredentials",
    "legacy",
    "tooManySessions",
    "newPasswordRequired",
    "noAuthorisationProvided",
    "noUserRightsEnabled",
    "remoteOperationsNotAllowed",
    "readRightsNotEnabled",
    "disabledByAdministrator",
    "temporarilyLocked",
    "currentlyDisabled",
    "passwordExpired",
    "upgradeRightsNotEnabled",
    "pendingConfirmation",
];

crate::schema_fn! {
    light_schema => one_of(LIGHTS);
}

/// The text when it is not blank.
pub fn nonempty(v: &Option<String>) -> Option<String> {
    v.clone().filter(|s| !s.trim().is_empty())
}

/// A light the list knows (lower-cased), or nothing.
pub fn light(v: &str) -> String {
    Some(v.trim().to_lowercase())
        .filter(|v| LIGHTS.contains(&v.as_str()))
        .unwrap_or_default()
}

/// A status code the list knows, or nothing.
pub fn status_code(v: &str) -> String {
    Some(v.trim().to_string())
        .filter(|v| STATUS_CODES.contains(&v.as_str()))
        .unwrap_or_default()
}

/// Customer filters (CUS-4, CUS-6): each narrows the list; absent or empty means any.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct CustomerQuery {
    /// Matches name, customer ID, system name, address, tags, notes.
    pub search: Option<String>,
    #[param(schema_with = light_schema)]
    pub connectivity: Option<String>,
    /// A status code (SYS-3), as `status` in the customer.
    pub status: Option<String>,
    pub tag: Option<String>,
    pub version: Option<String>,
    pub profile: Option<String>,
    /// Distributor name.
    pub distributor: Option<String>,
    /// Reseller name.
    pub reseller: Option<String>,
    pub has_alarms: Option<bool>,
}

impl CustomerQuery {
    /// The console list's parameters: the search box, then the criteria in the filter panel's
    /// order, each with the clean-up of what a link may carry.
    pub const PARAMS: &'static [Param] = &[
        Param::search("search"),
        Param::checked("connectivity", light),
        Param::checked("status", status_code),
        Param::criterion("tag"),
        Param::criterion("version"),
        Param::criterion("profile"),
        Param::criterion("distributor"),
        Param::criterion("reseller"),
        Param::checked("hasAlarms", boolean),
    ];

    /// The store's filter.
    pub fn filter(&self) -> CustomerFilter {
        CustomerFilter {
            search: nonempty(&self.search),
            light: nonempty(&self.connectivity),
            status_code: nonempty(&self.status),
            tag: nonempty(&self.tag),
            version: nonempty(&self.version),
            profile: nonempty(&self.profile),
            distributor: nonempty(&self.distributor),
            reseller: nonempty(&self.reseller),
            has_alarms: self.has_alarms,
        }
    }
}
