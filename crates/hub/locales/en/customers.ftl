# Patchbay messages (en) — customers. Missing messages fall back to English.
# Every id here starts with cus- or prov- so it never collides with another message file.

## Customer list (CUS-4, CUS-6)
cus-col-name = Name
cus-col-systemName = System name
cus-col-customerId = Customer ID
cus-col-profile = Profile
cus-col-version = Version
cus-col-alarms = Alarms
cus-col-operators = Assigned operators
cus-col-tags = Tags
cus-col-notes = Notes
cus-col-status = Connectivity
cus-col-connectivity = Connectivity
cus-col-icons = Status icons
cus-alarms-link = Show this customer's alarms
cus-icon-attention = Needs attention
cus-icon-action-inProgress = An action is in progress: no other may start
cus-icon-action-completed = The last action completed
cus-icon-action-failed = The last action failed
cus-operators-title = Assigned manually: { $logins }. Accounts assigned by label are listed on the details.
cus-operators-none = No account assigned.
cus-created = The customer was added. Use Test connection once its system is set up.
cus-updated = The customer was updated.
cus-deleted = The selected customers were deleted.
cus-yes = Yes
cus-no = No
cus-none = None

## Filter (CUS-6)
cus-filter-connectivity = Connectivity
cus-filter-status = Status
cus-filter-tag = Tag
cus-filter-version = Version
cus-filter-profile = Profile
cus-filter-distributor = Distributor
cus-filter-reseller = Reseller
cus-filter-hasAlarms = Has alarms
cus-filter-hide = Hide filter

## Traffic light (SYS-2)
cus-light-green = Connected
cus-light-amber = Needs attention
cus-light-red = Not connected

## Connectivity messages (SYS-3)
cus-status-authorisationFailed = Authorisation failed
cus-status-connectionFailed = Connection failed
cus-status-connectionSuccessful = Connection successful
cus-status-insufficientRights = Insufficient rights
cus-status-invalidCredentials = Invalid credentials
cus-status-legacy = Legacy system: monitoring only, no remote services
cus-status-tooManySessions = Too many simultaneous sessions
cus-status-newPasswordRequired = New password required for the service account
cus-status-noAuthorisationProvided = No authorisation provided (limited features)
cus-status-noUserRightsEnabled = No user rights enabled for this system
cus-status-remoteOperationsNotAllowed = Remote operations not allowed
cus-status-readRightsNotEnabled = Read rights for service monitoring not enabled
cus-status-disabledByAdministrator = Service account disabled by administrator
cus-status-temporarilyLocked = Service account temporarily locked
cus-status-pendingConfirmation = Enrolled automatically: waiting for confirmation
cus-status-currentlyDisabled = Service account currently disabled
cus-status-passwordExpired = Service password expired
cus-status-unreachableNotPrimary = System unreachable or not a valid primary
cus-status-unreachableSince = System unreachable or offline since { $duration }
cus-status-upgradeRightsNotEnabled = Upgrade rights not enabled
cus-status-waitingForInitialConnection = Waiting for initial connection

## Details (CUS-5)
cus-close = Close
cus-details-entry = Customer entry
cus-field-address = Address
cus-last-seen = Last seen
cus-service-disabled = service account disabled
cus-assigned = Assigned accounts
cus-assigned-manual = assigned manually
cus-assigned-label = assigned by label
cus-systems = Systems and servers
cus-no-systems = No system has connected yet.
cus-no-servers = The system has not reported its servers yet.
cus-system-connected = Connected now
cus-system-disconnected = Not connected
cus-server-name = Server
cus-server-role = Role
cus-server-state = State
cus-server-role-primary = Primary
cus-server-role-secondary = Secondary
cus-server-role-expansion = Expansion
cus-server-role-application = Application server
cus-server-state-online = Online
cus-server-state-offline = Offline
cus-certificate = System certificate (issued by this hub)
cus-certificate-serial = Serial number
cus-certificate-names = Covers
cus-certificate-expires = Expires
cus-certificate-failure = Last renewal failed
cus-flags = Remote operations
cus-flag-centralManagement = Central management
cus-flag-centralDiagnosticLogs = Central diagnostic logs
cus-flag-remoteUpgradeBackup = Remote upgrade and backup
cus-flag-remoteAccess = Remote access
cus-flag-colocatedServers = Co-located servers
cus-flag-autoCertificateManagement = Automatic certificate management
cus-flag-phoneAutoProvisioning = Phone auto-provisioning

