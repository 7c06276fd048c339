//! The REST API under `/v1` (API-1): Webex conventions — camelCase JSON, `{"items": […]}` lists
//! paged with `max` and an absolute `Link: <…>; rel="next"`, Webex error bodies, bearer tokens.

pub mod accounts;
pub mod alarms;
pub mod appcentre;
pub mod audit;
pub mod certificates;
pub mod customers;
pub mod customization;
pub mod extract;
pub mod jobs;
pub mod mail;
pub mod me;
pub mod phonefiles;
pub mod preferences;
pub mod providers;
pub mod remote;
pub mod reply;
pub mod repository;
pub mod schema;
pub mod systems;
pub mod webex;

use crate::http::catalog::Endpoint;

pub use extract::{
    double_option, id_from_path, ApiQuery, ImageBody, JsonBody, ListQuery, NoFilter, OptJsonBody,
    Paging,
};
pub use reply::{Created, Image, Listed, NoContent, Paged, ZipDownload};

/// Every API endpoint.
pub fn endpoints() -> Vec<Endpoint> {
    let mut all = Vec::new();
    all.extend(accounts::endpoints());
    all.extend(preferences::endpoints());
    all.extend(certificates::endpoints());
    all.extend(appcentre::endpoints());
    all.extend(audit::endpoints());
    all.extend(me::endpoints());
    all.extend(customers::endpoints());
    all.extend(providers::endpoints());
    all.extend(alarms::endpoints());
    all.extend(mail::endpoints());
    all.extend(jobs::endpoints());
    all.extend(systems::endpoints());
    all.extend(remote::endpoints());
    all.extend(repository::endpoints());
    all.extend(customization::endpoints());
    all.extend(phonefiles::endpoints());
    all.extend(webex::endpoints());
    all
}
