-- A full sync's sweep deletes only customers Shopify created before the run's first export began, by Shopify's clock
-- (the bulk operation's createdAt): a customer created later may be missing from the export and still exist.
ALTER TABLE sync_operations ADD COLUMN first_export_created_at timestamptz;

-- Rows of a bulk file PostgreSQL refused (quarantined as dead letters of topic bulk/<resource>), counted per run for
-- its summary.
ALTER TABLE sync_runs ADD COLUMN rows_quarantined bigint NOT NULL DEFAULT 0;
