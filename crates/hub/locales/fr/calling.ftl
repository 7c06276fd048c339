# Patchbay messages (fr) — console de provisionnement téléphonique (SPEC §15, RBAC-5).
calling-menu = Téléphonie
calling-menu-devices = Appareils
calling-menu-people = Utilisateurs
calling-menu-workspaces = Espaces de travail
calling-menu-locations = Sites
calling-menu-numbers = Numéros
calling-back-home = Retour aux appareils
calling-org = Organisation
calling-org-switch = Changer
calling-org-more = Autres organisations…
calling-pick-title = Choisir une organisation
calling-pick-intro = Le provisionnement téléphonique porte sur une organisation cliente à la fois. Choisissez-en une.
calling-pick-none = Aucune organisation cliente ne vous est accessible.
calling-pick-more = D'autres organisations correspondent ; affinez la recherche.
calling-none = Aucun
calling-next = Suivant
calling-back = Retour
calling-copy = Copier
calling-full = complet
calling-search-more = D'autres entrées correspondent ; affinez la recherche.

# Colonnes et champs
calling-col-name = Nom
calling-col-owner = Propriétaire
calling-col-model = Modèle
calling-col-mac = Adresse MAC
calling-col-sipUserName = Nom d'utilisateur SIP
calling-col-status = État
calling-col-created = Créé le
calling-col-devices = Appareils
calling-col-port = Port
calling-col-member = Utilisateur ou espace de travail
calling-col-lineType = Ligne
calling-col-state = État
calling-col-assignedTo = Attribué à
calling-field-email = Adresse e-mail
calling-field-firstName = Prénom
calling-field-lastName = Nom
calling-field-displayName = Nom affiché
calling-field-licence = Licence d'appel
calling-field-location = Site
calling-field-extension = Extension
calling-field-phoneNumber = Numéro de téléphone
calling-field-workspaceName = Nom de l'espace de travail
calling-field-roomType = Type de salle
calling-field-capacity = Capacité
calling-field-kind = Type d'appareil
calling-field-vendor = Fabricant
calling-field-deviceType = Type d'appareil
calling-field-sipPassword = Mot de passe SIP
calling-field-linePort = Ligne / port
calling-field-outboundProxy = Proxy sortant
calling-field-registrar = Domaine du registrar
calling-field-timeZone = Fuseau horaire
calling-field-preferredLanguage = Langue préférée
calling-field-announcementLanguage = Langue des annonces
calling-field-address1 = Adresse, ligne 1
calling-field-address2 = Adresse, ligne 2
calling-field-city = Ville
calling-field-state = Région / état
calling-field-postalCode = Code postal
calling-field-country = Pays
calling-field-numberType = Type de numéro
calling-field-assigned = Attribution
calling-address = Adresse
calling-country-hint = Code ISO 3166 à deux lettres, par exemple FR, GB, US.
calling-display-name-hint = Laissé vide, le prénom et le nom sont utilisés.

