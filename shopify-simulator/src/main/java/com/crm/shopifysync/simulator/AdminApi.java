package com.crm.shopifysync.simulator;

import static com.crm.shopifysync.simulator.Shapes.map;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.language.Document;
import graphql.parser.Parser;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The GraphQL Admin API of the simulated shops: requests are validated against the real schema and charged to the
 * shop's leaky bucket; responses carry {@code extensions.cost} as Shopify's do. Implements the bulk-operation
 * lifecycle, counts, the installation's scopes and plain connections of customers and orders.
 */
public final class AdminApi {

    /** An answer: its HTTP status and JSON body. */
    public record Answer(int status, Map<String, Object> body) {
    }

    private static final String SHOP = "shop";
    private static final String VERSION = "version";

    private final GraphQL graphQl;
    private final AdminSchema schema;
    private final BulkExporter exporter;
    private final ExecutorService exports;
    private final Function<BulkOperation, String> downloadUrl;
    private final Consumer<BulkOperation> onFinished;
    private final long operationStartDelayMillis;
    private final Map<Long, BulkOperation> operations = new ConcurrentHashMap<>();
    private final AtomicLong nextOperationId = new AtomicLong(4_400_000_000_000L);

    /**
     * @param exports runs each export on a thread of its own: operations of a shop, and of all shops, run at once
     * @param rate    how fast each operation exports
     */
    AdminApi(java.nio.file.Path dataDirectory, ExecutorService exports, Function<BulkOperation, String> downloadUrl,
             Consumer<BulkOperation> onFinished, long operationStartDelayMillis, ExportRate rate) {
        this.schema = AdminSchema.executable(fetchers());
        this.graphQl = schema.graphQl();
        this.exporter = new BulkExporter(graphQl, schema::isPossibleType, dataDirectory, rate);
        this.exports = exports;
        this.downloadUrl = downloadUrl;
        this.onFinished = onFinished;
        this.operationStartDelayMillis = operationStartDelayMillis;
    }

    public Optional<BulkOperation> operation(long id) {
        return Optional.ofNullable(operations.get(id));
    }

    /** The shop's bulk operations, oldest first. */
    public List<BulkOperation> operations(SimulatedShop shop) {
        return operations.values().stream().filter(operation -> operation.shop() == shop)
                .sorted(Comparator.comparingLong(BulkOperation::id)).toList();
    }

    /** One request of {@code shop}, already authenticated. */
    public Answer execute(SimulatedShop shop, String version, String query, Map<String, Object> variables, String operationName) {
        Document document;
        try {
            document = Parser.parse(query);
        } catch (RuntimeException e) {
            return new Answer(200, map("errors", List.of(map("message", "Parse error: " + e.getMessage(),
                    "extensions", map("code", "PARSE_ERROR")))));
        }
        Map<String, Object> safeVariables = variables == null ? Map.of() : variables;
        int cost = QueryCost.of(document, safeVariables);
        if (cost > QueryCost.SINGLE_QUERY_MAXIMUM) {
            return new Answer(200, map("errors", List.of(map("message", "Query cost is " + cost
                    + ", which exceeds the single query max cost limit (" + QueryCost.SINGLE_QUERY_MAXIMUM + ").",
                    "extensions", map("code", "MAX_COST_EXCEEDED", "cost", cost, "maxCost", QueryCost.SINGLE_QUERY_MAXIMUM,
                            "documentation", "https://shopify.dev/api/usage/rate-limits")))));
        }
        if (!shop.bucket().tryTake(cost)) {
            return throttled(shop, cost, 200);
        }
        ExecutionResult result = graphQl.execute(ExecutionInput.newExecutionInput(query).variables(safeVariables)
                .operationName(operationName).graphQLContext(Map.of(SHOP, shop, VERSION, version)).build());
        Map<String, Object> body = new LinkedHashMap<>();
        if (!result.getErrors().isEmpty()) {
            body.put("errors", result.getErrors().stream().map(GraphQLError::toSpecification).toList());
        }
        if (result.isDataPresent()) {
            body.put("data", result.getData());
        }
        body.put("extensions", cost(shop, cost, cost));
        return new Answer(200, body);
    }

    /** Shopify's THROTTLED error: the request cost more than the bucket holds. */
    public Answer throttled(SimulatedShop shop, int requested, int httpStatus) {
        return new Answer(httpStatus, map(
                "errors", List.of(map("message", "Throttled", "extensions", map("code", "THROTTLED",
                        "documentation", "https://shopify.dev/api/usage/rate-limits"))),
                "extensions", cost(shop, requested, null)));
    }

