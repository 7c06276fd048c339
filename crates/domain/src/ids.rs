//! Newtype identifiers. Every primary key is a UUIDv7 (time-ordered), stored as text.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// An operator account (a member of staff who logs in).
    AccountId
);
id_type!(
    /// An API token.
    TokenId
);
id_type!(
    /// An audit record.
    AuditId
);
id_type!(
    /// A console session.
    SessionId
);
id_type!(
    /// A customer (an enterprise organisation); also the `orgId` of the provisioning API.
    CustomerId
);
id_type!(
    /// A distributor (top of the provider tree, TEN-1).
    DistributorId
);
id_type!(
    /// A reseller, under a distributor.
    ResellerId
);
id_type!(
    /// A customer system (phone system), TEN-3.
    SystemId
);
id_type!(
    /// An alarm row (one per fingerprint).
    AlarmId
);
id_type!(
    /// A customer's location (calling provisioning).
    LocationId
);
id_type!(
    /// A person of a customer's organisation (a calling user).
    PersonId
);
id_type!(
    /// A workspace (a shared room, desk or area with its own calling identity, WSP-1).
    WorkspaceId
);
id_type!(
    /// A phone number of a location (NUM-1).
    NumberId
);
id_type!(
    /// A SIP device (DEV-1).
    DeviceId
);
id_type!(
    /// A calling licence (subscription line) of a customer.
    LicenseId
);
id_type!(
    /// A device activation code.
    ActivationCodeId
);
id_type!(
    /// A scheduled job (JOB-1).
    JobId
);
id_type!(
    /// One server's part of a job (JOB-2).
    JobPartId
);
id_type!(
    /// A bulk import of mobile lines from a CSV file (WGO-4).
    MobileImportId
);
