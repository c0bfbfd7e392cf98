-- X09: the number people read out; unique in the organisation.
ALTER TABLE orders ADD COLUMN number TEXT;
UPDATE orders SET number = json_extract(doc, '$.details.number');
CREATE UNIQUE INDEX orders_by_number ON orders (tenant_id, number) WHERE number IS NOT NULL;

-- X06: station staff see their station's orders and, at a head station, its sub-sites'.
ALTER TABLE orders ADD COLUMN station_parent_id TEXT;
UPDATE orders SET station_parent_id = json_extract(doc, '$.station.head');
CREATE INDEX orders_by_station_parent ON orders (tenant_id, station_parent_id, id);

-- The cancellation inbox: orders whose cancellation request waits for a decision.
ALTER TABLE orders ADD COLUMN cancel_pending INTEGER NOT NULL DEFAULT 0;
UPDATE orders SET cancel_pending = 1
    WHERE state <> 'cancelled' AND json_extract(doc, '$.cancellation') IS NOT NULL;
CREATE INDEX orders_cancel_pending ON orders (tenant_id, id) WHERE cancel_pending = 1;

-- Signing in. Login names and phones are unique across the installation.
CREATE TABLE accounts (
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    person_id      TEXT NOT NULL,
    login          TEXT NOT NULL UNIQUE,
    phone          TEXT UNIQUE,
    password_hash  TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, person_id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id)
) WITHOUT ROWID;

-- Browser sessions by the digest of their cookie token.
CREATE TABLE sessions (
    digest      TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    person_id   TEXT NOT NULL,
    csrf        TEXT NOT NULL,
    created_ms  INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_person ON sessions (tenant_id, person_id);

-- API tokens can be listed and revoked.
ALTER TABLE tokens ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN revoked_ms INTEGER;

-- Search. Each order gets an integer key in creation order; the full-text index stores
-- only its terms, keyed by it: CJK characters one by one, words and phone tails in
-- `terms`; every pair of adjacent CJK characters in `pairs`, so a query of two or more
-- characters reads the short list of a pair rather than the long one of a character.
CREATE TABLE order_keys (
    key        INTEGER PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    order_id   TEXT NOT NULL,
    UNIQUE (tenant_id, order_id)
);
CREATE VIRTUAL TABLE order_search USING fts5(terms, pairs, content = '', contentless_delete = 1);
-- The writer puts an order's terms in `search_text` and its pairs in `search_pairs`; a
-- trigger indexes them as the order is inserted, in the same statement's work.
ALTER TABLE orders ADD COLUMN search_pairs TEXT NOT NULL DEFAULT '';

-- Orders per (template, station, state), kept in the same transaction as every write, so
-- the list's tabs count without reading the orders.
CREATE TABLE state_counts (
    tenant_id   TEXT NOT NULL,
    template    TEXT NOT NULL,
    station_id  TEXT NOT NULL,
    state       TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, template, station_id, state)
) WITHOUT ROWID;
INSERT INTO state_counts (tenant_id, template, station_id, state, n)
    SELECT tenant_id, template, COALESCE(station_id, ''), state, COUNT(*) FROM orders
    GROUP BY tenant_id, template, COALESCE(station_id, ''), state;

-- Work the store does once after an upgrade: orders written before search existed are
-- indexed by the store itself at its next open (the terms are made in Rust).
CREATE TABLE store_meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
INSERT INTO store_meta (key, value) SELECT 'search_backfill', 'pending' WHERE EXISTS (SELECT 1 FROM orders);

-- Kept by the database itself as orders are written, so a write costs the writer no extra
-- round trips to the engine.
CREATE TRIGGER orders_indexed AFTER INSERT ON orders BEGIN
    INSERT INTO order_keys (tenant_id, order_id) VALUES (new.tenant_id, new.id);
    INSERT INTO order_search (rowid, terms, pairs) VALUES (last_insert_rowid(), new.search_text, new.search_pairs);
END;

CREATE TRIGGER orders_counted AFTER INSERT ON orders BEGIN
    INSERT OR IGNORE INTO state_counts (tenant_id, template, station_id, state, n)
        VALUES (new.tenant_id, new.template, COALESCE(new.station_id, ''), new.state, 0);
    UPDATE state_counts SET n = n + 1
        WHERE tenant_id = new.tenant_id AND template = new.template
          AND station_id = COALESCE(new.station_id, '') AND state = new.state;
END;

CREATE TRIGGER orders_recounted AFTER UPDATE OF state, station_id ON orders
WHEN old.state IS NOT new.state OR old.station_id IS NOT new.station_id BEGIN
    UPDATE state_counts SET n = n - 1
        WHERE tenant_id = old.tenant_id AND template = old.template
          AND station_id = COALESCE(old.station_id, '') AND state = old.state;
    INSERT OR IGNORE INTO state_counts (tenant_id, template, station_id, state, n)
        VALUES (new.tenant_id, new.template, COALESCE(new.station_id, ''), new.state, 0);
    UPDATE state_counts SET n = n + 1
        WHERE tenant_id = new.tenant_id AND template = new.template
          AND station_id = COALESCE(new.station_id, '') AND state = new.state;
END;
