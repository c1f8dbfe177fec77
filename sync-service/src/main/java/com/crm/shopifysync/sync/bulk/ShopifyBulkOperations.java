package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.sync.shopify.ShopifyAdminClient;
import com.crm.shopifysync.sync.shopify.ShopifyCallFailed;
import com.crm.shopifysync.sync.shopify.Pause;
import com.crm.shopifysync.sync.bulk.BulkQueries.Resource;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * What a sync asks of one shop's Admin API, read into plain values: its counts and scopes, a bulk export started, an
 * export waited for. Blocking, on the sync's worker thread; GraphQL documents are in {@link BulkQueries}.
 */
final class ShopifyBulkOperations {

    private static final Logger LOG = Logger.getLogger(ShopifyBulkOperations.class);
    private static final Set<String> UNFINISHED = Set.of("CREATED", "RUNNING", "CANCELING");

    /** The shop's totals for a sync's filters, and whether the installation may read orders older than 60 days. */
    record Counts(long customers, long orders, String[] scopes, boolean ordersLimitedTo60Days) {
    }

    /** A bulk operation Shopify created, and when by its own clock. */
    record Created(String id, OffsetDateTime createdAt) {
    }

    /**
     * A bulk operation that ended: its status, error code (if it failed), result URLs, and when Shopify created it (by
     * Shopify's clock: what its rows hold was observed then, or later).
     */
    record Finished(String status, String errorCode, String url, String partialDataUrl, OffsetDateTime createdAt, long objectCount) {

        boolean completed() {
            return status.equals("COMPLETED");
        }

        boolean accessDenied() {
            return "ACCESS_DENIED".equals(errorCode);
        }

        /** Completed with objects, yet no file: its results are gone (expired); exporting again is the way on. */
        boolean completedWithoutItsFile() {
            return completed() && url == null && objectCount > 0;
        }
    }

    private final ShopifyAdminClient client;
    private final BulkSyncConfig config;

    ShopifyBulkOperations(ShopifyAdminClient client, BulkSyncConfig config) {
        this.client = client;
        this.config = config;
    }

