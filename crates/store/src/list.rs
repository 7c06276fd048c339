//! The one list pipeline of the store: every list query (accounts, audit events, outbox,
//! providers, customers, alarms, people, locations, workspaces, numbers, devices) is a typed
//! [`Filter`] (equals, contains-any for search, flags, related rows, the caller's scope) over a
//! select, ordered by the entity's declared sort columns ([`sort_columns!`]) and cut into a page
//! by [`Store::count_and_page`], which returns the page's rows and the total.
//!
//! SQL is built with sea-query for the store's engine; values are always bound, never spliced.
//! Column paths are written `alias.column` (`c.name_key`) as in the schema's queries.

use crate::{Dialect, PageRequest, Result, SortOrder, Store};
use sea_query::{
    Alias, Cond, Condition, Expr, Func, IntoCondition, LikeExpr, Order, PostgresQueryBuilder,
    Query, SelectStatement, SimpleExpr, SqliteQueryBuilder, Value,
};
use sea_query_binder::{SqlxBinder, SqlxValues};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;

/// `alias.column` (or a bare `column`) as an expression.
pub fn col(path: &str) -> Expr {
    match path.split_once('.') {
        Some((t, c)) => Expr::col((Alias::new(t), Alias::new(c))),
        None => Expr::col(Alias::new(path)),
    }
}

/// `LOWER(alias.column)`.
pub fn lower(path: &str) -> Expr {
    Expr::expr(Func::lower(col(path)))
}

