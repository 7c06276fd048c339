# Messages de la console et de l'API Patchbay — français (complet).

## Connexion (OPR-3, OPR-4)
login-title = Connexion à Patchbay
login-submit = Se connecter
login-invalid = Nom de connexion ou mot de passe incorrect.
login-disabled = Ce compte est désactivé. Demandez à un administrateur de l'activer.
login-expired = Ce compte a expiré et est désormais désactivé. Demandez à un administrateur de l'activer.
login-blocked = Trop de tentatives infructueuses. Ce nom de connexion est bloqué pendant { $minutes } min.
login-form-expired = Le formulaire de connexion a expiré. Veuillez réessayer.
login-password-changed = Votre mot de passe a été modifié. Connectez-vous avec le nouveau mot de passe.
login-session-expired = Votre session a pris fin après une période d'inactivité.
login-account-disabled = Votre compte est désactivé.

## Première connexion
terms-title = Conditions d'utilisation
terms-text = Cette console donne accès aux systèmes téléphoniques des clients et à leurs identifiants. Utilisez-la uniquement pour les tâches que vous êtes autorisé à effectuer ; chaque action est enregistrée avec votre nom et votre adresse.
terms-licence = Patchbay est un logiciel open source fourni sous Apache License 2.0, sans garantie d'aucune sorte.
terms-accept = J'accepte
terms-decline = Refuser et se déconnecter
password-title = Modifier le mot de passe
password-forced = Vous devez choisir un nouveau mot de passe avant de continuer.
password-policy = De 9 à 31 caractères, avec au moins deux des types suivants : majuscules, minuscules, chiffres, caractères spéciaux. Les mots de passe précédents ne peuvent pas être réutilisés.
password-submit = Modifier le mot de passe
password-keep-blank = Laissez vide pour conserver le mot de passe actuel.
password-relogin = Après la modification, vous devrez vous reconnecter.

## Menu (DSH-2)
menu-label = Menu principal
skip-to-content = Aller au contenu
menu-dashboard = Tableau de bord
menu-views = Affichages
menu-customers = Clients
menu-alarms = Alarmes
menu-jobs = Tâches planifiées
menu-repository = Référentiel logiciel
menu-files = Gestion des fichiers
menu-applications = Applications
menu-admin-tools = Téléchargement des outils d'administration
menu-proxytunnel = Télécharger l'utilitaire ProxyTunnel
menu-appcentre = Centre d'application
menu-settings = Paramètres
menu-accounts = Gestion des comptes
menu-proxy-accounts = Comptes proxy de maintenance
menu-certificates = Certificats
menu-preferences = Préférences
menu-help = Aide
menu-about = À propos
menu-profile = Profil
menu-logout = Déconnexion
read-only-mode = Mode lecture seule : vous pouvez parcourir, filtrer et rechercher, ainsi que modifier votre propre profil.

## Pages
dashboard-empty-title = Rien à afficher pour le moment
dashboard-empty-text = Une fois les systèmes client connectés, le tableau de bord affiche les clients par état de connectivité, les alarmes par gravité et par type, les balises et les versions logicielles.
back-to-dashboard = Retour au tableau de bord
about-version = Version
about-build = Build
about-database = Base de données
about-started = En service depuis
help-intro = Le guide de l'utilisateur de Patchbay est fourni dans le dossier docs de l'installation. L'API est décrite par son document OpenAPI.
help-openapi = Référence de l'API (OpenAPI)
never = Jamais

## Comptes (OPR-8)
accounts-created = Le compte a été créé.
accounts-updated = Le compte a été mis à jour.
accounts-deleted = Les comptes sélectionnés ont été supprimés.
accounts-add-title = Ajouter un compte
accounts-edit-title = Modifier le compte
accounts-delete-title = Supprimer des comptes
accounts-delete-confirm = Supprimer ces comptes ? Cette action est irréversible.
labels-hint = séparés par des virgules, p. ex. north, reseller-a
timeout-default = Valeur par défaut du serveur
action-add = Ajouter
action-search = Rechercher
action-filter = Filtrer
action-apply = Appliquer
action-clear = Effacer
action-edit = Modifier
action-delete = Supprimer
action-select-all = Tout sélectionner
action-update = Mettre à jour
action-save = Enregistrer
action-cancel = Annuler
action-confirm = Confirmer
filter-any = Tous
filter-active = Filtre actif
list-total = Total : { $count }
accounts-none = Aucun compte pour l’instant.
list-empty = Aucune entrée correspondante.
outbox-none = Aucun e-mail n’a encore été envoyé.
pager-label = Pages
pager-prev = Précédent
pager-next = Suivant
pager-size = Éléments par page

