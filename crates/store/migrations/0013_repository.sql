-- SWR-1: the software repository. A release is a blob (releases/<id>/<name>) with what its
-- uploader stated (name, version, profile, the phone firmware it carries) and what the hub
-- measured (size, SHA-256 of the whole file). One release per profile and version.
CREATE TABLE releases (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    -- domain::repository::Version::sort_key, so that ORDER BY follows the versions' order.
    version_key TEXT NOT NULL,
    profile TEXT NOT NULL,
    phone_firmware TEXT NOT NULL DEFAULT '',
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    blob_key TEXT NOT NULL UNIQUE,
    uploaded_at BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    UNIQUE (profile, version_key)
);
CREATE INDEX releases_profile ON releases (profile, version_key);

-- Resumable uploads (tus): what the upload will be, how far it got. Each accepted PATCH is a
-- chunk blob (uploads/<id>/<start>-<nonce>) recorded with its start offset, and the offset moves
-- only in the statement that records the chunk where it still is where the PATCH began, so
-- racing PATCHes can never move it backwards nor overlap. Untouched uploads expire.
CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    profile TEXT NOT NULL,
    phone_firmware TEXT NOT NULL DEFAULT '',
    length BIGINT NOT NULL,
    upload_offset BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- Set while the finished upload is being assembled into its release (one finisher wins).
    finishing BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX uploads_owner ON uploads (owner_id);
CREATE INDEX uploads_expiry ON uploads (expires_at);

CREATE TABLE upload_chunks (
    upload_id TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    start_offset BIGINT NOT NULL,
    size BIGINT NOT NULL,
    blob_key TEXT NOT NULL,
    -- The chunk's SHA-256 as the hub computed it while the bytes arrived.
    sha256 TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (upload_id, start_offset)
);

-- UPG-2: the phone firmware a system serves, as its agent reports it.
ALTER TABLE systems ADD COLUMN phone_firmware TEXT NOT NULL DEFAULT '';
