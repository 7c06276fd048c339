-- API-2 / NUM-1: the Webex number list shows every number and every extension held without a
-- number (its phoneNumber absent), one row each. entry_key orders them: numbers by number, then
-- extension-only entries by extension and location. It is unique, so paging is stable.
CREATE VIEW number_entries AS
SELECT n.customer_id AS customer_id, n.location_id AS location_id,
       n.phone_number AS phone_number, n.kind AS kind, n.state AS state,
       n.main_number AS main_number, n.person_id AS person_id, n.workspace_id AS workspace_id,
       '0' || n.phone_number AS entry_key
FROM numbers n
UNION ALL
SELECT l.customer_id, e.location_id, NULL, NULL, 'ACTIVE', 0, e.person_id, e.workspace_id,
       '1' || e.extension || ' ' || e.location_id
FROM extensions e
JOIN locations l ON l.id = e.location_id
WHERE NOT EXISTS (SELECT 1 FROM numbers n WHERE n.person_id = e.person_id)
  AND NOT EXISTS (SELECT 1 FROM numbers n WHERE n.workspace_id = e.workspace_id);
