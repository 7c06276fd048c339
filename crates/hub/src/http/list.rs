//! The console's list pipeline: one [`ListParams`] type parses a list page's query string once,
//! against the page's [`ListSpec`] (its parameters, sort columns and page sizes), and writes every
//! link the page needs — sort headers cycling ↓ ↑ none with their `aria-sort`, page links, the
//! filter toggle and clear, one-criterion links, and the hidden inputs of its GET forms. The
//! templates `list_pager.html` and `list_sort_header.html` render the pager and a sortable header
//! from it.
//!
//! Adding a filter to a list page: one [`Param`] in its spec (and the store filter it feeds).

use patchbay_store::list::SortColumns;
use patchbay_store::{PageRequest, SortOrder};

/// What a query parameter of a list page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// Chooses what the list is about (the organisation of a calling page): never cleared.
    Context,
    /// The free-text search: kept when the filter criteria are cleared.
    Search,
    /// A filter criterion: shown in the filter panel, cleared together.
    Criterion,
}

/// One query parameter of a list page.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub kind: ParamKind,
    /// The value kept from what was sent (trimmed, normalised; empty drops it).
    pub clean: fn(&str) -> String,
}

impl Param {
    pub const fn context(name: &'static str) -> Self {
        Self {
            name,
            kind: ParamKind::Context,
            clean: trimmed,
        }
    }
    pub const fn search(name: &'static str) -> Self {
        Self {
            name,
            kind: ParamKind::Search,
            clean: trimmed,
        }
    }
    pub const fn criterion(name: &'static str) -> Self {
        Self {
            name,
            kind: ParamKind::Criterion,
            clean: trimmed,
        }
    }
    /// A criterion whose sent value is normalised by `clean` (an unknown value is dropped).
    pub const fn checked(name: &'static str, clean: fn(&str) -> String) -> Self {
        Self {
            name,
            kind: ParamKind::Criterion,
            clean,
        }
    }
}

/// The value as sent, trimmed.
pub fn trimmed(v: &str) -> String {
    v.trim().to_string()
}

/// `true` or `false` from the usual spellings; anything else is dropped.
pub fn boolean(v: &str) -> String {
    match v.trim() {
        "true" | "1" | "yes" => "true".into(),
        "false" | "0" | "no" => "false".into(),
        _ => String::new(),
    }
}

/// Whether links always carry `max`, or only when it is not the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxInLinks {
    Always,
    WhenChanged,
}

/// What a list page accepts.
#[derive(Debug)]
pub struct ListSpec {
    pub path: &'static str,
    /// In the order links write them.
    pub params: &'static [Param],
    /// Sortable columns (the store's names for them); empty: the list has a fixed order.
    pub sorts: &'static [&'static str],
    /// The order a sort column gets when the link names none (`""`: none, unsorted).
    pub default_order: &'static str,
    pub sizes: &'static [i64],
    pub default_max: i64,
    pub max_in_links: MaxInLinks,
}

/// The pager under a list.
#[derive(Debug, Clone)]
pub struct Pager {
    pub first: i64,
    pub last: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub sizes: Vec<i64>,
}

/// A list page's state, parsed from its query string (see the module documentation).
#[derive(Debug, Clone)]
pub struct ListParams {
    spec: &'static ListSpec,
    /// The value of each of the spec's parameters (empty when absent).
    values: Vec<String>,
    pub sort: String,
    pub order: String,
    pub start: i64,
    pub max: i64,
    pub filter_open: bool,
}

