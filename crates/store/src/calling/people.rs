//! People of a customer's organisation: calling users with a licence, a location, an extension
//! and a primary number.

use super::{check_location, consume_licence, key, opt_uuid, parse_uuid, CallingIdentity};
use crate::list::{col, select_from, Filter};
use crate::{now_ms, ts, AuditMeta, PageRequest, Result, Store};
use patchbay_domain::calling::{LicenceKind, MemberKind, PersonProfile};
use patchbay_domain::{CustomerId, LocationId, PersonId};
use sea_query::{JoinType, SelectStatement};
use sqlx::any::AnyRow;
use sqlx::Row;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonWrite {
    /// Lower-cased by the store; unique on the platform.
    pub email: String,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
    /// Professional or Basic; none for a person without calling.
    pub licence: Option<LicenceKind>,
    pub identity: CallingIdentity,
    /// The directory fields; `None` on an update keeps them as they are (the console does not
    /// edit them), on a create leaves them empty. Always `Some` when read.
    pub profile: Option<PersonProfile>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub customer_id: CustomerId,
    pub fields: PersonWrite,
    pub location_name: Option<String>,
    pub device_count: i64,
    pub created_at: jiff::Timestamp,
}

#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Exact, case-insensitive.
    pub email: Option<String>,
    /// Contains, case-insensitive, over display, first and last name and e-mail.
    pub name: Option<String>,
    pub ids: Vec<PersonId>,
    pub location: Option<LocationId>,
    /// Holding this calling licence.
    pub licence: Option<LicenceKind>,
}

const COLUMNS: &str =
    "p.id, p.customer_id, p.email, p.display_name, p.first_name, p.last_name, p.location_id, \
    p.license_kind, p.extension, p.created_at, l.name AS location_name, p.nick_name, p.title, \
    p.department, p.manager, p.manager_id, p.addresses, \
    (SELECT MIN(n.phone_number) FROM numbers n WHERE n.person_id = p.id) AS phone_number, \
    (SELECT COUNT(*) FROM devices d WHERE d.person_id = p.id) AS device_count";
fn select() -> SelectStatement {
    select_from(
        COLUMNS,
        ("people", "p"),
        &[(JoinType::LeftJoin, "locations", "l", "l.id = p.location_id")],
    )
}

fn from_row(row: &AnyRow) -> Result<Person> {
    Ok(Person {
        id: PersonId(parse_uuid(&row.try_get::<String, _>("id")?)?),
        customer_id: CustomerId(parse_uuid(&row.try_get::<String, _>("customer_id")?)?),
        fields: PersonWrite {
            email: row.try_get("email")?,
            display_name: row.try_get("display_name")?,
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            licence: LicenceKind::parse(&row.try_get::<String, _>("license_kind")?),
            identity: CallingIdentity {
                location_id: opt_uuid(row, "location_id")?,
                extension: row.try_get("extension")?,
                phone_number: row.try_get("phone_number")?,
            },
            profile: Some(PersonProfile {
                nick_name: row.try_get("nick_name")?,
                title: row.try_get("title")?,
                department: row.try_get("department")?,
                manager: row.try_get("manager")?,
                manager_id: opt_uuid(row, "manager_id")?,
                addresses: serde_json::from_str(&row.try_get::<String, _>("addresses")?)
                    .map_err(|e| crate::StoreError::Corrupt(e.to_string()))?,
            }),
        },
        location_name: row.try_get("location_name")?,
        device_count: row.try_get("device_count")?,
        created_at: ts(row.try_get("created_at")?),
    })
}

/// The list's order: `p.display_name`, `p.id`.
impl crate::list::Keyed for Person {
    const INTS: &'static [bool] = &[false, false];
    fn cursor(&self) -> crate::list::Cursor {
        use crate::list::KeyValue::Text;
        crate::list::Cursor(vec![
            Text(self.fields.display_name.clone()),
            Text(self.id.to_string()),
        ])
    }
}

fn search_key(w: &PersonWrite) -> String {
    key(&format!(
        "{} {} {} {}",
        w.display_name, w.first_name, w.last_name, w.email
    ))
}

