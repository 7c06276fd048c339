# Linii mobile (WGO-1 … WGO-5)
rule-mobile-licence = necesită o licență de apelare profesională pentru o linie mobilă.
rule-mobile-country = trebuie să fie într-o locație dintr-una dintre țările în care se oferă linii mobile: { $allowed }.
rule-mobile-subscription = nu mai are niciun abonament cu o linie mobilă disponibilă; cereți mai multe furnizorului.
conflict-mobile-activated = Linia mobilă este deja activată: nu are nevoie de un cod nou.
mail-activation-subject = { $name }, codul de activare al liniei dvs. mobile
mail-activation-body =
    Bună ziua, { $name },

    A fost configurată o linie mobilă pentru dvs. Activați-o în aplicația softphone cu acest cod:

    { $code }

    Codul poate fi folosit o singură dată și este valabil până la { $expires }.
    Adresa de activare: { $url }

    Dacă nu așteptați acest mesaj, ignorați-l: linia rămâne inactivă.
calling-menu-mobile = Linii mobile
mobile-subscriptions = Abonamente cu linii mobile
mobile-subscription = Abonament
mobile-total = Linii
mobile-consumed = Folosite
mobile-no-subscriptions = Această organizație nu are niciun abonament cu linii mobile. Furnizorul le acordă pe pagina clientului.
mobile-countries = Liniile mobile se oferă persoanelor a căror locație este în: { $countries }.
mobile-suppress-legend = E-mailuri către utilizatori
mobile-suppress-label = Suprimați e-mailurile: codurile de activare se afișează administratorului în loc să fie trimise
mobile-save = Salvare
mobile-saved = Setările au fost salvate.
mobile-lines = Linii
mobile-person = Persoană
mobile-state = Stare
mobile-state-pending = În așteptarea activării (cod valabil până la { $date })
mobile-state-expired = Cod expirat
mobile-state-activated = Activată la { $date }
mobile-no-lines = Nicio linie mobilă deocamdată.
mobile-add = Adăugare linie mobilă
mobile-add-title = Adăugare linie mobilă pentru { $name }
mobile-prereq = O linie mobilă necesită o licență de apelare profesională și o locație într-una dintre aceste țări: { $countries }.
mobile-field-subscriptionId = Abonament
mobile-field-phoneNumber = Număr de telefon
mobile-choose = Alegeți…
mobile-number-hint = { $name } nu are încă un număr de telefon: alegeți unul dintre numerele libere ale locației.
mobile-line = Linie mobilă
mobile-new-code = Cod de activare nou
mobile-code-title = Cod de activare pentru { $name }
mobile-code-mailed = Codul de activare a fost trimis prin e-mail la { $email }. Este valabil până la { $date }.
mobile-code-shown = Dați acest cod de activare lui { $name }. Este afișat o singură dată și este valabil până la { $date }.
mobile-code-copy = Copiere
mobile-code-email = Trimitere prin e-mail
mobile-code-print = Imprimare
mobile-code-instructions = În aplicația softphone, alegeți „Activare cu un cod” și introduceți codul.
mobile-back = Înapoi la { $name }
mobile-wizard-choice = Linie mobilă (cod de activare)
mobile-wizard-hint = Pentru un telefon pe care persoana îl are deja: un cod de activare în loc de o adresă MAC.
# Integrare (ONB-1): invitații
accounts-invite = Trimiteți prin e-mail o invitație de setare a parolei (în loc să o introduceți)
accounts-invite-hint = Linkul de invitație funcționează o singură dată, timp de 7 zile; contul are nevoie de o adresă de e-mail.
accounts-invite-again = Trimitere invitație nouă
accounts-invited = Contul a fost creat și s-a trimis o invitație prin e-mail.
accounts-customer-hint = Pentru un administrator de client: clientul a cărui telefonie o gestionează.
invitation-title = Setați-vă parola
invitation-intro = Alegeți parola contului dvs. Patchbay { $login }.
invitation-submit = Setare parolă
invitation-invalid = Acest link de invitație nu mai funcționează: a fost folosit, a expirat sau s-a trimis unul mai nou. Cereți unul nou persoanei care v-a invitat.
invitation-to-login = Mergeți la autentificare
mail-invitation-subject = Contul dvs. Patchbay { $login }
mail-invitation-body =
    Bună ziua,

    A fost creat un cont Patchbay pentru dvs. Numele de utilizator: { $login }

    Setați-vă parola cu acest link (funcționează o singură dată, până la { $expires }):

    { $url }

    Apoi autentificați-vă cu numele de utilizator și această parolă.
