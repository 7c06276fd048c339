# Patchbay messages (en) — calling provisioning console (SPEC §15, RBAC-5).
calling-menu = Calling
calling-menu-devices = Devices
calling-menu-people = People
calling-menu-workspaces = Workspaces
calling-menu-locations = Locations
calling-menu-numbers = Numbers
calling-back-home = Back to the devices
calling-org = Organisation
calling-org-switch = Switch
calling-org-more = More organisations…
calling-pick-title = Choose an organisation
calling-pick-intro = Calling provisioning works on one customer organisation at a time. Choose one.
calling-pick-none = No customer organisation is available to you.
calling-pick-more = More organisations match; refine the search.
calling-none = None
calling-next = Next
calling-back = Back
calling-copy = Copy
calling-full = full
calling-search-more = More entries match; refine the search.

# Columns and fields
calling-col-name = Name
calling-col-owner = Owner
calling-col-model = Model
calling-col-mac = MAC address
calling-col-sipUserName = SIP user name
calling-col-status = Status
calling-col-created = Created
calling-col-devices = Devices
calling-col-port = Port
calling-col-member = Person or workspace
calling-col-lineType = Line
calling-col-state = State
calling-col-assignedTo = Assigned to
calling-field-email = E-mail
calling-field-firstName = First name
calling-field-lastName = Last name
calling-field-displayName = Display name
calling-field-licence = Calling licence
calling-field-location = Location
calling-field-extension = Extension
calling-field-phoneNumber = Phone number
calling-field-workspaceName = Workspace name
calling-field-roomType = Room type
calling-field-capacity = Capacity
calling-field-kind = Device kind
calling-field-vendor = Vendor
calling-field-deviceType = Device type
calling-field-sipPassword = SIP password
calling-field-linePort = Line / port
calling-field-outboundProxy = Outbound proxy
calling-field-registrar = Registrar domain
calling-field-timeZone = Time zone
calling-field-preferredLanguage = Preferred language
calling-field-announcementLanguage = Announcement language
calling-field-address1 = Address line 1
calling-field-address2 = Address line 2
calling-field-city = City
calling-field-state = State / region
calling-field-postalCode = Postal code
calling-field-country = Country
calling-field-numberType = Number type
calling-field-assigned = Assignment
calling-address = Address
calling-country-hint = Two-letter ISO 3166 code, for example FR, GB, US.
calling-display-name-hint = Left empty, the first and last name are used.

# Licences
calling-licences = Calling licences
calling-licence-total = Total
calling-licence-consumed = Assigned
calling-licence-professional = Professional
calling-licence-basic = Basic
calling-licence-workspaces = Workspaces (common area)
calling-licence-none = No calling licence
calling-wlicence-professional = Professional (up to 5 devices)
calling-wlicence-commonArea = Common area (1 device)
calling-wlicence-hint = A professional workspace holds up to 5 devices; a common-area workspace exactly one.

