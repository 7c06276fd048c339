-- JOB-1…5: an operation over selected systems, started now or at a time, with a part per server.
-- Instants are milliseconds since the epoch (UTC), shown by the console in hub local time.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    -- 1 when started at once: such a job cannot be paused, resumed or stopped (JOB-4).
    immediate BIGINT NOT NULL,
    -- 1 for the hub's own daily runs (BKP-3 automatic backups, LOG-2 collection).
    automatic BIGINT NOT NULL DEFAULT 0,
    start_at BIGINT NOT NULL,
    options TEXT NOT NULL DEFAULT '{}',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (status, start_at);

CREATE TABLE job_parts (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    system_id TEXT NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
    -- The server this part runs on (primary, secondary, expansion …), in the system's order.
    server TEXT NOT NULL,
    position BIGINT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    -- The hub node that runs it, while it runs.
    claimed_by TEXT,
    started_at BIGINT,
    finished_at BIGINT
);
CREATE INDEX job_parts_job ON job_parts (job_id, system_id);
CREATE INDEX job_parts_pending ON job_parts (status, job_id);

-- BKP-1: one action (backup, restore, upgrade) per system at a time, automatic ones included. The
-- row exists while the action runs, and the primary key is the rule: two hub nodes (or two staff
-- members) cannot both start one.
CREATE TABLE system_actions (
    system_id TEXT PRIMARY KEY REFERENCES systems (id) ON DELETE CASCADE,
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    node TEXT NOT NULL,
    started_at BIGINT NOT NULL
);

-- Files between the hub and an agent travel over HTTPS with a one-time token (never through the
-- control socket). Only the token's SHA-256 is kept. Taking a transfer marks it used in the same
-- statement, so a token works once, however many requests race with it.
CREATE TABLE transfers (
    token_hash TEXT PRIMARY KEY,
    -- upload: agent to hub, download: hub to agent.
    direction TEXT NOT NULL,
    system_id TEXT NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
    blob_key TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    size BIGINT,
    sha256 TEXT
);
CREATE INDEX transfers_expiry ON transfers (expires_at);

-- BKP-2…5: the backups the hub holds, each a blob. Manual ones are kept three per system (the
-- oldest replaced in the transaction that adds a new one), automatic ones by BKP-3's retention.
CREATE TABLE backups (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    system_id TEXT NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
    job_id TEXT,
    automatic BIGINT NOT NULL,
    taken_at BIGINT NOT NULL,
    -- The system's local date and time when it was taken (BKP-3 counts days in it).
    taken_local TEXT NOT NULL,
    -- JSON list of the items the archive holds.
    items TEXT NOT NULL,
    files BIGINT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    blob_key TEXT NOT NULL UNIQUE
);
CREATE INDEX backups_system ON backups (system_id, automatic, taken_at);
