-- Live sync status: every change a client should see is announced on the 'sync_status' channel with the shop's
-- domain as payload. PostgreSQL delivers it at commit to every replica that LISTENs (SyncStatusChanges), so clients
-- of any replica see the progress of a sync whichever replica runs it; identical payloads of one transaction are
-- folded into one notification.

-- When the progress last moved (a batch committed): the clock the status latency is measured from.
ALTER TABLE sync_runs ADD COLUMN progress_at timestamptz;

CREATE FUNCTION notify_sync_status() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('sync_status', COALESCE(NEW.shop_domain, OLD.shop_domain));
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- Lease renewals (every few seconds) change nothing a client sees: they are left out.
CREATE TRIGGER sync_runs_status AFTER INSERT OR UPDATE OF state, phase, customers_total, orders_total, customers_synced,
    orders_synced, summary, failure_reason ON sync_runs FOR EACH ROW EXECUTE FUNCTION notify_sync_status();

CREATE TRIGGER shops_status AFTER UPDATE OF last_successful_sync_at, sync_started_at, orders_limited_to_60_days ON shops
    FOR EACH ROW EXECUTE FUNCTION notify_sync_status();

-- The dead-letter count.
CREATE TRIGGER dead_letters_status AFTER INSERT OR DELETE OR UPDATE OF state ON dead_letters
    FOR EACH ROW EXECUTE FUNCTION notify_sync_status();
