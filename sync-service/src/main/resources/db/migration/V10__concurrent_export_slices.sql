-- A run's export of a resource may be split into slices by created_at ([created_from, created_before), open where null),
-- each its own bulk operation with its own checkpoint, run concurrently up to Shopify's limit. Runs planned before this
-- migration keep their one operation per resource as slice 0.
ALTER TABLE sync_operations ADD COLUMN slice integer NOT NULL DEFAULT 0,
    ADD COLUMN created_from timestamptz,
    ADD COLUMN created_before timestamptz,
    -- The cursor the current bulk operation exported from: an abandoned export whose rows have children (orders' line
    -- items, which ungrouped output may put anywhere after their order) is exported again from here, not from the
    -- cursor its applied part reached, so an order whose later line items were in the lost part gets them.
    ADD COLUMN exported_from timestamptz,
    -- rows_applied when the current bulk operation began: what a new export of it undoes from the run's counters.
    ADD COLUMN rows_at_export_start bigint NOT NULL DEFAULT 0,
    -- When Shopify created the current bulk operation (its clock): a slice has seen every change made before then, so
    -- the shop's cursor moves no further than the earliest slice's export, however much later another slice ran.
    ADD COLUMN export_created_at timestamptz;
ALTER TABLE sync_operations DROP CONSTRAINT sync_operations_pkey, ADD PRIMARY KEY (run_id, resource, slice);
