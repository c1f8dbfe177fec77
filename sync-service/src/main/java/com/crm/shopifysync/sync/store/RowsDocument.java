package com.crm.shopifysync.sync.store;

import com.crm.shopifysync.sync.store.ColumnOwnership.Column;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Many rows as one JSON array, bound as a single text parameter and unpacked in SQL by {@code jsonb_to_recordset}
 * ({@link Sql#incomingRows}). JSON columns are embedded as documents (never as quoted strings), lists as
 * arrays, timestamps as ISO-8601 with their offset, 64-bit ids as exact integers.
 */
public final class RowsDocument {

    /** One resource's row: its key, its values by column name, and the webhook event it comes from, if any. */
    public record Row(String shopDomain, long shopifyId, Map<String, Object> values, Optional<Deduplication> deduplication) {
    }

    private RowsDocument() {
    }

    public static String of(List<Row> rows, List<Column> columns) {
        ArrayNode document = JsonNodeFactory.instance.arrayNode(rows.size());
        for (Row row : rows) {
            ObjectNode node = document.addObject();
            node.put("shop_domain", row.shopDomain());
            node.put("shopify_id", row.shopifyId());
            row.deduplication().ifPresent(dedup -> node.put("dedup_topic", dedup.topic()).put("dedup_key", dedup.key()));
            for (Column column : columns) {
                if (!row.values().containsKey(column.name())) {
                    throw new IllegalArgumentException("no value for column " + column.name());
                }
                put(node, column, row.values().get(column.name()));
            }
        }
        return document.toString();
    }

    private static void put(ObjectNode node, Column column, Object value) {
        String name = column.name();
        if (value == null) {
            node.putNull(name);
        } else if (column.sqlType().equals("jsonb")) {
            node.putRawValue(name, new RawValue((String) value));
        } else if (value instanceof List<?> list) {
            ArrayNode array = node.putArray(name);
            list.forEach(element -> array.add(String.valueOf(element)));
        } else if (value instanceof Long number) {
            node.put(name, number);
        } else if (value instanceof Integer number) {
            node.put(name, number);
        } else if (value instanceof BigDecimal number) {
            node.put(name, number);
        } else if (value instanceof Boolean bool) {
            node.put(name, bool);
        } else if (value instanceof OffsetDateTime timestamp) {
            node.put(name, timestamp.toString());
        } else {
            node.put(name, value.toString());
        }
    }
}
