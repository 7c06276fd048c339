-- WGO-1: the subscriptions of a customer that carry mobile lines, with their units. A line takes
-- a unit in the same transaction that creates it, through a guarded UPDATE, and the CHECK keeps
-- a total from going below what is consumed.
CREATE TABLE mobile_subscriptions (
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    subscription_id TEXT NOT NULL,
    total_units BIGINT NOT NULL DEFAULT 0,
    consumed_units BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (customer_id, subscription_id),
    CHECK (consumed_units >= 0),
    CHECK (consumed_units <= total_units)
);

-- The subscription a mobile line's unit is taken from (NULL for every other device).
ALTER TABLE devices ADD COLUMN mobile_subscription TEXT;

-- One mobile line per person.
CREATE UNIQUE INDEX devices_one_mobile ON devices (person_id) WHERE mobile_subscription IS NOT NULL;

-- WGO-5: the mobile line an activation code activates.
ALTER TABLE activation_codes ADD COLUMN device_id TEXT REFERENCES devices (id) ON DELETE CASCADE;
CREATE INDEX activation_codes_device ON activation_codes (device_id);

-- WGO-2: the organisation suppresses e-mail to its users: activation codes are shown to the
-- administrator instead of mailed.
ALTER TABLE customers ADD COLUMN suppress_email BIGINT NOT NULL DEFAULT 0
