# Patchbay messages (ro) — customers. Missing messages fall back to English.
# Every id here starts with cus- or prov- so it never collides with another message file.

## Lista clienților (CUS-4, CUS-6)
cus-col-name = Nume
cus-col-systemName = Nume sistem
cus-col-customerId = ID client
cus-col-profile = Profil
cus-col-version = Versiune
cus-col-alarms = Alarme
cus-col-operators = Operatori alocați
cus-col-tags = Etichete
cus-col-notes = Note
cus-col-status = Conectivitate
cus-col-connectivity = Conectivitate
cus-col-icons = Pictograme de stare
cus-alarms-link = Afișează alarmele acestui client
cus-icon-attention = Necesită atenție
cus-icon-action-inProgress = O acțiune este în curs: nu poate porni alta
cus-icon-action-completed = Ultima acțiune s-a finalizat
cus-icon-action-failed = Ultima acțiune a eșuat
cus-operators-title = Alocați manual: { $logins }. Conturile alocate prin etichetă sunt afișate în detalii.
cus-operators-none = Niciun cont alocat.
cus-created = Clientul a fost adăugat. Folosiți Testare conexiune după ce sistemul său este configurat.
cus-updated = Clientul a fost actualizat.
cus-deleted = Clienții selectați au fost șterși.
cus-yes = Da
cus-no = Nu
cus-none = Niciunul

## Filtru (CUS-6)
cus-filter-connectivity = Conectivitate
cus-filter-status = Stare
cus-filter-tag = Etichetă
cus-filter-version = Versiune
cus-filter-profile = Profil
cus-filter-distributor = Distribuitor
cus-filter-reseller = Revânzător
cus-filter-hasAlarms = Cu alarme
cus-filter-hide = Ascunde filtrul

## Semafor (SYS-2)
cus-light-green = Conectat
cus-light-amber = Necesită atenție
cus-light-red = Neconectat

## Mesaje de conectivitate (SYS-3)
cus-status-authorisationFailed = Autorizare eșuată
cus-status-connectionFailed = Conectare eșuată
cus-status-connectionSuccessful = Conectare reușită
cus-status-insufficientRights = Drepturi insuficiente
cus-status-invalidCredentials = Date de autentificare nevalide
cus-status-legacy = Sistem vechi: doar monitorizare, fără servicii la distanță
cus-status-tooManySessions = Prea multe sesiuni simultane
cus-status-newPasswordRequired = Este necesară o parolă nouă pentru contul de serviciu
cus-status-noAuthorisationProvided = Nicio autorizare furnizată (funcționalități limitate)
cus-status-noUserRightsEnabled = Niciun drept de utilizator activat pentru acest sistem
cus-status-remoteOperationsNotAllowed = Operațiunile la distanță nu sunt permise
cus-status-readRightsNotEnabled = Drepturile de citire pentru monitorizarea serviciilor nu sunt activate
cus-status-disabledByAdministrator = Cont de serviciu dezactivat de administrator
cus-status-temporarilyLocked = Cont de serviciu blocat temporar
cus-status-pendingConfirmation = Înrolat automat: în așteptarea confirmării
cus-status-currentlyDisabled = Cont de serviciu dezactivat în prezent
cus-status-passwordExpired = Parola de serviciu a expirat
cus-status-unreachableNotPrimary = Sistem inaccesibil sau care nu este un server principal valid
cus-status-unreachableSince = Sistem inaccesibil sau offline de { $duration }
cus-status-upgradeRightsNotEnabled = Drepturile de actualizare a versiunii nu sunt activate
cus-status-waitingForInitialConnection = Se așteaptă conexiunea inițială

## Detalii (CUS-5)
cus-close = Închide
cus-details-entry = Fișa clientului
cus-field-address = Adresă
cus-last-seen = Ultima conectare
cus-service-disabled = cont de serviciu dezactivat
cus-assigned = Conturi alocate
cus-assigned-manual = alocat manual
cus-assigned-label = alocat prin etichetă
cus-systems = Sisteme și servere
cus-no-systems = Niciun sistem nu s-a conectat încă.
cus-no-servers = Sistemul nu și-a raportat încă serverele.
cus-system-connected = Conectat acum
cus-system-disconnected = Neconectat
cus-server-name = Server
cus-server-role = Rol
cus-server-state = Stare
cus-server-role-primary = Principal
cus-server-role-secondary = Secundar
cus-server-role-expansion = Extensie
cus-server-role-application = Server de aplicații
cus-server-state-online = Online
cus-server-state-offline = Offline
cus-certificate = Certificatul sistemului (emis de acest hub)
cus-certificate-serial = Număr de serie
cus-certificate-names = Acoperă
cus-certificate-expires = Expiră la
cus-certificate-failure = Ultima reînnoire a eșuat
cus-flags = Operațiuni la distanță
cus-flag-centralManagement = Administrare centralizată
cus-flag-centralDiagnosticLogs = Jurnale de diagnosticare centralizate
cus-flag-remoteUpgradeBackup = Actualizare și backup la distanță
cus-flag-remoteAccess = Acces la distanță
cus-flag-colocatedServers = Servere colocate
cus-flag-autoCertificateManagement = Gestionare automată a certificatelor
cus-flag-phoneAutoProvisioning = Provizionare automată a telefoanelor

## Testare conexiune (CUS-2)
cus-test = Testare conexiune
cus-test-ok = Testarea conexiunii a reușit: sistemul este conectat și autentificat.
cus-test-failed = Testarea conexiunii a eșuat: { $reason }
cus-test-after-save = După salvare, deschideți clientul și folosiți Testare conexiune.

