-- no-transaction
-- Every table's key leads with the organisation, so a database spread over several servers
-- by organisation (docs/scaling.md) keeps each one's rows together. The tokens and sessions
-- are found by their digest before the organisation is known: a unique index on the digest
-- keeps that one look-up. A notice's attempts are numbered within it. Rebuilt in one
-- transaction with foreign keys off while the tables are swapped; safe to run twice (a crash
-- between its commit and the record of it runs it again).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE tokens_keyed (
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    digest      TEXT NOT NULL,
    person_id   TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    created_ms  INTEGER NOT NULL DEFAULT 0,
    revoked_ms  INTEGER,
    PRIMARY KEY (tenant_id, digest),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id)
) WITHOUT ROWID;
INSERT INTO tokens_keyed (tenant_id, digest, person_id, label, created_ms, revoked_ms)
    SELECT tenant_id, digest, person_id, label, created_ms, revoked_ms FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_keyed RENAME TO tokens;
CREATE UNIQUE INDEX tokens_by_digest ON tokens (digest);
CREATE INDEX tokens_by_person ON tokens (tenant_id, person_id);

CREATE TABLE sessions_keyed (
    tenant_id   TEXT NOT NULL,
    digest      TEXT NOT NULL,
    person_id   TEXT NOT NULL,
    csrf        TEXT NOT NULL,
    created_ms  INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, digest)
) WITHOUT ROWID;
INSERT INTO sessions_keyed (tenant_id, digest, person_id, csrf, created_ms, expires_ms)
    SELECT tenant_id, digest, person_id, csrf, created_ms, expires_ms FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_keyed RENAME TO sessions;
CREATE UNIQUE INDEX sessions_by_digest ON sessions (digest);
CREATE INDEX sessions_by_person ON sessions (tenant_id, person_id);

CREATE TABLE outbox_keyed (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    created_ms    INTEGER NOT NULL,
    state         TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_ms       INTEGER,
    last_error    TEXT,
    delivered_ms  INTEGER,
    notice        TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
INSERT INTO outbox_keyed (tenant_id, id, created_ms, state, attempts, next_ms, last_error, delivered_ms, notice)
    SELECT tenant_id, id, created_ms, state, attempts, next_ms, last_error, delivered_ms, notice FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_keyed RENAME TO outbox;
CREATE UNIQUE INDEX outbox_by_id ON outbox (id);
CREATE INDEX outbox_due ON outbox (state, next_ms);
CREATE INDEX outbox_tenant ON outbox (tenant_id, created_ms);

CREATE TABLE delivery_log_keyed (
    tenant_id  TEXT NOT NULL,
    outbox_id  TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    at_ms      INTEGER NOT NULL,
    outcome    TEXT NOT NULL,
    error      TEXT,
    PRIMARY KEY (tenant_id, outbox_id, seq)
) WITHOUT ROWID;
INSERT INTO delivery_log_keyed (tenant_id, outbox_id, seq, at_ms, outcome, error)
    SELECT o.tenant_id, l.outbox_id,
           row_number() OVER (PARTITION BY l.outbox_id ORDER BY l.at_ms, l.outcome, l.error),
           l.at_ms, l.outcome, l.error
    FROM delivery_log l JOIN outbox o ON o.id = l.outbox_id;
DROP TABLE delivery_log;
ALTER TABLE delivery_log_keyed RENAME TO delivery_log;

COMMIT;
PRAGMA foreign_keys = ON;
