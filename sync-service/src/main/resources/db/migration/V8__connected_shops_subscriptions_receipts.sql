-- Shops connected by their merchant (OAuth), their encrypted tokens, the webhook subscriptions kept alive for them,
-- scheduled reconciliation and the receipts that prove each sync complete.

-- Where a shop comes from: 'configured' (the environment: a custom app's admin-created token) or 'installed' (a
-- merchant connected it; its tokens are in shop_credentials). What it needs from a person, if anything:
-- 'reconnect' when its refresh token was refused for good.
ALTER TABLE shops ADD COLUMN source text NOT NULL DEFAULT 'configured' CHECK (source IN ('configured', 'installed'));
ALTER TABLE shops ADD COLUMN connection_state text NOT NULL DEFAULT 'connected' CHECK (connection_state IN ('connected', 'reconnect'));
ALTER TABLE shops ADD COLUMN connection_problem text;
ALTER TABLE shops ADD COLUMN connected_at timestamptz;
-- The subscription watchdog: when it last looked (one replica per interval takes the shop), and what it found missing.
ALTER TABLE shops ADD COLUMN subscriptions_checked_at timestamptz;
ALTER TABLE shops ADD COLUMN subscriptions_registered_at timestamptz;
ALTER TABLE shops ADD COLUMN subscription_warning text;
ALTER TABLE shops ADD COLUMN subscription_warning_at timestamptz;
-- An incremental sync is wanted as soon as none runs (subscriptions re-created, the gateway was unavailable): since
-- when, and why. A run started after the request clears it; a request made while it starts stays for the next.
ALTER TABLE shops ADD COLUMN catch_up_requested_at timestamptz;
ALTER TABLE shops ADD COLUMN catch_up_reason text;
-- Why a full sync is due (full_sync_due): 'upgrade' (V6), or 'receipt' (a receipt found customers the CRM holds and
-- Shopify does not: a lost customers/delete, which only a full sync's sweep heals).
ALTER TABLE shops ADD COLUMN full_sync_reason text;

-- A shop's Admin API tokens, AES-256-GCM encrypted (TokenCipher): never in plain text at rest. A refresh replaces the
-- pair in one statement, after Shopify answered: until then the old refresh token stays usable (Shopify keeps it valid
-- until its replacement is first used), so a refresh whose answer was lost is simply done again.
CREATE TABLE shop_credentials (
    shop_domain                 text        PRIMARY KEY REFERENCES shops (shop_domain) ON UPDATE CASCADE ON DELETE CASCADE,
    access_token                bytea       NOT NULL,
    access_token_expires_at     timestamptz,            -- null: a token that does not expire
    refresh_token               bytea,
    refresh_token_expires_at    timestamptz,
    scopes                      text[]      NOT NULL,
    refreshed_at                timestamptz,
    updated_at                  timestamptz NOT NULL DEFAULT now()
);

-- The OAuth states handed out with authorization URLs: single use, bound to the shop they were issued for.
CREATE TABLE oauth_states (
    state           text        PRIMARY KEY,
    shop_domain     text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz
);

-- Why a run was started: initial, manual (Sync Now), scheduled (reconciliation), catch-up, upgrade (full_sync_due).
ALTER TABLE sync_runs ADD COLUMN trigger text;

-- After every successful sync, per resource: Shopify's own count next to the CRM's active rows, and what explains the
-- difference. unexplained = shopify_count - active_rows - quarantined - dead_lettered + outside_window (once settled).
CREATE TABLE sync_receipts (
    run_id              uuid        NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    resource            text        NOT NULL CHECK (resource IN ('customers', 'orders')),
    shop_domain         text        NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    shopify_count       bigint      NOT NULL,
    active_rows         bigint      NOT NULL,
    soft_deleted        bigint      NOT NULL,
    quarantined         bigint      NOT NULL,
    dead_lettered       bigint      NOT NULL,
    outside_window      bigint      NOT NULL,
    changed_during_sync bigint      NOT NULL,
    unexplained         bigint      NOT NULL,
    PRIMARY KEY (run_id, resource)
);
CREATE INDEX sync_receipts_by_shop ON sync_receipts (shop_domain, created_at DESC);

-- The customer or order id a dead letter's payload names, if it is JSON that names one (else null).
CREATE FUNCTION dead_letter_resource_id(payload bytea) RETURNS bigint AS $$
BEGIN
    RETURN (convert_from(payload, 'UTF8')::jsonb ->> 'id')::bigint;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$ LANGUAGE plpgsql IMMUTABLE;

-- Status pushes: a receipt, a subscription warning, a shop's connection changing.
CREATE TRIGGER sync_receipts_status AFTER INSERT ON sync_receipts FOR EACH ROW EXECUTE FUNCTION notify_sync_status();
DROP TRIGGER shops_status ON shops;
CREATE TRIGGER shops_status AFTER UPDATE OF last_successful_sync_at, sync_started_at, orders_limited_to_60_days, connection_state,
    subscription_warning ON shops FOR EACH ROW EXECUTE FUNCTION notify_sync_status();
