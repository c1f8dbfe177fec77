-- App lifecycle and privacy: uninstalled (disconnected) shops, customer redaction, shop erasure, data requests.

-- app/uninstalled: the shop is disconnected (its tokens deleted, no sync starts) until its merchant connects it again,
-- or, for a configured shop, until the configuration holds another token than the one Shopify revoked (compared by
-- SHA-256: the token itself is never stored for a configured shop).
ALTER TABLE shops DROP CONSTRAINT shops_connection_state_check;
ALTER TABLE shops ADD CONSTRAINT shops_connection_state_check CHECK (connection_state IN ('connected', 'reconnect', 'disconnected'));
ALTER TABLE shops ADD COLUMN disconnected_at timestamptz;
ALTER TABLE shops ADD COLUMN configured_token_sha256 text;
ALTER TABLE shops ADD COLUMN revoked_token_sha256 text;
-- Events older than a shop's latest connection (an uninstall, an erasure request) do not apply to it: a configured shop
-- counts as connected since it was added.
UPDATE shops SET connected_at = added_at WHERE connected_at IS NULL;

-- A run stopped because its shop was uninstalled under it: neither a success nor a failure.
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_state_check;
ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_state_check CHECK (state IN ('running', 'succeeded', 'failed', 'cancelled'));

-- customers/redact: the record of each redaction (ids and times, no personal data). While it exists, every write of
-- the customer, or of one of the orders, is stripped of personal data on its way in (the triggers below), so a late
-- or replayed webhook, a retry or a bulk export never brings the data back.
CREATE TABLE redacted_customers (
    shop_domain         text        NOT NULL,
    customer_id         bigint      NOT NULL,
    requested_at        timestamptz NOT NULL,   -- when Shopify asked (X-Shopify-Triggered-At, else received)
    redacted_at         timestamptz NOT NULL DEFAULT now(),
    orders_redacted     integer     NOT NULL,
    PRIMARY KEY (shop_domain, customer_id)
);
CREATE TABLE redacted_orders (
    shop_domain         text        NOT NULL,
    order_id            bigint      NOT NULL,
    customer_id         bigint      NOT NULL,
    PRIMARY KEY (shop_domain, order_id)
);

-- shop/redact: the audit line left of an erased shop, and the mark that keeps anything of it from being stored again
-- until the shop is connected anew (reconnected_at).
CREATE TABLE erased_shops (
    shop_domain         text        PRIMARY KEY,
    requested_at        timestamptz NOT NULL,
    erased_at           timestamptz NOT NULL DEFAULT now(),
    rows_erased         bigint      NOT NULL,
    revoked_token_sha256 text,
    reconnected_at      timestamptz
);

-- customers/data_request: what the merchant must answer within 30 days. The export is read when asked for, from
-- the rows as they are then: no second copy of the personal data is kept.
CREATE TABLE data_requests (
    id                  bigserial   PRIMARY KEY,
    shop_domain         text        NOT NULL,
    shopify_request_id  bigint      NOT NULL,
    customer_id         bigint      NOT NULL,
    orders_requested    bigint[]    NOT NULL,
    requested_at        timestamptz NOT NULL,
    received_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (shop_domain, shopify_request_id)
);

-- The keys that hold personal data in Shopify's payloads, REST (webhooks) or GraphQL (bulk exports) shaped, at any
-- depth: contact details, names, addresses, notes, what the browser told. A customer block keeps only its ids.
CREATE FUNCTION without_personal_data(document jsonb) RETURNS jsonb AS $$
DECLARE
    personal CONSTANT text[] := ARRAY['email', 'contact_email', 'contactEmail', 'phone', 'first_name', 'last_name', 'firstName',
        'lastName', 'displayName', 'display_name', 'note', 'billing_address', 'shipping_address', 'billingAddress',
        'shippingAddress', 'default_address', 'defaultAddress', 'addresses', 'destination', 'destination_location',
        'browser_ip', 'client_details', 'clientDetails', 'customer_locale', 'note_attributes', 'customAttributes',
        'landing_site', 'landing_site_ref', 'referring_site', 'sms_marketing_phone', 'properties', 'payment_details',
        'receipt', 'credit_card_name', 'order_status_url', 'statusPageUrl'];
    result jsonb;
    field text;
    value jsonb;
BEGIN
    IF jsonb_typeof(document) = 'object' THEN
        result := '{}'::jsonb;
        FOR field, value IN SELECT * FROM jsonb_each(document) LOOP
            IF field = ANY (personal) THEN
                CONTINUE;
            ELSIF field = 'customer' AND jsonb_typeof(value) = 'object' THEN
                result := result || jsonb_build_object(field, jsonb_strip_nulls(jsonb_build_object('id', value -> 'id',
                        'admin_graphql_api_id', value -> 'admin_graphql_api_id')));
            ELSE
                result := result || jsonb_build_object(field, without_personal_data(value));
            END IF;
        END LOOP;
        RETURN result;
    ELSIF jsonb_typeof(document) = 'array' THEN
        RETURN COALESCE((SELECT jsonb_agg(without_personal_data(element) ORDER BY position)
                FROM jsonb_array_elements(document) WITH ORDINALITY AS elements(element, position)), '[]'::jsonb);
    END IF;
    RETURN document;
