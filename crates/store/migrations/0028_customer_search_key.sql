-- SQLite's VACUUM (and VACUUM INTO, which copies the database) may renumber the rowids of a
-- table whose key is not an INTEGER PRIMARY KEY, as the customers' is not: the search index,
-- keyed by rowid, would then name the wrong customers. It is keyed by a number each customer
-- keeps instead (search_key, given at insert, kept by VACUUM). The index rows already carry the
-- rowids the numbers start from, so nothing is re-indexed.
-- only on sqlite
ALTER TABLE customers ADD COLUMN search_key INTEGER;

-- only on sqlite
UPDATE customers SET search_key = rowid;

-- only on sqlite
CREATE UNIQUE INDEX customers_search_key ON customers (search_key);

-- only on sqlite
DROP TRIGGER customers_fts_insert;

-- only on sqlite
DROP TRIGGER customers_fts_update;

-- only on sqlite
DROP TRIGGER customers_fts_delete;

-- A new customer takes the next number (never a rowid, which VACUUM may have handed out again).
-- only on sqlite
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
    UPDATE customers SET search_key = (SELECT COALESCE(MAX(search_key), 0) + 1 FROM customers) WHERE rowid = new.rowid;
    INSERT INTO customers_fts (rowid, search_text) SELECT search_key, lower(new.name_key || '|' || new.customer_id || '|' || new.system_name || '|' || new.version || '|' || new.profile || '|' || new.notes || '|' || new.email || '|' || new.phone || '|' || new.distributor_key || '|' || new.reseller_key || '|' || new.status_code) FROM customers WHERE rowid = new.rowid;
END;

-- only on sqlite
CREATE TRIGGER customers_fts_update AFTER UPDATE ON customers
WHEN old.search_key IS NOT NULL AND lower(old.name_key || '|' || old.customer_id || '|' || old.system_name || '|' || old.version || '|' || old.profile || '|' || old.notes || '|' || old.email || '|' || old.phone || '|' || old.distributor_key || '|' || old.reseller_key || '|' || old.status_code) IS NOT lower(new.name_key || '|' || new.customer_id || '|' || new.system_name || '|' || new.version || '|' || new.profile || '|' || new.notes || '|' || new.email || '|' || new.phone || '|' || new.distributor_key || '|' || new.reseller_key || '|' || new.status_code) BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, search_text) VALUES ('delete', old.search_key, lower(old.name_key || '|' || old.customer_id || '|' || old.system_name || '|' || old.version || '|' || old.profile || '|' || old.notes || '|' || old.email || '|' || old.phone || '|' || old.distributor_key || '|' || old.reseller_key || '|' || old.status_code));
    INSERT INTO customers_fts (rowid, search_text) VALUES (new.search_key, lower(new.name_key || '|' || new.customer_id || '|' || new.system_name || '|' || new.version || '|' || new.profile || '|' || new.notes || '|' || new.email || '|' || new.phone || '|' || new.distributor_key || '|' || new.reseller_key || '|' || new.status_code));
END;

-- only on sqlite
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers WHEN old.search_key IS NOT NULL BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, search_text) VALUES ('delete', old.search_key, lower(old.name_key || '|' || old.customer_id || '|' || old.system_name || '|' || old.version || '|' || old.profile || '|' || old.notes || '|' || old.email || '|' || old.phone || '|' || old.distributor_key || '|' || old.reseller_key || '|' || old.status_code));
END;
