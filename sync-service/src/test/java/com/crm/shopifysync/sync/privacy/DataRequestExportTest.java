package com.crm.shopifysync.sync.privacy;

import static com.crm.shopifysync.sync.webhook.WebhookRecords.delivery;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.record;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.sync.webhook.WebhookRecords;
import com.crm.shopifysync.testing.Fixtures;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * customers/data_request as the merchant answers it: the shop's requests listed with their 30-day deadline, and the export
 * holding exactly what the CRM stores about the customer. The customer and orders are Shopify's documented webhook
 * payloads, applied through Kafka as in production; the request is the row the webhook consumer writes.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class DataRequestExportTest {

    static final String TOKEN = "test-api-token";
    // the ids of Shopify's documented customers/data_request payload
    static final long CUSTOMER = 191167;
    static final long SHOPIFY_REQUEST = 9999;
    static final List<Long> ORDERS_REQUESTED = List.of(299938L, 280263L, 220458L);
    static final long GUEST_ORDER = 220458;
    static final long OTHER_CUSTOMER = 555;
    static final long OTHER_CUSTOMERS_ORDER = 777001;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    WebhookRecords kafka;
    String shop;
    String otherShop;

    @BeforeEach
    void setUp() {
        kafka = new WebhookRecords(bootstrapServers);
        String run = UUID.randomUUID().toString().substring(0, 8);
        shop = "privacy-" + run + ".myshopify.com";
        otherShop = "other-" + run + ".myshopify.com";
    }

    @AfterEach
    void tearDown() {
        kafka.close();
    }

    @Test
    void theExportHoldsTheCustomerTheirOrdersAndTheDeadLettersAboutThemAndNothingElse() throws SQLException {
        storeTheCustomerWithThreeOrdersAndAnotherCustomersOrder();
        PostgresTestResource.execute("UPDATE customers SET crm_notes = 'Called about a refund', crm_owner = 'sam', "
                + "crm_updated_at = now() WHERE shop_domain = '" + shop + "' AND shopify_id = " + CUSTOMER);
        PostgresTestResource.execute("UPDATE orders SET crm_notes = 'Gift wrap', crm_tags = '{gift}', crm_updated_at = now() "
                + "WHERE shop_domain = '" + shop + "' AND shopify_id = 299938");
        long aboutAnOrder = deadLetter(shop, "orders/updated", "{\"id\": 280263, \"customer\": {\"id\": " + CUSTOMER + "}}");
        long aboutTheGuestOrder = deadLetter(shop, "orders/updated", "{\"id\": " + GUEST_ORDER + ", \"customer\": null}");
        long aboutTheCustomer = deadLetter(shop, "customers/update", "{\"id\": " + CUSTOMER + ", \"email\": \"new@example.com\"}");
        long malformed = deadLetter(shop, "customers/update", "{\"id\": " + CUSTOMER + ", \"email\": ");
        long unrelated = deadLetter(shop, "orders/updated", "{\"id\": " + OTHER_CUSTOMERS_ORDER + ", \"customer\": {\"id\": "
                + OTHER_CUSTOMER + "}}");
        long ofAnotherShop = deadLetter(otherShop, "customers/update", "{\"id\": " + CUSTOMER + "}");
        long request = dataRequest(shop, SHOPIFY_REQUEST, CUSTOMER, ORDERS_REQUESTED, "2026-03-01T10:00:00Z");

        Response response = given().auth().oauth2(TOKEN).get(base(shop) + "/" + request);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.header("Content-Disposition"))
                .isEqualTo("attachment; filename=\"data-request-9999-customer-191167.json\"");
        assertThat(response.contentType()).startsWith("application/json");
        JsonPath export = response.jsonPath();
        assertThat(export.getString("request.id")).isEqualTo(String.valueOf(request));
        assertThat(export.getString("request.dueBy")).isNotNull();

        assertThat(export.getMap("customer")).as("the customer as the customer API shows them, CRM fields included")
                .isEqualTo(api("/customers/" + CUSTOMER).getMap("$"));
        assertThat(export.getString("customer.email")).isEqualTo("bob@biller.com");
        assertThat(export.getString("customer.crm.notes")).isEqualTo("Called about a refund");
        assertThat(export.getString("customer.shopifyPayload.note")).isEqualTo("This customer loves ice cream");

        assertThat(export.getList("orders.id", String.class)).as("the customer's orders and the guest order Shopify named")
                .containsExactlyInAnyOrder("299938", "280263", String.valueOf(GUEST_ORDER));
        for (long order : ORDERS_REQUESTED) {
            Map<String, Object> exported = export.getMap("orders.find { it.id == '" + order + "' }");
            assertThat(exported).as("order %d as the order API shows it", order).isEqualTo(api("/orders/" + order).getMap("$"));
            assertThat((List<?>) exported.get("lineItems")).as("order %d's line items", order).hasSize(5);
        }
        assertThat(export.getString("orders.find { it.id == '299938' }.crm.notes")).isEqualTo("Gift wrap");
        assertThat(export.getList("orders.find { it.id == '299938' }.crm.tags", String.class)).containsExactly("gift");

        assertThat(export.getList("deadLetters.id", String.class))
                .containsExactlyInAnyOrder(String.valueOf(aboutAnOrder), String.valueOf(aboutTheGuestOrder), String.valueOf(aboutTheCustomer))
                .doesNotContain(String.valueOf(malformed), String.valueOf(unrelated), String.valueOf(ofAnotherShop));
        String anOrders = "deadLetters.find { it.id == '" + aboutAnOrder + "' }";
        assertThat(export.getString(anOrders + ".topic")).isEqualTo("orders/updated");
        assertThat(export.getString(anOrders + ".reason")).isEqualTo("test failure");
        assertThat(export.getString(anOrders + ".state")).isEqualTo("dead");
        assertThat(export.getLong(anOrders + ".payload.id")).as("a JSON payload is exported as JSON").isEqualTo(280263);
        assertThat(export.getString(anOrders + ".firstFailedAt")).isNotNull();
    }

    @Test
    void theListShowsEachRequestNewestFirstWithItsDeadline() throws SQLException {
        long older = dataRequest(shop, 1001, OTHER_CUSTOMER, List.of(), "2026-02-01T08:00:00Z");
        long newer = dataRequest(shop, SHOPIFY_REQUEST, CUSTOMER, ORDERS_REQUESTED, "2026-03-01T10:00:00Z");
        dataRequest(otherShop, 1002, CUSTOMER, List.of(), "2026-03-02T10:00:00Z");

        // the shop as the merchant may type it: the API normalizes it as every other edge does
        JsonPath list = given().auth().oauth2(TOKEN).get(base(shop.toUpperCase(Locale.ROOT))).then().statusCode(200)
                .extract().jsonPath();

        assertThat(list.getList("id", String.class)).containsExactly(String.valueOf(newer), String.valueOf(older));
        assertThat(list.getString("[0].shopifyRequestId")).isEqualTo("9999");
        assertThat(list.getString("[0].customerId")).isEqualTo("191167");
        assertThat(list.getList("[0].ordersRequested", String.class)).containsExactly("299938", "280263", "220458");
        assertThat(OffsetDateTime.parse(list.getString("[0].requestedAt")).toInstant())
                .isEqualTo(OffsetDateTime.parse("2026-03-01T10:00:00Z").toInstant());
        assertThat(list.getString("[0].receivedAt")).isNotNull();
        assertThat(OffsetDateTime.parse(list.getString("[0].dueBy")).toInstant()).as("30 days after Shopify's request")
                .isEqualTo(OffsetDateTime.parse("2026-03-31T10:00:00Z").toInstant());
        assertThat(list.getList("[1].ordersRequested")).isEmpty();

        // a customer of whom nothing is stored: the export says so
        JsonPath nothingStored = given().auth().oauth2(TOKEN).get(base(shop) + "/" + older).then().statusCode(200)
                .extract().jsonPath();
        assertThat(nothingStored.getMap("customer")).isNull();
        assertThat(nothingStored.getList("orders")).isEmpty();
        assertThat(nothingStored.getList("deadLetters")).isEmpty();
    }

    @Test
    void anotherShopsRequestOrAnUnknownOneIsNotFoundAndTheApiNeedsTheToken() throws SQLException {
        long ours = dataRequest(shop, SHOPIFY_REQUEST, CUSTOMER, ORDERS_REQUESTED, "2026-03-01T10:00:00Z");
        long theirs = dataRequest(otherShop, SHOPIFY_REQUEST, CUSTOMER, ORDERS_REQUESTED, "2026-03-01T10:00:00Z");

        given().auth().oauth2(TOKEN).get(base(shop) + "/" + theirs).then().statusCode(404);
        given().auth().oauth2(TOKEN).get(base(otherShop) + "/" + ours).then().statusCode(404);
        given().auth().oauth2(TOKEN).get(base(shop) + "/" + (Math.max(ours, theirs) + 1000)).then().statusCode(404);
        given().get(base(shop) + "/" + ours).then().statusCode(401);
        given().get(base(shop)).then().statusCode(401);
    }

    /** The customer (Shopify's customers/create sample), two of their orders, a guest order, another customer's order. */
    private void storeTheCustomerWithThreeOrdersAndAnotherCustomersOrder() {
        ObjectNode customer = (ObjectNode) Fixtures.webhookJson("customers/create");
        customer.put("id", CUSTOMER).put("admin_graphql_api_id", "gid://shopify/Customer/" + CUSTOMER);
        kafka.send(record(delivery("customers/create", shop), customer.toString()),
                record(delivery("orders/create", shop), order(299938, CUSTOMER, "2026-01-05T10:00:00Z")),
                record(delivery("orders/create", shop), order(280263, CUSTOMER, "2026-01-06T10:00:00Z")),
                record(delivery("orders/create", shop), order(GUEST_ORDER, null, "2026-01-07T10:00:00Z")),
                record(delivery("orders/create", shop), order(OTHER_CUSTOMERS_ORDER, OTHER_CUSTOMER, "2026-01-08T10:00:00Z")));
        await().atMost(Duration.ofSeconds(30)).until(() -> status("/customers/" + CUSTOMER) == 200
                && ORDERS_REQUESTED.stream().allMatch(order -> status("/orders/" + order) == 200)
                && status("/orders/" + OTHER_CUSTOMERS_ORDER) == 200);
    }

    /** Shopify's orders/create sample as this order: of this customer, or a guest's ({@code customer} null). */
    private static String order(long id, Long customer, String createdAt) {
        ObjectNode order = (ObjectNode) Fixtures.webhookJson("orders/create");
        order.put("id", id).put("admin_graphql_api_id", "gid://shopify/Order/" + id).put("created_at", createdAt)
                .put("updated_at", createdAt);
        if (customer == null) {
            order.putNull("customer");
        } else {
            ((ObjectNode) order.get("customer")).put("id", customer).put("admin_graphql_api_id", "gid://shopify/Customer/" + customer);
        }
        return order.toString();
    }

    /** A dead letter as the recorder leaves it; the payload is stored as bytes, whether it is JSON or not. */
    private static long deadLetter(String shopDomain, String topic, String payload) throws SQLException {
        String key = UUID.randomUUID().toString();
        PostgresTestResource.execute("INSERT INTO dead_letters (shop_domain, topic, deduplication_key, payload, delivery_headers, "
                + "reason, attempts, dead_letter_position, first_failed_at, last_failed_at) VALUES ('" + shopDomain + "', '" + topic
                + "', '" + key + "', convert_to('" + payload.replace("'", "''") + "', 'UTF8'), '{}', 'test failure', 1, 'dlq@" + key
                + "', now() - interval '1 hour', now())");
        return PostgresTestResource.count("SELECT id FROM dead_letters WHERE deduplication_key = '" + key + "'");
    }

    /** The row the webhook consumer writes for a customers/data_request. */
    private static long dataRequest(String shopDomain, long shopifyRequestId, long customer, List<Long> orders, String requestedAt)
            throws SQLException {
        String ordersArray = orders.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "{", "}"));
        PostgresTestResource.execute("INSERT INTO data_requests (shop_domain, shopify_request_id, customer_id, orders_requested, "
                + "requested_at) VALUES ('" + shopDomain + "', " + shopifyRequestId + ", " + customer + ", '" + ordersArray + "', '"
                + requestedAt + "')");
        return PostgresTestResource.count("SELECT id FROM data_requests WHERE shop_domain = '" + shopDomain
                + "' AND shopify_request_id = " + shopifyRequestId);
    }

    private String base(String shopDomain) {
        return "/api/shops/" + shopDomain + "/data-requests";
    }

    private JsonPath api(String path) {
        return given().auth().oauth2(TOKEN).get("/api/shops/" + shop + path).then().statusCode(200).extract().jsonPath();
    }

    private int status(String path) {
        return given().auth().oauth2(TOKEN).get("/api/shops/" + shop + path).statusCode();
    }
}
