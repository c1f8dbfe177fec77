-- Shop domains are normalized (lower case) wherever they enter the system. A shop configured with capitals before this
-- had its bulk rows and runs under that spelling and its webhooks under the lower-case one: everything moves to the
-- lower-case domain. Where a row exists under both (a customer imported, then updated by webhook), the lower-case one
-- stays (it is the one webhooks kept current); the shop's next sync is a full one, which settles every row again.

ALTER TABLE order_line_items DROP CONSTRAINT order_line_items_shop_domain_order_shopify_id_fkey;
ALTER TABLE order_line_items ADD FOREIGN KEY (shop_domain, order_shopify_id) REFERENCES orders (shop_domain, shopify_id)
    ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO shops (shop_domain, admin_url, api_version, added_at, sync_started_at, last_successful_sync_at, customers_cursor,
                   orders_cursor, access_scopes, orders_limited_to_60_days, full_sync_due)
SELECT lower(shop_domain), admin_url, api_version, added_at, sync_started_at, last_successful_sync_at, customers_cursor,
       orders_cursor, access_scopes, orders_limited_to_60_days, true
FROM shops WHERE shop_domain <> lower(shop_domain)
ON CONFLICT (shop_domain) DO UPDATE SET full_sync_due = true;
UPDATE sync_runs SET shop_domain = lower(shop_domain) WHERE shop_domain <> lower(shop_domain);
DELETE FROM shops WHERE shop_domain <> lower(shop_domain);

DELETE FROM customers c WHERE c.shop_domain <> lower(c.shop_domain)
    AND EXISTS (SELECT 1 FROM customers l WHERE l.shop_domain = lower(c.shop_domain) AND l.shopify_id = c.shopify_id);
UPDATE customers SET shop_domain = lower(shop_domain) WHERE shop_domain <> lower(shop_domain);

DELETE FROM orders o WHERE o.shop_domain <> lower(o.shop_domain)
    AND EXISTS (SELECT 1 FROM orders l WHERE l.shop_domain = lower(o.shop_domain) AND l.shopify_id = o.shopify_id);
UPDATE orders SET shop_domain = lower(shop_domain) WHERE shop_domain <> lower(shop_domain);

DELETE FROM processed_webhooks p WHERE p.shop_domain <> lower(p.shop_domain)
    AND EXISTS (SELECT 1 FROM processed_webhooks l WHERE l.shop_domain = lower(p.shop_domain) AND l.topic = p.topic
                AND l.deduplication_key = p.deduplication_key);
UPDATE processed_webhooks SET shop_domain = lower(shop_domain) WHERE shop_domain <> lower(shop_domain);

DELETE FROM dead_letters d WHERE d.shop_domain <> lower(d.shop_domain)
    AND EXISTS (SELECT 1 FROM dead_letters l WHERE l.shop_domain = lower(d.shop_domain) AND l.topic = d.topic
                AND l.deduplication_key = d.deduplication_key);
UPDATE dead_letters SET shop_domain = lower(shop_domain) WHERE shop_domain <> lower(shop_domain);
