package com.crm.shopifysync.sync.store;

import java.util.List;

/** SQL fragments and value encodings shared by the stores. */
public final class Sql {

    /**
     * Records a webhook event as processed; {@code fresh} is empty when it already was, and the statement
     * that follows does nothing. Binds {@code :shop_domain}, {@code :dedup_topic}, {@code :dedup_key}.
     */
    public static final String DEDUPLICATION_CTE = "WITH fresh AS (INSERT INTO processed_webhooks (shop_domain, topic, deduplication_key) "
            + "VALUES (CAST(:shop_domain AS text), CAST(:dedup_topic AS text), CAST(:dedup_key AS text)) "
            + "ON CONFLICT DO NOTHING RETURNING 1) ";

    private Sql() {
    }

    /** A parameter bound as text and converted to {@code sqlType} by PostgreSQL (see {@link ColumnOwnership.Column#bindExpression()}). */
    public static String fromText(String parameter, String sqlType) {
        return sqlType.equals("jsonb") || sqlType.endsWith("[]")
                ? "CAST(CAST(" + parameter + " AS text) AS " + sqlType + ")"
                : "CAST(" + parameter + " AS " + sqlType + ")";
    }

    /** A PostgreSQL array literal for a text[] parameter, every element quoted and escaped. */
    public static String textArray(List<String> values) {
        StringBuilder literal = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                literal.append(',');
            }
            literal.append('"').append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return literal.append('}').toString();
    }
}
