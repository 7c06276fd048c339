# Patchbay messages (fr) — customers. Missing messages fall back to English.
