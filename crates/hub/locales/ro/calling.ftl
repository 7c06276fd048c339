# Patchbay messages (ro) — calling provisioning console (SPEC §15, RBAC-5). Missing messages fall back to English.
calling-menu = Telefonie
calling-menu-devices = Dispozitive
calling-menu-people = Persoane
calling-menu-workspaces = Spații de lucru
calling-menu-locations = Locații
calling-menu-numbers = Numere
calling-back-home = Înapoi la dispozitive
calling-org = Organizație
calling-org-switch = Schimbare
calling-org-more = Mai multe organizații…
calling-pick-title = Alegeți o organizație
calling-pick-intro = Provizionarea telefoniei se face pentru o singură organizație client odată. Alegeți una.
calling-pick-none = Nu aveți acces la nicio organizație client.
calling-pick-more = Mai multe organizații corespund căutării; restrângeți căutarea.
calling-none = Fără
calling-next = Înainte
calling-back = Înapoi
calling-copy = Copiere
calling-full = complet
calling-search-more = Mai multe înregistrări corespund căutării; restrângeți căutarea.

# Coloane și câmpuri
calling-col-name = Nume
calling-col-owner = Proprietar
calling-col-model = Model
calling-col-mac = Adresă MAC
calling-col-sipUserName = Nume utilizator SIP
calling-col-status = Stare
calling-col-created = Creat
calling-col-devices = Dispozitive
calling-col-port = Port
calling-col-member = Persoană sau spațiu de lucru
calling-col-lineType = Linie
calling-col-state = Stare
calling-col-assignedTo = Alocat către
calling-field-email = E-mail
calling-field-firstName = Prenume
calling-field-lastName = Nume de familie
calling-field-displayName = Nume afișat
calling-field-licence = Licență de telefonie
calling-field-location = Locație
calling-field-extension = Interior
calling-field-phoneNumber = Număr de telefon
calling-field-workspaceName = Nume spațiu de lucru
calling-field-roomType = Tip de sală
calling-field-capacity = Capacitate
calling-field-kind = Categorie dispozitiv
calling-field-vendor = Producător
calling-field-deviceType = Tip dispozitiv
calling-field-sipPassword = Parolă SIP
calling-field-linePort = Linie / port
calling-field-outboundProxy = Proxy de ieșire
calling-field-registrar = Domeniu registrar
calling-field-timeZone = Fus orar
calling-field-preferredLanguage = Limbă preferată
calling-field-announcementLanguage = Limba anunțurilor
calling-field-address1 = Adresă, rândul 1
calling-field-address2 = Adresă, rândul 2
calling-field-city = Oraș
calling-field-state = Județ / regiune
calling-field-postalCode = Cod poștal
calling-field-country = Țară
calling-field-numberType = Tip număr
calling-field-assigned = Alocare
calling-address = Adresă
calling-country-hint = Cod ISO 3166 din două litere, de exemplu FR, GB, US.
calling-display-name-hint = Dacă rămâne gol, se folosesc prenumele și numele de familie.

# Licențe
calling-licences = Licențe de telefonie
calling-licence-total = Total
calling-licence-consumed = Alocate
calling-licence-professional = Profesională
calling-licence-basic = De bază
calling-licence-workspaces = Spații de lucru (zonă comună)
calling-licence-none = Fără licență de telefonie
calling-wlicence-professional = Profesională (până la 5 dispozitive)
calling-wlicence-commonArea = Zonă comună (1 dispozitiv)
calling-wlicence-hint = Un spațiu de lucru profesional acceptă până la 5 dispozitive; unul de zonă comună, exact unul.

