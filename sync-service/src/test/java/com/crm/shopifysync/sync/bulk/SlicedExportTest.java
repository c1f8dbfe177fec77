package com.crm.shopifysync.sync.bulk;

import static com.crm.shopifysync.sync.bulk.ShopAssertions.assertStoreMatches;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.awaitEnded;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.syncNow;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.count;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.simulator.SimulatedShop;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import com.crm.shopifysync.testing.ShopifySimulatorTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A shop on API 2026-07 (five bulk operations at once) is exported concurrently: customers and orders cut into
 * created_at slices, each its own operation with its own checkpoint, in flight on Shopify at the same time; the store,
 * the live counters and the shop's cursor come out exactly as one export would leave them; and when Shopify lets the
 * run have one operation at a time, the slices wait their turn.
 */
@QuarkusTest
@TestProfile(SlicedExportTest.Sliced.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = ShopifySimulatorTestResource.class, initArgs = {
        @ResourceArg(name = "shop", value = SlicedExportTest.SHOP),
        @ResourceArg(name = "customers", value = "1200"),
        @ResourceArg(name = "orders", value = "6000"),
        @ResourceArg(name = "seed", value = "14"),
        // Each export lasts over a second (customers about 1,200 lines, a slice about 3,000), longer than the run takes
        // to start five: unpaced, a slice could finish before the fifth started, and five at once would be luck.
        @ResourceArg(name = "objects-per-second", value = "1000")})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlicedExportTest {

    static final String SHOP = "sliced-test.myshopify.com";

    public static class Sliced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.bulk.slice-orders", "1000", "sync.bulk.batch-lines", "300");
        }
    }

    private record Operation(int slice, Instant createdFrom, Instant createdBefore, long rowsApplied, String gid) {
    }

    @Test
    @Order(1)
    void ordersAreExportedInConcurrentSlicesAndArriveExactly() throws Exception {
        await().atMost(Duration.ofMinutes(2)).until(() -> count("SELECT count(*) FROM sync_runs WHERE shop_domain = '" + SHOP
                + "' AND state <> 'running'") > 0);
        SimulatedShop shop = ShopifySimulatorTestResource.shop();
        assertThat(count("SELECT count(*) FROM sync_runs WHERE shop_domain = '" + SHOP + "' AND state = 'succeeded'")).isEqualTo(1);
        assertStoreMatches(shop);
        long lineItems = shop.visibleOrders().stream().mapToLong(order -> order.lineItems().size()).sum();
        assertThat(count("SELECT count(*) FROM order_line_items WHERE shop_domain = '" + SHOP + "'")).isEqualTo(lineItems);

        List<Operation> slices = operations(latestRun(), "orders");
        assertThat(slices).as("6,000 orders at 1,000 a slice, five operations at once").hasSize(5);
        assertThat(slices.get(0).createdFrom()).isNull();
        assertThat(slices.get(4).createdBefore()).isNull();
        for (int i = 1; i < slices.size(); i++) {
            assertThat(slices.get(i).createdFrom()).as("slices meet without gap or overlap").isEqualTo(slices.get(i - 1).createdBefore());
        }
        long orders = shop.visibleOrders().size();
        assertThat(slices).allSatisfy(slice -> assertThat(slice.rowsApplied()).as("about a fifth each")
                .isBetween(orders / 5 - orders / 20, orders / 5 + orders / 20));
        assertThat(slices.stream().mapToLong(Operation::rowsApplied).sum()).isEqualTo(orders);
        assertThat(count("SELECT orders_synced FROM sync_runs WHERE shop_domain = '" + SHOP + "'")).isEqualTo(orders);
        assertThat(count("SELECT customers_synced FROM sync_runs WHERE shop_domain = '" + SHOP + "'"))
                .isEqualTo(shop.customers().size());
        Instant latestOrder = shop.visibleOrders().stream().map(order -> order.updatedAt()).max(Instant::compareTo).orElseThrow();
        assertThat(count("SELECT count(*) FROM shops WHERE shop_domain = '" + SHOP + "' AND orders_cursor = '" + latestOrder + "'"))
                .as("the shop's cursor is the latest order of all slices").isEqualTo(1);

        List<Operation> all = new ArrayList<>(operations(latestRun(), "customers"));
        all.addAll(slices);
        assertThat(mostInFlightAtOnce(all)).as("Shopify had five of the run's operations in flight at once").isEqualTo(5);
    }

    @Test
    @Order(2)
    void aShopWhoseSlotsAreTakenGetsItsSlicesOneAtATime() throws Exception {
        // Other apps hold four of the shop's five slots: Shopify answers "already in progress" to all but one export at a
        // time, and each slice waits for the run's own export to end.
        SimulatedShop shop = ShopifySimulatorTestResource.shop();
        shop.bulkOperationLimit(OptionalInt.of(1));
        try {
            String run = syncNow(SHOP, "full");
            assertThat(awaitEnded(SHOP, run, Duration.ofMinutes(2)).getString("state")).isEqualTo("idle");
            assertStoreMatches(shop);
            List<Operation> all = new ArrayList<>(operations(run, "customers"));
            all.addAll(operations(run, "orders"));
            assertThat(all).hasSize(6);
            assertThat(mostInFlightAtOnce(all)).isEqualTo(1);
            assertThat(count("SELECT orders_synced FROM sync_runs WHERE id = '" + run + "'")).isEqualTo(shop.visibleOrders().size());
        } finally {
            shop.bulkOperationLimit(OptionalInt.empty());
        }
    }

    private static String latestRun() throws SQLException {
        try (Connection connection = PostgresTestResource.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id FROM sync_runs WHERE shop_domain = '" + SHOP
                     + "' ORDER BY started_at DESC LIMIT 1")) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** The most of these operations Shopify held created and not yet completed at one moment, by its own clock. */
    private static int mostInFlightAtOnce(List<Operation> operations) {
        List<Instant[]> spans = operations.stream().map(operation -> {
            JsonPath node = given().header("X-Shopify-Access-Token", ShopifySimulatorTestResource.ACCESS_TOKEN).contentType("application/json")
                    .body(Map.of("query", BulkQueries.POLL, "variables", Map.of("id", operation.gid())))
                    .post(ShopifySimulatorTestResource.simulator().baseUrl(SHOP) + "/admin/api/2026-07/graphql.json")
                    .then().statusCode(200).extract().jsonPath();
            return new Instant[] {Instant.parse(node.getString("data.node.createdAt")), Instant.parse(node.getString("data.node.completedAt"))};
        }).toList();
        int most = 0;
        for (Instant[] span : spans) {
            int open = (int) spans.stream().filter(other -> !other[0].isAfter(span[0]) && other[1].isAfter(span[0])).count();
            most = Math.max(most, open);
        }
        return most;
    }

    private static List<Operation> operations(String run, String resource) throws SQLException {
        List<Operation> operations = new ArrayList<>();
        try (Connection connection = PostgresTestResource.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT slice, created_from, created_before, rows_applied, bulk_operation_id "
                     + "FROM sync_operations WHERE run_id = '" + run + "' AND resource = '" + resource + "' ORDER BY slice")) {
            while (rows.next()) {
                operations.add(new Operation(rows.getInt(1), instant(rows.getTimestamp(2)), instant(rows.getTimestamp(3)), rows.getLong(4),
                        rows.getString(5)));
            }
        }
        return operations;
    }

    private static Instant instant(java.sql.Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
