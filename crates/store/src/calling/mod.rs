//! Calling provisioning storage (SPEC §15): licences, locations, people, workspaces, numbers,
//! the device catalogue, devices and their lines. Every query is bounded by a customer (the
//! organisation); the hub checks that the caller may act on that customer before calling here.
//! Counters that rules depend on (licence units consumed, devices per workspace) move in the same
//! transaction as the change, through guarded `UPDATE … WHERE count < limit` statements, so two
//! concurrent requests cannot both take the last unit on either engine.

pub mod catalogue;
pub mod devices;
pub mod licences;
pub mod lines;
pub mod locations;
pub mod mobile;
pub mod mobile_imports;
pub mod mobile_operators;
pub mod number_entries;
pub mod numbers;
pub mod people;
pub mod prov;
pub mod settings;
pub mod subscribers;
pub mod workspaces;

use crate::{Result, StoreError};
use patchbay_domain::calling::{LicenceKind, MemberKind};
use patchbay_domain::CustomerId;
use sqlx::any::AnyRow;
use sqlx::Row;

pub(crate) use crate::Tx;

pub(crate) use licences::{consume_licence, swap_licence};
pub use licences::{licence_id, Licence};

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
    // WGO-1: a person's mobile line goes with them, and its unit back to its subscription. The
    // person row is locked first (PostgreSQL), so a line being added meanwhile is either seen
    // here or refused; the lines deleted are the ones given back.
    if kind == MemberKind::People {
        sqlx::query(&format!(
            "SELECT id FROM people WHERE id = $1{}",
            store.lock_clause()
        ))
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
    }
    let units = match kind {
        MemberKind::People => mobile::delete_lines_of(&mut tx, &id.to_string()).await?,
        MemberKind::Place => Vec::new(),
    };
    let gone = sqlx::query(&format!("DELETE FROM {} WHERE id = $1", member_table(kind)))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    if gone.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    mobile::give_back(&mut tx, &units).await?;
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
    if kind == MemberKind::People {
        mobile_operators::sync_mobile_device(tx, customer, id, want.phone_number.as_deref())
            .await?;
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
