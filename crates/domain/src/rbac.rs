//! The role-based access policy of SPEC §3, kept in one table (RBAC-3). Every API route and console
//! page names the [`Capability`] it needs and asks [`allowed`]; nothing else decides access.

use crate::ids::{AccountId, CustomerId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The six roles. Wire and CLI names are kebab-case (`read-only`, `customer-admin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Administrator,
    Support,
    Supervisor,
    Operator,
    ReadOnly,
    CustomerAdmin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Administrator,
        Role::Support,
        Role::Supervisor,
        Role::Operator,
        Role::ReadOnly,
        Role::CustomerAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Support => "support",
            Role::Supervisor => "supervisor",
            Role::Operator => "operator",
            Role::ReadOnly => "read-only",
            Role::CustomerAdmin => "customer-admin",
        }
    }

    /// Platform staff see every customer (CUS-3).
    pub fn sees_all_customers(self) -> bool {
        matches!(self, Role::Administrator | Role::Support)
    }

    /// Kiosk mode is offered to Support and Read-only accounts only (OPR-1).
    pub fn may_use_kiosk(self) -> bool {
        matches!(self, Role::Support | Role::ReadOnly)
    }

    /// Read-only mode is a switch for Support and Read-only accounts only (RBAC-2).
    pub fn may_use_read_only_mode(self) -> bool {
        matches!(self, Role::Support | Role::ReadOnly)
    }

    /// Read-only accounts are always in read-only mode (RBAC-2).
    pub fn forces_read_only_mode(self) -> bool {
        matches!(self, Role::ReadOnly)
    }

    /// Support accounts start in read-only mode (RBAC-2).
    pub fn default_read_only_mode(self) -> bool {
        matches!(self, Role::Support | Role::ReadOnly)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The role name was not one of the six.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}; expected one of administrator, support, supervisor, operator, read-only, customer-admin")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// Everything access is decided on. One row of SPEC §3 each, plus the capabilities the other
/// sections add (audit log, calling provisioning, own profile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Capability {
    /// Dashboard, alarms, customer list, customer details.
    ViewOperations,
    SeeRemoteSupportAddresses,
    LaunchApplication,
    BackupManual,
    Restore,
    UpgradeSystems,
    AddDeleteCustomers,
    EditCustomers,
    ManageLogFiles,
    RefreshCustomizationFiles,
    ManageCustomizationFiles,
    ResendSubscriptionEmail,
    /// Server preferences, certificates, application centre.
    ServerSettings,
    /// Create / assign operator accounts (Supervisor: its own Operators only, OPR-9).
    ManageAccounts,
    /// RBAC-5: create Customer-administrator accounts (and invite them) for customers in one's
    /// scope: Administrator, and Supervisor and Operator for their assigned customers.
    CreateCustomerAdmins,
    /// Read the audit log (Administrators).
    ViewAuditLog,
    /// Clear alarms (ALM-4, ALM-5). Not in the SPEC table: given to the roles that act on
    /// systems (Administrator, Support, Supervisor, Operator); never in read-only mode.
    ClearAlarms,
    /// Read locations, people, workspaces, numbers, devices (RBAC-5).
    ViewProvisioning,
    /// Change locations, people, workspaces, numbers, devices (RBAC-5).
    ManageProvisioning,
    /// See and change one's own profile, password and avatar; everyone may.
    OwnProfile,
    /// See the maintenance proxy accounts (RMT-2; never their passwords).
    ViewProxyAccounts,
    /// Set a proxy account's user name and password (RMT-2: "a non-Administrator").
    ManageProxyAccounts,
    /// See every remote-support session and end live ones (RMT-8: Administrators).
    AuditRemoteSessions,
    /// Upload and delete releases of the software repository (SWR-1). The repository serves every
    /// provider, so it is the platform's: Administrators, like the customization, Vantage and
    /// Workplace folders.
    ManageRepository,
}

impl Capability {
    pub const ALL: [Capability; 24] = [
        Capability::ViewOperations,
        Capability::SeeRemoteSupportAddresses,
        Capability::LaunchApplication,
        Capability::BackupManual,
        Capability::Restore,
        Capability::UpgradeSystems,
        Capability::AddDeleteCustomers,
        Capability::EditCustomers,
        Capability::ManageLogFiles,
        Capability::RefreshCustomizationFiles,
        Capability::ManageCustomizationFiles,
        Capability::ResendSubscriptionEmail,
        Capability::ServerSettings,
        Capability::ManageAccounts,
        Capability::CreateCustomerAdmins,
        Capability::ViewAuditLog,
        Capability::ClearAlarms,
        Capability::ViewProvisioning,
        Capability::ManageProvisioning,
        Capability::OwnProfile,
        Capability::ViewProxyAccounts,
        Capability::ManageProxyAccounts,
        Capability::AuditRemoteSessions,
        Capability::ManageRepository,
    ];

    /// Capabilities that only look (allowed in read-only mode, RBAC-2).
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Capability::ViewOperations
                | Capability::SeeRemoteSupportAddresses
                | Capability::ViewProvisioning
                | Capability::OwnProfile
                | Capability::ViewProxyAccounts
        )
    }
}

const Y: bool = true;
const N: bool = false;

/// SPEC §3 as data. Columns: Administrator, Support, Supervisor, Operator, Read-only,
/// Customer administrator. A cell is what the role may do before display modes apply.
pub const POLICY: [(Capability, [bool; 6]); 24] = [
    (Capability::ViewOperations, [Y, Y, Y, Y, Y, N]),
    (Capability::SeeRemoteSupportAddresses, [N, N, Y, Y, Y, N]),
    (Capability::LaunchApplication, [Y, N, N, Y, N, N]),
    (Capability::BackupManual, [Y, N, Y, Y, N, N]),
    (Capability::Restore, [Y, N, Y, N, N, N]),
    (Capability::UpgradeSystems, [Y, Y, Y, Y, N, N]),
    (Capability::AddDeleteCustomers, [Y, N, N, Y, N, N]),
    (Capability::EditCustomers, [Y, N, Y, N, N, N]),
    (Capability::ManageLogFiles, [Y, Y, Y, Y, N, N]),
    (Capability::RefreshCustomizationFiles, [Y, Y, Y, Y, N, N]),
    (Capability::ManageCustomizationFiles, [Y, N, N, N, N, N]),
    (Capability::ResendSubscriptionEmail, [Y, Y, Y, Y, N, N]),
    (Capability::ServerSettings, [Y, N, N, N, N, N]),
    (Capability::ManageAccounts, [Y, N, Y, N, N, N]),
    (Capability::CreateCustomerAdmins, [Y, N, Y, Y, N, N]),
    (Capability::ViewAuditLog, [Y, N, N, N, N, N]),
    (Capability::ClearAlarms, [Y, Y, Y, Y, N, N]),
    (Capability::ViewProvisioning, [Y, Y, Y, Y, Y, Y]),
    (Capability::ManageProvisioning, [Y, N, Y, Y, N, Y]),
    (Capability::OwnProfile, [Y, Y, Y, Y, Y, Y]),
    (Capability::ViewProxyAccounts, [Y, Y, Y, Y, Y, N]),
    (Capability::ManageProxyAccounts, [N, N, Y, Y, N, N]),
    (Capability::AuditRemoteSessions, [Y, N, N, N, N, N]),
    (Capability::ManageRepository, [Y, N, N, N, N, N]),
];

fn column(role: Role) -> usize {
    match role {
        Role::Administrator => 0,
        Role::Support => 1,
        Role::Supervisor => 2,
        Role::Operator => 3,
        Role::ReadOnly => 4,
        Role::CustomerAdmin => 5,
    }
}

/// The cell of the table for `role` and `capability`, before display modes.
pub fn table_allows(role: Role, capability: Capability) -> bool {
    POLICY
        .iter()
        .find(|(c, _)| *c == capability)
        .map(|(_, cells)| cells[column(role)])
        .unwrap_or(false)
}

/// Who is asking: the account, its role and display modes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account_id: AccountId,
    pub role: Role,
    pub read_only_mode: bool,
    pub kiosk_mode: bool,
    /// The customer a Customer administrator is bound to.
    pub customer_id: Option<CustomerId>,
}

impl Principal {
    /// Read-only mode as it applies: forced for Read-only, the switch for Support, off otherwise.
    pub fn effective_read_only(&self) -> bool {
        self.role.forces_read_only_mode()
            || (self.role.may_use_read_only_mode() && self.read_only_mode)
    }

    /// Whether this principal may use `capability` (RBAC-1, RBAC-2, OPR-5).
    pub fn allowed(&self, capability: Capability) -> bool {
        allowed(self, capability)
    }

    /// Which customers this principal sees (CUS-3, RBAC-5, TEN-4).
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::Administrator | Role::Support => Scope::All,
            Role::Supervisor | Role::Operator | Role::ReadOnly => Scope::Assigned(self.account_id),
            Role::CustomerAdmin => match self.customer_id {
                Some(c) => Scope::Customer(c),
                None => Scope::Nothing,
            },
        }
    }
}

/// The policy decision. Kiosk sessions only watch the dashboard; read-only mode keeps only the
/// capabilities that look (and one's own profile).
pub fn allowed(p: &Principal, capability: Capability) -> bool {
    if !table_allows(p.role, capability) {
        return false;
    }
    if p.kiosk_mode && p.role.may_use_kiosk() {
        return capability == Capability::ViewOperations;
    }
    if p.effective_read_only() {
        return capability.is_read();
    }
    true
}

/// The set of customers a principal may see. Every customer-scoped query filters by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Administrator and Support.
    All,
    /// Supervisor, Operator, Read-only: customers assigned to this account (manually or by label).
    Assigned(AccountId),
    /// A Customer administrator: exactly one customer.
    Customer(CustomerId),
    /// A Customer administrator not bound to any customer sees nothing.
    Nothing,
}

impl Scope {
    /// In-memory form of the check the store applies in SQL: may a principal with this scope see
    /// `customer`, assigned to `assigned`?
    pub fn admits(&self, customer: CustomerId, assigned: &[AccountId]) -> bool {
        match self {
            Scope::All => true,
            Scope::Assigned(me) => assigned.contains(me),
            Scope::Customer(c) => *c == customer,
            Scope::Nothing => false,
        }
    }
}

/// Roles an actor may give to accounts it creates (OPR-9, RBAC-5). Customer administrators are
/// bound to a customer, so creating them also needs the customer in the actor's scope.
pub fn creatable_roles(actor: Role) -> &'static [Role] {
    match actor {
        Role::Administrator => &Role::ALL,
        Role::Supervisor => &[Role::Operator, Role::CustomerAdmin],
        Role::Operator => &[Role::CustomerAdmin],
        _ => &[],
    }
}

/// OPR-9: may `actor` view, edit or delete the account `target` (its role and creator)?
pub fn may_manage_account(
    actor: &Principal,
    target_id: AccountId,
    target_role: Role,
    target_created_by: Option<AccountId>,
) -> bool {
    if !actor.allowed(Capability::ManageAccounts) {
        return false;
    }
    match actor.role {
        Role::Administrator => true,
        Role::Supervisor => {
            target_id != actor.account_id
                && target_role == Role::Operator
                && target_created_by == Some(actor.account_id)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(role: Role) -> Principal {
        Principal {
            account_id: AccountId::new(),
            role,
            read_only_mode: false,
            kiosk_mode: false,
            customer_id: None,
        }
    }

    /// SPEC §3, written out again row by row from the spec text, so that a change to POLICY that
    /// the spec does not make fails here.
    #[test]
    fn rbac_3_every_cell_of_the_spec_table() {
        use Capability::*;
        use Role::*;
        let expect: &[(Capability, &[Role])] = &[
            (
                ViewOperations,
                &[Administrator, Support, Supervisor, Operator, ReadOnly],
            ),
            (SeeRemoteSupportAddresses, &[Supervisor, Operator, ReadOnly]),
            (LaunchApplication, &[Administrator, Operator]),
            (BackupManual, &[Administrator, Supervisor, Operator]),
            (Restore, &[Administrator, Supervisor]),
            (
                UpgradeSystems,
                &[Administrator, Support, Supervisor, Operator],
            ),
            (AddDeleteCustomers, &[Administrator, Operator]),
            (EditCustomers, &[Administrator, Supervisor]),
            (
                ManageLogFiles,
                &[Administrator, Support, Supervisor, Operator],
            ),
            (
                RefreshCustomizationFiles,
                &[Administrator, Support, Supervisor, Operator],
            ),
            (ManageCustomizationFiles, &[Administrator]),
            (
                ResendSubscriptionEmail,
                &[Administrator, Support, Supervisor, Operator],
            ),
            (ServerSettings, &[Administrator]),
            (ManageAccounts, &[Administrator, Supervisor]),
            (CreateCustomerAdmins, &[Administrator, Supervisor, Operator]),
            (ViewAuditLog, &[Administrator]),
            (ClearAlarms, &[Administrator, Support, Supervisor, Operator]),
            (ViewProvisioning, &Role::ALL),
            (
                ManageProvisioning,
                &[Administrator, Supervisor, Operator, CustomerAdmin],
            ),
            (OwnProfile, &Role::ALL),
            (
                ViewProxyAccounts,
                &[Administrator, Support, Supervisor, Operator, ReadOnly],
            ),
            (ManageProxyAccounts, &[Supervisor, Operator]),
            (AuditRemoteSessions, &[Administrator]),
            (ManageRepository, &[Administrator]),
        ];
        assert_eq!(expect.len(), Capability::ALL.len());
        for (cap, roles) in expect {
            for role in Role::ALL {
                assert_eq!(
                    table_allows(role, *cap),
                    roles.contains(&role),
                    "cell {cap:?} × {role}"
                );
            }
        }
    }

    #[test]
    fn rbac_2_read_only_mode_keeps_only_looking() {
        let mut support = p(Role::Support);
        support.read_only_mode = true;
        assert!(support.allowed(Capability::ViewOperations));
        assert!(support.allowed(Capability::OwnProfile));
        assert!(!support.allowed(Capability::UpgradeSystems));
        assert!(!support.allowed(Capability::ManageLogFiles));
        support.read_only_mode = false;
        assert!(support.allowed(Capability::UpgradeSystems));
        // Read-only accounts are read-only whatever the flag says.
        let ro = p(Role::ReadOnly);
        assert!(ro.effective_read_only());
        // The flag means nothing for roles that cannot use it.
        let mut admin = p(Role::Administrator);
        admin.read_only_mode = true;
        assert!(admin.allowed(Capability::ServerSettings));
    }

    #[test]
    fn opr_5_kiosk_sessions_only_watch() {
        let mut ro = p(Role::ReadOnly);
        ro.kiosk_mode = true;
        assert!(ro.allowed(Capability::ViewOperations));
        assert!(!ro.allowed(Capability::OwnProfile));
    }

    #[test]
    fn ten_4_scope_by_role() {
        let admin = p(Role::Administrator);
        let op = p(Role::Operator);
        let c = CustomerId::new();
        assert!(admin.scope().admits(c, &[]));
        assert!(!op.scope().admits(c, &[]));
        assert!(op.scope().admits(c, &[op.account_id]));
        let mut ca = p(Role::CustomerAdmin);
        assert_eq!(ca.scope(), Scope::Nothing);
        ca.customer_id = Some(c);
        assert!(ca.scope().admits(c, &[]));
        assert!(!ca.scope().admits(CustomerId::new(), &[]));
    }

    #[test]
    fn opr_9_supervisor_manages_only_its_own_operators() {
        let sup = p(Role::Supervisor);
        let other = AccountId::new();
        assert!(may_manage_account(
            &sup,
            other,
            Role::Operator,
            Some(sup.account_id)
        ));
        assert!(!may_manage_account(
            &sup,
            other,
            Role::Operator,
            Some(AccountId::new())
        ));
        assert!(!may_manage_account(
            &sup,
            other,
            Role::Supervisor,
            Some(sup.account_id)
        ));
        assert!(!may_manage_account(&sup, other, Role::Operator, None));
        assert!(creatable_roles(Role::Supervisor).contains(&Role::Operator));
        assert!(!creatable_roles(Role::Supervisor).contains(&Role::Administrator));
        let admin = p(Role::Administrator);
        assert!(may_manage_account(&admin, other, Role::Supervisor, None));
        assert!(creatable_roles(Role::Operator) == [Role::CustomerAdmin]);
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("admin".parse::<Role>().is_err());
    }
}
