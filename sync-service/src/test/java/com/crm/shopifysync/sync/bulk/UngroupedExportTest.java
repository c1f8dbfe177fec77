package com.crm.shopifysync.sync.bulk;

import static com.crm.shopifysync.sync.bulk.ShopAssertions.assertStoreMatches;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.count;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.status;
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
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ungrouped bulk output (Shopify's default since 2026-01: a line item may come before its order, or batches after
 * it) is assembled exactly; and a shop that did not grant read_all_orders is synced with the 60 days of orders
 * Shopify shows, and the status says so.
 */
@QuarkusTest
@TestProfile(UngroupedExportTest.Ungrouped.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = ShopifySimulatorTestResource.class, initArgs = {
        @ResourceArg(name = "shop", value = UngroupedExportTest.SHOP),
        @ResourceArg(name = "customers", value = "1500"),
        @ResourceArg(name = "orders", value = "6000"),
        @ResourceArg(name = "seed", value = "5"),
        @ResourceArg(name = "scopes", value = "read_customers,read_orders")})
class UngroupedExportTest {

    static final String SHOP = "ungrouped-test.myshopify.com";

    public static class Ungrouped implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.bulk.group-objects", "false", "sync.bulk.batch-lines", "200");
        }
    }

    @Test
    void ungroupedLineItemsFindTheirOrdersAndOnlySixtyDaysOfOrdersAreVisible() throws Exception {
        await().atMost(Duration.ofMinutes(2)).until(() -> count("SELECT count(*) FROM sync_runs WHERE shop_domain = '" + SHOP
                + "' AND state <> 'running'") > 0);
        JsonPath status = status(SHOP);
        assertThat(status.getString("state")).isEqualTo("idle");
        SimulatedShop shop = ShopifySimulatorTestResource.shop();
        assertThat(shop.visibleOrders().size()).isLessThan(6000).isPositive();
        assertStoreMatches(shop);
        long lineItems = shop.visibleOrders().stream().mapToLong(order -> order.lineItems().size()).sum();
        assertThat(count("SELECT count(*) FROM order_line_items WHERE shop_domain = '" + SHOP + "'")).isEqualTo(lineItems);
        assertThat(status.getList("warnings", String.class)).singleElement().asString().contains("read_all_orders");
    }
}