    private static Map<String, Object> cost(SimulatedShop shop, int requested, Integer actual) {
        LeakyBucket.Status status = shop.bucket().status();
        return map("cost", map("requestedQueryCost", requested, "actualQueryCost", actual,
                "throttleStatus", map("maximumAvailable", status.maximumAvailable(),
                        "currentlyAvailable", (int) status.currentlyAvailable(), "restoreRate", status.restoreRate())));
    }

    // ---- data fetchers of the root fields the simulator implements ----

    private Map<String, DataFetcher<?>> fetchers() {
        Map<String, DataFetcher<?>> fetchers = new HashMap<>();
        fetchers.put("QueryRoot.customers", env -> connection(env, shop -> shop.searchCustomers(env.getArgument("query"),
                "UPDATED_AT".equals(env.getArgument("sortKey"))).stream().map(Shapes::graphQl).toList()));
        fetchers.put("QueryRoot.orders", env -> connection(env, shop -> shop.searchOrders(env.getArgument("query"),
                "UPDATED_AT".equals(env.getArgument("sortKey"))).stream().map(Shapes::graphQl).toList()));
        fetchers.put("QueryRoot.customersCount", env -> count(env, shop(env).searchCustomers(env.getArgument("query"), false).size()));
        fetchers.put("QueryRoot.ordersCount", env -> count(env, shop(env).searchOrders(env.getArgument("query"), false).size()));
        fetchers.put("QueryRoot.node", this::bulkOperationById);
        fetchers.put("QueryRoot.bulkOperation", this::bulkOperationById);
        fetchers.put("QueryRoot.currentBulkOperation", env -> operations.values().stream()
                .filter(operation -> operation.shop() == shop(env)).max(Comparator.comparingLong(BulkOperation::id))
                .map(this::graphQl).orElse(null));
        fetchers.put("QueryRoot.currentAppInstallation", env -> map("__typename", "AppInstallation",
                "id", "gid://shopify/AppInstallation/1", "accessScopes", shop(env).scopes().stream().sorted()
                        .map(handle -> map("handle", handle, "description", handle)).toList()));
        fetchers.put("QueryRoot.shop", env -> map("__typename", "Shop", "id", Shapes.gid("Shop", shop(env).id()),
                "name", shop(env).domain(), "myshopifyDomain", shop(env).domain(), "currencyCode", "USD",
                "ianaTimezone", Shapes.SHOP_ZONE.getId()));
        fetchers.put("QueryRoot.webhookSubscriptions", this::webhookSubscriptions);
        fetchers.put("QueryRoot.webhookSubscription", env -> shop(env).webhookSubscription(idOf(env.getArgument("id")))
                .map(subscription -> subscription.graphQl(shop(env).webhookApiVersion())).orElse(null));
        fetchers.put("QueryRoot.webhookSubscriptionsCount", env -> count(env, shop(env).webhookSubscriptions().size()));
        fetchers.put("Mutation.webhookSubscriptionCreate", this::createWebhookSubscription);
        fetchers.put("Mutation.webhookSubscriptionDelete", env -> {
            String id = env.getArgument("id");
            if (shop(env).deleteWebhookSubscription(idOf(id))) {
                return map("deletedWebhookSubscriptionId", id, "userErrors", List.of());
            }
            return map("deletedWebhookSubscriptionId", null, "userErrors",
                    List.of(map("field", List.of("id"), "message", "Webhook subscription does not exist")));
        });
        fetchers.put("Mutation.bulkOperationRunQuery", this::runQuery);
        fetchers.put("Mutation.bulkOperationCancel", env -> {
            if (bulkOperationById(env) == null) {
                return map("bulkOperation", null, "userErrors", List.of(map("field", List.of("id"), "message", "Bulk operation does not exist")));
            }
            BulkOperation operation = operations.get(idOf(env.getArgument("id")));
            operation.requestCancel();
            return map("bulkOperation", graphQl(operation), "userErrors", List.of());
        });
        return fetchers;
    }

