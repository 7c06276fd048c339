# Patchbay messages (uk) — alarms. Missing messages fall back to English.