/// A `LIKE` pattern matching `needle` anywhere, case-insensitively (compare against `LOWER(col)`),
/// with `\` escaping the wildcards the user typed.
pub fn contains_pattern(needle: &str) -> String {
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// `SELECT 1 FROM table alias WHERE <link>`: rows related to the outer row, for [`Filter::exists`].
/// `link` is a fixed join condition between aliases (`t.customer_id = c.id`), never a value.
pub fn related(table: &str, alias: &str, link: &'static str) -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from_as(Alias::new(table), Alias::new(alias))
        .and_where(Expr::cust(link))
        .to_owned()
}

/// A WHERE clause under construction: every condition added must hold. Absent filter values
/// (`None`, blank text) add nothing.
#[derive(Debug, Clone)]
pub struct Filter(Condition);

impl Default for Filter {
    fn default() -> Self {
        Self(Cond::all())
    }
}

impl Filter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Any condition (the caller's scope, a range …).
    pub fn and(mut self, c: impl IntoCondition) -> Self {
        self.0 = self.0.add(c.into_condition());
        self
    }

    /// `column = value` when a value is given.
    pub fn eq<V: Into<Value>>(self, column: &str, value: Option<V>) -> Self {
        match value {
            Some(v) => self.and(col(column).eq(v)),
            None => self,
        }
    }

    /// `column = text` when the text is not blank.
    pub fn eq_text(self, column: &str, value: Option<&str>) -> Self {
        self.eq(
            column,
            value.filter(|s| !s.trim().is_empty()).map(str::to_string),
        )
    }

    /// A 0/1 flag column: `column <> 0` for `Some(true)`, `= 0` for `Some(false)`.
    pub fn flag(self, column: &str, value: Option<bool>) -> Self {
        match value {
            Some(true) => self.and(col(column).ne(0)),
            Some(false) => self.and(col(column).eq(0)),
            None => self,
        }
    }

    /// The condition `f` makes of `value`, when there is one.
    pub fn when_some<V, C: IntoCondition>(self, value: Option<V>, f: impl FnOnce(V) -> C) -> Self {
        match value {
            Some(v) => self.and(f(v)),
            None => self,
        }
    }

    /// `condition` when `on`.
    pub fn when(self, on: bool, c: impl IntoCondition) -> Self {
        if on {
            self.and(c)
        } else {
            self
        }
    }

    /// Search: `needle` contained (case-insensitively, wildcards escaped) in any of `columns`, or
    /// in `also` (typically a related row, see [`Filter::search_related`]). Blank: no condition.
    pub fn contains_any(self, columns: &[&str], needle: Option<&str>) -> Self {
        self.search(columns, needle, |_| Vec::new())
    }

    /// [`Filter::contains_any`], also matching a column of related rows (`t.tag_key` of the
    /// customer's tags …).
    pub fn search(
        self,
        columns: &[&str],
        needle: Option<&str>,
        also: impl FnOnce(&str) -> Vec<SimpleExpr>,
    ) -> Self {
        let lowered = columns.iter().map(|c| lower(c).into()).collect();
        self.matching(lowered, needle, also)
    }

    /// Any of `exprs` (lowered text) containing `needle`, or any of `also`'s conditions for the
    /// pattern. Blank: no condition.
    fn matching(
        self,
        exprs: Vec<SimpleExpr>,
        needle: Option<&str>,
        also: impl FnOnce(&str) -> Vec<SimpleExpr>,
    ) -> Self {
        self.search_with(needle, |_, pattern| {
            let mut any: Vec<SimpleExpr> = exprs
                .into_iter()
                .map(|e| Expr::expr(e).like(like(pattern)))
                .collect();
            any.extend(also(pattern));
            any
        })
    }

    /// Search where the caller writes every alternative from the trimmed needle and its
    /// [`contains_pattern`] (an index's own operator, a `LIKE` …). Blank: no condition.
    pub fn search_with(
        self,
        needle: Option<&str>,
        any: impl FnOnce(&str, &str) -> Vec<SimpleExpr>,
    ) -> Self {
        let Some(needle) = needle.map(str::trim).filter(|s| !s.is_empty()) else {
            return self;
        };
        let pattern = contains_pattern(needle);
        let mut cond = Cond::any();
        for e in any(needle, &pattern) {
            cond = cond.add(e);
        }
        self.and(cond)
    }

    /// `EXISTS (related rows matching c)`.
    pub fn exists(self, mut related: SelectStatement, c: impl IntoCondition) -> Self {
        related.cond_where(c);
        self.and(Expr::exists(related))
    }

    pub fn condition(self) -> Condition {
        self.0
    }
}

/// `LIKE pattern ESCAPE '\'`.
pub fn like(pattern: &str) -> LikeExpr {
    LikeExpr::new(pattern).escape('\\')
}

/// The columns an entity's list can be sorted by, each with its API / console name. Declared
/// once per entity with [`sort_columns!`].
pub trait SortColumns: Copy + Send + Sync + 'static {
    fn all() -> &'static [(Self, &'static str)];
    /// The `alias.column` it sorts by, or `LOWER(alias.column)` to sort text case-insensitively.
    fn column(self) -> &'static str;
}

/// The expression a sort column names (see [`SortColumns::column`]).
pub fn sort_expr(column: &str) -> SimpleExpr {
    match column
        .strip_prefix("LOWER(")
        .and_then(|c| c.strip_suffix(')'))
    {
        Some(inner) => lower(inner).into(),
        None => col(column).into(),
    }
}

/// Declare an entity's sort columns: `name => "apiName" => "alias.column"`.
#[macro_export]
macro_rules! sort_columns {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($variant:ident => $api:literal => $column:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name { $($variant),+ }

        impl $name {
            pub const ALL: [($name, &'static str); [$($api),+].len()] = [$(($name::$variant, $api)),+];
            /// The column called `name` in the API and the console.
            pub fn parse(name: &str) -> Option<Self> {
                Self::ALL.iter().find(|(_, n)| *n == name).map(|(c, _)| *c)
            }
            /// The column's API / console name.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $api),+ }
            }
        }

        impl $crate::list::SortColumns for $name {
            fn all() -> &'static [(Self, &'static str)] {
                &Self::ALL
            }
            fn column(self) -> &'static str {
                match self { $($name::$variant => $column),+ }
            }
        }
    };
}

