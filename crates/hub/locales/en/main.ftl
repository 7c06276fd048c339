# Patchbay console and API messages — English (complete; the fallback for every language).

## Login (OPR-3, OPR-4)
login-title = Sign in to Patchbay
login-submit = Sign in
login-invalid = Invalid login name or password.
login-disabled = This account is disabled. Ask an administrator to enable it.
login-expired = This account has expired and is now disabled. Ask an administrator to enable it.
login-blocked = Too many failed attempts. This login is blocked for { $minutes } minutes.
login-form-expired = The sign-in form expired. Please try again.
login-password-changed = Your password was changed. Sign in with the new password.
login-session-expired = Your session ended after a period of inactivity.
login-account-disabled = Your account is disabled.

## First login
terms-title = Terms of use
terms-text = This console gives access to customer telephony systems and their credentials. Use it only for the work you are authorised to do; every action is recorded with your name and address.
terms-licence = Patchbay is open-source software provided under the Apache License 2.0, without warranty of any kind.
terms-accept = I accept
terms-decline = Decline and sign out
password-title = Change password
password-forced = You must choose a new password before you continue.
password-policy = 9 to 31 characters, with at least two of: upper-case letters, lower-case letters, digits, special characters. Previous passwords cannot be reused.
password-submit = Change password
password-keep-blank = Leave blank to keep the current password.
password-relogin = After the change you sign in again.

## Menu (DSH-2)
menu-label = Main menu
skip-to-content = Skip to content
menu-dashboard = Dashboard
menu-views = Views
menu-customers = Customers
menu-alarms = Alarms
menu-jobs = Scheduled jobs
menu-repository = Software repository
menu-files = File management
menu-applications = Applications
menu-admin-tools = Admin tools download
menu-proxytunnel = ProxyTunnel utility download
menu-appcentre = Application centre
menu-settings = Settings
menu-accounts = Account management
menu-proxy-accounts = Maintenance proxy accounts
menu-certificates = Certificates
menu-preferences = Preferences
menu-help = Help
menu-about = About
menu-profile = Profile
menu-logout = Log out
read-only-mode = Read-only mode: you can browse, filter and search, and change your own profile.

## Pages
dashboard-empty-title = Nothing to show yet
dashboard-empty-text = The dashboard shows customers by connectivity, alarms by severity and type, tags and software versions once customer systems are connected.
back-to-dashboard = Back to the dashboard
about-version = Version
about-build = Build
about-database = Database
about-started = Running since
help-intro = Patchbay's user guide ships in the docs folder of the installation. The API is described by its OpenAPI document.
help-openapi = API reference (OpenAPI)
never = Never

## Accounts (OPR-8)
accounts-created = The account was created.
accounts-updated = The account was updated.
accounts-deleted = The selected accounts were deleted.
accounts-add-title = Add account
accounts-edit-title = Edit account
accounts-delete-title = Delete accounts
accounts-delete-confirm = Delete these accounts? This cannot be undone.
labels-hint = comma-separated, e.g. north, reseller-a
timeout-default = Server default
action-add = Add
action-search = Search
action-filter = Filter
action-apply = Apply
action-clear = Clear
action-edit = Edit
action-delete = Delete
action-select-all = Select all
action-update = Update
action-save = Save
action-cancel = Cancel
action-confirm = Confirm
filter-any = Any
filter-active = Active filter
list-total = Total: { $count }
accounts-none = No accounts yet.
list-empty = No matching entries.
outbox-none = No e-mail has been sent yet.
pager-label = Pages
pager-prev = Previous
pager-next = Next
pager-size = Items per page

## Roles
role-administrator = Administrator
role-support = Support
role-supervisor = Supervisor
role-operator = Operator
role-read-only = Read-only
role-customer-admin = Customer administrator

## Profile (OPR-7)
profile-summary = Your settings
profile-name = Name
profile-avatar = Avatar
profile-no-avatar = No avatar yet.
profile-upload = Upload

## Preferences (PRF)
preferences-saved = Preferences saved.
security-unrestricted = Unrestricted
security-medium = Medium (trusted chain)
security-high = High (trusted chain and matching name)
banner-html-hint = Basic HTML only: headings, paragraphs, bold, italic, underline. Anything else is removed.

