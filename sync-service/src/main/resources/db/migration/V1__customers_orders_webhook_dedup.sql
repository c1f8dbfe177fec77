-- Customers and orders of every shop, keyed by shop and Shopify's 64-bit numeric id (the GID kept too).
-- Which columns Shopify owns (a sync overwrites them) and which the CRM owns (a sync never touches them)
-- is defined in one place: com.crm.shopifysync.sync.store.ColumnOwnership.

CREATE TABLE customers (
    shop_domain                         text        NOT NULL,
    shopify_id                          bigint      NOT NULL,
    admin_graphql_api_id                text        NOT NULL,
    -- Shopify-owned
    email                               text,
    first_name                          text,
    last_name                           text,
    phone                               text,
    state                               text,
    tags                                text[]      NOT NULL DEFAULT '{}',
    note                                text,
    verified_email                      boolean,
    tax_exempt                          boolean,
    orders_count                        integer,
    total_spent                         numeric,
    total_spent_currency                text,
    email_marketing_state               text,
    email_marketing_opt_in_level        text,
    email_marketing_consent_updated_at  timestamptz,
    sms_marketing_state                 text,
    default_address                     jsonb,
    shopify_created_at                  timestamptz,
    shopify_updated_at                  timestamptz,
    shopify_payload                     jsonb       NOT NULL,
    shopify_payload_sha256              text        NOT NULL,
    deleted_at                          timestamptz,
    -- bookkeeping
    first_synced_at                     timestamptz NOT NULL DEFAULT now(),
    last_synced_at                      timestamptz NOT NULL DEFAULT now(),
    -- CRM-owned
    crm_notes                           text,
    crm_tags                            text[]      NOT NULL DEFAULT '{}',
    crm_owner                           text,
    crm_updated_at                      timestamptz,
    PRIMARY KEY (shop_domain, shopify_id)
);

CREATE INDEX customers_active_by_shop ON customers (shop_domain, shopify_id) WHERE deleted_at IS NULL;
CREATE INDEX customers_by_email ON customers (shop_domain, lower(email));

CREATE TABLE orders (
    shop_domain                         text        NOT NULL,
    shopify_id                          bigint      NOT NULL,
    admin_graphql_api_id                text        NOT NULL,
    -- Shopify-owned
    name                                text,
    order_number                        bigint,
    email                               text,
    customer_shopify_id                 bigint,     -- no foreign key: an order may arrive before its customer
    financial_status                    text,
    fulfillment_status                  text,
    currency                            text,
    total_price                         numeric,
    subtotal_price                      numeric,
    total_tax                           numeric,
    total_discounts                     numeric,
    tags                                text[]      NOT NULL DEFAULT '{}',
    cancel_reason                       text,
    shopify_created_at                  timestamptz,
    shopify_updated_at                  timestamptz,
    processed_at                        timestamptz,
    cancelled_at                        timestamptz,
    closed_at                           timestamptz,
    shopify_payload                     jsonb       NOT NULL,
    shopify_payload_sha256              text        NOT NULL,
    -- bookkeeping
    first_synced_at                     timestamptz NOT NULL DEFAULT now(),
    last_synced_at                      timestamptz NOT NULL DEFAULT now(),
    -- CRM-owned
    historical                          boolean     NOT NULL DEFAULT false,
    crm_notes                           text,
    crm_tags                            text[]      NOT NULL DEFAULT '{}',
    crm_updated_at                      timestamptz,
    PRIMARY KEY (shop_domain, shopify_id)
);

CREATE INDEX orders_by_customer ON orders (shop_domain, customer_shopify_id);
CREATE INDEX orders_by_created ON orders (shop_domain, shopify_created_at DESC);

-- Line items belong to their order's version: replaced whenever a newer version of the order is applied.
CREATE TABLE order_line_items (
    shop_domain                         text        NOT NULL,
    order_shopify_id                    bigint      NOT NULL,
    shopify_id                          bigint      NOT NULL,
    admin_graphql_api_id                text,
    product_id                          bigint,
    variant_id                          bigint,
    title                               text,
    variant_title                       text,
    sku                                 text,
    vendor                              text,
    quantity                            integer,
    price                               numeric,
    total_discount                      numeric,
    PRIMARY KEY (shop_domain, order_shopify_id, shopify_id),
    FOREIGN KEY (shop_domain, order_shopify_id) REFERENCES orders (shop_domain, shopify_id) ON DELETE CASCADE
);

-- Durable de-duplication of webhook events: shop + topic + Shopify's event id (webhook id where no event id).
CREATE TABLE processed_webhooks (
    shop_domain                         text        NOT NULL,
    topic                               text        NOT NULL,
    deduplication_key                   text        NOT NULL,
    processed_at                        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (shop_domain, topic, deduplication_key)
);

CREATE INDEX processed_webhooks_by_age ON processed_webhooks (processed_at);