/// How a list is ordered: the chosen column if any, then the tie-breakers that make the order
/// total (so paging never skips or repeats a row).
pub fn order<S: SortColumns>(
    select: &mut SelectStatement,
    sort: Option<(S, SortOrder)>,
    tie_breakers: &[&str],
) {
    if let Some((c, dir)) = sort {
        select.order_by_expr(sort_expr(c.column()), dir.into());
    }
    then_by(select, tie_breakers);
}

/// Order by these columns, ascending (a list's fixed order, or its tie-breakers).
pub fn then_by(select: &mut SelectStatement, columns: &[&str]) {
    for c in columns {
        select.order_by_expr(sort_expr(c), Order::Asc);
    }
}

/// A join of [`select_from`]: kind, table, alias and its fixed `ON` condition between aliases.
pub type Join = (
    sea_query::JoinType,
    &'static str,
    &'static str,
    &'static str,
);

/// `SELECT columns FROM table alias [joins]`: an entity's list source. `columns` and the join
/// conditions are fixed SQL of the schema, never values.
pub fn select_from(
    columns: &'static str,
    (table, alias): (&'static str, &'static str),
    joins: &[Join],
) -> SelectStatement {
    let mut q = Query::select();
    q.expr(Expr::cust(columns))
        .from_as(Alias::new(table), Alias::new(alias));
    for (kind, t, a, on) in joins {
        q.join_as(*kind, Alias::new(*t), Alias::new(*a), Expr::cust(*on));
    }
    q
}

impl From<SortOrder> for Order {
    fn from(o: SortOrder) -> Self {
        match o {
            SortOrder::Asc => Order::Asc,
            SortOrder::Desc => Order::Desc,
        }
    }
}

/// One value of a list's sort key, as a [`Cursor`] carries it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum KeyValue {
    Int(i64),
    Text(String),
}

impl From<KeyValue> for Value {
    fn from(k: KeyValue) -> Self {
        match k {
            KeyValue::Int(i) => Value::from(i),
            KeyValue::Text(t) => Value::from(t),
        }
    }
}

/// Where a keyset page starts: the sort key (every order column, ties broken by the id) of the
/// last item of the page before. Opaque to clients: base64url of a JSON array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(pub Vec<KeyValue>);

impl Cursor {
    pub fn encode(&self) -> String {
        use base64::Engine;
        let json = serde_json::to_vec(&self.0).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    /// None for anything [`Cursor::encode`] did not make.
    pub fn decode(s: &str) -> Option<Self> {
        use base64::Engine;
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s.trim())
            .ok()?;
        let values: Vec<KeyValue> = serde_json::from_slice(&json).ok()?;
        (!values.is_empty() && values.len() <= 8).then_some(Self(values))
    }
}

impl KeyValue {
    fn is_int(&self) -> bool {
        matches!(self, KeyValue::Int(_))
    }
}

/// An item of a keyset-paged list: its sort key, in the order its list declares.
pub trait Keyed {
    /// Which of the key's values are integers (the others are text), in order.
    const INTS: &'static [bool];
    fn cursor(&self) -> Cursor;
}

/// Whether `cursor` has the shape of `T`'s keys (so a forged one cannot compare text with
/// numbers in the database).
pub fn fits<T: Keyed>(cursor: &Cursor) -> bool {
    cursor.0.len() == T::INTS.len() && cursor.0.iter().zip(T::INTS).all(|(v, i)| v.is_int() == *i)
}

/// Rows after `cursor` in ascending `order`: `(c1 > v1) OR (c1 = v1 AND c2 > v2) OR …`.
pub fn after(order: &[&str], cursor: &Cursor) -> Option<Condition> {
    if order.len() != cursor.0.len() {
        return None;
    }
    let mut any = Cond::any();
    for i in 0..order.len() {
        let mut all = Cond::all();
        for (c, v) in order.iter().zip(&cursor.0).take(i) {
            all = all.add(Expr::expr(sort_expr(c)).eq(Value::from(v.clone())));
        }
        all = all.add(Expr::expr(sort_expr(order[i])).gt(Value::from(cursor.0[i].clone())));
        any = any.add(all);
    }
    Some(any)
}

