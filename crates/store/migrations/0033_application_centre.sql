-- APC-1: what each node reports of itself beside its heartbeat (version, open remote-support
-- tunnels), and the hub's own alarms (one row per component, raised while it is unhealthy).
ALTER TABLE hub_nodes ADD COLUMN version TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_nodes ADD COLUMN tunnels BIGINT NOT NULL DEFAULT 0;
CREATE TABLE hub_alarms (
    component TEXT PRIMARY KEY,
    severity TEXT NOT NULL,
    description TEXT NOT NULL,
    first_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    ongoing BIGINT NOT NULL DEFAULT 1,
    cleared_at BIGINT
);
