# Patchbay messages (en) — alarms (ALM-3 … ALM-6) and the dashboard (DSH-1). Missing messages fall back to English.

## Alarm list (ALM-3)
alarms-summary = Alarm summary
alarms-summary-all = All alarms
alarms-col-customer = Customer
alarms-col-system = System name
alarms-col-severity = Severity
alarms-col-type = Type
alarms-col-last = Last occurrence
alarms-col-occurrences = Occurrences
alarms-col-description = Description
alarms-severity-critical = Critical
alarms-severity-major = Major
alarms-severity-minor = Minor
alarms-severity-warning = Warning
alarms-type-configuration = Configuration
alarms-type-trunk = Trunk
alarms-type-link = Link
alarms-type-services = Services
alarms-type-qos = QoS
alarms-type-security = Security
alarms-ongoing = Ongoing
alarms-ongoing-yes = Ongoing only
alarms-ongoing-no = Not ongoing
alarms-ongoing-badge = ongoing
alarms-ongoing-locked = Ongoing alarms cannot be selected or cleared.

## Clearing (ALM-4, ALM-5)
alarms-clear-selected = Clear selected
alarms-clear-type-label = Alarm type
alarms-clear-type = Clear all of type
alarms-clear-title = Clear alarms
alarms-clear-confirm = Clear these alarms? They disappear from the list; a repeat raises them again.
alarms-clear-type-title = Clear all alarms of one type
alarms-clear-type-confirm = Clear every { $type } alarm of all the customers you see? Alarms to clear: { $count }.
alarms-clear-type-ongoing = Ongoing alarms of this type stay: { $count }.
alarms-clear-type-nothing = There is nothing to clear.
alarms-cleared = Alarms cleared: { $count }.
alarms-cleared-type = { $type } alarms cleared: { $count }. Ongoing ones stay.
conflict-alarm-ongoing = An ongoing alarm cannot be cleared. Nothing was cleared.

## Dashboard (DSH-1, OPR-5)
dashboard-chart-connectivity = Customers by connectivity
dashboard-chart-severity = Alarms by severity
dashboard-chart-type = Alarms by type
dashboard-chart-tags = Tags
dashboard-chart-versions = Software versions
dashboard-light-green = Connected
dashboard-light-amber = Needs attention
dashboard-light-red = Not connected
dashboard-chart-none = Nothing to show.
dashboard-chart-all-hidden = Every series of this chart is hidden.
dashboard-series-hide = Hide { $series } in this chart
dashboard-series-show = Show { $series } in this chart
dashboard-open-list = Open the list of { $series }
dashboard-customers-total = Customers: { $count }
dashboard-chart-total = Total
dashboard-updated = Updated at { $time }
alarms-none = No alarms: every system is quiet.