## Rôles
role-administrator = Administrateur
role-support = Assistance
role-supervisor = Superviseur
role-operator = Opérateur
role-read-only = Lecture seule
role-customer-admin = Administrateur client

## Profil (OPR-7)
profile-summary = Vos paramètres
profile-name = Nom
profile-avatar = Avatar
profile-no-avatar = Aucun avatar pour le moment.
profile-upload = Charger

## Préférences (PRF)
preferences-saved = Préférences enregistrées.
security-unrestricted = Sans restriction
security-medium = Moyen (chaîne de confiance)
security-high = Élevé (chaîne de confiance et nom correspondant)
banner-html-hint = HTML de base uniquement : titres, paragraphes, gras, italique, souligné. Tout autre élément est supprimé.

## Noms des champs
field-loginName = Nom de connexion
field-password = Mot de passe
field-confirmPassword = Confirmation du mot de passe
field-oldPassword = Mot de passe actuel
field-newPassword = Nouveau mot de passe
field-language = Langue
field-role = Rôle
field-labels = Libellés
field-firstName = Prénom
field-lastName = Nom de famille
field-phoneNumber = Numéro de téléphone
field-mobile = Mobile
field-email = Adresse e-mail
field-sessionTimeoutMinutes = Délai d'expiration de la session (minutes)
field-kioskMode = Mode Panneau d'informations
field-readOnlyMode = Mode lecture seule
field-disabled = Compte désactivé
field-forcePasswordChange = Forcer un nouveau mot de passe à la prochaine connexion
field-expiryEnabled = Activer l'expiration du compte
field-expiresOn = Date d'expiration
field-customerId = Client
field-avatar = Avatar
field-passwordHistoryCount = Historique des mots de passe
field-securityLevel = Niveau de sécurité
field-logLevel = Niveau de journalisation côté serveur
field-systemName = Nom du système
field-logRetentionDays = Jours de conservation des journaux de diagnostic CPE
field-sessionRetentionDays = Jours de conservation des sessions d'assistance à distance
field-securityBanner = Bannière de sécurité
field-bannerEnabled = Afficher la bannière de sécurité sur la page de connexion
field-securityBanner-title = Titre de la bannière
field-securityBanner-description = Texte de la bannière
field-clientLogging = Journalisation du client
field-allowDowngrades = Autoriser la mise à niveau inférieure
field-allowCustomerIdChange = Autoriser la modification de l'ID client d'un système
field-sortBy = Colonne de tri
field-sortOrder = Ordre de tri

## Règles de validation
rule-required = est obligatoire.
rule-max-length = doit comporter au maximum { $max } caractères.
rule-length-between = doit comporter entre { $min } et { $max } caractères.
rule-combined-max-length = avec le prénom, ne doit pas dépasser { $max } caractères au total, espaces comprises.
rule-digits = doit contenir uniquement des chiffres, { $max } au maximum.
rule-email = doit être une adresse e-mail.
rule-one-of = doit être l'une des valeurs suivantes : { $allowed }.
rule-step-range = doit être une valeur comprise entre { $min } et { $max }, par incréments de { $step }.
rule-range = doit être une valeur comprise entre { $min } et { $max }.
rule-login-chars = ne peut contenir que des lettres, des chiffres et les caractères . _ - @ (sans espaces).
rule-taken = cette valeur est déjà utilisée.
rule-password-classes = doit contenir au moins deux des types de caractères suivants : majuscules, minuscules, chiffres, caractères spéciaux.
rule-password-reused = doit être différent de vos { $count } derniers mots de passe.
rule-password-mismatch = ne correspond pas au nouveau mot de passe.
rule-password-wrong = ne correspond pas à votre mot de passe actuel.
rule-not-for-role = n'est pas disponible pour le rôle { $role }.
rule-date-in-past = doit être une date future (ou désactivez le compte).
rule-date = doit être une date (AAAA-MM-JJ).
rule-image-type = doit être une image PNG, JPEG ou GIF.
rule-image-too-large = ne doit pas dépasser { $max } KiB.
rule-label-not-assigned = { $label } ne fait pas partie de vos propres libellés.
rule-too-many = ne peut pas comporter plus de { $max } entrées.
rule-invalid = n'est pas valide.
rule-control-characters = ne doit pas contenir de caractères de contrôle (NUL, séquences d’échappement, sauts de ligne).
rule-unknown = n’est pas accepté ici (acceptés : { $allowed }).
rule-unsupported = est une option Webex que Patchbay ne prend pas en charge.