# Dispozitive
calling-device-add = Adăugare dispozitiv
calling-device-add-another = Adăugare alt dispozitiv
calling-devices-search = Căutare după proprietar, model sau MAC
calling-device-created = Dispozitivul a fost adăugat.
calling-device-deleted = Dispozitivul a fost șters. Eliminați datele de înregistrare SIP de pe dispozitivul fizic.
calling-device-delete-title = Ștergere dispozitiv
calling-device-delete-confirm = Dispozitivul și liniile sale vor fi șterse. Eliminați datele de înregistrare SIP (nume de utilizator, parolă, registrar) de pe dispozitivul fizic; altfel, acesta va încerca în continuare să se înregistreze.
calling-no-devices = Niciun dispozitiv deocamdată.
calling-kind-customer = Dispozitiv gestionat de client
calling-kind-customer-hint = un telefon, adaptor sau gateway SIP terț pe care îl configurați dvs.; include profilurile Generic SIP phone și Generic SIP gateway pentru orice dispozitiv SIP-TLS 1.2
calling-kind-partner = Dispozitiv gestionat de partener
calling-kind-partner-hint = un tip de dispozitiv din lista aprobată a furnizorului; parola SIP o furnizați dvs.
calling-kind-fax = Serviciu de fax
calling-kind-fax-hint = o linie de fax; adresa MAC a acesteia este generată
calling-vendor-any = Orice producător
calling-model-hint = Alegeți producătorul, apoi modelul. Generic SIP phone și Generic SIP gateway se potrivesc oricărui dispozitiv SIP-TLS 1.2.
calling-ports = porturi: { $ports }
calling-mac-hint = 12 cifre hexazecimale, cu sau fără separatori (00:1A:2B:3C:4D:5E, 001A.2B3C.4D5E, 001A2B3C4D5E).
calling-mac-generated = generată
calling-fax-hint = Serviciul de fax primește o adresă MAC fictivă, generată automat; aceasta nu poate fi modificată.
calling-sip-password-hint = Cel puțin 16 caractere, cu litere mari și mici, cifre și unul dintre caracterele * _ - + =, fără ca un caracter să apară de trei ori la rând.
calling-disclaimer = Confirm că aceste date de autentificare SIP aparțin clientului și că acesta răspunde pentru orice fraudă telefonică comisă cu ele.
calling-step-usage = Utilizare
calling-step-device = Dispozitiv
calling-step-credentials = Date de autentificare
calling-usage-personal = Utilizare personală
calling-usage-personal-hint = dispozitivul aparține unei singure persoane
calling-usage-shared = Utilizare partajată
calling-usage-shared-existing = Utilizare partajată, spațiu de lucru existent
calling-usage-shared-existing-hint = o sală sau o zonă care există deja
calling-usage-shared-new = Utilizare partajată, spațiu de lucru nou
calling-usage-shared-new-hint = spațiul de lucru este creat odată cu dispozitivul
calling-usage-person = persoană
calling-usage-workspace = spațiu de lucru
calling-person-search = Căutare după nume sau e-mail
calling-workspace-new = spațiu de lucru nou
calling-workspace-change = Schimbare spațiu de lucru
calling-owner-change = Schimbare proprietar
calling-owner-gone = Persoana sau spațiul de lucru ales nu mai există în această organizație.
calling-workspace-full = Acest spațiu de lucru a atins limita de dispozitive.
calling-workspace-no-licence = Acest spațiu de lucru nu are licență de telefonie, deci nu poate avea dispozitive.
calling-credentials-title = Datele de autentificare SIP ale noului dispozitiv
calling-credentials-once = Parola este afișată numai pe această pagină. Copiați-o sau descărcați acum fișierul CSV: ulterior va fi mascată și va putea fi doar resetată.
calling-credentials-csv = Descărcare CSV
calling-credentials-csv-hint = Fișierul este generat din această pagină; hubul nu păstrează parola în clar.
calling-credentials-done = Accesare dispozitiv
calling-password-masked = Parola SIP este afișată o singură dată, la adăugarea dispozitivului sau la resetarea parolei sale.
calling-password-reset = Resetare parolă SIP
calling-password-update = Actualizare parolă
calling-password-reset-confirm = O parolă SIP nouă o înlocuiește pe cea actuală. Dispozitivul fizic trebuie apoi configurat cu noua parolă; altfel, nu se mai înregistrează.
calling-password-partner-hint = Lăsați câmpul gol pentru a genera o parolă sau introduceți parola folosită de dispozitivul gestionat de partener.
calling-password-new-title = Parolă SIP nouă
calling-password-changed = Parola SIP a fost înlocuită.
calling-status-connected = Înregistrat
calling-status-disconnected = Offline
calling-status-activating = În curs de activare
calling-status-offline_expired = Cod de activare expirat
calling-status-connected_with_issues = Înregistrat, cu probleme
calling-status-unknown = Necunoscut

