//! Calling provisioning storage (SPEC §15): licences, locations, people, workspaces, numbers,
//! the device catalogue, devices and their lines. Every query is bounded by a customer (the
//! organisation); the hub checks that the caller may act on that customer before calling here.
//! Counters that rules depend on (licence units consumed, devices per workspace) move in the same
//! transaction as the change, through guarded `UPDATE … WHERE count < limit` statements, so two
//! concurrent requests cannot both take the last unit on either engine.

pub mod catalogue;
pub mod devices;
pub mod lines;
pub mod locations;
pub mod number_entries;
pub mod numbers;
pub mod people;
pub mod settings;
pub mod workspaces;

use crate::{Result, StoreError};
use patchbay_domain::calling::{LicenceKind, MemberKind};
use patchbay_domain::CustomerId;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

pub(crate) type Tx = Transaction<'static, Any>;

/// A person or a workspace, as a line, number or device owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub kind: MemberKind,
    pub id: uuid::Uuid,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
    pub extension: Option<String>,
    pub location_id: Option<uuid::Uuid>,
}

impl Member {
    /// `(person_id, workspace_id)` column values.
    pub(crate) fn columns(kind: MemberKind, id: uuid::Uuid) -> (Option<String>, Option<String>) {
        match kind {
            MemberKind::People => (Some(id.to_string()), None),
            MemberKind::Place => (None, Some(id.to_string())),
        }
    }
}

/// SQL selecting a member's fields from `people p` / `workspaces w` joined on a row with
/// `person_id` / `workspace_id` columns (prefix `m_`); a macro so that column lists can
/// `concat!` it.
macro_rules! member_columns {
    () => {
        "p.id AS m_pid, p.display_name AS m_pname, p.first_name AS m_pfirst, \
        p.last_name AS m_plast, p.extension AS m_pext, p.location_id AS m_ploc, w.id AS m_wid, \
        w.display_name AS m_wname, w.extension AS m_wext, w.location_id AS m_wloc"
    };
}
pub(crate) use member_columns;

pub(crate) fn member_from(row: &AnyRow) -> Result<Option<Member>> {
    let uuid = |s: Option<String>| -> Result<Option<uuid::Uuid>> {
        s.map(|s| uuid::Uuid::parse_str(&s).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    };
    if let Some(id) = uuid(row.try_get("m_pid")?)? {
        return Ok(Some(Member {
            kind: MemberKind::People,
            id,
            display_name: row.try_get("m_pname")?,
            first_name: row.try_get("m_pfirst")?,
            last_name: row.try_get("m_plast")?,
            extension: row.try_get("m_pext")?,
            location_id: uuid(row.try_get("m_ploc")?)?,
        }));
    }
    if let Some(id) = uuid(row.try_get("m_wid")?)? {
        let name: String = row.try_get("m_wname")?;
        return Ok(Some(Member {
            kind: MemberKind::Place,
            id,
            first_name: name.clone(),
            last_name: ".".into(),
            display_name: name,
            extension: row.try_get("m_wext")?,
            location_id: uuid(row.try_get("m_wloc")?)?,
        }));
    }
    Ok(None)
}

pub(crate) fn parse_uuid(s: &str) -> Result<uuid::Uuid> {
    uuid::Uuid::parse_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn opt_uuid(row: &AnyRow, col: &str) -> Result<Option<uuid::Uuid>> {
    row.try_get::<Option<String>, _>(col)?
        .as_deref()
        .map(parse_uuid)
        .transpose()
}

/// Lower-cased text for case-insensitive search and uniqueness.
pub(crate) fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// A customer's calling licence with its units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Licence {
    pub customer_id: CustomerId,
    pub kind: LicenceKind,
    pub total_units: i64,
    pub consumed_units: i64,
    pub subscription_id: String,
    /// Units held by people and by workspaces.
    pub consumed_by_users: i64,
    pub consumed_by_workspaces: i64,
}

impl Licence {
    /// The stable licence id (`<customer>:<kind>`), wrapped as a Webex id by the API.
    pub fn id(&self) -> String {
        licence_id(self.customer_id, self.kind)
    }
}

pub fn licence_id(customer: CustomerId, kind: LicenceKind) -> String {
    format!("{customer}:{}", kind.as_str())
}

/// Take one unit of a licence, or fail with `LicenceExhausted` (running out is a clear error).
pub(crate) async fn consume_licence(
    tx: &mut Tx,
    customer: CustomerId,
    kind: LicenceKind,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE licenses SET consumed_units = consumed_units + 1 \
         WHERE customer_id = $1 AND kind = $2 AND consumed_units < total_units",
    )
    .bind(customer.to_string())
    .bind(kind.as_str())
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::LicenceExhausted(kind));
    }
    Ok(())
}

