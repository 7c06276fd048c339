//! Calling provisioning beyond the device itself (SPEC §15): calling licences and their Webex
//! names, phone numbers and extensions (NUM-1, WSP-3), workspace fields (WSP-1), the lines of a
//! device (DEV-6) and the SIP identity of a device (DEV-4).

use crate::provisioning::WorkspaceLicence;
use crate::validation::{char_len, Rule};

/// The calling licences a customer holds (subscriptions), with the names Webex clients test for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LicenceKind {
    Professional,
    Basic,
    /// Common-area workspaces (`Webex Calling - Workspaces`).
    Workspaces,
}

impl LicenceKind {
    pub const ALL: [LicenceKind; 3] = [
        LicenceKind::Professional,
        LicenceKind::Basic,
        LicenceKind::Workspaces,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LicenceKind::Professional => "professional",
            LicenceKind::Basic => "basic",
            LicenceKind::Workspaces => "workspaces",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The subscription code in a Webex licence id (`<org>:<CODE>_<uuid>`).
    pub fn webex_code(self) -> &'static str {
        match self {
            LicenceKind::Professional => "BCSTD",
            LicenceKind::Basic => "BCBASIC",
            LicenceKind::Workspaces => "BCWS",
        }
    }

    pub fn from_webex_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.webex_code() == code)
    }

    /// The exact name on `/v1/licenses`.
    pub fn webex_name(self) -> &'static str {
        match self {
            LicenceKind::Professional => "Webex Calling - Professional",
            LicenceKind::Basic => "Webex Calling - Basic",
            LicenceKind::Workspaces => "Webex Calling - Workspaces",
        }
    }
}

/// The calling licence a workspace holds (WSP-2), and the customer licence it consumes.
pub fn workspace_licence_kind(l: WorkspaceLicence) -> LicenceKind {
    match l {
        WorkspaceLicence::Professional => LicenceKind::Professional,
        WorkspaceLicence::CommonArea => LicenceKind::Workspaces,
    }
}

/// The workspace licence a customer licence gives, if it can be given to a workspace at all.
pub fn workspace_licence_of(kind: LicenceKind) -> Option<WorkspaceLicence> {
    match kind {
        LicenceKind::Professional => Some(WorkspaceLicence::Professional),
        LicenceKind::Workspaces => Some(WorkspaceLicence::CommonArea),
        LicenceKind::Basic => None,
    }
}

impl WorkspaceLicence {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkspaceLicence::Professional => "professional",
            WorkspaceLicence::CommonArea => "commonArea",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "professional" => Some(WorkspaceLicence::Professional),
            "commonArea" => Some(WorkspaceLicence::CommonArea),
            _ => None,
        }
    }
}

/// Who a line, a number or a device belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberKind {
    /// A person (`PEOPLE`).
    People,
    /// A workspace (`PLACE`).
    Place,
}

impl MemberKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberKind::People => "PEOPLE",
            MemberKind::Place => "PLACE",
        }
    }
}

/// NUM-1 number types, with the Webex `numberType` spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    Did,
    TollFree,
    Mobile,
}

impl NumberKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NumberKind::Did => "DID",
            NumberKind::TollFree => "TOLLFREE",
            NumberKind::Mobile => "MOBILE",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "DID" | "FIXED" => Some(NumberKind::Did),
            "TOLLFREE" => Some(NumberKind::TollFree),
            "MOBILE" => Some(NumberKind::Mobile),
            _ => None,
        }
    }
}

/// The text inside a Webex licence id: `<org uuid>:<CODE>_<licence uuid>`, the shape Webex
/// clients split (`License.lic_type`, `lic_uuid`). The licence uuid is derived from the customer
/// and the kind, so it is stable without being stored.
pub fn licence_text(customer: uuid::Uuid, kind: LicenceKind) -> String {
    format!(
        "{customer}:{}_{}",
        kind.webex_code(),
        licence_uuid(customer, kind)
    )
}

/// A customer's licence of `kind` as a uuid (name-based, SHA-1).
pub fn licence_uuid(customer: uuid::Uuid, kind: LicenceKind) -> uuid::Uuid {
    uuid::Uuid::new_v5(&customer, kind.as_str().as_bytes())
}