# Linii (DEV-6)
calling-lines-title = Linii
calling-lines-configure = Configurare linii
calling-lines-ports = Numărul de porturi al modelului: { $ports }.
calling-lines-used = Porturi utilizate: { $used }
calling-lines-shared-note = Liniile partajate folosesc numele de utilizator SIP, parola și proxy-ul de ieșire ale primei linii.
calling-lines-add-title = Adăugare linie partajată
calling-line-add = Adăugare
calling-line-added = Linia a fost adăugată.
calling-line-remove = Eliminare
calling-lines-remove-all = Eliminare toate liniile partajate
calling-lines-removed = Liniile au fost eliminate. Eliminați și datele SIP ale acestora de pe dispozitivul fizic.
calling-lines-full = Toate porturile acestui model sunt utilizate: nu se mai poate adăuga nicio linie.
calling-lines-not-configurable = Liniile pot fi configurate numai pe dispozitivele gestionate de client care au mai mult de un port.
calling-lines-member-invalid = Persoana sau spațiul de lucru respectiv nu poate fi adăugat la acest dispozitiv.
calling-lines-member-taken = Persoana sau spațiul de lucru respectiv are deja o linie pe acest dispozitiv.
calling-line-primary = Principală (proprietar)
calling-line-shared = Linie partajată
calling-members-search = Căutare persoane și spații de lucru

# Persoane
calling-person-add = Adăugare persoană
calling-person-edit = Editare persoană
calling-person-created = Persoana a fost adăugată.
calling-person-updated = Persoana a fost actualizată.
calling-person-deleted = Persoana a fost ștearsă.
calling-person-delete-title = Ștergere persoană
calling-person-delete-confirm = Persoana este ștearsă împreună cu dispozitivele sale ({ $count }); licența, interiorul și numărul său devin disponibile.

# Spații de lucru
calling-workspace-add = Adăugare spațiu de lucru
calling-workspace-edit = Editare spațiu de lucru
calling-workspace-created = Spațiul de lucru a fost adăugat.
calling-workspace-updated = Spațiul de lucru a fost actualizat.
calling-workspace-deleted = Spațiul de lucru a fost șters.
calling-workspace-delete-title = Ștergere spațiu de lucru
calling-workspace-delete-confirm = Spațiul de lucru este șters împreună cu dispozitivele sale ({ $count }); licența, interiorul și numărul său devin disponibile.
calling-workspace-name-hint = Cel mult 30 de caractere, fără % # < > / \ ".
calling-room-notSet = Nespecificat
calling-room-focus = Sală de concentrare
calling-room-huddle = Sală mică de întâlniri
calling-room-meetingRoom = Sală de ședințe
calling-room-open = Spațiu deschis
calling-room-desk = Birou
calling-room-other = Altul

# Locații
calling-location-add = Adăugare locație
calling-location-edit = Editare locație
calling-location-created = Locația a fost adăugată.
calling-location-updated = Locația a fost actualizată.
calling-location-deleted = Locația a fost ștearsă.
calling-location-delete-title = Ștergere locație
calling-location-delete-confirm = Locația și numerele sale nealocate sunt șterse. O locație folosită de persoane sau spații de lucru nu poate fi ștearsă.
calling-no-locations = Nicio locație deocamdată.
calling-language-en_us = Engleză (Statele Unite)
calling-language-en_gb = Engleză (Regatul Unit)
calling-language-fr_fr = Franceză (Franța)
calling-language-fr_ca = Franceză (Canada)
calling-language-ro_ro = Română
calling-language-ko_kr = Coreeană
calling-language-uk_ua = Ucraineană
calling-language-de_de = Germană
calling-language-es_es = Spaniolă
calling-language-it_it = Italiană
calling-language-nl_nl = Neerlandeză
calling-language-pt_br = Portugheză (Brazilia)

# Numere (NUM-1)
calling-numbers-add = Adăugare numere
calling-numbers-added = Numerele au fost adăugate.
calling-numbers-removed = Numerele au fost eliminate.
calling-numbers-remove = Eliminare selecție
calling-numbers-remove-title = Eliminare numere
calling-numbers-remove-confirm = Aceste numere nealocate sunt eliminate din locația lor.
calling-numbers-list = Numere
calling-numbers-hint = Numere E.164 (+ și prefixul țării), separate prin virgule sau pe rânduri noi. Se adaugă fie toate, fie niciunul.
calling-numbers-invalid = Acestea nu sunt numere E.164; nu s-a adăugat nimic: { $numbers }
calling-numbers-taken = Cel puțin unul dintre aceste numere există deja pe platformă; nu s-a adăugat nimic.
calling-number-fixed = Fix
calling-number-mobile = mobil
calling-number-tollfree = Număr gratuit
calling-number-active = Activ
calling-number-inactive = Inactiv
calling-number-hint = Se pot alege numai numere nealocate din locația aleasă.
calling-assigned-yes = Alocat
calling-assigned-no = Nealocat

