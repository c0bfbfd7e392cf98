-- no-transaction
-- Orders stay on their pages. An order's row (about 1.5 KB of JSON) is too big for a
-- WITHOUT ROWID table, whose rows spill into an overflow page past about 1 KB: every order
-- took a page of its own and every create wrote one. As a rowid table the row stays inline
-- up to about 4 KB, two or three orders to a page; the key (tenant_id, id) is kept by its
-- index. The search terms are dropped from the row once indexed: the full-text index has
-- them. Rebuilt in one transaction, with foreign keys off while the table is swapped (the
-- events refer to it), as SQLite's own procedure for changing a table has it.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE orders_inline (
    tenant_id          TEXT NOT NULL REFERENCES tenants (id),
    id                 TEXT NOT NULL,
    version            INTEGER NOT NULL,
    state              TEXT NOT NULL,
    template           TEXT NOT NULL,
    station_id         TEXT,
    assignee_id        TEXT,
    reported_at        TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    search_text        TEXT NOT NULL,
    doc                TEXT NOT NULL,
    reporter_id        TEXT,
    number             TEXT,
    station_parent_id  TEXT,
    cancel_pending     INTEGER NOT NULL DEFAULT 0,
    search_pairs       TEXT NOT NULL DEFAULT '',
    approval_next      TEXT,
    vendor_id          TEXT,
    PRIMARY KEY (tenant_id, id)
);
INSERT INTO orders_inline (tenant_id, id, version, state, template, station_id, assignee_id,
                           reported_at, updated_at, search_text, doc, reporter_id, number,
                           station_parent_id, cancel_pending, search_pairs, approval_next, vendor_id)
    SELECT tenant_id, id, version, state, template, station_id, assignee_id,
           -- The index has the terms (an order not yet indexed gets them from its doc).
           reported_at, updated_at, '', doc, reporter_id, number, station_parent_id,
           cancel_pending, '', approval_next, vendor_id
    FROM orders ORDER BY tenant_id, id;
DROP TABLE orders;
ALTER TABLE orders_inline RENAME TO orders;

CREATE INDEX orders_by_state    ON orders (tenant_id, state, id);
CREATE INDEX orders_by_template ON orders (tenant_id, template, id);
CREATE INDEX orders_by_station  ON orders (tenant_id, station_id, id);
CREATE INDEX orders_by_assignee ON orders (tenant_id, assignee_id, id);
CREATE INDEX orders_by_reporter ON orders (tenant_id, reporter_id, id);
CREATE UNIQUE INDEX orders_by_number ON orders (tenant_id, number) WHERE number IS NOT NULL;
CREATE INDEX orders_by_station_parent ON orders (tenant_id, station_parent_id, id);
CREATE INDEX orders_cancel_pending ON orders (tenant_id, id) WHERE cancel_pending = 1;
CREATE INDEX orders_approval_next ON orders (tenant_id, approval_next, id) WHERE approval_next IS NOT NULL;
CREATE INDEX orders_by_vendor ON orders (tenant_id, vendor_id, id) WHERE vendor_id IS NOT NULL;

-- Indexed as inserted; the terms then leave the row.
CREATE TRIGGER orders_indexed AFTER INSERT ON orders BEGIN
    INSERT INTO order_keys (tenant_id, order_id) VALUES (new.tenant_id, new.id);
    INSERT INTO order_search (rowid, terms, pairs) VALUES (last_insert_rowid(), new.search_text, new.search_pairs);
    UPDATE orders SET search_text = '', search_pairs = '' WHERE rowid = new.rowid;
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
COMMIT;
PRAGMA foreign_keys = ON;
