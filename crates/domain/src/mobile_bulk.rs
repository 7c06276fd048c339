//! WGO-4: mobile lines in bulk from a CSV file. The template's columns, the header of an uploaded
//! file checked as a whole (a file the hub cannot read is refused before anything is queued), and
//! each row read on its own: what it asks for, or every reason it cannot be applied, under its
//! column's name.
//!
//! The columns are those of the Control Hub template an administrator may already have filled:
//! `User Name, Type, Extension, Phone Number, Device Type, Model, MAC Address, Location`, then
//! one `Webex Go [Sub-<id>]` column per subscription carrying mobile lines, `TRUE` in the one a
//! row's line comes from.

use crate::mobile::MOBILE_MODEL;
use crate::validation::{is_email, Rule};
use serde::{Deserialize, Serialize};

pub const USER_NAME: &str = "User Name";
pub const TYPE: &str = "Type";
pub const EXTENSION: &str = "Extension";
pub const PHONE_NUMBER: &str = "Phone Number";
pub const DEVICE_TYPE: &str = "Device Type";
pub const MODEL: &str = "Model";
pub const MAC_ADDRESS: &str = "MAC Address";
pub const LOCATION: &str = "Location";

/// The fixed columns, in the template's order.
pub const COLUMNS: [&str; 8] = [
    USER_NAME,
    TYPE,
    EXTENSION,
    PHONE_NUMBER,
    DEVICE_TYPE,
    MODEL,
    MAC_ADDRESS,
    LOCATION,
];

/// The only `Type` a mobile line takes: a person (`PLACE` rows are workspaces).
pub const TYPE_USER: &str = "USER";
/// The only `Device Type` of the template.
pub const DEVICE_TYPE_CALLING: &str = "WEBEX_CALLING";

/// At most this many rows in one file.
pub const MAX_ROWS: u64 = 100_000;

/// The column of a subscription: `Webex Go [Sub-<id>]`.
pub fn subscription_column(id: &str) -> String {
    format!("Webex Go [Sub-{id}]")
}

/// The subscription id a column names (`…[Sub-<id>]`, whatever comes before), if it is one.
pub fn subscription_of(column: &str) -> Option<&str> {
    let inner = column.trim().strip_suffix(']')?;
    let at = inner.rfind("[Sub-")?;
    let id = inner[at + 5..].trim().trim_start_matches('.').trim();
    (!id.is_empty()).then_some(id)
}

/// The template's header for the organisation's mobile subscriptions.
pub fn template_header(subscriptions: &[String]) -> Vec<String> {
    COLUMNS
        .iter()
        .map(|c| (*c).to_string())
        .chain(subscriptions.iter().map(|s| subscription_column(s)))
        .collect()
}

/// Why a file's header cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderProblem {
    /// The file is empty.
    Empty,
    /// A required column is not there.
    Missing(String),
    /// A column the template does not have.
    Unknown(String),
    /// A column twice.
    Duplicate(String),
    /// A subscription column for a subscription the organisation does not have.
    UnknownSubscription(String),
    /// No subscription column at all.
    NoSubscription,
}

impl HeaderProblem {
    /// The problem as a file-content rule (`csv-…` code and the column at fault) on `field`.
    pub fn rule(&self) -> Rule {
        let (code, value) = match self {
            HeaderProblem::Empty => ("csv-empty", String::new()),
            HeaderProblem::Missing(c) => ("csv-missing", c.clone()),
            HeaderProblem::Unknown(c) => ("csv-unknown", c.clone()),
            HeaderProblem::Duplicate(c) => ("csv-duplicate", c.clone()),
            HeaderProblem::UnknownSubscription(c) => ("csv-subscription", c.clone()),
            HeaderProblem::NoSubscription => ("csv-no-subscription", String::new()),
        };
        Rule::Content {
            code: code.into(),
            value,
        }
    }
}

/// Where each column is in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    fixed: [usize; 8],
    /// (position, subscription id).
    subscriptions: Vec<(usize, String)>,
}

