# Patchbay messages (fr) — alarms. Missing messages fall back to English.
