# Patchbay messages (ro) — customers. Missing messages fall back to English.
