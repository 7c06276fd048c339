-- CRT-1, CRT-2: the hub's identity (one row, shared by every node, its key sealed) and the
-- trusted certificates. Times are milliseconds since the epoch, as elsewhere.
CREATE TABLE certificates (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    subject TEXT NOT NULL,
    issuer TEXT NOT NULL,
    not_before BIGINT NOT NULL,
    not_after BIGINT NOT NULL,
    chain_pem TEXT NOT NULL,
    key_sealed TEXT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX certificates_identity ON certificates (kind) WHERE kind = 'identity';
CREATE UNIQUE INDEX certificates_trusted ON certificates (fingerprint) WHERE kind = 'trusted';
