-- Customer search over fields and tags through one index (CUS-4). Each customer keeps its tag keys
-- joined by '|' (written with its tags). On PostgreSQL a stored column holds the searched text,
-- fields and tags lowered and joined, and its trigram index answers LIKE '%…%' alone: the list
-- counts and pages straight from it instead of joining a set of matching ids back to the table.
ALTER TABLE customers ADD COLUMN tag_text TEXT NOT NULL DEFAULT '';

-- only on postgres
UPDATE customers c SET tag_text = t.keys FROM (SELECT customer_id, string_agg(tag_key, '|' ORDER BY tag_key) AS keys FROM customer_tags GROUP BY customer_id) t WHERE t.customer_id = c.id;

-- only on sqlite
UPDATE customers SET tag_text = COALESCE((SELECT group_concat(tag_key, '|') FROM (SELECT tag_key FROM customer_tags t WHERE t.customer_id = customers.id ORDER BY tag_key)), '');

-- only on postgres
DROP INDEX customers_search;

-- only on postgres
DROP INDEX customer_tags_search;

-- only on postgres
ALTER TABLE customers ADD COLUMN search_text TEXT GENERATED ALWAYS AS (lower(name_key || '|' || customer_id || '|' || system_name || '|' || version || '|' || profile || '|' || notes || '|' || email || '|' || phone || '|' || distributor_key || '|' || reseller_key || '|' || status_code || '|' || tag_text)) STORED;

-- only on postgres
CREATE INDEX customers_search ON customers USING gin (search_text gin_trgm_ops);
