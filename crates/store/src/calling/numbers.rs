//! Phone numbers (NUM-1): per location, fixed or mobile, at most one owner.

use super::{member_from, parse_uuid, Member, MEMBER_COLUMNS};
use crate::sql::Binds;
use crate::{now_ms, AuditMeta, Page, Result, Store, StoreError};
use patchbay_domain::calling::NumberKind;
use patchbay_domain::{CustomerId, LocationId, NumberId};
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

const COLUMNS: &str = "n.id, n.customer_id, n.location_id, l.name AS location_name, n.phone_number, n.kind, n.state, \
    n.main_number";
const FROM: &str = "numbers n JOIN locations l ON l.id = n.location_id \
    LEFT JOIN people p ON p.id = n.person_id LEFT JOIN workspaces w ON w.id = n.workspace_id";

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
        for n in numbers {
            sqlx::query(
                "INSERT INTO numbers (id, customer_id, location_id, phone_number, kind, state, main_number, created_at) \
                 VALUES ($1,$2,$3,$4,$5,$6,0,$7)",
            )
            .bind(NumberId::new().to_string())
            .bind(customer.as_str())
            .bind(location.to_string())
            .bind(n.as_str())
            .bind(kind.as_str())
            .bind(if active { "ACTIVE" } else { "INACTIVE" })
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(crate::unique_as("phoneNumbers"))?;
        }
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
                return Err(StoreError::InUse("phoneNumbers"));
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
        page: Page,
    ) -> Result<(Vec<Number>, i64)> {
        let mut binds = Binds::default();
        let mut wh = vec![format!(
            "n.customer_id = {}",
            binds.push(customer.to_string())
        )];
        if let Some(l) = f.location {
            wh.push(format!("n.location_id = {}", binds.push(l.to_string())));
        }
        if let Some(p) = f.phone_number.as_deref().filter(|s| !s.trim().is_empty()) {
            let digits: String = p.chars().filter(char::is_ascii_digit).collect();
            wh.push(format!(
                "n.phone_number LIKE {}",
                binds.push(format!("%{digits}%"))
            ));
        }
        match f.available {
            Some(true) => wh.push("n.person_id IS NULL AND n.workspace_id IS NULL".into()),
            Some(false) => {
                wh.push("(n.person_id IS NOT NULL OR n.workspace_id IS NOT NULL)".into())
            }
            None => {}
        }
        if let Some(o) = f.owner_id {
            let p = binds.push(o.to_string());
            wh.push(format!("(n.person_id = {p} OR n.workspace_id = {p})"));
        }
        if let Some(k) = f.kind {
            wh.push(format!("n.kind = {}", binds.push(k.as_str())));
        }
        let wh = wh.join(" AND ");
        super::page_of(
            self,
            (
                &format!("{COLUMNS}, {MEMBER_COLUMNS}"),
                FROM,
                "n.phone_number",
            ),
            &wh,
            page,
            &binds,
            from_row,
        )
        .await
    }
}
