# Lignes mobiles (WGO-1 … WGO-5)
rule-mobile-licence = nécessite une licence d’appel professionnelle pour une ligne mobile.
rule-mobile-country = doit se trouver dans un site situé dans l’un des pays où les lignes mobiles sont proposées : { $allowed }.
rule-mobile-subscription = n’a plus d’abonnement avec une ligne mobile disponible ; demandez-en davantage à votre fournisseur.
conflict-mobile-activated = La ligne mobile est déjà activée : elle n’a pas besoin d’un nouveau code.
mail-activation-subject = { $name }, votre code d’activation de ligne mobile
mail-activation-body =
    Bonjour { $name },

    Une ligne mobile a été créée pour vous. Activez-la dans votre softphone avec ce code :

    { $code }

    Le code est utilisable une seule fois et valable jusqu’au { $expires }.
    Adresse d’activation : { $url }

    Si vous n’attendiez pas ce message, ignorez-le : la ligne reste inactive.
calling-menu-mobile = Lignes mobiles
mobile-subscriptions = Abonnements incluant des lignes mobiles
mobile-subscription = Abonnement
mobile-total = Lignes
mobile-consumed = Utilisées
mobile-no-subscriptions = Cette organisation n’a aucun abonnement incluant des lignes mobiles. Son fournisseur les attribue sur la page du client.
mobile-countries = Les lignes mobiles sont proposées aux personnes dont le site se trouve en : { $countries }.
mobile-suppress-legend = E-mails aux utilisateurs
mobile-suppress-label = Supprimer les e-mails : afficher les codes d’activation à l’administrateur au lieu de les envoyer
mobile-save = Enregistrer
mobile-saved = Paramètres enregistrés.
mobile-lines = Lignes
mobile-person = Personne
mobile-state = État
mobile-state-pending = En attente d’activation (code valable jusqu’au { $date })
mobile-state-expired = Code expiré
mobile-state-activated = Activée le { $date }
mobile-no-lines = Aucune ligne mobile pour l’instant.
mobile-add = Ajouter une ligne mobile
mobile-add-title = Ajouter une ligne mobile pour { $name }
mobile-prereq = Une ligne mobile nécessite une licence d’appel professionnelle et un site dans l’un de ces pays : { $countries }.
mobile-field-subscriptionId = Abonnement
mobile-field-phoneNumber = Numéro de téléphone
mobile-choose = Choisir…
mobile-number-hint = { $name } n’a pas encore de numéro : choisissez l’un des numéros libres du site.
mobile-line = Ligne mobile
mobile-new-code = Nouveau code d’activation
mobile-code-title = Code d’activation pour { $name }
mobile-code-mailed = Le code d’activation a été envoyé par e-mail à { $email }. Il est valable jusqu’au { $date }.
mobile-code-shown = Remettez ce code d’activation à { $name }. Il n’est affiché qu’une fois et reste valable jusqu’au { $date }.
mobile-code-copy = Copier
mobile-code-email = Envoyer par e-mail
mobile-code-print = Imprimer
mobile-code-instructions = Dans le softphone, choisissez « Activer avec un code » et saisissez le code.
mobile-back = Retour à { $name }
mobile-wizard-choice = Ligne mobile (code d’activation)
mobile-wizard-hint = Pour un téléphone que la personne possède déjà : un code d’activation au lieu d’une adresse MAC.
# Intégration (ONB-1) : invitations
accounts-invite = Envoyer par e-mail une invitation à définir le mot de passe (au lieu de le saisir)
accounts-invite-hint = Le lien d’invitation fonctionne une fois, pendant 7 jours ; le compte doit avoir une adresse e-mail.
accounts-invite-again = Envoyer une nouvelle invitation
accounts-invited = Le compte a été créé et une invitation a été envoyée par e-mail.
accounts-customer-hint = Pour un administrateur client : le client dont il gère la téléphonie.
invitation-title = Définir votre mot de passe
invitation-intro = Choisissez le mot de passe de votre compte Patchbay { $login }.
invitation-submit = Définir le mot de passe
invitation-invalid = Ce lien d’invitation ne fonctionne plus : il a été utilisé, il a expiré ou un plus récent a été envoyé. Demandez-en un nouveau à la personne qui vous a invité.
invitation-to-login = Aller à la connexion
mail-invitation-subject = Votre compte Patchbay { $login }
mail-invitation-body =
    Bonjour,

    Un compte Patchbay a été créé pour vous. Votre identifiant : { $login }

    Définissez votre mot de passe avec ce lien (utilisable une fois, jusqu’au { $expires }) :

    { $url }

    Connectez-vous ensuite avec votre identifiant et ce mot de passe.