## Test connection (CUS-2)
cus-test = Test connection
cus-test-ok = Test connection succeeded: the system is connected and authenticated.
cus-test-failed = Test connection failed: { $reason }
cus-test-after-save = After saving, open the customer and use Test connection.

## Add / edit (CUS-1, CUS-2)
cus-add-title = Add customer
cus-edit-title = Edit customer
cus-field-name = Name
cus-field-customerId = Customer ID
cus-customerId-hint = Used in remote-support addresses: lower-case letters, digits and hyphens.
cus-customerId-locked = The customer ID cannot be changed (see Preferences).
cus-service-account = Service account (used by the system to connect)
cus-field-serviceUserName = Service user name
cus-field-servicePassword = Service password
cus-field-confirmServicePassword = Confirm service password
cus-field-serviceDisabled = Service account disabled
cus-field-distributor = Distributor
cus-field-reseller = Reseller
cus-reseller-hint = The reseller must belong to the chosen distributor.
cus-tags-hint = up to 5, comma-separated, e.g. gold, north
cus-field-phone = Phone
cus-field-operators = Assigned operators
cus-operators-hint = Hold Ctrl (or ⌘) to select several. Accounts whose label is the distributor or reseller name are assigned automatically.
cus-operators-kept = Also assigned, kept as they are: { $logins }.
cus-rule-dns-label = must be a DNS label: 1 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen.
cus-rule-customer-id-fixed = cannot be changed: the server preferences do not allow changing a customer ID.
cus-rule-operator-not-yours = includes an account you did not create.
cus-rule-operator-invalid = includes an account that cannot be assigned.
cus-rule-reseller-mismatch = must be a reseller of the chosen distributor.
cus-rule-distributor-invalid = is not a known distributor.
cus-rule-password-mismatch = does not match the service password.
cus-rule-not-allowed = is not allowed.

## Delete (CUS-2)
cus-delete-title = Delete customers
cus-delete-confirm = Delete these customers, their systems and alarms? This cannot be undone.

## Providers (TEN-1)
prov-title = Distributors and resellers
prov-intro = Each customer names its distributor and a reseller of that distributor. Accounts whose label equals a distributor or reseller name are assigned its customers automatically.
prov-distributor = Distributor
prov-reseller = Reseller
prov-customers = Customers
prov-name = Name
prov-empty = No distributor yet.
prov-add-distributor = Add distributor
prov-add-reseller = Add reseller
prov-added = Added.
prov-deleted = Deleted.
prov-distributor-in-use = This distributor still has resellers or customers: move or delete them first.
prov-reseller-in-use = This reseller still has customers: move or delete them first.
cus-list-none = No customers yet.

# Jobs (JOB-3, JOB-4, BKP-1, SYS-6): why a request on jobs is refused.
jobs-refused-immediate = A job started immediately cannot be paused, resumed or stopped.
jobs-refused-in-progress = A job in progress cannot be deleted.
jobs-refused-not-scheduled = Only a scheduled job that has not started can be paused.
jobs-refused-not-paused = Only a paused job can be resumed.
jobs-refused-ended = The job has ended: it cannot run again.
jobs-refused-no-system = A selected customer has no system known to the hub yet.
jobs-refused-backup-disabled = Remote upgrade/backup is disabled on a selected system.
jobs-refused-logs-disabled = Central diagnostic logs are disabled on a selected system.
jobs-refused-busy = Another action is running on a selected system: one action per system at a time.
jobs-refused-role = Your role may not change some of the selected jobs.
prov-enrolment = Enrolment
prov-enrolment-make = Make enrolment credential
prov-enrolment-rotate = Rotate credential
prov-enrolment-made-on = Credential made { $date }
prov-enrolment-auto-on = New systems confirmed automatically (turn off)
prov-enrolment-auto-off = New systems wait for confirmation (confirm automatically)
prov-enrolment-made = Enrolment credential made. The previous one no longer works.
prov-enrolment-once = Copy this credential now: it is shown only once. Give it to the provider's systems (patchbay-agent run --enrolment-file).
prov-enrolment-saved = Enrolment preference saved.
cus-enrolment-pending = This customer was added by a system that enrolled itself. Its system is refused, with no remote operation, until you confirm it.
cus-enrolment-confirm = Confirm customer
cus-enrolment-confirmed = Customer confirmed: its system connects fully at its next attempt.