/// The customer and kind of a licence id's text: [`licence_text`]'s shape, or the earlier
/// `<customer>:<kind>` one (ids clients may have kept).
pub fn parse_licence_text(text: &str) -> Option<(uuid::Uuid, LicenceKind)> {
    let (c, rest) = text.split_once(':')?;
    let customer = uuid::Uuid::parse_str(c).ok()?;
    if let Some(kind) = LicenceKind::parse(rest) {
        return Some((customer, kind));
    }
    let (code, lic) = rest.split_once('_')?;
    let kind = LicenceKind::from_webex_code(code)?;
    (uuid::Uuid::parse_str(lic).ok()? == licence_uuid(customer, kind)).then_some((customer, kind))
}

/// E.164 as stored: `+` and 8 to 15 digits, the first not 0. Spaces, dots, dashes and brackets
/// that people type are dropped.
pub fn normalise_e164(input: &str) -> Result<String, Rule> {
    let s: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let Some(digits) = s.strip_prefix('+') else {
        return Err(Rule::Invalid);
    };
    if !(8..=15).contains(&digits.len())
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || digits.starts_with('0')
    {
        return Err(Rule::Invalid);
    }
    Ok(s)
}

/// WSP-3 / people: an extension is 2 to 10 digits.
pub fn check_extension(ext: &str) -> Result<(), Rule> {
    if !(2..=10).contains(&ext.len()) || !ext.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Rule::LengthBetween { min: 2, max: 10 });
    }
    Ok(())
}

/// WSP-1 room types (Webex `type` spellings).
pub const ROOM_TYPES: [&str; 7] = [
    "notSet",
    "focus",
    "huddle",
    "meetingRoom",
    "open",
    "desk",
    "other",
];

pub fn check_room_type(t: &str) -> Result<(), Rule> {
    if ROOM_TYPES.contains(&t) {
        Ok(())
    } else {
        Err(Rule::OneOf {
            allowed: ROOM_TYPES.join(", "),
        })
    }
}

/// WSP-1 capacity: 0 to 999 people.
pub fn check_capacity(c: i64) -> Result<(), Rule> {
    if (0..=999).contains(&c) {
        Ok(())
    } else {
        Err(Rule::Range { min: 0, max: 999 })
    }
}

/// A required single-line text of at most `max` characters (names, cities …).
pub fn check_text(value: &str, required: bool, max: usize) -> Result<(), Rule> {
    if required && value.trim().is_empty() {
        return Err(Rule::Required);
    }
    if char_len(value) > max {
        return Err(Rule::MaxLength { max });
    }
    crate::validation::check_chars(value, false)
}

/// The Webex person fields beyond calling, kept as a client sent them (API-2).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PersonProfile {
    pub nick_name: String,
    pub title: String,
    pub department: String,
    /// The manager's name as the directory shows it.
    pub manager: String,
    /// The manager: a person of the same organisation.
    pub manager_id: Option<uuid::Uuid>,
    pub addresses: Vec<PostalAddress>,
}

/// A person's postal address (Webex `addresses[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PostalAddress {
    /// `work` (the only type Webex sets).
    #[serde(rename = "type")]
    pub kind: String,
    pub country: String,
    pub locality: String,
    pub region: String,
    pub street_address: String,
    pub postal_code: String,
}

/// At most this many addresses per person.
pub const MAX_ADDRESSES: usize = 5;

impl PersonProfile {
    /// Trim the fields and push the field errors (`title`, `addresses` …) to `errs`.
    pub fn check(&mut self, errs: &mut crate::validation::Errors) {
        for (field, v, max) in [
            ("nickName", &mut self.nick_name, 64),
            ("title", &mut self.title, 128),
            ("department", &mut self.department, 128),
            ("manager", &mut self.manager, 128),
        ] {
            *v = v.trim().to_string();
            if let Err(r) = check_text(v, false, max) {
                errs.once(field, r);
            }
        }
        if self.addresses.len() > MAX_ADDRESSES {
            errs.once("addresses", Rule::TooMany { max: MAX_ADDRESSES });
        }
        for a in &mut self.addresses {
            if a.kind.trim().is_empty() {
                a.kind = "work".into();
            }
            for v in [
                &mut a.kind,
                &mut a.country,
                &mut a.locality,
                &mut a.region,
                &mut a.street_address,
                &mut a.postal_code,
            ] {
                *v = v.trim().to_string();
                if let Err(r) = check_text(v, false, 255) {
                    errs.once("addresses", r);
                }
            }
        }
    }
}

/// Kind of a line on a device (Webex `lineType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineType {
    Primary,
    SharedCallAppearance,
}

