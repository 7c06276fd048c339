-- SIP-1: the registrar's subscribers, one per device line, written in the same transaction as
-- the device change. The registrar (Kamailio auth_db) reads username, domain, ha1, ha1b and
-- tls_only, never a password. A row lives only as long as its line: removing the line, the
-- device, or the person or workspace on the line removes it.
CREATE TABLE sip_subscribers (
    username TEXT NOT NULL,
    domain TEXT NOT NULL,
    ha1 TEXT NOT NULL,
    ha1b TEXT NOT NULL,
    tls_only INTEGER NOT NULL,
    device_id TEXT NOT NULL,
    port BIGINT NOT NULL,
    customer_id TEXT NOT NULL,
    PRIMARY KEY (username, domain),
    FOREIGN KEY (device_id, port) REFERENCES device_lines (device_id, port) ON DELETE CASCADE
);
CREATE INDEX sip_subscribers_device ON sip_subscribers (device_id, port);

-- SIP-2: SIP over TLS 1.2 unless the catalogue marks a model as unable to do TLS.
ALTER TABLE device_models ADD COLUMN sip_tls_only BIGINT NOT NULL DEFAULT 1;
UPDATE device_models SET sip_tls_only = 0 WHERE model IN ('Fax Service Customer Managed', 'Algo 8301');

-- SIP-3 / DEV-9: when the registration status last changed (the registrar's view, mirrored).
ALTER TABLE devices ADD COLUMN status_at BIGINT;

-- PRV-3: when the device last fetched its configuration file.
ALTER TABLE devices ADD COLUMN provisioned_at BIGINT
