-- Who reported each order, so customers can be shown their own orders only.
ALTER TABLE orders ADD COLUMN reporter_id TEXT;
UPDATE orders SET reporter_id = json_extract(doc, '$.created_by.id');
CREATE INDEX orders_by_reporter ON orders (tenant_id, reporter_id, id);
