//! `/v1/telephony/config/devices/…` and the device catalogue, filed by concern:
//! - `credentials`: SIP credentials (DEV-4), password update and reset (DEV-5);
//! - `lines`: a device's lines and the members that can become lines (DEV-6);
//! - `catalogue`: the supported-device catalogue (DEV-1) and the provider's management of it
//!   under `/v1/operations/deviceModels`;
//! - `macs`: MAC validation (DEV-3).

mod catalogue;
mod credentials;
mod lines;
mod locations;
mod macs;
mod member_devices;
mod settings;

pub use catalogue::{ModelBody, SupportedDeviceJson, SupportedDevicesJson, SupportedQuery};
pub use credentials::{NewPasswordJson, OwnerJson, PasswordBody, ProxyJson, TelephonyDeviceJson};
pub use lines::{
    AvailableCountQuery, AvailableQuery, MemberBody, MemberCountJson, MemberJson, MembersBody,
    MembersJson,
};
pub use locations::{CallingLineIdJson, TelephonyLocationJson, TelephonyLocationQuery};
pub use macs::{MacStatusJson, MacValidationJson, MacsBody};
pub use member_devices::{DeviceOwnerJson, MemberDeviceJson, MemberDevicesJson};
pub use settings::{DeviceSettingsBody, DeviceSettingsJson, SettingsQuery, SettingsUpdateQuery};

use crate::http::catalog::Endpoint;
use axum::http::Method;
use catalogue::{add_model, delete_model, models, supported};
use credentials::{details, reset_password, update_password};
use lines::{available_count, available_members, members, update_members};
use macs::validate_macs;
use patchbay_domain::calling::MemberKind;
use patchbay_domain::Capability;
use settings::{apply_changes, settings, update_settings};

/// The Webex id type of a member kind (`PEOPLE`, `PLACE`).
fn kind_type(k: MemberKind) -> &'static str {
    match k {
        MemberKind::People => "PEOPLE",
        MemberKind::Place => "PLACE",
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    const ONE: &str = "/v1/telephony/config/devices/{id}";
    let view = Capability::ViewProvisioning;
    let manage = Capability::ManageProvisioning;
    vec![
        Endpoint::new(
            Method::GET,
            ONE,
            view,
            "SIP credentials of a device: owner.sipUserName, owner.linePort, proxy.outboundProxy (never the password)",
            details,
        ),
        Endpoint::new(
            Method::PUT,
            ONE,
            manage,
            "Set the device's SIP password (partner-managed update, DEV-5)",
            update_password,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/telephony/config/devices/{id}/actions/resetSipPassword/invoke",
            manage,
            "Reset the SIP password to a newly generated one, returned once (DEV-5)",
            reset_password,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/devices/{id}/members",
            view,
            "Lines of a device: the owner on port 1, shared lines after (DEV-6)",
            members,
        ),
        Endpoint::new(
            Method::PUT,
            "/v1/telephony/config/devices/{id}/members",
            manage,
            "Replace the shared lines (no body: keep only the owner), up to the model's ports",
            update_members,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/devices/{id}/availableMembers",
            view,
            "People and workspaces that can be added as lines (list key `members`)",
            available_members,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/devices/{id}/availableMembers/count",
            view,
            "How many people and workspaces can be added as lines (`totalCount`)",
            available_count,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/devices/{id}/settings",
            view,
            "A device's settings (customizations as set, customEnabled, lastUpdateTime)",
            settings,
        ),
        Endpoint::new(
            Method::PUT,
            "/v1/telephony/config/devices/{id}/settings",
            manage,
            "Replace a device's settings (customizations of ata, dect, mpp, wifi; customEnabled)",
            update_settings,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/telephony/config/devices/{id}/actions/applyChanges/invoke",
            manage,
            "Apply the device's settings (recorded with its time and audited)",
            apply_changes,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/locations",
            view,
            "Locations with their calling details (name contains, order asc|desc; list key `locations`)",
            locations::list,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/locations/{id}",
            view,
            "One location's calling details",
            locations::one,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/workspaces/{id}/devices",
            view,
            "Devices on which a workspace has a line (its own and shared), with maxDeviceCount",
            member_devices::workspace_devices,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/telephony/config/supportedDevices",
            view,
            "The device catalogue: customer-managed and partner-managed models with their line ports",
            supported,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/telephony/config/devices/actions/validateMacs/invoke",
            view,
            "Validate MAC addresses: format, repeats, platform-wide use (DEV-3)",
            validate_macs,
        ),
        Endpoint::new(
            Method::GET,
            "/v1/operations/deviceModels",
            // Provider staff only (RBAC-5: customer administrators see no operations route; they
            // read the catalogue at /v1/telephony/config/supportedDevices).
            Capability::ViewOperations,
            "The device catalogue (provider staff; customers use /v1/telephony/config/supportedDevices)",
            models,
        ),
        Endpoint::new(
            Method::POST,
            "/v1/operations/deviceModels",
            Capability::ServerSettings,
            "Add a model to the device catalogue",
            add_model,
        ),
        Endpoint::new(
            Method::DELETE,
            "/v1/operations/deviceModels/{model}",
            Capability::ServerSettings,
            "Remove a model no device uses",
            delete_model,
        ),
    ]
}
