package com.crm.shopifysync.sync.bulk;

import static com.crm.shopifysync.sync.bulk.ShopAssertions.assertStoreMatches;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.awaitEnded;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.count;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.status;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.syncNow;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.simulator.Faults;
import com.crm.shopifysync.simulator.SimulatedShop;
import com.crm.shopifysync.simulator.SimulatedShop.PendingWebhook;
import com.crm.shopifysync.simulator.StoreData;
import com.crm.shopifysync.sync.webhook.WebhookRecords;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import com.crm.shopifysync.testing.ShopifySimulatorTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A shop of 10,000 customers and 30,000 orders, synced through the simulator's bulk operations into the real
 * database: the initial sync starts by itself and lands exactly; webhooks, incremental and full syncs then keep it
 * true. The tests run in order: each starts from the store the previous one left.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = ShopifySimulatorTestResource.class, initArgs = {
        @ResourceArg(name = "shop", value = BulkSyncTest.SHOP),
        @ResourceArg(name = "customers", value = "10000"),
        @ResourceArg(name = "orders", value = "30000")})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BulkSyncTest {

    static final String SHOP = "bulk-test.myshopify.com";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    SimulatedShop shop() {
        return ShopifySimulatorTestResource.shop();
    }

    @Test
    @Order(1)
    void theInitialSyncStartsByItselfAndLandsExactly() throws Exception {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                .until(() -> List.of("succeeded", "failed").contains(String.valueOf(latestRunState())));
        JsonPath status = status(SHOP);
        assertThat(status.getString("failureReason")).isNull();
        assertThat(status.getString("state")).isEqualTo("idle");
        assertThat(status.getString("mode")).isEqualTo("initial");
        assertThat(status.getString("summary")).isEqualTo("Sync complete: 10,000 customers, 30,000 orders imported");
        assertThat(status.getLong("customers.total")).isEqualTo(10_000);
        assertThat(status.getLong("orders.total")).isEqualTo(30_000);
        assertThat(status.getString("lastSuccessfulSyncAt")).isNotNull();
        assertThat(status.getList("warnings")).isEmpty();

        assertStoreMatches(shop());
        long lineItems = shop().visibleOrders().stream().mapToLong(order -> order.lineItems().size()).sum();
        assertThat(count("SELECT count(*) FROM order_line_items WHERE shop_domain = '" + SHOP + "'")).isEqualTo(lineItems);
        // Cutover: every order was created before the first sync started.
        assertThat(count("SELECT count(*) FROM orders WHERE shop_domain = '" + SHOP + "' AND historical")).isEqualTo(30_000);
        spotCheckFieldByField(new Random(7));
    }

    @Test
    @Order(2)
    void aWebhookForABulkImportedCustomerUpdatesTheSameRow() throws Exception {
        StoreData.Customer customer = shop().customerList().get(1234);
        PendingWebhook webhook = shop().updateCustomer(customer.id(), "Renamed", null, null, "changed in Shopify", null).orElseThrow().first();
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            kafka.send(WebhookRecords.record(WebhookRecords.delivery(webhook.topic(), SHOP), webhook.body()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> "Renamed".equals(ShopAssertions.customers(SHOP).get(customer.id()).firstName()));
        assertThat(count("SELECT count(*) FROM customers WHERE shop_domain = '" + SHOP + "'")).isEqualTo(10_000);
        assertThat(count("SELECT count(*) FROM customers WHERE shop_domain = '" + SHOP + "' AND shopify_id = " + customer.id()
                + " AND note = 'changed in Shopify'")).isEqualTo(1);
        assertStoreMatches(shop());
    }

    @Test
    @Order(3)
    void anIncrementalSyncFindsChangesWhoseWebhooksWereDropped() throws Exception {
        // The merchant's changes happen, and none of their webhooks ever arrives.
        List<StoreData.Customer> customers = shop().customerList();
        for (int i : new int[] {10, 20, 30}) {
            shop().updateCustomer(customers.get(i).id(), null, "Dropped" + i, null, null, List.of("dropped")).orElseThrow();
        }
        PendingWebhook created = shop().createCustomer("New", "Buyer", "new.buyer@example.com").first();
        StoreData.Order order = shop().visibleOrders().iterator().next();
        shop().updateOrder(order.id(), List.of("dropped-webhook"), true).orElseThrow();
        assertThat(created.topic()).isEqualTo("customers/create");

        String run = syncNow(SHOP, null);
        JsonPath status = awaitEnded(SHOP, run, Duration.ofMinutes(1));
        assertThat(status.getString("state")).isEqualTo("idle");
        assertThat(status.getString("mode")).isEqualTo("incremental");
        // Only what changed since the cursor (minus the overlap) is read again, not the whole shop.
        assertThat(status.getLong("customers.total")).isBetween(4L, 100L);
        assertStoreMatches(shop());
        assertThat(count("SELECT count(*) FROM orders WHERE shop_domain = '" + SHOP + "' AND shopify_id = " + order.id()
                + " AND cancel_reason = 'customer' AND 'dropped-webhook' = ANY(tags)")).isEqualTo(1);
    }

    @Test
    @Order(4)
    void aForcedFullSyncSoftDeletesCustomersDeletedInShopifyAndRestoresOnesThatCameBack() throws Exception {
        // The last customers never ordered: Shopify lets the merchant delete them. Their webhooks are lost.
        List<StoreData.Customer> customers = shop().customerList();
        List<Long> deleted = new ArrayList<>();
        for (int i = customers.size() - 1; deleted.size() < 3; i--) {
            if (shop().deleteCustomer(customers.get(i).id()).deleted()) {
                deleted.add(customers.get(i).id());
            }
        }
        // A customer the CRM wrongly holds as deleted (say, an earlier export missed it) is back in the next full export.
        long cameBack = customers.get(500).id();
        PostgresTestResource.execute("UPDATE customers SET deleted_at = now() - interval '1 day' WHERE shop_domain = '" + SHOP
                + "' AND shopify_id = " + cameBack);

        String run = syncNow(SHOP, "full");
        JsonPath status = awaitEnded(SHOP, run, Duration.ofMinutes(3));
        assertThat(status.getString("state")).isEqualTo("idle");
        assertThat(status.getString("mode")).isEqualTo("full");
        for (long id : deleted) {
            assertThat(count("SELECT count(*) FROM customers WHERE shop_domain = '" + SHOP + "' AND shopify_id = " + id
                    + " AND deleted_at IS NOT NULL")).isEqualTo(1);
        }
        assertThat(count("SELECT count(*) FROM customers WHERE shop_domain = '" + SHOP + "' AND shopify_id = " + cameBack
                + " AND deleted_at IS NULL")).isEqualTo(1);
        assertStoreMatches(shop());
        assertThat(given().auth().oauth2(ShopAssertions.TOKEN).get("/api/shops/" + SHOP + "/customers?size=1")
                .then().statusCode(200).extract().jsonPath().getLong("total")).isEqualTo(shop().customers().size());
    }

    @Test
    @Order(5)
    void twoConcurrentSyncNowRequestsStartOneSync() throws Exception {
        shop().faults(Faults.NONE.withResponseDelay(300));
        try {
            CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> given().auth().oauth2(ShopAssertions.TOKEN)
                    .post("/api/shops/" + SHOP + "/sync"));
            CompletableFuture<Response> second = CompletableFuture.supplyAsync(() -> given().auth().oauth2(ShopAssertions.TOKEN)
                    .post("/api/shops/" + SHOP + "/sync"));
            List<Response> answers = List.of(first.get(), second.get());
            assertThat(answers).extracting(Response::statusCode).containsExactlyInAnyOrder(202, 409);
            Response accepted = answers.stream().filter(answer -> answer.statusCode() == 202).findFirst().orElseThrow();
            Response refused = answers.stream().filter(answer -> answer.statusCode() == 409).findFirst().orElseThrow();
            String runId = accepted.jsonPath().getString("runId");
            assertThat(refused.jsonPath().getString("runId")).isEqualTo(runId);
            assertThat(refused.jsonPath().getString("error")).contains("already running");
            assertThat(count("SELECT count(*) FROM sync_runs WHERE shop_domain = '" + SHOP + "' AND state = 'running'")).isEqualTo(1);
            shop().faults(Faults.NONE);
            assertThat(awaitEnded(SHOP, runId, Duration.ofMinutes(1)).getString("state")).isEqualTo("idle");
        } finally {
            shop().faults(Faults.NONE);
        }
    }

    private String latestRunState() throws Exception {
        try (Connection connection = PostgresTestResource.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT state FROM sync_runs WHERE shop_domain = ? ORDER BY started_at DESC LIMIT 1")) {
            statement.setString(1, SHOP);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? result.getString(1) : null;
            }
        }
    }

    /** Every Shopify field we keep, compared for a sample of customers and orders. */
    private void spotCheckFieldByField(Random random) throws Exception {
        List<StoreData.Customer> customers = shop().customerList();
        List<StoreData.Order> orders = new ArrayList<>(shop().visibleOrders());
        try (Connection connection = PostgresTestResource.connect()) {
            for (int i = 0; i < 25; i++) {
                StoreData.Customer expected = customers.get(random.nextInt(customers.size()));
                try (PreparedStatement statement = connection.prepareStatement("SELECT email, first_name, last_name, phone, state, "
                        + "tags, note, verified_email, tax_exempt, orders_count, total_spent, total_spent_currency, "
                        + "email_marketing_state, shopify_created_at, shopify_updated_at, admin_graphql_api_id "
                        + "FROM customers WHERE shop_domain = ? AND shopify_id = ?")) {
                    statement.setString(1, SHOP);
                    statement.setLong(2, expected.id());
                    try (ResultSet row = statement.executeQuery()) {
                        assertThat(row.next()).isTrue();
                        assertThat(row.getString("email")).isEqualTo(expected.email());
                        assertThat(row.getString("first_name")).isEqualTo(expected.firstName());
                        assertThat(row.getString("last_name")).isEqualTo(expected.lastName());
                        assertThat(row.getString("phone")).isEqualTo(expected.phone());
                        assertThat(row.getString("state")).isEqualTo(expected.state().toLowerCase());
                        assertThat(List.of((String[]) row.getArray("tags").getArray())).isEqualTo(expected.tags());
                        assertThat(row.getString("note")).isEqualTo(expected.note());
                        assertThat(row.getBoolean("verified_email")).isEqualTo(expected.verifiedEmail());
                        assertThat(row.getBoolean("tax_exempt")).isEqualTo(expected.taxExempt());
                        assertThat(row.getLong("orders_count")).isEqualTo(expected.ordersCount());
                        assertThat(row.getBigDecimal("total_spent")).isEqualByComparingTo(expected.amountSpent());
                        assertThat(row.getString("total_spent_currency")).isEqualTo(expected.currency());
                        assertThat(row.getString("email_marketing_state"))
                                .isEqualTo(expected.email() == null ? null : expected.emailMarketingState().toLowerCase());
                        assertThat(row.getTimestamp("shopify_created_at").toInstant()).isEqualTo(expected.createdAt());
                        assertThat(row.getTimestamp("shopify_updated_at").toInstant()).isEqualTo(expected.updatedAt());
                        assertThat(row.getString("admin_graphql_api_id")).isEqualTo("gid://shopify/Customer/" + expected.id());
                    }
                }
                StoreData.Order order = orders.get(random.nextInt(orders.size()));
                try (PreparedStatement statement = connection.prepareStatement("SELECT name, order_number, email, customer_shopify_id, "
                        + "financial_status, fulfillment_status, currency, total_price, subtotal_price, total_tax, total_discounts, "
                        + "tags, cancel_reason, shopify_created_at, processed_at, cancelled_at FROM orders WHERE shop_domain = ? AND shopify_id = ?")) {
                    statement.setString(1, SHOP);
                    statement.setLong(2, order.id());
                    try (ResultSet row = statement.executeQuery()) {
                        assertThat(row.next()).isTrue();
                        assertThat(row.getString("name")).isEqualTo(order.name());
                        assertThat(row.getLong("order_number")).isEqualTo(order.number() + 1000);
                        assertThat(row.getString("email")).isEqualTo(order.email());
                        Long customerId = row.getLong("customer_shopify_id");
                        assertThat(row.wasNull() ? null : customerId).isEqualTo(order.customerId());
                        assertThat(row.getString("financial_status")).isEqualTo(order.financialStatus().toLowerCase());
                        assertThat(row.getString("fulfillment_status")).isEqualTo(order.fulfillmentStatus().toLowerCase());
                        assertThat(row.getString("currency")).isEqualTo(order.currency());
                        assertThat(row.getBigDecimal("total_price")).isEqualByComparingTo(order.totalPrice());
                        assertThat(row.getBigDecimal("subtotal_price")).isEqualByComparingTo(order.subtotalPrice());
                        assertThat(row.getBigDecimal("total_tax")).isEqualByComparingTo(order.totalTax());
                        assertThat(row.getBigDecimal("total_discounts")).isEqualByComparingTo(order.totalDiscounts());
                        assertThat(List.of((String[]) row.getArray("tags").getArray())).isEqualTo(order.tags());
                        assertThat(row.getString("cancel_reason"))
                                .isEqualTo(order.cancelReason() == null ? null : order.cancelReason().toLowerCase());
                        assertThat(row.getTimestamp("shopify_created_at").toInstant()).isEqualTo(order.createdAt());
                        assertThat(row.getTimestamp("processed_at").toInstant()).isEqualTo(order.processedAt());
                        assertThat(instant(row.getTimestamp("cancelled_at"))).isEqualTo(order.cancelledAt());
                    }
                }
                try (PreparedStatement statement = connection.prepareStatement("SELECT shopify_id, sku, quantity, price, title, "
                        + "product_id FROM order_line_items WHERE shop_domain = ? AND order_shopify_id = ? ORDER BY shopify_id")) {
                    statement.setString(1, SHOP);
                    statement.setLong(2, order.id());
                    try (ResultSet row = statement.executeQuery()) {
                        for (StoreData.LineItem item : order.lineItems()) {
                            assertThat(row.next()).isTrue();
                            assertThat(row.getLong("shopify_id")).isEqualTo(item.id());
                            assertThat(row.getString("sku")).isEqualTo(item.sku());
                            assertThat(row.getInt("quantity")).isEqualTo(item.quantity());
                            assertThat(row.getBigDecimal("price")).isEqualByComparingTo(item.price());
                            assertThat(row.getString("title")).isEqualTo(item.title());
                            assertThat(row.getLong("product_id")).isEqualTo(item.productId());
                        }
                        assertThat(row.next()).isFalse();
                    }
                }
            }
        }
    }

    private static Instant instant(java.sql.Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
