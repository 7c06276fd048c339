//! TEN-4 / CUS-3: the SQL form of `domain::Scope`. Every customer-scoped query (lists, counts,
//! dashboard figures, alarms) filters through [`customers`], with `c` as the customers alias, or
//! [`alarms`] for alarm rows `a`.

use crate::list::{col, related};
use patchbay_domain::Scope;
use sea_query::{Alias, Cond, Condition, Expr, Query};

/// The customers `c` the scope covers.
pub fn customers(scope: Scope) -> Condition {
    match scope {
        Scope::All => Cond::all(),
        Scope::Assigned(me) => {
            let me = me.to_string();
            let operators = Query::select()
                .column(Alias::new("customer_id"))
                .from(Alias::new("customer_operators"))
                .and_where(col("account_id").eq(me.clone()))
                .to_owned();
            let mut labels = related(
                "account_labels",
                "l",
                "(LOWER(l.label) = c.distributor_key OR LOWER(l.label) = c.reseller_key)",
            );
            labels.and_where(col("l.account_id").eq(me));
            Cond::any()
                .add(col("c.id").in_subquery(operators))
                .add(Expr::exists(labels))
        }
        Scope::Customer(id) => Cond::all().add(col("c.id").eq(id.to_string())),
        Scope::Nothing => Cond::all().add(Expr::cust("1=0")),
    }
}

/// The scope as a condition on alarms `a`, without joining customers row by row: platform staff
/// need no condition at all; everyone else gets the customer set resolved once in a subquery
/// (served by the `(customer_id, last_occurrence)` index).
pub fn alarms(scope: Scope) -> Condition {
    match scope {
        Scope::All => Cond::all(),
        other => {
            let ids = Query::select()
                .column((Alias::new("c"), Alias::new("id")))
                .from_as(Alias::new("customers"), Alias::new("c"))
                .cond_where(customers(other))
                .to_owned();
            Cond::all().add(col("a.customer_id").in_subquery(ids))
        }
    }
}
