-- Calling provisioning (SPEC §15): licences, locations, people, workspaces, numbers, the device
-- catalogue, devices with their SIP identity, device lines, activation codes. Every row belongs to
-- a customer (the organisation, orgId) and goes when the customer goes.

-- Calling licences a customer holds. consumed_units moves with assignments in the same
-- transaction, guarded by "consumed_units < total_units" in the UPDATE itself.
CREATE TABLE licenses (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    total_units BIGINT NOT NULL DEFAULT 0,
    consumed_units BIGINT NOT NULL DEFAULT 0,
    subscription_id TEXT NOT NULL DEFAULT '',
    UNIQUE (customer_id, kind),
    CHECK (consumed_units >= 0)
);

CREATE TABLE locations (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    preferred_language TEXT NOT NULL,
    announcement_language TEXT NOT NULL,
    address1 TEXT NOT NULL,
    address2 TEXT NOT NULL,
    city TEXT NOT NULL,
    state TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    country TEXT NOT NULL,
    notes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (customer_id, name_key)
);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    search_key TEXT NOT NULL,
    location_id TEXT REFERENCES locations (id),
    license_kind TEXT NOT NULL DEFAULT '',
    extension TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX people_customer ON people (customer_id, display_name);

-- device_count moves with devices, guarded by the licence's limit in the UPDATE (WSP-2).
CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    search_key TEXT NOT NULL,
    location_id TEXT REFERENCES locations (id),
    room_type TEXT NOT NULL,
    capacity BIGINT,
    license_kind TEXT NOT NULL DEFAULT '',
    calling_type TEXT NOT NULL,
    supported_devices TEXT NOT NULL,
    extension TEXT,
    notes TEXT NOT NULL,
    device_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    CHECK (device_count >= 0)
);
CREATE INDEX workspaces_customer ON workspaces (customer_id, display_name);

-- One extension per location, whoever holds it (person or workspace).
CREATE TABLE extensions (
    location_id TEXT NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    extension TEXT NOT NULL,
    person_id TEXT REFERENCES people (id) ON DELETE CASCADE,
    workspace_id TEXT REFERENCES workspaces (id) ON DELETE CASCADE,
    PRIMARY KEY (location_id, extension)
);