# Reguli pentru câmpuri
calling-rule-mac = nu este o adresă MAC validă: sunt necesare 12 cifre hexazecimale, iar adresa nu poate fi de broadcast sau multicast.
calling-rule-mac-taken = este deja folosită de alt dispozitiv.
calling-rule-sip-password = trebuie să aibă cel puțin 16 caractere, cu litere mari și mici, cifre și unul dintre caracterele * _ - + =, fără ca un caracter să apară de trei ori la rând și fără a conține numele de utilizator SIP.
calling-rule-disclaimer = trebuie bifat: clientul deține datele de autentificare și răspunde pentru frauda telefonică.
calling-rule-workspace-name = nu poate conține % # < > / \ ".
calling-rule-extension = trebuie să aibă între 2 și 10 cifre.
calling-rule-extension-taken = este deja folosit în această locație.
calling-rule-number = trebuie să fie un număr E.164 (+ și prefixul țării).
calling-rule-number-taken = nu este un număr liber al locației alese.
calling-rule-location-needed = este obligatorie pentru un interior sau un număr de telefon.
calling-rule-time-zone = nu este un fus orar cunoscut (de exemplu Europe/Paris).
calling-rule-country = trebuie să fie un cod ISO 3166 din două litere.

# Conflicte (folosite și pentru localizarea erorilor API)
conflict-licence-professional = Nu mai este disponibilă nicio licență de telefonie Profesională: toate unitățile sunt alocate. Cereți mai multe furnizorului dvs. sau eliberați una.
conflict-licence-basic = Nu mai este disponibilă nicio licență de telefonie De bază: toate unitățile sunt alocate. Cereți mai multe furnizorului dvs. sau eliberați una.
conflict-licence-workspaces = Nu mai este disponibilă nicio licență de telefonie Spații de lucru: toate unitățile sunt alocate. Cereți mai multe furnizorului dvs. sau eliberați una.
conflict-location-in-use = Locația este încă folosită de persoane sau spații de lucru; mutați-le sau ștergeți-le mai întâi.
conflict-number-in-use = Numărul este alocat unei persoane sau unui spațiu de lucru; anulați mai întâi alocarea.
conflict-workspace-device-limit = Spațiul de lucru are deja numărul maxim de dispozitive permis de licența sa de telefonie (profesională: 5, zonă comună: 1).
conflict-workspace-no-licence = Spațiul de lucru nu are licență de telefonie, deci nu poate avea dispozitive.
conflict-workspace-licence-devices = Spațiul de lucru are mai multe dispozitive decât permite licența respectivă; eliminați mai întâi o parte dintre dispozitive.
conflict-model-in-use = Acest model este încă folosit de dispozitive; nu poate fi eliminat.
calling-devices-none = Niciun dispozitiv deocamdată.
calling-numbers-none = Niciun număr deocamdată: adăugați numerele organizației pentru a le atribui.
calling-lines-no-candidates = Nu a mai rămas nicio persoană sau spațiu de lucru de adăugat pe acest dispozitiv.
calling-people-none = Nicio persoană deocamdată.
calling-workspaces-none = Niciun spațiu de lucru deocamdată.
calling-locations-none = Nicio locație deocamdată: telefonia începe cu o locație.

# SIP-3: registration of each line
calling-col-lineUser = Utilizator SIP
calling-col-registration = Înregistrare
calling-reg-registered = Înregistrat
calling-reg-not = Neînregistrat
calling-col-lastRegistration = Ultima înregistrare
calling-col-regExpires = Expiră
calling-col-regSource = Adresa sursă
calling-col-userAgent = Agent utilizator
calling-reg-contacts = Contacte: { $n }

# PRV-2 / PRV-3: provisioning credentials and the last fetch
calling-field-provUser = Utilizator de provizionare
calling-field-provPassword = Parolă de provizionare
calling-field-provisioned = Fișier de configurare descărcat
