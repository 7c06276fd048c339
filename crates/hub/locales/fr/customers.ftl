# Patchbay messages (fr) — customers. Missing messages fall back to English.
# Every id here starts with cus- or prov- so it never collides with another message file.

## Liste des clients (CUS-4, CUS-6)
cus-col-name = Nom
cus-col-systemName = Nom du système
cus-col-customerId = ID client
cus-col-profile = Profil
cus-col-version = Version
cus-col-alarms = Alarmes
cus-col-operators = Opérateurs affectés
cus-col-tags = Étiquettes
cus-col-notes = Notes
cus-col-status = Connectivité
cus-col-connectivity = Connectivité
cus-col-icons = Icônes d'état
cus-alarms-link = Afficher les alarmes de ce client
cus-icon-attention = Nécessite une intervention
cus-icon-action-inProgress = Une action est en cours : aucune autre ne peut démarrer
cus-icon-action-completed = La dernière action s'est terminée
cus-icon-action-failed = La dernière action a échoué
cus-operators-title = Affectés manuellement : { $logins }. Les comptes affectés par libellé figurent dans les détails.
cus-operators-none = Aucun compte affecté.
cus-created = Le client a été ajouté. Utilisez Tester la connexion une fois son système configuré.
cus-updated = Le client a été mis à jour.
cus-deleted = Les clients sélectionnés ont été supprimés.
cus-yes = Oui
cus-no = Non
cus-none = Aucun

## Filtre (CUS-6)
cus-filter-connectivity = Connectivité
cus-filter-status = État
cus-filter-tag = Étiquette
cus-filter-version = Version
cus-filter-profile = Profil
cus-filter-distributor = Distributeur
cus-filter-reseller = Revendeur
cus-filter-hasAlarms = Avec alarmes
cus-filter-hide = Masquer le filtre

## Feu de connectivité (SYS-2)
cus-light-green = Connecté
cus-light-amber = Nécessite une intervention
cus-light-red = Non connecté

## Messages de connectivité (SYS-3)
cus-status-authorisationFailed = Échec de l'autorisation
cus-status-connectionFailed = Échec de la connexion
cus-status-connectionSuccessful = Connexion réussie
cus-status-insufficientRights = Droits insuffisants
cus-status-invalidCredentials = Identifiants non valides
cus-status-legacy = Système ancien : surveillance uniquement, pas de services à distance
cus-status-tooManySessions = Trop de sessions simultanées
cus-status-newPasswordRequired = Nouveau mot de passe requis pour le compte de service
cus-status-noAuthorisationProvided = Aucune autorisation fournie (fonctions limitées)
cus-status-noUserRightsEnabled = Aucun droit utilisateur activé pour ce système
cus-status-remoteOperationsNotAllowed = Opérations à distance non autorisées
cus-status-readRightsNotEnabled = Droits de lecture pour la surveillance du service non activés
cus-status-disabledByAdministrator = Compte de service désactivé par l'administrateur
cus-status-temporarilyLocked = Compte de service temporairement verrouillé
cus-status-pendingConfirmation = Inscrit automatiquement : en attente de confirmation
cus-status-currentlyDisabled = Compte de service actuellement désactivé
cus-status-passwordExpired = Mot de passe de service expiré
cus-status-unreachableNotPrimary = Système injoignable ou primaire non valide
cus-status-unreachableSince = Système injoignable ou hors ligne depuis { $duration }
cus-status-upgradeRightsNotEnabled = Droits de mise à niveau non activés
cus-status-waitingForInitialConnection = En attente de la connexion initiale

## Détails (CUS-5)
cus-close = Fermer
cus-details-entry = Fiche client
cus-field-address = Adresse
cus-last-seen = Dernière connexion
cus-service-disabled = compte de service désactivé
cus-assigned = Comptes affectés
cus-assigned-manual = affecté manuellement
cus-assigned-label = affecté par libellé
cus-systems = Systèmes et serveurs
cus-no-systems = Aucun système ne s'est encore connecté.
cus-no-servers = Le système n'a pas encore signalé ses serveurs.
cus-system-connected = Connecté
cus-system-disconnected = Non connecté
cus-server-name = Serveur
cus-server-role = Rôle
cus-server-state = État
cus-server-role-primary = Primaire
cus-server-role-secondary = Secondaire
cus-server-role-expansion = Extension
cus-server-role-application = Serveur d'applications
cus-server-state-online = En ligne
cus-server-state-offline = Hors ligne
cus-certificate = Certificat du système (émis par ce hub)
cus-certificate-serial = Numéro de série
cus-certificate-names = Couvre
cus-certificate-expires = Expire le
cus-certificate-failure = Échec du dernier renouvellement
cus-flags = Opérations à distance
cus-flag-centralManagement = Gestion centralisée
cus-flag-centralDiagnosticLogs = Journaux de diagnostic centralisés
cus-flag-remoteUpgradeBackup = Mise à niveau et sauvegarde à distance
cus-flag-remoteAccess = Accès à distance
cus-flag-colocatedServers = Serveurs colocalisés
cus-flag-autoCertificateManagement = Gestion automatique des certificats
cus-flag-phoneAutoProvisioning = Provisionnement automatique des téléphones

## Tester la connexion (CUS-2)
cus-test = Tester la connexion
cus-test-ok = Test de connexion réussi : le système est connecté et authentifié.
cus-test-failed = Échec du test de connexion : { $reason }
cus-test-after-save = Après l'enregistrement, ouvrez le client et utilisez Tester la connexion.

