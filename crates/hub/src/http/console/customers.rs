//! Console pages: customers (issue: customer systems).

use super::pages::empty;
use crate::http::catalog::Endpoint;
use patchbay_domain::Capability;

/// Until the page is written: an honest empty state.
pub fn endpoints() -> Vec<Endpoint> {
    vec![empty(
        "/com/customers",
        "menu-customers",
        Capability::ViewOperations,
    )]
}
