-- The hub's own daily runs (LOG-2 collection, BKP-3 automatic backups) are jobs with a run key
-- such as `logs:2026-11-26`: the unique index makes each run exist once, however many hub nodes
-- (or restarts) try to create it. Manual jobs have none.
ALTER TABLE jobs ADD COLUMN run_key TEXT;
CREATE UNIQUE INDEX jobs_run_key ON jobs (run_key);

-- LOG-2, LOG-3: the diagnostic log files collected from systems, each a blob. A file collected
-- again (it grew since) replaces its row, and rows older than PRF-4 days are deleted with their blobs.
CREATE TABLE log_files (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    system_id TEXT NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
    -- Relative to the system's log folder.
    path TEXT NOT NULL,
    size BIGINT NOT NULL,
    -- When the system last wrote it.
    modified_at BIGINT NOT NULL,
    collected_at BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    blob_key TEXT NOT NULL UNIQUE,
    UNIQUE (system_id, path)
);
CREATE INDEX log_files_collected ON log_files (collected_at);
CREATE INDEX log_files_system ON log_files (system_id, modified_at);
