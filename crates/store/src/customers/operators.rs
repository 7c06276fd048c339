//! Operators of a customer (CUS-3): those assigned by hand and those whose labels name the
//! customer's distributor or reseller; which accounts may be assigned at all.

use crate::audit::parse_id;
use crate::list::{col, select_from, then_by};
use crate::{Result, Store};
use patchbay_domain::{AccountId, CustomerId};
use sea_query::JoinType;
use sqlx::Row;
use std::collections::HashMap;

impl Store {
    /// Manually assigned operators of several customers, in one query.
    pub(super) async fn operators_of(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, Vec<(AccountId, String)>>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut q = select_from(
            "o.customer_id, a.id, a.login_name",
            ("customer_operators", "o"),
            &[(JoinType::InnerJoin, "accounts", "a", "a.id = o.account_id")],
        );
        q.and_where(col("o.customer_id").is_in(ids.iter().cloned()));
        then_by(&mut q, &["a.login_key"]);
        self.grouped(
            &q,
            |r| Ok(r.try_get("customer_id")?),
            |r| Ok((parse_id(r.try_get("id")?)?, r.try_get("login_name")?)),
        )
        .await
    }

    /// CUS-3 tooltip: accounts assigned to a customer, manually or by label, excluding
    /// Administrator and Support (who see everything anyway).
    #[tracing::instrument(skip_all)]
    pub async fn assigned_accounts(
        &self,
        id: CustomerId,
    ) -> Result<Vec<(AccountId, String, bool)>> {
        let rows = sqlx::query(
            "SELECT a.id, a.login_name, \
               CASE WHEN EXISTS (SELECT 1 FROM customer_operators o WHERE o.customer_id = c.id AND o.account_id = a.id) THEN 1 ELSE 0 END AS manual \
             FROM accounts a, customers c WHERE c.id = $1 AND a.role NOT IN ('administrator', 'support', 'customer-admin') AND ( \
               EXISTS (SELECT 1 FROM customer_operators o WHERE o.customer_id = c.id AND o.account_id = a.id) \
               OR EXISTS (SELECT 1 FROM account_labels l WHERE l.account_id = a.id AND (LOWER(l.label) = c.distributor_key OR LOWER(l.label) = c.reseller_key))) \
             ORDER BY a.login_key",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    parse_id(r.try_get("id")?)?,
                    r.try_get("login_name")?,
                    r.try_get::<i64, _>("manual")? != 0,
                ))
            })
            .collect()
    }

    /// Whether the account exists and may be assigned to customers (operators' roles).
    pub async fn assignable_account(&self, id: AccountId) -> Result<bool> {
        let row = sqlx::query("SELECT role FROM accounts WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(row
            .map(|r| r.try_get::<String, _>("role"))
            .transpose()?
            .is_some_and(|r| matches!(r.as_str(), "supervisor" | "operator" | "read-only")))
    }
}