## Ajout / modification (CUS-1, CUS-2)
cus-add-title = Ajouter un client
cus-edit-title = Modifier le client
cus-field-name = Nom
cus-field-customerId = ID client
cus-customerId-hint = Utilisé dans les adresses d'assistance à distance : lettres minuscules, chiffres et traits d'union.
cus-customerId-locked = L'ID client ne peut pas être modifié (voir Préférences).
cus-service-account = Compte de service (utilisé par le système pour se connecter)
cus-field-serviceUserName = Nom d'utilisateur du service
cus-field-servicePassword = Mot de passe du service
cus-field-confirmServicePassword = Confirmer le mot de passe du service
cus-field-serviceDisabled = Compte de service désactivé
cus-field-distributor = Distributeur
cus-field-reseller = Revendeur
cus-reseller-hint = Le revendeur doit appartenir au distributeur choisi.
cus-tags-hint = 5 au plus, séparées par des virgules, p. ex. or, nord
cus-field-phone = Téléphone
cus-field-operators = Opérateurs affectés
cus-operators-hint = Maintenez Ctrl (ou ⌘) pour en sélectionner plusieurs. Les comptes dont le libellé est le nom du distributeur ou du revendeur sont affectés automatiquement.
cus-operators-kept = Également affectés, conservés tels quels : { $logins }.
cus-rule-dns-label = doit être un libellé DNS : 1 à 63 lettres minuscules, chiffres ou traits d'union, sans trait d'union au début ni à la fin.
cus-rule-customer-id-fixed = ne peut pas être modifié : les préférences du serveur n'autorisent pas la modification de l'ID client.
cus-rule-operator-not-yours = comprend un compte que vous n'avez pas créé.
cus-rule-operator-invalid = comprend un compte qui ne peut pas être affecté.
cus-rule-reseller-mismatch = doit être un revendeur du distributeur choisi.
cus-rule-distributor-invalid = n'est pas un distributeur connu.
cus-rule-password-mismatch = ne correspond pas au mot de passe du service.
cus-rule-not-allowed = n'est pas autorisé.

## Suppression (CUS-2)
cus-delete-title = Supprimer des clients
cus-delete-confirm = Supprimer ces clients, leurs systèmes et leurs alarmes ? Cette action est irréversible.

## Fournisseurs (TEN-1)
prov-title = Distributeurs et revendeurs
prov-intro = Chaque client indique son distributeur et un revendeur de ce distributeur. Les comptes dont le libellé est égal au nom d'un distributeur ou d'un revendeur se voient affecter ses clients automatiquement.
prov-distributor = Distributeur
prov-reseller = Revendeur
prov-customers = Clients
prov-name = Nom
prov-empty = Aucun distributeur pour l'instant.
prov-add-distributor = Ajouter un distributeur
prov-add-reseller = Ajouter un revendeur
prov-added = Ajouté.
prov-deleted = Supprimé.
prov-distributor-in-use = Ce distributeur a encore des revendeurs ou des clients : déplacez-les ou supprimez-les d'abord.
prov-reseller-in-use = Ce revendeur a encore des clients : déplacez-les ou supprimez-les d'abord.
cus-list-none = Aucun client pour l’instant.

# Jobs (JOB-3, JOB-4, BKP-1, SYS-6): why a request on jobs is refused.
jobs-refused-immediate = Une tâche démarrée immédiatement ne peut être ni mise en pause, ni reprise, ni arrêtée.
jobs-refused-in-progress = Une tâche en cours ne peut pas être supprimée.
jobs-refused-not-scheduled = Seule une tâche planifiée qui n’a pas démarré peut être mise en pause.
jobs-refused-not-paused = Seule une tâche en pause peut être reprise.
jobs-refused-ended = La tâche est terminée : elle ne peut plus s’exécuter.
jobs-refused-no-system = Un client sélectionné n’a encore aucun système connu du hub.
jobs-refused-backup-disabled = La mise à niveau et la sauvegarde à distance sont désactivées sur un système sélectionné.
jobs-refused-logs-disabled = Les journaux de diagnostic centralisés sont désactivés sur un système sélectionné.
jobs-refused-busy = Une autre action est en cours sur un système sélectionné : une seule action par système à la fois.
jobs-refused-role = Votre rôle ne permet pas de modifier certaines des tâches sélectionnées.
prov-enrolment = Inscription
prov-enrolment-make = Créer l'identifiant d'inscription
prov-enrolment-rotate = Renouveler l'identifiant
prov-enrolment-made-on = Identifiant créé le { $date }
prov-enrolment-auto-on = Nouveaux systèmes confirmés automatiquement (désactiver)
prov-enrolment-auto-off = Nouveaux systèmes en attente de confirmation (confirmer automatiquement)
prov-enrolment-made = Identifiant d'inscription créé. Le précédent ne fonctionne plus.
prov-enrolment-once = Copiez cet identifiant maintenant : il n'est affiché qu'une fois. Donnez-le aux systèmes du fournisseur (patchbay-agent run --enrolment-file).
prov-enrolment-saved = Préférence d'inscription enregistrée.
cus-enrolment-pending = Ce client a été ajouté par un système qui s'est inscrit lui-même. Son système est refusé, sans aucune opération à distance, jusqu'à votre confirmation.
cus-enrolment-confirm = Confirmer le client
cus-enrolment-confirmed = Client confirmé : son système se connecte pleinement à sa prochaine tentative.