/// One page of a list and how many items match in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
        }
    }
    pub fn try_map<U, E>(
        self,
        f: impl FnMut(T) -> std::result::Result<U, E>,
    ) -> std::result::Result<Page<U>, E> {
        Ok(Page {
            items: self
                .items
                .into_iter()
                .map(f)
                .collect::<std::result::Result<_, _>>()?,
            total: self.total,
        })
    }
    /// The parts, for callers that still take `(items, total)`.
    pub fn into_parts(self) -> (Vec<T>, i64) {
        (self.items, self.total)
    }
}

impl Store {
    /// Build a statement for this store's engine.
    pub(crate) fn build<S: SqlxBinder>(&self, stmt: &S) -> (String, SqlxValues) {
        match self.dialect() {
            Dialect::Sqlite => stmt.build_sqlx(SqliteQueryBuilder),
            Dialect::Postgres => stmt.build_sqlx(PostgresQueryBuilder),
        }
    }

    pub(crate) async fn select_all(&self, stmt: &SelectStatement) -> Result<Vec<AnyRow>> {
        let (sql, values) = self.build(stmt);
        Ok(sqlx::query_with(&sql, values)
            .fetch_all(self.pool())
            .await?)
    }

    pub(crate) async fn select_optional(&self, stmt: &SelectStatement) -> Result<Option<AnyRow>> {
        let (sql, values) = self.build(stmt);
        Ok(sqlx::query_with(&sql, values)
            .fetch_optional(self.pool())
            .await?)
    }

    /// [`Store::select_optional`] inside a transaction.
    pub(crate) async fn select_optional_in(
        &self,
        tx: &mut crate::Tx,
        stmt: &SelectStatement,
    ) -> Result<Option<AnyRow>> {
        let (sql, values) = self.build(stmt);
        Ok(sqlx::query_with(&sql, values)
            .fetch_optional(&mut **tx)
            .await?)
    }

    /// The rows of `stmt` grouped by owner, in the statement's order: the labels of several
    /// accounts, the tags or operators of several customers … in one query. `owner` reads a row's
    /// owner, `value` what the row holds.
    pub(crate) async fn grouped<K: Eq + std::hash::Hash, V>(
        &self,
        stmt: &SelectStatement,
        owner: impl Fn(&AnyRow) -> Result<K>,
        value: impl Fn(&AnyRow) -> Result<V>,
    ) -> Result<HashMap<K, Vec<V>>> {
        let mut map: HashMap<K, Vec<V>> = HashMap::new();
        for r in self.select_all(stmt).await? {
            map.entry(owner(&r)?).or_default().push(value(&r)?);
        }
        Ok(map)
    }

    /// The rows of a grouped count (`SELECT … AS k, COUNT(*) AS n … GROUP BY …`) with text keys,
    /// as `(k, n)` pairs in the statement's order.
    pub(crate) async fn key_counts(&self, stmt: &SelectStatement) -> Result<Vec<(String, i64)>> {
        self.key_counts_named(stmt, |r| Ok(r.try_get("k")?)).await
    }

    /// [`Store::key_counts`], the key named by `key` from the row's `k` (a rank, a code …).
    pub(crate) async fn key_counts_named(
        &self,
        stmt: &SelectStatement,
        key: impl Fn(&AnyRow) -> Result<String>,
    ) -> Result<Vec<(String, i64)>> {
        self.select_all(stmt)
            .await?
            .iter()
            .map(|r| Ok((key(r)?, r.try_get::<i64, _>("n")?)))
            .collect()
    }

