-- Free-text search of customers on SQLite (CUS-4): an FTS5 index of trigrams over the same
-- expression the list searches (and PostgreSQL's trigram index covers), kept by triggers. The
-- index holds no copy of the text (contentless): a row leaves it by the text it went in with.
-- only on sqlite
CREATE VIRTUAL TABLE customers_fts USING fts5 (search_text, content = '', tokenize = 'trigram');

-- only on sqlite
INSERT INTO customers_fts (rowid, search_text) SELECT rowid, lower(name_key || '|' || customer_id || '|' || system_name || '|' || version || '|' || profile || '|' || notes || '|' || email || '|' || phone || '|' || distributor_key || '|' || reseller_key || '|' || status_code) FROM customers;

-- only on sqlite
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_fts (rowid, search_text) VALUES (new.rowid, lower(new.name_key || '|' || new.customer_id || '|' || new.system_name || '|' || new.version || '|' || new.profile || '|' || new.notes || '|' || new.email || '|' || new.phone || '|' || new.distributor_key || '|' || new.reseller_key || '|' || new.status_code));
END;

-- A report or an alarm count changes customers all the time: only a change of the searched text
-- touches the index.
-- only on sqlite
CREATE TRIGGER customers_fts_update AFTER UPDATE ON customers
WHEN lower(old.name_key || '|' || old.customer_id || '|' || old.system_name || '|' || old.version || '|' || old.profile || '|' || old.notes || '|' || old.email || '|' || old.phone || '|' || old.distributor_key || '|' || old.reseller_key || '|' || old.status_code) IS NOT lower(new.name_key || '|' || new.customer_id || '|' || new.system_name || '|' || new.version || '|' || new.profile || '|' || new.notes || '|' || new.email || '|' || new.phone || '|' || new.distributor_key || '|' || new.reseller_key || '|' || new.status_code) BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, search_text) VALUES ('delete', old.rowid, lower(old.name_key || '|' || old.customer_id || '|' || old.system_name || '|' || old.version || '|' || old.profile || '|' || old.notes || '|' || old.email || '|' || old.phone || '|' || old.distributor_key || '|' || old.reseller_key || '|' || old.status_code));
    INSERT INTO customers_fts (rowid, search_text) VALUES (new.rowid, lower(new.name_key || '|' || new.customer_id || '|' || new.system_name || '|' || new.version || '|' || new.profile || '|' || new.notes || '|' || new.email || '|' || new.phone || '|' || new.distributor_key || '|' || new.reseller_key || '|' || new.status_code));
END;

-- only on sqlite
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, search_text) VALUES ('delete', old.rowid, lower(old.name_key || '|' || old.customer_id || '|' || old.system_name || '|' || old.version || '|' || old.profile || '|' || old.notes || '|' || old.email || '|' || old.phone || '|' || old.distributor_key || '|' || old.reseller_key || '|' || old.status_code));
END
