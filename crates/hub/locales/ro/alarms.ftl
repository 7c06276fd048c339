# Patchbay messages (ro) — alarms (ALM-3 … ALM-6) and the dashboard (DSH-1). Missing messages fall back to English.

## Lista alarmelor (ALM-3)
alarms-summary = Rezumatul alarmelor
alarms-summary-all = Toate alarmele
alarms-col-customer = Client
alarms-col-system = Nume sistem
alarms-col-severity = Severitate
alarms-col-type = Tip
alarms-col-last = Ultima apariție
alarms-col-occurrences = Apariții
alarms-col-description = Descriere
alarms-severity-critical = Critică
alarms-severity-major = Majoră
alarms-severity-minor = Minoră
alarms-severity-warning = Avertisment
alarms-type-configuration = Configurare
alarms-type-trunk = Trunk
alarms-type-link = Legătură
alarms-type-services = Servicii
alarms-type-qos = QoS
alarms-type-security = Securitate
alarms-ongoing = În desfășurare
alarms-ongoing-yes = Doar în desfășurare
alarms-ongoing-no = Încheiate
alarms-ongoing-badge = în desfășurare
alarms-ongoing-locked = Alarmele în desfășurare nu pot fi selectate sau șterse.

## Ștergere (ALM-4, ALM-5)
alarms-clear-selected = Șterge selecția
alarms-clear-type-label = Tip de alarmă
alarms-clear-type = Șterge toate alarmele de acest tip
alarms-clear-title = Ștergere alarme
alarms-clear-confirm = Ștergeți aceste alarme? Ele dispar din listă; dacă se repetă, apar din nou.
alarms-clear-type-title = Ștergerea tuturor alarmelor de un anumit tip
alarms-clear-type-confirm = Ștergeți toate alarmele de tip { $type } ale tuturor clienților pe care îi vedeți? Alarme de șters: { $count }.
alarms-clear-type-ongoing = Alarme în desfășurare de acest tip, care rămân: { $count }.
alarms-clear-type-nothing = Nu există nimic de șters.
alarms-cleared = Alarme șterse: { $count }.
alarms-cleared-type = Alarme { $type } șterse: { $count }. Cele în desfășurare rămân.
conflict-alarm-ongoing = O alarmă în desfășurare nu poate fi ștearsă. Nu s-a șters nimic.

## Tablou de bord (DSH-1, OPR-5)
dashboard-chart-connectivity = Clienți după conectivitate
dashboard-chart-severity = Alarme după severitate
dashboard-chart-type = Alarme după tip
dashboard-chart-tags = Etichete
dashboard-chart-versions = Versiuni software
dashboard-light-green = Conectat
dashboard-light-amber = Necesită atenție
dashboard-light-red = Neconectat
dashboard-chart-none = Nimic de afișat.
dashboard-chart-all-hidden = Toate seriile acestui grafic sunt ascunse.
dashboard-series-hide = Ascunde { $series } în acest grafic
dashboard-series-show = Afișează { $series } în acest grafic
dashboard-open-list = Deschide lista pentru { $series }
dashboard-customers-total = Clienți: { $count }
dashboard-chart-total = Total
dashboard-updated = Actualizat la { $time }
alarms-none = Nicio alarmă: toate sistemele funcționează normal.
