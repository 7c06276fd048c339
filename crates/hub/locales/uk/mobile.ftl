# Мобільні лінії (WGO-1 … WGO-5)
rule-mobile-licence = для мобільної лінії потрібна професійна ліцензія на дзвінки.
rule-mobile-country = має бути в розташуванні в одній із країн, де пропонуються мобільні лінії: { $allowed }.
rule-mobile-subscription = немає підписки з вільною мобільною лінією; попросіть більше у свого постачальника.
conflict-mobile-activated = Мобільну лінію вже активовано: новий код їй не потрібен.
mail-activation-subject = { $name }, код активації вашої мобільної лінії
mail-activation-body =
    Вітаємо, { $name }!

    Для вас налаштовано мобільну лінію. Активуйте її в програмному телефоні за допомогою цього коду:

    { $code }

    Код можна використати один раз; він дійсний до { $expires }.
    Адреса активації: { $url }

    Якщо ви не очікували цього листа, проігноруйте його: лінія залишиться неактивною.
calling-menu-mobile = Мобільні лінії
mobile-subscriptions = Підписки з мобільними лініями
mobile-subscription = Підписка
mobile-total = Лінії
mobile-consumed = Використано
mobile-no-subscriptions = Ця організація не має підписок із мобільними лініями. Постачальник надає їх на сторінці клієнта.
mobile-countries = Мобільні лінії пропонуються людям, розташування яких знаходиться в: { $countries }.
mobile-suppress-legend = Листи користувачам
mobile-suppress-label = Не надсилати листи: показувати коди активації адміністратору замість надсилання
mobile-save = Зберегти
mobile-saved = Налаштування збережено.
mobile-lines = Лінії
mobile-person = Особа
mobile-state = Стан
mobile-state-pending = Очікує активації (код дійсний до { $date })
mobile-state-expired = Термін дії коду минув
mobile-state-activated = Активовано { $date }
mobile-no-lines = Мобільних ліній ще немає.
mobile-add = Додати мобільну лінію
mobile-add-title = Додати мобільну лінію для { $name }
mobile-prereq = Для мобільної лінії потрібні професійна ліцензія на дзвінки та розташування в одній із цих країн: { $countries }.
mobile-field-subscriptionId = Підписка
mobile-field-phoneNumber = Номер телефону
mobile-choose = Виберіть…
mobile-number-hint = У { $name } ще немає номера телефону: виберіть один із вільних номерів розташування.
mobile-line = Мобільна лінія
mobile-new-code = Новий код активації
mobile-code-title = Код активації для { $name }
mobile-code-mailed = Код активації надіслано на { $email }. Він дійсний до { $date }.
mobile-code-shown = Передайте цей код активації користувачу { $name }. Його показано лише один раз; він дійсний до { $date }.
mobile-code-copy = Копіювати
mobile-code-email = Надіслати листом
mobile-code-print = Друк
mobile-code-instructions = У програмному телефоні виберіть «Активувати за кодом» і введіть код.
mobile-back = Назад до { $name }
mobile-wizard-choice = Мобільна лінія (код активації)
mobile-wizard-hint = Для телефону, який у людини вже є: код активації замість MAC-адреси.
# Підключення (ONB-1): запрошення
accounts-invite = Надіслати листом запрошення встановити пароль (замість введення)
accounts-invite-hint = Посилання із запрошення працює один раз протягом 7 днів; обліковий запис повинен мати адресу електронної пошти.
accounts-invite-again = Надіслати нове запрошення
accounts-invited = Обліковий запис створено, запрошення надіслано листом.
accounts-customer-hint = Для адміністратора клієнта: клієнт, телефонією якого він керує.
invitation-title = Встановіть пароль
invitation-intro = Виберіть пароль свого облікового запису Patchbay { $login }.
invitation-submit = Встановити пароль
invitation-invalid = Це посилання із запрошення більше не працює: його використано, термін дії минув або надіслано новіше. Попросіть нове в того, хто вас запросив.
invitation-to-login = Перейти до входу
mail-invitation-subject = Ваш обліковий запис Patchbay { $login }
mail-invitation-body =
    Вітаємо!

    Для вас створено обліковий запис Patchbay. Ваше ім’я для входу: { $login }

    Встановіть пароль за цим посиланням (працює один раз, до { $expires }):

    { $url }

    Потім увійдіть з іменем для входу й цим паролем.
