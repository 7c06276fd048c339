-- SYS-8: the hub's issuing CA (one row, its key sealed) and each system's certificate, issued
-- from it and installed by the system's agent. Times are milliseconds since the epoch.
CREATE UNIQUE INDEX certificates_issuing_ca ON certificates (kind) WHERE kind = 'issuing-ca';
CREATE TABLE system_certificates (
    system_id TEXT PRIMARY KEY REFERENCES systems (id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    serial TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    names TEXT NOT NULL DEFAULT '',
    not_before BIGINT,
    not_after BIGINT,
    certificate_pem TEXT NOT NULL DEFAULT '',
    installed_at BIGINT,
    failure TEXT NOT NULL DEFAULT '',
    failed_at BIGINT
);
CREATE INDEX system_certificates_customer ON system_certificates (customer_id);
