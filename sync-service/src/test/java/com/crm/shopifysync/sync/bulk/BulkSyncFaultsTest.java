package com.crm.shopifysync.sync.bulk;

import static com.crm.shopifysync.sync.bulk.ShopAssertions.assertStoreMatches;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.awaitEnded;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.count;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.syncNow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.simulator.Faults;
import com.crm.shopifysync.simulator.SimulatedShop;
import com.crm.shopifysync.simulator.StoreData;
import com.crm.shopifysync.sync.Metrics;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import com.crm.shopifysync.testing.ShopifySimulatorTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every fault the simulator can inject ends in a store equal to Shopify's. Before each test the merchant changes
 * some customers and orders whose webhooks never arrive, so each (full) sync has real work to get right.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = ShopifySimulatorTestResource.class, initArgs = {
        @ResourceArg(name = "shop", value = BulkSyncFaultsTest.SHOP),
        @ResourceArg(name = "customers", value = "2000"),
        @ResourceArg(name = "orders", value = "3000"),
        @ResourceArg(name = "seed", value = "11")})
class BulkSyncFaultsTest {

    static final String SHOP = "faults-test.myshopify.com";
    private final Random random = new Random();

    SimulatedShop shop() {
        return ShopifySimulatorTestResource.shop();
    }

    @BeforeEach
    void initialSyncDoneAndTheMerchantChangesThings() throws Exception {
        await().atMost(Duration.ofMinutes(2)).until(() -> count("SELECT count(*) FROM sync_runs WHERE shop_domain = '" + SHOP
                + "' AND state = 'succeeded'") > 0 && count("SELECT count(*) FROM sync_runs WHERE shop_domain = '" + SHOP
                + "' AND state = 'running'") == 0);
        List<StoreData.Customer> customers = shop().customerList();
        for (int i = 0; i < 5; i++) {
            shop().updateCustomer(customers.get(random.nextInt(customers.size())).id(), null, null, null,
                    "changed " + random.nextInt(), null).orElseThrow();
        }
        List<StoreData.Order> orders = List.copyOf(shop().visibleOrders());
        shop().updateOrder(orders.get(random.nextInt(orders.size())).id(), List.of("changed"), false).orElseThrow();
    }

    @AfterEach
    void healthyAgain() {
        shop().faults(Faults.NONE);
        shop().bucket().reconfigure(2000, 100);
    }

    @Test
    void anInternalServerErrorKeepsItsPartialDataAndTheRestIsExportedAgain() throws Exception {
        shop().faults(Faults.NONE.withBulkFailure("INTERNAL_SERVER_ERROR", 0.5));
        String run = syncNow(SHOP, "full");
        assertThat(awaitEnded(SHOP, run, Duration.ofMinutes(1)).getString("state")).isEqualTo("idle");
        assertThat(restarts(run, "customers")).isEqualTo(1);
        assertStoreMatches(shop());
    }

    @Test
    void anOrdersExportThatFailsBetweenAnOrderAndItsLineItemsLeavesNoOrderShortOfThem() throws Exception {
        // Both exports fail 40% in (customers, then orders): the orders file, ungrouped, ends inside a slice written orders
        // first, after some orders and before part of their line items. Applied, it would leave those orders short of line
        // items for good (the next export starts after them); the orders are exported again from where the export began.
        shop().faults(Faults.NONE.withBulkFailures("INTERNAL_SERVER_ERROR", 0.4, 2));
        String run = syncNow(SHOP, "full");
        assertThat(awaitEnded(SHOP, run, Duration.ofMinutes(1)).getString("state")).isEqualTo("idle");
        assertThat(restarts(run, "orders")).isEqualTo(1);
        assertStoreMatches(shop());
        assertThat(count("SELECT orders_synced FROM sync_runs WHERE id = '" + run + "'")).as("each order counted once")
                .isEqualTo(shop().visibleOrders().size());
        long lineItems = shop().visibleOrders().stream().mapToLong(order -> order.lineItems().size()).sum();
        assertThat(count("SELECT count(*) FROM order_line_items WHERE shop_domain = '" + SHOP + "'")).isEqualTo(lineItems);
    }

