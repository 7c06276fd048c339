//! Form pieces shared by the calling pages: the calling identity (location, extension, a number
//! of that location, WSP-3) and the workspace fields (WSP-1, WSP-2) that the workspace form and
//! the add-device wizard both use.

use super::Ctx;
use crate::error::AppError;
use crate::http::console::forms::FormMap;
use crate::service::calling::{workspaces, Surface};
use crate::state::AppState;
use patchbay_domain::calling::{NumberKind, ROOM_TYPES};
use patchbay_domain::provisioning::WorkspaceLicence;
use patchbay_domain::validation::Errors;
use patchbay_domain::{CustomerId, Rule};
use patchbay_store::calling::locations::LocationFilter;
use patchbay_store::calling::numbers::NumberFilter;
use patchbay_store::calling::workspaces::{Workspace, WorkspaceWrite};
use patchbay_store::calling::CallingIdentity;
use patchbay_store::PageRequest;

pub struct NumberOption {
    pub number: String,
    pub mobile: bool,
}

/// Unassigned numbers of one location.
pub struct NumberGroup {
    pub location_id: String,
    pub location: String,
    pub numbers: Vec<NumberOption>,
}

/// What the location and number selects offer.
pub struct IdentityChoices {
    /// (location uuid, name)
    pub locations: Vec<(String, String)>,
    pub groups: Vec<NumberGroup>,
}

/// The customer's locations and unassigned numbers (grouped by location), plus `keep`: the
/// number the edited member holds now, in its location.
pub async fn identity_choices(
    state: &AppState,
    customer: CustomerId,
    keep: Option<(uuid::Uuid, &str)>,
) -> Result<IdentityChoices, AppError> {
    let (locations, _) = state
        .store
        .list_locations(
            customer,
            &LocationFilter::default(),
            PageRequest::new(0, PageRequest::MAX),
        )
        .await?;
    let filter = NumberFilter {
        available: Some(true),
        ..Default::default()
    };
    let (free, _) = state
        .store
        .list_numbers(customer, &filter, PageRequest::new(0, PageRequest::MAX))
        .await?;
    let mut groups: Vec<NumberGroup> = locations
        .iter()
        .map(|l| NumberGroup {
            location_id: l.id.to_string(),
            location: l.fields.name.clone(),
            numbers: Vec::new(),
        })
        .collect();
    for n in free {
        if let Some(g) = groups
            .iter_mut()
            .find(|g| g.location_id == n.location_id.to_string())
        {
            g.numbers.push(NumberOption {
                mobile: n.kind == NumberKind::Mobile,
                number: n.phone_number,
            });
        }
    }
    if let Some((loc, number)) = keep {
        if let Some(g) = groups.iter_mut().find(|g| g.location_id == loc.to_string()) {
            if !g.numbers.iter().any(|n| n.number == number) {
                g.numbers.insert(
                    0,
                    NumberOption {
                        number: number.to_string(),
                        mobile: false,
                    },
                );
            }
        }
    }
    groups.retain(|g| !g.numbers.is_empty());
    Ok(IdentityChoices {
        locations: locations
            .into_iter()
            .map(|l| (l.id.to_string(), l.fields.name))
            .collect(),
        groups,
    })
}

/// Location, extension and number as typed: the location must be a location id (the service
/// checks the rest, WSP-3).
pub fn identity(
    errs: &mut Errors,
    location: &str,
    extension: &str,
    number: &str,
) -> CallingIdentity {
    let location_id = match location.trim() {
        "" => None,
        l => match uuid::Uuid::parse_str(l) {
            Ok(u) => Some(u),
            Err(_) => {
                errs.push("locationId", Rule::Invalid);
                None
            }
        },
    };
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    CallingIdentity {
        location_id,
        extension: text(extension),
        phone_number: text(number),
    }
}

/// A stored licence, location, extension and number as the forms show them (empty when none).
pub fn identity_text(
    licence: Option<&str>,
    i: &CallingIdentity,
) -> (String, String, String, String) {
    (
        licence.unwrap_or_default().to_string(),
        i.location_id.map(|l| l.to_string()).unwrap_or_default(),
        i.extension.clone().unwrap_or_default(),
        i.phone_number.clone().unwrap_or_default(),
    )
}

/// The workspace fields as typed (kept on error, carried through the wizard's steps).
#[derive(Debug, Clone, Default)]
pub struct WorkspaceValues {
    pub name: String,
    pub room_type: String,
    pub capacity: String,
    pub licence: String,
    pub location_id: String,
    pub phone_number: String,
    pub extension: String,
}