/// Read a header: every fixed column once (in any order, case and surrounding spaces aside, a
/// byte-order mark dropped), one column per subscription of `known`, nothing else.
pub fn parse_header<S: AsRef<str>>(cells: &[S], known: &[String]) -> Result<Header, HeaderProblem> {
    if cells.iter().all(|c| c.as_ref().trim().is_empty()) {
        return Err(HeaderProblem::Empty);
    }
    let mut fixed = [usize::MAX; 8];
    let mut subscriptions: Vec<(usize, String)> = Vec::new();
    for (i, raw) in cells.iter().enumerate() {
        let cell = raw.as_ref().trim_start_matches('\u{feff}').trim();
        if cell.is_empty() {
            // A spreadsheet's trailing separator: a column nobody named, ignored.
            continue;
        }
        if let Some(id) = subscription_of(cell) {
            if !known.iter().any(|k| k == id) {
                return Err(HeaderProblem::UnknownSubscription(id.to_string()));
            }
            if subscriptions.iter().any(|(_, s)| s == id) {
                return Err(HeaderProblem::Duplicate(cell.to_string()));
            }
            subscriptions.push((i, id.to_string()));
            continue;
        }
        let Some(k) = COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(cell)) else {
            return Err(HeaderProblem::Unknown(cell.to_string()));
        };
        if fixed[k] != usize::MAX {
            return Err(HeaderProblem::Duplicate(COLUMNS[k].to_string()));
        }
        fixed[k] = i;
    }
    if let Some(k) = fixed.iter().position(|&i| i == usize::MAX) {
        return Err(HeaderProblem::Missing(COLUMNS[k].to_string()));
    }
    if subscriptions.is_empty() {
        return Err(HeaderProblem::NoSubscription);
    }
    Ok(Header {
        fixed,
        subscriptions,
    })
}

/// Why a row (or part of it) cannot be applied: the column at fault (empty for the row as a
/// whole) and the Fluent message with its arguments, kept as they are so the result file is
/// written in the language of whoever downloads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowReason {
    pub column: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(String, String)>,
}

impl RowReason {
    pub fn rule(column: &str, rule: &Rule) -> Self {
        Self {
            column: column.to_string(),
            message: rule.message_id().to_string(),
            args: rule
                .args()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }

    pub fn message(column: &str, message: &str) -> Self {
        Self {
            column: column.to_string(),
            message: message.to_string(),
            args: Vec::new(),
        }
    }
}

/// What one row asks for, once its cells are well formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkRow {
    /// Lower-cased.
    pub user_name: String,
    pub extension: Option<String>,
    pub phone_number: Option<String>,
    pub location: Option<String>,
    pub subscription_id: String,
}

/// The `User Name` of a row as written (for the result file, even when the row is refused).
pub fn user_name_of<S: AsRef<str>>(header: &Header, record: &[S]) -> String {
    cell(header, record, 0).to_string()
}

fn cell<'a, S: AsRef<str>>(header: &Header, record: &'a [S], k: usize) -> &'a str {
    record
        .get(header.fixed[k])
        .map(|c| c.as_ref().trim())
        .unwrap_or("")
}

