-- Clocks (X01–X03) and notices. Each order's timers and deadlines are replaced in the
-- transaction that writes its events; notices are written in the same transaction.

ALTER TABLE people ADD COLUMN email TEXT;

-- One row per ladder level still to decide: the durable timers. The background step reads
-- them by due time, so its cost grows with the timers due, not with the open orders.
CREATE TABLE timers (
    tenant_id  TEXT NOT NULL,
    order_id   TEXT NOT NULL,
    clock      TEXT NOT NULL,
    level      INTEGER NOT NULL,
    due_ms     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, order_id, clock, level)
) WITHOUT ROWID;
CREATE INDEX timers_due ON timers (due_ms);

-- Each clock's deadline and state, for the overdue lists.
CREATE TABLE deadlines (
    tenant_id   TEXT NOT NULL,
    order_id    TEXT NOT NULL,
    clock       TEXT NOT NULL,
    state       TEXT NOT NULL,
    deadline_ms INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, order_id, clock)
) WITHOUT ROWID;
CREATE INDEX deadlines_open ON deadlines (tenant_id, state, deadline_ms);

-- Notices held for a person (the inbox channel).
CREATE TABLE inbox (
    tenant_id   TEXT NOT NULL,
    person_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    created_ms  INTEGER NOT NULL,
    read_ms     INTEGER,
    notice      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, person_id, id)
) WITHOUT ROWID;
CREATE INDEX inbox_newest ON inbox (tenant_id, person_id, created_ms);

-- Notices for every other channel, delivered at least once.
CREATE TABLE outbox (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    created_ms    INTEGER NOT NULL,
    state         TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_ms       INTEGER,
    last_error    TEXT,
    delivered_ms  INTEGER,
    notice        TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX outbox_due ON outbox (state, next_ms);
CREATE INDEX outbox_tenant ON outbox (tenant_id, created_ms);

-- Every attempt at delivering an outbox message.
CREATE TABLE delivery_log (
    outbox_id  TEXT NOT NULL,
    at_ms      INTEGER NOT NULL,
    outcome    TEXT NOT NULL,
    error      TEXT
);
CREATE INDEX delivery_log_message ON delivery_log (outbox_id, at_ms);

-- An organisation's settings of a channel (its webhook, its group robot), as JSON.
CREATE TABLE channel_settings (
    tenant_id  TEXT NOT NULL,
    channel    TEXT NOT NULL,
    settings   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, channel)
) WITHOUT ROWID;

-- Calendar years an admin added (the State Council's next year, as a file).
CREATE TABLE calendar_years (
    tenant_id  TEXT NOT NULL,
    year       INTEGER NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, year)
) WITHOUT ROWID;
