package com.crm.shopifysync.sync.store;

/** SQL fragments shared by the set-based writers. */
public final class Sql {

    /**
     * Records as processed the webhook events of the {@code incoming} rows that carry one ({@code dedup_topic},
     * {@code dedup_key}); {@code fresh} holds those not recorded before. Duplicates within one batch collapse.
     */
    public static final String FRESH_EVENTS_CTE = "fresh AS (INSERT INTO processed_webhooks (shop_domain, topic, deduplication_key) "
            + "SELECT shop_domain, dedup_topic, dedup_key FROM incoming WHERE dedup_key IS NOT NULL "
            + "ON CONFLICT DO NOTHING RETURNING shop_domain, topic, deduplication_key)";

    /** An {@code incoming} row to apply: one without an event (a bulk export row), or one whose event is fresh. */
    public static final String IS_FRESH_EVENT = "(dedup_key IS NULL OR EXISTS (SELECT 1 FROM fresh WHERE fresh.shop_domain = incoming.shop_domain "
            + "AND fresh.topic = incoming.dedup_topic AND fresh.deduplication_key = incoming.dedup_key))";

    private Sql() {
    }

    /**
     * The {@code incoming} rows of a {@link RowsDocument} bound as {@code :rows}, and their {@code fresh} events.
     *
     * @param columns the rows' columns besides shop_domain, shopify_id, dedup_topic and dedup_key
     */
    public static String incomingRows(java.util.List<ColumnOwnership.Column> columns) {
        return "WITH incoming AS (SELECT * FROM jsonb_to_recordset(CAST(CAST(:rows AS text) AS jsonb)) AS row(" + rowType(columns) + ")), "
                + FRESH_EVENTS_CTE;
    }

    /** An incoming row's columns and types: the key, the de-duplication record, then {@code columns}. */
    public static String rowType(java.util.List<ColumnOwnership.Column> columns) {
        return "shop_domain text, shopify_id bigint, dedup_topic text, dedup_key text, "
                + columns.stream().map(column -> column.name() + " " + column.sqlType()).collect(java.util.stream.Collectors.joining(", "));
    }
}
