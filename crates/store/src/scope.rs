//! TEN-4 / CUS-3: the SQL form of `domain::Scope`. Every customer-scoped query (lists, counts,
//! dashboard figures, alarms) filters through [`customers`], with `c` as the customers alias, or
//! [`alarms`] for alarm rows `a`.

use crate::list::col;
use patchbay_domain::Scope;
use sea_query::{Alias, Cond, Condition, Expr, JoinType, Query, SelectStatement, UnionType};

/// The ids of the customers an Operator is assigned, resolved once per query: assigned directly,
/// or through one of the Operator's labels naming the customer's distributor or reseller. Each of
/// the three branches is an index lookup driven by the Operator's few rows, instead of an `OR` of
/// two subqueries evaluated for every customer (TEN-4 at 100,000 customers).
fn assigned_ids(me: &str) -> SelectStatement {
    let direct = Query::select()
        .expr_as(col("o.customer_id"), Alias::new("id"))
        .from_as(Alias::new("customer_operators"), Alias::new("o"))
        .and_where(col("o.account_id").eq(me))
        .to_owned();
    let through = |key: &'static str| {
        Query::select()
            .column((Alias::new("k"), Alias::new("id")))
            .from_as(Alias::new("account_labels"), Alias::new("l"))
            .join_as(
                JoinType::InnerJoin,
                Alias::new("customers"),
                Alias::new("k"),
                Expr::cust(key),
            )
            .and_where(col("l.account_id").eq(me))
            .to_owned()
    };
    let mut ids = direct;
    ids.union(
        UnionType::All,
        through("k.distributor_key = LOWER(l.label)"),
    )
    .union(UnionType::All, through("k.reseller_key = LOWER(l.label)"));
    ids
}

/// The customers `c` the scope covers.
pub fn customers(scope: Scope) -> Condition {
    match scope {
        Scope::All => Cond::all(),
        Scope::Assigned(me) => {
            Cond::all().add(col("c.id").in_subquery(assigned_ids(&me.to_string())))
        }
        Scope::Customer(id) => Cond::all().add(col("c.id").eq(id.to_string())),
        Scope::Nothing => Cond::all().add(Expr::cust("1=0")),
    }
}

/// The scope as a condition on alarms `a`, without joining customers row by row: platform staff
/// need no condition at all, a customer's own staff its id; an Operator gets the assigned set
/// resolved once (served by the `(customer_id, last_occurrence)` index).
pub fn alarms(scope: Scope) -> Condition {
    match scope {
        Scope::All => Cond::all(),
        Scope::Assigned(me) => {
            Cond::all().add(col("a.customer_id").in_subquery(assigned_ids(&me.to_string())))
        }
        Scope::Customer(id) => Cond::all().add(col("a.customer_id").eq(id.to_string())),
        Scope::Nothing => Cond::all().add(Expr::cust("1=0")),
    }
}
