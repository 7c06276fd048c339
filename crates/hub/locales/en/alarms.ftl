# Patchbay messages (en) — alarms. Missing messages fall back to English.
