//! Locations of a customer: where people, workspaces and numbers live.

use super::{key, parse_uuid};
use crate::list::{select_from, Filter};
use crate::{now_ms, ts, AuditMeta, PageRequest, Result, Store, StoreError};
use patchbay_domain::{CustomerId, LocationId};
use sea_query::SelectStatement;
use sqlx::any::AnyRow;
use sqlx::Row;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    pub address1: String,
    pub address2: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    /// ISO 3166 alpha-2, upper case.
    pub country: String,
}

/// Where a location is (Webex `latitude` / `longitude`, decimal degrees).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Coordinates {
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// What a client sets on a location.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LocationWrite {
    pub name: String,
    pub time_zone: String,
    pub preferred_language: String,
    pub announcement_language: String,
    pub address: Address,
    pub notes: String,
    /// `None` on an update keeps them (the console does not edit them), on a create leaves
    /// them unset. Always `Some` when read.
    pub coordinates: Option<Coordinates>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub id: LocationId,
    pub customer_id: CustomerId,
    pub fields: LocationWrite,
    pub created_at: jiff::Timestamp,
}

/// The list's order: `l.name_key` (the lower-cased name), `l.id`.
impl crate::list::Keyed for Location {
    const INTS: &'static [bool] = &[false, false];
    fn cursor(&self) -> crate::list::Cursor {
        use crate::list::KeyValue::Text;
        crate::list::Cursor(vec![
            Text(key(&self.fields.name)),
            Text(self.id.to_string()),
        ])
    }
}

#[derive(Debug, Clone, Default)]
pub struct LocationFilter {
    /// Contains, case-insensitive (Webex `name`).
    pub name: Option<String>,
    pub id: Option<LocationId>,
    /// By name, Z to A.
    pub descending: bool,
}

const COLUMNS: &str =
    "id, customer_id, name, time_zone, preferred_language, announcement_language, \
    address1, address2, city, state, postal_code, country, notes, created_at, latitude, longitude";

fn select() -> SelectStatement {
    select_from(COLUMNS, ("locations", "l"), &[])
}

fn from_row(row: &AnyRow) -> Result<Location> {
    Ok(Location {
        id: LocationId(parse_uuid(&row.try_get::<String, _>("id")?)?),
        customer_id: CustomerId(parse_uuid(&row.try_get::<String, _>("customer_id")?)?),
        fields: LocationWrite {
            name: row.try_get("name")?,
            time_zone: row.try_get("time_zone")?,
            preferred_language: row.try_get("preferred_language")?,
            announcement_language: row.try_get("announcement_language")?,
            address: Address {
                address1: row.try_get("address1")?,
                address2: row.try_get("address2")?,
                city: row.try_get("city")?,
                state: row.try_get("state")?,
                postal_code: row.try_get("postal_code")?,
                country: row.try_get("country")?,
            },
            notes: row.try_get("notes")?,
            coordinates: Some(Coordinates {
                latitude: row.try_get("latitude")?,
                longitude: row.try_get("longitude")?,
            }),
        },
        created_at: ts(row.try_get("created_at")?),
    })
}

/// Set a location's coordinates in `tx` (`None`: leave them). An absent coordinate is written
/// as the SQL literal NULL rather than bound: sqlx 0.8's Any driver binds a NULL `f64` as a
/// `float4`, and PostgreSQL's cached statement then refuses the next real (8-byte) coordinate.
async fn set_coordinates(tx: &mut crate::Tx, id: LocationId, c: Option<Coordinates>) -> Result<()> {
    let Some(c) = c else {
        return Ok(());
    };
    let mut sets = Vec::new();
    let mut values = Vec::new();
    for (column, v) in [("latitude", c.latitude), ("longitude", c.longitude)] {
        match v {
            Some(v) => {
                values.push(v);
                sets.push(format!("{column} = ${}", values.len()));
            }
            None => sets.push(format!("{column} = NULL")),
        }
    }
    let sql = format!(
        "UPDATE locations SET {} WHERE id = ${}",
        sets.join(", "),
        values.len() + 1
    );
    let mut q = sqlx::query(&sql);
    for v in values {
        q = q.bind(v);
    }
    q.bind(id.to_string()).execute(&mut **tx).await?;
    Ok(())
}

