-- MOB-1: mobile operators known to the hub. Each answers authorisation requests through its own
-- API, with tokens of its own kind (only their hash is kept).
CREATE TABLE mobile_operators (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE TABLE mobile_operator_tokens (
    token_hash TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL REFERENCES mobile_operators (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX mobile_operator_tokens_operator ON mobile_operator_tokens (operator_id)
;

-- MOB-1: a location's operator account. Its ID is set when the authorisation is requested and no
-- statement changes it afterwards. Pending for up to 48 hours (then Failed by itself), Failed or
-- Authorized, as the operator answers.
CREATE TABLE mobile_operator_accounts (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    location_id TEXT NOT NULL UNIQUE REFERENCES locations (id) ON DELETE CASCADE,
    operator_id TEXT NOT NULL REFERENCES mobile_operators (id),
    account_id TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    decided_at BIGINT
);
CREATE INDEX mobile_operator_accounts_operator ON mobile_operator_accounts (operator_id, status)
;

-- MOB-2: a number added through an authorised operator account.
ALTER TABLE numbers ADD COLUMN operator_account_id TEXT REFERENCES mobile_operator_accounts (id) ON DELETE SET NULL;

-- MOB-3: the mobile device that comes with an operator's number given to a person as primary
-- number: one per number, gone with the number's assignment.
ALTER TABLE devices ADD COLUMN mobile_number TEXT;
CREATE UNIQUE INDEX devices_mobile_number ON devices (mobile_number) WHERE mobile_number IS NOT NULL;

-- MOB-2: "open a support case" instead of typing the numbers: a request to the provider, listed
-- for its staff.
CREATE TABLE support_cases (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    location_id TEXT REFERENCES locations (id) ON DELETE SET NULL,
    topic TEXT NOT NULL,
    details TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX support_cases_customer ON support_cases (customer_id, created_at)
;

-- A person's (or workspace's) number, read by every list of people and workspaces as the
-- smallest of theirs: with only the phone-number index, PostgreSQL answered that minimum by
-- walking every number of the hub (22 ms a person at 100,000 numbers).
CREATE INDEX numbers_person_number ON numbers (person_id, phone_number)
;
CREATE INDEX numbers_workspace_number ON numbers (workspace_id, phone_number)
