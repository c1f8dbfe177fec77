package com.crm.shopifysync.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.simulator.ShopifySimulator.Options;
import com.crm.shopifysync.simulator.ShopifySimulator.ShopSpec;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Shopify's export speed as an app meets it over the Admin API: each bulk operation exports at the configured
 * objects per second, a grouped one at half that, operations of a shop run at once up to its limit (five from
 * 2026-01, or what the control API sets) and of every shop too, each at its own pace. Durations are measured, never
 * slept.
 */
class SimulatorBulkExportSpeedTest {

    /** Objects a second per operation: slow enough that the simulator's own work on a busy machine stays far below it. */
    private static final double RATE = 1_000;
    private static final int SLICE = 500;
    private static final int CUSTOMERS = 2_000;
    private static final String CUSTOMERS_QUERY = "{ customers { edges { node { id updatedAt } } } }";
    private static final String ORDERS_QUERY = """
            { orders { edges { node { id name lineItems { edges { node { id quantity } } } } } } }""";
    private static final String RUN = """
            mutation($query: String!, $group: Boolean!) { bulkOperationRunQuery(query: $query, groupObjects: $group) {
              bulkOperation { id status } userErrors { field message code } } }""";
    private static final String POLL = """
            query($id: ID!) { node(id: $id) { ... on BulkOperation { id status objectCount rootObjectCount url } } }""";
    private static final String CANCEL = """
            mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { message } } }""";
    private static ShopifySimulator simulator;
    private static SimulatorHttp app;