# Devices
calling-device-add = Add device
calling-device-add-another = Add another device
calling-devices-search = Search by owner, model or MAC
calling-device-created = The device was added.
calling-device-deleted = The device was deleted. Remove its SIP registration data from the physical device.
calling-device-delete-title = Delete device
calling-device-delete-confirm = The device and its lines are deleted. Remove the SIP registration data (user name, password, registrar) from the physical device, otherwise it keeps trying to register.
calling-no-devices = No device yet.
calling-kind-customer = Customer-managed device
calling-kind-customer-hint = a third-party SIP phone, adapter or gateway you configure yourself; includes the Generic SIP phone and Generic SIP gateway profiles for any SIP-TLS 1.2 device
calling-kind-partner = Partner-managed device
calling-kind-partner-hint = a device type from the provider's approved list; you supply its SIP password
calling-kind-fax = Fax service
calling-kind-fax-hint = a fax line; its MAC address is generated
calling-vendor-any = Any vendor
calling-model-hint = Choose the vendor, then the model. Generic SIP phone and Generic SIP gateway fit any SIP-TLS 1.2 device.
calling-ports = { $ports } ports
calling-mac-hint = 12 hexadecimal digits, with or without separators (00:1A:2B:3C:4D:5E, 001A.2B3C.4D5E, 001A2B3C4D5E).
calling-mac-generated = generated
calling-fax-hint = The fax service gets a generated placeholder MAC address; it cannot be changed.
calling-sip-password-hint = At least 16 characters with upper- and lower-case letters, digits and one of * _ - + =, no character three times in a row.
calling-disclaimer = I confirm that the customer owns these SIP credentials and is liable for any toll fraud committed with them.
calling-step-usage = Usage
calling-step-device = Device
calling-step-credentials = Credentials
calling-usage-personal = Personal usage
calling-usage-personal-hint = the device belongs to one person
calling-usage-shared = Shared usage
calling-usage-shared-existing = Shared usage, existing workspace
calling-usage-shared-existing-hint = a room or area that already exists
calling-usage-shared-new = Shared usage, new workspace
calling-usage-shared-new-hint = the workspace is created with the device
calling-usage-person = person
calling-usage-workspace = workspace
calling-person-search = Search by name or e-mail
calling-workspace-new = new workspace
calling-workspace-change = Change the workspace
calling-owner-change = Choose another owner
calling-owner-gone = The chosen person or workspace no longer exists in this organisation.
calling-workspace-full = This workspace has reached its device limit.
calling-workspace-no-licence = This workspace has no calling licence, so it cannot have devices.
calling-credentials-title = SIP credentials of the new device
calling-credentials-once = The password is shown only on this page. Copy it or download the CSV now: afterwards it is masked and can only be reset.
calling-credentials-csv = Download CSV
calling-credentials-csv-hint = The file is made from this page; the hub does not keep the password in clear.
calling-credentials-done = Go to the device
calling-password-masked = The SIP password is shown only once, when the device is added or its password reset.
calling-password-reset = Reset SIP password
calling-password-update = Update password
calling-password-reset-confirm = A new SIP password replaces the current one. The physical device must then be configured with it, or it stops registering.
calling-password-partner-hint = Leave empty to generate a password, or type the one the partner-managed device uses.
calling-password-new-title = New SIP password
calling-password-changed = The SIP password was replaced.
calling-status-connected = Registered
calling-status-disconnected = Offline
calling-status-activating = Activating
calling-status-offline_expired = Activation code expired
calling-status-connected_with_issues = Registered with issues
calling-status-unknown = Unknown

# Lines (DEV-6)
calling-lines-title = Lines
calling-lines-configure = Configure lines
calling-lines-ports = The model has { $ports } ports.
calling-lines-used = { $used } ports used
calling-lines-shared-note = Shared lines reuse the first line's SIP user name, password and outbound proxy.
calling-lines-add-title = Add a shared line
calling-line-add = Add
calling-line-added = The line was added.
calling-line-remove = Remove
calling-lines-remove-all = Remove all shared lines
calling-lines-removed = The lines were removed. Remove their SIP data from the physical device too.
calling-lines-full = Every port of this model is in use: no line can be added.
calling-lines-not-configurable = Lines can be configured on customer-managed devices with more than one port only.
calling-lines-member-invalid = That person or workspace cannot be added to this device.
calling-lines-member-taken = That person or workspace already has a line on this device.
calling-line-primary = Primary (owner)
calling-line-shared = Shared line
calling-members-search = Search people and workspaces

# People
calling-person-add = Add person
calling-person-edit = Edit person
calling-person-created = The person was added.
calling-person-updated = The person was updated.
calling-person-deleted = The person was deleted.
calling-person-delete-title = Delete person
calling-person-delete-confirm = The person is deleted with their { $count } device(s); their licence, extension and number become free.

# Workspaces
calling-workspace-add = Add workspace
calling-workspace-edit = Edit workspace
calling-workspace-created = The workspace was added.
calling-workspace-updated = The workspace was updated.
calling-workspace-deleted = The workspace was deleted.
calling-workspace-delete-title = Delete workspace
calling-workspace-delete-confirm = The workspace is deleted with its { $count } device(s); its licence, extension and number become free.
calling-workspace-name-hint = At most 30 characters, none of % # < > / \ ".
calling-room-notSet = Not set
calling-room-focus = Focus room
calling-room-huddle = Huddle room
calling-room-meetingRoom = Meeting room
calling-room-open = Open area
calling-room-desk = Desk
calling-room-other = Other