rule-below-consumed = менше за вже призначені одиниці: спершу звільніть частину або залиште більший загальний обсяг.
licences-title = Ліцензії на дзвінки
licences-saved = Ліцензії збережено.
licences-new-mobile = Додати підписку з мобільними лініями
licences-invite-admin = Запросити адміністратора клієнта
licences-manage = Керувати ліцензіями на дзвінки
invitation-link-title = Посилання із запрошенням
invitation-link-shown = Поштовий ретранслятор не налаштовано: передайте це посилання власнику { $login }. Його показано лише один раз; воно працює один раз протягом 7 днів.
conflict-mobile-reset = Мобільна лінія отримує пароль під час активації: натомість видайте новий код активації.
conflict-mobile-changed = Дані особи змінилися під час додавання мобільної лінії: перевірте особу й спробуйте ще раз.
outbox-sensitive = Не показано: цей лист містить одноразове посилання або код.
field-file = Файл
mobile-bulk-link = Додати мобільні лінії групою (CSV)
bulk-title = Мобільні лінії групою
bulk-back = Назад до мобільних ліній
bulk-step-template = Завантажте шаблон: у ньому по одному стовпцю для кожної підписки з мобільними лініями.
bulk-template = Завантажити шаблон CSV
bulk-step-fill = Заповніть по рядку на кожну особу: її адреса електронної пошти як ім’я користувача, тип USER, тип пристрою WEBEX_CALLING, модель Webex Go Device, без MAC-адреси, і TRUE у стовпці підписки, з якої береться лінія. Внутрішній номер, номер телефону й розташування, якщо заповнені, мають бути саме цієї особи; особа без номера отримує номер із рядка.
bulk-step-upload = Надішліть файл. Далі кожен рядок виконується або відхиляється окремо, з причиною; рядок ніколи не застосовується наполовину.
bulk-upload-title = Надіслати файл
bulk-email-codes = Надіслати коди активації електронною поштою
bulk-email-hint = Кожна особа отримує свій код активації та інструкції електронною поштою. Інакше, або коли організація забороняє пошту, коди будуть у файлі результатів.
bulk-file = Файл CSV
bulk-file-hint = CSV у UTF-8, не більше 32 МіБ і 100 000 рядків.
bulk-submit = Надіслати
bulk-imports = Останні імпорти
bulk-no-imports = Жодного файлу ще не імпортовано.
bulk-created = Надіслано
bulk-status = Стан
bulk-rows = Рядки
bulk-added = Додані лінії
bulk-refused = Відхилені рядки
bulk-status-queued = Очікує
bulk-status-running = Виконується
bulk-status-done = Завершено
bulk-status-failed = Зупинено
bulk-error-stopped = Імпорт зупинився до кінця файлу: попередні рядки мають свій результат, решту не застосовано. Надішліть решту рядків ще раз.
bulk-import-title = Імпорт мобільних ліній
bulk-progress = Оброблено { $done } з { $total } рядків
bulk-refreshing = Ця сторінка сама оновлюється кожні кілька секунд, доки імпорт не завершиться.
bulk-stop-refresh = Зупинити оновлення
bulk-reload = Показати поступ зараз
bulk-results = Завантажити файл результатів
bulk-codes-in-results = Коди активації не надіслано електронною поштою: вони у файлі результатів. Зберігайте його в безпеці; кожен код діє один раз.
bulk-refused-rows = Відхилені рядки файлу
bulk-no-refused = Жоден рядок не відхилено.
bulk-more-refused = Показано лише перші 100 відхилених рядків: у файлі результатів є всі рядки.
bulk-result-line = Рядок
bulk-result-user = Ім’я користувача
bulk-result-outcome = Результат
bulk-result-reason = Причина
bulk-result-code = Код активації
bulk-outcome-added = Додано
bulk-outcome-refused = Відхилено
bulk-reason-one-subscription = укажіть TRUE рівно в одному стовпці підписки.
bulk-reason-differs = не збігається з даними особи ({ $value }).
bulk-reason-unknown-user = жодна особа цієї організації не має такої адреси електронної пошти.
bulk-reason-has-line = особа вже має мобільну лінію.
bulk-reason-gone = особу тим часом видалено.
bulk-reason-failed = лінію не вдалося додати; спробуйте цей рядок ще раз.
cst-problem-csv-empty = у файлі немає рядка заголовків
cst-problem-csv-missing = бракує стовпця { $value }
cst-problem-csv-unknown = стовпця { $value } немає в шаблоні
cst-problem-csv-duplicate = стовпець { $value } трапляється двічі
cst-problem-csv-subscription = організація не має мобільної підписки { $value }: завантажте шаблон ще раз
cst-problem-csv-no-subscription = немає стовпця підписки: завантажте шаблон ще раз
cst-problem-csv-unreadable = не читається як CSV UTF-8 у рядку { $value }
cst-problem-csv-no-rows = під заголовком немає рядків
