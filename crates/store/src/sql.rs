//! Paging and sort direction, as the API and the console ask for them (see `list`).

/// Paging as the API and console use it: `max` items from offset `start`, or — keyset paging,
/// which a deletion during the walk cannot shift — the `max` items after [`Cursor`] in the list's
/// order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub start: i64,
    pub max: i64,
    pub after: Option<crate::list::Cursor>,
}

impl PageRequest {
    pub const MAX: i64 = 1000;
    pub fn new(start: i64, max: i64) -> Self {
        Self {
            start: start.max(0),
            max: max.clamp(1, Self::MAX),
            after: None,
        }
    }

    /// The `max` items after `cursor`.
    pub fn after(cursor: crate::list::Cursor, max: i64) -> Self {
        Self {
            after: Some(cursor),
            ..Self::new(0, max)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Asc,
    Desc,
}
