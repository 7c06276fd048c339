//! Services: the steps a capability takes (check rules from `domain`, hash, call the `store`),
//! shared by the API and the console so both enforce the same rules.

pub mod accounts;
pub mod appcentre;
pub mod calling;
pub mod certificates;
pub mod customers;
pub mod customization;
pub mod disconnections;
pub mod enrolment;
pub mod ingest;
pub mod jobs;
pub mod login;
pub mod mail;
pub mod nodes;
pub mod phonefiles;
pub mod provisioning;
pub mod remote;
pub mod repository;
pub(crate) mod scratch;
pub mod sip;
pub mod system_certificates;
pub mod zip;

/// Run CPU-heavy work (argon2) off the async executor.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, crate::error::AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| crate::error::AppError::Internal(format!("blocking task: {e}")))
}

/// Most ids one bulk request may name: each bulk change is one transaction, and a long one would
/// hold SQLite's write lock against alarm ingest.
pub const MAX_BULK: usize = 1000;

pub fn check_bulk(ids: usize) -> Result<(), crate::error::AppError> {
    check_bulk_field("ids", ids)
}

/// [`check_bulk`] for a list named `field`.
pub fn check_bulk_field(field: &'static str, n: usize) -> Result<(), crate::error::AppError> {
    if n > MAX_BULK {
        return Err(crate::error::AppError::field(
            field,
            patchbay_domain::Rule::TooMany { max: MAX_BULK },
        ));
    }
    Ok(())
}

/// Today in the hub's local time zone.
pub fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}
