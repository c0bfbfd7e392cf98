-- Each organisation says which service templates it offers; existing ones keep both.
ALTER TABLE tenants ADD COLUMN templates TEXT NOT NULL DEFAULT 'after_sales,property';

-- Idempotency records live 24 hours. Records written before this column existed count
-- from the upgrade.
ALTER TABLE idempotency ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
UPDATE idempotency SET created_ms = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER);
CREATE INDEX idempotency_by_age ON idempotency (created_ms);

-- One row the readiness check rewrites, so that `GET /readyz` proves a write commits.
CREATE TABLE readiness (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    checked_ms  INTEGER NOT NULL
);
