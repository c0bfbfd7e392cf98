-- A19, B24: requests to change the organisation (a station's coverage, the price list),
-- decided through the approvals engine, and the books they change. `decisions` guards an
-- update (two approvers deciding at once: one wins); `next_role` is the approvals inbox.
CREATE TABLE org_requests (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    id         TEXT NOT NULL,
    decisions  INTEGER NOT NULL,
    next_role  TEXT,
    doc        TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

CREATE INDEX org_requests_by_next ON org_requests (tenant_id, next_role) WHERE next_role IS NOT NULL;

-- One row per organisation and book (`coverage`, `prices`); `version` guards every write.
CREATE TABLE org_books (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    kind       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (tenant_id, kind)
) WITHOUT ROWID;
