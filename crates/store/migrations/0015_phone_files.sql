-- CST-2: when the CustomData.xml that applies to a system was applied (or found absent) at its
-- first connection. Systems known before this migration had their first connection long ago.
ALTER TABLE systems ADD COLUMN custom_data_at BIGINT;
UPDATE systems SET custom_data_at = created_at;

-- VNT-1, WPL-1: the files of the Vantage and Workplace folders, which the phone file server
-- serves at /<area>/<path>. The file itself is a blob (phonefiles/<area>/<id>).
CREATE TABLE phone_files (
    id TEXT PRIMARY KEY,
    area TEXT NOT NULL,
    path TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    blob_key TEXT NOT NULL UNIQUE,
    modified_at BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    UNIQUE (area, path)
);
