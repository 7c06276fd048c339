//! Operator accounts (OPR-1 … OPR-9): rows, labels, password history, avatars.

use crate::audit::{parse_id, write, AuditEntry, AuditMeta};
use crate::list::{col, like, lower, order, related, Filter};
use crate::sql::{PageRequest, SortOrder};
use crate::{flag, get_flag, now_ms, ts, unique_as, Result, Store, StoreError, Taken};
use patchbay_domain::account::{display_name, login_key, AccountFields};
use patchbay_domain::{AccountId, CustomerId, Principal, Role};
use sea_query::{Alias, Expr, Order, Query};
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

/// What creating an account needs beyond its fields.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub fields: AccountFields,
    pub password_hash: String,
    pub created_by: Option<AccountId>,
    pub customer_id: Option<CustomerId>,
}

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

async fn replace_labels(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: AccountId,
    labels: &[String],
) -> Result<()> {
    sqlx::query("DELETE FROM account_labels WHERE account_id = $1")
        .bind(id.to_string())
        .execute(&mut **tx)
        .await?;
    for l in labels {
        sqlx::query("INSERT INTO account_labels (account_id, label) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(l.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn summary(f: &AccountFields) -> String {
    format!(
        "role={} labels={} disabled={} kiosk={} readOnly={} forcePasswordChange={} expiresOn={}",
        f.role,
        f.labels.join(","),
        f.disabled,
        f.kiosk_mode,
        f.read_only_mode,
        f.force_password_change,
        f.expires_on.map(|d| d.to_string()).unwrap_or_default()
    )
}

impl Store {
    /// Labels of several accounts in one query.
    async fn labels_of(&self, ids: &[AccountId]) -> Result<HashMap<AccountId, Vec<String>>> {
        let mut map: HashMap<AccountId, Vec<String>> = HashMap::new();
        if ids.is_empty() {
            return Ok(map);
        }
        let q = Query::select()
            .columns([Alias::new("account_id"), Alias::new("label")])
            .from(Alias::new("account_labels"))
            .and_where(col("account_id").is_in(ids.iter().map(|i| i.to_string())))
            .order_by(Alias::new("label"), Order::Asc)
            .to_owned();
        for r in self.select_all(&q).await? {
            let id: AccountId = parse_id(r.try_get("account_id")?)?;
            map.entry(id).or_default().push(r.try_get("label")?);
        }
        Ok(map)
    }

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

    /// Create an account with its labels and first password-history entry, audited.
    #[tracing::instrument(skip_all, fields(login = %new.fields.login_name))]
    pub async fn create_account(&self, meta: &AuditMeta, new: NewAccount) -> Result<Account> {
        let id = AccountId::new();
        let now = now_ms();
        let f = &new.fields;
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO accounts (id, login_name, login_key, password_hash, role, first_name, last_name, \
             phone_number, mobile, email, session_timeout_minutes, kiosk_mode, read_only_mode, disabled, \
             force_password_change, expires_on, language, customer_id, created_by, created_at, updated_at, \
             password_changed_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$20,$20)",
        )
        .bind(id.to_string())
        .bind(f.login_name.as_str())
        .bind(login_key(&f.login_name))
        .bind(new.password_hash.as_str())
        .bind(f.role.as_str())
        .bind(f.first_name.as_str())
        .bind(f.last_name.as_str())
        .bind(f.phone_number.as_str())
        .bind(f.mobile.as_str())
        .bind(f.email.as_str())
        .bind(f.session_timeout_minutes)
        .bind(flag(f.kiosk_mode))
        .bind(flag(f.read_only_mode))
        .bind(flag(f.disabled))
        .bind(flag(f.force_password_change))
        .bind(f.expires_on.map(|d| d.to_string()))
        .bind(f.language.as_str())
        .bind(new.customer_id.map(|c| c.to_string()))
        .bind(new.created_by.map(|c| c.to_string()))
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(unique_as(Taken::LoginName))?;
        replace_labels(&mut tx, id, &f.labels).await?;
        sqlx::query("INSERT INTO password_history (account_id, password_hash, created_at) VALUES ($1, $2, $3)")
            .bind(id.to_string())
            .bind(new.password_hash.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "account.create",
                target_type: "account",
                target_id: id.to_string(),
                target_name: f.login_name.clone(),
                outcome: "success",
                detail: summary(f),
            },
        )
        .await?;
        tx.commit().await?;
        self.account(id).await
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
        let labels = self.labels_of(&[id]).await?.remove(&id).unwrap_or_default();
        account_from_row(&row, labels)
    }

    /// The account and its password hash for a login attempt.
    #[tracing::instrument(skip_all)]
    pub async fn account_for_login(&self, login: &str) -> Result<Option<(Account, String)>> {
        let sql = format!("SELECT {COLUMNS}, password_hash FROM accounts WHERE login_key = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(login_key(login))
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let hash: String = row.try_get("password_hash")?;
        let id: AccountId = parse_id(row.try_get("id")?)?;
        let labels = self.labels_of(&[id]).await?.remove(&id).unwrap_or_default();
        Ok(Some((account_from_row(&row, labels)?, hash)))
    }

    /// The stored hash of the account's current password.
    pub async fn password_hash(&self, id: AccountId) -> Result<String> {
        let Some(row) = sqlx::query("SELECT password_hash FROM accounts WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
        else {
            return Err(StoreError::NotFound);
        };
        Ok(row.try_get("password_hash")?)
    }

    /// Hashes of the last `n` passwords (current included), newest first, for OPR-2.
    #[tracing::instrument(skip_all)]
    pub async fn password_history(&self, id: AccountId, n: i64) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT password_hash FROM password_history WHERE account_id = $1 ORDER BY created_at DESC LIMIT $2",
        )
        .bind(id.to_string())
        .bind(n.max(1))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok(r.try_get("password_hash")?))
            .collect()
    }

    /// Replace an account's fields (and password when given), audited.
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn update_account(
        &self,
        meta: &AuditMeta,
        id: AccountId,
        f: &AccountFields,
        new_password_hash: Option<String>,
    ) -> Result<Account> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE accounts SET login_name=$2, login_key=$3, role=$4, first_name=$5, last_name=$6, \
             phone_number=$7, mobile=$8, email=$9, session_timeout_minutes=$10, kiosk_mode=$11, \
             read_only_mode=$12, disabled=$13, force_password_change=$14, expires_on=$15, language=$16, \
             updated_at=$17 WHERE id=$1",
        )
        .bind(id.to_string())
        .bind(f.login_name.as_str())
        .bind(login_key(&f.login_name))
        .bind(f.role.as_str())
        .bind(f.first_name.as_str())
        .bind(f.last_name.as_str())
        .bind(f.phone_number.as_str())
        .bind(f.mobile.as_str())
        .bind(f.email.as_str())
        .bind(f.session_timeout_minutes)
        .bind(flag(f.kiosk_mode))
        .bind(flag(f.read_only_mode))
        .bind(flag(f.disabled))
        .bind(flag(f.force_password_change))
        .bind(f.expires_on.map(|d| d.to_string()))
        .bind(f.language.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(unique_as(Taken::LoginName))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        replace_labels(&mut tx, id, &f.labels).await?;
        if let Some(hash) = &new_password_hash {
            set_password_in(&mut tx, id, hash, now).await?;
        }
        if f.disabled {
            // A disabled account keeps no live session.
            sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "account.update",
                target_type: "account",
                target_id: id.to_string(),
                target_name: f.login_name.clone(),
                outcome: "success",
                detail: format!(
                    "{}{}",
                    summary(f),
                    if new_password_hash.is_some() {
                        " password=changed"
                    } else {
                        ""
                    }
                ),
            },
        )
        .await?;
        tx.commit().await?;
        self.account(id).await
    }

    /// Change an account's own password (OPR-6): records history, clears the forced-change flag
    /// and ends every session of the account.
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn change_password(&self, meta: &AuditMeta, id: AccountId, hash: &str) -> Result<()> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        set_password_in(&mut tx, id, hash, now).await?;
        sqlx::query("UPDATE accounts SET force_password_change = 0, updated_at = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE account_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "account.password.change",
                target_type: "account",
                target_id: id.to_string(),
                target_name: meta.actor_login.clone(),
                outcome: "success",
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// OPR-4: the first-login terms were accepted.
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn accept_terms(&self, meta: &AuditMeta, id: AccountId) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE accounts SET terms_accepted_at = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "account.terms.accept",
                target_type: "account",
                target_id: id.to_string(),
                target_name: meta.actor_login.clone(),
                outcome: "success",
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Set the account's language (chosen at login).
    pub async fn set_language(&self, id: AccountId, language: &str) -> Result<()> {
        sqlx::query("UPDATE accounts SET language = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(language)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Delete accounts (all or nothing), audited per account. Returns the deleted login names.
    #[tracing::instrument(skip_all)]
    pub async fn delete_accounts(
        &self,
        meta: &AuditMeta,
        ids: &[AccountId],
    ) -> Result<Vec<String>> {
        let mut tx = self.begin().await?;
        let mut names = Vec::new();
        for id in ids {
            let Some(row) = sqlx::query("SELECT login_name FROM accounts WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&mut *tx)
                .await?
            else {
                return Err(StoreError::NotFound);
            };
            let name: String = row.try_get("login_name")?;
            sqlx::query("DELETE FROM accounts WHERE id = $1")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
            write(
                &mut tx,
                meta,
                AuditEntry {
                    action: "account.delete",
                    target_type: "account",
                    target_id: id.to_string(),
                    target_name: name.clone(),
                    outcome: "success",
                    ..Default::default()
                },
            )
            .await?;
            names.push(name);
        }
        tx.commit().await?;
        Ok(names)
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
        let mut q = Query::select()
            .expr(Expr::cust(COLUMNS))
            .from_as(Alias::new("accounts"), Alias::new("a"))
            .to_owned();
        order(&mut q, sort, &["a.id"]);
        let page = self.count_and_page(q, f, page).await?;
        Ok((self.accounts_from_rows(page.items).await?, page.total))
    }

    /// Store the avatar (already checked), audited.
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn set_avatar(
        &self,
        meta: &AuditMeta,
        id: AccountId,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO account_avatars (account_id, content_type, bytes, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (account_id) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes, updated_at = excluded.updated_at",
        )
        .bind(id.to_string())
        .bind(content_type)
        .bind(bytes.to_vec())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        write(
            &mut tx,
            meta,
            AuditEntry {
                action: "account.avatar.update",
                target_type: "account",
                target_id: id.to_string(),
                target_name: meta.actor_login.clone(),
                outcome: "success",
                detail: format!("{content_type}, {} bytes", bytes.len()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The avatar's content type and bytes, if one was uploaded.
    pub async fn avatar(&self, id: AccountId) -> Result<Option<(String, Vec<u8>)>> {
        let row =
            sqlx::query("SELECT content_type, bytes FROM account_avatars WHERE account_id = $1")
                .bind(id.to_string())
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| Ok((r.try_get("content_type")?, r.try_get("bytes")?)))
            .transpose()
    }

    /// OPR-1: disable every account whose expiry date has come; audited. Returns how many.
    #[tracing::instrument(skip_all)]
    pub async fn disable_expired_accounts(&self, today: jiff::civil::Date) -> Result<u64> {
        let mut tx = self.begin().await?;
        let rows = sqlx::query(
            "SELECT id, login_name FROM accounts WHERE disabled = 0 AND expires_on IS NOT NULL AND expires_on <= $1",
        )
        .bind(today.to_string())
        .fetch_all(&mut *tx)
        .await?;
        for r in &rows {
            let id: String = r.try_get("id")?;
            let name: String = r.try_get("login_name")?;
            sqlx::query("UPDATE accounts SET disabled = 1, updated_at = $2 WHERE id = $1")
                .bind(id.as_str())
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?;
            write(
                &mut tx,
                &AuditMeta::system(),
                AuditEntry {
                    action: "account.expire",
                    target_type: "account",
                    target_id: id,
                    target_name: name,
                    outcome: "success",
                    ..Default::default()
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }
}

async fn set_password_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: AccountId,
    hash: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE accounts SET password_hash = $2, password_changed_at = $3 WHERE id = $1")
        .bind(id.to_string())
        .bind(hash)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO password_history (account_id, password_hash, created_at) VALUES ($1, $2, $3)",
    )
    .bind(id.to_string())
    .bind(hash)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    // Keep the history bounded: the preference cannot exceed 24.
    sqlx::query(
        "DELETE FROM password_history WHERE account_id = $1 AND created_at < \
         (SELECT MIN(created_at) FROM (SELECT created_at FROM password_history WHERE account_id = $1 \
         ORDER BY created_at DESC LIMIT 25) AS recent)",
    )
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::AuditFilter;

    pub(crate) fn fields(login: &str, role: Role) -> AccountFields {
        AccountFields {
            login_name: login.into(),
            role,
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            phone_number: String::new(),
            mobile: String::new(),
            email: format!("{login}@example.com"),
            labels: vec!["north".into(), "blue".into()],
            session_timeout_minutes: None,
            kiosk_mode: false,
            read_only_mode: false,
            disabled: false,
            force_password_change: true,
            expires_on: None,
            language: "en".into(),
        }
    }

    async fn create(s: &Store, login: &str, role: Role) -> Account {
        s.create_account(
            &AuditMeta::cli(),
            NewAccount {
                fields: fields(login, role),
                password_hash: "h".into(),
                created_by: None,
                customer_id: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[tokio::test]
    async fn opr_1_login_name_unique_case_insensitively() {
        let s = crate::testing::store().await;
        create(&s, "Alice", Role::Operator).await;
        let err = s
            .create_account(
                &AuditMeta::cli(),
                NewAccount {
                    fields: fields("alice", Role::Operator),
                    password_hash: "h".into(),
                    created_by: None,
                    customer_id: None,
                },
            )
            .await;
        assert!(
            matches!(err, Err(StoreError::Taken(Taken::LoginName))),
            "{err:?}"
        );
        // Nothing half-written: still one account, one audit record.
        assert_eq!(s.count_accounts().await.ok(), Some(1));
        let (events, _) = s
            .list_audit(&AuditFilter::default(), PageRequest::new(0, 10))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(events.len(), 1);
    }

    #[tokio::test]
    async fn opr_8_list_search_filter_sort_page() {
        let s = crate::testing::store().await;
        for (l, r) in [
            ("bob", Role::Operator),
            ("carol", Role::Support),
            ("dave", Role::Operator),
        ] {
            create(&s, l, r).await;
        }
        let all = |f: AccountFilter, sort| {
            let s = s.clone();
            async move {
                let (items, total) = s
                    .list_accounts(&f, sort, PageRequest::new(0, 2))
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                (
                    items
                        .into_iter()
                        .map(|a| a.fields.login_name)
                        .collect::<Vec<_>>(),
                    total,
                )
            }
        };
        let (names, total) = all(
            AccountFilter::default(),
            Some((AccountSort::LoginName, SortOrder::Desc)),
        )
        .await;
        assert_eq!(
            (names, total),
            (vec!["dave".to_string(), "carol".to_string()], 3)
        );
        let (names, _) = all(
            AccountFilter {
                role: Some(Role::Operator),
                ..Default::default()
            },
            Some((AccountSort::LoginName, SortOrder::Asc)),
        )
        .await;
        assert_eq!(names, ["bob", "dave"]);
        let (names, total) = all(
            AccountFilter {
                search: Some("CAR".into()),
                ..Default::default()
            },
            None,
        )
        .await;
        assert_eq!((names, total), (vec!["carol".to_string()], 1));
        // Search reaches labels and e-mail; wildcards typed by the user are literal.
        let (_, total) = all(
            AccountFilter {
                search: Some("nort".into()),
                ..Default::default()
            },
            None,
        )
        .await;
        assert_eq!(total, 3);
        let (_, total) = all(
            AccountFilter {
                search: Some("%".into()),
                ..Default::default()
            },
            None,
        )
        .await;
        assert_eq!(total, 0);
        let (_, total) = all(
            AccountFilter {
                label: Some("blue".into()),
                ..Default::default()
            },
            None,
        )
        .await;
        assert_eq!(total, 3);
    }

    #[tokio::test]
    async fn opr_6_password_change_ends_sessions_and_keeps_history() {
        let s = crate::testing::store().await;
        let a = create(&s, "erin", Role::Operator).await;
        let (token, _) = s
            .open_session(&AuditMeta::cli(), a.id, "en", None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        s.change_password(&AuditMeta::cli(), a.id, "h2")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(s
            .session(&token)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_none());
        assert_eq!(
            s.password_history(a.id, 5).await.ok(),
            Some(vec!["h2".to_string(), "h".to_string()])
        );
        assert!(!s
            .account(a.id)
            .await
            .map(|a| a.fields.force_password_change)
            .unwrap_or(true));
    }

    #[tokio::test]
    async fn opr_1_expired_accounts_become_disabled() {
        let s = crate::testing::store().await;
        let a = create(&s, "fay", Role::Operator).await;
        let mut f = a.fields.clone();
        f.expires_on = Some(jiff::civil::date(2026, 1, 1));
        s.update_account(&AuditMeta::cli(), a.id, &f, None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            s.disable_expired_accounts(jiff::civil::date(2025, 12, 31))
                .await
                .ok(),
            Some(0)
        );
        assert_eq!(
            s.disable_expired_accounts(jiff::civil::date(2026, 1, 1))
                .await
                .ok(),
            Some(1)
        );
        assert!(s
            .account(a.id)
            .await
            .map(|a| a.fields.disabled)
            .unwrap_or(false));
    }

    #[tokio::test]
    async fn opr_7_avatar_round_trip() {
        let s = crate::testing::store().await;
        let a = create(&s, "gus", Role::Operator).await;
        assert_eq!(s.avatar(a.id).await.ok(), Some(None));
        s.set_avatar(&AuditMeta::cli(), a.id, "image/png", b"\x89PNG")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            s.avatar(a.id).await.ok(),
            Some(Some(("image/png".to_string(), b"\x89PNG".to_vec())))
        );
    }
}