    @BeforeAll
    static void start() {
        simulator = new ShopifySimulator(Options.defaults().withExportRate(ExportRate.of(RATE))).start();
        app = new SimulatorHttp(simulator, null, null);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void anOperationExportsNoFasterThanItsRateAndCompletesAtAboutIt() {
        shop("paced.myshopify.com", CUSTOMERS, 0);
        long started = System.nanoTime();
        String id = run("paced.myshopify.com", "2026-07", CUSTOMERS_QUERY, false).at("/bulkOperation/id").asText();
        List<long[]> samples = new ArrayList<>();
        JsonNode finished = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode node = poll("paced.myshopify.com", id);
            samples.add(new long[] {System.nanoTime() - started, node.path("objectCount").asLong()});
            return node;
        }, node -> node.path("status").asText().equals("COMPLETED"));
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(finished.path("objectCount").asLong()).isEqualTo(CUSTOMERS);
        // Never ahead of the rate while it runs: what it reports at t is at most t × rate.
        assertThat(samples).allSatisfy(sample -> assertThat(sample[1]).isLessThanOrEqualTo((long) (sample[0] / 1e9 * RATE) + 1));
        assertThat(samples.stream().filter(sample -> sample[1] > 0 && sample[1] < CUSTOMERS)).as("counts seen growing").isNotEmpty();
        // 2,000 objects at 1,000/s: not before 2 s (less a slice), and not much later (the start delay, polling).
        assertThat(seconds).isGreaterThanOrEqualTo((CUSTOMERS - SLICE) / RATE).isLessThan(CUSTOMERS / RATE + 2.5);
    }

    @Test
    void aGroupedExportIsSlowerThanTheSameUngroupedOne() {
        shop("grouped.myshopify.com", 100, 300);
        long started = System.nanoTime();
        String grouped = run("grouped.myshopify.com", "2026-07", ORDERS_QUERY, true).at("/bulkOperation/id").asText();
        String ungrouped = run("grouped.myshopify.com", "2026-07", ORDERS_QUERY, false).at("/bulkOperation/id").asText();
        Map<String, Double> seconds = awaitCompleted(Map.of(grouped, "grouped.myshopify.com", ungrouped, "grouped.myshopify.com"), started);

        long objects = poll("grouped.myshopify.com", grouped).path("objectCount").asLong();
        assertThat(objects).as("orders and their line items").isGreaterThan(600)
                .isEqualTo(poll("grouped.myshopify.com", ungrouped).path("objectCount").asLong());
        assertThat(seconds.get(ungrouped)).isGreaterThanOrEqualTo((objects - SLICE) / RATE);
        assertThat(seconds.get(grouped)).isGreaterThanOrEqualTo((objects - SLICE) / (RATE * ExportRate.GROUPED_FACTOR))
                .isGreaterThan(seconds.get(ungrouped) + 0.4 * objects / RATE);
    }

    @Test
    void fiveOperationsOfEachShopRunAtOnceEachAtItsOwnRate() {
        // 5,000 objects each, 5 s at 1,000/s: long enough for all ten to be started and seen running.
        int customers = 5_000;
        shop("five-a.myshopify.com", customers, 0);
        shop("five-b.myshopify.com", customers, 0);
        Map<String, String> shopOf = new HashMap<>();
        Map<String, Long> createdAt = new HashMap<>();
        for (String shop : List.of("five-a.myshopify.com", "five-b.myshopify.com")) {
            for (int i = 0; i < 5; i++) {
                long asked = System.nanoTime();
                JsonNode created = run(shop, "2026-07", CUSTOMERS_QUERY, false);
                assertThat(created.path("userErrors")).isEmpty();
                shopOf.put(created.at("/bulkOperation/id").asText(), shop);
                createdAt.put(created.at("/bulkOperation/id").asText(), asked);
            }
        }
        // All ten exporting at the same moment: their running intervals overlap.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> shopOf.entrySet().stream()
                .map(operation -> poll(operation.getValue(), operation.getKey()))
                .allMatch(node -> node.path("status").asText().equals("RUNNING") && node.path("objectCount").asLong() > 0));
        long started = createdAt.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        Map<String, Double> seconds = awaitCompleted(shopOf, started);

        // Each about 5 s after it was asked for: one after the other the last would end after 50 s, on two threads
        // (the simulator's old pool) after 25 s.
        seconds.forEach((id, time) -> assertThat(time - (createdAt.get(id) - started) / 1e9).as(id)
                .isGreaterThanOrEqualTo((customers - SLICE) / RATE).isLessThan(2 * customers / RATE));
        // The simulator's own timeline says the same: the last to start did so before the first ended.
        List<JsonNode> timeline = new ArrayList<>();
        for (String shop : List.of("five-a.myshopify.com", "five-b.myshopify.com")) {
            SimulatorHttp.json(app.get(simulator.adminUrl() + "/simulator/shops/" + shop + "/bulk-operations")).forEach(timeline::add);
        }
        assertThat(timeline).hasSize(10).allSatisfy(operation -> assertThat(operation.path("status").asText()).isEqualTo("COMPLETED"));
        long lastStart = timeline.stream().mapToLong(operation -> operation.path("startedAt").asLong()).max().orElseThrow();
        long firstEnd = timeline.stream().mapToLong(operation -> operation.path("endedAt").asLong()).min().orElseThrow();
        assertThat(lastStart).isLessThan(firstEnd);
    }

    @Test
    void aShopLimitedToOneOperationAnswersLimitReachedToASecond() {
        String shop = "limited.myshopify.com";
        shop(shop, CUSTOMERS * 5, 0);
        HttpResponse<String> limited = app.postJson(simulator.adminUrl() + "/simulator/shops/" + shop + "/bulk-limit",
                Map.of("concurrentOperations", 1));
        assertThat(limited.statusCode()).isEqualTo(200);
        assertThat(SimulatorHttp.json(limited).path("concurrentOperations").asInt()).isEqualTo(1);

        String first = run(shop, "2026-07", CUSTOMERS_QUERY, false).at("/bulkOperation/id").asText();
        JsonNode second = run(shop, "2026-07", CUSTOMERS_QUERY, false);
        assertThat(second.path("bulkOperation").isNull()).isTrue();
        assertThat(second.at("/userErrors/0/code").asText()).isEqualTo("LIMIT_REACHED");
        assertThat(second.at("/userErrors/0/message").asText())
                .isEqualTo("A bulk query operation for this app and shop is already in progress: " + first + ".");

        // The version's limit again: five at once, the sixth refused the same way.
        assertThat(app.delete(simulator.adminUrl() + "/simulator/shops/" + shop + "/bulk-limit").body()).contains("\"concurrentOperations\":null");
        List<String> running = new ArrayList<>(List.of(first));
        for (int i = 0; i < 4; i++) {
            JsonNode created = run(shop, "2026-07", CUSTOMERS_QUERY, false);
            assertThat(created.path("userErrors")).isEmpty();
            running.add(created.at("/bulkOperation/id").asText());
        }
        assertThat(run(shop, "2026-07", CUSTOMERS_QUERY, false).at("/userErrors/0/code").asText()).isEqualTo("LIMIT_REACHED");
        running.forEach(id -> cancel(shop, id));
    }

    @Test
    void theLimitOverridesTheApiVersionsAndRefusesWhatIsNotANumberAboveZero() {
        String shop = "old-version.myshopify.com";
        shop(shop, CUSTOMERS * 5, 0);
        String bulkLimit = simulator.adminUrl() + "/simulator/shops/" + shop + "/bulk-limit";
        assertThat(app.postJson(bulkLimit, Map.of("concurrentOperations", 0)).statusCode()).isEqualTo(422);
        assertThat(app.postJson(bulkLimit, Map.of()).statusCode()).isEqualTo(422);
        assertThat(app.postJson(bulkLimit, Map.of("concurrentOperations", 2)).statusCode()).isEqualTo(200);

        // 2025-10 allows one; the shop now runs two, and the third meets an operation in progress, as before 2026-01.
        String first = run(shop, "2025-10", CUSTOMERS_QUERY, false).at("/bulkOperation/id").asText();
        String second = run(shop, "2025-10", CUSTOMERS_QUERY, false).at("/bulkOperation/id").asText();
        JsonNode third = run(shop, "2025-10", CUSTOMERS_QUERY, false);
        assertThat(third.at("/userErrors/0/code").asText()).isEqualTo("OPERATION_IN_PROGRESS");
        assertThat(third.at("/userErrors/0/message").asText()).startsWith("A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/");
        cancel(shop, first);
        cancel(shop, second);
    }

    @Test
    void aCancelStopsAPacedExportAtOnce() {
        String shop = "cancel.myshopify.com";
        shop(shop, CUSTOMERS * 10, 0);
        String id = run(shop, "2026-07", CUSTOMERS_QUERY, false).at("/bulkOperation/id").asText();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> poll(shop, id).path("objectCount").asLong() > 0);
        long canceled = System.nanoTime();
        app.data(shop, "token-" + shop, CANCEL, Map.of("id", id));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> poll(shop, id).path("status").asText().equals("CANCELED"));
        // 20,000 objects at 1,000/s would take 20 s; the cancel ends the wait for the next slice's turn.
        assertThat((System.nanoTime() - canceled) / 1e9).isLessThan(2);
        assertThat(poll(shop, id).path("objectCount").asLong()).isLessThan(CUSTOMERS * 10L);
    }

    // ---- helpers ----

    private static void shop(String domain, int customers, int orders) {
        simulator.addShop(new ShopSpec(domain, "token-" + domain, ShopSpec.ALL_SCOPES, customers, orders, 5));
    }

    /** bulkOperationRunQuery in {@code version}: its payload. */
    private static JsonNode run(String shop, String version, String query, boolean group) {
        HttpResponse<String> response = app.graphQlAt(simulator.baseUrl(shop) + "/admin/api/" + version + "/graphql.json",
                "token-" + shop, RUN, Map.of("query", query, "group", group));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = SimulatorHttp.json(response);
        assertThat(body.has("errors")).as(response.body()).isFalse();
        return body.at("/data/bulkOperationRunQuery");
    }

    private static JsonNode poll(String shop, String id) {
        return app.data(shop, "token-" + shop, POLL, Map.of("id", id)).path("node");
    }

    private static void cancel(String shop, String id) {
        app.data(shop, "token-" + shop, CANCEL, Map.of("id", id));
    }

    /** Waits for each operation (id → shop) to complete; the seconds from {@code started} at which each was seen COMPLETED. */
    private static Map<String, Double> awaitCompleted(Map<String, String> shopOf, long started) {
        Map<String, Double> seconds = new HashMap<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            shopOf.forEach((id, shop) -> {
                if (!seconds.containsKey(id)) {
                    String status = poll(shop, id).path("status").asText();
                    assertThat(status).isIn("CREATED", "RUNNING", "COMPLETED");
                    if (status.equals("COMPLETED")) {
                        seconds.put(id, (System.nanoTime() - started) / 1e9);
                    }
                }
            });
            return seconds.size() == shopOf.size();
        });
        return seconds;
    }
}
