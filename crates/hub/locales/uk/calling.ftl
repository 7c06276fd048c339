# Patchbay messages (uk) — calling provisioning console (SPEC §15, RBAC-5). Missing messages fall back to English.
calling-menu = Телефонія
calling-menu-devices = Пристрої
calling-menu-people = Користувачі
calling-menu-workspaces = Робочі простори
calling-menu-locations = Розташування
calling-menu-numbers = Номери
calling-back-home = Повернутися до пристроїв
calling-org = Організація
calling-org-switch = Змінити
calling-org-more = Інші організації…
calling-pick-title = Виберіть організацію
calling-pick-intro = Налаштування телефонії виконується для однієї організації клієнта за раз. Виберіть організацію.
calling-pick-none = Вам не доступна жодна організація клієнта.
calling-pick-more = Знайдено більше організацій; уточніть пошук.
calling-none = Немає
calling-next = Далі
calling-back = Назад
calling-copy = Копіювати
calling-full = заповнено
calling-search-more = Знайдено більше записів; уточніть пошук.

# Стовпці та поля
calling-col-name = Ім'я / назва
calling-col-owner = Власник
calling-col-model = Модель
calling-col-mac = MAC-адреса
calling-col-sipUserName = Ім'я користувача SIP
calling-col-status = Стан
calling-col-created = Створено
calling-col-devices = Пристрої
calling-col-port = Порт
calling-col-member = Користувач або робочий простір
calling-col-lineType = Лінія
calling-col-state = Стан
calling-col-assignedTo = Призначено
calling-field-email = Електронна пошта
calling-field-firstName = Ім'я
calling-field-lastName = Прізвище
calling-field-displayName = Відображуване ім'я
calling-field-licence = Ліцензія телефонії
calling-field-location = Розташування
calling-field-extension = Внутрішній номер
calling-field-phoneNumber = Номер телефону
calling-field-workspaceName = Назва робочого простору
calling-field-roomType = Тип приміщення
calling-field-capacity = Місткість
calling-field-kind = Вид пристрою
calling-field-vendor = Виробник
calling-field-deviceType = Тип пристрою
calling-field-sipPassword = Пароль SIP
calling-field-linePort = Лінія / порт
calling-field-outboundProxy = Вихідний проксі-сервер
calling-field-registrar = Домен реєстратора
calling-field-timeZone = Часовий пояс
calling-field-preferredLanguage = Бажана мова
calling-field-announcementLanguage = Мова оголошень
calling-field-address1 = Адреса, рядок 1
calling-field-address2 = Адреса, рядок 2
calling-field-city = Місто
calling-field-state = Область / регіон
calling-field-postalCode = Поштовий індекс
calling-field-country = Країна
calling-field-numberType = Тип номера
calling-field-assigned = Призначення
calling-address = Адреса
calling-country-hint = Дволітерний код ISO 3166, наприклад FR, GB, US.
calling-display-name-hint = Якщо залишити порожнім, використовуються ім'я та прізвище.

# Ліцензії
calling-licences = Ліцензії телефонії
calling-licence-total = Усього
calling-licence-consumed = Призначено
calling-licence-professional = Професійна
calling-licence-basic = Базова
calling-licence-workspaces = Робочі простори (загальна зона)
calling-licence-none = Без ліцензії телефонії
calling-wlicence-professional = Професійна (до 5 пристроїв)
calling-wlicence-commonArea = Загальна зона (1 пристрій)
calling-wlicence-hint = Професійний робочий простір вміщує до 5 пристроїв; робочий простір загальної зони — рівно один.

