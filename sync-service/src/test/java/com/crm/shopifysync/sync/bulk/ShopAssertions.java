package com.crm.shopifysync.sync.bulk;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.simulator.SimulatedShop;
import com.crm.shopifysync.testing.PostgresTestResource;
import com.crm.shopifysync.testing.StoreComparison;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** Compares what the CRM holds with what the simulated Shopify holds, and drives syncs through the API. */
public final class ShopAssertions {

    public static final String TOKEN = "test-api-token";

    private ShopAssertions() {
    }

    /** Every active customer and every visible order (with its line item count) is in the database exactly. */
    public static void assertStoreMatches(SimulatedShop shop) throws SQLException {
        try (Connection connection = PostgresTestResource.connect()) {
            assertThat(StoreComparison.differences(connection, shop, 10)).as("the first differences with Shopify").isEmpty();
        }
    }

    public static Map<Long, StoreComparison.CustomerFacts> customers(String shop) throws SQLException {
        try (Connection connection = PostgresTestResource.connect()) {
            return StoreComparison.customers(connection, shop);
        }
    }

    public static JsonPath status(String shop) {
        return given().auth().oauth2(TOKEN).get("/api/shops/" + shop + "/sync").then().statusCode(200).extract().jsonPath();
    }

    /** Presses Sync Now and returns the run's id. */
    public static String syncNow(String shop, String mode) {
        var request = given().auth().oauth2(TOKEN);
        if (mode != null) {
            request = request.queryParam("mode", mode);
        }
        return request.post("/api/shops/" + shop + "/sync").then().statusCode(202).extract().jsonPath().getString("runId");
    }

    /** Presses Sync Now and returns the answer, whatever it is. */
    public static io.restassured.response.Response postSyncNow(String shop) {
        return given().auth().oauth2(TOKEN).post("/api/shops/" + shop + "/sync");
    }

    /** Waits for the run to end and returns the final status. */
    public static JsonPath awaitEnded(String shop, String runId, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonPath status = status(shop);
            return Objects.equals(status.getString("runId"), runId) && !status.getString("state").equals("running");
        });
        return status(shop);
    }

    public static long count(String sql) throws SQLException {
        return PostgresTestResource.count(sql);
    }
}
