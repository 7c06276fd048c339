# Повідомлення Patchbay (uk) — аварійні сигнали (ALM-3 … ALM-6) та інформаційна панель (DSH-1). Відсутні повідомлення показуються англійською.

## Список аварійних сигналів (ALM-3)
alarms-summary = Зведення аварійних сигналів
alarms-summary-all = Усі аварійні сигнали
alarms-col-customer = Клієнт
alarms-col-system = Назва системи
alarms-col-severity = Серйозність
alarms-col-type = Тип
alarms-col-last = Останнє виникнення
alarms-col-occurrences = Кількість виникнень
alarms-col-description = Опис
alarms-severity-critical = Критична
alarms-severity-major = Значна
alarms-severity-minor = Незначна
alarms-severity-warning = Попередження
alarms-type-configuration = Конфігурація
alarms-type-trunk = Транк
alarms-type-link = Канал зв'язку
alarms-type-services = Сервіси
alarms-type-qos = QoS
alarms-type-security = Безпека
alarms-ongoing = Триває
alarms-ongoing-yes = Лише ті, що тривають
alarms-ongoing-no = Завершені
alarms-ongoing-badge = триває
alarms-ongoing-locked = Аварійні сигнали, що тривають, не можна вибрати або очистити.

## Очищення (ALM-4, ALM-5)
alarms-clear-selected = Очистити вибрані
alarms-clear-type-label = Тип аварійного сигналу
alarms-clear-type = Очистити всі цього типу
alarms-clear-title = Очистити аварійні сигнали
alarms-clear-confirm = Очистити ці аварійні сигнали? Вони зникнуть зі списку; якщо подія повториться, сигнали з'являться знову.
alarms-clear-type-title = Очистити всі аварійні сигнали одного типу
alarms-clear-type-confirm = Очистити всі аварійні сигнали типу «{ $type }» для всіх клієнтів, яких ви бачите? Аварійних сигналів до очищення: { $count }.
alarms-clear-type-ongoing = Аварійні сигнали цього типу, що тривають, залишаться: { $count }.
alarms-clear-type-nothing = Немає чого очищати.
alarms-cleared = Очищено аварійних сигналів: { $count }.
alarms-cleared-type = Очищено аварійних сигналів типу «{ $type }»: { $count }. Ті, що тривають, залишаються.
conflict-alarm-ongoing = Аварійний сигнал, що триває, не можна очистити. Нічого не очищено.

## Інформаційна панель (DSH-1, OPR-5)
dashboard-chart-connectivity = Клієнти за станом підключення
dashboard-chart-severity = Аварії за серйозністю
dashboard-chart-type = Аварії за типом
dashboard-chart-tags = Теги
dashboard-chart-versions = Версії програмного забезпечення
dashboard-light-green = Підключено
dashboard-light-amber = Потребує уваги
dashboard-light-red = Не підключено
dashboard-chart-none = Немає даних для відображення.
dashboard-chart-all-hidden = Усі ряди цієї діаграми приховано.
dashboard-series-hide = Сховати «{ $series }» на цій діаграмі
dashboard-series-show = Показати «{ $series }» на цій діаграмі
dashboard-open-list = Відкрити список: { $series }
dashboard-customers-total = Клієнтів: { $count }
dashboard-chart-total = Усього
dashboard-updated = Оновлено о { $time }
alarms-none = Аварійних сигналів немає: усі системи працюють нормально.
