package com.crm.shopifysync.sync.shopify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * Every Shopify-owned customer field, defined once: its column and SQL type, the group whose freshness it shares,
 * how to read it, and where it is in a REST-shaped webhook and in GraphQL output (bulk exports, and the topics shaped
 * like GraphQL). The mapper, the upserts, the COPY of new rows and the bulk query's selection all derive from this
 * list; adding a field is a line here, a column in a migration, and its place in the read model.
 */
public enum CustomerField {

    EMAIL("email", "text", Group.CORE, Reader.TEXT, "email", "defaultEmailAddress.emailAddress"),
    FIRST_NAME("first_name", "text", Group.CORE, Reader.TEXT, "first_name", "firstName"),
    LAST_NAME("last_name", "text", Group.CORE, Reader.TEXT, "last_name", "lastName"),
    PHONE("phone", "text", Group.CORE, Reader.TEXT, "phone", "defaultPhoneNumber.phoneNumber"),
    STATE("state", "text", Group.CORE, Reader.LOWER_CASE, "state", "state"),
    NOTE("note", "text", Group.CORE, Reader.TEXT, "note", "note"),
    VERIFIED_EMAIL("verified_email", "boolean", Group.CORE, Reader.BOOLEAN, "verified_email", "verifiedEmail"),
    TAX_EXEMPT("tax_exempt", "boolean", Group.CORE, Reader.BOOLEAN, "tax_exempt", "taxExempt"),
    DEFAULT_ADDRESS("default_address", "jsonb", Group.CORE, Reader.JSON, "default_address",
            "defaultAddress { id firstName lastName company address1 address2 city province provinceCode country countryCodeV2 zip phone }"),
    SHOPIFY_CREATED_AT("shopify_created_at", "timestamptz", Group.CORE, Reader.TIMESTAMP, "created_at", "createdAt"),
    SHOPIFY_UPDATED_AT("shopify_updated_at", "timestamptz", Group.CORE, Reader.TIMESTAMP, "updated_at", "updatedAt"),
    // Since API 2025-01 the customer webhooks no longer carry these: each group has topics of its own.
    TAGS("tags", "text[]", Group.TAGS, Reader.TAGS, "tags", "tags"),
    EMAIL_MARKETING_STATE("email_marketing_state", "text", Group.EMAIL_CONSENT, Reader.LOWER_CASE, "email_marketing_consent.state",
            "defaultEmailAddress.marketingState", "emailMarketingConsent.marketingState"),
    EMAIL_MARKETING_OPT_IN_LEVEL("email_marketing_opt_in_level", "text", Group.EMAIL_CONSENT, Reader.LOWER_CASE,
            "email_marketing_consent.opt_in_level", "defaultEmailAddress.marketingOptInLevel", "emailMarketingConsent.marketingOptInLevel"),
    EMAIL_MARKETING_CONSENT_UPDATED_AT("email_marketing_consent_updated_at", "timestamptz", Group.EMAIL_CONSENT, Reader.TIMESTAMP,
            "email_marketing_consent.consent_updated_at", "defaultEmailAddress.marketingUpdatedAt", "emailMarketingConsent.consentUpdatedAt"),
    SMS_MARKETING_STATE("sms_marketing_state", "text", Group.SMS_CONSENT, Reader.LOWER_CASE, "sms_marketing_consent.state",
            "defaultPhoneNumber.marketingState", "smsMarketingConsent.marketingState"),
    ORDERS_COUNT("orders_count", "integer", Group.PURCHASING, Reader.INTEGER, "orders_count", "numberOfOrders"),
    TOTAL_SPENT("total_spent", "numeric", Group.PURCHASING, Reader.DECIMAL, "total_spent", "amountSpent.amount"),
    /** REST's customer currency is not a purchasing figure: it never tells, alone, that the group was carried. */
    TOTAL_SPENT_CURRENCY("total_spent_currency", "text", Group.PURCHASING, Reader.TEXT, "currency", "amountSpent.currencyCode");

    /**
     * Fields that change together and carry their own freshness: the core by {@code updated_at} (then when Shopify
     * observed the version, then payload hash), every other group by when Shopify observed it (the event's time,
     * or a bulk export's start). A payload changes a group only if it carries it, and only if it is newer.
     */
    public enum Group {
        CORE("shopify_observed_at"),
        TAGS("tags_observed_at"),
        EMAIL_CONSENT("email_consent_observed_at"),
        SMS_CONSENT("sms_consent_observed_at"),
        PURCHASING("purchasing_observed_at");

        private final String observedColumn;