# Пристрої
calling-device-add = Додати пристрій
calling-device-add-another = Додати ще один пристрій
calling-devices-search = Пошук за власником, моделлю або MAC
calling-device-created = Пристрій додано.
calling-device-deleted = Пристрій видалено. Видаліть його реєстраційні дані SIP з фізичного пристрою.
calling-device-delete-title = Видалити пристрій
calling-device-delete-confirm = Пристрій і його лінії буде видалено. Видаліть реєстраційні дані SIP (ім'я користувача, пароль, реєстратор) з фізичного пристрою, інакше він і далі намагатиметься зареєструватися.
calling-no-devices = Пристроїв ще немає.
calling-kind-customer = Пристрій, керований клієнтом
calling-kind-customer-hint = сторонній SIP-телефон, адаптер або шлюз, який ви налаштовуєте самостійно; сюди належать профілі «Generic SIP phone» і «Generic SIP gateway» для будь-якого пристрою з SIP-TLS 1.2
calling-kind-partner = Пристрій, керований партнером
calling-kind-partner-hint = тип пристрою зі схваленого списку постачальника; ви вказуєте його пароль SIP
calling-kind-fax = Служба факсу
calling-kind-fax-hint = факсова лінія; її MAC-адреса генерується автоматично
calling-vendor-any = Будь-який виробник
calling-model-hint = Виберіть виробника, а потім модель. «Generic SIP phone» і «Generic SIP gateway» підходять для будь-якого пристрою з SIP-TLS 1.2.
calling-ports = портів: { $ports }
calling-mac-hint = 12 шістнадцяткових цифр, з роздільниками або без них (00:1A:2B:3C:4D:5E, 001A.2B3C.4D5E, 001A2B3C4D5E).
calling-mac-generated = згенерована
calling-fax-hint = Служба факсу отримує згенеровану MAC-адресу-заповнювач; її не можна змінити.
calling-sip-password-hint = Щонайменше 16 символів: великі й малі літери, цифри та один із символів * _ - + =; жоден символ не може повторюватися тричі поспіль.
calling-disclaimer = Я підтверджую, що ці облікові дані SIP належать клієнтові і що він несе відповідальність за будь-яке телефонне шахрайство, вчинене з їх використанням.
calling-step-usage = Використання
calling-step-device = Пристрій
calling-step-credentials = Облікові дані
calling-usage-personal = Особисте використання
calling-usage-personal-hint = пристрій належить одному користувачеві
calling-usage-shared = Спільне використання
calling-usage-shared-existing = Спільне використання, наявний робочий простір
calling-usage-shared-existing-hint = приміщення або зона, що вже існує
calling-usage-shared-new = Спільне використання, новий робочий простір
calling-usage-shared-new-hint = робочий простір створюється разом із пристроєм
calling-usage-person = користувач
calling-usage-workspace = робочий простір
calling-person-search = Пошук за ім'ям або електронною поштою
calling-workspace-new = новий робочий простір
calling-workspace-change = Змінити робочий простір
calling-owner-change = Вибрати іншого власника
calling-owner-gone = Вибраний користувач або робочий простір більше не існує в цій організації.
calling-workspace-full = Цей робочий простір досяг ліміту пристроїв.
calling-workspace-no-licence = Цей робочий простір не має ліцензії телефонії, тому до нього не можна додавати пристрої.
calling-credentials-title = Облікові дані SIP нового пристрою
calling-credentials-once = Пароль показано лише на цій сторінці. Скопіюйте його або завантажте CSV зараз: потім його буде приховано, і його можна буде лише скинути.
calling-credentials-csv = Завантажити CSV
calling-credentials-csv-hint = Файл формується з цієї сторінки; Patchbay не зберігає пароль у відкритому вигляді.
calling-credentials-done = Перейти до пристрою
calling-password-masked = Пароль SIP показується лише один раз — під час додавання пристрою або скидання його пароля.
calling-password-reset = Скинути пароль SIP
calling-password-update = Оновити пароль
calling-password-reset-confirm = Новий пароль SIP замінить поточний. Після цього фізичний пристрій потрібно налаштувати з новим паролем, інакше він перестане реєструватися.
calling-password-partner-hint = Залиште порожнім, щоб згенерувати пароль, або введіть пароль, який використовує пристрій, керований партнером.
calling-password-new-title = Новий пароль SIP
calling-password-changed = Пароль SIP замінено.
calling-status-connected = Зареєстровано
calling-status-disconnected = Поза мережею
calling-status-activating = Активація
calling-status-offline_expired = Термін дії коду активації минув
calling-status-connected_with_issues = Зареєстровано з проблемами
calling-status-unknown = Невідомо

# Лінії (DEV-6)
calling-lines-title = Лінії
calling-lines-configure = Налаштувати лінії
calling-lines-ports = Кількість портів моделі: { $ports }.
calling-lines-used = Використано портів: { $used }
calling-lines-shared-note = Спільні лінії використовують ім'я користувача SIP, пароль і вихідний проксі-сервер першої лінії.
calling-lines-add-title = Додати спільну лінію
calling-line-add = Додати
calling-line-added = Лінію додано.
calling-line-remove = Вилучити
calling-lines-remove-all = Вилучити всі спільні лінії
calling-lines-removed = Лінії вилучено. Видаліть також їхні дані SIP з фізичного пристрою.
calling-lines-full = Усі порти цієї моделі зайняті: додати лінію неможливо.
calling-lines-not-configurable = Лінії можна налаштовувати лише на пристроях, керованих клієнтом, які мають більше одного порту.
calling-lines-member-invalid = Цього користувача або робочий простір не можна додати до цього пристрою.
calling-lines-member-taken = Цей користувач або робочий простір уже має лінію на цьому пристрої.
calling-line-primary = Основна (власник)
calling-line-shared = Спільна лінія
calling-members-search = Пошук користувачів і робочих просторів

# Користувачі
calling-person-add = Додати користувача
calling-person-edit = Редагувати користувача
calling-person-created = Користувача додано.
calling-person-updated = Користувача оновлено.
calling-person-deleted = Користувача видалено.
calling-person-delete-title = Видалити користувача
calling-person-delete-confirm = Користувача буде видалено разом із його пристроями (кількість: { $count }); його ліцензія, внутрішній номер і номер телефону звільняться.

# Робочі простори
calling-workspace-add = Додати робочий простір
calling-workspace-edit = Редагувати робочий простір
calling-workspace-created = Робочий простір додано.
calling-workspace-updated = Робочий простір оновлено.
calling-workspace-deleted = Робочий простір видалено.
calling-workspace-delete-title = Видалити робочий простір
calling-workspace-delete-confirm = Робочий простір буде видалено разом із його пристроями (кількість: { $count }); його ліцензія, внутрішній номер і номер телефону звільняться.
calling-workspace-name-hint = Не більше 30 символів, без % # < > / \ ".
calling-room-notSet = Не задано
calling-room-focus = Кімната для зосередженої роботи
calling-room-huddle = Кімната для коротких нарад
calling-room-meetingRoom = Переговорна кімната
calling-room-open = Відкрита зона
calling-room-desk = Робоче місце
calling-room-other = Інше

# Розташування
calling-location-add = Додати розташування
calling-location-edit = Редагувати розташування
calling-location-created = Розташування додано.
calling-location-updated = Розташування оновлено.
calling-location-deleted = Розташування видалено.
calling-location-delete-title = Видалити розташування
calling-location-delete-confirm = Розташування та його непризначені номери буде видалено. Розташування, яке використовують користувачі або робочі простори, видалити не можна.
calling-no-locations = Розташувань ще немає.
calling-language-en_us = Англійська (США)
calling-language-en_gb = Англійська (Велика Британія)
calling-language-fr_fr = Французька (Франція)
calling-language-fr_ca = Французька (Канада)
calling-language-ro_ro = Румунська
calling-language-ko_kr = Корейська
calling-language-uk_ua = Українська
calling-language-de_de = Німецька
calling-language-es_es = Іспанська
calling-language-it_it = Італійська
calling-language-nl_nl = Нідерландська
calling-language-pt_br = Португальська (Бразилія)

# Номери (NUM-1)
calling-numbers-add = Додати номери
calling-numbers-added = Номери додано.
calling-numbers-removed = Номери вилучено.
calling-numbers-remove = Вилучити вибрані
calling-numbers-remove-title = Вилучити номери
calling-numbers-remove-confirm = Ці непризначені номери буде вилучено з їхнього розташування.
calling-numbers-list = Номери
calling-numbers-hint = Номери у форматі E.164 (+ і код країни), розділені комами або з нового рядка. Додаються або всі, або жоден.
calling-numbers-invalid = Це не номери у форматі E.164, нічого не додано: { $numbers }
calling-numbers-taken = Принаймні один із цих номерів уже існує на платформі; нічого не додано.
calling-number-fixed = Стаціонарний
calling-number-mobile = мобільний
calling-number-tollfree = Безкоштовний
calling-number-active = Активний
calling-number-inactive = Неактивний
calling-number-hint = Можна вибрати лише непризначені номери вибраного розташування.
calling-assigned-yes = Призначено
calling-assigned-no = Не призначено

# Правила полів
calling-rule-mac = не є MAC-адресою: потрібно 12 шістнадцяткових цифр, адреса не може бути широкомовною або груповою.
calling-rule-mac-taken = уже використовується іншим пристроєм.
calling-rule-sip-password = має містити щонайменше 16 символів: великі й малі літери, цифри та один із символів * _ - + =; жоден символ не може повторюватися тричі поспіль, і пароль не може містити ім'я користувача SIP.
calling-rule-disclaimer = потрібно позначити: облікові дані належать клієнтові, і він несе відповідальність за телефонне шахрайство.
calling-rule-workspace-name = не може містити % # < > / \ ".
calling-rule-extension = має містити від 2 до 10 цифр.
calling-rule-extension-taken = уже використовується в цьому розташуванні.
calling-rule-number = має бути номером у форматі E.164 (+ і код країни).
calling-rule-number-taken = не є вільним номером вибраного розташування.
calling-rule-location-needed = обов'язкове для внутрішнього номера або номера телефону.
calling-rule-time-zone = не є відомим часовим поясом (наприклад, Europe/Paris).
calling-rule-country = має бути дволітерним кодом ISO 3166.

# Конфлікти (також використовуються для локалізації помилок API)
conflict-licence-professional = Не залишилося жодної ліцензії телефонії «Професійна»: усі одиниці призначено. Попросіть додаткові у свого постачальника або звільніть одну.
conflict-licence-basic = Не залишилося жодної ліцензії телефонії «Базова»: усі одиниці призначено. Попросіть додаткові у свого постачальника або звільніть одну.
conflict-licence-workspaces = Не залишилося жодної ліцензії телефонії «Робочі простори»: усі одиниці призначено. Попросіть додаткові у свого постачальника або звільніть одну.
conflict-location-in-use = Розташування досі використовують користувачі або робочі простори; спершу перемістіть або видаліть їх.
conflict-number-in-use = Номер призначено користувачеві або робочому простору; спершу скасуйте призначення.
conflict-workspace-device-limit = Робочий простір уже має стільки пристроїв, скільки дозволяє його ліцензія телефонії (професійна: 5, загальна зона: 1).
conflict-workspace-no-licence = Робочий простір не має ліцензії телефонії, тому до нього не можна додавати пристрої.
conflict-workspace-licence-devices = Робочий простір має більше пристроїв, ніж дозволяє ця ліцензія; спершу вилучіть пристрої.
conflict-model-in-use = Цю модель досі використовують пристрої; її не можна вилучити.
calling-devices-none = Пристроїв ще немає.
calling-numbers-none = Номерів ще немає: додайте номери організації, щоб їх призначати.
calling-lines-no-candidates = Не залишилося жодного користувача чи робочого простору, якого можна додати до цього пристрою.
calling-people-none = Користувачів ще немає.
calling-workspaces-none = Робочих просторів ще немає.
calling-locations-none = Розташувань ще немає: телефонія починається з розташування.

# SIP-3: registration of each line
calling-col-lineUser = Користувач SIP
calling-col-registration = Реєстрація
calling-reg-registered = Зареєстровано
calling-reg-not = Не зареєстровано
calling-col-lastRegistration = Остання реєстрація
calling-col-regExpires = Закінчується
calling-col-regSource = Адреса джерела
calling-col-userAgent = Агент користувача
calling-reg-contacts = Контакти: { $n }

# PRV-2 / PRV-3: provisioning credentials and the last fetch
calling-field-provUser = Користувач ініціалізації
calling-field-provPassword = Пароль ініціалізації
calling-field-provisioned = Файл конфігурації отримано
