-- CUS-8: each reseller's and distributor's enrolment credential (the secret kept as its SHA-256
-- only), and the customers it added that wait for a staff member's confirmation.
CREATE TABLE enrolment_credentials (
    id TEXT PRIMARY KEY,
    provider_key TEXT NOT NULL UNIQUE,
    distributor_id TEXT REFERENCES distributors (id) ON DELETE CASCADE,
    reseller_id TEXT REFERENCES resellers (id) ON DELETE CASCADE,
    secret_sha256 TEXT NOT NULL,
    auto_confirm BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
ALTER TABLE customers ADD COLUMN enrolment_pending BIGINT NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN enrolled_by TEXT NOT NULL DEFAULT '';
