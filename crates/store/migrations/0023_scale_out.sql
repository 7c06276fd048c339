-- Scale-out. Each node says where agents reach it, so a remote-support stream opened on one node
-- for a system held by another can be dialled back to the node that waits for it.
ALTER TABLE hub_nodes ADD COLUMN agent_url TEXT NOT NULL DEFAULT '';

-- Periodic tasks run once per period across every node: a node runs a task only when it moved
-- the task's due time forward itself, in one statement on the database clock.
CREATE TABLE periodic_tasks (
    name TEXT PRIMARY KEY,
    due_at BIGINT NOT NULL,
    node TEXT NOT NULL,
    runs BIGINT NOT NULL DEFAULT 0
);

-- The mailer claims what it is about to send by moving its next attempt past a lease.
CREATE INDEX outbox_due ON outbox (status, next_attempt_at)
