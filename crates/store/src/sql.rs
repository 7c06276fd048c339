//! Helpers for building the few dynamic queries (list pages): paging, sorting, search patterns.

/// Offset paging as the API and console use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub start: i64,
    pub max: i64,
}

impl Page {
    pub const MAX: i64 = 1000;
    pub fn new(start: i64, max: i64) -> Self {
        Self {
            start: start.max(0),
            max: max.clamp(1, Self::MAX),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Asc,
    Desc,
}

impl SortOrder {
    pub fn sql(self) -> &'static str {
        match self {
            SortOrder::Asc => "ASC",
            SortOrder::Desc => "DESC",
        }
    }
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

/// Bind every collected value, in order, to a query built with [`Binds`].
pub fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q Binds,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for v in &binds.values {
        q = q.bind(v.as_str());
    }
    q
}

/// Appends `$n` placeholders while a query is assembled, keeping the bind values in order.
#[derive(Default)]
pub struct Binds {
    pub values: Vec<String>,
}

impl Binds {
    pub fn push(&mut self, v: impl Into<String>) -> String {
        self.values.push(v.into());
        format!("${}", self.values.len())
    }
}
