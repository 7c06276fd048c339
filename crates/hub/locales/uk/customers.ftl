# Patchbay messages (uk) — customers. Missing messages fall back to English.
