# Mobile lines (WGO-1 … WGO-5)
rule-mobile-licence = needs a professional calling licence for a mobile line.
rule-mobile-country = must be in a location in one of the countries mobile lines are offered in: { $allowed }.
rule-mobile-subscription = has no subscription with a mobile line left; ask your provider for more.
conflict-mobile-activated = The mobile line is already activated: it needs no new code.
mail-activation-subject = { $name }, your mobile line activation code
mail-activation-body =
    Hello { $name },

    A mobile line has been set up for you. Activate it in your softphone with this code:

    { $code }

    The code can be used once and is valid until { $expires }.
    Activation address: { $url }

    If you did not expect this message, ignore it: the line stays inactive.
calling-menu-mobile = Mobile lines
mobile-subscriptions = Subscriptions carrying mobile lines
mobile-subscription = Subscription
mobile-total = Lines
mobile-consumed = Used
mobile-no-subscriptions = This organisation has no subscription carrying mobile lines. Its provider grants them on the customer's page.
mobile-countries = Mobile lines are offered to people whose location is in: { $countries }.
mobile-suppress-legend = E-mail to users
mobile-suppress-label = Suppress e-mail: show activation codes to the administrator instead of e-mailing them
mobile-save = Save
mobile-saved = Settings saved.
mobile-lines = Lines
mobile-person = Person
mobile-state = State
mobile-state-pending = Waiting for activation (code valid until { $date })
mobile-state-expired = Code expired
mobile-state-activated = Activated on { $date }
mobile-no-lines = No mobile lines yet.
mobile-add = Add mobile line
mobile-add-title = Add a mobile line for { $name }
mobile-prereq = A mobile line needs a professional calling licence and a location in one of these countries: { $countries }.
mobile-field-subscriptionId = Subscription
mobile-field-phoneNumber = Phone number
mobile-choose = Choose…
mobile-number-hint = { $name } has no phone number yet: choose one of the location's free numbers.
mobile-line = Mobile line
mobile-new-code = New activation code
mobile-code-title = Activation code for { $name }
mobile-code-mailed = The activation code was e-mailed to { $email }. It is valid until { $date }.
mobile-code-shown = Give this activation code to { $name }. It is shown only once and is valid until { $date }.
mobile-code-copy = Copy
mobile-code-email = E-mail
mobile-code-print = Print
mobile-code-instructions = In the softphone, choose "Activate with a code" and enter the code.
mobile-back = Back to { $name }
mobile-wizard-choice = Mobile line (activation code)
mobile-wizard-hint = For a phone the person already has: an activation code instead of a MAC address.
# Onboarding (ONB-1): invitations
accounts-invite = E-mail an invitation to set the password (instead of typing one)
accounts-invite-hint = The invitation link works once, for 7 days; the account needs an e-mail address.
accounts-invite-again = Send a new invitation
accounts-invited = The account was created and an invitation was e-mailed.
accounts-customer-hint = For a Customer administrator: the customer whose calling it manages.
invitation-title = Set your password
invitation-intro = Choose the password of your Patchbay account { $login }.
invitation-submit = Set password
invitation-invalid = This invitation link does not work any more: it was used, it expired, or a newer one was sent. Ask whoever invited you for a new one.
invitation-to-login = Go to sign-in
mail-invitation-subject = Your Patchbay account { $login }
mail-invitation-body =
    Hello,

    A Patchbay account was created for you. Your login name: { $login }

    Set your password with this link (it works once, until { $expires }):

    { $url }

    Then sign in with your login name and that password.
rule-below-consumed = is below the units already assigned: free some first, or keep a higher total.
licences-title = Calling licences
licences-saved = The licences were saved.
licences-new-mobile = Add a subscription carrying mobile lines
licences-invite-admin = Invite the customer's administrator
licences-manage = Manage calling licences
invitation-link-title = Invitation link
invitation-link-shown = No mail relay is configured: give this link to the owner of { $login }. It is shown only once, works once and for 7 days.
conflict-mobile-reset = A mobile line gets its password when it is activated: issue a new activation code instead.
conflict-mobile-changed = The person changed while the mobile line was being added: check the person and try again.
outbox-sensitive = Not shown: this mail holds a one-time link or code.
field-file = File
mobile-bulk-link = Add mobile lines in bulk (CSV)
bulk-title = Mobile lines in bulk
bulk-back = Back to mobile lines
bulk-step-template = Download the template: it has one column per subscription carrying mobile lines.
bulk-template = Download the CSV template
bulk-step-fill = Fill one row per person: their e-mail address as user name, type USER, device type WEBEX_CALLING, model Webex Go Device, no MAC address, and TRUE in the column of the subscription the line comes from. Extension, phone number and location, when filled, must be the person's; a person without a number gets the one in the row.
bulk-step-upload = Upload the file. Each row then succeeds or fails on its own, with its reason; a row is never half applied.
bulk-upload-title = Upload a file
bulk-email-codes = E-mail activation codes
bulk-email-hint = Each person gets their activation code and instructions by e-mail. Otherwise, or when the organisation suppresses e-mail, the codes are in the result file.
bulk-file = CSV file
bulk-file-hint = UTF-8 CSV, at most 32 MiB and 100,000 rows.
bulk-submit = Submit
bulk-imports = Latest imports
bulk-no-imports = No file has been imported yet.
bulk-created = Uploaded
bulk-status = Status
bulk-rows = Rows
bulk-added = Lines added
bulk-refused = Rows refused
bulk-status-queued = Waiting
bulk-status-running = In progress
bulk-status-done = Finished
bulk-status-failed = Stopped
bulk-error-stopped = The import stopped before the end of the file: the rows before have their outcome, the others were not applied. Upload the remaining rows again.
bulk-import-title = Mobile lines import
bulk-progress = { $done } of { $total } rows worked through
bulk-refreshing = This page refreshes itself every few seconds until the import is finished.
bulk-stop-refresh = Stop refreshing
bulk-reload = Show the progress now
bulk-results = Download the result file
bulk-codes-in-results = The activation codes were not e-mailed: they are in the result file. Keep it safe; each code works once.
bulk-refused-rows = Refused rows
bulk-no-refused = No row has been refused.
bulk-more-refused = Only the first 100 refused rows are shown: the result file has every row.
bulk-result-line = Line
bulk-result-user = User name
bulk-result-outcome = Outcome
bulk-result-reason = Reason
bulk-result-code = Activation code
bulk-outcome-added = Added
bulk-outcome-refused = Refused
bulk-reason-one-subscription = put TRUE in exactly one subscription column.
bulk-reason-differs = is not the person's ({ $value }).
bulk-reason-unknown-user = no person of this organisation has this e-mail address.
bulk-reason-has-line = the person already has a mobile line.
bulk-reason-gone = the person was deleted meanwhile.
bulk-reason-failed = the line could not be added; try this row again.
cst-problem-csv-empty = the file has no header row
cst-problem-csv-missing = the column { $value } is missing
cst-problem-csv-unknown = the column { $value } is not one of the template's
cst-problem-csv-duplicate = the column { $value } appears twice
cst-problem-csv-subscription = the organisation has no mobile subscription { $value }: download the template again
cst-problem-csv-no-subscription = no subscription column: download the template again
cst-problem-csv-unreadable = cannot be read as UTF-8 CSV at line { $value }
cst-problem-csv-no-rows = has no rows below its header
