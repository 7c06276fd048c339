# Patchbay messages (ro) — alarms. Missing messages fall back to English.
