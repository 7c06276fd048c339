//! Creating, changing and deleting accounts, each audited in its own transaction; the daily
//! sweep that disables expired accounts (OPR-1).

use super::login::{record_password, set_password_in};
use super::Account;
use crate::audit::{write, AuditEntry, AuditMeta};
use crate::sessions::end_sessions_of;
use crate::{delete_by_id, flag, now_ms, unique_as, Result, Store, StoreError, Taken};
use patchbay_domain::account::{login_key, AccountFields};
use patchbay_domain::{AccountId, CustomerId};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Row};

/// What creating an account needs beyond its fields.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub fields: AccountFields,
    pub password_hash: String,
    pub created_by: Option<AccountId>,
    pub customer_id: Option<CustomerId>,
}

/// Bind the account's fields as `$2` … `$16`, in the column order shared by the INSERT of
/// [`Store::create_account`] and the UPDATE of [`Store::update_account`]: login_name, login_key,
/// role, first_name, last_name, phone_number, mobile, email, session_timeout_minutes, kiosk_mode,
/// read_only_mode, disabled, force_password_change, expires_on, language.
fn bind_fields<'q>(
    q: Query<'q, Any, AnyArguments<'q>>,
    f: &'q AccountFields,
) -> Query<'q, Any, AnyArguments<'q>> {
    q.bind(f.login_name.as_str())
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
}

async fn replace_labels(tx: &mut crate::Tx, id: AccountId, labels: &[String]) -> Result<()> {
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

/// The audit detail of an account's fields.
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
    /// Create an account with its labels and first password-history entry, audited.
    #[tracing::instrument(skip_all, fields(login = %new.fields.login_name))]
    pub async fn create_account(&self, meta: &AuditMeta, new: NewAccount) -> Result<Account> {
        let id = AccountId::new();
        let now = now_ms();
        let f = &new.fields;
        let mut tx = self.begin().await?;
        let insert = sqlx::query(
            "INSERT INTO accounts (id, login_name, login_key, role, first_name, last_name, \
             phone_number, mobile, email, session_timeout_minutes, kiosk_mode, read_only_mode, disabled, \
             force_password_change, expires_on, language, password_hash, customer_id, created_by, created_at, \
             updated_at, password_changed_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$20,$20)",
        )
        .bind(id.to_string());
        bind_fields(insert, f)
            .bind(new.password_hash.as_str())
            .bind(new.customer_id.map(|c| c.to_string()))
            .bind(new.created_by.map(|c| c.to_string()))
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(unique_as(Taken::LoginName))?;
        replace_labels(&mut tx, id, &f.labels).await?;
        record_password(&mut tx, id, &new.password_hash, now).await?;
        let entry = AuditEntry::success("account.create", "account", id, &f.login_name);
        write(&mut tx, meta, entry.with_detail(summary(f))).await?;
        tx.commit().await?;
        self.account(id).await
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
        // ONB-1: a pending invitation stops working when its address changes, the account is
        // disabled or a password is set for it by hand.
        let old_email: Option<String> = sqlx::query("SELECT email FROM accounts WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("email"))
            .transpose()?;
        if old_email.as_deref() != Some(f.email.as_str())
            || f.disabled
            || new_password_hash.is_some()
        {
            sqlx::query("DELETE FROM invitations WHERE account_id = $1")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        let update = sqlx::query(
            "UPDATE accounts SET login_name=$2, login_key=$3, role=$4, first_name=$5, last_name=$6, \
             phone_number=$7, mobile=$8, email=$9, session_timeout_minutes=$10, kiosk_mode=$11, \
             read_only_mode=$12, disabled=$13, force_password_change=$14, expires_on=$15, language=$16, \
             updated_at=$17 WHERE id=$1",
        )
        .bind(id.to_string());
        let done = bind_fields(update, f)
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
            end_sessions_of(&mut tx, &id.to_string()).await?;
        }
        let changed = if new_password_hash.is_some() {
            " password=changed"
        } else {
            ""
        };
        let entry = AuditEntry::success("account.update", "account", id, &f.login_name);
        write(&mut tx, meta, entry.with_detail(summary(f) + changed)).await?;
        tx.commit().await?;
        self.account(id).await
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
            delete_by_id(&mut tx, "accounts", &id.to_string()).await?;
            let entry = AuditEntry::success("account.delete", "account", id, &name);
            write(&mut tx, meta, entry).await?;
            names.push(name);
        }
        tx.commit().await?;
        Ok(names)
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
            end_sessions_of(&mut tx, &id).await?;
            let entry = AuditEntry::success("account.expire", "account", &id, name);
            write(&mut tx, &AuditMeta::system(), entry).await?;
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }
}
