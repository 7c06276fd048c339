//! Phone numbers (NUM-1): per location, fixed or mobile, at most one owner.

use super::{member_columns, member_from, parse_uuid, Member};
use crate::list::{col, select_from, Filter};
use crate::{now_ms, AuditMeta, PageRequest, Result, Store, StoreError};
use patchbay_domain::calling::NumberKind;
use patchbay_domain::{CustomerId, LocationId, NumberId};
use sea_query::{Cond, JoinType, SelectStatement};
use sqlx::any::AnyRow;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    pub id: NumberId,
    pub customer_id: CustomerId,
    pub location_id: LocationId,
    pub location_name: String,
    pub phone_number: String,
    pub kind: NumberKind,
    pub active: bool,
    pub main_number: bool,
    pub owner: Option<Member>,
}

/// The list's order: `n.phone_number` (unique).
impl crate::list::Keyed for Number {
    const INTS: &'static [bool] = &[false];
    fn cursor(&self) -> crate::list::Cursor {
        crate::list::Cursor(vec![crate::list::KeyValue::Text(self.phone_number.clone())])
    }
}

#[derive(Debug, Clone, Default)]
pub struct NumberFilter {
    pub location: Option<LocationId>,
    /// Contains (digits of the number).
    pub phone_number: Option<String>,
    /// Some(true): unassigned only; Some(false): assigned only.
    pub available: Option<bool>,
    pub owner_id: Option<uuid::Uuid>,
    pub kind: Option<NumberKind>,
}

const COLUMNS: &str = concat!(
    "n.id, n.customer_id, n.location_id, l.name AS location_name, n.phone_number, n.kind, \
     n.state, n.main_number, ",
    member_columns!()
);

/// A number row `n`'s location `l` and holder (`p` or `w`), for [`member_columns!`].
pub(super) const HOLDER_JOINS: [crate::list::Join; 3] = [
    (
        JoinType::InnerJoin,
        "locations",
        "l",
        "l.id = n.location_id",
    ),
    (JoinType::LeftJoin, "people", "p", "p.id = n.person_id"),
    (
        JoinType::LeftJoin,
        "workspaces",
        "w",
        "w.id = n.workspace_id",
    ),
];

fn select() -> SelectStatement {
    select_from(COLUMNS, ("numbers", "n"), &HOLDER_JOINS)
}

fn from_row(row: &AnyRow) -> Result<Number> {
    Ok(Number {
        id: NumberId(parse_uuid(&row.try_get::<String, _>("id")?)?),
        customer_id: CustomerId(parse_uuid(&row.try_get::<String, _>("customer_id")?)?),
        location_id: LocationId(parse_uuid(&row.try_get::<String, _>("location_id")?)?),
        location_name: row.try_get("location_name")?,
        phone_number: row.try_get("phone_number")?,
        kind: NumberKind::parse(&row.try_get::<String, _>("kind")?).unwrap_or(NumberKind::Did),
        active: row.try_get::<String, _>("state")? == "ACTIVE",
        main_number: crate::get_flag(row, "main_number")?,
        owner: member_from(row)?,
    })
}

