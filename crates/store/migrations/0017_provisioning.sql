-- PRV-2: the key of each device's provisioning credentials (HTTP digest, user = its MAC), never
-- the password. Devices made before it have none until their credentials are reset.
ALTER TABLE devices ADD COLUMN prov_ha1 TEXT;

-- PRV-1: a customer's own template for a vendor family, replacing the built-in one.
CREATE TABLE provisioning_templates (
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    vendor TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (customer_id, vendor)
)
