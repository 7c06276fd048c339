# Patchbay messages (fr) — alarmes (ALM-3 … ALM-6) et tableau de bord (DSH-1). Missing messages fall back to English.

## Alarm list (ALM-3)
alarms-summary = Résumé des alarmes
alarms-summary-all = Toutes les alarmes
alarms-col-customer = Client
alarms-col-system = Nom du système
alarms-col-severity = Gravité
alarms-col-type = Type
alarms-col-last = Dernière occurrence
alarms-col-occurrences = Occurrences
alarms-col-description = Description
alarms-severity-critical = Critique
alarms-severity-major = Majeure
alarms-severity-minor = Mineure
alarms-severity-warning = Avertissement
alarms-type-configuration = Configuration
alarms-type-trunk = Trunk
alarms-type-link = Liaison
alarms-type-services = Services
alarms-type-qos = QoS
alarms-type-security = Sécurité
alarms-ongoing = En cours
alarms-ongoing-yes = En cours uniquement
alarms-ongoing-no = Terminées
alarms-ongoing-badge = en cours
alarms-ongoing-locked = Les alarmes en cours ne peuvent être ni sélectionnées ni effacées.

## Clearing (ALM-4, ALM-5)
alarms-clear-selected = Effacer la sélection
alarms-clear-type-label = Type d'alarme
alarms-clear-type = Effacer tout ce type
alarms-clear-title = Effacer des alarmes
alarms-clear-confirm = Effacer ces alarmes ? Elles disparaissent de la liste ; une répétition les fait réapparaître.
alarms-clear-type-title = Effacer toutes les alarmes d'un type
alarms-clear-type-confirm = Effacer toutes les alarmes { $type } de tous les clients que vous voyez ? Alarmes à effacer : { $count }.
alarms-clear-type-ongoing = Les alarmes en cours de ce type restent : { $count }.
alarms-clear-type-nothing = Il n'y a rien à effacer.
alarms-cleared = Alarmes effacées : { $count }.
alarms-cleared-type = Alarmes { $type } effacées : { $count }. Les alarmes en cours restent.
conflict-alarm-ongoing = Une alarme en cours ne peut pas être effacée. Rien n'a été effacé.

## Dashboard (DSH-1, OPR-5)
dashboard-chart-connectivity = Clients par connectivité
dashboard-chart-severity = Alarmes par gravité
dashboard-chart-type = Alarmes par type
dashboard-chart-tags = Étiquettes
dashboard-chart-versions = Versions logicielles
dashboard-light-green = Connecté
dashboard-light-amber = À surveiller
dashboard-light-red = Non connecté
dashboard-chart-none = Rien à afficher.
dashboard-chart-all-hidden = Toutes les séries de ce graphique sont masquées.
dashboard-series-hide = Masquer { $series } dans ce graphique
dashboard-series-show = Afficher { $series } dans ce graphique
dashboard-open-list = Ouvrir la liste : { $series }
dashboard-customers-total = Clients : { $count }
dashboard-chart-total = Total
dashboard-updated = Mis à jour à { $time }
alarms-none = Aucune alarme : tous les systèmes sont calmes.
