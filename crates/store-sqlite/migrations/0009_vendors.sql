-- B22, C05: the outside firm an order was given to; its people see only those orders.
ALTER TABLE orders ADD COLUMN vendor_id TEXT;
CREATE INDEX orders_by_vendor ON orders (tenant_id, vendor_id, id) WHERE vendor_id IS NOT NULL;