    private Map<String, Object> runQuery(DataFetchingEnvironment env) {
        SimulatedShop shop = shop(env);
        String query = env.getArgument("query");
        boolean groupObjects = Boolean.TRUE.equals(env.getArgument("groupObjects"));
        List<String> invalid = schema.validate(query);
        if (!invalid.isEmpty()) {
            return map("bulkOperation", null, "userErrors", List.of(map("field", List.of("query"), "message",
                    "Invalid bulk query: " + String.join("; ", invalid), "code", "INVALID")));
        }
        String root = BulkExporter.rootField(query).getName();
        if (!root.equals("customers") && !root.equals("orders")) {
            return map("bulkOperation", null, "userErrors", List.of(map("field", List.of("query"), "message",
                    "The simulator exports customers and orders only, not " + root, "code", "INVALID")));
        }
        String version = env.getGraphQlContext().get(VERSION);
        int limit = shop.bulkOperationLimit().orElse(concurrentLimit(version));
        synchronized (operations) {
            List<BulkOperation> running = operations.values().stream()
                    .filter(operation -> operation.shop() == shop && !operation.isFinished()).toList();
            if (running.size() >= limit) {
                return map("bulkOperation", null, "userErrors", List.of(map("field", null, "message",
                        "A bulk query operation for this app and shop is already in progress: " + running.get(0).gid() + ".",
                        "code", limitErrorCode(version))));
            }
            BulkOperation operation = new BulkOperation(nextOperationId.addAndGet(1 + (long) (Math.random() * 1000)), shop,
                    query, groupObjects, shop.now());
            operations.put(operation.id(), operation);
            Faults faults = shop.faults();
            if (faults.bulkFailure() != null) {
                shop.faults(faults.withBulkFailureUsed());
            }
            exports.submit(() -> {
                try {
                    Thread.sleep(operationStartDelayMillis);
                    exporter.run(operation, faults);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    onFinished.accept(operation);
                }
            });
            return map("bulkOperation", graphQl(operation), "userErrors", List.of());
        }
    }

    // ---- webhook subscriptions ----

    /** A connection of the shop's subscriptions, filtered by topics, uri and format, paged by opaque cursors. */
    private Object webhookSubscriptions(DataFetchingEnvironment env) {
        Integer first = env.getArgument("first");
        Integer last = env.getArgument("last");
        if (first == null && last == null) {
            return DataFetcherResult.newResult().error(GraphqlErrorBuilder.newError(env)
                    .message("you must provide one of first or last").build()).build();
        }
        List<String> topics = env.getArgument("topics");
        String uri = Optional.ofNullable((String) env.getArgument("uri")).orElse(env.getArgument("callbackUrl"));
        String format = env.getArgument("format");
        List<WebhookSubscription> all = new ArrayList<>(shop(env).webhookSubscriptions().stream()
                .filter(subscription -> topics == null || topics.contains(subscription.topic()))
                .filter(subscription -> uri == null || subscription.uri().equals(uri))
                .filter(subscription -> format == null || subscription.format().equals(format))
                .toList());
        if (Boolean.TRUE.equals(env.getArgument("reverse"))) {
            java.util.Collections.reverse(all);
        }
        int from = Optional.ofNullable((String) env.getArgument("after")).map(cursor -> positionOf(all, cursor) + 1).orElse(0);
        int to = Optional.ofNullable((String) env.getArgument("before")).map(cursor -> positionOf(all, cursor)).orElse(all.size());
        to = Math.max(from, to);
        if (first != null) {
            to = Math.min(to, from + first);
        }
        if (last != null) {
            from = Math.max(from, to - last);
        }
        String version = shop(env).webhookApiVersion();
        List<Map<String, Object>> nodes = all.subList(from, to).stream().map(subscription -> subscription.graphQl(version)).toList();
        List<Map<String, Object>> edges = all.subList(from, to).stream()
                .map(subscription -> map("cursor", cursor(subscription), "node", subscription.graphQl(version))).toList();
        return map("edges", edges, "nodes", nodes, "pageInfo", map(
                "hasNextPage", to < all.size(), "hasPreviousPage", from > 0,
                "startCursor", from < to ? cursor(all.get(from)) : null, "endCursor", from < to ? cursor(all.get(to - 1)) : null));
    }

