-- Shops the CRM syncs (from configuration; their access tokens stay in configuration/secrets, never here),
-- their sync runs and each run's bulk operations with the checkpoints a resumed run continues from.

CREATE TABLE shops (
    shop_domain                 text        PRIMARY KEY,
    admin_url                   text        NOT NULL,
    api_version                 text        NOT NULL,
    added_at                    timestamptz NOT NULL DEFAULT now(),
    -- Cutover: the start of the first successful sync. Orders created before it are historical.
    sync_started_at             timestamptz,
    last_successful_sync_at     timestamptz,
    -- Incremental sync reads everything updated since these (minus a safety overlap); they move only after a
    -- successful sync, to the latest updated_at durably applied.
    customers_cursor            timestamptz,
    orders_cursor               timestamptz,
    access_scopes               text[],
    -- Without read_all_orders Shopify shows only the last 60 days of orders.
    orders_limited_to_60_days   boolean     NOT NULL DEFAULT false
);

CREATE TABLE sync_runs (
    id                  uuid        PRIMARY KEY,
    shop_domain         text        NOT NULL REFERENCES shops (shop_domain),
    mode                text        NOT NULL CHECK (mode IN ('initial', 'incremental', 'full')),
    state               text        NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
    phase               text        NOT NULL DEFAULT 'counting',
    started_at          timestamptz NOT NULL DEFAULT now(),
    finished_at         timestamptz,
    customers_since     timestamptz,
    orders_since        timestamptz,
    customers_total     bigint,
    orders_total        bigint,
    customers_synced    bigint      NOT NULL DEFAULT 0,
    orders_synced       bigint      NOT NULL DEFAULT 0,
    summary             text,
    failure_reason      text,
    -- The replica running it and until when; an expired lease lets another replica resume the run.
    lease_owner         text,
    lease_expires_at    timestamptz
);

-- One running sync per shop, whichever replica asks: a second start fails on this index.
CREATE UNIQUE INDEX sync_runs_one_running_per_shop ON sync_runs (shop_domain) WHERE state = 'running';
CREATE INDEX sync_runs_by_shop ON sync_runs (shop_domain, started_at DESC);

CREATE TABLE sync_operations (
    run_id              uuid        NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    resource            text        NOT NULL CHECK (resource IN ('customers', 'orders')),
    bulk_operation_id   text,
    status              text,
    url                 text,
    partial_data_url    text,
    -- Lines of the operation's file durably applied: a resumed download continues after them.
    lines_applied       bigint      NOT NULL DEFAULT 0,
    rows_applied        bigint      NOT NULL DEFAULT 0,
    -- The latest root updated_at durably applied: a replacement operation exports from here.
    cursor_updated_at   timestamptz,
    restarts            integer     NOT NULL DEFAULT 0,
    completed           boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (run_id, resource)
);

-- A full sync's record of the customers its export contained: the absent ones are soft-deleted at its end.
CREATE TABLE sync_seen_customers (
    run_id              uuid        NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    shopify_id          bigint      NOT NULL,
    PRIMARY KEY (run_id, shopify_id)
);

-- Which bulk operation supplied an order's line items (null when a webhook did): line items of an ungrouped export
-- that arrive after their order join it only while the order still holds that export's version.
ALTER TABLE orders ADD COLUMN line_items_source text;

-- Historical orders: created before the shop's cutover, however they arrive (webhook or bulk, before or after the
-- cutover is known; the first successful sync marks those already here).
CREATE FUNCTION mark_historical_order() RETURNS trigger AS $$
BEGIN
    NEW.historical := NEW.historical OR COALESCE(
        NEW.shopify_created_at < (SELECT sync_started_at FROM shops WHERE shop_domain = NEW.shop_domain), false);
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER orders_historical BEFORE INSERT OR UPDATE OF shopify_created_at ON orders
    FOR EACH ROW EXECUTE FUNCTION mark_historical_order();
