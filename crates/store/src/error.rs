//! The store's one error type. What the schema or a rule on stored state refuses is typed
//! ([`Taken`], [`Missing`], [`InUse`], [`Refusal`]), so the hub maps each case to HTTP in one
//! place instead of matching strings.

use patchbay_domain::calling::LicenceKind;

/// A value the schema keeps unique is already taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    LoginName,
    CustomerName,
    CustomerKey,
    DistributorName,
    ResellerName,
    LocationName,
    PersonEmail,
    PhoneNumber,
    Extension,
    Mac,
    SipUserName,
    DeviceModel,
    ActivationCode,
    /// WGO-1: the person already has a mobile line.
    MobileLine,
    /// A maintenance proxy account's user name (RMT-2).
    ProxyUserName,
    /// A release of that version is already in the repository for that profile (SWR-1).
    ReleaseVersion,
    /// A customization folder already holds a file of that name (CST-3).
    CustomFileName,
    /// WGO-4: a bulk import's row already has its outcome (another node did it first).
    ImportRow,
    /// MOB-1: a mobile operator of that name exists.
    OperatorName,
    /// MOB-1: the location already has its operator account (its ID cannot change).
    OperatorAccount,
    /// CRT-2: that certificate is already trusted.
    TrustedCertificate,
}

/// A referenced row does not exist, or is not the customer's (or not free, for a number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// An operator assigned to a customer.
    Operator,
    /// MOB-1: a mobile operator.
    MobileOperator,
    Distributor,
    Reseller,
    Location,
    Person,
    /// A person's manager (`managerId`): a person of the same organisation.
    Manager,
    Workspace,
    /// A device line's member.
    LineMember,
    /// Not a free number of the location.
    PhoneNumber,
    /// A number to remove or switch is not the location's.
    LocationNumber,
}

/// A row others still use cannot be deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InUse {
    Distributor,
    Reseller,
    Location,
    DeviceModel,
    PhoneNumber,
}

/// A rule on stored state refused the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// MOB-2: the location's operator account is not authorised (or there is none).
    OperatorNotAuthorized,
    /// MOB-1: the operator's answer does not apply to the request as it stands.
    OperatorDecision,
    /// ALM-4: an ongoing alarm cannot be cleared.
    AlarmOngoing,
    /// WSP-2: the workspace has as many devices as its licence allows.
    WorkspaceDeviceLimit,
    /// The workspace has no calling licence, so no devices.
    WorkspaceNoLicence,
    /// The workspace's devices exceed the licence it asks for.
    WorkspaceLicenceDevices,
    /// A licence total below the units already consumed.
    LicenceBelowConsumed(LicenceKind),
    /// A reseller that is not under the customer's distributor.
    ResellerOfAnotherDistributor,
    /// The account already holds as many unfinished uploads as allowed (SWR-1).
    TooManyUploads,
    /// A resumable upload's PATCH did not start at the upload's offset (tus 409).
    UploadOffset,
    /// WGO-1: the chosen mobile subscription has no line left.
    MobileSubscriptionExhausted,
    /// A mobile subscription's total below the lines already taken from it.
    MobileBelowConsumed,
    /// WGO-2: a mobile line already activated gets no new code.
    MobileActivated,
    /// WGO-1: the person changed (licence, location, number) while their line was being added.
    MobileChanged,
}

/// Errors of the store layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("{0:?} is already in use")]
    Taken(Taken),
    #[error("{0:?} does not exist")]
    Missing(Missing),
    #[error("{0:?} is still in use")]
    InUse(InUse),
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// A calling licence has no unit left.
    #[error("no {} licence left", .0.webex_name())]
    LicenceExhausted(LicenceKind),
    #[error("database URL must start with sqlite:// or postgres://")]
    UnsupportedUrl,
    #[error("migration {version} failed: {source}")]
    Migration {
        version: i64,
        #[source]
        source: sqlx::Error,
    },
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// A paging cursor this list did not make (another list's, or a keyset on a list paged by
    /// offset only).
    #[error("the paging cursor does not fit this list")]
    Cursor,
    /// A notice for another node longer than PostgreSQL carries.
    #[error("a notice for another node is too long ({0} bytes)")]
    NoticeTooLong(usize),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The driver error a [`StoreError::Db`] carries.
pub type DbError = sqlx::Error;

/// The SQLSTATE of a database error (PostgreSQL), if any.
pub fn sqlstate(e: &DbError) -> Option<String> {
    match e {
        sqlx::Error::Database(d) => d.code().map(|c| c.into_owned()),
        _ => None,
    }
}

/// Map a unique-constraint failure to [`StoreError::Taken`], pass other errors through.
pub(crate) fn unique_as(what: Taken) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Taken(what),
        _ => StoreError::Db(e),
    }
}
