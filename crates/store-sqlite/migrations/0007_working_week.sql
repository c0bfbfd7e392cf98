-- An organisation's working week (periods of a working day, the days worked), as the file
-- its admin gave; none means the mainland office week.
CREATE TABLE working_weeks (
    tenant_id  TEXT PRIMARY KEY,
    body       TEXT NOT NULL
) WITHOUT ROWID;