fn optional(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Read one row: a person's e-mail, `USER`, `WEBEX_CALLING`, the mobile model, no MAC address,
/// and `TRUE` in exactly one subscription column (`FALSE` or empty in the others). Every cell at
/// fault is reported.
pub fn parse_row<S: AsRef<str>>(header: &Header, record: &[S]) -> Result<BulkRow, Vec<RowReason>> {
    let mut why = Vec::new();
    let user = cell(header, record, 0);
    if user.is_empty() {
        why.push(RowReason::rule(USER_NAME, &Rule::Required));
    } else if !is_email(user) {
        why.push(RowReason::rule(USER_NAME, &Rule::Email));
    }
    let one_of = |column: &str, value: &str, allowed: &str, why: &mut Vec<RowReason>| {
        if !value.eq_ignore_ascii_case(allowed) {
            why.push(RowReason::rule(
                column,
                &Rule::OneOf {
                    allowed: allowed.to_string(),
                },
            ));
        }
    };
    one_of(TYPE, cell(header, record, 1), TYPE_USER, &mut why);
    one_of(
        DEVICE_TYPE,
        cell(header, record, 4),
        DEVICE_TYPE_CALLING,
        &mut why,
    );
    one_of(MODEL, cell(header, record, 5), MOBILE_MODEL, &mut why);
    if !cell(header, record, 6).is_empty() {
        // A mobile line has no MAC address: it is onboarded by its activation code.
        why.push(RowReason::rule(MAC_ADDRESS, &Rule::NotAllowed));
    }
    let mut chosen: Vec<&str> = Vec::new();
    for (i, id) in &header.subscriptions {
        let v = record.get(*i).map(|c| c.as_ref().trim()).unwrap_or("");
        if v.eq_ignore_ascii_case("TRUE") {
            chosen.push(id);
        } else if !(v.is_empty() || v.eq_ignore_ascii_case("FALSE")) {
            why.push(RowReason::rule(
                &subscription_column(id),
                &Rule::OneOf {
                    allowed: "TRUE, FALSE".into(),
                },
            ));
        }
    }
    if chosen.len() != 1 && why.iter().all(|r| !r.column.contains("[Sub-")) {
        why.push(RowReason::message("", "bulk-reason-one-subscription"));
    }
    if !why.is_empty() {
        return Err(why);
    }
    Ok(BulkRow {
        user_name: user.to_lowercase(),
        extension: optional(cell(header, record, 2)),
        phone_number: optional(cell(header, record, 3)),
        location: optional(cell(header, record, 7)),
        subscription_id: chosen[0].to_string(),
    })
}

/// What the person already is, to check the row's optional cells against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonFacts<'a> {
    pub extension: Option<&'a str>,
    pub phone_number: Option<&'a str>,
    pub location: Option<&'a str>,
}

/// The row's `Extension` and `Location`, when given, must be the person's (a bulk file adds
/// mobile lines, it does not move people); its `Phone Number`, when the person already has one,
/// must be that one (otherwise it is the number they get). Numbers are compared by their digits.
pub fn check_against(row: &BulkRow, person: &PersonFacts<'_>) -> Vec<RowReason> {
    let mut why = Vec::new();
    let differs = |column: &str, theirs: Option<&str>| RowReason {
        column: column.to_string(),
        message: "bulk-reason-differs".into(),
        args: vec![("value".into(), theirs.unwrap_or("—").to_string())],
    };
    if let Some(e) = &row.extension {
        if person.extension != Some(e.as_str()) {
            why.push(differs(EXTENSION, person.extension));
        }
    }
    if let Some(l) = &row.location {
        if !person.location.is_some_and(|p| p.eq_ignore_ascii_case(l)) {
            why.push(differs(LOCATION, person.location));
        }
    }
    if let (Some(n), Some(theirs)) = (&row.phone_number, person.phone_number) {
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        if digits(n) != digits(theirs) {
            why.push(differs(PHONE_NUMBER, Some(theirs)));
        }
    }
    why
}

/// The import's state (WGO-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ImportStatus {
    Queued,
    Running,
    Done,
    /// The file could not be read to its end (the rows before stay as they are).
    Failed,
}