END
$$ LANGUAGE plpgsql IMMUTABLE;

-- Whether a shop was erased and not connected since: nothing of it may be stored.
CREATE FUNCTION shop_erased(shop text) RETURNS boolean AS $$
    SELECT EXISTS (SELECT 1 FROM erased_shops e WHERE e.shop_domain = shop AND e.reconnected_at IS NULL)
$$ LANGUAGE sql STABLE;

-- Every write of a customer: skipped for an erased shop; a redacted customer's personal fields are never stored
-- again. What stays is an anonymous tombstone: ids, state, counts, amounts, dates.
CREATE FUNCTION customers_privacy() RETURNS trigger AS $$
BEGIN
    IF shop_erased(NEW.shop_domain) THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM redacted_customers r WHERE r.shop_domain = NEW.shop_domain AND r.customer_id = NEW.shopify_id) THEN
        NEW.email := NULL;
        NEW.first_name := NULL;
        NEW.last_name := NULL;
        NEW.phone := NULL;
        NEW.note := NULL;
        NEW.tags := '{}';
        NEW.tag_versions := NULL;
        NEW.default_address := NULL;
        NEW.email_marketing_state := NULL;
        NEW.email_marketing_opt_in_level := NULL;
        NEW.email_marketing_consent_updated_at := NULL;
        NEW.sms_marketing_state := NULL;
        NEW.shopify_payload := jsonb_build_object('id', NEW.shopify_id, 'admin_graphql_api_id', NEW.admin_graphql_api_id, 'redacted', true);
        NEW.shopify_payload_sha256 := 'redacted';
        NEW.crm_notes := NULL;
        NEW.crm_tags := '{}';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER customers_privacy BEFORE INSERT OR UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION customers_privacy();

-- Every write of an order: skipped for an erased shop; one listed for redaction, or of a redacted customer, keeps
-- its ids, amounts and dates, without the person's contact details, addresses or notes.
CREATE FUNCTION orders_privacy() RETURNS trigger AS $$
BEGIN
    IF shop_erased(NEW.shop_domain) THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM redacted_orders r WHERE r.shop_domain = NEW.shop_domain AND r.order_id = NEW.shopify_id)
            OR (NEW.customer_shopify_id IS NOT NULL AND EXISTS (SELECT 1 FROM redacted_customers r
                WHERE r.shop_domain = NEW.shop_domain AND r.customer_id = NEW.customer_shopify_id)) THEN
        NEW.email := NULL;
        NEW.shopify_payload := without_personal_data(NEW.shopify_payload);
        NEW.shopify_payload_sha256 := 'redacted';
        NEW.crm_notes := NULL;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER orders_privacy BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_privacy();