## Adăugare / editare (CUS-1, CUS-2)
cus-add-title = Adăugare client
cus-edit-title = Editare client
cus-field-name = Nume
cus-field-customerId = ID client
cus-customerId-hint = Folosit în adresele de asistență la distanță: litere mici, cifre și cratime.
cus-customerId-locked = ID-ul clientului nu poate fi modificat (vedeți Preferințe).
cus-service-account = Cont de serviciu (folosit de sistem pentru conectare)
cus-field-serviceUserName = Nume utilizator de serviciu
cus-field-servicePassword = Parolă de serviciu
cus-field-confirmServicePassword = Confirmare parolă de serviciu
cus-field-serviceDisabled = Cont de serviciu dezactivat
cus-field-distributor = Distribuitor
cus-field-reseller = Revânzător
cus-reseller-hint = Revânzătorul trebuie să aparțină distribuitorului ales.
cus-tags-hint = cel mult 5, separate prin virgulă, de ex. gold, north
cus-field-phone = Telefon
cus-field-operators = Operatori alocați
cus-operators-hint = Țineți apăsat Ctrl (sau ⌘) pentru a selecta mai mulți. Conturile a căror etichetă este numele distribuitorului sau al revânzătorului sunt alocate automat.
cus-operators-kept = Alocați și ei, păstrați neschimbați: { $logins }.
cus-rule-dns-label = trebuie să fie o etichetă DNS: între 1 și 63 de litere mici, cifre sau cratime, fără cratimă la început sau la sfârșit.
cus-rule-customer-id-fixed = nu poate fi modificat: preferințele serverului nu permit modificarea ID-ului unui client.
cus-rule-operator-not-yours = include un cont pe care nu l-ați creat dvs.
cus-rule-operator-invalid = include un cont care nu poate fi alocat.
cus-rule-reseller-mismatch = trebuie să fie un revânzător al distribuitorului ales.
cus-rule-distributor-invalid = nu este un distribuitor cunoscut.
cus-rule-password-mismatch = nu corespunde cu parola de serviciu.
cus-rule-not-allowed = nu este permis.

## Ștergere (CUS-2)
cus-delete-title = Ștergere clienți
cus-delete-confirm = Ștergeți acești clienți, sistemele și alarmele lor? Operațiunea nu poate fi anulată.

## Furnizori (TEN-1)
prov-title = Distribuitori și revânzători
prov-intro = Fiecare client își indică distribuitorul și un revânzător al acelui distribuitor. Conturilor a căror etichetă este identică cu numele unui distribuitor sau revânzător le sunt alocați automat clienții acestuia.
prov-distributor = Distribuitor
prov-reseller = Revânzător
prov-customers = Clienți
prov-name = Nume
prov-empty = Niciun distribuitor deocamdată.
prov-add-distributor = Adăugare distribuitor
prov-add-reseller = Adăugare revânzător
prov-added = Adăugat.
prov-deleted = Șters.
prov-distributor-in-use = Acest distribuitor are încă revânzători sau clienți: mutați-i sau ștergeți-i mai întâi.
prov-reseller-in-use = Acest revânzător are încă clienți: mutați-i sau ștergeți-i mai întâi.
cus-list-none = Niciun client deocamdată.

# Jobs (JOB-3, JOB-4, BKP-1, SYS-6): why a request on jobs is refused.
jobs-refused-immediate = O lucrare pornită imediat nu poate fi întreruptă, reluată sau oprită.
jobs-refused-in-progress = O lucrare în curs nu poate fi ștearsă.
jobs-refused-not-scheduled = Doar o lucrare programată care nu a început poate fi întreruptă.
jobs-refused-not-paused = Doar o lucrare întreruptă poate fi reluată.
jobs-refused-ended = Lucrarea s-a încheiat: nu mai poate rula.
jobs-refused-no-system = Un client selectat nu are încă niciun sistem cunoscut de hub.
jobs-refused-backup-disabled = Actualizarea și backupul de la distanță sunt dezactivate pe un sistem selectat.
jobs-refused-logs-disabled = Jurnalele centrale de diagnosticare sunt dezactivate pe un sistem selectat.
jobs-refused-busy = O altă acțiune rulează pe un sistem selectat: o singură acțiune pe sistem la un moment dat.
jobs-refused-role = Rolul dumneavoastră nu permite modificarea unora dintre activitățile selectate.
prov-enrolment = Înrolare
prov-enrolment-make = Creează credențialul de înrolare
prov-enrolment-rotate = Înlocuiește credențialul
prov-enrolment-made-on = Credențial creat la { $date }
prov-enrolment-auto-on = Sistemele noi sunt confirmate automat (dezactivează)
prov-enrolment-auto-off = Sistemele noi așteaptă confirmarea (confirmă automat)
prov-enrolment-made = Credențialul de înrolare a fost creat. Cel anterior nu mai funcționează.
prov-enrolment-once = Copiați acest credențial acum: este afișat o singură dată. Dați-l sistemelor furnizorului (patchbay-agent run --enrolment-file).
prov-enrolment-saved = Preferința de înrolare a fost salvată.
cus-enrolment-pending = Acest client a fost adăugat de un sistem care s-a înrolat singur. Sistemul său este refuzat, fără nicio operațiune la distanță, până când îl confirmați.
cus-enrolment-confirm = Confirmă clientul
cus-enrolment-confirmed = Client confirmat: sistemul său se conectează complet la următoarea încercare.