        Group(String observedColumn) {
            this.observedColumn = observedColumn;
        }

        /** When Shopify observed the group's values held in the row. */
        public String observedColumn() {
            return observedColumn;
        }

        public List<CustomerField> fields() {
            return Stream.of(CustomerField.values()).filter(field -> field.group == this).toList();
        }
    }

    /** How a value is read, whichever shape it comes in (see {@link ShopifyJson}). */
    enum Reader {
        TEXT(ShopifyJson::text),
        LOWER_CASE(ShopifyJson::lowerCase),
        BOOLEAN(ShopifyJson::bool),
        INTEGER((node, paths) -> Optional.ofNullable(ShopifyJson.wholeNumber(node, paths)).map(Math::toIntExact).orElse(null)),
        DECIMAL(ShopifyJson::decimal),
        TIMESTAMP(ShopifyJson::timestamp),
        TAGS(ShopifyJson::tags),
        JSON((node, paths) -> ShopifyJson.field(node, paths).map(ShopifyJson::write).orElse(null));

        private final BiFunction<JsonNode, String[], Object> read;

        Reader(BiFunction<JsonNode, String[], Object> read) {
            this.read = read;
        }
    }

    private final String column;
    private final String sqlType;
    private final Group group;
    private final Reader reader;
    private final String restPath;
    private final List<String> graphqlSelections;
    /** Derived once: every customer payload, webhook or bulk line, asks for them (per field, per row). */
    private final List<String> topLevelKeys;
    private final String[] paths;

    /**
     * @param graphqlSelections where GraphQL output has it: a path ({@code amountSpent.currencyCode}), or a field with
     *                          its sub-selection ({@code defaultAddress { id … }}); the first one is what the bulk query
     *                          selects
     */
    CustomerField(String column, String sqlType, Group group, Reader reader, String restPath, String... graphqlSelections) {
        this.column = column;
        this.sqlType = sqlType;
        this.group = group;
        this.reader = reader;
        this.restPath = restPath;
        this.graphqlSelections = List.of(graphqlSelections);
        this.topLevelKeys = Stream.concat(Stream.of(restPath), this.graphqlSelections.stream()).map(CustomerField::topLevelKey).distinct().toList();
        this.paths = Stream.concat(Stream.of(restPath), this.graphqlSelections.stream().map(CustomerField::path)).toArray(String[]::new);
    }

    public String column() {
        return column;
    }

    public String sqlType() {
        return sqlType;
    }

    public Group group() {
        return group;
    }

    /** The top-level keys whose presence in a payload says that the payload carries this field. */
    public List<String> topLevelKeys() {
        return topLevelKeys;
    }

    /** Whether the payload carries the field at all (an absent field is not a null). */
    boolean isIn(JsonNode payload) {
        for (String key : topLevelKeys) {
            if (payload.has(key)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the field tells, alone, that its group was carried (REST's customer currency does not). */
    boolean marksItsGroup() {
        return this != TOTAL_SPENT_CURRENCY;
    }

    Object read(JsonNode payload) {
        // the paths to read, REST's first: a sub-selection reads as its field
        return reader.read.apply(payload, paths);
    }

    /** The bulk export's selection of every customer field, merged into one GraphQL selection set. */
    public static String graphqlSelection() {
        StringBuilder selection = new StringBuilder();
        java.util.Map<String, java.util.LinkedHashSet<String>> nested = new java.util.LinkedHashMap<>();
        for (CustomerField field : values()) {
            String first = field.graphqlSelections.get(0);
            if (first.contains("{")) {
                nested.computeIfAbsent(path(first), key -> new java.util.LinkedHashSet<>())
                        .add(first.substring(first.indexOf('{') + 1, first.lastIndexOf('}')).strip());
            } else if (first.contains(".")) {
                nested.computeIfAbsent(first.substring(0, first.indexOf('.')), key -> new java.util.LinkedHashSet<>())
                        .add(first.substring(first.indexOf('.') + 1));
            } else {
                nested.putIfAbsent(first, null);
            }
        }
        nested.forEach((name, children) -> selection.append(selection.isEmpty() ? "" : " ").append(name)
                .append(children == null ? "" : " { " + String.join(" ", children) + " }"));
        return selection.toString();
    }

    private static String path(String selection) {
        int brace = selection.indexOf('{');
        return (brace < 0 ? selection : selection.substring(0, brace)).strip();
    }

    private static String topLevelKey(String selection) {
        String path = path(selection);
        int dot = path.indexOf('.');
        return dot < 0 ? path : path.substring(0, dot);
    }
}