    private static String cursor(WebhookSubscription subscription) {
        return java.util.Base64.getEncoder().encodeToString(("{\"last_id\":" + subscription.id() + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The position of the subscription a cursor names (or where it would be, when it was deleted since). */
    private static int positionOf(List<WebhookSubscription> subscriptions, String cursor) {
        long id;
        try {
            String decoded = new String(java.util.Base64.getDecoder().decode(cursor), java.nio.charset.StandardCharsets.UTF_8);
            id = Long.parseLong(decoded.replaceAll("[^0-9]", ""));
        } catch (RuntimeException e) {
            return -1;
        }
        for (int i = 0; i < subscriptions.size(); i++) {
            if (subscriptions.get(i).id() == id) {
                return i;
            }
        }
        return -1;
    }

    private Map<String, Object> createWebhookSubscription(DataFetchingEnvironment env) {
        String topic = env.getArgument("topic");
        Map<String, Object> input = env.getArgument("webhookSubscription");
        String addressField = input.get("uri") != null ? "uri" : "callbackUrl";
        String address = (String) input.get(addressField);
        String format = Optional.ofNullable((String) input.get("format")).orElse("JSON");
        String name = (String) input.get("name");
        @SuppressWarnings("unchecked")
        List<String> includeFields = Optional.ofNullable((List<String>) input.get("includeFields")).orElse(List.of());
        String invalid = null;
        String field = addressField;
        if (address == null || address.isBlank()) {
            invalid = "Address can't be blank";
        } else if (!httpAddress(address)) {
            invalid = "Address is invalid";
        } else if (!format.equals("JSON")) {
            field = "format";
            invalid = "The simulator sends JSON webhooks only";
        } else if (name != null && !name.matches("[A-Za-z0-9_-]{1,50}")) {
            field = "name";
            invalid = "Name can only contain alphanumeric characters, hyphens and underscores, and be at most 50 characters long";
        }
        if (invalid != null) {
            return webhookSubscriptionError(field, invalid);
        }
        return shop(env).addWebhookSubscription(topic, address, format, includeFields, (String) input.get("filter"), name)
                .map(created -> map("webhookSubscription", created.graphQl(shop(env).webhookApiVersion()), "userErrors", List.of()))
                .orElseGet(() -> webhookSubscriptionError(addressField, "Address for this topic has already been taken"));
    }

    private static Map<String, Object> webhookSubscriptionError(String field, String message) {
        return map("webhookSubscription", null, "userErrors", List.of(map("field", List.of("webhookSubscription", field), "message", message)));
    }

    /** An absolute http(s) URL with a host: the simulator delivers to nothing else (no Pub/Sub, no EventBridge). */
    private static boolean httpAddress(String address) {
        try {
            java.net.URI uri = new java.net.URI(address);
            return uri.getHost() != null && ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** One bulk query at a time per shop before API version 2026-01; five from then on. */
    static int concurrentLimit(String version) {
        return version.compareTo("2026-01") < 0 ? 1 : 5;
    }

    /**
     * Before 2026-01 a second operation meets the one in progress (OPERATION_IN_PROGRESS); from then on the shop's
     * operations are counted against a limit (LIMIT_REACHED), also when a shop is allowed fewer than five.
     */
    static String limitErrorCode(String version) {
        return version.compareTo("2026-01") < 0 ? "OPERATION_IN_PROGRESS" : "LIMIT_REACHED";
    }

    private Map<String, Object> bulkOperationById(DataFetchingEnvironment env) {
        long id = idOf(env.getArgument("id"));
        BulkOperation operation = operations.get(id);
        if (operation == null || operation.shop() != shop(env)) {
            return null;
        }
        return graphQl(operation);
    }

    private Map<String, Object> graphQl(BulkOperation operation) {
        return operation.graphQl(downloadUrl.apply(operation));
    }

    private static long idOf(String gid) {
        try {
            return Long.parseLong(gid.substring(gid.lastIndexOf('/') + 1));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> connection(DataFetchingEnvironment env, Function<SimulatedShop, List<Map<String, Object>>> all) {
        List<Map<String, Object>> slice = env.getGraphQlContext().get(BulkExporter.SLICE);
        List<Map<String, Object>> nodes;
        if (slice != null) {
            nodes = slice;
        } else {
            List<Map<String, Object>> everything = all.apply(shop(env));
            String after = env.getArgument("after");
            int from = after == null ? 0 : Integer.parseInt(after);
            Integer first = env.getArgument("first");
            int size = first == null ? 50 : first;
            nodes = everything.subList(Math.min(from, everything.size()), Math.min(everything.size(), from + size));
            List<Map<String, Object>> edges = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                edges.add(map("node", nodes.get(i), "cursor", Integer.toString(from + i + 1)));
            }
            return map("edges", edges, "nodes", nodes, "pageInfo", map("hasNextPage", from + size < everything.size(),
                    "hasPreviousPage", from > 0, "endCursor", Integer.toString(from + nodes.size()),
                    "startCursor", Integer.toString(from + 1)));
        }
        return sliceConnection(nodes);
    }

    /** A bulk export's slice of roots as the root connection's value: every node on one page. */
    static Map<String, Object> sliceConnection(List<Map<String, Object>> nodes) {
        return map("edges", nodes.stream().map(node -> map("node", node)).toList(), "nodes", nodes,
                "pageInfo", map("hasNextPage", false, "hasPreviousPage", false));
    }

    private static Map<String, Object> count(DataFetchingEnvironment env, int count) {
        boolean limited = env.getArgument("limit") != null;
        int limit = limited ? (Integer) env.getArgument("limit") : Integer.MAX_VALUE;
        return map("count", Math.min(count, limit), "precision", count > limit ? "AT_LEAST" : "EXACT");
    }

    private static SimulatedShop shop(DataFetchingEnvironment env) {
        SimulatedShop shop = env.getGraphQlContext().get(SHOP);
        if (shop == null) {
            throw new IllegalStateException("no shop");
        }
        return shop;
    }
}