rule-below-consumed = est inférieur aux unités déjà attribuées : libérez-en d’abord, ou gardez un total plus élevé.
licences-title = Licences d’appel
licences-saved = Les licences ont été enregistrées.
licences-new-mobile = Ajouter un abonnement incluant des lignes mobiles
licences-invite-admin = Inviter l’administrateur du client
licences-manage = Gérer les licences d’appel
invitation-link-title = Lien d’invitation
invitation-link-shown = Aucun relais de messagerie n’est configuré : remettez ce lien au titulaire de { $login }. Il n’est affiché qu’une fois et fonctionne une fois, pendant 7 jours.
conflict-mobile-reset = Une ligne mobile reçoit son mot de passe à l’activation : émettez plutôt un nouveau code d’activation.
conflict-mobile-changed = La personne a été modifiée pendant l’ajout de la ligne mobile : vérifiez-la et réessayez.
outbox-sensitive = Non affiché : ce message contient un lien ou un code à usage unique.
field-file = Fichier
mobile-bulk-link = Ajouter des lignes mobiles en masse (CSV)
bulk-title = Lignes mobiles en masse
bulk-back = Retour aux lignes mobiles
bulk-step-template = Téléchargez le modèle : il comporte une colonne par abonnement incluant des lignes mobiles.
bulk-template = Télécharger le modèle CSV
bulk-step-fill = Remplissez une ligne par personne : son adresse e-mail comme nom d’utilisateur, le type USER, le type d’appareil WEBEX_CALLING, le modèle Webex Go Device, aucune adresse MAC, et TRUE dans la colonne de l’abonnement d’où vient la ligne. Le poste, le numéro et l’emplacement, s’ils sont remplis, doivent être ceux de la personne ; une personne sans numéro reçoit celui de la ligne.
bulk-step-upload = Envoyez le fichier. Chaque ligne réussit ou échoue ensuite séparément, avec sa raison ; une ligne n’est jamais appliquée à moitié.
bulk-upload-title = Envoyer un fichier
bulk-email-codes = Envoyer les codes d’activation par e-mail
bulk-email-hint = Chaque personne reçoit son code d’activation et les instructions par e-mail. Sinon, ou si l’organisation supprime les e-mails, les codes figurent dans le fichier de résultats.
bulk-file = Fichier CSV
bulk-file-hint = CSV en UTF-8, 32 Mio et 100 000 lignes au plus.
bulk-submit = Envoyer
bulk-imports = Derniers imports
bulk-no-imports = Aucun fichier n’a encore été importé.
bulk-created = Envoyé le
bulk-status = État
bulk-rows = Lignes du fichier
bulk-added = Lignes mobiles ajoutées
bulk-refused = Lignes refusées
bulk-status-queued = En attente
bulk-status-running = En cours
bulk-status-done = Terminé
bulk-status-failed = Arrêté
bulk-error-stopped = L’import s’est arrêté avant la fin du fichier : les lignes précédentes ont leur résultat, les autres n’ont pas été appliquées. Envoyez à nouveau les lignes restantes.
bulk-import-title = Import de lignes mobiles
bulk-progress = { $done } lignes traitées sur { $total }
bulk-refreshing = Cette page s’actualise toute seule toutes les quelques secondes jusqu’à la fin de l’import.
bulk-stop-refresh = Arrêter l’actualisation
bulk-reload = Afficher l’avancement maintenant
bulk-results = Télécharger le fichier de résultats
bulk-codes-in-results = Les codes d’activation n’ont pas été envoyés par e-mail : ils figurent dans le fichier de résultats. Conservez-le en lieu sûr ; chaque code ne sert qu’une fois.
bulk-refused-rows = Lignes refusées du fichier
bulk-no-refused = Aucune ligne n’a été refusée.
bulk-more-refused = Seules les 100 premières lignes refusées sont affichées : le fichier de résultats contient toutes les lignes.
bulk-result-line = Ligne
bulk-result-user = Nom d’utilisateur
bulk-result-outcome = Résultat
bulk-result-reason = Raison
bulk-result-code = Code d’activation
bulk-outcome-added = Ajoutée
bulk-outcome-refused = Refusée
bulk-reason-one-subscription = mettez TRUE dans une seule colonne d’abonnement.
bulk-reason-differs = ne correspond pas à celui de la personne ({ $value }).
bulk-reason-unknown-user = aucune personne de cette organisation n’a cette adresse e-mail.
bulk-reason-has-line = la personne a déjà une ligne mobile.
bulk-reason-gone = la personne a été supprimée entre-temps.
bulk-reason-failed = la ligne n’a pas pu être ajoutée ; réessayez cette ligne.
cst-problem-csv-empty = le fichier n’a pas de ligne d’en-tête
cst-problem-csv-missing = la colonne { $value } manque
cst-problem-csv-unknown = la colonne { $value } ne fait pas partie du modèle
cst-problem-csv-duplicate = la colonne { $value } apparaît deux fois
cst-problem-csv-subscription = l’organisation n’a pas d’abonnement mobile { $value } : téléchargez à nouveau le modèle
cst-problem-csv-no-subscription = aucune colonne d’abonnement : téléchargez à nouveau le modèle
cst-problem-csv-unreadable = illisible en CSV UTF-8 à la ligne { $value }
cst-problem-csv-no-rows = ne contient aucune ligne sous son en-tête