impl LineType {
    pub fn as_str(self) -> &'static str {
        match self {
            LineType::Primary => "PRIMARY",
            LineType::SharedCallAppearance => "SHARED_CALL_APPEARANCE",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "PRIMARY" => Some(LineType::Primary),
            "SHARED_CALL_APPEARANCE" => Some(LineType::SharedCallAppearance),
            _ => None,
        }
    }
}

/// One requested line: who, and how many ports it takes (`lineWeight`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRequest<M> {
    pub member: M,
    pub primary_owner: bool,
    pub line_weight: u32,
}

/// A line as stored: the member on `port` (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<M> {
    pub member: M,
    pub port: u32,
    pub primary_owner: bool,
    pub line_type: LineType,
    pub line_weight: u32,
}

/// Why a requested set of lines cannot be applied (DEV-6).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("the lines need {needed} ports; the model has {ports}")]
    TooManyPorts { needed: u32, ports: u32 },
    #[error("a member appears twice")]
    Duplicate,
    #[error("only the device's owner can be the primary owner")]
    PrimaryOwner,
    #[error("lineWeight must be at least 1")]
    Weight,
}

impl LineError {
    pub fn rule(&self) -> Rule {
        match self {
            LineError::TooManyPorts { ports, .. } => Rule::TooMany {
                max: *ports as usize,
            },
            LineError::Duplicate => Rule::Taken,
            LineError::PrimaryOwner => Rule::NotAllowed,
            LineError::Weight => Rule::Range { min: 1, max: 999 },
        }
    }
}

/// DEV-6: the lines of a device after a "replace members" request. The owner always keeps port 1
/// as the primary line (removing every line leaves the owner, as Webex does); each other member
/// becomes a shared line on the next free port, in request order, taking `line_weight` ports; the
/// model's port count is the limit.
pub fn plan_lines<M: PartialEq + Clone>(
    owner: &M,
    owner_weight: u32,
    requested: &[LineRequest<M>],
    ports: u32,
) -> Result<Vec<Line<M>>, LineError> {
    let mut lines = vec![Line {
        member: owner.clone(),
        port: 1,
        primary_owner: true,
        line_type: LineType::Primary,
        line_weight: owner_weight.max(1),
    }];
    let mut next = 1 + owner_weight.max(1);
    for r in requested {
        if r.member == *owner {
            continue;
        }
        if r.primary_owner {
            return Err(LineError::PrimaryOwner);
        }
        if r.line_weight == 0 {
            return Err(LineError::Weight);
        }
        if lines.iter().any(|l| l.member == r.member) {
            return Err(LineError::Duplicate);
        }
        lines.push(Line {
            member: r.member.clone(),
            port: next,
            primary_owner: false,
            line_type: LineType::SharedCallAppearance,
            line_weight: r.line_weight,
        });
        next = next.saturating_add(r.line_weight);
    }
    let needed = next - 1;
    if needed > ports {
        return Err(LineError::TooManyPorts { needed, ports });
    }
    Ok(lines)
}

/// DEV-4: a SIP user name from the owner's name (letters and digits, at most 16) and six random
/// digits, e.g. `jdupont482913`. Uniqueness is the store's unique index; the caller retries.
pub fn sip_user_name(owner_name: &str, random: u32) -> String {
    let mut base: String = owner_name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .take(16)
        .collect();
    if base.is_empty() || !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        base.insert(0, 'u');
    }
    format!("{base}{:06}", random % 1_000_000)
}

/// WGO-2 / `POST /v1/devices/activationCode`: 16 digits, grouped by the client as it likes.
pub fn activation_code_from(random: &mut dyn FnMut() -> u32) -> String {
    (0..16)
        .map(|_| char::from(b'0' + (random() % 10) as u8))
        .collect()
}

