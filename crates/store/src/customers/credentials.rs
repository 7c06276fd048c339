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
