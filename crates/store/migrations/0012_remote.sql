-- Remote support (RMT-2, RMT-8): one maintenance proxy account per distributor and per
-- reseller, created with the provider, and the audit of every proxy session.

CREATE TABLE proxy_accounts (
    id TEXT PRIMARY KEY,
    distributor_id TEXT UNIQUE REFERENCES distributors (id) ON DELETE CASCADE,
    reseller_id TEXT UNIQUE REFERENCES resellers (id) ON DELETE CASCADE,
    user_name TEXT,
    user_key TEXT UNIQUE,
    password_hash TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT,
    updated_by TEXT,
    CHECK ((distributor_id IS NULL) <> (reseller_id IS NULL))
);

INSERT INTO proxy_accounts (id, distributor_id, created_at)
    SELECT 'pxd-' || id, id, created_at FROM distributors;

INSERT INTO proxy_accounts (id, reseller_id, created_at)
    SELECT 'pxr-' || id, id, created_at FROM resellers;

-- The co-located hosts each system routes (RMT-1, RMT-6), as JSON reported by the agent.
ALTER TABLE systems ADD COLUMN tunnels TEXT NOT NULL DEFAULT '[]';

CREATE TABLE remote_sessions (
    id TEXT PRIMARY KEY,
    proxy_account_id TEXT NOT NULL,
    proxy_user TEXT NOT NULL,
    provider_name TEXT NOT NULL DEFAULT '',
    operator_id TEXT,
    source_address TEXT NOT NULL,
    target TEXT NOT NULL,
    customer_id TEXT,
    customer_name TEXT NOT NULL DEFAULT '',
    system_name TEXT NOT NULL DEFAULT '',
    node_id TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT,
    bytes_up BIGINT NOT NULL DEFAULT 0,
    bytes_down BIGINT NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    stop_requested BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX remote_sessions_started ON remote_sessions (started_at);
CREATE INDEX remote_sessions_live ON remote_sessions (node_id, ended_at);