    /// `SELECT COUNT(*)` of `select`'s FROM and `filter`.
    pub(crate) async fn count(&self, select: &SelectStatement, filter: &Filter) -> Result<i64> {
        let mut count = select.clone();
        count.clear_selects();
        count.clear_order_by();
        count.expr_as(Expr::cust("COUNT(*)"), Alias::new("n"));
        count.cond_where(filter.clone().condition());
        let (sql, values) = self.build(&count);
        Ok(sqlx::query_with(&sql, values)
            .fetch_one(self.pool())
            .await?
            .try_get("n")?)
    }

    /// The rows of `select` matching `filter`, in the order set on `select`, cut to `page`, with
    /// the total count.
    pub(crate) async fn count_and_page(
        &self,
        select: SelectStatement,
        filter: Filter,
        page: PageRequest,
    ) -> Result<Page<AnyRow>> {
        let count_from = select.clone();
        self.count_and_page_from(select, &count_from, filter, page)
            .await
    }

    /// [`Store::count_and_page`], counting over `count_from` (the same rows without the joins
    /// that only add columns: `COUNT(*)` over a million alarms need not join their customers).
    pub(crate) async fn count_and_page_from(
        &self,
        select: SelectStatement,
        count_from: &SelectStatement,
        filter: Filter,
        page: PageRequest,
    ) -> Result<Page<AnyRow>> {
        // Keyset pages are cut by `calling::page_of`; a list paged by offset has no cursor.
        if page.after.is_some() {
            return Err(crate::StoreError::Cursor);
        }
        let total = self.count(count_from, &filter).await?;
        let mut rows = select;
        rows.cond_where(filter.condition())
            .limit(page.max as u64)
            .offset(page.start as u64);
        Ok(Page {
            items: self.select_all(&rows).await?,
            total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::sort_columns! {
        enum Demo { Name => "name" => "d.name", Age => "age" => "d.age" }
    }

    #[test]
    fn sort_columns_declare_names_and_columns_once() {
        assert_eq!(Demo::parse("age"), Some(Demo::Age));
        assert_eq!(Demo::parse("bogus"), None);
        assert_eq!(Demo::Name.column(), "d.name");
        assert_eq!(Demo::Age.name(), "age");
        assert_eq!(Demo::ALL.len(), 2);
    }

    #[test]
    fn filters_bind_values_and_skip_absent_ones() {
        let mut q = Query::select()
            .expr(Expr::cust("d.id"))
            .from_as(Alias::new("demo"), Alias::new("d"))
            .to_owned();
        let f = Filter::new()
            .eq_text("d.kind", Some("x"))
            .eq_text("d.other", Some("  "))
            .flag("d.on", Some(true))
            .contains_any(&["d.name", "d.note"], Some("50%_off"))
            .exists(
                related("tags", "t", "t.demo_id = d.id"),
                col("t.tag").eq("vip"),
            );
        q.cond_where(f.condition());
        order(&mut q, Some((Demo::Age, SortOrder::Desc)), &["d.id"]);
        let (sql, values) = q.build(PostgresQueryBuilder);
        assert_eq!(
            sql,
            "SELECT d.id FROM \"demo\" AS \"d\" WHERE \"d\".\"kind\" = $1 AND \"d\".\"on\" <> $2 \
             AND (LOWER(\"d\".\"name\") LIKE $3 ESCAPE E'\\\\' OR LOWER(\"d\".\"note\") LIKE $4 ESCAPE E'\\\\') \
             AND EXISTS(SELECT $5 FROM \"tags\" AS \"t\" WHERE (t.demo_id = d.id) AND \"t\".\"tag\" = $6) \
             ORDER BY \"d\".\"age\" DESC, \"d\".\"id\" ASC"
        );
        assert_eq!(values.0.len(), 6);
        assert_eq!(values.0[2], Value::from("%50\\%\\_off%"));
    }
}