/// The service's field names as the workspace form (and the wizard's new-workspace step)
/// names them.
pub const WORKSPACE_FORM_NAMES: [(&str, &str); 4] = [
    ("displayName", "workspaceName"),
    ("type", "roomType"),
    ("licenses", "licence"),
    ("phoneNumbers", "phoneNumber"),
];

/// The form names of the workspace fields.
pub const WORKSPACE_FIELDS: [&str; 7] = [
    "workspaceName",
    "roomType",
    "capacity",
    "licence",
    "locationId",
    "phoneNumber",
    "extension",
];

impl WorkspaceValues {
    pub fn read(form: &FormMap) -> Self {
        Self {
            name: form.text("workspaceName"),
            room_type: form.text("roomType"),
            capacity: form.text("capacity"),
            licence: form.text("licence"),
            location_id: form.text("locationId"),
            phone_number: form.text("phoneNumber"),
            extension: form.text("extension"),
        }
    }

    pub fn of(w: &Workspace) -> Self {
        let f = &w.fields;
        let (licence, location_id, extension, phone_number) =
            identity_text(f.licence.map(|l| l.as_str()), &f.identity);
        Self {
            name: f.display_name.clone(),
            room_type: f.room_type.clone(),
            capacity: f.capacity.map(|c| c.to_string()).unwrap_or_default(),
            licence,
            location_id,
            phone_number,
            extension,
        }
    }

    /// (name, value) of every field, for hidden inputs.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let values = [
            &self.name,
            &self.room_type,
            &self.capacity,
            &self.licence,
            &self.location_id,
            &self.phone_number,
            &self.extension,
        ];
        WORKSPACE_FIELDS
            .iter()
            .zip(values)
            .map(|(k, v)| (*k, v.clone()))
            .collect()
    }

    /// The stored form as typed (`base`: the edited workspace, whose notes and supported
    /// devices the form does not show); what cannot be read goes to the errors, the rules are
    /// the service's.
    pub fn to_write(&self, base: Option<&WorkspaceWrite>) -> (WorkspaceWrite, Errors) {
        let mut errs = Errors::default();
        let capacity = match self.capacity.trim() {
            "" => None,
            c => match c.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errs.push("capacity", Rule::Range { min: 0, max: 999 });
                    None
                }
            },
        };
        let licence = WorkspaceLicence::parse(&self.licence);
        let identity = identity(
            &mut errs,
            &self.location_id,
            &self.extension,
            &self.phone_number,
        );
        let w = WorkspaceWrite {
            display_name: self.name.clone(),
            room_type: if self.room_type.is_empty() {
                "notSet".to_string()
            } else {
                self.room_type.clone()
            },
            capacity,
            licence,
            calling_type: if licence.is_some() {
                "webexCalling".into()
            } else {
                "none".into()
            },
            supported_devices: base
                .map(|b| b.supported_devices.clone())
                .unwrap_or_else(|| "phones".into()),
            notes: base.map(|b| b.notes.clone()).unwrap_or_default(),
            identity,
        };
        (w, errs)
    }

    /// The new workspace of the wizard, checked by the service's rules (nothing is written);
    /// errors under the form's names.
    pub fn checked(&self) -> Result<WorkspaceWrite, AppError> {
        let (mut w, mut errs) = self.to_write(None);
        workspaces::check(&mut w, Surface::Console, &mut errs);
        errs.finish()
            .map_err(|e| AppError::Validation(e).renamed(&WORKSPACE_FORM_NAMES))?;
        Ok(w)
    }

    pub fn room_is(&self, t: &str) -> bool {
        self.room_type == t || (self.room_type.is_empty() && t == "notSet")
    }
    pub fn licence_is(&self, l: &str) -> bool {
        self.licence == l
    }
    pub fn location_is(&self, l: &str) -> bool {
        self.location_id == l
    }
    pub fn number_is(&self, n: &str) -> bool {
        self.phone_number == n
    }
}

/// WSP-1 room types with their words.
pub fn room_types(ctx: &Ctx) -> Vec<(&'static str, String)> {
    ROOM_TYPES
        .iter()
        .map(|t| (*t, ctx.t(&format!("calling-room-{t}"))))
        .collect()
}

/// WSP-2 licences with their words.
pub fn workspace_licences(ctx: &Ctx) -> Vec<(&'static str, String)> {
    ["professional", "commonArea"]
        .into_iter()
        .map(|l| (l, ctx.t(&format!("calling-wlicence-{l}"))))
        .collect()
}

/// The words of a workspace's licence and its device limit.
pub fn workspace_licence_text(ctx: &Ctx, l: Option<WorkspaceLicence>) -> String {
    match l {
        Some(l) => ctx.t(&format!("calling-wlicence-{}", l.as_str())),
        None => ctx.t("calling-licence-none"),
    }
}