impl Store {
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn create_location(
        &self,
        meta: &AuditMeta,
        customer: CustomerId,
        w: &LocationWrite,
    ) -> Result<LocationId> {
        let id = LocationId::new();
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO locations (id, customer_id, name, name_key, time_zone, preferred_language, announcement_language, \
             address1, address2, city, state, postal_code, country, notes, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)",
        )
        .bind(id.to_string())
        .bind(customer.to_string())
        .bind(w.name.as_str())
        .bind(key(&w.name))
        .bind(w.time_zone.as_str())
        .bind(w.preferred_language.as_str())
        .bind(w.announcement_language.as_str())
        .bind(w.address.address1.as_str())
        .bind(w.address.address2.as_str())
        .bind(w.address.city.as_str())
        .bind(w.address.state.as_str())
        .bind(w.address.postal_code.as_str())
        .bind(w.address.country.as_str())
        .bind(w.notes.as_str())
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(crate::unique_as(crate::Taken::LocationName))?;
        set_coordinates(&mut tx, id, w.coordinates).await?;
        super::audit(
            &mut tx,
            meta,
            "location.create",
            "location",
            id.to_string(),
            w.name.clone(),
            format!("customer={customer}"),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn update_location(
        &self,
        meta: &AuditMeta,
        id: LocationId,
        w: &LocationWrite,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE locations SET name = $1, name_key = $2, time_zone = $3, preferred_language = $4, \
             announcement_language = $5, address1 = $6, address2 = $7, city = $8, state = $9, postal_code = $10, \
             country = $11, notes = $12 WHERE id = $13",
        )
        .bind(w.name.as_str())
        .bind(key(&w.name))
        .bind(w.time_zone.as_str())
        .bind(w.preferred_language.as_str())
        .bind(w.announcement_language.as_str())
        .bind(w.address.address1.as_str())
        .bind(w.address.address2.as_str())
        .bind(w.address.city.as_str())
        .bind(w.address.state.as_str())
        .bind(w.address.postal_code.as_str())
        .bind(w.address.country.as_str())
        .bind(w.notes.as_str())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(crate::unique_as(crate::Taken::LocationName))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        set_coordinates(&mut tx, id, w.coordinates).await?;
        super::audit(
            &mut tx,
            meta,
            "location.update",
            "location",
            id.to_string(),
            w.name.clone(),
            String::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Delete a location that nobody uses any more (its numbers go with it).
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn delete_location(&self, meta: &AuditMeta, id: LocationId) -> Result<()> {
        let mut tx = self.begin().await?;
        let Some(row) = sqlx::query("SELECT name FROM locations WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Err(StoreError::NotFound);
        };
        let name: String = row.try_get("name")?;
        let used = sqlx::query(
            "SELECT 1 AS x FROM people WHERE location_id = $1 UNION ALL SELECT 1 AS x FROM workspaces WHERE location_id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        if used.is_some() {
            return Err(StoreError::InUse(crate::InUse::Location));
        }
        sqlx::query("DELETE FROM locations WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        super::audit(
            &mut tx,
            meta,
            "location.delete",
            "location",
            id.to_string(),
            name,
            String::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn location(&self, id: LocationId) -> Result<Location> {
        super::one_of(self, select(), "l.id", id.to_string(), from_row).await
    }

    /// A customer's locations by name.
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn list_locations(
        &self,
        customer: CustomerId,
        f: &LocationFilter,
        page: PageRequest,
    ) -> Result<(Vec<Location>, i64)> {
        let filter = Filter::new()
            .eq("l.customer_id", Some(customer.to_string()))
            .contains_any(&["l.name_key"], f.name.as_deref())
            .eq("l.id", f.id.map(|i| i.to_string()));
        let mut rows = select();
        let mut order: &[&str] = &["l.name_key", "l.id"];
        if f.descending {
            for c in order {
                rows.order_by_expr(crate::list::sort_expr(c), sea_query::Order::Desc);
            }
            order = &[];
        }
        super::page_of(self, rows, filter, order, page, from_row).await
    }
}
