-- The whole schema of the PostgreSQL backend, equivalent to what the SQLite file holds after
-- its migrations. Ids are uuid, times milliseconds since the epoch, documents JSON text (read
-- back byte for byte). Every table's key leads with the organisation (docs/scaling.md) but
-- `tenants` itself and the store's own `readiness` row.

CREATE TABLE tenants (
    id         uuid PRIMARY KEY,
    slug       text NOT NULL UNIQUE,
    name       text NOT NULL,
    time_zone  text NOT NULL,
    templates  text NOT NULL
);

CREATE TABLE stations (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         uuid NOT NULL,
    name       text NOT NULL,
    parent_id  uuid,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE teams (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    station_id  uuid,
    name        text NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE people (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    name        text NOT NULL,
    role        text NOT NULL,
    station_id  uuid,
    team_id     uuid,
    phone       text,
    email       text,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE tokens (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    digest      text NOT NULL,
    person_id   uuid NOT NULL,
    label       text NOT NULL DEFAULT '',
    created_ms  bigint NOT NULL,
    revoked_ms  bigint,
    PRIMARY KEY (tenant_id, digest),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id)
);
CREATE UNIQUE INDEX tokens_by_digest ON tokens (digest);
CREATE INDEX tokens_by_person ON tokens (tenant_id, person_id);

CREATE TABLE accounts (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    person_id      uuid NOT NULL,
    login          text NOT NULL UNIQUE,
    phone          text UNIQUE,
    password_hash  text NOT NULL,
    disabled       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, person_id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id)
);

CREATE TABLE sessions (
    tenant_id   uuid NOT NULL,
    digest      text NOT NULL,
    person_id   uuid NOT NULL,
    csrf        text NOT NULL,
    created_ms  bigint NOT NULL,
    expires_ms  bigint NOT NULL,
    PRIMARY KEY (tenant_id, digest)
);
CREATE UNIQUE INDEX sessions_by_digest ON sessions (digest);
CREATE INDEX sessions_by_person ON sessions (tenant_id, person_id);

-- An order's read row. `search` holds its terms and pairs (baoxiu_domain::search) with their
-- positions, so a phrase matches only side by side.
CREATE TABLE orders (
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    id                 uuid NOT NULL,
    version            bigint NOT NULL,
    state              text NOT NULL,
    template           text NOT NULL,
    station_id         uuid,
    station_parent_id  uuid,
    assignee_id        uuid,
    reporter_id        uuid,
    vendor_id          uuid,
    number             text,
    reported_ms        bigint NOT NULL,
    updated_ms         bigint NOT NULL,
    cancel_pending     boolean NOT NULL DEFAULT false,
    approval_next      text,
    search             tsvector NOT NULL,
    doc                text NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX orders_by_state ON orders (tenant_id, state, id);
CREATE INDEX orders_by_template ON orders (tenant_id, template, id);
CREATE INDEX orders_by_station ON orders (tenant_id, station_id, id);
CREATE INDEX orders_by_station_parent ON orders (tenant_id, station_parent_id, id);
CREATE INDEX orders_by_assignee ON orders (tenant_id, assignee_id, id);
CREATE INDEX orders_by_reporter ON orders (tenant_id, reporter_id, id);
CREATE INDEX orders_by_vendor ON orders (tenant_id, vendor_id, id) WHERE vendor_id IS NOT NULL;
CREATE UNIQUE INDEX orders_by_number ON orders (tenant_id, number) WHERE number IS NOT NULL;
CREATE INDEX orders_cancel_pending ON orders (tenant_id, id) WHERE cancel_pending;
CREATE INDEX orders_approval_next ON orders (tenant_id, approval_next, id) WHERE approval_next IS NOT NULL;
CREATE INDEX orders_search ON orders USING gin (search);

CREATE TABLE events (
    tenant_id  uuid NOT NULL,
    order_id   uuid NOT NULL,
    seq        bigint NOT NULL,
    at_ms      bigint NOT NULL,
    actor_id   uuid NOT NULL,
    kind       text NOT NULL,
    body       text NOT NULL,
    PRIMARY KEY (tenant_id, order_id, seq),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
);

-- Orders per (template, station, state), kept with every write so the list's tabs count
-- without reading the orders. Each count is spread over slots, one per database connection
-- (its process id): one row per count would make every create of an organisation wait for
-- the one before it to commit, and a pooled connection runs one transaction at a time.
CREATE TABLE state_counts (
    tenant_id   uuid NOT NULL,
    template    text NOT NULL,
    station_id  text NOT NULL,
    state       text NOT NULL,
    slot        smallint NOT NULL,
    n           bigint NOT NULL,
    PRIMARY KEY (tenant_id, template, station_id, state, slot)
);

CREATE FUNCTION count_order(t uuid, tpl text, st uuid, s text, d bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO state_counts (tenant_id, template, station_id, state, slot, n)
    VALUES (t, tpl, coalesce(st::text, ''), s, (pg_backend_pid() % 128)::smallint, d)
    ON CONFLICT (tenant_id, template, station_id, state, slot) DO UPDATE SET n = state_counts.n + d
$$;

CREATE FUNCTION orders_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM count_order(NEW.tenant_id, NEW.template, NEW.station_id, NEW.state, 1);
    ELSIF OLD.state IS DISTINCT FROM NEW.state OR OLD.station_id IS DISTINCT FROM NEW.station_id THEN
        -- The two rows in one order, whichever way the order moves: two transactions moving
        -- orders opposite ways through one slot never wait for each other in a circle.
        IF (coalesce(OLD.station_id::text, ''), OLD.state) < (coalesce(NEW.station_id::text, ''), NEW.state) THEN
            PERFORM count_order(OLD.tenant_id, OLD.template, OLD.station_id, OLD.state, -1);
            PERFORM count_order(NEW.tenant_id, NEW.template, NEW.station_id, NEW.state, 1);
        ELSE
            PERFORM count_order(NEW.tenant_id, NEW.template, NEW.station_id, NEW.state, 1);
            PERFORM count_order(OLD.tenant_id, OLD.template, OLD.station_id, OLD.state, -1);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_counted AFTER INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_counted();

-- The last order number given per organisation and day (X09).
CREATE TABLE order_numbers (
    tenant_id  uuid NOT NULL,
    day        integer NOT NULL,
    last       integer NOT NULL,
    PRIMARY KEY (tenant_id, day)
);

CREATE TABLE idempotency (
    tenant_id    uuid NOT NULL,
    person_id    uuid NOT NULL,
    key          text NOT NULL,
    fingerprint  text NOT NULL,
    status       integer NOT NULL,
    body         text NOT NULL,
    created_ms   bigint NOT NULL,
    PRIMARY KEY (tenant_id, person_id, key)
);
CREATE INDEX idempotency_by_age ON idempotency (created_ms);

CREATE TABLE readiness (
    id          integer PRIMARY KEY CHECK (id = 1),
    checked_ms  bigint NOT NULL
);

-- Photos: kept in the database, so every server behind the balancer has them.
CREATE TABLE uploads (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL,
    person_id   uuid NOT NULL,
    created_ms  bigint NOT NULL,
    meta        text NOT NULL,
    bytes       bytea NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE timers (
    tenant_id  uuid NOT NULL,
    order_id   uuid NOT NULL,
    clock      text NOT NULL,
    level      smallint NOT NULL,
    due_ms     bigint NOT NULL,
    -- Taken by a server until then (Store::take_due_timers); a rewrite frees it.
    leased_ms  bigint,
    PRIMARY KEY (tenant_id, order_id, clock, level)
);
CREATE INDEX timers_due ON timers (due_ms);

CREATE TABLE deadlines (
    tenant_id    uuid NOT NULL,
    order_id     uuid NOT NULL,
    clock        text NOT NULL,
    state        text NOT NULL,
    deadline_ms  bigint NOT NULL,
    PRIMARY KEY (tenant_id, order_id, clock)
);
CREATE INDEX deadlines_open ON deadlines (tenant_id, state, deadline_ms);

CREATE TABLE inbox (
    tenant_id   uuid NOT NULL,
    person_id   uuid NOT NULL,
    id          uuid NOT NULL,
    created_ms  bigint NOT NULL,
    read_ms     bigint,
    notice      text NOT NULL,
    PRIMARY KEY (tenant_id, person_id, id)
);
CREATE INDEX inbox_newest ON inbox (tenant_id, person_id, created_ms);

CREATE TABLE outbox (
    tenant_id     uuid NOT NULL,
    id            uuid NOT NULL,
    created_ms    bigint NOT NULL,
    state         text NOT NULL,
    attempts      integer NOT NULL DEFAULT 0,
    next_ms       bigint,
    last_error    text,
    delivered_ms  bigint,
    -- Taken by a server until then (Store::take_deliveries); an attempt frees it.
    leased_ms     bigint,
    notice        text NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX outbox_by_id ON outbox (id);
CREATE INDEX outbox_due ON outbox (state, next_ms);
CREATE INDEX outbox_tenant ON outbox (tenant_id, created_ms);

CREATE TABLE delivery_log (
    tenant_id  uuid NOT NULL,
    outbox_id  uuid NOT NULL,
    seq        integer NOT NULL,
    at_ms      bigint NOT NULL,
    outcome    text NOT NULL,
    error      text,
    PRIMARY KEY (tenant_id, outbox_id, seq)
);

CREATE TABLE channel_settings (
    tenant_id  uuid NOT NULL,
    channel    text NOT NULL,
    settings   text NOT NULL,
    PRIMARY KEY (tenant_id, channel)
);

CREATE TABLE calendar_years (
    tenant_id  uuid NOT NULL,
    year       integer NOT NULL,
    body       text NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

CREATE TABLE working_weeks (
    tenant_id  uuid PRIMARY KEY,
    body       text NOT NULL
);

CREATE TABLE assets (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    code       text NOT NULL,
    version    bigint NOT NULL,
    plan_due   bigint,
    doc        text NOT NULL,
    PRIMARY KEY (tenant_id, code)
);
CREATE INDEX assets_by_plan_due ON assets (plan_due) WHERE plan_due IS NOT NULL;

CREATE TABLE org_requests (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         uuid NOT NULL,
    decisions  integer NOT NULL,
    next_role  text,
    doc        text NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX org_requests_by_next ON org_requests (tenant_id, next_role) WHERE next_role IS NOT NULL;

CREATE TABLE org_books (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    kind       text NOT NULL,
    version    bigint NOT NULL,
    doc        text NOT NULL,
    PRIMARY KEY (tenant_id, kind)
);

-- An order's timers and deadlines not in the schedule being written are removed by these,
-- called from the write's statement once it holds the order's row: a function of this kind
-- reads with a snapshot of its own, taken then, so it also sees rows a reschedule committed
-- while the write waited for the row (the statement's own snapshot is older and would not).
CREATE FUNCTION drop_timers_but(t uuid, o uuid, clocks text[], levels smallint[]) RETURNS bigint
LANGUAGE sql VOLATILE AS $$
    WITH gone AS (
        DELETE FROM timers WHERE tenant_id = t AND order_id = o
          AND (clock, level) NOT IN (SELECT * FROM UNNEST(clocks, levels))
        RETURNING 1)
    SELECT count(*) FROM gone
$$;

CREATE FUNCTION drop_deadlines_but(t uuid, o uuid, clocks text[]) RETURNS bigint
LANGUAGE sql VOLATILE AS $$
    WITH gone AS (
        DELETE FROM deadlines WHERE tenant_id = t AND order_id = o AND clock <> ALL(clocks)
        RETURNING 1)
    SELECT count(*) FROM gone
$$;