impl ListParams {
    pub fn parse(spec: &'static ListSpec, query: Option<&str>) -> Self {
        let pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let values = spec
            .params
            .iter()
            .map(|p| get(p.name).map(|v| (p.clean)(v)).unwrap_or_default())
            .collect();
        let sort = get("sort")
            .filter(|s| spec.sorts.contains(s))
            .unwrap_or("")
            .to_string();
        let order = match get("order") {
            Some(o @ ("asc" | "desc")) if !sort.is_empty() || spec.default_order.is_empty() => {
                o.to_string()
            }
            _ if !sort.is_empty() => spec.default_order.to_string(),
            _ => String::new(),
        };
        Self {
            spec,
            values,
            sort,
            order,
            start: get("start")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0i64)
                .max(0),
            max: get("max")
                .and_then(|v| v.parse().ok())
                .filter(|m| spec.sizes.contains(m))
                .unwrap_or(spec.default_max),
            filter_open: get("filter").is_some_and(|v| matches!(v, "1" | "on" | "true")),
        }
    }

    pub fn path(&self) -> &'static str {
        self.spec.path
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.spec.params.iter().position(|p| p.name == name)
    }

    /// A parameter's value (empty when absent).
    pub fn get(&self, name: &str) -> &str {
        self.index(name)
            .map(|i| self.values[i].as_str())
            .unwrap_or("")
    }

    pub fn is(&self, name: &str, value: &str) -> bool {
        self.get(name) == value
    }

    /// A non-empty parameter's value.
    pub fn value(&self, name: &str) -> Option<String> {
        Some(self.get(name).to_string()).filter(|v| !v.is_empty())
    }

    /// The parameters as a typed filter that names them as the spec does (the API's query type
    /// of the same list, e.g. `filters::CustomerQuery`). Only values the spec's clean-up kept are
    /// read, so they always parse.
    pub fn criteria<T: serde::de::DeserializeOwned + Default>(&self) -> T {
        let set = self
            .spec
            .params
            .iter()
            .zip(&self.values)
            .filter(|(_, v)| !v.is_empty())
            .map(|(p, v)| (p.name, v.as_str()));
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(set)
            .finish();
        serde_html_form::from_str(&query).unwrap_or_default()
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        if let Some(i) = self.index(name) {
            self.values[i] = value.into();
        }
    }

    /// Every parameter that is set, in the spec's order, then sort, order, start, max, filter.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = self
            .spec
            .params
            .iter()
            .zip(&self.values)
            .filter(|(_, v)| !v.is_empty())
            .map(|(p, v)| (p.name, v.clone()))
            .collect();
        for (k, v) in [("sort", &self.sort), ("order", &self.order)] {
            if !v.is_empty() {
                out.push((k, v.clone()));
            }
        }
        if self.start > 0 {
            out.push(("start", self.start.to_string()));
        }
        if self.spec.max_in_links == MaxInLinks::Always || self.max != self.spec.default_max {
            out.push(("max", self.max.to_string()));
        }
        if self.filter_open {
            out.push(("filter", "1".into()));
        }
        out
    }

    /// This state's URL.
    pub fn url(&self) -> String {
        let pairs = self.pairs();
        if pairs.is_empty() {
            return self.spec.path.to_string();
        }
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("{}?{query}", self.spec.path)
    }

    /// The URL with `name` set to `value`, from the first page.
    pub fn with(&self, name: &str, value: &str) -> String {
        let mut next = self.clone();
        next.start = 0;
        next.set(name, value);
        next.url()
    }

    /// The URL with these parameters cleared, from the first page.
    pub fn without(&self, names: &[&str]) -> String {
        let mut next = self.clone();
        next.start = 0;
        for n in names {
            next.set(n, "");
        }
        next.url()
    }

    /// This state's URL followed by `extra` parameters the list does not keep (a notice).
    pub fn url_and(&self, extra: &[(&str, String)]) -> String {
        let mut pairs: Vec<(&str, String)> = self.pairs();
        pairs.extend(extra.iter().cloned());
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("{}?{query}", self.spec.path)
    }

    /// A one-criterion link: selects `value`, or clears it when it is the selected one.
    pub fn toggle(&self, name: &str, value: &str) -> String {
        if self.is(name, value) {
            self.with(name, "")
        } else {
            self.with(name, value)
        }
    }

    /// Header link: one column at a time, cycling descending → ascending → unsorted.
    pub fn sort_link(&self, col: &str) -> String {
        let mut next = self.clone();
        next.start = 0;
        if self.sort != col {
            next.sort = col.to_string();
            next.order = "desc".into();
        } else if self.order == "desc" {
            next.order = "asc".into();
        } else {
            next.sort.clear();
            next.order.clear();
        }
        next.url()
    }

    /// ↓, ↑ or nothing for a column header.
    pub fn sort_mark(&self, col: &str) -> &'static str {
        match (self.sort == col, self.order.as_str()) {
            (true, "desc") => "↓",
            (true, "asc") => "↑",
            _ => "",
        }
    }

    pub fn aria_sort(&self, col: &str) -> &'static str {
        match (self.sort == col, self.order.as_str()) {
            (true, "desc") => "descending",
            (true, "asc") => "ascending",
            _ => "none",
        }
    }

    /// The chosen sort as the store's column.
    pub fn sort_as<S: SortColumns>(&self) -> Option<(S, SortOrder)> {
        let col = S::all()
            .iter()
            .find(|(_, n)| *n == self.sort)
            .map(|(c, _)| *c)?;
        Some((
            col,
            if self.order == "asc" {
                SortOrder::Asc
            } else {
                SortOrder::Desc
            },
        ))
    }

    pub fn page_link(&self, start: i64) -> String {
        let mut next = self.clone();
        next.start = start.max(0);
        next.url()
    }

    pub fn toggle_filter_link(&self) -> String {
        let mut next = self.clone();
        next.filter_open = !self.filter_open;
        next.url()
    }

    /// Every criterion cleared (search and context stay), from the first page.
    pub fn clear_filter_link(&self) -> String {
        let mut next = self.clone();
        for (p, v) in self.spec.params.iter().zip(next.values.iter_mut()) {
            if p.kind == ParamKind::Criterion {
                v.clear();
            }
        }
        next.start = 0;
        next.url()
    }

    pub fn filter_active(&self) -> bool {
        self.spec
            .params
            .iter()
            .zip(&self.values)
            .any(|(p, v)| p.kind == ParamKind::Criterion && !v.is_empty())
    }

    /// Hidden inputs that keep the state in a GET form which sets `except` itself (never the
    /// page or the open filter panel).
    pub fn hidden_except(&self, except: &[&str]) -> Vec<(&'static str, String)> {
        self.pairs()
            .into_iter()
            .filter(|(k, _)| !except.contains(k) && *k != "start" && *k != "filter")
            .collect()
    }

    /// [`ListParams::hidden_except`] for the page-size form.
    pub fn hidden_for_pager(&self) -> Vec<(&'static str, String)> {
        self.hidden_except(&["max"])
    }

    /// [`ListParams::hidden_except`] for the search form.
    pub fn hidden_for_search(&self) -> Vec<(&'static str, String)> {
        let own: Vec<&str> = self
            .spec
            .params
            .iter()
            .filter(|p| p.kind == ParamKind::Search)
            .map(|p| p.name)
            .collect();
        self.hidden_except(&own)
    }

    /// [`ListParams::hidden_except`] for a form that sets every criterion and the search: the
    /// context, the order and the page size.
    pub fn hidden_context(&self) -> Vec<(&'static str, String)> {
        let own: Vec<&str> = self
            .spec
            .params
            .iter()
            .filter(|p| p.kind != ParamKind::Context)
            .map(|p| p.name)
            .collect();
        self.hidden_except(&own)
    }

    /// [`ListParams::hidden_except`] for the form that sets every criterion.
    pub fn hidden_for_filter(&self) -> Vec<(&'static str, String)> {
        let own: Vec<&str> = self
            .spec
            .params
            .iter()
            .filter(|p| p.kind == ParamKind::Criterion)
            .map(|p| p.name)
            .collect();
        self.hidden_except(&own)
    }

    pub fn max_is(&self, m: &i64) -> bool {
        self.max == *m
    }

    pub fn page(&self) -> PageRequest {
        PageRequest::new(self.start, self.max)
    }

    /// The pager of a page showing `shown` of `total` items.
    pub fn pager(&self, shown: usize, total: i64) -> Pager {
        let shown = shown as i64;
        Pager {
            first: if shown == 0 { 0 } else { self.start + 1 },
            last: self.start + shown,
            total,
            prev: (self.start > 0).then(|| self.page_link(self.start - self.max)),
            next: (self.start + shown < total).then(|| self.page_link(self.start + shown)),
            sizes: self.spec.sizes.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn severity(v: &str) -> String {
        patchbay_domain::alarm::Severity::parse(v)
            .map(|s| s.as_str().to_string())
            .unwrap_or_default()
    }

    static ALARMS: ListSpec = ListSpec {
        path: "/com/alarms",
        params: &[
            Param::checked("severity", severity),
            Param::search("search"),
        ],
        sorts: &["occurrences", "severity"],
        default_order: "desc",
        sizes: &[10, 25, 50],
        default_max: 25,
        max_in_links: MaxInLinks::WhenChanged,
    };

    static ACCOUNTS: ListSpec = ListSpec {
        path: "/com/accounts",
        params: &[Param::search("search"), Param::criterion("role")],
        sorts: &["loginName"],
        default_order: "",
        sizes: &[10, 25],
        default_max: 25,
        max_in_links: MaxInLinks::Always,
    };

    #[test]
    fn ui_list_links_cycle_sort_and_keep_the_other_criteria() {
        let st = ListParams::parse(
            &ALARMS,
            Some("severity=Major&search=%20x%20&max=50&start=3"),
        );
        assert_eq!(st.get("severity"), "major");
        assert_eq!(st.get("search"), "x");
        assert_eq!(
            st.sort_link("occurrences"),
            "/com/alarms?severity=major&search=x&sort=occurrences&order=desc&max=50"
        );
        let d = ListParams::parse(&ALARMS, Some("sort=occurrences&order=desc"));
        assert_eq!(
            d.sort_link("occurrences"),
            "/com/alarms?sort=occurrences&order=asc"
        );
        let a = ListParams::parse(&ALARMS, Some("sort=occurrences&order=asc"));
        assert_eq!(a.sort_link("occurrences"), "/com/alarms");
        assert_eq!(
            st.toggle("severity", "major"),
            "/com/alarms?search=x&max=50"
        );
        assert_eq!(ListParams::parse(&ALARMS, None).url(), "/com/alarms");
        // A sort named without an order gets the spec's default.
        let s = ListParams::parse(&ALARMS, Some("sort=severity"));
        assert_eq!((s.sort.as_str(), s.order.as_str()), ("severity", "desc"));
        // Unknown columns and page sizes are dropped.
        let bad = ListParams::parse(&ALARMS, Some("sort=bogus&max=7"));
        assert_eq!((bad.sort.as_str(), bad.max), ("", 25));
    }

    #[test]
    fn ui_list_clear_keeps_search_and_hidden_inputs_skip_what_the_form_sets() {
        let st = ListParams::parse(
            &ACCOUNTS,
            Some("search=ann&role=operator&sort=loginName&order=asc&start=20&filter=1"),
        );
        assert!(st.filter_active());
        assert_eq!(
            st.clear_filter_link(),
            "/com/accounts?search=ann&sort=loginName&order=asc&max=25&filter=1"
        );
        assert_eq!(
            st.hidden_except(&["search"]),
            vec![
                ("role", "operator".to_string()),
                ("sort", "loginName".to_string()),
                ("order", "asc".to_string()),
                ("max", "25".to_string()),
            ]
        );
        assert_eq!(
            st.hidden_for_filter(),
            vec![
                ("search", "ann".to_string()),
                ("sort", "loginName".to_string()),
                ("order", "asc".to_string()),
                ("max", "25".to_string()),
            ]
        );
        let p = st.pager(25, 60);
        assert_eq!((p.first, p.last), (21, 45));
        assert!(p.prev.is_some_and(|l| l.contains("max=25")));
        assert!(p.next.is_some_and(|l| l.contains("start=45")));
        assert_eq!(st.aria_sort("loginName"), "ascending");
        assert_eq!(st.sort_mark("loginName"), "↑");
    }
}
