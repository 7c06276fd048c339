# Patchbay messages (ko) — customers. Missing messages fall back to English.
