# Patchbay messages (ko) — alarms. Missing messages fall back to English.
