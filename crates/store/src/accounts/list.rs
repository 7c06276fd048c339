//! The account list (OPR-8): filters, search across every shown field and the labels, sort
//! columns, paging; a Supervisor sees the accounts it created (OPR-9). Also the account counts.

use super::{Account, COLUMNS};
use crate::list::{col, like, lower, order, related, select_from, Filter};
use crate::sql::{PageRequest, SortOrder};
use crate::{Result, Store};
use patchbay_domain::{AccountId, Role};
use sea_query::Expr;
use sqlx::Row;

/// List filters (OPR-8). `created_by` limits a Supervisor to the accounts it created (OPR-9).
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    pub search: Option<String>,
    pub role: Option<Role>,
    pub label: Option<String>,
    pub created_by: Option<AccountId>,
}

crate::sort_columns! {
    /// Sortable columns of the account list.
    pub enum AccountSort {
        LoginName => "loginName" => "a.login_key",
        FirstName => "firstName" => "LOWER(a.first_name)",
        LastName => "lastName" => "LOWER(a.last_name)",
        PhoneNumber => "phoneNumber" => "a.phone_number",
        Mobile => "mobile" => "a.mobile",
        Role => "role" => "a.role",
    }
}

impl Store {
    /// Enabled Administrators: the last one may not be disabled, demoted or deleted.
    #[tracing::instrument(skip_all)]
    pub async fn count_enabled_admins(&self) -> Result<i64> {
        Ok(sqlx::query(
            "SELECT COUNT(*) AS n FROM accounts WHERE role = 'administrator' AND disabled = 0",
        )
        .fetch_one(self.pool())
        .await?
        .try_get("n")?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn count_accounts(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM accounts")
            .fetch_one(self.pool())
            .await?
            .try_get("n")?)
    }

    /// OPR-8 list: filter, search across every shown field (labels included), sort, page.
    #[tracing::instrument(skip_all)]
    pub async fn list_accounts(
        &self,
        filter: &AccountFilter,
        sort: Option<(AccountSort, SortOrder)>,
        page: PageRequest,
    ) -> Result<(Vec<Account>, i64)> {
        let labels = || related("account_labels", "l", "l.account_id = a.id");
        let f = Filter::new()
            .eq("a.role", filter.role.map(|r| r.as_str()))
            .eq("a.created_by", filter.created_by.map(|a| a.to_string()))
            .when(
                filter.label.is_some(),
                Expr::exists(
                    labels()
                        .and_where(col("l.label").eq(filter.label.clone().unwrap_or_default()))
                        .to_owned(),
                ),
            )
            .search(
                &[
                    "a.login_name",
                    "a.first_name",
                    "a.last_name",
                    "a.phone_number",
                    "a.mobile",
                    "a.email",
                    "a.role",
                ],
                filter.search.as_deref(),
                |p| {
                    vec![Expr::exists(
                        labels()
                            .and_where(lower("l.label").like(like(p)))
                            .to_owned(),
                    )]
                },
            );
        let mut q = select_from(COLUMNS, ("accounts", "a"), &[]);
        order(&mut q, sort, &["a.id"]);
        let page = self.count_and_page(q, f, page).await?;
        Ok((self.accounts_from_rows(page.items).await?, page.total))
    }
}
