# Patchbay messages (ro) — calling provisioning. Missing messages fall back to English.
calling-menu = Telefonie
calling-menu-devices = Dispozitive
calling-menu-people = Persoane
calling-menu-workspaces = Spații de lucru
calling-menu-locations = Locații
calling-menu-numbers = Numere
