//! Operator account management (OPR-1, OPR-2, OPR-6 … OPR-9).

use super::{blocking, today};
use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::account::{self, AccountFields};
use patchbay_domain::rbac::{creatable_roles, may_manage_account};
use patchbay_domain::{password, AccountId, Capability, CustomerId, Role, Rule};
use patchbay_store::crypto::{hash_password, verify_password};
use patchbay_store::lockout::Admission;
use patchbay_store::{Account, AccountFilter, AccountSort, NewAccount, PageRequest, SortOrder};

/// A create or update as parsed from a form or JSON body: every field optional; `None` keeps the
/// current value (update) or takes the default (create).
#[derive(Debug, Clone, Default)]
pub struct AccountPatch {
    pub login_name: Option<String>,
    pub password: Option<String>,
    pub role: Option<Role>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone_number: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub labels: Option<Vec<String>>,
    pub session_timeout_minutes: Option<Option<i64>>,
    pub kiosk_mode: Option<bool>,
    pub read_only_mode: Option<bool>,
    pub disabled: Option<bool>,
    pub force_password_change: Option<bool>,
    pub expires_on: Option<Option<jiff::civil::Date>>,
    pub language: Option<String>,
    pub customer_id: Option<CustomerId>,
}

impl AccountPatch {
    fn apply(self, mut f: AccountFields) -> AccountFields {
        macro_rules! take {
            ($($name:ident),*) => { $( if let Some(v) = self.$name { f.$name = v; } )* };
        }
        take!(
            login_name,
            role,
            first_name,
            last_name,
            phone_number,
            mobile,
            email,
            labels,
            session_timeout_minutes,
            kiosk_mode,
            read_only_mode,
            disabled,
            force_password_change,
            expires_on,
            language
        );
        f
    }
}

fn blank(role: Role) -> AccountFields {
    AccountFields {
        read_only_mode: role.default_read_only_mode(),
        expires_on: Some(account::default_expiry(today())),
        ..AccountFields::new("", role)
    }
}

/// OPR-9: a Supervisor may only hand out labels assigned to itself.
fn check_labels(caller: &Caller, labels: &[String], previous: &[String]) -> Result<(), AppError> {
    if caller.principal.role != Role::Supervisor {
        return Ok(());
    }
    for l in labels {
        if !caller.account.fields.labels.contains(l) && !previous.contains(l) {
            return Err(AppError::field(
                "labels",
                Rule::LabelNotAssigned { label: l.clone() },
            ));
        }
    }
    Ok(())
}

/// Password policy plus history (OPR-2). `history` are stored hashes, newest first.
async fn check_new_password(
    state: &AppState,
    id: Option<AccountId>,
    pw: &str,
) -> Result<String, AppError> {
    password::check_policy(pw).map_err(|r| AppError::field("password", r))?;
    if let Some(id) = id {
        let n = state.preferences().password_history_count;
        if n > 0 {
            let history = state.store.password_history(id, n).await?;
            let candidate = pw.to_string();
            let reused =
                blocking(move || history.iter().any(|h| verify_password(&candidate, h))).await?;
            if reused {
                return Err(AppError::field(
                    "password",
                    Rule::PasswordReused { count: n as u32 },
                ));
            }
        }
    }
    let pw = pw.to_string();
    blocking(move || hash_password(&pw)).await
}

fn check_role_allowed(caller: &Caller, role: Role) -> Result<(), AppError> {
    if creatable_roles(caller.principal.role).contains(&role) {
        Ok(())
    } else {
        Err(AppError::field(
            "role",
            Rule::NotForRole {
                role: role.to_string(),
            },
        ))
    }
}

