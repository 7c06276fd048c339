//! Operator accounts (OPR-1 … OPR-9). This module holds the account as read back (row, labels,
//! principal); the rest is filed by concern:
//! - `write`: create, update and delete accounts, disable expired ones (OPR-1, OPR-9);
//! - `login`: what signing in needs — the login lookup, password hashes and history, password
//!   change (OPR-2, OPR-6), terms acceptance (OPR-4) and the chosen language;
//! - `list`: the filtered, searched, sorted and paged list (OPR-8) and the account counts;
//! - `avatar`: the account's picture (OPR-7).

mod avatar;
mod invitations;
mod list;
mod login;
mod write;

#[cfg(test)]
pub(crate) mod tests;

pub use list::{AccountFilter, AccountSort};
pub use write::NewAccount;

use crate::audit::parse_id;
use crate::list::col;
use crate::{get_flag, ts, Result, Store, StoreError};
use patchbay_domain::account::{display_name, AccountFields};
use patchbay_domain::{AccountId, CustomerId, Principal, Role};
use sea_query::{Alias, Order, Query};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;

/// An account as read back (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub fields: AccountFields,
    pub terms_accepted: bool,
    pub customer_id: Option<CustomerId>,
    pub created_by: Option<AccountId>,
    pub created_at: jiff::Timestamp,
    pub updated_at: jiff::Timestamp,
    pub password_changed_at: jiff::Timestamp,
}

impl Account {
    pub fn principal(&self) -> Principal {
        Principal {
            account_id: self.id,
            role: self.fields.role,
            read_only_mode: self.fields.read_only_mode,
            kiosk_mode: self.fields.kiosk_mode,
            customer_id: self.customer_id,
        }
    }
    pub fn display_name(&self) -> String {
        let n = display_name(&self.fields.first_name, &self.fields.last_name);
        if n.is_empty() {
            self.fields.login_name.clone()
        } else {
            n
        }
    }
}

/// The columns an [`Account`] is read from.
const COLUMNS: &str = "id, login_name, role, first_name, last_name, phone_number, mobile, email, \
    session_timeout_minutes, kiosk_mode, read_only_mode, disabled, force_password_change, expires_on, \
    language, terms_accepted_at, customer_id, created_by, created_at, updated_at, password_changed_at";

fn account_from_row(r: &AnyRow, labels: Vec<String>) -> Result<Account> {
    let role: String = r.try_get("role")?;
    let role: Role = role
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("role {role:?}")))?;
    let expires_on = r
        .try_get::<Option<String>, _>("expires_on")?
        .map(|d| {
            d.parse::<jiff::civil::Date>()
                .map_err(|_| StoreError::Corrupt(format!("date {d:?}")))
        })
        .transpose()?;
    Ok(Account {
        id: parse_id(r.try_get("id")?)?,
        fields: AccountFields {
            login_name: r.try_get("login_name")?,
            role,
            first_name: r.try_get("first_name")?,
            last_name: r.try_get("last_name")?,
            phone_number: r.try_get("phone_number")?,
            mobile: r.try_get("mobile")?,
            email: r.try_get("email")?,
            labels,
            session_timeout_minutes: r.try_get("session_timeout_minutes")?,
            kiosk_mode: get_flag(r, "kiosk_mode")?,
            read_only_mode: get_flag(r, "read_only_mode")?,
            disabled: get_flag(r, "disabled")?,
            force_password_change: get_flag(r, "force_password_change")?,
            expires_on,
            language: r.try_get("language")?,
        },
        terms_accepted: r.try_get::<Option<i64>, _>("terms_accepted_at")?.is_some(),
        customer_id: r
            .try_get::<Option<String>, _>("customer_id")?
            .map(parse_id)
            .transpose()?,
        created_by: r
            .try_get::<Option<String>, _>("created_by")?
            .map(parse_id)
            .transpose()?,
        created_at: ts(r.try_get("created_at")?),
        updated_at: ts(r.try_get("updated_at")?),
        password_changed_at: ts(r.try_get("password_changed_at")?),
    })
}

impl Store {
    /// Labels of several accounts in one query.
    async fn labels_of(&self, ids: &[AccountId]) -> Result<HashMap<AccountId, Vec<String>>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let q = Query::select()
            .columns([Alias::new("account_id"), Alias::new("label")])
            .from(Alias::new("account_labels"))
            .and_where(col("account_id").is_in(ids.iter().map(|i| i.to_string())))
            .order_by(Alias::new("label"), Order::Asc)
            .to_owned();
        self.grouped(
            &q,
            |r| parse_id(r.try_get("account_id")?),
            |r| Ok(r.try_get("label")?),
        )
        .await
    }

    /// Accounts of rows read with [`COLUMNS`], with their labels.
    async fn accounts_from_rows(&self, rows: Vec<AnyRow>) -> Result<Vec<Account>> {
        let ids = rows
            .iter()
            .map(|r| parse_id(r.try_get("id")?))
            .collect::<Result<Vec<AccountId>>>()?;
        let mut labels = self.labels_of(&ids).await?;
        rows.iter()
            .zip(ids)
            .map(|(r, id)| account_from_row(r, labels.remove(&id).unwrap_or_default()))
            .collect()
    }

    /// The account of one row read with [`COLUMNS`], with its labels.
    async fn account_from(&self, row: &AnyRow) -> Result<Account> {
        let id: AccountId = parse_id(row.try_get("id")?)?;
        let labels = self.labels_of(&[id]).await?.remove(&id).unwrap_or_default();
        account_from_row(row, labels)
    }

    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn account(&self, id: AccountId) -> Result<Account> {
        let sql = format!("SELECT {COLUMNS} FROM accounts WHERE id = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
        else {
            return Err(StoreError::NotFound);
        };
        self.account_from(&row).await
    }
}
