# Mesajele consolei și ale API-ului Patchbay — română. Mesajele lipsă revin la engleză.

## Conectare (OPR-3, OPR-4)
login-title = Conectare la Patchbay
login-submit = Conectare
login-invalid = Nume de autentificare sau parolă incorecte.
login-disabled = Acest cont este dezactivat. Cereți unui administrator să îl activeze.
login-expired = Acest cont a expirat și este acum dezactivat. Cereți unui administrator să îl activeze.
login-blocked = Prea multe încercări eșuate. Acest nume de autentificare este blocat timp de { $minutes } min.
login-form-expired = Formularul de conectare a expirat. Încercați din nou.
login-password-changed = Parola a fost schimbată. Conectați-vă cu noua parolă.
login-session-expired = Sesiunea s-a încheiat după o perioadă de inactivitate.
login-account-disabled = Contul dvs. este dezactivat.

## Prima conectare
terms-title = Condiții de utilizare
terms-text = Această consolă oferă acces la sistemele de telefonie ale clienților și la datele lor de autentificare. Folosiți-o numai pentru activitățile pe care sunteți autorizat să le efectuați; fiecare acțiune este înregistrată împreună cu numele și adresa dvs.
terms-licence = Patchbay este un software open-source furnizat sub Apache License 2.0, fără niciun fel de garanție.
terms-accept = Accept
terms-decline = Refuz și deconectare
password-title = Schimbare parolă
password-forced = Trebuie să alegeți o parolă nouă înainte de a continua.
password-policy = Între 9 și 31 de caractere, cu cel puțin două dintre următoarele: litere mari, litere mici, cifre, caractere speciale. Parolele anterioare nu pot fi refolosite.
password-submit = Schimbare parolă
password-keep-blank = Lăsați câmpul gol pentru a păstra parola actuală.
password-relogin = După schimbare, va trebui să vă conectați din nou.

## Meniu (DSH-2)
menu-label = Meniu principal
skip-to-content = Salt la conținut
menu-dashboard = Tablou de bord
menu-views = Vizualizări
menu-customers = Clienți
menu-alarms = Alarme
menu-jobs = Activități programate
menu-repository = Depozit software
menu-files = Gestionarea fișierelor
menu-applications = Aplicații
menu-admin-tools = Descărcare instrumente de administrare
menu-proxytunnel = Descărcare utilitar ProxyTunnel
menu-appcentre = Centru de aplicații
menu-settings = Setări
menu-accounts = Gestionarea conturilor
menu-proxy-accounts = Conturi proxy de întreținere
menu-certificates = Certificate
menu-preferences = Preferințe
menu-help = Ajutor
menu-about = Despre
menu-profile = Profil
menu-logout = Deconectare
read-only-mode = Mod doar citire: puteți naviga, filtra și căuta și vă puteți modifica propriul profil.

## Pagini
dashboard-empty-title = Nimic de afișat deocamdată
dashboard-empty-text = După conectarea sistemelor clienților, tabloul de bord afișează clienții după conectivitate, alarmele după severitate și tip, etichetele și versiunile de software.
back-to-dashboard = Înapoi la tabloul de bord
about-version = Versiune
about-build = Build
about-database = Bază de date
about-started = În funcțiune din
help-intro = Ghidul de utilizare Patchbay este livrat în folderul docs al instalării. API-ul este descris de documentul său OpenAPI.
help-openapi = Referință API (OpenAPI)
never = Niciodată

## Conturi (OPR-8)
accounts-created = Contul a fost creat.
accounts-updated = Contul a fost actualizat.
accounts-deleted = Conturile selectate au fost șterse.
accounts-add-title = Adăugare cont
accounts-edit-title = Editare cont
accounts-delete-title = Ștergere conturi
accounts-delete-confirm = Ștergeți aceste conturi? Operațiunea nu poate fi anulată.
labels-hint = separate prin virgulă, de ex. north, reseller-a
timeout-default = Valoarea implicită a serverului
action-add = Adăugare
action-search = Căutare
action-filter = Filtrare
action-apply = Aplicare
action-clear = Golire
action-edit = Editare
action-delete = Ștergere
action-select-all = Selectare toate
action-update = Actualizare
action-save = Salvare
action-cancel = Anulare
action-confirm = Confirmare
filter-any = Oricare
filter-active = Filtru activ
list-total = Total: { $count }
accounts-none = Niciun cont deocamdată.
list-empty = Nicio înregistrare corespunzătoare.
outbox-none = Niciun e-mail nu a fost trimis încă.
pager-label = Pagini
pager-prev = Anterior
pager-next = Următor
pager-size = Elemente pe pagină