# Locations
calling-location-add = Add location
calling-location-edit = Edit location
calling-location-created = The location was added.
calling-location-updated = The location was updated.
calling-location-deleted = The location was deleted.
calling-location-delete-title = Delete location
calling-location-delete-confirm = The location and its unassigned numbers are deleted. A location that people or workspaces use cannot be deleted.
calling-no-locations = No location yet.
calling-language-en_us = English (United States)
calling-language-en_gb = English (United Kingdom)
calling-language-fr_fr = French (France)
calling-language-fr_ca = French (Canada)
calling-language-ro_ro = Romanian
calling-language-ko_kr = Korean
calling-language-uk_ua = Ukrainian
calling-language-de_de = German
calling-language-es_es = Spanish
calling-language-it_it = Italian
calling-language-nl_nl = Dutch
calling-language-pt_br = Portuguese (Brazil)

# Numbers (NUM-1)
calling-numbers-add = Add numbers
calling-numbers-added = The numbers were added.
calling-numbers-removed = The numbers were removed.
calling-numbers-remove = Remove selected
calling-numbers-remove-title = Remove numbers
calling-numbers-remove-confirm = These unassigned numbers are removed from their location.
calling-numbers-list = Numbers
calling-numbers-hint = E.164 numbers (+ and country code), separated by commas or new lines. Either all are added or none.
calling-numbers-invalid = These are not E.164 numbers, nothing was added: { $numbers }
calling-numbers-taken = At least one of these numbers already exists on the platform; nothing was added.
calling-number-fixed = Fixed
calling-number-mobile = mobile
calling-number-tollfree = Toll-free
calling-number-active = Active
calling-number-inactive = Inactive
calling-number-hint = Only unassigned numbers of the chosen location can be given.
calling-assigned-yes = Assigned
calling-assigned-no = Unassigned

# Field rules
calling-rule-mac = is not a MAC address: 12 hexadecimal digits, not broadcast or multicast.
calling-rule-mac-taken = is already used by another device.
calling-rule-sip-password = must be at least 16 characters with upper- and lower-case letters, digits and one of * _ - + =, no character three times in a row, not containing the SIP user name.
calling-rule-disclaimer = must be ticked: the customer owns the credentials and is liable for toll fraud.
calling-rule-workspace-name = may not contain % # < > / \ ".
calling-rule-extension = must be 2 to 10 digits.
calling-rule-extension-taken = is already used in this location.
calling-rule-number = must be an E.164 number (+ and country code).
calling-rule-number-taken = is not a free number of the chosen location.
calling-rule-location-needed = is required for an extension or a phone number.
calling-rule-time-zone = is not a known time zone (for example Europe/Paris).
calling-rule-country = must be a two-letter ISO 3166 code.

# Conflicts (also used by the API's error localisation)
conflict-licence-professional = No Professional calling licence is left: every unit is assigned. Ask your provider for more, or free one.
conflict-licence-basic = No Basic calling licence is left: every unit is assigned. Ask your provider for more, or free one.
conflict-licence-workspaces = No Workspaces calling licence is left: every unit is assigned. Ask your provider for more, or free one.
conflict-location-in-use = The location is still used by people or workspaces; move or delete them first.
conflict-number-in-use = The number is assigned to a person or workspace; unassign it first.
conflict-workspace-device-limit = The workspace has as many devices as its calling licence allows (professional: 5, common area: 1).
conflict-workspace-no-licence = The workspace has no calling licence, so it cannot have devices.
conflict-workspace-licence-devices = The workspace has more devices than that licence allows; remove devices first.
conflict-model-in-use = Devices still use this model; it cannot be removed.
calling-devices-none = No devices yet.
calling-numbers-none = No numbers yet: add the organisation's numbers to assign them.
calling-lines-no-candidates = No person or workspace is left to add to this device.
calling-people-none = No people yet.
calling-workspaces-none = No workspaces yet.
calling-locations-none = No locations yet: calling starts with one.

# SIP-3: registration of each line
calling-col-lineUser = SIP user
calling-col-registration = Registration
calling-reg-registered = Registered
calling-reg-not = Not registered
calling-col-lastRegistration = Last registration
calling-col-regExpires = Expires
calling-col-regSource = Source address
calling-col-userAgent = User agent
calling-reg-contacts = Contacts: { $n }

# PRV-2 / PRV-3: provisioning credentials and the last fetch
calling-field-provUser = Provisioning user
calling-field-provPassword = Provisioning password
calling-field-provisioned = Configuration file fetched
