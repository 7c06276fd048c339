-- ALM-1: how far each system's alarm stream has been applied. An agent numbers its alarm events
-- and sends again what the hub has not acknowledged. An event numbered at or below the mark of its
-- stream was applied before and counts nothing. A new stream (the agent's spool was created
-- afresh) replaces the mark. No foreign key: a batch must not fail because its system was
-- deleted meanwhile, and the row is tiny.
CREATE TABLE alarm_streams (
    system_id TEXT PRIMARY KEY,
    stream TEXT NOT NULL,
    seq BIGINT NOT NULL
)
