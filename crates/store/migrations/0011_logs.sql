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

-- What the hub deleted of a system's logs (LOG-3 delete, PRF-4 retention): the file as it was, so
-- the next collection does not fetch it again unless it changed since.
CREATE TABLE log_skips (
    system_id TEXT NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    size BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    skipped_at BIGINT NOT NULL,
    PRIMARY KEY (system_id, path)
);
CREATE INDEX log_skips_age ON log_skips (skipped_at);

-- One log fetch per system at a time (two fetches of one file would each record it): the primary
-- key is the rule, as for BKP-1's system_actions, and a log fetch does not block a backup.
CREATE TABLE log_slots (
    system_id TEXT PRIMARY KEY REFERENCES systems (id) ON DELETE CASCADE,
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    node TEXT NOT NULL,
    started_at BIGINT NOT NULL
);

-- BKP-3: the nightly window is in the system's local time, reported by its agent (IANA name, empty
-- when not known).
ALTER TABLE systems ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