-- A JSON id as Shopify writes it: a number, or a GID ('gid://shopify/Customer/42'); null for anything else.
CREATE FUNCTION shopify_id(value jsonb) RETURNS bigint AS $$
    SELECT CASE WHEN jsonb_typeof(value) = 'number' THEN (value #>> '{}')::numeric::bigint
                WHEN jsonb_typeof(value) = 'string' THEN substring(value #>> '{}' FROM '^(?:gid://shopify/[A-Za-z]+/)?(\d{1,19})$')::bigint END
$$ LANGUAGE sql IMMUTABLE;

-- The customer and the order a webhook payload (or a quarantined bulk row) is about, where it is JSON that says:
-- the customer by its block, customerId or customer_id (GraphQL and REST shapes), or by the id of a customer topic; the
-- order by the id of an order topic. parsed is false for a payload that is not a JSON object.
CREATE FUNCTION payload_subjects(topic text, payload bytea, OUT customer_id bigint, OUT order_id bigint, OUT parsed boolean) AS $$
DECLARE
    document jsonb;
BEGIN
    parsed := false;
    BEGIN
        document := convert_from(payload, 'UTF8')::jsonb;
    EXCEPTION WHEN others THEN
        RETURN;
    END;
    IF jsonb_typeof(document) <> 'object' THEN
        RETURN;
    END IF;
    parsed := true;
    customer_id := COALESCE(shopify_id(document -> 'customer' -> 'id'), shopify_id(document -> 'customerId'),
        shopify_id(document -> 'customer_id'),
        CASE WHEN topic LIKE 'customer%' OR topic = 'bulk/customers' THEN shopify_id(document -> 'id') END);
    IF topic LIKE 'orders/%' OR topic = 'bulk/orders' THEN
        order_id := shopify_id(document -> 'id');
    END IF;
EXCEPTION WHEN others THEN
    RETURN;
END
$$ LANGUAGE plpgsql IMMUTABLE;

-- A dead letter is not recorded for an erased shop, nor when it is about a redacted customer or order (the Kafka
-- dead-letter topic still holds it until its retention ends).
CREATE FUNCTION dead_letters_privacy() RETURNS trigger AS $$
DECLARE
    subject record;
BEGIN
    IF shop_erased(NEW.shop_domain) THEN
        RETURN NULL;
    END IF;
    subject := payload_subjects(NEW.topic, NEW.payload);
    IF EXISTS (SELECT 1 FROM redacted_customers r WHERE r.shop_domain = NEW.shop_domain AND r.customer_id = subject.customer_id)
            OR EXISTS (SELECT 1 FROM redacted_orders r WHERE r.shop_domain = NEW.shop_domain AND r.order_id = subject.order_id) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER dead_letters_privacy BEFORE INSERT ON dead_letters FOR EACH ROW EXECUTE FUNCTION dead_letters_privacy();

-- A webhook of an erased shop is not recorded as processed: then nothing of it is applied either (Sql.IS_FRESH_EVENT).
CREATE FUNCTION processed_webhooks_privacy() RETURNS trigger AS $$
BEGIN
    IF shop_erased(NEW.shop_domain) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER processed_webhooks_privacy BEFORE INSERT ON processed_webhooks FOR EACH ROW EXECUTE FUNCTION processed_webhooks_privacy();

-- A shop's writers (a webhook poll, a bulk batch, the registration of a configured shop) hold its lock shared for
-- their transaction; a customer redaction or the shop's erasure holds it alone. Advisory locks, not a lock of the
-- shops row: PostgreSQL queues them fairly (a stream of shared holders cannot starve an exclusive waiter, as it can
-- with row locks), and a shop without a row (an erased one) is locked all the same. Waits obey lock_timeout.
CREATE FUNCTION lock_shop(shop text, exclusive boolean) RETURNS boolean AS $$
BEGIN
    IF exclusive THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('shop:' || shop, 0));
    ELSE
        PERFORM pg_advisory_xact_lock_shared(hashtextextended('shop:' || shop, 0));
    END IF;
    RETURN true;
END
$$ LANGUAGE plpgsql;

-- shop/redact: every row of the shop, in every table that has a shop_domain column (found in the catalogue, so a table
-- added later is erased too), is deleted, once the shop's lock is held alone (lock_shop). Rows keyed by a run
-- (operations, seen customers) go with their run (ON DELETE CASCADE). Leaves the audit line in erased_shops. Idempotent. A request older than the shop's latest connection erases
-- nothing (the merchant installed the app again since; Shopify sends shop/redact only for a shop that stayed uninstalled).
CREATE FUNCTION erase_shop(shop text, requested timestamptz) RETURNS bigint AS $$
DECLARE
    erasable record;
    deleted bigint;
    total bigint := 0;
    revoked text;
BEGIN
    PERFORM lock_shop(shop, true);
    SELECT COALESCE(s.revoked_token_sha256, s.configured_token_sha256) INTO revoked FROM shops s WHERE s.shop_domain = shop;
    IF EXISTS (SELECT 1 FROM shops s WHERE s.shop_domain = shop AND s.connected_at >= requested) THEN
        RAISE LOG 'shop/redact of % requested at % ignored: the shop was connected again since', shop, requested;
        RETURN 0;
    END IF;
    FOR erasable IN SELECT c.table_name FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND c.column_name = 'shop_domain' AND t.table_type = 'BASE TABLE'
            AND c.table_name NOT IN ('shops', 'erased_shops') ORDER BY c.table_name LOOP
        EXECUTE format('DELETE FROM %I WHERE shop_domain = $1', erasable.table_name) USING shop;
        GET DIAGNOSTICS deleted = ROW_COUNT;
        total := total + deleted;
    END LOOP;
    DELETE FROM shops WHERE shop_domain = shop;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    total := total + deleted;
    INSERT INTO erased_shops (shop_domain, requested_at, rows_erased, revoked_token_sha256) VALUES (shop, requested, total, revoked)
        ON CONFLICT (shop_domain) DO UPDATE SET requested_at = GREATEST(erased_shops.requested_at, EXCLUDED.requested_at), erased_at = now(),
            rows_erased = erased_shops.rows_erased + EXCLUDED.rows_erased, reconnected_at = NULL,
            revoked_token_sha256 = COALESCE(EXCLUDED.revoked_token_sha256, erased_shops.revoked_token_sha256);
    RETURN total;
END
$$ LANGUAGE plpgsql;
