//! Offline administration (`patchbay admin …`) and the first administrator (CLI-1).

use crate::HubError;
use patchbay_domain::account::{self, AccountFields};
use patchbay_domain::{password, CustomerId, FieldError, Role};
use patchbay_store::crypto::hash_password;
use patchbay_store::{Account, AuditMeta, NewAccount, Store, StoreError};
use rand::seq::SliceRandom;
use rand::Rng;

pub const FIRST_ADMIN: &str = "admin";

/// A random password that meets OPR-2 (20 characters from all four classes).
pub fn generate_password() -> String {
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const DIGIT: &[u8] = b"23456789";
    const SPECIAL: &[u8] = b"#%+-=@_";
    let mut rng = rand::thread_rng();
    let all: Vec<u8> = [UPPER, LOWER, DIGIT, SPECIAL].concat();
    let mut chars: Vec<u8> = [UPPER, LOWER, DIGIT, SPECIAL]
        .iter()
        .map(|set| set[rng.gen_range(0..set.len())])
        .collect();
    while chars.len() < 20 {
        chars.push(all[rng.gen_range(0..all.len())]);
    }
    chars.shuffle(&mut rng);
    String::from_utf8(chars).unwrap_or_default()
}

/// When no account exists: create `admin` with a one-time password (forced change at first
/// login) and return the login and password, to be printed once.
pub async fn ensure_first_admin(store: &Store) -> Result<Option<(String, String)>, HubError> {
    if store.count_accounts().await? > 0 {
        return Ok(None);
    }
    let pw = generate_password();
    let hash = {
        let pw = pw.clone();
        tokio::task::spawn_blocking(move || hash_password(&pw))
            .await
            .unwrap_or_default()
    };
    // The bootstrap account does not expire; administrators may set a date later.
    let fields = AccountFields::new(FIRST_ADMIN, Role::Administrator);
    match store
        .create_account(
            &AuditMeta::system(),
            NewAccount {
                fields,
                password_hash: hash,
                created_by: None,
                customer_id: None,
            },
        )
        .await
    {
        Ok(_) => Ok(Some((FIRST_ADMIN.into(), pw))),
        // Another node created it first.
        Err(StoreError::Taken(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("invalid account: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error("no account with login {0:?}")]
    NoSuchLogin(String),
    #[error("a customer administrator needs --customer-id of an existing customer")]
    Customer,
    #[error("no customer with customer ID {0:?}")]
    NoSuchCustomer(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// `patchbay admin create-user`: validated like the API, no forced password change (the operator
/// chose the password), audited as the CLI.
pub async fn create_user(
    store: &Store,
    login: &str,
    role: Role,
    password_text: &str,
    customer: Option<&str>,
) -> Result<Account, AdminError> {
    let customer = match (role, customer) {
        (Role::CustomerAdmin, None) => return Err(AdminError::Customer),
        (Role::CustomerAdmin, Some(cid)) => Some(resolve_customer(store, cid).await?),
        _ => None,
    };

    let today = jiff::Zoned::now().date();
    let fields = account::normalise(AccountFields {
        read_only_mode: role.default_read_only_mode(),
        force_password_change: false,
        expires_on: Some(account::default_expiry(today)),
        ..AccountFields::new(login, role)
    });
    let mut errors = account::validate(&fields, today).err().unwrap_or_default();
    if let Err(r) = password::check_policy(password_text) {
        errors.push(FieldError::new("password", r));
    }
    if !errors.is_empty() {
        return Err(AdminError::Invalid(errors));
    }
    let pw = password_text.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&pw))
        .await
        .unwrap_or_default();
    match store
        .create_account(
            &AuditMeta::cli(),
            NewAccount {
                fields,
                password_hash: hash,
                created_by: None,
                customer_id: customer,
            },
        )
        .await
    {
        Err(StoreError::Taken(_)) => Err(AdminError::Invalid(vec![FieldError::new(
            "loginName",
            patchbay_domain::Rule::Taken,
        )])),
        other => Ok(other?),
    }
}

/// A customer by its customer ID (as used in remote-support addresses) or by its id (orgId).
async fn resolve_customer(store: &Store, cid: &str) -> Result<CustomerId, AdminError> {
    if let Some(c) = store.service_credentials(cid).await? {
        return Ok(c.id);
    }
    if let Ok(id) = cid.parse::<CustomerId>() {
        if store
            .customer_in_scope(patchbay_domain::Scope::All, id)
            .await?
        {
            return Ok(id);
        }
    }
    Err(AdminError::NoSuchCustomer(cid.to_string()))
}

/// `patchbay admin create-token`: a bearer token for the account (printed once).
pub async fn create_token(store: &Store, login: &str, name: &str) -> Result<String, AdminError> {
    let Some((account, _)) = store.account_for_login(login).await? else {
        return Err(AdminError::NoSuchLogin(login.to_string()));
    };
    Ok(store
        .create_token(&AuditMeta::cli(), account.id, name)
        .await?)
}

/// `patchbay admin reset-password`: set a password (policy checked) and force a change at next
/// login.
pub async fn reset_password(
    store: &Store,
    login: &str,
    password_text: &str,
) -> Result<(), AdminError> {
    let Some((account, _)) = store.account_for_login(login).await? else {
        return Err(AdminError::NoSuchLogin(login.to_string()));
    };
    password::check_policy(password_text)
        .map_err(|r| AdminError::Invalid(vec![FieldError::new("password", r)]))?;
    let pw = password_text.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&pw))
        .await
        .unwrap_or_default();
    let mut f = account.fields.clone();
    f.force_password_change = true;
    f.disabled = false;
    store
        .update_account(&AuditMeta::cli(), account.id, &f, Some(hash))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn opr_2_generated_passwords_meet_the_policy() {
        for _ in 0..200 {
            let p = super::generate_password();
            assert_eq!(patchbay_domain::password::check_policy(&p), Ok(()), "{p}");
            assert_eq!(patchbay_domain::password::classes(&p), 4);
        }
    }
}