/// WGO-2: activation codes expire after 90 days.
pub const ACTIVATION_CODE_DAYS: i64 = 90;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_2_licence_ids_have_the_webex_shape_and_old_ids_still_parse() {
        let c = uuid::Uuid::new_v4();
        for kind in LicenceKind::ALL {
            let text = licence_text(c, kind);
            // What wxc_sdk's License.lic_type / lic_uuid do with it.
            let after = text.rsplit(':').next().unwrap_or_default();
            let (code, lic) = after.split_once('_').unwrap_or_default();
            assert_eq!(code, kind.webex_code());
            assert_eq!(uuid::Uuid::parse_str(lic).ok(), Some(licence_uuid(c, kind)));
            assert_eq!(parse_licence_text(&text), Some((c, kind)));
            assert_eq!(
                parse_licence_text(&format!("{c}:{}", kind.as_str())),
                Some((c, kind))
            );
        }
        // Another customer's licence uuid, or a made-up one, names nothing.
        let other = licence_uuid(uuid::Uuid::new_v4(), LicenceKind::Basic);
        assert_eq!(parse_licence_text(&format!("{c}:BCBASIC_{other}")), None);
        assert_eq!(parse_licence_text(&format!("{c}:BCNOPE_{other}")), None);
        assert_eq!(parse_licence_text("nonsense"), None);
    }

    fn req(m: &str) -> LineRequest<String> {
        LineRequest {
            member: m.to_string(),
            primary_owner: false,
            line_weight: 1,
        }
    }

    #[test]
    fn dev_6_owner_keeps_port_one_and_shared_lines_follow() {
        let owner = "ws".to_string();
        let lines = plan_lines(&owner, 1, &[req("ws"), req("alice"), req("bob")], 10)
            .unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<_> = lines
            .iter()
            .map(|l| (l.member.as_str(), l.port, l.primary_owner, l.line_type))
            .collect();
        assert_eq!(
            got,
            vec![
                ("ws", 1, true, LineType::Primary),
                ("alice", 2, false, LineType::SharedCallAppearance),
                ("bob", 3, false, LineType::SharedCallAppearance),
            ]
        );
    }

    #[test]
    fn dev_6_removing_every_line_keeps_the_owner() {
        let owner = "ws".to_string();
        let lines = plan_lines(&owner, 1, &[], 2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(lines.len(), 1);
        assert!(lines[0].primary_owner);
    }

    #[test]
    fn dev_6_port_count_is_the_limit() {
        let owner = "ws".to_string();
        assert!(plan_lines(&owner, 1, &[req("a")], 2).is_ok());
        assert_eq!(
            plan_lines(&owner, 1, &[req("a"), req("b")], 2),
            Err(LineError::TooManyPorts {
                needed: 3,
                ports: 2
            })
        );
        let heavy = LineRequest {
            member: "a".to_string(),
            primary_owner: false,
            line_weight: 2,
        };
        assert!(plan_lines(&owner, 1, &[heavy], 2).is_err());
    }

    #[test]
    fn dev_6_duplicates_and_second_primary_are_refused() {
        let owner = "ws".to_string();
        assert_eq!(
            plan_lines(&owner, 1, &[req("a"), req("a")], 10),
            Err(LineError::Duplicate)
        );
        let usurper = LineRequest {
            member: "a".to_string(),
            primary_owner: true,
            line_weight: 1,
        };
        assert_eq!(
            plan_lines(&owner, 1, &[usurper], 10),
            Err(LineError::PrimaryOwner)
        );
    }

    #[test]
    fn num_1_numbers_are_e164() {
        assert_eq!(
            normalise_e164("+33 1 60 87 11 35"),
            Ok("+33160871135".into())
        );
        assert_eq!(
            normalise_e164("+1 (415) 555-0100"),
            Ok("+14155550100".into())
        );
        assert!(normalise_e164("0160871135").is_err());
        assert!(normalise_e164("+0160871135").is_err());
        assert!(normalise_e164("+33abc").is_err());
        assert!(normalise_e164("+1234567").is_err());
    }

    #[test]
    fn wsp_3_extensions_are_two_to_ten_digits() {
        assert!(check_extension("12").is_ok());
        assert!(check_extension("1234567890").is_ok());
        assert!(check_extension("1").is_err());
        assert!(check_extension("12a4").is_err());
    }

    #[test]
    fn dev_4_sip_user_names_are_plain_and_start_with_a_letter() {
        assert_eq!(sip_user_name("Jean Dupont", 482913), "jeandupont482913");
        assert_eq!(sip_user_name("42 Hall", 7), "u42hall000007");
        assert_eq!(sip_user_name("Émile", 1), "mile000001");
        assert_eq!(sip_user_name("", 1), "u000001");
    }

    #[test]
    fn licences_carry_the_webex_names() {
        assert_eq!(
            LicenceKind::Professional.webex_name(),
            "Webex Calling - Professional"
        );
        assert_eq!(
            workspace_licence_kind(WorkspaceLicence::CommonArea),
            LicenceKind::Workspaces
        );
        assert_eq!(workspace_licence_of(LicenceKind::Basic), None);
    }
}
