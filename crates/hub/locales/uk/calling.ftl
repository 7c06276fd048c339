# Patchbay messages (uk) — calling provisioning. Missing messages fall back to English.
calling-menu = Телефонія
calling-menu-devices = Пристрої
calling-menu-people = Користувачі
calling-menu-workspaces = Робочі простори
calling-menu-locations = Розташування
calling-menu-numbers = Номери
