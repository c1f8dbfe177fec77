package com.crm.shopifysync.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator as a client meets it over HTTP, compared with Shopify's documented responses in the fixtures. */
class ShopifySimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ORDERS_QUERY = """
            { orders(sortKey: UPDATED_AT) { edges { node { id name updatedAt customer { id }
              lineItems { edges { node { id sku quantity } } } } } } }""";
    private static ShopifySimulator simulator;
    private static SimulatedShop shop;

    @BeforeAll
    static void start() {
        simulator = new ShopifySimulator(ShopifySimulator.Options.defaults()).start();
        shop = simulator.addShop(new ShopSpec("sim-test.myshopify.com", "token-1", ShopSpec.ALL_SCOPES, 40, 120, 7));
        simulator.addShop(new ShopSpec("recent-only.myshopify.com", "token-2", Set.of("read_customers", "read_orders"), 40, 120, 7));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void refusesAWrongAccessToken() throws Exception {
        HttpResponse<String> response = post("2026-07", "wrong", "{ shop { name } }", Map.of());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("Invalid API key or access token");
    }

    @Test
    void answersWithCostAndThrottleStatusAsShopifyDoes() throws Exception {
        JsonNode body = graphQl("2026-07", "token-1", "{ customersCount(limit: null) { count precision } }");
        assertThat(body.at("/data/customersCount/count").asInt()).isEqualTo(40);
        assertThat(body.at("/data/customersCount/precision").asText()).isEqualTo("EXACT");
        JsonNode throttle = body.at("/extensions/cost/throttleStatus");
        assertThat(throttle.fieldNames()).toIterable().containsExactlyInAnyOrder("maximumAvailable", "currentlyAvailable", "restoreRate");
        assertThat(body.at("/extensions/cost/requestedQueryCost").asInt()).isPositive();
    }

    @Test
    void rejectsFieldsTheRealSchemaDoesNotHave() throws Exception {
        JsonNode body = graphQl("2026-07", "token-1", "{ customers(first: 1) { edges { node { id shoeSize } } } }");
        assertThat(body.path("errors").get(0).path("message").asText()).contains("shoeSize");
        assertThat(body.has("data")).isFalse();
    }

    @Test
    void throttlesARequestThatCostsMoreThanIsAvailable() throws Exception {
        SimulatedShop small = simulator.addShop(new ShopSpec("throttled.myshopify.com", "token-3", ShopSpec.ALL_SCOPES, 5, 5, 1));
        small.bucket().reconfigure(50, 1);
        JsonNode first = graphQl("2026-07", "token-3", "{ customers(first: 10) { edges { node { id defaultAddress { city } } } } }");
        assertThat(first.has("data")).isTrue();
        JsonNode second = graphQl("2026-07", "token-3", "{ customers(first: 10) { edges { node { id defaultAddress { city } } } } }");
        assertThat(second.at("/errors/0/extensions/code").asText()).isEqualTo("THROTTLED");
        assertThat(second.at("/extensions/cost/actualQueryCost").isNull()).isTrue();
        assertThat(second.at("/extensions/cost/throttleStatus/currentlyAvailable").asDouble())
                .isLessThan(second.at("/extensions/cost/requestedQueryCost").asDouble());
    }

    @Test
    void bulkExportsOrdersWithLineItemsAsParentLinkedLines() throws Exception {
        JsonNode created = runQuery("2026-07", ORDERS_QUERY, true);
        assertThat(created.at("/data/bulkOperationRunQuery/userErrors")).isEmpty();
        assertThat(created.at("/data/bulkOperationRunQuery/bulkOperation/status").asText()).isEqualTo("CREATED");
        JsonNode finished = awaitFinished(created.at("/data/bulkOperationRunQuery/bulkOperation/id").asText());
        assertThat(finished.path("status").asText()).isEqualTo("COMPLETED");
        List<JsonNode> lines = download(finished.path("url").asText());
        long orders = lines.stream().filter(line -> !line.has("__parentId")).count();
        assertThat(orders).isEqualTo(120);
        assertThat(finished.path("rootObjectCount").asText()).isEqualTo("120");
        assertThat(finished.path("objectCount").asText()).isEqualTo(Integer.toString(lines.size()));
        // The control API counts the same records (a benchmark checks a sync's rows against them).
        JsonNode summary = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(simulator.adminUrl() + "/simulator/shops")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).findParents("domain").stream()
                .filter(node -> node.path("domain").asText().equals("sim-test.myshopify.com")).findFirst().orElseThrow();
        assertThat(summary.path("orders").asLong()).isEqualTo(orders);
        assertThat(summary.path("lineItems").asLong()).isEqualTo(lines.size() - orders);
        // Grouped: every line item follows its own order.
        String currentOrder = null;
        for (JsonNode line : lines) {
            if (line.has("__parentId")) {
                assertThat(line.path("__parentId").asText()).isEqualTo(currentOrder);
                assertThat(line.path("id").asText()).startsWith("gid://shopify/LineItem/");
            } else {
                currentOrder = line.path("id").asText();
                assertThat(line.has("lineItems")).isFalse();
            }
        }
        // sortKey UPDATED_AT: roots in updated order.
        List<String> updated = lines.stream().filter(line -> !line.has("__parentId")).map(line -> line.path("updatedAt").asText()).toList();
        assertThat(updated).isSorted();
    }

    @Test
    void ungroupedExportsMayPlaceChildrenBeforeTheirParent() throws Exception {
        SimulatedShop big = simulator.addShop(new ShopSpec("ungrouped.myshopify.com", "token-4", ShopSpec.ALL_SCOPES, 100, 1200, 3));
        JsonNode body = graphQlWithVariables("2026-07", "token-4",
                "mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }", Map.of("q", ORDERS_QUERY));
        JsonNode finished = awaitFinished("token-4", body.at("/data/bulkOperationRunQuery/bulkOperation/id").asText());
        List<JsonNode> lines = download(finished.path("url").asText());
        Set<String> seenOrders = new HashSet<>();
        boolean childBeforeParent = false;
        for (JsonNode line : lines) {
            if (line.has("__parentId")) {
                childBeforeParent |= !seenOrders.contains(line.path("__parentId").asText());
            } else {
                seenOrders.add(line.path("id").asText());
            }
        }
        assertThat(childBeforeParent).isTrue();
        assertThat(seenOrders).hasSize(big.visibleOrders().size());
    }

    @Test
    void aBulkQueryTheFastPathCannotAnswerIsExportedByGraphqlJava() throws Exception {
        shop.faults(Faults.NONE);
        // A fragment on a money bag, which carries no __typename: BulkProjection refuses it, graphql-java knows the type.
        JsonNode created = runQuery("2026-07", """
                { orders { edges { node { id totalPriceSet { ... on MoneyBag { shopMoney { amount } } }
                  lineItems { edges { node { id } } } } } } }""", false);
        JsonNode finished = awaitFinished(created.at("/data/bulkOperationRunQuery/bulkOperation/id").asText());
        assertThat(finished.path("status").asText()).isEqualTo("COMPLETED");
        List<JsonNode> orders = download(finished.path("url").asText()).stream().filter(line -> !line.has("__parentId")).toList();
        assertThat(orders).hasSize(120).allSatisfy(order -> assertThat(order.at("/totalPriceSet/shopMoney/amount").asText()).matches("\\d+\\.\\d{2}"));
    }

    @Test
    void aSecondBulkQueryBeforeVersion202601IsAlreadyInProgress() throws Exception {
        shop.faults(Faults.NONE);
        String query = "{ customers { edges { node { id } } } }";
        JsonNode first = runQuery("2025-10", query, false);
        JsonNode second = runQuery("2025-10", query, false);
        assertThat(first.at("/data/bulkOperationRunQuery/userErrors")).isEmpty();
        String message = second.at("/data/bulkOperationRunQuery/userErrors/0/message").asText();
        assertThat(message).startsWith("A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/");
        awaitFinished(first.at("/data/bulkOperationRunQuery/bulkOperation/id").asText());
    }

    @Test
    void aFailedOperationKeepsItsPartialData() throws Exception {
        shop.faults(Faults.NONE.withBulkFailure("TIMEOUT", 0.5));
        JsonNode created = runQuery("2026-07", "{ customers(sortKey: UPDATED_AT) { edges { node { id updatedAt } } } }", false);
        JsonNode finished = awaitFinished(created.at("/data/bulkOperationRunQuery/bulkOperation/id").asText());
        assertThat(finished.path("status").asText()).isEqualTo("FAILED");
        assertThat(finished.path("errorCode").asText()).isEqualTo("TIMEOUT");
        assertThat(finished.path("url").isNull()).isTrue();
        assertThat(download(finished.path("partialDataUrl").asText())).hasSize(20);
    }

    @Test
    void withoutReadAllOrdersOnlyTheLast60DaysOfOrdersAreVisible() throws Exception {
        JsonNode all = graphQl("2026-07", "token-1", "{ ordersCount(limit: null) { count } }");
        JsonNode recent = graphQl("2026-07", "token-2", "{ ordersCount(limit: null) { count } currentAppInstallation { accessScopes { handle } } }");
        assertThat(recent.at("/data/ordersCount/count").asInt()).isLessThan(all.at("/data/ordersCount/count").asInt());
        assertThat(recent.at("/data/currentAppInstallation/accessScopes").findValuesAsText("handle")).doesNotContain("read_all_orders");
    }

    // ---- helpers ----

    private static JsonNode runQuery(String version, String query, boolean groupObjects) throws Exception {
        return graphQlWithVariables(version, "token-1", """
                mutation($query: String!, $group: Boolean!) { bulkOperationRunQuery(query: $query, groupObjects: $group) {
                  bulkOperation { id status createdAt } userErrors { field message code } } }""",
                Map.of("query", query, "group", groupObjects));
    }

    private static JsonNode awaitFinished(String id) {
        return awaitFinished("token-1", id);
    }

    private static JsonNode awaitFinished(String token, String id) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> graphQlWithVariables("2026-07", token, """
                query($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode objectCount rootObjectCount
                  fileSize url partialDataUrl } } }""", Map.of("id", id)).at("/data/node"),
                node -> !List.of("CREATED", "RUNNING", "CANCELING").contains(node.path("status").asText()));
    }

    private static List<JsonNode> download(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        // JSONL as Shopify writes it: one object a line, each line ending in a newline, nothing around it.
        assertThat(response.body()).endsWith("}\n");
        assertThat(response.body().split("\n")).allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    private static JsonNode graphQl(String version, String token, String query) throws Exception {
        return graphQlWithVariables(version, token, query, Map.of());
    }

    private static JsonNode graphQlWithVariables(String version, String token, String query, Map<String, Object> variables) throws Exception {
        HttpResponse<String> response = post(version, token, query, variables);
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> post(String version, String token, String query, Map<String, Object> variables)
            throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("query", query, "variables", variables));
        return HTTP.send(HttpRequest.newBuilder(URI.create(simulator.adminUrl() + "/admin/api/" + version + "/graphql.json"))
                .header("Content-Type", "application/json").header("X-Shopify-Access-Token", token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