## Roluri
role-administrator = Administrator
role-support = Asistență
role-supervisor = Supervizor
role-operator = Operator
role-read-only = Doar citire
role-customer-admin = Administrator client

## Profil (OPR-7)
profile-summary = Setările dvs.
profile-name = Nume
profile-avatar = Avatar
profile-no-avatar = Niciun avatar deocamdată.
profile-upload = Încărcare

## Preferințe (PRF)
preferences-saved = Preferințele au fost salvate.
security-unrestricted = Fără restricții
security-medium = Mediu (lanț de încredere)
security-high = Ridicat (lanț de încredere și nume corespunzător)
banner-html-hint = Numai HTML de bază: titluri, paragrafe, aldin, cursiv, subliniat. Orice altceva este eliminat.

## Numele câmpurilor
field-loginName = Nume de autentificare
field-password = Parolă
field-confirmPassword = Confirmare parolă
field-oldPassword = Parola actuală
field-newPassword = Parola nouă
field-language = Limbă
field-role = Rol
field-labels = Etichete
field-firstName = Prenume
field-lastName = Nume de familie
field-phoneNumber = Telefon
field-mobile = Mobil
field-email = E-mail
field-sessionTimeoutMinutes = Expirare sesiune (minute)
field-kioskMode = Mod chioșc
field-readOnlyMode = Mod doar citire
field-disabled = Cont dezactivat
field-forcePasswordChange = Impunere parolă nouă la următoarea conectare
field-expiryEnabled = Activare expirare cont
field-expiresOn = Data expirării
field-customerId = Client
field-avatar = Avatar
field-passwordHistoryCount = Istoric parole
field-securityLevel = Nivel de securitate
field-logLevel = Nivel de jurnalizare server
field-systemName = Nume sistem
field-logRetentionDays = Păstrare jurnale de diagnosticare CPE (zile)
field-sessionRetentionDays = Păstrare sesiuni de asistență la distanță (zile)
field-securityBanner = Banner de securitate
field-bannerEnabled = Afișare banner de securitate pe pagina de conectare
field-securityBanner-title = Titlu banner
field-securityBanner-description = Text banner
field-clientLogging = Jurnalizare client
field-allowDowngrades = Permitere trecere la versiuni anterioare
field-allowCustomerIdChange = Permitere modificare ID client al unui sistem
field-sortBy = Coloană de sortare
field-sortOrder = Ordine de sortare

## Reguli de validare
rule-required = câmp obligatoriu.
rule-max-length = numărul de caractere trebuie să fie cel mult { $max }.
rule-length-between = numărul de caractere trebuie să fie între { $min } și { $max }.
rule-combined-max-length = împreună cu prenumele, numărul de caractere trebuie să fie cel mult { $max }, inclusiv spațiile.
rule-digits = trebuie să conțină numai cifre, cel mult { $max }.
rule-email = trebuie să fie o adresă de e-mail.
rule-one-of = trebuie să fie una dintre valorile: { $allowed }.
rule-step-range = trebuie să fie între { $min } și { $max }, în pași de { $step }.
rule-range = trebuie să fie între { $min } și { $max }.
rule-login-chars = poate conține numai litere, cifre și . _ - @ (fără spații).
rule-taken = valoarea este deja utilizată.
rule-password-classes = trebuie să conțină cel puțin două dintre: litere mari, litere mici, cifre, caractere speciale.
rule-password-reused = trebuie să difere de parolele anterioare (se verifică ultimele { $count }).
rule-password-mismatch = nu corespunde cu parola nouă.
rule-password-wrong = nu este parola dvs. actuală.
rule-not-for-role = opțiune indisponibilă pentru rolul { $role }.
rule-date-in-past = trebuie să fie o dată din viitor (sau dezactivați contul).
rule-date = trebuie să fie o dată (AAAA-LL-ZZ).
rule-image-type = trebuie să fie o imagine PNG, JPEG sau GIF.
rule-image-too-large = dimensiunea trebuie să fie cel mult { $max } KiB.
rule-label-not-assigned = { $label } nu este una dintre etichetele dvs.
rule-too-many = numărul de intrări trebuie să fie cel mult { $max }.
rule-invalid = valoare nevalidă.
rule-control-characters = nu trebuie să conțină caractere de control (NUL, secvențe escape, salturi de rând).
rule-unknown = nu este acceptat aici (acceptate: { $allowed }).
rule-unsupported = este o opțiune Webex pe care Patchbay nu o acceptă.