## Erreurs
error-validation = Certains champs ne sont pas valides.
error-conflict = La requête est en conflit avec l'état actuel.
error-rate-limited = Trop de tentatives.
error-retry-after = Réessayez dans { $seconds } s.
error-unauthorized = Authentification requise.
error-unauthorized-detail = Connectez-vous ou envoyez un jeton d'accès (bearer token) valide.
error-forbidden = Accès refusé
error-forbidden-detail = Votre rôle ne permet pas d'accéder à cette page ou d'effectuer cette opération.
error-not-found = Introuvable
error-not-found-detail = La page ou la ressource n'existe pas, ou vous n'êtes pas autorisé à la consulter.
error-malformed = La requête n'a pas pu être lue.
error-internal = Erreur interne
error-internal-detail = Le serveur n'a pas pu traiter la requête. Communiquez l'identifiant de suivi à votre administrateur.
error-method-not-allowed = Méthode non autorisée
error-method-not-allowed-detail = Ce chemin n’accepte pas cette méthode ; le document /v1/openapi.json indique ce qu’il accepte.
error-too-large = Corps de requête trop volumineux
error-too-large-detail = Le corps d’une requête est limité à { $bytes } octets.
error-uri-too-long = URI trop longue
error-uri-too-long-detail = Les URL sont limitées à { $bytes } octets.
conflict-own-account = Vous ne pouvez pas désactiver votre propre compte ni modifier votre propre rôle.
conflict-last-admin = Le dernier Administrateur actif ne peut pas être désactivé, rétrogradé ou supprimé.
conflict-delete-self = Vous ne pouvez pas supprimer votre propre compte.

## E-mail d'abonnement (CUS-7) et boîte d'envoi
email-title = Envoyer l'e-mail d'abonnement
email-confirm = Envoyer les informations de connexion de ces systèmes à l'adresse de contact de chaque client ? Le mot de passe de service n'est jamais inclus.
email-none = aucune adresse e-mail
email-queued = { $count } e-mail(s) en file d'attente.
email-skipped = Non envoyé (aucune adresse de contact) :
email-language = Langue de l’e-mail
mail-subscription-subject = Paramètres de connexion Patchbay pour { $name }
mail-subscription-body =
    Bonjour,

    Voici les paramètres de connexion du système téléphonique de { $name } au hub d’exploitation Patchbay.

    Adresse du hub : { $address }
    ID client : { $customerId }
    Nom de l’utilisateur de service : { $serviceUser }
    Empreinte SHA-256 du certificat du hub : { $fingerprint }

    Le mot de passe de service n’est pas envoyé par e-mail ; votre fournisseur vous le communique séparément.

    Pour connecter le système, installez patchbay-agent sur celui-ci et exécutez :

    { $command }

    La connexion est uniquement sortante ; aucun accès entrant à votre réseau n’est nécessaire.
outbox-title = Boîte d'envoi
outbox-smtp = Les e-mails sont remis par le relais SMTP configuré.
outbox-kept = Aucun relais SMTP n'est configuré : les e-mails sont conservés ici.
outbox-when = Créé le
outbox-to = Destinataire
outbox-subject = Objet
outbox-status = État
menu-outbox = Boîte d'envoi
rule-dns-label = ne peut contenir que a-z, 0-9 et - (63 au plus, sans - au début ni à la fin).
rule-not-allowed = ne peut pas être modifié.
conflict-provider-in-use = Le distributeur ou le revendeur a encore des revendeurs ou des clients.
conflict-client-logging-off = La journalisation client est désactivée (Préférences).
conflict-not-pending = Ce client n'attend pas de confirmation.
