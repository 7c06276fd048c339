//! The Webex number list (API-2, NUM-1): every number of a customer and every extension held
//! without a number, as one list (the `number_entries` view), with every filter Webex documents
//! for it and the `details=true` counts.

use super::{member_columns, member_from, parse_uuid, Member};
use crate::list::{col, contains_pattern, like, lower, select_from, Filter};
use crate::{PageRequest, Result, Store};
use patchbay_domain::calling::{MemberKind, NumberKind};
use patchbay_domain::{CustomerId, LocationId};
use sea_query::{Alias, Cond, Expr, SelectStatement, SimpleExpr};
use sqlx::any::AnyRow;
use sqlx::Row;

/// One entry: a number (with its owner, if any) or an extension its holder has without a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberEntry {
    pub location_id: LocationId,
    pub location_name: String,
    /// None for an extension-only entry.
    pub phone_number: Option<String>,
    /// None for an extension-only entry.
    pub kind: Option<NumberKind>,
    pub active: bool,
    pub main_number: bool,
    pub owner: Option<Member>,
}

impl NumberEntry {
    /// The owner's extension (a number's owner may have one too).
    pub fn extension(&self) -> Option<&str> {
        self.owner.as_ref().and_then(|o| o.extension.as_deref())
    }
}

/// The list's entry order: the view's `entry_key` — `0<number>` for a number,
/// `1<extension> <location id>` for an extension held without one.
impl crate::list::Keyed for NumberEntry {
    const INTS: &'static [bool] = &[false];
    fn cursor(&self) -> crate::list::Cursor {
        let key = match &self.phone_number {
            Some(n) => format!("0{n}"),
            None => format!(
                "1{} {}",
                self.extension().unwrap_or_default(),
                self.location_id
            ),
        };
        crate::list::Cursor(vec![crate::list::KeyValue::Text(key)])
    }
}

/// What the list is narrowed to; every field left `None` narrows nothing.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub location: Option<LocationId>,
    /// Digits contained in the number.
    pub phone_number: Option<String>,
    /// Some(true): numbers nobody holds; Some(false): held entries.
    pub available: Option<bool>,
    /// The holder (a person or a workspace).
    pub owner_id: Option<uuid::Uuid>,
    /// Holders of these kinds (empty: none — the owner types Patchbay has no entity for).
    pub owner_kinds: Option<Vec<MemberKind>>,
    /// Contained (case-insensitively) in the holder's display name.
    pub owner_name: Option<String>,
    /// ACTIVE (true) or INACTIVE (false).
    pub active: Option<bool>,
    /// Some(true): entries with a number; Some(false): extension-only entries.
    pub with_number: Option<bool>,
    /// The holder's extension, exactly.
    pub extension: Option<String>,
    /// Numbers of these kinds only (extension-only entries have none; empty: nothing).
    pub kinds: Option<Vec<NumberKind>>,
    /// Numbers not of this kind (`tollFreeNumbers=false`).
    pub not_kind: Option<NumberKind>,
    /// A filter no entry here can match (a number property Patchbay never sets).
    pub nothing: bool,
}

/// The order of the list (Webex `order`); entry order breaks ties and is the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EntryOrder {
    /// Numbers by number, then extension-only entries by extension.
    #[default]
    Entry,
    /// By the holder's last name (a workspace's name), unheld numbers last.
    LastName,
    /// By directory number: the number, extension-only entries last.
    Dn,
    /// By the holder's extension, entries without one last.
    Extension,
}

impl EntryOrder {
    /// The expressions sorted on before the entry key: fixed SQL of the schema.
    fn exprs(self) -> &'static [&'static str] {
        match self {
            EntryOrder::Entry => &[],
            EntryOrder::LastName => &[
                "CASE WHEN p.id IS NULL AND w.id IS NULL THEN 1 ELSE 0 END",
                "LOWER(COALESCE(p.last_name, w.display_name, ''))",
            ],
            EntryOrder::Dn => &["CASE WHEN n.phone_number IS NULL THEN 1 ELSE 0 END"],
            EntryOrder::Extension => &[
                "CASE WHEN COALESCE(p.extension, w.extension) IS NULL THEN 1 ELSE 0 END",
                "COALESCE(p.extension, w.extension, '')",
            ],
        }
    }
}

/// The `details=true` counts over the whole filtered list (not just the page).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntryCounts {
    pub assigned: i64,
    pub unassigned: i64,
    pub inactive: i64,
    pub extension_only: i64,
    pub toll_free: i64,
    pub mobile: i64,
    pub total: i64,
}

const COLUMNS: &str = concat!(
    "n.location_id, l.name AS location_name, n.phone_number, n.kind, n.state, n.main_number, \
     n.entry_key, ",
    member_columns!()
);

fn select() -> SelectStatement {
    select_from(
        COLUMNS,
        ("number_entries", "n"),
        &super::numbers::HOLDER_JOINS,
    )
}

fn from_row(row: &AnyRow) -> Result<NumberEntry> {
    let kind: Option<String> = row.try_get("kind")?;
    Ok(NumberEntry {
        location_id: LocationId(parse_uuid(&row.try_get::<String, _>("location_id")?)?),
        location_name: row.try_get("location_name")?,
        phone_number: row.try_get("phone_number")?,
        kind: kind.as_deref().and_then(NumberKind::parse),
        active: row.try_get::<String, _>("state")? == "ACTIVE",
        main_number: crate::get_flag(row, "main_number")?,
        owner: member_from(row)?,
    })
}