-- NUM-1: a number exists once on the platform and has at most one owner.
CREATE TABLE numbers (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    location_id TEXT NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    phone_number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    main_number BIGINT NOT NULL DEFAULT 0,
    person_id TEXT REFERENCES people (id) ON DELETE SET NULL,
    workspace_id TEXT REFERENCES workspaces (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    CHECK (person_id IS NULL OR workspace_id IS NULL)
);
CREATE INDEX numbers_customer ON numbers (customer_id, phone_number);
CREATE INDEX numbers_person ON numbers (person_id);
CREATE INDEX numbers_workspace ON numbers (workspace_id);

-- The device catalogue (DEV-1): data the provider extends, not code.
CREATE TABLE device_models (
    model TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    vendor TEXT NOT NULL,
    device_type TEXT NOT NULL,
    manufacturer TEXT NOT NULL,
    managed_by TEXT NOT NULL,
    supported_for TEXT NOT NULL,
    onboarding TEXT NOT NULL,
    line_ports BIGINT NOT NULL,
    fax BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

INSERT INTO device_models (model, display_name, vendor, device_type, manufacturer, managed_by, supported_for, onboarding, line_ports, fax, created_at) VALUES
    ('Generic IPPhone Customer Managed', 'Generic SIP phone', 'Generic', 'GENERIC_SIP', 'THIRD_PARTY', 'CUSTOMER', 'PEOPLE,PLACE', 'MAC_ADDRESS', 10, 0, 0),
    ('Generic SIP Gateway Customer Managed', 'Generic SIP gateway', 'Generic', 'GENERIC_SIP', 'THIRD_PARTY', 'CUSTOMER', 'PEOPLE,PLACE', 'MAC_ADDRESS', 24, 0, 0),
    ('Fax Service Customer Managed', 'Fax service (T.38 adapter)', 'Generic', 'ATA', 'THIRD_PARTY', 'CUSTOMER', 'PEOPLE,PLACE', 'NONE', 1, 1, 0),
    ('Yealink T54W', 'Yealink T54W', 'Yealink', 'DESK_PHONE', 'THIRD_PARTY', 'CUSTOMER', 'PEOPLE,PLACE', 'MAC_ADDRESS', 16, 0, 0),
    ('Yealink T46U', 'Yealink T46U', 'Yealink', 'DESK_PHONE', 'THIRD_PARTY', 'CUSTOMER', 'PEOPLE,PLACE', 'MAC_ADDRESS', 16, 0, 0),
    ('Poly VVX 450', 'Poly VVX 450', 'Poly', 'DESK_PHONE', 'THIRD_PARTY', 'CUSTOMER', 'PEOPLE,PLACE', 'MAC_ADDRESS', 12, 0, 0),
    ('Snom D785', 'Snom D785', 'Snom', 'DESK_PHONE', 'THIRD_PARTY', 'CUSTOMER', 'PEOPLE,PLACE', 'MAC_ADDRESS', 12, 0, 0),
    ('Grandstream GRP2614', 'Grandstream GRP2614', 'Grandstream', 'DESK_PHONE', 'THIRD_PARTY', 'CUSTOMER', 'PEOPLE,PLACE', 'MAC_ADDRESS', 4, 0, 0),
    ('Grandstream HT812', 'Grandstream HT812 ATA', 'Grandstream', 'ATA', 'THIRD_PARTY', 'CUSTOMER', 'PEOPLE,PLACE', 'MAC_ADDRESS', 2, 0, 0),
    ('Algo 8301', 'Algo 8301 paging adapter', 'Algo', 'ATA', 'THIRD_PARTY', 'CUSTOMER', 'PLACE', 'MAC_ADDRESS', 1, 0, 0),
    ('Partner Managed Yealink T33G', 'Yealink T33G (partner-managed)', 'Yealink', 'DESK_PHONE', 'THIRD_PARTY', 'PARTNER', 'PEOPLE,PLACE', 'MAC_ADDRESS', 4, 0, 0),
    ('Partner Managed Poly Edge E350', 'Poly Edge E350 (partner-managed)', 'Poly', 'DESK_PHONE', 'THIRD_PARTY', 'PARTNER', 'PEOPLE,PLACE', 'MAC_ADDRESS', 8, 0, 0),
    ('Partner Managed AudioCodes MP-124', 'AudioCodes MP-124 gateway (partner-managed)', 'AudioCodes', 'ATA', 'THIRD_PARTY', 'PARTNER', 'PEOPLE,PLACE', 'MAC_ADDRESS', 24, 0, 0),
    ('Webex Go Device', 'Mobile line (Webex Go)', 'Patchbay', 'ESIM', 'THIRD_PARTY', 'CUSTOMER', 'PEOPLE', 'ACTIVATION_CODE', 1, 0, 0);

-- DEV-3: a MAC exists once on the platform. The SIP password is sealed (AES-256-GCM).
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    model TEXT NOT NULL REFERENCES device_models (model),
    mac TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    search_key TEXT NOT NULL,
    person_id TEXT REFERENCES people (id) ON DELETE CASCADE,
    workspace_id TEXT REFERENCES workspaces (id) ON DELETE CASCADE,
    sip_user_name TEXT NOT NULL UNIQUE,
    sip_password TEXT NOT NULL,
    line_port TEXT NOT NULL,
    outbound_proxy TEXT NOT NULL,
    registrar TEXT NOT NULL,
    status TEXT NOT NULL,
    disclaimer_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    CHECK ((person_id IS NULL AND workspace_id IS NOT NULL) OR (person_id IS NOT NULL AND workspace_id IS NULL))
);
CREATE INDEX devices_customer ON devices (customer_id, display_name);
CREATE INDEX devices_person ON devices (person_id);
CREATE INDEX devices_workspace ON devices (workspace_id);

-- DEV-6: port 1 is the owner's primary line, shared lines follow.
CREATE TABLE device_lines (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    port BIGINT NOT NULL,
    person_id TEXT REFERENCES people (id) ON DELETE CASCADE,
    workspace_id TEXT REFERENCES workspaces (id) ON DELETE CASCADE,
    primary_owner BIGINT NOT NULL,
    line_type TEXT NOT NULL,
    line_weight BIGINT NOT NULL,
    PRIMARY KEY (device_id, port)
);
CREATE INDEX device_lines_person ON device_lines (person_id);
CREATE INDEX device_lines_workspace ON device_lines (workspace_id);

-- Activation codes: stored as a hash, usable once until they expire (WGO-2).
CREATE TABLE activation_codes (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    person_id TEXT REFERENCES people (id) ON DELETE CASCADE,
    workspace_id TEXT REFERENCES workspaces (id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    code_hash TEXT NOT NULL UNIQUE,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);