impl ImportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Queued => "queued",
            ImportStatus::Running => "running",
            ImportStatus::Done => "done",
            ImportStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Queued, Self::Running, Self::Done, Self::Failed]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    pub fn finished(self) -> bool {
        matches!(self, ImportStatus::Done | ImportStatus::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> (Vec<String>, Header) {
        let cells = template_header(&["a1".into(), "b2".into()]);
        let h =
            parse_header(&cells, &["a1".into(), "b2".into()]).unwrap_or_else(|e| panic!("{e:?}"));
        (cells, h)
    }

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn wgo_4_template_has_one_column_per_subscription() {
        let cells = template_header(&["x-1".into()]);
        assert_eq!(cells.len(), 9);
        assert_eq!(cells[0], "User Name");
        assert_eq!(cells[8], "Webex Go [Sub-x-1]");
        assert_eq!(subscription_of(&cells[8]), Some("x-1"));
        // The seed's own spelling, with a dot after the dash.
        assert_eq!(
            subscription_of("Webex Go[Sub- .1b7da88e-7665]"),
            Some("1b7da88e-7665")
        );
        assert_eq!(subscription_of("Model"), None);
    }

    #[test]
    fn wgo_4_header_is_checked_as_a_whole() {
        let known = vec!["a1".to_string()];
        let mut cells = template_header(&known);
        cells[0] = "\u{feff} user name ".into();
        assert!(parse_header(&cells, &known).is_ok());
        let mut missing = cells.clone();
        missing.remove(3);
        assert_eq!(
            parse_header(&missing, &known),
            Err(HeaderProblem::Missing("Phone Number".into()))
        );
        let mut unknown = cells.clone();
        unknown.push("Colour".into());
        assert_eq!(
            parse_header(&unknown, &known),
            Err(HeaderProblem::Unknown("Colour".into()))
        );
        let mut other_sub = cells.clone();
        other_sub[8] = "Webex Go [Sub-zz]".into();
        assert_eq!(
            parse_header(&other_sub, &known),
            Err(HeaderProblem::UnknownSubscription("zz".into()))
        );
        assert_eq!(
            parse_header(&cells[..8], &known),
            Err(HeaderProblem::NoSubscription)
        );
        let mut trailing = cells.clone();
        trailing.push(String::new());
        assert!(parse_header(&trailing, &known).is_ok());
        let mut twice = cells.clone();
        twice.push("MODEL".into());
        assert_eq!(
            parse_header(&twice, &known),
            Err(HeaderProblem::Duplicate("Model".into()))
        );
        assert_eq!(parse_header(&["", " "], &known), Err(HeaderProblem::Empty));
    }

    #[test]
    fn wgo_4_a_good_row_reads() {
        let (_, h) = header();
        let r = parse_row(
            &h,
            &row(&[
                "Archer@Farms.com",
                "user",
                "1003",
                "231-456-9000",
                "WEBEX_CALLING",
                "Webex Go Device",
                "",
                "Dallas",
                "FALSE",
                "TRUE",
            ]),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(r.user_name, "archer@farms.com");
        assert_eq!(r.subscription_id, "b2");
        assert_eq!(r.extension.as_deref(), Some("1003"));
        assert_eq!(r.location.as_deref(), Some("Dallas"));
    }

    #[test]
    fn wgo_4_a_bad_row_names_every_cell_at_fault() {
        let (_, h) = header();
        let why = parse_row(
            &h,
            &row(&[
                "not-an-address",
                "PLACE",
                "",
                "",
                "DEVICE",
                "Yealink T54W",
                "00:11:22:33:44:55",
                "",
                "TRUE",
                "TRUE",
            ]),
        )
        .err()
        .unwrap_or_default();
        let columns: Vec<&str> = why.iter().map(|r| r.column.as_str()).collect();
        assert_eq!(
            columns,
            [
                "User Name",
                "Type",
                "Device Type",
                "Model",
                "MAC Address",
                ""
            ]
        );
        let short = parse_row(&h, &row(&["a@b.co"])).err().unwrap_or_default();
        assert!(short.iter().any(|r| r.column == "Type"));
        let neither = parse_row(
            &h,
            &row(&[
                "a@b.co",
                "USER",
                "",
                "",
                "WEBEX_CALLING",
                "Webex Go Device",
                "",
                "",
                "",
                "maybe",
            ]),
        )
        .err()
        .unwrap_or_default();
        assert_eq!(neither.len(), 1);
        assert_eq!(neither[0].column, "Webex Go [Sub-b2]");
    }

    #[test]
    fn wgo_4_row_cells_must_match_the_person() {
        let row = BulkRow {
            user_name: "a@b.co".into(),
            extension: Some("1003".into()),
            phone_number: Some("+1 231-456-9000".into()),
            location: Some("dallas".into()),
            subscription_id: "s".into(),
        };
        let same = PersonFacts {
            extension: Some("1003"),
            phone_number: Some("+12314569000"),
            location: Some("Dallas"),
        };
        assert!(check_against(&row, &same).is_empty());
        let other = PersonFacts {
            extension: Some("2000"),
            phone_number: Some("+12314569001"),
            location: None,
        };
        let why = check_against(&row, &other);
        assert_eq!(why.len(), 3);
        assert_eq!(why[0].args, vec![("value".to_string(), "2000".to_string())]);
        // No number yet: the row's is the one they get.
        let none = PersonFacts {
            phone_number: None,
            ..same
        };
        assert!(check_against(&row, &none).is_empty());
    }
}
