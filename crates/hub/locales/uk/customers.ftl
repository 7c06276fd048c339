# Patchbay messages (uk) — customers. Missing messages fall back to English.
# Every id here starts with cus- or prov- so it never collides with another message file.

## Список клієнтів (CUS-4, CUS-6)
cus-col-name = Назва
cus-col-systemName = Назва системи
cus-col-customerId = ID клієнта
cus-col-profile = Профіль
cus-col-version = Версія
cus-col-alarms = Аварійні сигнали
cus-col-operators = Призначені оператори
cus-col-tags = Теги
cus-col-notes = Примітки
cus-col-status = Підключення
cus-col-connectivity = Підключення
cus-col-icons = Значки стану
cus-alarms-link = Показати аварійні сигнали цього клієнта
cus-icon-attention = Потребує уваги
cus-icon-action-inProgress = Виконується дія: іншу не можна почати
cus-icon-action-completed = Останню дію завершено
cus-icon-action-failed = Остання дія не вдалася
cus-operators-title = Призначено вручну: { $logins }. Облікові записи, призначені за міткою, наведено в подробицях.
cus-operators-none = Жодного облікового запису не призначено.
cus-created = Клієнта додано. Коли його систему буде налаштовано, скористайтеся функцією «Перевірити підключення».
cus-updated = Клієнта оновлено.
cus-deleted = Вибраних клієнтів видалено.
cus-yes = Так
cus-no = Ні
cus-none = Немає

## Фільтр (CUS-6)
cus-filter-connectivity = Підключення
cus-filter-status = Стан
cus-filter-tag = Тег
cus-filter-version = Версія
cus-filter-profile = Профіль
cus-filter-distributor = Дистриб'ютор
cus-filter-reseller = Реселер
cus-filter-hasAlarms = З аварійними сигналами
cus-filter-hide = Сховати фільтр

## Світлофор (SYS-2)
cus-light-green = Підключено
cus-light-amber = Потребує уваги
cus-light-red = Не підключено

## Повідомлення про підключення (SYS-3)
cus-status-authorisationFailed = Помилка авторизації
cus-status-connectionFailed = Помилка підключення
cus-status-connectionSuccessful = Підключення успішне
cus-status-insufficientRights = Недостатньо прав
cus-status-invalidCredentials = Недійсні облікові дані
cus-status-legacy = Застаріла система: лише моніторинг, без віддалених служб
cus-status-tooManySessions = Забагато одночасних сеансів
cus-status-newPasswordRequired = Для службового облікового запису потрібен новий пароль
cus-status-noAuthorisationProvided = Авторизацію не надано (обмежені функції)
cus-status-noUserRightsEnabled = Для цієї системи не ввімкнено жодних прав користувача
cus-status-remoteOperationsNotAllowed = Віддалені операції заборонено
cus-status-readRightsNotEnabled = Права на читання для моніторингу служб не ввімкнено
cus-status-disabledByAdministrator = Службовий обліковий запис вимкнено адміністратором
cus-status-temporarilyLocked = Службовий обліковий запис тимчасово заблоковано
cus-status-pendingConfirmation = Зареєстровано автоматично: очікує підтвердження
cus-status-currentlyDisabled = Службовий обліковий запис наразі вимкнено
cus-status-passwordExpired = Термін дії службового пароля минув
cus-status-unreachableNotPrimary = Система недоступна або не є дійсним основним сервером
cus-status-unreachableSince = Система недоступна або офлайн протягом { $duration }
cus-status-upgradeRightsNotEnabled = Права на оновлення не ввімкнено
cus-status-waitingForInitialConnection = Очікування першого підключення

## Подробиці (CUS-5)
cus-close = Закрити
cus-details-entry = Запис клієнта
cus-field-address = Адреса
cus-last-seen = Остання активність
cus-service-disabled = службовий обліковий запис вимкнено
cus-assigned = Призначені облікові записи
cus-assigned-manual = призначено вручну
cus-assigned-label = призначено за міткою
cus-systems = Системи та сервери
cus-no-systems = Жодна система ще не підключилася.
cus-no-servers = Система ще не повідомила про свої сервери.
cus-system-connected = Зараз підключено
cus-system-disconnected = Не підключено
cus-server-name = Сервер
cus-server-role = Роль
cus-server-state = Стан
cus-server-role-primary = Основний
cus-server-role-secondary = Вторинний
cus-server-role-expansion = Розширення
cus-server-role-application = Сервер застосунків
cus-server-state-online = У мережі
cus-server-state-offline = Поза мережею
cus-certificate = Сертифікат системи (видано цим хабом)
cus-certificate-serial = Серійний номер
cus-certificate-names = Охоплює
cus-certificate-expires = Діє до
cus-certificate-failure = Останнє оновлення не вдалося
cus-flags = Віддалені операції
cus-flag-centralManagement = Централізоване керування
cus-flag-centralDiagnosticLogs = Централізовані діагностичні журнали
cus-flag-remoteUpgradeBackup = Віддалене оновлення та резервне копіювання
cus-flag-remoteAccess = Віддалений доступ
cus-flag-colocatedServers = Спільно розміщені сервери
cus-flag-autoCertificateManagement = Автоматичне керування сертифікатами
cus-flag-phoneAutoProvisioning = Автоматичне налаштування телефонів

