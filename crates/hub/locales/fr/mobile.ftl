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
