-- OPR-3 under concurrency and across nodes. Attempts on one login are admitted one at a time: the
-- admitting transaction locks the login's guard row (PostgreSQL) or the database (SQLite's
-- BEGIN IMMEDIATE), reads the recent attempts and records its own as pending. A pending attempt
-- counts as a failure until its password check succeeds, so parallel guesses cannot all be checked
-- before the first failure is recorded. One left pending by a crash stays a failure.
DROP TABLE login_failures;

CREATE TABLE login_guards (
    login_key TEXT PRIMARY KEY,
    touched_at BIGINT NOT NULL
);

CREATE TABLE login_attempts (
    id TEXT PRIMARY KEY,
    login_key TEXT NOT NULL,
    at BIGINT NOT NULL,
    pending BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX login_attempts_key ON login_attempts (login_key, at);
CREATE INDEX login_attempts_at ON login_attempts (at);