## Перевірка підключення (CUS-2)
cus-test = Перевірити підключення
cus-test-ok = Перевірка підключення успішна: систему підключено й автентифіковано.
cus-test-failed = Перевірка підключення не вдалася: { $reason }
cus-test-after-save = Після збереження відкрийте клієнта й скористайтеся функцією «Перевірити підключення».

## Додавання / редагування (CUS-1, CUS-2)
cus-add-title = Додати клієнта
cus-edit-title = Редагувати клієнта
cus-field-name = Назва
cus-field-customerId = ID клієнта
cus-customerId-hint = Використовується в адресах віддаленої підтримки: малі латинські літери, цифри та дефіси.
cus-customerId-locked = ID клієнта не можна змінити (див. «Параметри»).
cus-service-account = Службовий обліковий запис (використовується системою для підключення)
cus-field-serviceUserName = Ім'я службового користувача
cus-field-servicePassword = Службовий пароль
cus-field-confirmServicePassword = Підтвердження службового пароля
cus-field-serviceDisabled = Службовий обліковий запис вимкнено
cus-field-distributor = Дистриб'ютор
cus-field-reseller = Реселер
cus-reseller-hint = Реселер має належати до вибраного дистриб'ютора.
cus-tags-hint = до 5, через кому, наприклад: gold, north
cus-field-phone = Телефон
cus-field-operators = Призначені оператори
cus-operators-hint = Утримуйте Ctrl (або ⌘), щоб вибрати кілька. Облікові записи, мітка яких збігається з назвою дистриб'ютора або реселера, призначаються автоматично.
cus-operators-kept = Також призначені й залишаються без змін: { $logins }.
cus-rule-dns-label = має бути DNS-міткою: від 1 до 63 малих латинських літер, цифр або дефісів, не може починатися або закінчуватися дефісом.
cus-rule-customer-id-fixed = не можна змінити: параметри сервера не дозволяють змінювати ID клієнта.
cus-rule-operator-not-yours = містить обліковий запис, який створили не ви.
cus-rule-operator-invalid = містить обліковий запис, який не можна призначити.
cus-rule-reseller-mismatch = має бути реселером вибраного дистриб'ютора.
cus-rule-distributor-invalid = не є відомим дистриб'ютором.
cus-rule-password-mismatch = не збігається зі службовим паролем.
cus-rule-not-allowed = не дозволено.

## Видалення (CUS-2)
cus-delete-title = Видалити клієнтів
cus-delete-confirm = Видалити цих клієнтів, їхні системи та аварійні сигнали? Цю дію не можна скасувати.

## Постачальники (TEN-1)
prov-title = Дистриб'ютори та реселери
prov-intro = Для кожного клієнта вказано його дистриб'ютора та реселера цього дистриб'ютора. Облікові записи, мітка яких збігається з назвою дистриб'ютора або реселера, автоматично отримують призначення на його клієнтів.
prov-distributor = Дистриб'ютор
prov-reseller = Реселер
prov-customers = Клієнти
prov-name = Назва
prov-empty = Дистриб'юторів ще немає.
prov-add-distributor = Додати дистриб'ютора
prov-add-reseller = Додати реселера
prov-added = Додано.
prov-deleted = Видалено.
prov-distributor-in-use = Цей дистриб'ютор досі має реселерів або клієнтів: спершу перемістіть або видаліть їх.
prov-reseller-in-use = Цей реселер досі має клієнтів: спершу перемістіть або видаліть їх.
cus-list-none = Клієнтів ще немає.

# Jobs (JOB-3, JOB-4, BKP-1, SYS-6): why a request on jobs is refused.
jobs-refused-immediate = Завдання, запущене негайно, не можна призупинити, відновити чи зупинити.
jobs-refused-in-progress = Завдання, що виконується, не можна видалити.
jobs-refused-not-scheduled = Призупинити можна лише заплановане завдання, яке ще не почалося.
jobs-refused-not-paused = Відновити можна лише призупинене завдання.
jobs-refused-ended = Завдання завершено: воно більше не може виконуватися.
jobs-refused-no-system = Вибраний клієнт ще не має жодної системи, відомої центру.
jobs-refused-backup-disabled = Віддалене оновлення та резервне копіювання вимкнено на вибраній системі.
jobs-refused-logs-disabled = Централізовані журнали діагностики вимкнено на вибраній системі.
jobs-refused-busy = На вибраній системі виконується інша дія: одна дія на систему водночас.
jobs-refused-role = Ваша роль не дозволяє змінювати деякі з вибраних завдань.
prov-enrolment = Реєстрація
prov-enrolment-make = Створити обліковий ключ реєстрації
prov-enrolment-rotate = Замінити ключ
prov-enrolment-made-on = Ключ створено { $date }
prov-enrolment-auto-on = Нові системи підтверджуються автоматично (вимкнути)
prov-enrolment-auto-off = Нові системи чекають на підтвердження (підтверджувати автоматично)
prov-enrolment-made = Ключ реєстрації створено. Попередній більше не діє.
prov-enrolment-once = Скопіюйте цей ключ зараз: його показано лише один раз. Передайте його системам постачальника (patchbay-agent run --enrolment-file).
prov-enrolment-saved = Параметр реєстрації збережено.
cus-enrolment-pending = Цього клієнта додала система, яка зареєструвалася сама. Її підключення відхиляється, без жодних віддалених операцій, доки ви не підтвердите клієнта.
cus-enrolment-confirm = Підтвердити клієнта
cus-enrolment-confirmed = Клієнта підтверджено: його система повністю підключиться під час наступної спроби.
