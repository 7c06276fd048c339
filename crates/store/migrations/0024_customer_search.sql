-- Free-text search of customers (CUS-4). The list searches one expression, the searched fields
-- lowered and joined. On PostgreSQL a trigram index over exactly that expression answers
-- LIKE '%…%' without reading every customer (needles of three characters or more).
-- only on postgres
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- only on postgres
CREATE INDEX customers_search ON customers USING gin ((lower(name_key || '|' || customer_id || '|' || system_name || '|' || version || '|' || profile || '|' || notes || '|' || email || '|' || phone || '|' || distributor_key || '|' || reseller_key || '|' || status_code)) gin_trgm_ops);

-- The tags searched with it: a pattern index on PostgreSQL as well.
-- only on postgres
CREATE INDEX customer_tags_search ON customer_tags USING gin (tag_key gin_trgm_ops)