## Field names
field-loginName = Login name
field-password = Password
field-confirmPassword = Confirm password
field-oldPassword = Current password
field-newPassword = New password
field-language = Language
field-role = Role
field-labels = Labels
field-firstName = First name
field-lastName = Last name
field-phoneNumber = Phone
field-mobile = Mobile
field-email = E-mail
field-sessionTimeoutMinutes = Session timeout (minutes)
field-kioskMode = Kiosk mode
field-readOnlyMode = Read-only mode
field-disabled = Account disabled
field-forcePasswordChange = Force new password at next login
field-expiryEnabled = Enable account expiry
field-expiresOn = Expiry date
field-customerId = Customer
field-avatar = Avatar
field-passwordHistoryCount = Password history
field-securityLevel = Security level
field-logLevel = Server log level
field-systemName = System name
field-logRetentionDays = CPE diagnostic log retention (days)
field-sessionRetentionDays = Remote-support session retention (days)
field-securityBanner = Security banner
field-bannerEnabled = Show the security banner on the login page
field-securityBanner-title = Banner title
field-securityBanner-description = Banner text
field-clientLogging = Client logging
field-allowDowngrades = Allow downgrades
field-allowCustomerIdChange = Allow changing a system's customer ID
field-sortBy = Sort column
field-sortOrder = Sort order

## Validation rules
rule-required = is required.
rule-max-length = must be at most { $max } characters.
rule-length-between = must be between { $min } and { $max } characters.
rule-combined-max-length = together with the first name must be at most { $max } characters, spaces included.
rule-digits = must contain digits only, at most { $max }.
rule-email = must be an e-mail address.
rule-one-of = must be one of: { $allowed }.
rule-step-range = must be between { $min } and { $max } in steps of { $step }.
rule-range = must be between { $min } and { $max }.
rule-login-chars = may contain only letters, digits and . _ - @ (no spaces).
rule-taken = is already in use.
rule-password-classes = must contain at least two of: upper-case letters, lower-case letters, digits, special characters.
rule-password-reused = must differ from your last { $count } passwords.
rule-password-mismatch = does not match the new password.
rule-password-wrong = is not your current password.
rule-not-for-role = is not available for the role { $role }.
rule-date-in-past = must be a date in the future (or disable the account).
rule-date = must be a date (YYYY-MM-DD).
rule-image-type = must be a PNG, JPEG or GIF image.
rule-image-too-large = must be at most { $max } KiB.
rule-label-not-assigned = { $label } is not one of your own labels.
rule-too-many = may have at most { $max } entries.
rule-invalid = is not valid.
rule-control-characters = must not contain control characters (NUL, escape sequences, line breaks).
rule-unknown = is not accepted here (accepted: { $allowed }).
rule-unsupported = is a Webex option Patchbay does not support.

## Errors
error-validation = Some fields are not valid.
error-conflict = The request conflicts with the current state.
error-rate-limited = Too many attempts.
error-retry-after = Try again in { $seconds } seconds.
error-unauthorized = Authentication required.
error-unauthorized-detail = Sign in, or send a valid bearer token.
error-forbidden = Forbidden
error-forbidden-detail = Your role does not allow this page or operation.
error-not-found = Not found
error-not-found-detail = The page or resource does not exist, or you cannot see it.
error-malformed = The request could not be read.
error-internal = Internal error
error-internal-detail = The server failed to handle the request. Quote the tracking id to your administrator.
error-method-not-allowed = Method not allowed
error-method-not-allowed-detail = This path does not take this method; the API document at /v1/openapi.json lists what it takes.
error-too-large = Request body too large
error-too-large-detail = Request bodies are limited to { $bytes } bytes.
error-uri-too-long = URI too long
error-uri-too-long-detail = URLs are limited to { $bytes } bytes.
conflict-own-account = You cannot disable your own account or change your own role.
conflict-last-admin = The last enabled Administrator cannot be disabled, demoted or deleted.
conflict-delete-self = You cannot delete your own account.

## Subscription e-mail (CUS-7) and outbox
email-title = Send subscription e-mail
email-confirm = Send the connection details of these systems to each customer's contact address? The service password is never included.
email-none = no e-mail address
email-queued = { $count } e-mail(s) queued.
email-skipped = Not sent (no contact address):
email-language = Language of the e-mail
mail-subscription-subject = Patchbay connection details for { $name }
mail-subscription-body =
    Hello,

    These are the connection details of { $name }'s phone system for the Patchbay operations hub.

    Hub address: { $address }
    Customer ID: { $customerId }
    Service user name: { $serviceUser }
    Hub certificate SHA-256 fingerprint: { $fingerprint }

    The service password is not sent by e-mail; your provider gives it to you separately.

    To connect the system, install patchbay-agent on it and run:

    { $command }

    The connection is outbound only; no inbound access to your network is needed.
outbox-title = Outbox
outbox-smtp = Mail is delivered through the configured SMTP relay.
outbox-kept = No SMTP relay is configured: mail is kept here.
outbox-when = Created
outbox-to = To
outbox-subject = Subject
outbox-status = Status
menu-outbox = Outbox
rule-dns-label = may contain only a-z, 0-9 and - (at most 63, not starting or ending with -).
rule-not-allowed = may not be changed.
conflict-provider-in-use = The distributor or reseller still has resellers or customers.
conflict-client-logging-off = Client logging is off (Preferences).
conflict-not-pending = This customer is not waiting for confirmation.