    Counts counts(Instant customersSince, Instant ordersSince) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("customerQuery", BulkQueries.searchSince(customersSince));
        variables.put("orderQuery", BulkQueries.searchSince(ordersSince));
        JsonObject data = client.call(BulkQueries.COUNTS_AND_SCOPES, variables, 3);
        long customers = data.getJsonObject("customersCount").getJsonNumber("count").longValue();
        long orders = data.getJsonObject("ordersCount").getJsonNumber("count").longValue();
        JsonArray scopes = data.getJsonObject("currentAppInstallation").getJsonArray("accessScopes");
        String[] handles = scopes.stream().map(scope -> ((JsonObject) scope).getString("handle")).toArray(String[]::new);
        return new Counts(customers, orders, handles, !List.of(handles).contains("read_all_orders"));
    }

    /** The shop's whole count of customers and of the orders the installation may read. */
    Counts totals() {
        JsonObject data = client.call(BulkQueries.TOTALS, Map.of(), 2);
        return new Counts(data.getJsonObject("customersCount").getJsonNumber("count").longValue(),
                data.getJsonObject("ordersCount").getJsonNumber("count").longValue(), new String[0], false);
    }

    /**
     * Starts a bulk export of the operation's slice from {@code since}. "Already in progress" is back-pressure: while
     * another operation of this run is in flight, wait for one of them to end (however long); otherwise another app or
     * sync holds the shop's slots: wait and ask again, a bounded number of times.
     */
    Created start(SyncOperation operation, Instant since, ExportSlots slots) {
        Resource resource = operation.resource();
        String query = BulkQueries.export(resource, since, operation.createdFrom(), operation.createdBefore());
        Duration wait = config.pollInitial();
        for (int attempt = 1; ; ) {
            JsonObject payload = client.call(BulkQueries.RUN_QUERY, Map.of("query", query,
                    "groupObjects", config.groupObjects() && resource.hasChildren()), 10).getJsonObject("bulkOperationRunQuery");
            JsonArray userErrors = payload.getJsonArray("userErrors");
            if (userErrors.isEmpty()) {
                JsonObject created = payload.getJsonObject("bulkOperation");
                return new Created(created.getString("id"), Optional.ofNullable(text(created, "createdAt"))
                        .map(OffsetDateTime::parse).orElse(null));
            }
            String message = userErrors.stream().map(error -> text((JsonObject) error, "message")).filter(m -> m != null && !m.isBlank())
                    .findFirst().orElse("unknown error");
            String code = text((JsonObject) userErrors.get(userErrors.size() - 1), "code");
            boolean busy = message.contains("already in progress") || "OPERATION_IN_PROGRESS".equals(code) || "LIMIT_REACHED".equals(code);
            if (!busy) {
                throw new ShopifyCallFailed("Shopify refused the " + operation.key() + " export: " + message, true);
            }
            if (slots.awaitOneEnded(config.pollMaximum())) {
                continue;
            }
            if (attempt++ >= config.callAttempts() * 4) {
                throw new ShopifyCallFailed("Shopify kept another bulk operation in progress: " + message, false);
            }
            LOG.infof("bulk operation slots of the shop busy (%s); waiting %s", message, wait);
            Pause.sleep(wait);
            wait = min(wait.multipliedBy(2), config.pollMaximum());
        }
    }

    /**
     * created_at bounds (whole seconds) that cut the orders updated since {@code since} into {@code slices} parts of
     * about equal size, {@code total} in all: halving the time between Shopify's first shops and tomorrow for every bound
     * at once, one count query a round. Fewer bounds when some coincide (orders created in the same second).
     */
    List<Instant> orderSliceBounds(Instant since, long total, int slices) {
        int bounds = Math.min(slices - 1, BulkQueries.MAX_COUNTS);
        long[] low = new long[bounds];
        long[] high = new long[bounds];
        Long[] found = new Long[bounds];
        java.util.Arrays.fill(low, SHOPIFY_EPOCH.getEpochSecond());
        java.util.Arrays.fill(high, Instant.now().plus(Duration.ofDays(1)).getEpochSecond());
        long tolerance = Math.max(1, total / (100L * slices));
        for (int round = 0; round < 64 && java.util.Arrays.stream(found).anyMatch(java.util.Objects::isNull); round++) {
            List<Integer> open = java.util.stream.IntStream.range(0, bounds).filter(i -> found[i] == null).boxed().toList();
            Map<String, Object> variables = new HashMap<>();
            for (int q = 0; q < open.size(); q++) {
                int i = open.get(q);
                variables.put("q" + q, BulkQueries.search(since, null, Instant.ofEpochSecond(low[i] + (high[i] - low[i]) / 2)));
            }
            JsonObject data = client.call(BulkQueries.ordersCounts(open.size()), variables, 2 + open.size());
            for (int q = 0; q < open.size(); q++) {
                int i = open.get(q);
                long middle = low[i] + (high[i] - low[i]) / 2;
                long below = data.getJsonObject("c" + q).getJsonNumber("count").longValue();
                long target = total * (i + 1) / slices;
                if (Math.abs(below - target) <= tolerance || high[i] - low[i] <= 1) {
                    found[i] = middle;
                } else if (below < target) {
                    low[i] = middle;
                } else {
                    high[i] = middle;
                }
            }
        }
        return java.util.Arrays.stream(found).filter(java.util.Objects::nonNull).distinct().sorted().map(Instant::ofEpochSecond).toList();
    }

    /** No shop has orders created before Shopify existed. */
    private static final Instant SHOPIFY_EPOCH = Instant.parse("2006-01-01T00:00:00Z");

    /**
     * Polls the operation until it ends, with backoff; {@code signal} (notified by the bulk_operations/finish webhook)
     * cuts a wait short.
     */
    Finished awaitFinished(String id, Object signal) {
        Duration wait = config.pollInitial();
        try {
            while (true) {
                JsonObject node = client.call(BulkQueries.POLL, Map.of("id", id), 1).getJsonObject("node");
                if (node == null || node.isNull("status")) {
                    // Gone (another shop's id, or purged): nothing to wait for; export again.
                    return new Finished("EXPIRED", null, null, null, null, 0);
                }
                String status = node.getString("status");
                if (!UNFINISHED.contains(status)) {
                    return new Finished(status, text(node, "errorCode"), text(node, "url"), text(node, "partialDataUrl"),
                            Optional.ofNullable(text(node, "createdAt")).map(OffsetDateTime::parse).orElse(null),
                            Optional.ofNullable(text(node, "objectCount")).map(Long::parseLong).orElse(0L));
                }
                synchronized (signal) {
                    signal.wait(wait.toMillis());
                }
                wait = min(wait.multipliedBy(2), config.pollMaximum());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShopifyCallFailed("interrupted", e);
        }
    }

    private static String text(JsonObject object, String name) {
        JsonValue value = object.get(name);
        return value instanceof JsonString string ? string.getString() : null;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
