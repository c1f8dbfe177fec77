package com.crm.shopifysync.sync.shopify;

import com.crm.shopifysync.model.ResourceIds;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads Shopify values whichever shape they come in: REST-shaped webhooks (snake_case, numeric ids,
 * money as strings, timestamps with the shop's offset) or GraphQL/bulk output (camelCase, GIDs,
 * MoneyV2 objects, UTC timestamps). Each reader takes the field names to try, in order.
 */
final class ShopifyJson {

    private ShopifyJson() {
    }

    /** Paths split once: the names are constants, and their parts keep their hash codes. */
    private static final java.util.Map<String, String[]> PATHS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The first of the named fields that is present and not null. Names may be paths: {@code a.b}. */
    static Optional<JsonNode> field(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode value = node;
            for (String part : PATHS.computeIfAbsent(name, path -> path.split("\\."))) {
                value = value == null ? null : value.get(part);
            }
            if (value != null && !value.isNull() && !value.isMissingNode()) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    static String text(JsonNode node, String... names) {
        return field(node, names).map(JsonNode::asText).orElse(null);
    }

    /** Enum-like values: REST sends {@code paid}, GraphQL {@code PAID}; both are stored lower-case. */
    static String lowerCase(JsonNode node, String... names) {
        String value = text(node, names);
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    static Boolean bool(JsonNode node, String... names) {
        return field(node, names).map(JsonNode::asBoolean).orElse(null);
    }

    /** Counts arrive as numbers (REST) or as UnsignedInt64 strings (GraphQL). */
    static Long wholeNumber(JsonNode node, String... names) {
        Optional<JsonNode> value = field(node, names);
        if (value.isEmpty()) {
            return null;
        }
        try {
            return value.get().isNumber() ? value.get().longValue() : Long.parseLong(value.get().asText().strip());
        } catch (NumberFormatException e) {
            throw new UnmappablePayloadException("'" + names[0] + "' is not a whole number: " + value.get(), e);
        }
    }

    /** Money: a decimal string (REST), or a MoneyV2/MoneyBag object (GraphQL) read through its path. */
    static BigDecimal decimal(JsonNode node, String... names) {
        Optional<JsonNode> value = field(node, names);
        if (value.isEmpty()) {
            return null;
        }
        try {
            return new BigDecimal(value.get().asText().strip());
        } catch (NumberFormatException e) {
            throw new UnmappablePayloadException("'" + names[0] + "' is not a decimal: " + value.get(), e);
        }
    }

    /** Timestamps keep their instant; the offset (shop's or UTC) never matters when comparing. */
    static OffsetDateTime timestamp(JsonNode node, String... names) {
        String value = text(node, names);
        if (value == null || value.isBlank()) {
            return null;
        }
        OffsetDateTime common = commonIsoForm(value);
        if (common != null) {
            return common;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new UnmappablePayloadException("'" + names[0] + "' is not an ISO-8601 timestamp: " + value, e);
        }
    }

    /**
     * The forms Shopify sends ({@code 2024-03-05T10:11:12Z}, {@code 2024-03-05T10:11:12.345-05:00}), read by hand:
     * java.time's ISO parser took a tenth of a bulk import's CPU (three timestamps a customer). Anything else, or
     * out of range, is null here and left to {@link OffsetDateTime#parse}, which decides.
     */
    static OffsetDateTime commonIsoForm(String value) {
        int length = value.length();
        if (length < 20 || value.charAt(4) != '-' || value.charAt(7) != '-' || value.charAt(10) != 'T' || value.charAt(13) != ':'
                || value.charAt(16) != ':') {
            return null;
        }
        int year = digits(value, 0, 4);
        int month = digits(value, 5, 2);
        int day = digits(value, 8, 2);
        int hour = digits(value, 11, 2);
        int minute = digits(value, 14, 2);
        int second = digits(value, 17, 2);
        int at = 19;
        int nanos = 0;
        if (value.charAt(at) == '.') {
            int start = ++at;
            while (at < length && at - start < 9 && value.charAt(at) >= '0' && value.charAt(at) <= '9') {
                nanos = nanos * 10 + value.charAt(at++) - '0';
            }
            if (at == start) {
                return null;
            }
            for (int place = at - start; place < 9; place++) {
                nanos *= 10;
            }
        }
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || at >= length) {
            return null;
        }
        char sign = value.charAt(at);
        int offsetSeconds;
        if (sign == 'Z' && at + 1 == length) {
            offsetSeconds = 0;
        } else if ((sign == '+' || sign == '-') && at + 6 == length && value.charAt(at + 3) == ':') {
            int hours = digits(value, at + 1, 2);
            int minutes = digits(value, at + 4, 2);
            if (hours < 0 || minutes < 0 || minutes > 59) {
                return null;
            }
            offsetSeconds = (sign == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
        } else {
            return null;
        }
        try {
            return OffsetDateTime.of(year, month, day, hour, minute, second, nanos, java.time.ZoneOffset.ofTotalSeconds(offsetSeconds));
        } catch (java.time.DateTimeException outOfRange) {
            return null;
        }
    }

    /** The decimal number of {@code count} ASCII digits at {@code from}, or -1. */
    private static int digits(String value, int from, int count) {
        int number = 0;
        for (int i = from; i < from + count; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            number = number * 10 + c - '0';
        }
        return number;
    }

    /** Tags: a comma-separated string (REST) or a list (GraphQL). */
    static List<String> tags(JsonNode node, String... names) {
        List<String> tags = new ArrayList<>();
        field(node, names).ifPresent(value -> {
            if (value.isArray()) {
                value.forEach(tag -> addTag(tags, tag.asText()));
            } else {
                for (String tag : value.asText().split(",")) {
                    addTag(tags, tag);
                }
            }
        });
        return tags;
    }

    private static void addTag(List<String> tags, String tag) {
        String trimmed = tag.strip();
        if (!trimmed.isEmpty()) {
            tags.add(trimmed);
        }
    }

    /**
     * A resource's exact 64-bit id: from its GID ({@code admin_graphql_api_id} in REST, {@code id} in
     * GraphQL), else the numeric REST {@code id}. Numbers are read as longs, never through a double.
     */
    static Optional<Long> id(JsonNode node) {
        Optional<Long> fromGid = field(node, "admin_graphql_api_id").flatMap(gid -> ResourceIds.fromGid(gid.asText()))
                .or(() -> field(node, "id").filter(JsonNode::isTextual).flatMap(gid -> ResourceIds.fromGid(gid.asText())));
        if (fromGid.isPresent()) {
            return fromGid;
        }
        return field(node, "id").filter(JsonNode::isIntegralNumber).map(JsonNode::longValue);
    }

    static long requiredId(JsonNode node, String what) {
        return id(node).orElseThrow(() -> new UnmappablePayloadException(what + " has no id"));
    }

    /** The id of a referenced resource: {@code product_id} (REST) or {@code product.id} (GraphQL GID). */
    static Long reference(JsonNode node, String restField, String graphqlObject) {
        Optional<JsonNode> rest = field(node, restField);
        if (rest.isPresent() && rest.get().isIntegralNumber()) {
            return rest.get().longValue();
        }
        return field(node, graphqlObject).flatMap(ShopifyJson::id).orElse(null);
    }

    static String gid(String type, long id) {
        return "gid://shopify/" + type + "/" + id;
    }

    /** A JSON value as text (a jsonb column's value). */
    static String write(JsonNode node) {
        try {
            return WRITER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper WRITER = new com.fasterxml.jackson.databind.ObjectMapper();

    /** A connection's nodes whether inlined as a list, {@code {nodes: []}} or {@code {edges: [{node}]}}. */
    static List<JsonNode> children(JsonNode node, String... names) {
        List<JsonNode> children = new ArrayList<>();
        field(node, names).ifPresent(value -> {
            if (value.isArray()) {
                value.forEach(children::add);
            } else if (value.has("nodes")) {
                value.get("nodes").forEach(children::add);
            } else if (value.has("edges")) {
                value.get("edges").forEach(edge -> children.add(edge.get("node")));
            }
        });
        return children;
    }
}
