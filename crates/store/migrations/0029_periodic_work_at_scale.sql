-- Work for every system each day, found without reading every system.
--
-- A part is due at its own time: the job's start for most jobs, the job's start plus the system's
-- offset for a job spread over a window (the daily log collection, LOG-2). Claims and expiry look
-- the due parts up by this column.
ALTER TABLE job_parts ADD COLUMN due_at BIGINT NOT NULL DEFAULT 0;

UPDATE job_parts SET due_at = (SELECT j.start_at FROM jobs j WHERE j.id = job_parts.job_id);

CREATE INDEX job_parts_due ON job_parts (status, due_at);

-- BKP-3: each system's minute in the nightly window (stable, from its id) and the last night,
-- in its own local date, whose automatic backup was seen to. The hub fills the minute of the
-- systems that have none yet.
ALTER TABLE systems ADD COLUMN backup_slot INTEGER;

ALTER TABLE systems ADD COLUMN backup_night TEXT;

CREATE INDEX systems_backup_due ON systems (time_zone, backup_slot);

CREATE INDEX systems_backup_unslotted ON systems (id) WHERE backup_slot IS NULL;
