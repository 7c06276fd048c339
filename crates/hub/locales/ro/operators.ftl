# MOB-1 … MOB-3: numere de operator mobil.
rule-mismatch = nu se potrivește.
rule-account-id = trebuie să aibă între 3 și 32 de litere, cifre, - _ sau . (așa cum l-a dat operatorul).
rule-not-mobile-number = nu este un număr mobil din țara locației ({ $country }).
conflict-operator-not-authorized = Contul de operator al locației nu este autorizat: numerele pot fi adăugate după ce operatorul îl autorizează.
conflict-operator-decision = Acest răspuns nu se aplică: doar o cerere în așteptare poate eșua, iar un cont autorizat rămâne autorizat.
