# Patchbay messages (ro) — alarms. Missing messages fall back to English.
alarms-col-customer = Client
alarms-col-severity = Severitate
alarms-col-type = Tip
alarms-col-description = Descriere
alarms-severity-critical = Critică
alarms-severity-major = Majoră
alarms-severity-minor = Minoră
alarms-severity-warning = Avertisment
alarms-type-security = Securitate
alarms-ongoing = În desfășurare
alarms-clear-selected = Șterge selecția
dashboard-chart-severity = Alarme după severitate
dashboard-chart-type = Alarme după tip
dashboard-chart-versions = Versiuni software
