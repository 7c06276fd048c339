//! Customers and providers (TEN-1, CUS-1 … CUS-3): validation, the service password sealed at rest,
//! assignment rules, Test connection.

use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::customer::{self, CustomerFields};
use patchbay_domain::{AccountId, Capability, CustomerId, DistributorId, ResellerId, Role, Rule};
use patchbay_store::customers::{Customer, CustomerWrite};

/// A create or update as parsed from a form or JSON body.
#[derive(Debug, Clone, Default)]
pub struct CustomerInput {
    pub fields: CustomerFields,
    /// Required on create; on update `None` keeps the stored one.
    pub service_password: Option<String>,
    pub distributor_id: Option<DistributorId>,
    pub reseller_id: Option<ResellerId>,
    pub operators: Vec<AccountId>,
}

/// Operators a caller may newly assign (`already` are kept as they are): Administrators any
/// Supervisor, Operator or Read-only account; a Supervisor itself and the Operators it created
/// (OPR-9); anyone else only itself.
async fn check_operators(
    state: &AppState,
    caller: &Caller,
    ops: &[AccountId],
    already: &[AccountId],
) -> Result<(), AppError> {
    for id in ops.iter().filter(|id| !already.contains(id)) {
        if !state.store.assignable_account(*id).await? {
            return Err(AppError::field("operators", Rule::Invalid));
        }
        let allowed = match caller.principal.role {
            Role::Administrator => true,
            Role::Supervisor => {
                *id == caller.account.id
                    || state.store.account(*id).await?.created_by == Some(caller.account.id)
            }
            _ => *id == caller.account.id,
        };
        if !allowed {
            return Err(AppError::field("operators", Rule::NotAllowed));
        }
    }
    Ok(())
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: CustomerInput,
) -> Result<Customer, AppError> {
    caller.require(Capability::AddDeleteCustomers)?;
    let fields = customer::normalise(input.fields);
    customer::validate(
        &fields,
        Some(input.service_password.as_deref().unwrap_or("")),
    )
    .map_err(AppError::Validation)?;
    check_operators(state, caller, &input.operators, &[]).await?;
    let mut operators = input.operators;
    // Whoever adds a customer and is not platform staff keeps seeing it (CUS-3).
    if !caller.principal.role.sees_all_customers() && !operators.contains(&caller.account.id) {
        operators.push(caller.account.id);
    }
    let sealed = state
        .secrets
        .seal(input.service_password.as_deref().unwrap_or(""));
    let id = state
        .store
        .create_customer(
            &caller.meta(),
            &CustomerWrite {
                fields,
                sealed_password: Some(sealed),
                distributor_id: input.distributor_id,
                reseller_id: input.reseller_id,
                operators,
            },
        )
        .await?;
    Ok(state
        .store
        .customer(patchbay_domain::Scope::All, id)
        .await?)
}

/// One customer the caller may see (404 otherwise, TEN-4).
pub async fn get(state: &AppState, caller: &Caller, id: CustomerId) -> Result<Customer, AppError> {
    caller.require(Capability::ViewOperations)?;
    Ok(state.store.customer(caller.principal.scope(), id).await?)
}

pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: CustomerId,
    input: CustomerInput,
) -> Result<Customer, AppError> {
    caller.require(Capability::EditCustomers)?;
    let current = get(state, caller, id).await?;
    let fields = customer::normalise(input.fields);
    customer::validate(&fields, input.service_password.as_deref()).map_err(AppError::Validation)?;
    if fields.customer_id != current.fields.customer_id
        && !state.preferences().allow_customer_id_change
    {
        // PRF-11: the customer ID is fixed unless the preference allows changing it.
        return Err(AppError::field("customerId", Rule::NotAllowed));
    }
    let current_ops: Vec<AccountId> = current.operators.iter().map(|(a, _)| *a).collect();
    check_operators(state, caller, &input.operators, &current_ops).await?;
    let mut operators = input.operators;
    if caller.principal.role == Role::Supervisor {
        // A Supervisor keeps the assignments it cannot manage (other people's operators).
        for (a, _) in &current.operators {
            let keep = match state.store.account(*a).await {
                Ok(acc) => acc.created_by != Some(caller.account.id) && *a != caller.account.id,
                Err(_) => false,
            };
            if keep && !operators.contains(a) {
                operators.push(*a);
            }
        }
    }
    let sealed = input
        .service_password
        .as_deref()
        .map(|p| state.secrets.seal(p));
    state
        .store
        .update_customer(
            &caller.meta(),
            id,
            &CustomerWrite {
                fields,
                sealed_password: sealed,
                distributor_id: input.distributor_id,
                reseller_id: input.reseller_id,
                operators,
            },
        )
        .await?;
    Ok(state
        .store
        .customer(patchbay_domain::Scope::All, id)
        .await?)
}

pub async fn delete(
    state: &AppState,
    caller: &Caller,
    ids: &[CustomerId],
) -> Result<Vec<String>, AppError> {
    caller.require(Capability::AddDeleteCustomers)?;
    super::check_bulk(ids.len())?;
    Ok(state
        .store
        .delete_customers(&caller.meta(), caller.principal.scope(), ids)
        .await?)
}

/// CUS-2 Test connection: succeeds only when the customer's system is connected and
/// authenticated right now; otherwise says why (the SYS-3 status).
/// Returns (ok, light, SYS-3 status code).
pub async fn test_connection(
    state: &AppState,
    caller: &Caller,
    id: CustomerId,
) -> Result<(bool, String, String), AppError> {
    let c = get(state, caller, id).await?;
    let ok = state.store.connected_systems(id, "").await? > 0;
    Ok((ok, c.light, c.status_code))
}

pub fn validate_provider_name(name: &str) -> Result<(), AppError> {
    customer::validate_provider_name(name).map_err(|e| AppError::Validation(vec![e]))
}
