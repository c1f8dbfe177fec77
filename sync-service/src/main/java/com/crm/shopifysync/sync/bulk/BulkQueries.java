package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.sync.shopify.CustomerField;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Every GraphQL document the sync-service sends to Shopify, in one place so a test can validate each against the
 * real Admin schema (BulkQueriesSchemaTest). The exports select what {@code ShopifyMapper} reads, sorted by
 * {@code updated_at} so the latest applied root is a safe place to restart from.
 */
public final class BulkQueries {

    public static final String RUN_QUERY = """
            mutation RunBulkQuery($query: String!, $groupObjects: Boolean!) {
              bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {
                bulkOperation { id status createdAt }
                userErrors { field message code }
              }
            }""";

    public static final String POLL = """
            query PollBulkOperation($id: ID!) {
              node(id: $id) {
                ... on BulkOperation {
                  id status errorCode createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl
                }
              }
            }""";

    public static final String CANCEL = """
            mutation CancelBulkOperation($id: ID!) {
              bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { field message } }
            }""";

    /** Totals for progress, and the scopes the installation was granted. */
    public static final String COUNTS_AND_SCOPES = """
            query CountsAndScopes($customerQuery: String, $orderQuery: String) {
              customersCount(query: $customerQuery, limit: null) { count precision }
              ordersCount(query: $orderQuery, limit: null) { count precision }
              currentAppInstallation { accessScopes { handle } }
            }""";

    /** The shop's whole counts, for a sync's receipt (orders: those the installation may read). */
    public static final String TOTALS = """
            query Totals {
              customersCount(limit: null) { count precision }
              ordersCount(limit: null) { count precision }
            }""";

    /** Every customer field as {@link CustomerField} defines it, with the id. */
    private static final String CUSTOMER_FIELDS = "id " + CustomerField.graphqlSelection();

    private static final String ORDER_FIELDS = """
            id name number email customer { id } displayFinancialStatus displayFulfillmentStatus currencyCode
            totalPriceSet { shopMoney { amount currencyCode } }
            subtotalPriceSet { shopMoney { amount currencyCode } }
            totalTaxSet { shopMoney { amount currencyCode } }
            totalDiscountsSet { shopMoney { amount currencyCode } }
            tags cancelReason createdAt updatedAt processedAt cancelledAt closedAt
            lineItems {
              edges { node { id name variantTitle sku vendor quantity product { id } variant { id }
                originalUnitPriceSet { shopMoney { amount } } totalDiscountSet { shopMoney { amount } } } }
            }""";

    public enum Resource {
        CUSTOMERS("customers", CUSTOMER_FIELDS, false),
        ORDERS("orders", ORDER_FIELDS, true);

        private final String field;
        private final String selection;
        private final boolean hasChildren;

        Resource(String field, String selection, boolean hasChildren) {
            this.field = field;
            this.selection = selection;
            this.hasChildren = hasChildren;
        }

        public String field() {
            return field;
        }

        /** Whether its export has child lines ({@code __parentId}), which grouping keeps after their parent. */
        public boolean hasChildren() {
            return hasChildren;
        }

        public static Resource of(String field) {
            return valueOf(field.toUpperCase(java.util.Locale.ROOT));
        }
    }

    private BulkQueries() {
    }

    /** The export of a resource updated at or after {@code since} (everything when null), oldest change first. */
    public static String export(Resource resource, Instant since) {
        return export(resource, since, null, null);
    }

    /**
     * The export of a slice of a resource: updated at or after {@code since}, created in {@code [createdFrom,
     * createdBefore)} (open where null), oldest change first.
     */
    public static String export(Resource resource, Instant since, Instant createdFrom, Instant createdBefore) {
        String search = search(since, createdFrom, createdBefore);
        String filter = search == null ? "" : "query: \"" + search + "\", ";
        return "{ " + resource.field + "(" + filter + "sortKey: UPDATED_AT) { edges { node { "
                + resource.selection.replace('\n', ' ') + " } } } }";
    }

    /** Shopify's search syntax; whole seconds, inclusive, so a restart re-reads the last second rather than skip it. */
    public static String searchSince(Instant since) {
        return since == null ? null : "updated_at:>='" + since.truncatedTo(ChronoUnit.SECONDS) + "'";
    }

    /** The search of a slice (terms separated by spaces are all required); null when it has no bound at all. */
    public static String search(Instant since, Instant createdFrom, Instant createdBefore) {
        List<String> terms = new java.util.ArrayList<>();
        if (since != null) {
            terms.add(searchSince(since));
        }
        if (createdFrom != null) {
            terms.add("created_at:>='" + createdFrom + "'");
        }
        if (createdBefore != null) {
            terms.add("created_at:<'" + createdBefore + "'");
        }
        return terms.isEmpty() ? null : String.join(" ", terms);
    }

    /** The most created_at bounds {@link #ordersCounts(int)} asks about at once. */
    public static final int MAX_COUNTS = 8;

    /**
     * Counts of orders for up to {@value #MAX_COUNTS} searches at once ({@code $q0}… answered as {@code c0}…): how a
     * large orders export is cut into slices of about equal size.
     */
    public static String ordersCounts(int searches) {
        StringBuilder variables = new StringBuilder();
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < searches; i++) {
            variables.append(i == 0 ? "" : ", ").append("$q").append(i).append(": String");
            fields.append(" c").append(i).append(": ordersCount(query: $q").append(i).append(", limit: null) { count precision }");
        }
        return "query OrdersCounts(" + variables + ") {" + fields + " }";
    }

    /** All documents, for the schema test. */
    public static List<String> all() {
        return List.of(RUN_QUERY, POLL, CANCEL, COUNTS_AND_SCOPES, TOTALS, export(Resource.CUSTOMERS, null),
                export(Resource.ORDERS, Instant.parse("2026-01-01T00:00:00Z")),
                export(Resource.ORDERS, Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"),
                        Instant.parse("2025-07-01T00:00:00Z")), ordersCounts(MAX_COUNTS));
    }
}
