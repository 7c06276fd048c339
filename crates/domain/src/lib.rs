//! Pure rules and types of Patchbay. No I/O, no async: everything here is a function of its inputs,
//! so most of the product's rules are unit-tested in this crate.

pub mod account;
pub mod admission;
pub mod alarm;
pub mod alarm_ingest;
pub mod backups;
pub mod calling;
pub mod certificates;
pub mod customer;
pub mod customization;
pub mod enrolment;
pub mod health;
pub mod ids;
pub mod jobs;
pub mod lockout;
pub mod mobile;
pub mod mobile_bulk;
pub mod mobile_operator;
pub mod password;
pub mod phonefiles;
pub mod preferences;
pub mod prov;
pub mod provisioning;

pub mod rbac;
pub mod remote;
pub mod repository;
pub mod sip;
pub mod system;
pub mod validation;

pub use ids::*;
pub use rbac::{Capability, Principal, Role, Scope};
pub use validation::{FieldError, Rule};
