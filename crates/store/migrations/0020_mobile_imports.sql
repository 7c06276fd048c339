-- WGO-4: mobile lines in bulk. An import is a CSV file (kept in the blob store until it has been
-- read to its end) worked through by whichever hub node claims it, row by row. Each row's
-- outcome is written in the same transaction as the line it made, so a node that stops half-way
-- leaves every row either done with its result or not started.
CREATE TABLE mobile_imports (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    blob_key TEXT NOT NULL,
    total_rows BIGINT NOT NULL,
    email_codes BIGINT NOT NULL,
    lang TEXT NOT NULL,
    status TEXT NOT NULL,
    claimed_by TEXT,
    claimed_at BIGINT,
    error TEXT NOT NULL DEFAULT '',
    actor_id TEXT,
    actor_login TEXT NOT NULL,
    actor_source TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX mobile_imports_customer ON mobile_imports (customer_id, created_at)
;
CREATE INDEX mobile_imports_status ON mobile_imports (status, created_at)
;

-- One row of an import: its outcome, the reasons it was refused (JSON), the line it made and,
-- when the codes were not e-mailed, the line's activation code sealed for the result file.
CREATE TABLE mobile_import_rows (
    import_id TEXT NOT NULL REFERENCES mobile_imports (id) ON DELETE CASCADE,
    row_no BIGINT NOT NULL,
    user_name TEXT NOT NULL,
    ok BIGINT NOT NULL,
    reasons TEXT NOT NULL,
    device_id TEXT,
    code_sealed TEXT,
    PRIMARY KEY (import_id, row_no)
)
