# Повідомлення консолі та API Patchbay — українська. Відсутні повідомлення показуються англійською.

## Вхід (OPR-3, OPR-4)
login-title = Вхід до Patchbay
login-submit = Увійти
login-invalid = Неправильне ім'я для входу або пароль.
login-disabled = Цей обліковий запис вимкнено. Зверніться до адміністратора, щоб його ввімкнути.
login-expired = Термін дії цього облікового запису закінчився, і його вимкнено. Зверніться до адміністратора, щоб його ввімкнути.
login-blocked = Забагато невдалих спроб. Вхід із цим іменем заблоковано на { $minutes } хв.
login-form-expired = Термін дії форми входу минув. Спробуйте ще раз.
login-password-changed = Ваш пароль змінено. Увійдіть із новим паролем.
login-session-expired = Ваш сеанс завершено через тривалу бездіяльність.
login-account-disabled = Ваш обліковий запис вимкнено.

## Перший вхід
terms-title = Умови використання
terms-text = Ця консоль надає доступ до телефонних систем клієнтів та їхніх облікових даних. Використовуйте її лише для роботи, на яку ви маєте повноваження; кожна дія реєструється з вашим ім'ям та адресою.
terms-licence = Patchbay — програмне забезпечення з відкритим кодом, що надається за ліцензією Apache License 2.0 без будь-яких гарантій.
terms-accept = Приймаю
terms-decline = Відхилити й вийти
password-title = Зміна пароля
password-forced = Перш ніж продовжити, потрібно вибрати новий пароль.
password-policy = Від 9 до 31 символу, щонайменше два з таких типів: великі літери, малі літери, цифри, спеціальні символи. Попередні паролі не можна використовувати повторно.
password-submit = Змінити пароль
password-keep-blank = Залиште порожнім, щоб зберегти поточний пароль.
password-relogin = Після зміни потрібно буде увійти знову.

## Меню (DSH-2)
menu-label = Головне меню
skip-to-content = Перейти до вмісту
menu-dashboard = Інформаційна панель
menu-views = Подання
menu-customers = Клієнти
menu-alarms = Аварійні сигнали
menu-jobs = Заплановані завдання
menu-repository = Репозиторій програмного забезпечення
menu-files = Керування файлами
menu-applications = Застосунки
menu-admin-tools = Завантаження інструментів адміністрування
menu-proxytunnel = Завантаження утиліти ProxyTunnel
menu-appcentre = Центр застосунків
menu-settings = Налаштування
menu-accounts = Керування обліковими записами
menu-proxy-accounts = Проксі-облікові записи для обслуговування
menu-certificates = Сертифікати
menu-preferences = Параметри
menu-help = Довідка
menu-about = Про програму
menu-profile = Профіль
menu-logout = Вийти
read-only-mode = Режим лише для читання: ви можете переглядати, фільтрувати й шукати, а також змінювати власний профіль.

## Сторінки
dashboard-empty-title = Поки що нічого показати
dashboard-empty-text = Після підключення систем клієнтів інформаційна панель показує клієнтів за станом з'єднання, аварійні сигнали за серйозністю та типом, теги й версії програмного забезпечення.
back-to-dashboard = Повернутися до інформаційної панелі
about-version = Версія
about-build = Збірка
about-database = База даних
about-started = Працює з
help-intro = Посібник користувача Patchbay постачається в папці docs інсталяції. API описано в документі OpenAPI.
help-openapi = Довідник API (OpenAPI)
never = Ніколи

## Облікові записи (OPR-8)
accounts-created = Обліковий запис створено.
accounts-updated = Обліковий запис оновлено.
accounts-deleted = Вибрані облікові записи видалено.
accounts-add-title = Додати обліковий запис
accounts-edit-title = Редагувати обліковий запис
accounts-delete-title = Видалити облікові записи
accounts-delete-confirm = Видалити ці облікові записи? Цю дію не можна скасувати.
labels-hint = через кому, наприклад: north, reseller-a
timeout-default = Типове значення сервера
action-add = Додати
action-search = Пошук
action-filter = Фільтр
action-apply = Застосувати
action-clear = Очистити
action-edit = Редагувати
action-delete = Видалити
action-select-all = Вибрати все
action-update = Оновити
action-save = Зберегти
action-cancel = Скасувати
action-confirm = Підтвердити
filter-any = Будь-який
filter-active = Активний фільтр
list-total = Усього: { $count }
accounts-none = Облікових записів ще немає.
list-empty = Немає відповідних записів.
outbox-none = Ще не надіслано жодного листа.
pager-label = Сторінки
pager-prev = Попередня
pager-next = Наступна
pager-size = Елементів на сторінці

