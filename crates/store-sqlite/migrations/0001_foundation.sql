-- The foundation schema. Every table leads with tenant_id so that every query is scoped by
-- organisation and a tenant-sharded PostgreSQL can later spread tenants over machines.

CREATE TABLE tenants (
    id         TEXT PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    time_zone  TEXT NOT NULL
);

CREATE TABLE stations (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    parent_id  TEXT,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE teams (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    id         TEXT NOT NULL,
    station_id TEXT,
    name       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE people (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    station_id TEXT,
    team_id    TEXT,
    phone      TEXT,
    PRIMARY KEY (tenant_id, id)
);

-- API tokens by SHA-256 digest; the token itself is shown once and never stored.
CREATE TABLE tokens (
    digest     TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    person_id  TEXT NOT NULL,
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id)
);

-- The read row of each order: filter columns plus the whole order as JSON (`doc`), which is
-- exactly the fold of its events. `version` guards every write (optimistic concurrency).
CREATE TABLE orders (
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    id           TEXT NOT NULL,
    version      INTEGER NOT NULL,
    state        TEXT NOT NULL,
    template     TEXT NOT NULL,
    station_id   TEXT,
    assignee_id  TEXT,
    reported_at  TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    search_text  TEXT NOT NULL,
    doc          TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

CREATE INDEX orders_by_state    ON orders (tenant_id, state, id);
CREATE INDEX orders_by_template ON orders (tenant_id, template, id);
CREATE INDEX orders_by_station  ON orders (tenant_id, station_id, id);
CREATE INDEX orders_by_assignee ON orders (tenant_id, assignee_id, id);

-- The append-only history. (tenant, order, seq) is unique: a second writer of the same
-- step fails here even if the version check were bypassed.
CREATE TABLE events (
    tenant_id  TEXT NOT NULL,
    order_id   TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    at         TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, order_id, seq),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
) WITHOUT ROWID;

-- The first response to each idempotent request, written in the same transaction as its
-- effect.
CREATE TABLE idempotency (
    tenant_id    TEXT NOT NULL,
    person_id    TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT NOT NULL,
    PRIMARY KEY (tenant_id, person_id, key)
) WITHOUT ROWID;
