-- Indexes the provider tree's lookups and foreign-key checks need at 100,000 customers.
CREATE INDEX customers_distributor_id ON customers (distributor_id);
CREATE INDEX customers_reseller_id ON customers (reseller_id);