rule-below-consumed = este sub unitățile deja atribuite: eliberați mai întâi unele sau păstrați un total mai mare.
licences-title = Licențe de apelare
licences-saved = Licențele au fost salvate.
licences-new-mobile = Adăugare abonament cu linii mobile
licences-invite-admin = Invitați administratorul clientului
licences-manage = Gestionare licențe de apelare
invitation-link-title = Link de invitație
invitation-link-shown = Nu este configurat niciun releu de e-mail: dați acest link titularului contului { $login }. Este afișat o singură dată și funcționează o singură dată, timp de 7 zile.
conflict-mobile-reset = O linie mobilă își primește parola la activare: emiteți în schimb un cod de activare nou.
conflict-mobile-changed = Persoana s-a modificat în timp ce se adăuga linia mobilă: verificați persoana și încercați din nou.
outbox-sensitive = Nu se afișează: acest mesaj conține un link sau un cod de unică folosință.
field-file = Fișier
mobile-bulk-link = Adăugați linii mobile în bloc (CSV)
bulk-title = Linii mobile în bloc
bulk-back = Înapoi la liniile mobile
bulk-step-template = Descărcați șablonul: are câte o coloană pentru fiecare abonament care include linii mobile.
bulk-template = Descărcați șablonul CSV
bulk-step-fill = Completați câte un rând pentru fiecare persoană: adresa ei de e-mail ca nume de utilizator, tipul USER, tipul de dispozitiv WEBEX_CALLING, modelul Webex Go Device, fără adresă MAC și TRUE în coloana abonamentului din care provine linia. Interiorul, numărul și locația, dacă sunt completate, trebuie să fie ale persoanei; o persoană fără număr îl primește pe cel din rând.
bulk-step-upload = Încărcați fișierul. Fiecare rând reușește sau eșuează apoi separat, cu motivul său; un rând nu este niciodată aplicat pe jumătate.
bulk-upload-title = Încărcați un fișier
bulk-email-codes = Trimiteți codurile de activare prin e-mail
bulk-email-hint = Fiecare persoană primește codul de activare și instrucțiunile prin e-mail. Altfel, sau când organizația suprimă e-mailurile, codurile sunt în fișierul cu rezultate.
bulk-file = Fișier CSV
bulk-file-hint = CSV în UTF-8, cel mult 32 MiB și 100.000 de rânduri.
bulk-submit = Trimiteți
bulk-imports = Ultimele importuri
bulk-no-imports = Niciun fișier nu a fost importat încă.
bulk-created = Încărcat la
bulk-status = Stare
bulk-rows = Rânduri
bulk-added = Linii adăugate
bulk-refused = Rânduri refuzate
bulk-status-queued = În așteptare
bulk-status-running = În desfășurare
bulk-status-done = Încheiat
bulk-status-failed = Oprit
bulk-error-stopped = Importul s-a oprit înainte de sfârșitul fișierului: rândurile dinainte au rezultatul lor, celelalte nu au fost aplicate. Încărcați din nou rândurile rămase.
bulk-import-title = Import de linii mobile
bulk-progress = { $done } din { $total } rânduri prelucrate
bulk-refreshing = Această pagină se reîmprospătează singură la câteva secunde până la încheierea importului.
bulk-stop-refresh = Opriți reîmprospătarea
bulk-reload = Afișați progresul acum
bulk-results = Descărcați fișierul cu rezultate
bulk-codes-in-results = Codurile de activare nu au fost trimise prin e-mail: sunt în fișierul cu rezultate. Păstrați-l în siguranță; fiecare cod funcționează o singură dată.
bulk-refused-rows = Rânduri refuzate din fișier
bulk-no-refused = Niciun rând nu a fost refuzat.
bulk-more-refused = Sunt afișate doar primele 100 de rânduri refuzate: fișierul cu rezultate conține toate rândurile.
bulk-result-line = Rândul
bulk-result-user = Nume de utilizator
bulk-result-outcome = Rezultat
bulk-result-reason = Motiv
bulk-result-code = Cod de activare
bulk-outcome-added = Adăugată
bulk-outcome-refused = Refuzat
bulk-reason-one-subscription = puneți TRUE într-o singură coloană de abonament.
bulk-reason-differs = nu este al persoanei ({ $value }).
bulk-reason-unknown-user = nicio persoană din această organizație nu are această adresă de e-mail.
bulk-reason-has-line = persoana are deja o linie mobilă.
bulk-reason-gone = persoana a fost ștearsă între timp.
bulk-reason-failed = linia nu a putut fi adăugată; încercați din nou acest rând.
cst-problem-csv-empty = fișierul nu are rând de antet
cst-problem-csv-missing = lipsește coloana { $value }
cst-problem-csv-unknown = coloana { $value } nu face parte din șablon
cst-problem-csv-duplicate = coloana { $value } apare de două ori
cst-problem-csv-subscription = organizația nu are abonamentul mobil { $value }: descărcați din nou șablonul
cst-problem-csv-no-subscription = nicio coloană de abonament: descărcați din nou șablonul
cst-problem-csv-unreadable = nu poate fi citit ca CSV UTF-8 la rândul { $value }
cst-problem-csv-no-rows = nu are rânduri sub antet
