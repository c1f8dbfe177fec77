package com.crm.shopifysync.sync.bulk;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.simulator.SimulatedShop;
import com.crm.shopifysync.simulator.StoreData;
import com.crm.shopifysync.testing.PostgresTestResource;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** Compares what the CRM holds with what the simulated Shopify holds, and drives syncs through the API. */
final class ShopAssertions {

    static final String TOKEN = "test-api-token";

    private ShopAssertions() {
    }

    record CustomerFacts(String email, String firstName, String lastName, Instant updatedAt) {
    }

    record OrderFacts(Instant updatedAt, BigDecimal totalPrice, Long customerId, long lineItems) {
    }

    /** Every active customer and every visible order (with its line item count) is in the database exactly. */
    static void assertStoreMatches(SimulatedShop shop) throws SQLException {
        Map<Long, CustomerFacts> expectedCustomers = new HashMap<>();
        for (StoreData.Customer customer : shop.customers()) {
            expectedCustomers.put(customer.id(), new CustomerFacts(customer.email(), customer.firstName(), customer.lastName(),
                    customer.updatedAt()));
        }
        Map<Long, OrderFacts> expectedOrders = new HashMap<>();
        for (StoreData.Order order : shop.visibleOrders()) {
            expectedOrders.put(order.id(), new OrderFacts(order.updatedAt(), order.totalPrice().setScale(2), order.customerId(),
                    order.lineItems().size()));
        }
        assertSame("customers", customers(shop.domain()), expectedCustomers);
        assertSame("orders", orders(shop.domain()), expectedOrders);
    }

    /** Equal maps, or a failure naming the first differences (not tens of thousands of entries). */
    private static <V> void assertSame(String what, Map<Long, V> actual, Map<Long, V> expected) {
        java.util.List<String> differences = new java.util.ArrayList<>();
        expected.forEach((id, value) -> {
            if (!actual.containsKey(id)) {
                differences.add("missing " + id + " " + value);
            } else if (!actual.get(id).equals(value)) {
                differences.add(id + ": expected " + value + " but was " + actual.get(id));
            }
        });
        actual.keySet().stream().filter(id -> !expected.containsKey(id)).forEach(id -> differences.add("unexpected " + id + " " + actual.get(id)));
        assertThat(differences.subList(0, Math.min(10, differences.size()))).as("%s: %d in the database, %d in Shopify; first differences of %d", what, actual.size(),
                expected.size(), differences.size()).isEmpty();
    }

    static Map<Long, CustomerFacts> customers(String shop) throws SQLException {
        Map<Long, CustomerFacts> rows = new HashMap<>();
        try (Connection connection = PostgresTestResource.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT shopify_id, email, first_name, last_name, "
                     + "shopify_updated_at FROM customers WHERE shop_domain = ? AND deleted_at IS NULL")) {
            statement.setString(1, shop);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.put(result.getLong(1), new CustomerFacts(result.getString(2), result.getString(3), result.getString(4),
                            result.getTimestamp(5).toInstant()));
                }
            }
        }
        return rows;
    }

    static Map<Long, OrderFacts> orders(String shop) throws SQLException {
        Map<Long, OrderFacts> rows = new HashMap<>();
        try (Connection connection = PostgresTestResource.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT o.shopify_id, o.shopify_updated_at, o.total_price, "
                     + "o.customer_shopify_id, (SELECT count(*) FROM order_line_items li WHERE li.shop_domain = o.shop_domain "
                     + "AND li.order_shopify_id = o.shopify_id) FROM orders o WHERE o.shop_domain = ?")) {
            statement.setString(1, shop);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.put(result.getLong(1), new OrderFacts(result.getTimestamp(2).toInstant(), result.getBigDecimal(3).setScale(2),
                            result.getObject(4, Long.class), result.getLong(5)));
                }
            }
        }
        return rows;
    }

    static JsonPath status(String shop) {
        return given().auth().oauth2(TOKEN).get("/api/shops/" + shop + "/sync").then().statusCode(200).extract().jsonPath();
    }

    /** Presses Sync Now and returns the run's id. */
    static String syncNow(String shop, String mode) {
        var request = given().auth().oauth2(TOKEN);
        if (mode != null) {
            request = request.queryParam("mode", mode);
        }
        return request.post("/api/shops/" + shop + "/sync").then().statusCode(202).extract().jsonPath().getString("runId");
    }

    /** Waits for the run to end and returns the final status. */
    static JsonPath awaitEnded(String shop, String runId, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonPath status = status(shop);
            return Objects.equals(status.getString("runId"), runId) && !status.getString("state").equals("running");
        });
        return status(shop);
    }

    static long count(String sql) throws SQLException {
        return PostgresTestResource.count(sql);
    }
}
