-- API-2: a device's settings (Webex device customizations) as a client set them, and when
-- changes were last applied (POST .../actions/applyChanges/invoke).
CREATE TABLE device_settings (
    device_id TEXT PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    custom_enabled BIGINT NOT NULL DEFAULT 0,
    customizations TEXT NOT NULL DEFAULT '{}',
    updated_at BIGINT,
    applied_at BIGINT
);
