package com.crm.shopifysync.sync.webhook;

import static com.crm.shopifysync.sync.webhook.WebhookRecords.customerJson;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.delivery;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.orderJson;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.record;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.redelivery;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.WebhookDelivery;
import com.crm.shopifysync.sync.Metrics;
import com.crm.shopifysync.sync.shopify.ShopifyPayload;
import com.crm.shopifysync.testing.Fixtures;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook records on the real broker, applied by the running service to the real database, read back through the API. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class WebhookApplyTest {

    static final String TOKEN = "test-api-token";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    WebhookRecords kafka;
    String shop;

    @BeforeEach
    void setUp() {
        kafka = new WebhookRecords(bootstrapServers);
        shop = "shop-" + UUID.randomUUID().toString().substring(0, 8) + ".myshopify.com";
    }

    @AfterEach
    void tearDown() {
        kafka.close();
    }

    static JsonPath api(String path) {
        return given().auth().oauth2(TOKEN).when().get(path).then().statusCode(200).extract().jsonPath();
    }

    static int status(String path) {
        return given().auth().oauth2(TOKEN).when().get(path).statusCode();
    }

    JsonPath awaitCustomer(long id) {
        await().atMost(Duration.ofSeconds(20)).until(() -> status("/api/shops/" + shop + "/customers/" + id) == 200);
        return api("/api/shops/" + shop + "/customers/" + id);
    }

    @Test
    void everyDocumentedTopicLandsInTheDatabase() {
        kafka.send(record(delivery("customers/create", shop), Fixtures.webhook("customers/create")),
                record(delivery("orders/create", shop), Fixtures.webhook("orders/create")));

        JsonPath customer = awaitCustomer(706405506930370084L);
        assertThat(customer.getString("email")).isEqualTo("bob@biller.com");
        assertThat(customer.getString("adminGraphqlApiId")).isEqualTo("gid://shopify/Customer/706405506930370084");
        assertThat(customer.getString("defaultAddress.city")).isEqualTo("Ottawa");
        assertThat(customer.getString("shopifyPayload.note")).isEqualTo("This customer loves ice cream");
        await().atMost(Duration.ofSeconds(20)).until(() -> status("/api/shops/" + shop + "/orders/820982911946154508") == 200);
        JsonPath order = api("/api/shops/" + shop + "/orders/820982911946154508");
        assertThat(order.getString("name")).isEqualTo("#9999");
        assertThat(order.getString("customerId")).isEqualTo("115310627314723954");
        assertThat(order.getString("totalPrice")).isEqualTo("404.95");
        assertThat(order.getList("lineItems.sku")).containsExactlyInAnyOrder("SKU2006-001", "LENS-PROTECT-2YR",
                "CASE-LEATHER-PREM", "SKU2006-020", "SKU2006-035");

        // the documented update payloads are identical to the create ones: applied as the same rows, nothing duplicated
        kafka.send(record(delivery("customers/update", shop), Fixtures.webhook("customers/update")),
                record(delivery("orders/updated", shop), Fixtures.webhook("orders/updated")),
                record(delivery("customers/delete", shop), Fixtures.webhook("customers/delete")));

        await().atMost(Duration.ofSeconds(20)).until(() ->
                api("/api/shops/" + shop + "/customers/706405506930370084").getBoolean("deleted"));
        assertThat(api("/api/shops/" + shop + "/customers?includeDeleted=true").getInt("total")).isEqualTo(1);
        assertThat(api("/api/shops/" + shop + "/orders").getInt("total")).isEqualTo(1);
        assertThat(api("/api/shops/" + shop + "/orders").getList("items[0].lineItems")).hasSize(5);
    }

    @Test
    void everyAppliedWebhookIsTimedFromTheGatewaysReceiptToItsRow() {
        double timed = Metrics.sum("sync_webhook_latency_seconds_count");
        // received by the gateway 3 s ago (its header), applied now
        WebhookDelivery late = new WebhookDelivery("customers/create", shop, UUID.randomUUID().toString(), Optional.empty(),
                Optional.empty(), Optional.of("2026-07"), Instant.now().minusSeconds(3));
        kafka.send(record(late, customerJson(77, "timed@example.com", "2026-01-01T00:00:00Z")));
        awaitCustomer(77);

        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.sum("sync_webhook_latency_seconds_count") > timed);
        assertThat(Metrics.sum("sync_webhook_latency_seconds_max")).as("seconds from receipt to row")
                .isGreaterThanOrEqualTo(3.0).isLessThan(60.0);
        assertThat(Metrics.sum("sync_webhook_latency_seconds_bucket{le=\"+Inf\"}"))
                .as("a histogram, for percentiles across replicas").isGreaterThan(timed);
    }

    @Test
    void anOlderUpdateNeverOverwritesANewerOneWhateverTheUtcOffsets() {
        // 10:00-05:00 is 15:00Z, later than 14:00+00:00, although its string sorts first
        String newer = customerJson(42, "new@example.com", "2026-01-01T10:00:00-05:00");
        String older = customerJson(42, "old@example.com", "2026-01-01T14:00:00+00:00");
        String oldest = customerJson(42, "oldest@example.com", "2026-01-01T23:00:00+09:00");

        kafka.send(record(delivery("customers/update", shop), newer), record(delivery("customers/update", shop), older),
                record(delivery("customers/create", shop), oldest));
        String marker = customerJson(43, "marker@example.com", "2026-01-01T00:00:00Z");
        kafka.send(record(delivery("customers/create", shop), marker));
        awaitCustomer(43);
        awaitAllApplied(4);

        assertThat(awaitCustomer(42).getString("email")).isEqualTo("new@example.com");
        assertThat(awaitCustomer(42).getString("updatedAt")).isEqualTo("2026-01-01T15:00:00Z");
    }

    @Test
    void aTieOnUpdatedAtEndsTheSameWayWhicheverArrivesFirst() {
        String first = customerJson(50, "a@example.com", "2026-03-01T10:00:00Z");
        String second = customerJson(50, "b@example.com", "2026-03-01T11:00:00+01:00");
        String otherShop = shop.replace("shop-", "twin-");

        kafka.send(record(delivery("customers/update", shop), first), record(delivery("customers/update", shop), second));
        kafka.send(record(delivery("customers/update", otherShop), second), record(delivery("customers/update", otherShop), first));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(processedEvents(shop)).isEqualTo(2);
            assertThat(processedEvents(otherShop)).isEqualTo(2);
        });
        assertThat(api("/api/shops/" + otherShop + "/customers/50").getString("email"))
                .isEqualTo(api("/api/shops/" + shop + "/customers/50").getString("email"));
    }

    @Test
    void twoVersionsOfOneSecondAreDecidedByWhenShopifyTriggeredThemNotByTheirHash() {
        // Shopify's updated_at has whole seconds: two edits within one second carry the same one
        String a = customerJson(60, "a@example.com", "2026-04-01T10:00:00Z");
        String b = customerJson(60, "b@example.com", "2026-04-01T10:00:00Z");
        // the older edit is the one whose payload hash is greater: a hash tie-break would keep it for good
        boolean aHashesGreater = ShopifyPayload.of(a.getBytes(StandardCharsets.UTF_8)).sha256()
                .compareTo(ShopifyPayload.of(b.getBytes(StandardCharsets.UTF_8)).sha256()) > 0;
        String older = aHashesGreater ? a : b;
        String newer = aHashesGreater ? b : a;
        String newerEmail = aHashesGreater ? "b@example.com" : "a@example.com";
        String otherShop = shop.replace("shop-", "late-");

        // in order on one shop, the newer first (the older one is a late delivery) on the other
        kafka.send(record(delivery("customers/update", shop, Instant.parse("2026-04-01T10:00:00.100Z")), older),
                record(delivery("customers/update", shop, Instant.parse("2026-04-01T10:00:00.700Z")), newer));
        kafka.send(record(delivery("customers/update", otherShop, Instant.parse("2026-04-01T10:00:00.700Z")), newer));
        await().atMost(Duration.ofSeconds(20)).until(() -> processedEvents(otherShop) == 1);
        kafka.send(record(delivery("customers/update", otherShop, Instant.parse("2026-04-01T10:00:00.100Z")), older));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(processedEvents(shop)).isEqualTo(2);
            assertThat(processedEvents(otherShop)).isEqualTo(2);
        });
        assertThat(api("/api/shops/" + shop + "/customers/60").getString("email")).isEqualTo(newerEmail);
        assertThat(api("/api/shops/" + otherShop + "/customers/60").getString("email")).isEqualTo(newerEmail);
    }

    @Test
    void aGroupTopicChangesOnlyTheFieldsItCarries() {
        long id = 70;
        String summary = "{\"customerId\":\"gid://shopify/Customer/70\",\"numberOfOrders\":4,"
                + "\"amountSpent\":{\"amount\":\"120.50\",\"currencyCode\":\"EUR\"},\"occurredAt\":\"2026-05-01T10:00:00Z\"}";
        String countOnly = "{\"customerId\":\"gid://shopify/Customer/70\",\"numberOfOrders\":5,\"occurredAt\":\"2026-05-01T11:00:00Z\"}";
        kafka.send(record(delivery("customers/purchasing_summary", shop), summary));
        await().atMost(Duration.ofSeconds(20)).until(() -> processedEvents(shop) == 1);
        kafka.send(record(delivery("customers/purchasing_summary", shop), countOnly));
        await().atMost(Duration.ofSeconds(20)).until(() -> processedEvents(shop) == 2);

        JsonPath customer = awaitCustomer(id);
        assertThat(customer.getInt("ordersCount")).isEqualTo(5);
        assertThat(new java.math.BigDecimal(customer.getString("totalSpent"))).as("not carried by the second summary")
                .isEqualByComparingTo("120.50");
    }

    @Test
    void aTripleDeliveryHasOneEffect() throws SQLException {
        WebhookDelivery original = delivery("customers/update", shop);
        String body = customerJson(7, "once@example.com", "2026-02-01T00:00:00Z");
        kafka.send(record(original, body));
        String firstSync = awaitCustomer(7).getString("lastSyncedAt");

        kafka.send(record(redelivery(original), body), record(redelivery(original), body));
        kafka.send(record(delivery("customers/create", shop), customerJson(8, "marker@example.com", "2026-02-01T00:00:00Z")));
        awaitCustomer(8);

        assertThat(processedEvents(shop)).isEqualTo(2);
        assertThat(awaitCustomer(7).getString("lastSyncedAt")).isEqualTo(firstSync);
        assertThat(api("/api/shops/" + shop + "/customers").getInt("total")).isEqualTo(2);
    }

    @Test
    void anOrderMayArriveBeforeItsCustomer() {
        kafka.send(record(delivery("orders/create", shop), orderJson(900, 77, "pending", "2026-01-01T00:00:00Z")));
        await().atMost(Duration.ofSeconds(20)).until(() -> status("/api/shops/" + shop + "/orders/900") == 200);
        assertThat(status("/api/shops/" + shop + "/customers/77")).isEqualTo(404);

        kafka.send(record(delivery("customers/create", shop), customerJson(77, "late@example.com", "2026-01-01T00:00:00Z")));

        assertThat(awaitCustomer(77).getString("email")).isEqualTo("late@example.com");
        JsonPath order = api("/api/shops/" + shop + "/orders/900");
        assertThat(order.getString("customerId")).isEqualTo("77");
        assertThat(order.getList("lineItems")).hasSize(1);
    }

    @Test
    void aNewerOrderVersionReplacesItsLineItems() {
        String original = orderJson(901, 1, "pending", "2026-01-01T00:00:00Z");
        String edited = orderJson(901, 1, "paid", "2026-01-02T00:00:00Z")
                .replace("\"title\": \"Mug\"", "\"title\": \"Big mug\"");
        kafka.send(record(delivery("orders/create", shop), original), record(delivery("orders/updated", shop), edited));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(status("/api/shops/" + shop + "/orders/901")).isEqualTo(200));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonPath order = api("/api/shops/" + shop + "/orders/901");
            assertThat(order.getString("financialStatus")).isEqualTo("paid");
            assertThat(order.getList("lineItems.title")).containsExactly("Big mug");
        });
    }

    @Test
    void aDeletedCustomerIsHiddenFromTheActiveListButKept() {
        kafka.send(record(delivery("customers/create", shop), customerJson(60, "stay@example.com", "2026-01-01T00:00:00Z")),
                record(delivery("customers/create", shop), customerJson(61, "gone@example.com", "2026-01-01T00:00:00Z")),
                record(delivery("customers/delete", shop), "{\"id\":61,\"admin_graphql_api_id\":\"gid://shopify/Customer/61\"}"));

        await().atMost(Duration.ofSeconds(20)).until(() -> status("/api/shops/" + shop + "/customers/61") == 200
                && api("/api/shops/" + shop + "/customers/61").getBoolean("deleted"));

        JsonPath active = api("/api/shops/" + shop + "/customers");
        assertThat(active.getList("items.id")).containsExactly("60");
        assertThat(active.getInt("total")).isEqualTo(1);
        assertThat(api("/api/shops/" + shop + "/customers?includeDeleted=true").getList("items.id")).containsExactly("60", "61");
        assertThat(api("/api/shops/" + shop + "/customers/61").getString("email")).isEqualTo("gone@example.com");
    }

    @Test
    void aDeleteThatOvertakesTheCustomerStillHidesIt() {
        kafka.send(record(delivery("customers/delete", shop), "{\"id\":62,\"admin_graphql_api_id\":\"gid://shopify/Customer/62\"}"),
                record(delivery("customers/create", shop), customerJson(62, "ghost@example.com", "2026-01-01T00:00:00Z")));

        await().atMost(Duration.ofSeconds(20)).until(() -> status("/api/shops/" + shop + "/customers/62") == 200
                && "ghost@example.com".equals(api("/api/shops/" + shop + "/customers/62").getString("email")));

        assertThat(api("/api/shops/" + shop + "/customers/62").getBoolean("deleted")).isTrue();
        assertThat(api("/api/shops/" + shop + "/customers").getInt("total")).isZero();
    }

    @Test
    void aSyncNeverTouchesCrmOwnedFields() throws SQLException {
        kafka.send(record(delivery("customers/create", shop), customerJson(70, "before@example.com", "2026-01-01T00:00:00Z")));
        awaitCustomer(70);
        PostgresTestResource.execute("UPDATE customers SET crm_notes = 'called 3x', crm_tags = '{churn-risk}', crm_owner = 'maria' "
                + "WHERE shop_domain = '" + shop + "' AND shopify_id = 70");

        kafka.send(record(delivery("customers/update", shop), customerJson(70, "after@example.com", "2026-01-02T00:00:00Z")));

        await().atMost(Duration.ofSeconds(20)).until(() -> "after@example.com".equals(awaitCustomer(70).getString("email")));
        JsonPath customer = awaitCustomer(70);
        assertThat(customer.getString("crm.notes")).isEqualTo("called 3x");
        assertThat(customer.getList("crm.tags")).containsExactly("churn-risk");
        assertThat(customer.getString("crm.owner")).isEqualTo("maria");
    }

    @Test
    void aMalformedEventIsDeadLetteredAndDoesNotHoldUpItsPartition() {
        ConsumerTask<String, byte[]> deadLetters = kafka.deadLetters();
        WebhookDelivery malformed = delivery("customers/update", shop);
        WebhookDelivery unknownTopic = delivery("products/update", shop);
        // same resource id, so the same key and partition as the malformed one
        kafka.send(record(malformed, "{\"id\": 80, \"email\": "),
                record(unknownTopic, "{\"id\": 80}"),
                record(delivery("customers/update", shop), customerJson(80, "fine@example.com", "2026-01-01T00:00:00Z")));

        assertThat(awaitCustomer(80).getString("email")).isEqualTo("fine@example.com");
        await().atMost(Duration.ofSeconds(20)).until(() -> deadLetter(deadLetters, malformed.webhookId()) != null
                && deadLetter(deadLetters, unknownTopic.webhookId()) != null);
        ConsumerRecord<String, byte[]> dead = deadLetter(deadLetters, malformed.webhookId());
        assertThat(new String(dead.value())).isEqualTo("{\"id\": 80, \"email\": ");
        assertThat(KafkaCompanion.getHeader(dead.headers(), "dead-letter-reason")).startsWith("malformed JSON");
        assertThat(KafkaCompanion.getHeader(deadLetter(deadLetters, unknownTopic.webhookId()).headers(), "dead-letter-reason"))
                .isEqualTo("unsupported topic products/update");
        deadLetters.close();
    }

    @Test
    void anEventTheDatabaseRejectsIsDeadLetteredAloneAndItsNeighboursAreApplied() {
        ConsumerTask<String, byte[]> deadLetters = kafka.deadLetters();
        WebhookDelivery overflowing = delivery("orders/create", shop);
        // decodes fine, but PostgreSQL refuses the quantity (integer out of range) inside the shared transaction
        String body = orderJson(910, 1, "paid", "2026-01-01T00:00:00Z").replace("\"quantity\": 2", "\"quantity\": 9999999999");
        kafka.send(record(delivery("customers/create", shop), customerJson(91, "before@example.com", "2026-01-01T00:00:00Z")),
                record(overflowing, body),
                record(delivery("customers/create", shop), customerJson(92, "after@example.com", "2026-01-01T00:00:00Z")));

        assertThat(awaitCustomer(91).getString("email")).isEqualTo("before@example.com");
        assertThat(awaitCustomer(92).getString("email")).isEqualTo("after@example.com");
        await().atMost(Duration.ofSeconds(20)).until(() -> deadLetter(deadLetters, overflowing.webhookId()) != null);
        assertThat(KafkaCompanion.getHeader(deadLetter(deadLetters, overflowing.webhookId()).headers(), "dead-letter-reason"))
                .contains("out of range");
        assertThat(status("/api/shops/" + shop + "/orders/910")).isEqualTo(404);
        deadLetters.close();
    }

    @Test
    void theApiNeedsABearerToken() {
        given().when().get("/api/shops/" + shop + "/customers").then().statusCode(401).header("WWW-Authenticate", "Bearer");
        given().auth().oauth2("wrong").when().get("/api/shops/" + shop + "/customers").then().statusCode(401);
        given().auth().oauth2(TOKEN).when().get("/api/shops/" + shop + "/customers").then().statusCode(200);
        given().auth().oauth2(TOKEN).when().get("/api/shops/" + shop + "/customers?size=1000").then().statusCode(400);
        given().auth().oauth2(TOKEN).when().get("/api/shops/" + shop + "/customers/123").then().statusCode(404);
    }

    static long processedEvents(String shop) throws SQLException {
        return PostgresTestResource.count("SELECT count(*) FROM processed_webhooks WHERE shop_domain = '" + shop + "'");
    }

    @Test
    void customerListsArePaged() {
        for (long id = 100; id < 105; id++) {
            kafka.send(record(delivery("customers/create", shop), customerJson(id, id + "@example.com", "2026-01-01T00:00:00Z")));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> api("/api/shops/" + shop + "/customers").getInt("total") == 5);

        JsonPath second = api("/api/shops/" + shop + "/customers?page=1&size=2");
        assertThat(second.getList("items.id")).containsExactly("102", "103");
        assertThat(second.getInt("total")).isEqualTo(5);
    }

    private static ConsumerRecord<String, byte[]> deadLetter(ConsumerTask<String, byte[]> deadLetters, String webhookId) {
        List<ConsumerRecord<String, byte[]>> records = deadLetters.getRecords();
        return records.stream().filter(r -> webhookId.equals(KafkaCompanion.getHeader(r.headers(), "shopify-webhook-id")))
                .findFirst().orElse(null);
    }

    private void awaitAllApplied(int events) {
        await().atMost(Duration.ofSeconds(20)).until(() -> processedEvents(shop) >= events);
    }

}
