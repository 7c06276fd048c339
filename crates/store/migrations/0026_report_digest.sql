-- A reconnecting system usually reports exactly what it reported before: the digest of the last
-- report written lets the gateway skip rewriting it (and its servers) on every connection.
ALTER TABLE systems ADD COLUMN report_digest TEXT;