    @Test
    void aTimeoutKeepsItsPartialDataAndTheRestIsExportedAgain() throws Exception {
        shop().faults(Faults.NONE.withBulkFailure("TIMEOUT", 0.3));
        String run = syncNow(SHOP, "full");
        assertThat(awaitEnded(SHOP, run, Duration.ofMinutes(1)).getString("state")).isEqualTo("idle");
        assertThat(restarts(run, "customers")).isEqualTo(1);
        assertStoreMatches(shop());
    }

    @Test
    void accessDeniedFailsTheSyncWithAClearReasonAndSyncNowResumesIt() throws Exception {
        shop().faults(Faults.NONE.withBulkFailure("ACCESS_DENIED", 0.5));
        String run = syncNow(SHOP, "full");
        JsonPath failed = awaitEnded(SHOP, run, Duration.ofMinutes(1));
        assertThat(failed.getString("state")).isEqualTo("error");
        assertThat(failed.getString("failureReason")).contains("ACCESS_DENIED").contains("customers");

        String resumed = syncNow(SHOP, null);
        assertThat(resumed).isEqualTo(run);
        assertThat(awaitEnded(SHOP, run, Duration.ofMinutes(1)).getString("state")).isEqualTo("idle");
        assertStoreMatches(shop());
    }

    @Test
    void aDownloadCutMidStreamContinuesFromItsCheckpoint() throws Exception {
        double rowsBefore = Metrics.sum("sync_bulk_rows_applied_total{resource=\"customers\"");
        // About three quarters of the customers file: three batches of 500 lines are committed before the cut.
        shop().faults(Faults.NONE.withDownloadCutAfter(1_000_000));
        String run = syncNow(SHOP, "full");
        assertThat(awaitEnded(SHOP, run, Duration.ofMinutes(1)).getString("state")).isEqualTo("idle");
        assertStoreMatches(shop());
        double rowsApplied = Metrics.sum("sync_bulk_rows_applied_total{resource=\"customers\"") - rowsBefore;
        // The batch the cut interrupted was never committed, and the download continued after the last committed one:
        // every row written once. Starting over would have written the 1,500 rows before the cut again.
        assertThat(rowsApplied).isEqualTo(2000);
    }

    @Test
    void anExpiredDownloadUrlIsExportedAgain() throws Exception {
        shop().faults(Faults.NONE.withExpiredUrls(true));
        String run = syncNow(SHOP, "full");
        assertThat(awaitEnded(SHOP, run, Duration.ofMinutes(1)).getString("state")).isEqualTo("idle");
        assertThat(restarts(run, "customers")).isEqualTo(1);
        assertStoreMatches(shop());
    }

    @Test
    void harderThrottlingIsPacedAndThrottledCallsAreRetried() throws Exception {
        double waitsBefore = Metrics.sum("sync_shopify_throttle_wait_seconds_count");
        shop().bucket().reconfigure(12, 20);
        String run = syncNow(SHOP, "full");
        assertThat(awaitEnded(SHOP, run, Duration.ofMinutes(2)).getString("state")).isEqualTo("idle");
        assertThat(Metrics.sum("sync_shopify_throttle_wait_seconds_count")).isGreaterThan(waitsBefore);
        assertStoreMatches(shop());
    }

    @Test
    void http429And503AnswersAreRetriedWithBackoff() throws Exception {
        shop().faults(Faults.NONE.withHttpFailures(2, 2));
        String run = syncNow(SHOP, "full");
        assertThat(awaitEnded(SHOP, run, Duration.ofMinutes(1)).getString("state")).isEqualTo("idle");
        assertThat(shop().faults().http429Count()).isZero();
        assertThat(shop().faults().http5xxCount()).isZero();
        assertStoreMatches(shop());
    }

    private static long restarts(String run, String resource) throws Exception {
        return count("SELECT restarts FROM sync_operations WHERE run_id = '" + run + "' AND resource = '" + resource + "'");
    }
}
