-- Providers, customers, customer systems, alarms (issue: customer systems).

CREATE TABLE distributors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE resellers (
    id TEXT PRIMARY KEY,
    distributor_id TEXT NOT NULL REFERENCES distributors (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (distributor_id, name_key)
);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL UNIQUE,
    distributor_id TEXT REFERENCES distributors (id),
    reseller_id TEXT REFERENCES resellers (id),
    distributor_key TEXT NOT NULL DEFAULT '',
    reseller_key TEXT NOT NULL DEFAULT '',
    service_user_name TEXT NOT NULL,
    service_password TEXT NOT NULL,
    service_disabled BIGINT NOT NULL DEFAULT 0,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    light TEXT NOT NULL DEFAULT 'red',
    status_code TEXT NOT NULL DEFAULT 'waitingForInitialConnection',
    system_name TEXT NOT NULL DEFAULT '',
    profile TEXT NOT NULL DEFAULT '',
    version TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    port BIGINT NOT NULL DEFAULT 0,
    last_seen_at BIGINT,
    last_refusal TEXT,
    last_refusal_at BIGINT,
    needs_attention BIGINT NOT NULL DEFAULT 0,
    alarm_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX customers_light ON customers (light);
CREATE INDEX customers_status ON customers (status_code);
CREATE INDEX customers_version ON customers (version);
CREATE INDEX customers_distributor ON customers (distributor_key);
CREATE INDEX customers_reseller ON customers (reseller_key);

CREATE TABLE customer_tags (
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    tag_key TEXT NOT NULL,
    PRIMARY KEY (customer_id, tag_key)
);
CREATE INDEX customer_tags_key ON customer_tags (tag_key);

CREATE TABLE customer_operators (
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (customer_id, account_id)
);
CREATE INDEX customer_operators_account ON customer_operators (account_id);

CREATE TABLE systems (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    profile TEXT NOT NULL DEFAULT '',
    version TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    port BIGINT NOT NULL DEFAULT 0,
    flags TEXT NOT NULL DEFAULT '{}',
    account_state TEXT NOT NULL DEFAULT '',
    servers_offline BIGINT NOT NULL DEFAULT 0,
    connected_node TEXT,
    connected_at BIGINT,
    last_seen_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (customer_id, name)
);
CREATE INDEX systems_node ON systems (connected_node);

CREATE TABLE servers (
    system_id TEXT NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    version TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'online',
    PRIMARY KEY (system_id, position)
);

CREATE TABLE service_failures (
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    at BIGINT NOT NULL
);
CREATE INDEX service_failures_customer ON service_failures (customer_id, at);

CREATE TABLE hub_nodes (
    id TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL
);

CREATE TABLE alarms (
    id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    system_name TEXT NOT NULL,
    severity TEXT NOT NULL,
    severity_rank BIGINT NOT NULL,
    alarm_type TEXT NOT NULL,
    description TEXT NOT NULL,
    first_occurrence BIGINT NOT NULL,
    last_occurrence BIGINT NOT NULL,
    occurrences BIGINT NOT NULL,
    ongoing BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX alarms_customer ON alarms (customer_id, last_occurrence);
CREATE INDEX alarms_last ON alarms (last_occurrence);
CREATE INDEX alarms_severity ON alarms (severity_rank, last_occurrence);
CREATE INDEX alarms_type ON alarms (alarm_type, last_occurrence);