fn held() -> Cond {
    Cond::any()
        .add(col("n.person_id").is_not_null())
        .add(col("n.workspace_id").is_not_null())
}

fn nothing() -> SimpleExpr {
    Expr::cust("1 = 0")
}

fn kinds_in(kinds: &[NumberKind]) -> Cond {
    if kinds.is_empty() {
        return Cond::all().add(nothing());
    }
    kinds
        .iter()
        .fold(Cond::any(), |c, k| c.add(col("n.kind").eq(k.as_str())))
}

fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The WHERE clause of `f` for `customer`.
fn filter(customer: CustomerId, f: &EntryFilter) -> Filter {
    let mut w = Filter::new()
        .eq("n.customer_id", Some(customer.to_string()))
        .eq("n.location_id", f.location.map(|l| l.to_string()))
        .when(f.nothing, nothing());
    if let Some(p) = text(&f.phone_number) {
        let digits: String = p.chars().filter(char::is_ascii_digit).collect();
        w = w.and(col("n.phone_number").like(format!("%{digits}%")));
    }
    w = match f.available {
        Some(true) => w.and(held().not()),
        Some(false) => w.and(held()),
        None => w,
    };
    if let Some(o) = f.owner_id {
        w = w.and(
            Cond::any()
                .add(col("n.person_id").eq(o.to_string()))
                .add(col("n.workspace_id").eq(o.to_string())),
        );
    }
    if let Some(kinds) = &f.owner_kinds {
        let mut any = Cond::any().add(nothing());
        for k in kinds {
            any = any.add(match k {
                MemberKind::People => col("n.person_id").is_not_null(),
                MemberKind::Place => col("n.workspace_id").is_not_null(),
            });
        }
        w = w.and(any);
    }
    if let Some(name) = text(&f.owner_name) {
        let pattern = contains_pattern(name);
        w = w.and(
            Cond::any()
                .add(lower("p.display_name").like(like(&pattern)))
                .add(lower("w.display_name").like(like(&pattern))),
        );
    }
    w = w.eq(
        "n.state",
        f.active.map(|a| if a { "ACTIVE" } else { "INACTIVE" }),
    );
    w = match f.with_number {
        Some(true) => w.and(col("n.phone_number").is_not_null()),
        Some(false) => w.and(col("n.phone_number").is_null()),
        None => w,
    };
    if let Some(ext) = text(&f.extension) {
        w = w.and(
            Cond::any()
                .add(col("p.extension").eq(ext))
                .add(col("w.extension").eq(ext)),
        );
    }
    if let Some(kinds) = &f.kinds {
        w = w.and(kinds_in(kinds));
    }
    if let Some(k) = f.not_kind {
        w = w.and(
            Cond::any()
                .add(col("n.kind").is_null())
                .add(col("n.kind").ne(k.as_str())),
        );
    }
    w
}

/// `COALESCE(SUM(CASE WHEN <cond> THEN 1 ELSE 0 END), 0) AS <name>`: fixed SQL of the schema.
fn tally(cond: &str, name: &str) -> (SimpleExpr, Alias) {
    (
        Expr::cust(format!(
            "COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0)"
        )),
        Alias::new(name),
    )
}

impl Store {
    /// One page of `customer`'s number entries matching `f`, in entry order, with the number of
    /// matching entries and, when `counts`, the `details=true` counts.
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn list_number_entries(
        &self,
        customer: CustomerId,
        f: &EntryFilter,
        order: EntryOrder,
        page: PageRequest,
        counts: bool,
    ) -> Result<(Vec<NumberEntry>, i64, Option<EntryCounts>)> {
        // A keyset page follows the entry order only.
        if order != EntryOrder::Entry && page.after.is_some() {
            return Err(crate::StoreError::Cursor);
        }
        let w = filter(customer, f);
        let mut rows = select();
        for e in order.exprs() {
            rows.order_by_expr(Expr::cust(*e), sea_query::Order::Asc);
        }
        let (items, total) =
            super::page_of(self, rows, w.clone(), &["n.entry_key"], page, from_row).await?;
        if !counts {
            return Ok((items, total, None));
        }
        let held = "(n.person_id IS NOT NULL OR n.workspace_id IS NOT NULL)";
        let mut q = select();
        q.clear_selects();
        for (cond, name) in [
            (held.to_string(), "assigned"),
            (
                format!("n.phone_number IS NOT NULL AND NOT {held}"),
                "unassigned",
            ),
            ("n.state = 'INACTIVE'".to_string(), "inactive"),
            ("n.phone_number IS NULL".to_string(), "extension_only"),
            ("n.kind = 'TOLLFREE'".to_string(), "toll_free"),
            ("n.kind = 'MOBILE'".to_string(), "mobile"),
            ("1 = 1".to_string(), "total"),
        ] {
            let (e, a) = tally(&cond, name);
            q.expr_as(e, a);
        }
        q.cond_where(w.condition());
        let row = self
            .select_optional(&q)
            .await?
            .ok_or(crate::StoreError::NotFound)?;
        let n = |c: &str| row.try_get::<i64, _>(c);
        let c = EntryCounts {
            assigned: n("assigned")?,
            unassigned: n("unassigned")?,
            inactive: n("inactive")?,
            extension_only: n("extension_only")?,
            toll_free: n("toll_free")?,
            mobile: n("mobile")?,
            total: n("total")?,
        };
        Ok((items, total, Some(c)))
    }
}
