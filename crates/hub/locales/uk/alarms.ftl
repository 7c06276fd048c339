# Patchbay messages (uk) — alarms. Missing messages fall back to English.
alarms-col-customer = Клієнт
alarms-col-severity = Серйозність
alarms-col-type = Тип
alarms-col-description = Опис
alarms-severity-critical = Критична
alarms-severity-major = Значна
alarms-severity-minor = Незначна
alarms-severity-warning = Попередження
alarms-type-security = Безпека
alarms-ongoing = Триває
alarms-clear-selected = Очистити вибрані
dashboard-chart-severity = Аварії за серйозністю
dashboard-chart-type = Аварії за типом
dashboard-chart-versions = Версії програмного забезпечення