## Erori
error-validation = Unele câmpuri nu sunt valide.
error-conflict = Solicitarea este în conflict cu starea curentă.
error-rate-limited = Prea multe încercări.
error-retry-after = Încercați din nou peste { $seconds } s.
error-unauthorized = Autentificare necesară.
error-unauthorized-detail = Conectați-vă sau trimiteți un token bearer valid.
error-forbidden = Acces interzis
error-forbidden-detail = Rolul dvs. nu permite accesul la această pagină sau operațiune.
error-not-found = Nu a fost găsit
error-not-found-detail = Pagina sau resursa nu există sau nu aveți permisiunea de a o vedea.
error-malformed = Solicitarea nu a putut fi citită.
error-internal = Eroare internă
error-internal-detail = Serverul nu a putut procesa solicitarea. Comunicați administratorului ID-ul de urmărire.
error-method-not-allowed = Metodă nepermisă
error-method-not-allowed-detail = Această cale nu acceptă această metodă; documentul /v1/openapi.json arată ce acceptă.
error-too-large = Corpul solicitării este prea mare
error-too-large-detail = Corpul unei solicitări este limitat la { $bytes } octeți.
error-uri-too-long = URI prea lung
error-uri-too-long-detail = URL-urile sunt limitate la { $bytes } octeți.
conflict-own-account = Nu vă puteți dezactiva propriul cont și nici nu vă puteți schimba propriul rol.
conflict-last-admin = Ultimul Administrator activ nu poate fi dezactivat, retrogradat sau șters.
conflict-delete-self = Nu vă puteți șterge propriul cont.

## E-mail de abonare (CUS-7) și căsuța de ieșire
email-title = Trimitere e-mail de abonare
email-confirm = Trimiteți detaliile de conectare ale acestor sisteme la adresa de contact a fiecărui client? Parola de serviciu nu este inclusă niciodată.
email-none = nicio adresă de e-mail
email-queued = E-mailuri puse în coada de trimitere: { $count }.
email-skipped = Netrimise (nicio adresă de contact):
email-language = Limba e-mailului
mail-subscription-subject = Detaliile de conectare Patchbay pentru { $name }
mail-subscription-body =
    Bună ziua,

    Acestea sunt detaliile de conectare ale sistemului telefonic al { $name } la hubul de operațiuni Patchbay.

    Adresa hubului: { $address }
    ID client: { $customerId }
    Nume utilizator de serviciu: { $serviceUser }
    Amprenta SHA-256 a certificatului hubului: { $fingerprint }

    Parola de serviciu nu este trimisă prin e-mail; furnizorul dumneavoastră v-o comunică separat.

    Pentru a conecta sistemul, instalați patchbay-agent pe acesta și rulați:

    { $command }

    Conexiunea este doar de ieșire; nu este necesar niciun acces de intrare în rețeaua dumneavoastră.
outbox-title = Căsuță de ieșire
outbox-smtp = E-mailurile sunt livrate prin releul SMTP configurat.
outbox-kept = Nu este configurat niciun releu SMTP: e-mailurile sunt păstrate aici.
outbox-when = Creat
outbox-to = Către
outbox-subject = Subiect
outbox-status = Stare
menu-outbox = Căsuță de ieșire
rule-dns-label = poate conține numai a-z, 0-9 și - (cel mult 63 de caractere, fără - la început sau la sfârșit).
rule-not-allowed = nu poate fi modificat.
conflict-provider-in-use = Distribuitorul sau revânzătorul are încă revânzători sau clienți.
conflict-client-logging-off = Jurnalizarea clientului este dezactivată (Preferințe).
conflict-not-pending = Acest client nu așteaptă confirmarea.
