-- Files people upload (photos), before and after they are attached to an order. The bytes
-- are in the files folder beside the database; this is their record.
CREATE TABLE uploads (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    person_id   TEXT NOT NULL,
    created_ms  INTEGER NOT NULL,
    meta        TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
