-- ONB-1: an invitation to set one's own password, e-mailed as a one-time link. Only the token's
-- hash is kept. A new invitation replaces the account's previous one.
CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX invitations_account ON invitations (account_id)
;

-- A mail holding a one-time secret (an invitation link, an activation code): its body is never
-- listed, and is blanked once delivered.
ALTER TABLE outbox ADD COLUMN sensitive BIGINT NOT NULL DEFAULT 0;

-- Delivery retries back off: a failed attempt waits before the next.
ALTER TABLE outbox ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0
