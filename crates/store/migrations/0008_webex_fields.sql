-- API-2: Webex fields kept as clients send them. A person's directory fields (nickName, title,
-- department, manager, managerId, addresses as JSON) and a location's coordinates.
ALTER TABLE people ADD COLUMN nick_name TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN department TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN manager TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN manager_id TEXT REFERENCES people (id) ON DELETE SET NULL;
ALTER TABLE people ADD COLUMN addresses TEXT NOT NULL DEFAULT '[]';
ALTER TABLE locations ADD COLUMN latitude DOUBLE PRECISION;
ALTER TABLE locations ADD COLUMN longitude DOUBLE PRECISION;