/// Customer administrators are bound to exactly one customer the caller can see (RBAC-5).
async fn check_customer(
    state: &AppState,
    caller: &Caller,
    role: Role,
    customer: Option<CustomerId>,
) -> Result<(), AppError> {
    if role != Role::CustomerAdmin {
        // Only customer administrators are bound to a customer.
        return match customer {
            Some(_) => Err(AppError::field(
                "customerId",
                Rule::NotForRole {
                    role: role.to_string(),
                },
            )),
            None => Ok(()),
        };
    }
    let Some(c) = customer else {
        return Err(AppError::field("customerId", Rule::Required));
    };
    if !state
        .store
        .customer_in_scope(caller.principal.scope(), c)
        .await?
    {
        return Err(AppError::field("customerId", Rule::Invalid));
    }
    Ok(())
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    patch: AccountPatch,
) -> Result<Account, AppError> {
    // Which roles, and which customer for a Customer administrator, are checked below.
    caller.require(Capability::CreateCustomerAdmins)?;
    let role = patch
        .role
        .ok_or_else(|| AppError::field("role", Rule::Required))?;
    check_role_allowed(caller, role)?;
    let customer_id = patch.customer_id;
    check_customer(state, caller, role, customer_id).await?;
    let password = patch.password.clone().unwrap_or_default();
    let fields = account::normalise(patch.apply(blank(role)));
    let mut errors = account::validate(&fields, today())
        .err()
        .unwrap_or_default();
    if let Err(r) = password::check_policy(&password) {
        errors.push(patchbay_domain::FieldError::new("password", r));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    check_labels(caller, &fields.labels, &[])?;
    let hash = check_new_password(state, None, &password).await?;
    let account = state
        .store
        .create_account(
            &caller.meta(),
            NewAccount {
                fields,
                password_hash: hash,
                created_by: Some(caller.account.id),
                customer_id,
            },
        )
        .await?;
    Ok(account)
}

/// The account if the caller may manage it; 404 otherwise (a Supervisor does not learn of
/// accounts it did not create).
pub async fn get(state: &AppState, caller: &Caller, id: AccountId) -> Result<Account, AppError> {
    caller.require(Capability::ManageAccounts)?;
    let account = state.store.account(id).await?;
    let own = account.id == caller.account.id && caller.principal.role == Role::Administrator;
    if !own
        && !may_manage_account(
            &caller.principal,
            account.id,
            account.fields.role,
            account.created_by,
        )
    {
        return Err(AppError::NotFound);
    }
    Ok(account)
}

async fn enabled_admins(state: &AppState) -> Result<i64, AppError> {
    Ok(state.store.count_enabled_admins().await?)
}

pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: AccountId,
    patch: AccountPatch,
) -> Result<Account, AppError> {
    let current = get(state, caller, id).await?;
    let password = patch.password.clone();
    if let Some(role) = patch.role {
        if role != current.fields.role {
            check_role_allowed(caller, role)?;
            // A customer administrator's binding is made at creation: no role change into or out
            // of it (RBAC-5).
            if role == Role::CustomerAdmin || current.fields.role == Role::CustomerAdmin {
                return Err(AppError::field("role", Rule::NotAllowed));
            }
        }
    }
    if patch
        .customer_id
        .is_some_and(|c| Some(c) != current.customer_id)
    {
        return Err(AppError::field("customerId", Rule::NotAllowed));
    }
    let fields = account::normalise(patch.apply(current.fields.clone()));
    if id == caller.account.id && (fields.disabled || fields.role != current.fields.role) {
        return Err(AppError::Conflict(
            "conflict-own-account",
            "You cannot disable your own account or change your own role.".into(),
        ));
    }
    if current.fields.role == Role::Administrator
        && !current.fields.disabled
        && (fields.disabled || fields.role != Role::Administrator)
        && enabled_admins(state).await? <= 1
    {
        return Err(AppError::Conflict(
            "conflict-last-admin",
            "The last enabled Administrator cannot be disabled or demoted.".into(),
        ));
    }
    let mut errors = account::validate(&fields, today())
        .err()
        .unwrap_or_default();
    if let Some(pw) = &password {
        if let Err(r) = password::check_policy(pw) {
            errors.push(patchbay_domain::FieldError::new("password", r));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    check_labels(caller, &fields.labels, &current.fields.labels)?;
    let hash = match &password {
        Some(pw) => Some(check_new_password(state, Some(id), pw).await?),
        None => None,
    };
    Ok(state
        .store
        .update_account(&caller.meta(), id, &fields, hash)
        .await?)
}

/// Delete several accounts, all or nothing; never one's own (OPR-8), never the last Administrator.
pub async fn delete(
    state: &AppState,
    caller: &Caller,
    ids: &[AccountId],
) -> Result<Vec<String>, AppError> {
    if ids.contains(&caller.account.id) {
        return Err(AppError::Conflict(
            "conflict-delete-self",
            "You cannot delete your own account.".into(),
        ));
    }
    let mut admins_deleted = 0;
    for id in ids {
        let a = get(state, caller, *id).await?;
        if a.fields.role == Role::Administrator && !a.fields.disabled {
            admins_deleted += 1;
        }
    }
    if admins_deleted > 0 && enabled_admins(state).await? <= admins_deleted {
        return Err(AppError::Conflict(
            "conflict-last-admin",
            "The last enabled Administrator cannot be deleted.".into(),
        ));
    }
    Ok(state.store.delete_accounts(&caller.meta(), ids).await?)
}

/// The account list as the caller may see it (OPR-8, OPR-9).
pub async fn list(
    state: &AppState,
    caller: &Caller,
    mut filter: AccountFilter,
    sort: Option<(AccountSort, SortOrder)>,
    page: PageRequest,
) -> Result<(Vec<Account>, i64), AppError> {
    caller.require(Capability::ManageAccounts)?;
    if caller.principal.role == Role::Supervisor {
        filter.created_by = Some(caller.account.id);
        filter.role = Some(Role::Operator);
    }
    Ok(state.store.list_accounts(&filter, sort, page).await?)
}

/// OPR-6: change one's own password (old + new); ends every session of the account.
pub async fn change_own_password(
    state: &AppState,
    caller: &Caller,
    old: &str,
    new: &str,
    confirm: Option<&str>,
) -> Result<(), AppError> {
    caller.require(Capability::OwnProfile)?;
    // OPR-3: proving the current password is a login attempt on the account, under the same
    // lockout as the console's (a stolen token must not guess the password either).
    let login = caller.account.fields.login_name.as_str();
    let attempt = match state.store.admit_login_attempt(login).await? {
        Admission::Admitted(a) => a,
        Admission::Blocked { until } => {
            return Err(AppError::RateLimited {
                retry_after_secs: super::login::blocked_secs(until),
            })
        }
    };
    let current = state.store.password_hash(caller.account.id).await?;
    let old = old.to_string();
    if !blocking(move || verify_password(&old, &current)).await? {
        state
            .store
            .login_attempt_failed(
                &caller.meta(),
                &attempt,
                "password-change",
                login,
                "wrong current password",
            )
            .await?;
        return Err(AppError::field("oldPassword", Rule::PasswordWrong));
    }
    state.store.login_attempt_succeeded(&attempt).await?;
    if let Some(c) = confirm {
        if c != new {
            return Err(AppError::field("confirmPassword", Rule::PasswordMismatch));
        }
    }
    let hash = check_new_password(state, Some(caller.account.id), new)
        .await
        .map_err(|e| match e {
            AppError::Validation(mut v) => {
                for f in &mut v {
                    f.field = "newPassword".into();
                }
                AppError::Validation(v)
            }
            other => other,
        })?;
    state
        .store
        .change_password(&caller.meta(), caller.account.id, &hash)
        .await?;
    Ok(())
}

/// OPR-7: upload one's avatar (type and size checked).
pub async fn set_avatar(state: &AppState, caller: &Caller, bytes: &[u8]) -> Result<(), AppError> {
    caller.require(Capability::OwnProfile)?;
    let content_type = account::check_avatar(bytes).map_err(|r| AppError::field("avatar", r))?;
    if imagesize::blob_size(bytes).is_err() {
        return Err(AppError::field("avatar", Rule::ImageType));
    }
    state
        .store
        .set_avatar(&caller.meta(), caller.account.id, content_type, bytes)
        .await?;
    Ok(())
}

/// ONB-1: how long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// A password nobody knows, for an account whose owner sets theirs from an invitation.
pub fn unknown_password() -> String {
    // 24 random characters (144 bits); the policy's length is at most 31.
    let token = patchbay_store::crypto::random_token();
    format!("Aa1-{}", &token[..24])
}

/// ONB-1: e-mail `account` a one-time link to set its own password (valid
/// [`INVITATION_DAYS`]), through the outbox (a sensitive mail: never listed, blanked once
/// delivered); its previous link stops working. Written in `lang`. Without an SMTP relay the
/// link is returned instead, for the caller to hand over.
pub async fn invite(
    state: &AppState,
    caller: &Caller,
    account: &Account,
    lang: &str,
) -> Result<Option<String>, AppError> {
    // Account managers invite; an Operator invites the Customer administrators of the customers
    // in its scope (RBAC-5: the ones it may create).
    let customer_admin_in_scope = match (account.fields.role, account.customer_id) {
        (Role::CustomerAdmin, Some(c)) if caller.can(Capability::CreateCustomerAdmins) => {
            state
                .store
                .customer_in_scope(caller.principal.scope(), c)
                .await?
        }
        _ => false,
    };
    if !caller.can(Capability::ManageAccounts) && !customer_admin_in_scope {
        return Err(AppError::Forbidden);
    }
    if account.fields.email.trim().is_empty() {
        return Err(AppError::field("email", Rule::Required));
    }
    let token = patchbay_store::crypto::random_token();
    let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * INVITATION_DAYS);
    state
        .store
        .create_invitation(
            &caller.meta(),
            account.id,
            &patchbay_store::crypto::token_hash(&token),
            expires,
        )
        .await?;
    let args = [
        ("login", account.fields.login_name.clone()),
        (
            "url",
            format!(
                "https://{}/com/invitation/{token}",
                state.config.public_address()
            ),
        ),
        (
            "expires",
            expires
                .to_zoned(jiff::tz::TimeZone::UTC)
                .strftime("%Y-%m-%d %H:%M UTC")
                .to_string(),
        ),
    ];
    let mail = patchbay_store::outbox::NewMail {
        to: account.fields.email.clone(),
        subject: state
            .i18n
            .t_args(lang, "mail-invitation-subject", &args[..1]),
        body: format!(
            "{}\n",
            state.i18n.t_args(lang, "mail-invitation-body", &args)
        ),
        target_type: "account",
        target_id: account.id.to_string(),
        target_name: account.fields.login_name.clone(),
        sensitive: true,
    };
    if state.config.smtp_url.is_none() {
        return Ok(Some(args[1].1.clone()));
    }
    state
        .store
        .enqueue_mail(&caller.meta(), &[mail], "queued")
        .await?;
    Ok(None)
}

/// ONB-1: set the password of the invitation `token` once (the password policy applies);
/// `Ok(false)` when the link is used, expired or unknown.
pub async fn accept_invitation(
    state: &AppState,
    token: &str,
    password: &str,
    source: &str,
) -> Result<bool, AppError> {
    let token_hash = patchbay_store::crypto::token_hash(token);
    let Some((account, _)) = state
        .store
        .invitation(&token_hash, jiff::Timestamp::now())
        .await?
    else {
        return Ok(false);
    };
    // The policy and the history rule (OPR-2), as for any password change.
    let hash = check_new_password(state, Some(account), password).await?;
    let meta = patchbay_store::AuditMeta {
        actor_id: None,
        actor_login: "invitation".into(),
        source: source.to_string(),
    };
    Ok(state
        .store
        .accept_invitation(&meta, &token_hash, &hash)
        .await?
        .is_some())
}
