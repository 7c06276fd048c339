//! TEN-4 / CUS-3: the SQL form of `domain::Scope`. Every customer-scoped query (lists, counts,
//! dashboard figures, alarms) filters through `condition`, with `c` as the customers alias.

use crate::sql::Binds;
use patchbay_domain::Scope;

/// A boolean SQL expression over the customers row `c`.
pub fn condition(scope: Scope, binds: &mut Binds) -> String {
    match scope {
        Scope::All => "1=1".to_string(),
        Scope::Assigned(me) => {
            let p = binds.push(me.to_string());
            format!(
                "(c.id IN (SELECT customer_id FROM customer_operators WHERE account_id = {p}) \
                 OR EXISTS (SELECT 1 FROM account_labels l WHERE l.account_id = {p} \
                 AND (LOWER(l.label) = c.distributor_key OR LOWER(l.label) = c.reseller_key)))"
            )
        }
        Scope::Customer(id) => format!("c.id = {}", binds.push(id.to_string())),
        Scope::Nothing => "1=0".to_string(),
    }
}

/// The scope as a condition on alarms `a`, without joining customers row by row: platform staff
/// need no condition at all; everyone else gets the customer set resolved once in a subquery
/// (served by the `(customer_id, last_occurrence)` index).
pub fn alarm_condition(scope: Scope, binds: &mut Binds) -> String {
    match scope {
        Scope::All => "1=1".to_string(),
        other => format!(
            "a.customer_id IN (SELECT c.id FROM customers c WHERE {})",
            condition(other, binds)
        ),
    }
}
