-- Every webhook that could not be applied, recorded from shopify.webhooks.dlq so people can see and replay it.
-- One row per event (shop + topic + deduplication key): dead-lettered again after a replay, it is updated.
CREATE TABLE dead_letters (
    id                      bigserial   PRIMARY KEY,
    shop_domain             text        NOT NULL,
    topic                   text        NOT NULL,
    deduplication_key       text        NOT NULL,
    event_id                text,
    webhook_id              text,
    record_key              text,
    payload                 bytea       NOT NULL,   -- Shopify's bytes as received (may not even be JSON)
    delivery_headers        jsonb       NOT NULL,   -- the delivery metadata, to republish the event unchanged
    reason                  text        NOT NULL,
    exception               text,
    attempts                integer     NOT NULL,
    original_position       text,                   -- shopify.webhooks partition@offset of the failed record
    dead_letter_position    text        NOT NULL,   -- where it was read on the dead-letter topic (idempotent recording)
    first_failed_at         timestamptz NOT NULL,
    last_failed_at          timestamptz NOT NULL,
    state                   text        NOT NULL DEFAULT 'dead' CHECK (state IN ('dead', 'replayed', 'discarded')),
    state_changed_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (shop_domain, topic, deduplication_key)
);

CREATE INDEX dead_letters_by_shop ON dead_letters (shop_domain, state, last_failed_at DESC);
