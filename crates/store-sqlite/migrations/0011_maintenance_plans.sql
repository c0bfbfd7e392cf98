-- C12: when an entry's earliest maintenance plan falls due, so the server finds the plans
-- due without reading the whole register.
ALTER TABLE assets ADD COLUMN plan_due INTEGER;
CREATE INDEX assets_by_plan_due ON assets (plan_due) WHERE plan_due IS NOT NULL;