/// Set a person's directory fields in `tx`; the manager must be another person of `customer`.
async fn write_profile(
    tx: &mut crate::Tx,
    customer: CustomerId,
    id: PersonId,
    p: &PersonProfile,
) -> Result<()> {
    if let Some(m) = p.manager_id {
        let found = sqlx::query("SELECT 1 AS x FROM people WHERE id = $1 AND customer_id = $2")
            .bind(m.to_string())
            .bind(customer.to_string())
            .fetch_optional(&mut **tx)
            .await?;
        if found.is_none() || m == id.0 {
            return Err(crate::StoreError::Missing(crate::Missing::Manager));
        }
    }
    let addresses = serde_json::to_string(&p.addresses)
        .map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
    sqlx::query(
        "UPDATE people SET nick_name = $1, title = $2, department = $3, manager = $4, \
         manager_id = $5, addresses = $6 WHERE id = $7",
    )
    .bind(p.nick_name.as_str())
    .bind(p.title.as_str())
    .bind(p.department.as_str())
    .bind(p.manager.as_str())
    .bind(p.manager_id.map(|m| m.to_string()))
    .bind(addresses)
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn create_person(
        &self,
        meta: &AuditMeta,
        customer: CustomerId,
        w: &PersonWrite,
    ) -> Result<PersonId> {
        let id = PersonId::new();
        let mut tx = self.begin().await?;
        check_location(&mut tx, customer, w.identity.location_id).await?;
        sqlx::query(
            "INSERT INTO people (id, customer_id, email, display_name, first_name, last_name, search_key, location_id, \
             license_kind, extension, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        )
        .bind(id.to_string())
        .bind(customer.to_string())
        .bind(key(&w.email))
        .bind(w.display_name.as_str())
        .bind(w.first_name.as_str())
        .bind(w.last_name.as_str())
        .bind(search_key(w))
        .bind(w.identity.location_id.map(|l| l.to_string()))
        .bind(w.licence.map(|l| l.as_str()).unwrap_or(""))
        .bind(w.identity.extension.clone())
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(crate::unique_as(crate::Taken::PersonEmail))?;
        if let Some(kind) = w.licence {
            consume_licence(&mut tx, customer, kind).await?;
        }
        if let Some(profile) = &w.profile {
            write_profile(&mut tx, customer, id, profile).await?;
        }
        super::settle_member(
            &mut tx,
            meta,
            customer,
            MemberKind::People,
            id.0,
            &w.identity,
            "create",
            w.display_name.clone(),
            format!("customer={customer}"),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replace a person's fields, moving licence units, extension and number as needed.
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn update_person(
        &self,
        meta: &AuditMeta,
        id: PersonId,
        w: &PersonWrite,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let held = super::held(&mut tx, MemberKind::People, id.0).await?;
        let customer = held.customer;
        check_location(&mut tx, customer, w.identity.location_id).await?;
        super::swap_licence(&mut tx, customer, held.licence, w.licence).await?;
        sqlx::query(
            "UPDATE people SET email = $1, display_name = $2, first_name = $3, last_name = $4, search_key = $5, \
             location_id = $6, license_kind = $7, extension = $8 WHERE id = $9",
        )
        .bind(key(&w.email))
        .bind(w.display_name.as_str())
        .bind(w.first_name.as_str())
        .bind(w.last_name.as_str())
        .bind(search_key(w))
        .bind(w.identity.location_id.map(|l| l.to_string()))
        .bind(w.licence.map(|l| l.as_str()).unwrap_or(""))
        .bind(w.identity.extension.clone())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(crate::unique_as(crate::Taken::PersonEmail))?;
        if let Some(profile) = &w.profile {
            write_profile(&mut tx, customer, id, profile).await?;
        }
        super::settle_member(
            &mut tx,
            meta,
            customer,
            MemberKind::People,
            id.0,
            &w.identity,
            "update",
            w.display_name.clone(),
            String::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Delete a person with the devices they own; their licence unit, extension and number are
    /// released; shared lines they held on other devices go.
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn delete_person(&self, meta: &AuditMeta, id: PersonId) -> Result<()> {
        super::delete_member(self, meta, MemberKind::People, id.0).await
    }

    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn person(&self, id: PersonId) -> Result<Person> {
        super::one_of(self, select(), "p.id", id.to_string(), from_row).await
    }

    /// The customer's people with these e-mail addresses (any case), in one query (WGO-4 reads
    /// a bulk file's rows a chunk at a time).
    #[tracing::instrument(skip_all, fields(%customer, n = emails.len()))]
    pub async fn people_by_emails(
        &self,
        customer: CustomerId,
        emails: &[String],
    ) -> Result<Vec<Person>> {
        if emails.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = select();
        stmt.and_where(col("p.customer_id").eq(customer.to_string()))
            .and_where(col("p.email").is_in(emails.iter().map(|e| key(e))));
        self.select_all(&stmt).await?.iter().map(from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn list_people(
        &self,
        customer: CustomerId,
        f: &PersonFilter,
        page: PageRequest,
    ) -> Result<(Vec<Person>, i64)> {
        let filter = Filter::new()
            .eq("p.customer_id", Some(customer.to_string()))
            .eq(
                "p.email",
                f.email.as_deref().filter(|s| !s.trim().is_empty()).map(key),
            )
            .contains_any(&["p.search_key"], f.name.as_deref())
            .when(
                !f.ids.is_empty(),
                col("p.id").is_in(f.ids.iter().map(|i| i.to_string())),
            )
            .eq("p.location_id", f.location.map(|l| l.to_string()))
            .eq("p.license_kind", f.licence.map(|k| k.as_str()));
        super::page_of(
            self,
            select(),
            filter,
            &["p.display_name", "p.id"],
            page,
            from_row,
        )
        .await
    }
}