pub(crate) async fn release_licence(
    tx: &mut Tx,
    customer: CustomerId,
    kind: LicenceKind,
) -> Result<()> {
    sqlx::query(
        "UPDATE licenses SET consumed_units = consumed_units - 1 \
         WHERE customer_id = $1 AND kind = $2 AND consumed_units > 0",
    )
    .bind(customer.to_string())
    .bind(kind.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Give `extension` in `location` to a member (one holder per extension and location).
pub(crate) async fn claim_extension(
    tx: &mut Tx,
    location: uuid::Uuid,
    extension: &str,
    kind: MemberKind,
    id: uuid::Uuid,
) -> Result<()> {
    let (p, w) = Member::columns(kind, id);
    sqlx::query(
        "INSERT INTO extensions (location_id, extension, person_id, workspace_id) VALUES ($1,$2,$3,$4)",
    )
    .bind(location.to_string())
    .bind(extension)
    .bind(p)
    .bind(w)
    .execute(&mut **tx)
    .await
    .map_err(crate::unique_as(crate::Taken::Extension))?;
    Ok(())
}

pub(crate) async fn release_extensions(
    tx: &mut Tx,
    kind: MemberKind,
    id: uuid::Uuid,
) -> Result<()> {
    let col = match kind {
        MemberKind::People => "person_id",
        MemberKind::Place => "workspace_id",
    };
    sqlx::query(&format!("DELETE FROM extensions WHERE {col} = $1"))
        .bind(id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Make `phone_number` (of `customer`, in `location`) the member's number; it must be free.
pub(crate) async fn assign_number(
    tx: &mut Tx,
    customer: CustomerId,
    location: uuid::Uuid,
    phone_number: &str,
    kind: MemberKind,
    id: uuid::Uuid,
) -> Result<()> {
    let (p, w) = Member::columns(kind, id);
    let done = sqlx::query(
        "UPDATE numbers SET person_id = $1, workspace_id = $2 WHERE customer_id = $3 AND location_id = $4 \
         AND phone_number = $5 AND person_id IS NULL AND workspace_id IS NULL",
    )
    .bind(p)
    .bind(w)
    .bind(customer.to_string())
    .bind(location.to_string())
    .bind(phone_number)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        // Unknown in this location, or already someone's (NUM-1: one owner at a time).
        return Err(StoreError::Missing(crate::Missing::PhoneNumber));
    }
    Ok(())
}

pub(crate) async fn release_numbers(tx: &mut Tx, kind: MemberKind, id: uuid::Uuid) -> Result<()> {
    let col = match kind {
        MemberKind::People => "person_id",
        MemberKind::Place => "workspace_id",
    };
    sqlx::query(&format!(
        "UPDATE numbers SET person_id = NULL, workspace_id = NULL WHERE {col} = $1"
    ))
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What a change to a person or workspace reads of its row, inside the change's transaction.
pub(crate) struct Held {
    pub customer: CustomerId,
    /// The customer licence the member holds a unit of.
    pub licence: Option<LicenceKind>,
    pub display_name: String,
}

/// The table a member kind lives in.
pub(crate) fn member_table(kind: MemberKind) -> &'static str {
    match kind {
        MemberKind::People => "people",
        MemberKind::Place => "workspaces",
    }
}

/// The customer licence behind a stored `license_kind` of a member.
fn held_licence(kind: MemberKind, raw: &str) -> Option<LicenceKind> {
    match kind {
        MemberKind::People => LicenceKind::parse(raw),
        MemberKind::Place => patchbay_domain::provisioning::WorkspaceLicence::parse(raw)
            .map(patchbay_domain::calling::workspace_licence_kind),
    }
}

/// The member's customer, licence and name, or NotFound.
pub(crate) async fn held(tx: &mut Tx, kind: MemberKind, id: uuid::Uuid) -> Result<Held> {
    let sql = format!(
        "SELECT customer_id, license_kind, display_name FROM {} WHERE id = $1",
        member_table(kind)
    );
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(Held {
        customer: CustomerId(parse_uuid(&row.try_get::<String, _>("customer_id")?)?),
        licence: held_licence(kind, &row.try_get::<String, _>("license_kind")?),
        display_name: row.try_get("display_name")?,
    })
}

/// Move a member's licence unit from `old` to `new` (nothing when they are the same).
pub(crate) async fn swap_licence(
    tx: &mut Tx,
    customer: CustomerId,
    old: Option<LicenceKind>,
    new: Option<LicenceKind>,
) -> Result<()> {
    if old == new {
        return Ok(());
    }
    if let Some(k) = old {
        release_licence(tx, customer, k).await?;
    }
    if let Some(k) = new {
        consume_licence(tx, customer, k).await?;
    }
    Ok(())
}

/// The end of a change to a person or workspace, in its transaction: give it the calling
/// identity it asks for (extension, number) and write the audit record `{kind}.{verb}`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn settle_member(
    tx: &mut Tx,
    meta: &crate::AuditMeta,
    customer: CustomerId,
    kind: MemberKind,
    id: uuid::Uuid,
    identity: &CallingIdentity,
    verb: &str,
    name: String,
    detail: String,
) -> Result<()> {
    set_identity(tx, customer, kind, id, identity).await?;
    let what = match kind {
        MemberKind::People => "person",
        MemberKind::Place => "workspace",
    };
    audit(
        tx,
        meta,
        &format!("{what}.{verb}"),
        what,
        id.to_string(),
        name,
        detail,
    )
    .await
}

/// Delete a person or workspace with its devices (as Webex does); the licence unit, extension
/// and number are released, shared lines it held on other devices go, and the audit record is
/// written in the same transaction.
pub(crate) async fn delete_member(
    store: &crate::Store,
    meta: &crate::AuditMeta,
    kind: MemberKind,
    id: uuid::Uuid,
) -> Result<()> {
    let mut tx = store.begin().await?;
    let held = held(&mut tx, kind, id).await?;
    swap_licence(&mut tx, held.customer, held.licence, None).await?;
    sqlx::query(&format!("DELETE FROM {} WHERE id = $1", member_table(kind)))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    let what = match kind {
        MemberKind::People => "person",
        MemberKind::Place => "workspace",
    };
    audit(
        &mut tx,
        meta,
        &format!("{what}.delete"),
        what,
        id.to_string(),
        held.display_name,
        String::new(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The calling identity a person or workspace asks for: location, extension, primary number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallingIdentity {
    pub location_id: Option<uuid::Uuid>,
    pub extension: Option<String>,
    pub phone_number: Option<String>,
}

/// Replace a member's extension and number with `want` (release the old ones first).
pub(crate) async fn set_identity(
    tx: &mut Tx,
    customer: CustomerId,
    kind: MemberKind,
    id: uuid::Uuid,
    want: &CallingIdentity,
) -> Result<()> {
    release_extensions(tx, kind, id).await?;
    release_numbers(tx, kind, id).await?;
    if want.extension.is_some() || want.phone_number.is_some() {
        let Some(loc) = want.location_id else {
            return Err(StoreError::Missing(crate::Missing::Location));
        };
        if let Some(ext) = &want.extension {
            claim_extension(tx, loc, ext, kind, id).await?;
        }
        if let Some(num) = &want.phone_number {
            assign_number(tx, customer, loc, num, kind, id).await?;
        }
    }
    Ok(())
}

/// The location must be the customer's.
pub(crate) async fn check_location(
    tx: &mut Tx,
    customer: CustomerId,
    location: Option<uuid::Uuid>,
) -> Result<()> {
    if let Some(loc) = location {
        let found = sqlx::query("SELECT 1 AS x FROM locations WHERE id = $1 AND customer_id = $2")
            .bind(loc.to_string())
            .bind(customer.to_string())
            .fetch_optional(&mut **tx)
            .await?;
        if found.is_none() {
            return Err(StoreError::Missing(crate::Missing::Location));
        }
    }
    Ok(())
}

impl crate::Store {
    /// The customer's three calling licences (a licence never set has 0 units).
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn licences(&self, customer: CustomerId) -> Result<Vec<Licence>> {
        let rows = sqlx::query(
            "SELECT kind, total_units, consumed_units, subscription_id FROM licenses WHERE customer_id = $1",
        )
        .bind(customer.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<Licence> = LicenceKind::ALL
            .into_iter()
            .map(|kind| Licence {
                customer_id: customer,
                kind,
                total_units: 0,
                consumed_units: 0,
                subscription_id: String::new(),
                consumed_by_users: 0,
                consumed_by_workspaces: 0,
            })
            .collect();
        for row in rows {
            let kind: String = row.try_get("kind")?;
            if let Some(l) = out.iter_mut().find(|l| l.kind.as_str() == kind) {
                l.total_units = row.try_get("total_units")?;
                l.consumed_units = row.try_get("consumed_units")?;
                l.subscription_id = row.try_get("subscription_id")?;
            }
        }
        for (table, by_users) in [("people", true), ("workspaces", false)] {
            let q = sea_query::Query::select()
                .expr_as(crate::list::col("license_kind"), sea_query::Alias::new("k"))
                .expr_as(
                    sea_query::Expr::cust("COUNT(*)"),
                    sea_query::Alias::new("n"),
                )
                .from(sea_query::Alias::new(table))
                .and_where(crate::list::col("customer_id").eq(customer.to_string()))
                .group_by_col(sea_query::Alias::new("license_kind"))
                .to_owned();
            for (k, n) in self.key_counts(&q).await? {
                let kind = LicenceKind::parse(&k).or_else(|| {
                    patchbay_domain::provisioning::WorkspaceLicence::parse(&k)
                        .map(patchbay_domain::calling::workspace_licence_kind)
                });
                if let Some(l) = out.iter_mut().find(|l| Some(l.kind) == kind) {
                    if by_users {
                        l.consumed_by_users += n;
                    } else {
                        l.consumed_by_workspaces += n;
                    }
                }
            }
        }
        Ok(out)
    }

    /// Set the units a customer holds of each licence (provider side). A total below what is
    /// consumed is refused.
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn set_licences(
        &self,
        meta: &crate::AuditMeta,
        customer: CustomerId,
        totals: &[(LicenceKind, i64)],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        for (kind, total) in totals {
            let id = licence_id(customer, *kind);
            let row = sqlx::query("SELECT consumed_units FROM licenses WHERE id = $1")
                .bind(id.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            match row {
                Some(row) => {
                    let consumed: i64 = row.try_get("consumed_units")?;
                    if *total < consumed {
                        return Err(StoreError::Refused(crate::Refusal::LicenceBelowConsumed(
                            *kind,
                        )));
                    }
                    sqlx::query("UPDATE licenses SET total_units = $1 WHERE id = $2")
                        .bind(*total)
                        .bind(id.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
                None => {
                    sqlx::query(
                        "INSERT INTO licenses (id, customer_id, kind, total_units, consumed_units, subscription_id) \
                         VALUES ($1,$2,$3,$4,0,$5)",
                    )
                    .bind(id.as_str())
                    .bind(customer.to_string())
                    .bind(kind.as_str())
                    .bind(*total)
                    .bind(format!("Sub-{}", &customer.to_string()[..8]))
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        crate::audit::write(
            &mut tx,
            meta,
            crate::audit::AuditEntry {
                action: "licences.set",
                target_type: "customer",
                target_id: customer.to_string(),
                target_name: String::new(),
                outcome: "success",
                detail: totals
                    .iter()
                    .map(|(k, t)| format!("{}={t}", k.as_str()))
                    .collect::<Vec<_>>()
                    .join(","),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// One page of a calling list: `select` narrowed by `filter`, in `order`, mapped by `map`.
pub(crate) async fn page_of<T: crate::list::Keyed>(
    store: &crate::Store,
    mut select: sea_query::SelectStatement,
    mut filter: crate::list::Filter,
    order: &[&str],
    mut page: crate::PageRequest,
    map: fn(&AnyRow) -> Result<T>,
) -> Result<(Vec<T>, i64)> {
    crate::list::then_by(&mut select, order);
    // Keyset: the rows after the cursor in `order` (which `T`'s cursor follows); the total is
    // then what remains from there.
    if let Some(c) = page.after.take() {
        if !crate::list::fits::<T>(&c) {
            return Err(StoreError::Cursor);
        }
        let after = crate::list::after(order, &c).ok_or(StoreError::Cursor)?;
        filter = filter.and(after);
    }
    let page = store.count_and_page(select, filter, page).await?;
    let items = page.items.iter().map(map).collect::<Result<_>>()?;
    Ok((items, page.total))
}

/// The first row of `select` with `column = id`, or NotFound.
pub(crate) async fn one_of<T>(
    store: &crate::Store,
    mut select: sea_query::SelectStatement,
    column: &str,
    id: String,
    map: fn(&AnyRow) -> Result<T>,
) -> Result<T> {
    select.and_where(crate::list::col(column).eq(id));
    let row = store
        .select_optional(&select)
        .await?
        .ok_or(StoreError::NotFound)?;
    map(&row)
}

/// The audit record of a calling change, in its transaction.
pub(crate) async fn audit(
    tx: &mut Tx,
    meta: &crate::AuditMeta,
    action: &str,
    target_type: &str,
    target_id: String,
    target_name: String,
    detail: String,
) -> Result<()> {
    crate::audit::write(
        tx,
        meta,
        crate::audit::AuditEntry {
            action,
            target_type,
            target_id,
            target_name,
            outcome: "success",
            detail,
        },
    )
    .await
}