# Licences
calling-licences = Licences d'appel
calling-licence-total = Total
calling-licence-consumed = Attribuées
calling-licence-professional = Professionnelle
calling-licence-basic = Basique
calling-licence-workspaces = Espaces de travail (espace commun)
calling-licence-none = Pas de licence d'appel
calling-wlicence-professional = Professionnelle (jusqu'à 5 appareils)
calling-wlicence-commonArea = Espace commun (1 appareil)
calling-wlicence-hint = Un espace de travail professionnel accepte jusqu'à 5 appareils ; un espace commun exactement un.

# Appareils
calling-device-add = Ajouter un appareil
calling-device-add-another = Ajouter un autre appareil
calling-devices-search = Rechercher par propriétaire, modèle ou MAC
calling-device-created = L'appareil a été ajouté.
calling-device-deleted = L'appareil a été supprimé. Retirez ses données d'enregistrement SIP de l'appareil physique.
calling-device-delete-title = Supprimer l'appareil
calling-device-delete-confirm = L'appareil et ses lignes sont supprimés. Retirez les données d'enregistrement SIP (nom d'utilisateur, mot de passe, registrar) de l'appareil physique, sinon il continue d'essayer de s'enregistrer.
calling-no-devices = Aucun appareil pour l'instant.
calling-kind-customer = Appareil géré par le client
calling-kind-customer-hint = un téléphone, adaptateur ou passerelle SIP tiers que vous configurez vous-même ; comprend les profils Téléphone SIP générique et Passerelle SIP générique pour tout appareil SIP-TLS 1.2
calling-kind-partner = Appareil géré par le partenaire
calling-kind-partner-hint = un type d'appareil de la liste approuvée du fournisseur ; vous fournissez son mot de passe SIP
calling-kind-fax = Service de fax
calling-kind-fax-hint = une ligne de fax ; son adresse MAC est générée
calling-vendor-any = Tous les fabricants
calling-model-hint = Choisissez le fabricant, puis le modèle. Téléphone SIP générique et Passerelle SIP générique conviennent à tout appareil SIP-TLS 1.2.
calling-ports = { $ports } ports
calling-mac-hint = 12 chiffres hexadécimaux, avec ou sans séparateurs (00:1A:2B:3C:4D:5E, 001A.2B3C.4D5E, 001A2B3C4D5E).
calling-mac-generated = générée
calling-fax-hint = Le service de fax reçoit une adresse MAC fictive générée ; elle ne peut pas être modifiée.
calling-sip-password-hint = Au moins 16 caractères avec majuscules, minuscules, chiffres et l'un de * _ - + =, sans caractère répété trois fois de suite.
calling-disclaimer = Je confirme que le client est propriétaire de ces identifiants SIP et qu'il est responsable de toute fraude téléphonique commise avec eux.
calling-step-usage = Usage
calling-step-device = Appareil
calling-step-credentials = Identifiants
calling-usage-personal = Usage personnel
calling-usage-personal-hint = l'appareil appartient à un utilisateur
calling-usage-shared = Usage partagé
calling-usage-shared-existing = Usage partagé, espace de travail existant
calling-usage-shared-existing-hint = une salle ou une zone qui existe déjà
calling-usage-shared-new = Usage partagé, nouvel espace de travail
calling-usage-shared-new-hint = l'espace de travail est créé avec l'appareil
calling-usage-person = utilisateur
calling-usage-workspace = espace de travail
calling-person-search = Rechercher par nom ou adresse e-mail
calling-workspace-new = nouvel espace de travail
calling-workspace-change = Modifier l'espace de travail
calling-owner-change = Choisir un autre propriétaire
calling-owner-gone = L'utilisateur ou l'espace de travail choisi n'existe plus dans cette organisation.
calling-workspace-full = Cet espace de travail a atteint sa limite d'appareils.
calling-workspace-no-licence = Cet espace de travail n'a pas de licence d'appel, il ne peut donc pas avoir d'appareils.
calling-credentials-title = Identifiants SIP du nouvel appareil
calling-credentials-once = Le mot de passe n'est affiché que sur cette page. Copiez-le ou téléchargez le CSV maintenant : ensuite il est masqué et ne peut être que réinitialisé.
calling-credentials-csv = Télécharger le CSV
calling-credentials-csv-hint = Le fichier est produit à partir de cette page ; le hub ne conserve pas le mot de passe en clair.
calling-credentials-done = Aller à l'appareil
calling-password-masked = Le mot de passe SIP n'est affiché qu'une fois, à l'ajout de l'appareil ou à la réinitialisation de son mot de passe.
calling-password-reset = Réinitialiser le mot de passe SIP
calling-password-update = Mettre à jour le mot de passe
calling-password-reset-confirm = Un nouveau mot de passe SIP remplace l'actuel. L'appareil physique doit ensuite être configuré avec lui, sinon il cesse de s'enregistrer.
calling-password-partner-hint = Laissez vide pour générer un mot de passe, ou saisissez celui qu'utilise l'appareil géré par le partenaire.
calling-password-new-title = Nouveau mot de passe SIP
calling-password-changed = Le mot de passe SIP a été remplacé.
calling-status-connected = Enregistré
calling-status-disconnected = Hors ligne
calling-status-activating = Activation en cours
calling-status-offline_expired = Code d'activation expiré
calling-status-connected_with_issues = Enregistré avec des problèmes
calling-status-unknown = Inconnu

# Lignes (DEV-6)
calling-lines-title = Lignes
calling-lines-configure = Configurer les lignes
calling-lines-ports = Le modèle a { $ports } ports.
calling-lines-used = { $used } ports utilisés
calling-lines-shared-note = Les lignes partagées réutilisent le nom d'utilisateur SIP, le mot de passe et le proxy sortant de la première ligne.
calling-lines-add-title = Ajouter une ligne partagée
calling-line-add = Ajouter
calling-line-added = La ligne a été ajoutée.
calling-line-remove = Retirer
calling-lines-remove-all = Retirer toutes les lignes partagées
calling-lines-removed = Les lignes ont été retirées. Retirez aussi leurs données SIP de l'appareil physique.
calling-lines-full = Tous les ports de ce modèle sont utilisés : aucune ligne ne peut être ajoutée.
calling-lines-not-configurable = Les lignes ne se configurent que sur les appareils gérés par le client ayant plus d'un port.
calling-lines-member-invalid = Cet utilisateur ou cet espace de travail ne peut pas être ajouté à cet appareil.
calling-lines-member-taken = Cet utilisateur ou cet espace de travail a déjà une ligne sur cet appareil.
calling-line-primary = Principale (propriétaire)
calling-line-shared = Ligne partagée
calling-members-search = Rechercher des utilisateurs et des espaces de travail

# Utilisateurs
calling-person-add = Ajouter un utilisateur
calling-person-edit = Modifier l'utilisateur
calling-person-created = L'utilisateur a été ajouté.
calling-person-updated = L'utilisateur a été modifié.
calling-person-deleted = L'utilisateur a été supprimé.
calling-person-delete-title = Supprimer l'utilisateur
calling-person-delete-confirm = L'utilisateur est supprimé avec ses { $count } appareil(s) ; sa licence, son extension et son numéro sont libérés.

# Espaces de travail
calling-workspace-add = Ajouter un espace de travail
calling-workspace-edit = Modifier l'espace de travail
calling-workspace-created = L'espace de travail a été ajouté.
calling-workspace-updated = L'espace de travail a été modifié.
calling-workspace-deleted = L'espace de travail a été supprimé.
calling-workspace-delete-title = Supprimer l'espace de travail
calling-workspace-delete-confirm = L'espace de travail est supprimé avec ses { $count } appareil(s) ; sa licence, son extension et son numéro sont libérés.
calling-workspace-name-hint = 30 caractères au plus, sans % # < > / \ ".
calling-room-notSet = Non défini
calling-room-focus = Salle de concentration
calling-room-huddle = Petite salle de réunion
calling-room-meetingRoom = Salle de réunion
calling-room-open = Espace ouvert
calling-room-desk = Bureau
calling-room-other = Autre

# Sites
calling-location-add = Ajouter un site
calling-location-edit = Modifier le site
calling-location-created = Le site a été ajouté.
calling-location-updated = Le site a été modifié.
calling-location-deleted = Le site a été supprimé.
calling-location-delete-title = Supprimer le site
calling-location-delete-confirm = Le site et ses numéros non attribués sont supprimés. Un site utilisé par des utilisateurs ou des espaces de travail ne peut pas être supprimé.
calling-no-locations = Aucun site pour l'instant.
calling-language-en_us = Anglais (États-Unis)
calling-language-en_gb = Anglais (Royaume-Uni)
calling-language-fr_fr = Français (France)
calling-language-fr_ca = Français (Canada)
calling-language-ro_ro = Roumain
calling-language-ko_kr = Coréen
calling-language-uk_ua = Ukrainien
calling-language-de_de = Allemand
calling-language-es_es = Espagnol
calling-language-it_it = Italien
calling-language-nl_nl = Néerlandais
calling-language-pt_br = Portugais (Brésil)

# Numéros (NUM-1)
calling-numbers-add = Ajouter des numéros
calling-numbers-added = Les numéros ont été ajoutés.
calling-numbers-removed = Les numéros ont été retirés.
calling-numbers-remove = Retirer la sélection
calling-numbers-remove-title = Retirer des numéros
calling-numbers-remove-confirm = Ces numéros non attribués sont retirés de leur site.
calling-numbers-list = Numéros
calling-numbers-hint = Numéros E.164 (+ et indicatif du pays), séparés par des virgules ou des retours à la ligne. Tous sont ajoutés, ou aucun.
calling-numbers-invalid = Ces numéros ne sont pas au format E.164, rien n'a été ajouté : { $numbers }
calling-numbers-taken = Au moins un de ces numéros existe déjà sur la plateforme ; rien n'a été ajouté.
calling-number-fixed = Fixe
calling-number-mobile = mobile
calling-number-tollfree = Numéro gratuit
calling-number-active = Actif
calling-number-inactive = Inactif
calling-number-hint = Seuls les numéros non attribués du site choisi peuvent être donnés.
calling-assigned-yes = Attribué
calling-assigned-no = Non attribué

# Règles des champs
calling-rule-mac = n'est pas une adresse MAC : 12 chiffres hexadécimaux, ni diffusion ni multidiffusion.
calling-rule-mac-taken = est déjà utilisée par un autre appareil.
calling-rule-sip-password = doit compter au moins 16 caractères avec majuscules, minuscules, chiffres et l'un de * _ - + =, sans caractère répété trois fois de suite ni le nom d'utilisateur SIP.
calling-rule-disclaimer = doit être cochée : le client est propriétaire des identifiants et responsable de la fraude téléphonique.
calling-rule-workspace-name = ne peut pas contenir % # < > / \ ".
calling-rule-extension = doit compter de 2 à 10 chiffres.
calling-rule-extension-taken = est déjà utilisée sur ce site.
calling-rule-number = doit être un numéro E.164 (+ et indicatif du pays).
calling-rule-number-taken = n'est pas un numéro libre du site choisi.
calling-rule-location-needed = est obligatoire pour une extension ou un numéro de téléphone.
calling-rule-time-zone = n'est pas un fuseau horaire connu (par exemple Europe/Paris).
calling-rule-country = doit être un code ISO 3166 à deux lettres.

# Conflits (aussi utilisés par la localisation des erreurs de l'API)
conflict-licence-professional = Il ne reste aucune licence d'appel Professionnelle : toutes sont attribuées. Demandez-en d'autres à votre fournisseur, ou libérez-en une.
conflict-licence-basic = Il ne reste aucune licence d'appel Basique : toutes sont attribuées. Demandez-en d'autres à votre fournisseur, ou libérez-en une.
conflict-licence-workspaces = Il ne reste aucune licence d'appel Espaces de travail : toutes sont attribuées. Demandez-en d'autres à votre fournisseur, ou libérez-en une.
conflict-location-in-use = Le site est encore utilisé par des utilisateurs ou des espaces de travail ; déplacez-les ou supprimez-les d'abord.
conflict-number-in-use = Le numéro est attribué à un utilisateur ou à un espace de travail ; retirez-le d'abord.
conflict-workspace-device-limit = L'espace de travail a autant d'appareils que sa licence d'appel le permet (professionnelle : 5, espace commun : 1).
conflict-workspace-no-licence = L'espace de travail n'a pas de licence d'appel, il ne peut donc pas avoir d'appareils.
conflict-workspace-licence-devices = L'espace de travail a plus d'appareils que cette licence ne le permet ; retirez d'abord des appareils.
conflict-model-in-use = Des appareils utilisent encore ce modèle ; il ne peut pas être retiré.
calling-devices-none = Aucun appareil pour l’instant.
calling-numbers-none = Aucun numéro pour l’instant : ajoutez les numéros de l’organisation pour les attribuer.
calling-lines-no-candidates = Il ne reste aucun utilisateur ni espace de travail à ajouter à cet appareil.
calling-people-none = Aucune personne pour l’instant.
calling-workspaces-none = Aucun espace de travail pour l’instant.
calling-locations-none = Aucun site pour l’instant : la téléphonie commence par un site.

# SIP-3: registration of each line
calling-col-lineUser = Utilisateur SIP
calling-col-registration = Enregistrement
calling-reg-registered = Enregistré
calling-reg-not = Non enregistré
calling-col-lastRegistration = Dernier enregistrement
calling-col-regExpires = Expire le
calling-col-regSource = Adresse source
calling-col-userAgent = Agent utilisateur
calling-reg-contacts = Contacts : { $n }

# PRV-2 / PRV-3: provisioning credentials and the last fetch
calling-field-provUser = Utilisateur de provisionnement
calling-field-provPassword = Mot de passe de provisionnement
calling-field-provisioned = Fichier de configuration récupéré
