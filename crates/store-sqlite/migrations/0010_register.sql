-- The register (台账) of equipment, rooms and places, each with its sticker's code.
CREATE TABLE assets (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    code      TEXT NOT NULL,
    doc       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, code)
) WITHOUT ROWID;
