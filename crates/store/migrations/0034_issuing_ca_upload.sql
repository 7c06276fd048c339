-- SYS-8: when the issuing CA is replaced, each system's certificate from the previous one is
-- marked superseded (milliseconds since the epoch) and issued again from the new one.
ALTER TABLE system_certificates ADD COLUMN superseded_at BIGINT;
