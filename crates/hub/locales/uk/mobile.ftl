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
