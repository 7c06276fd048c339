//! The customer's service credentials: what the agent gateway checks when a system connects, and
//! the sealed password for re-sending connection details.

use crate::audit::parse_id;
use crate::{get_flag, Result, Store, StoreError};
use patchbay_domain::CustomerId;
use sqlx::Row;

/// What the agent gateway needs to authenticate a system.
#[derive(Debug, Clone)]
pub struct ServiceCredentials {
    pub id: CustomerId,
    pub service_user_name: String,
    pub sealed_password: String,
    pub service_disabled: bool,
}

/// Everything the agent gateway checks before admitting a system, read in one round trip.
#[derive(Debug, Clone)]
pub struct Admission {
    pub credentials: ServiceCredentials,
    /// Wrong service passwords since the lockout's look-back.
    pub failures: Vec<jiff::Timestamp>,
    /// Systems of the customer connected now (any node), other than the one connecting.
    pub others_connected: i64,
    /// CUS-8: enrolled and not confirmed yet: refused until a staff member confirms it.
    pub enrolment_pending: bool,
}

impl Store {
    /// The sealed service password of a customer (for re-sending connection details).
    pub async fn customer_sealed_password(&self, id: CustomerId) -> Result<String> {
        let row = sqlx::query("SELECT service_password FROM customers WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(row
            .ok_or(StoreError::NotFound)?
            .try_get("service_password")?)
    }

    /// SYS-1 / SYS-3: a connecting system's customer by its public ID — credentials, the wrong
    /// passwords since `failures_since_ms` and the customer's other connected systems — in one
    /// statement (one row per recent failure, or one row without). `None` for an unknown ID.
    #[tracing::instrument(skip_all)]
    pub async fn agent_admission(
        &self,
        customer_id: &str,
        system_name: &str,
        failures_since_ms: i64,
    ) -> Result<Option<Admission>> {
        let rows = sqlx::query(
            "SELECT c.id, c.service_user_name, c.service_password, c.service_disabled, c.enrolment_pending, f.at, \
             (SELECT COUNT(*) FROM systems s WHERE s.customer_id = c.id AND s.connected_node IS NOT NULL AND s.name <> $2) AS others \
             FROM customers c LEFT JOIN service_failures f ON f.customer_id = c.id AND f.at >= $3 \
             WHERE c.customer_id = $1",
        )
        .bind(customer_id)
        .bind(system_name)
        .bind(failures_since_ms)
        .fetch_all(self.admission_pool())
        .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let credentials = ServiceCredentials {
            id: parse_id(first.try_get("id")?)?,
            service_user_name: first.try_get("service_user_name")?,
            sealed_password: first.try_get("service_password")?,
            service_disabled: get_flag(first, "service_disabled")?,
        };
        let mut failures = Vec::new();
        for r in &rows {
            if let Some(at) = r.try_get::<Option<i64>, _>("at")? {
                failures.push(crate::ts(at));
            }
        }
        Ok(Some(Admission {
            credentials,
            failures,
            others_connected: first.try_get("others")?,
            enrolment_pending: get_flag(first, "enrolment_pending")?,
        }))
    }

    /// Credentials for the agent gateway, by the public customer ID.
    #[tracing::instrument(skip_all)]
    pub async fn service_credentials(
        &self,
        customer_id: &str,
    ) -> Result<Option<ServiceCredentials>> {
        let row = sqlx::query("SELECT id, service_user_name, service_password, service_disabled FROM customers WHERE customer_id = $1")
            .bind(customer_id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok(ServiceCredentials {
                id: parse_id(r.try_get("id")?)?,
                service_user_name: r.try_get("service_user_name")?,
                sealed_password: r.try_get("service_password")?,
                service_disabled: get_flag(&r, "service_disabled")?,
            })
        })
        .transpose()
    }
}