## Ролі
role-administrator = Адміністратор
role-support = Підтримка
role-supervisor = Супервізор
role-operator = Оператор
role-read-only = Лише читання
role-customer-admin = Адміністратор клієнта

## Профіль (OPR-7)
profile-summary = Ваші налаштування
profile-name = Ім'я
profile-avatar = Аватар
profile-no-avatar = Аватара ще немає.
profile-upload = Передати

## Параметри (PRF)
preferences-saved = Параметри збережено.
security-unrestricted = Без обмежень
security-medium = Середній (довірений ланцюжок)
security-high = Високий (довірений ланцюжок і відповідне ім'я)
banner-html-hint = Лише базовий HTML: заголовки, абзаци, жирний, курсив, підкреслення. Усе інше видаляється.

## Назви полів
field-loginName = Ім'я для входу
field-password = Пароль
field-confirmPassword = Підтвердження пароля
field-oldPassword = Поточний пароль
field-newPassword = Новий пароль
field-language = Мова
field-role = Роль
field-labels = Мітки
field-firstName = Ім'я
field-lastName = Прізвище
field-phoneNumber = Телефон
field-mobile = Мобільний
field-email = Електронна пошта
field-sessionTimeoutMinutes = Час очікування сеансу (хв)
field-kioskMode = Режим кіоску
field-readOnlyMode = Режим лише для читання
field-disabled = Обліковий запис вимкнено
field-forcePasswordChange = Вимагати новий пароль під час наступного входу
field-expiryEnabled = Увімкнути термін дії облікового запису
field-expiresOn = Дата закінчення терміну дії
field-customerId = Клієнт
field-avatar = Аватар
field-passwordHistoryCount = Історія паролів
field-securityLevel = Рівень безпеки
field-logLevel = Рівень журналювання сервера
field-systemName = Назва системи
field-logRetentionDays = Зберігання діагностичних журналів CPE (у днях)
field-sessionRetentionDays = Зберігання сеансів віддаленої підтримки (у днях)
field-securityBanner = Банер безпеки
field-bannerEnabled = Показувати банер безпеки на сторінці входу
field-securityBanner-title = Заголовок банера
field-securityBanner-description = Текст банера
field-clientLogging = Журналювання клієнта
field-allowDowngrades = Дозволити пониження версії
field-allowCustomerIdChange = Дозволити зміну ідентифікатора клієнта системи
field-sortBy = Стовпець сортування
field-sortOrder = Порядок сортування

## Правила перевірки
rule-required = обов'язкове поле.
rule-max-length = максимальна кількість символів — { $max }.
rule-length-between = кількість символів має бути від { $min } до { $max }.
rule-combined-max-length = загальна кількість символів разом з ім'ям (включно з пробілами) — не більше { $max }.
rule-digits = має містити лише цифри, не більше { $max }.
rule-email = має бути адресою електронної пошти.
rule-one-of = допустимі значення: { $allowed }.
rule-step-range = має бути від { $min } до { $max } із кроком { $step }.
rule-range = має бути від { $min } до { $max }.
rule-login-chars = може містити лише літери, цифри та . _ - @ (без пробілів).
rule-taken = це значення вже використовується.
rule-password-classes = має містити щонайменше два з таких типів символів: великі літери, малі літери, цифри, спеціальні символи.
rule-password-reused = має відрізнятися від ваших останніх паролів (перевіряється: { $count }).
rule-password-mismatch = не збігається з новим паролем.
rule-password-wrong = не збігається з вашим поточним паролем.
rule-not-for-role = недоступно для ролі { $role }.
rule-date-in-past = має бути датою в майбутньому (або вимкніть обліковий запис).
rule-date = має бути датою у форматі РРРР-ММ-ДД.
rule-image-type = має бути зображенням PNG, JPEG або GIF.
rule-image-too-large = розмір не має перевищувати { $max } KiB.
rule-label-not-assigned = { $label } не належить до ваших міток.
rule-too-many = максимальна кількість записів — { $max }.
rule-invalid = недійсне значення.
rule-control-characters = не може містити керівних символів (NUL, escape-послідовностей, розривів рядка).
rule-unknown = тут не приймається (приймаються: { $allowed }).
rule-unsupported = це параметр Webex, який Patchbay не підтримує.

## Помилки
error-validation = Деякі поля містять недійсні значення.
error-conflict = Запит конфліктує з поточним станом.
error-rate-limited = Забагато спроб.
error-retry-after = Повторіть спробу через { $seconds } с.
error-unauthorized = Потрібна автентифікація.
error-unauthorized-detail = Увійдіть або надішліть дійсний bearer-токен.
error-forbidden = Заборонено
error-forbidden-detail = Ваша роль не дає доступу до цієї сторінки або операції.
error-not-found = Не знайдено
error-not-found-detail = Сторінка або ресурс не існує, або у вас немає доступу до нього.
error-malformed = Не вдалося прочитати запит.
error-internal = Внутрішня помилка
error-internal-detail = Серверу не вдалося обробити запит. Повідомте адміністраторові ідентифікатор відстеження.
error-method-not-allowed = Метод не дозволено
error-method-not-allowed-detail = Цей шлях не приймає цей метод; документ /v1/openapi.json показує, що він приймає.
error-too-large = Завеликий обсяг тіла запиту
error-too-large-detail = Тіло запиту обмежено { $bytes } байтами.
error-uri-too-long = Задовгий URI
error-uri-too-long-detail = URL обмежено { $bytes } байтами.
conflict-own-account = Не можна вимкнути власний обліковий запис або змінити власну роль.
conflict-last-admin = Останнього активного адміністратора не можна вимкнути, понизити в ролі або видалити.
conflict-delete-self = Не можна видалити власний обліковий запис.

## Електронний лист про підписку (CUS-7) і вихідні листи
email-title = Надіслати лист про підписку
email-confirm = Надіслати дані для підключення цих систем на контактну адресу кожного клієнта? Службовий пароль ніколи не додається.
email-none = немає адреси електронної пошти
email-queued = Листів поставлено в чергу: { $count }.
email-skipped = Не надіслано (немає контактної адреси):
email-language = Мова листа
mail-subscription-subject = Параметри підключення Patchbay для { $name }
mail-subscription-body =
    Вітаємо!

    Це параметри підключення телефонної системи { $name } до операційного центру Patchbay.

    Адреса центру: { $address }
    ID клієнта: { $customerId }
    Ім’я службового користувача: { $serviceUser }
    Відбиток SHA-256 сертифіката центру: { $fingerprint }

    Службовий пароль електронною поштою не надсилається; ваш постачальник передасть його окремо.

    Щоб підключити систему, установіть на ній patchbay-agent і виконайте:

    { $command }

    Підключення лише вихідне; вхідний доступ до вашої мережі не потрібен.
outbox-title = Вихідні листи
outbox-smtp = Пошта доставляється через налаштований SMTP-ретранслятор.
outbox-kept = SMTP-ретранслятор не налаштовано: пошта зберігається тут.
outbox-when = Створено
outbox-to = Кому
outbox-subject = Тема
outbox-status = Стан
menu-outbox = Вихідні листи
rule-dns-label = може містити лише a-z, 0-9 і - (не більше 63 символів, без - на початку або в кінці).
rule-not-allowed = не можна змінювати.
conflict-provider-in-use = Дистриб'ютор або реселер досі має реселерів або клієнтів.
conflict-client-logging-off = Журналювання клієнта вимкнено (Налаштування).
conflict-not-pending = Цей клієнт не очікує підтвердження.
