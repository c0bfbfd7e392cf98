-- The approvals inbox: the role whose decision a pending approval waits for.
ALTER TABLE orders ADD COLUMN approval_next TEXT;
CREATE INDEX orders_approval_next ON orders (tenant_id, approval_next, id) WHERE approval_next IS NOT NULL;
