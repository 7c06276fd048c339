//! Paging and sort direction, as the API and the console ask for them (see `list`).

/// Offset paging as the API and console use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub start: i64,
    pub max: i64,
}

impl PageRequest {
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
