-- CST-1…3: files of the distributor / reseller / customer folders. Exactly one of the three
-- owners is set (the row goes with its provider or customer), folder_key names the folder for
-- the one-name-per-folder rule. The file itself is a blob (customization/<folder>/<id>).
CREATE TABLE customization_files (
    id TEXT PRIMARY KEY,
    folder_key TEXT NOT NULL,
    distributor_id TEXT REFERENCES distributors (id) ON DELETE CASCADE,
    reseller_id TEXT REFERENCES resellers (id) ON DELETE CASCADE,
    customer_id TEXT REFERENCES customers (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    blob_key TEXT NOT NULL UNIQUE,
    -- JSON list of the warnings the check found (CST-6).
    warnings TEXT NOT NULL DEFAULT '[]',
    uploaded_at BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    UNIQUE (folder_key, name),
    CHECK ((CASE WHEN distributor_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN reseller_id IS NULL THEN 0 ELSE 1 END)
           + (CASE WHEN customer_id IS NULL THEN 0 ELSE 1 END) = 1)
);
