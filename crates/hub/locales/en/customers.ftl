# Patchbay messages (en) — customers. Missing messages fall back to English.