impl Store {
    /// Add numbers (already normalised) to a location: all or nothing; a number that exists
    /// anywhere on the platform is refused.
    #[tracing::instrument(skip_all, fields(%location, n = numbers.len()))]
    pub async fn add_numbers(
        &self,
        meta: &AuditMeta,
        location: LocationId,
        numbers: &[String],
        kind: NumberKind,
        active: bool,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let Some(row) = sqlx::query("SELECT customer_id FROM locations WHERE id = $1")
            .bind(location.to_string())
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Err(StoreError::NotFound);
        };
        let customer: String = row.try_get("customer_id")?;
        insert_numbers(&mut tx, &customer, location, numbers, kind, active, None).await?;
        super::audit(
            &mut tx,
            meta,
            "numbers.add",
            "location",
            location.to_string(),
            String::new(),
            numbers.join(","),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Remove numbers of a location: all or nothing; an assigned number must be unassigned first.
    #[tracing::instrument(skip_all, fields(%location, n = numbers.len()))]
    pub async fn remove_numbers(
        &self,
        meta: &AuditMeta,
        location: LocationId,
        numbers: &[String],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        for n in numbers {
            let Some(row) = sqlx::query(
                "SELECT person_id, workspace_id FROM numbers WHERE location_id = $1 AND phone_number = $2",
            )
            .bind(location.to_string())
            .bind(n.as_str())
            .fetch_optional(&mut *tx)
            .await?
            else {
                return Err(StoreError::NotFound);
            };
            let p: Option<String> = row.try_get("person_id")?;
            let w: Option<String> = row.try_get("workspace_id")?;
            if p.is_some() || w.is_some() {
                return Err(StoreError::InUse(crate::InUse::PhoneNumber));
            }
            sqlx::query("DELETE FROM numbers WHERE location_id = $1 AND phone_number = $2")
                .bind(location.to_string())
                .bind(n.as_str())
                .execute(&mut *tx)
                .await?;
        }
        super::audit(
            &mut tx,
            meta,
            "numbers.remove",
            "location",
            location.to_string(),
            String::new(),
            numbers.join(","),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Activate or deactivate numbers of a location.
    #[tracing::instrument(skip_all, fields(%location))]
    pub async fn set_numbers_state(
        &self,
        meta: &AuditMeta,
        location: LocationId,
        numbers: &[String],
        active: bool,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        for n in numbers {
            let done = sqlx::query(
                "UPDATE numbers SET state = $1 WHERE location_id = $2 AND phone_number = $3",
            )
            .bind(if active { "ACTIVE" } else { "INACTIVE" })
            .bind(location.to_string())
            .bind(n.as_str())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
        }
        super::audit(
            &mut tx,
            meta,
            if active {
                "numbers.activate"
            } else {
                "numbers.deactivate"
            },
            "location",
            location.to_string(),
            String::new(),
            numbers.join(","),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn list_numbers(
        &self,
        customer: CustomerId,
        f: &NumberFilter,
        page: PageRequest,
    ) -> Result<(Vec<Number>, i64)> {
        let held = || {
            Cond::any()
                .add(col("n.person_id").is_not_null())
                .add(col("n.workspace_id").is_not_null())
        };
        let digits = f
            .phone_number
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>());
        let mut filter = Filter::new()
            .eq("n.customer_id", Some(customer.to_string()))
            .eq("n.location_id", f.location.map(|l| l.to_string()))
            .eq("n.kind", f.kind.map(|k| k.as_str()));
        if let Some(d) = digits {
            filter = filter.and(col("n.phone_number").like(format!("%{d}%")));
        }
        match f.available {
            Some(true) => filter = filter.and(held().not()),
            Some(false) => filter = filter.and(held()),
            None => {}
        }
        if let Some(o) = f.owner_id {
            filter = filter.and(
                Cond::any()
                    .add(col("n.person_id").eq(o.to_string()))
                    .add(col("n.workspace_id").eq(o.to_string())),
            );
        }
        super::page_of(self, select(), filter, &["n.phone_number"], page, from_row).await
    }
}

/// Insert numbers of a location of `customer` in `tx`; one that exists anywhere on the platform
/// is [`crate::Taken::PhoneNumber`]. `operator_account`: the account they came through (MOB-2).
pub(crate) async fn insert_numbers(
    tx: &mut super::Tx,
    customer: &str,
    location: LocationId,
    numbers: &[String],
    kind: NumberKind,
    active: bool,
    operator_account: Option<&str>,
) -> Result<()> {
    for n in numbers {
        sqlx::query(
            "INSERT INTO numbers (id, customer_id, location_id, phone_number, kind, state, main_number, created_at, operator_account_id) \
             VALUES ($1,$2,$3,$4,$5,$6,0,$7,$8)",
        )
        .bind(NumberId::new().to_string())
        .bind(customer)
        .bind(location.to_string())
        .bind(n.as_str())
        .bind(kind.as_str())
        .bind(if active { "ACTIVE" } else { "INACTIVE" })
        .bind(now_ms())
        .bind(operator_account)
        .execute(&mut **tx)
        .await
        .map_err(crate::unique_as(crate::Taken::PhoneNumber))?;
    }
    Ok(())
}
