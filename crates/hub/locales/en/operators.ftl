# MOB-1 … MOB-3: mobile-operator numbers.
rule-mismatch = does not match.
rule-account-id = must be 3 to 32 letters, digits, - _ or . (as the operator gave it).
rule-not-mobile-number = is not a mobile number of the location's country ({ $country }).
conflict-operator-not-authorized = The location's operator account is not authorised: numbers can be added once the operator has authorised it.
conflict-operator-decision = This answer does not apply: only a pending request can fail, and an authorised account stays authorised.
