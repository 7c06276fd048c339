# MOB-1 … MOB-3 : numéros d’opérateur mobile.
rule-mismatch = ne correspond pas.
rule-account-id = doit comporter de 3 à 32 lettres, chiffres, - _ ou . (tel que l’opérateur l’a donné).
rule-not-mobile-number = n’est pas un numéro mobile du pays de l’emplacement ({ $country }).
conflict-operator-not-authorized = Le compte opérateur de l’emplacement n’est pas autorisé : les numéros pourront être ajoutés une fois que l’opérateur l’aura autorisé.
conflict-operator-decision = Cette réponse ne s’applique pas : seule une demande en attente peut échouer, et un compte autorisé le reste.
