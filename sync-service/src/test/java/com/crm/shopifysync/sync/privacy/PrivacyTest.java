package com.crm.shopifysync.sync.privacy;

import static com.crm.shopifysync.sync.bulk.ShopAssertions.TOKEN;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.awaitEnded;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.postSyncNow;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.status;
import static com.crm.shopifysync.sync.bulk.ShopAssertions.syncNow;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.WebhookDelivery;
import com.crm.shopifysync.simulator.Faults;
import com.crm.shopifysync.simulator.SimulatedShop;
import com.crm.shopifysync.simulator.StoreData;
import com.crm.shopifysync.sync.Metrics;
import com.crm.shopifysync.sync.bulk.SyncRunStore;
import com.crm.shopifysync.sync.shop.ShopDirectory;
import com.crm.shopifysync.sync.webhook.WebhookRecords;
import com.crm.shopifysync.testing.Fixtures;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.MerchantBrowser;
import com.crm.shopifysync.testing.PostgresTestResource;
import com.crm.shopifysync.testing.ShopifySimulatorTestResource;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The app's lifecycle and Shopify's compliance topics, through Kafka as the gateway publishes them, against the simulator
 * and the real database: a redacted customer is gone from every row (a dump of the whole database proves it) while the
 * shop's totals stay; an uninstall stops a running sync cleanly and a reconnection catches up; a shop erasure leaves no
 * row of the shop in any table of the catalogue.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = ShopifySimulatorTestResource.class, initArgs = {
        @ResourceArg(name = "shop", value = PrivacyTest.CONFIGURED),
        @ResourceArg(name = "customers", value = "60"),
        @ResourceArg(name = "orders", value = "200"),
        @ResourceArg(name = "connectable", value = PrivacyTest.INSTALLED)})
class PrivacyTest {

    static final String CONFIGURED = "privacy-configured.myshopify.com";
    static final String INSTALLED = "privacy-installed.myshopify.com";
    private static final ObjectMapper JSON = new ObjectMapper();

    final MerchantBrowser browser = new MerchantBrowser();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    SyncRunStore runs;

    /** The redacted customer's personal data as it was before (unique in the shop), and its customers/update. */
    static StoreData.Customer redacted;
    static List<String> personal;
    static byte[] oldUpdate;

    static SimulatedShop configured() {
        return ShopifySimulatorTestResource.shop(CONFIGURED);
    }

    @Test
    @Order(1)
    void aCustomerRedactionErasesThePersonEverywhereKeepsTheTotalsAndOutlivesLateWebhooks() throws Exception {
        await().atMost(Duration.ofMinutes(2)).until(() -> count("SELECT count(*) FROM sync_runs WHERE shop_domain = '" + CONFIGURED
                + "' AND state = 'succeeded'") > 0);
        StoreData.Customer chosen = aCustomerWithUniqueContactDetailsAndOrders();
        List<Long> orders = configured().visibleOrders().stream().filter(order -> Objects.equals(order.customerId(), chosen.id()))
                .map(StoreData.Order::id).toList();
        // Names no other customer has, so the dump can be searched for them.
        String first = "Zebulon" + chosen.id();
        String last = "Quackenbush" + chosen.id();
        String email = "zq." + chosen.id() + "@privacy.example.com";
        SimulatedShop.Webhooks update = configured().updateCustomer(chosen.id(), first, last, email, "Met at the fair", List.of("vip"))
                .orElseThrow();
        oldUpdate = update.first().body();
        redacted = chosen;
        personal = List.of(first, last, email, chosen.email(), chosen.phone(), chosen.defaultAddress().address1());
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            kafka.send(WebhookRecords.record(WebhookRecords.delivery("customers/update", CONFIGURED, update.first().triggeredAt()), oldUpdate));
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM customers WHERE shop_domain = '" + CONFIGURED
                    + "' AND shopify_id = " + chosen.id() + " AND email = '" + email + "'") == 1);
            PostgresTestResource.execute("UPDATE customers SET crm_notes = 'Call " + first + " back', crm_tags = '{golf}' WHERE shop_domain = '"
                    + CONFIGURED + "' AND shopify_id = " + chosen.id());
            // Events about the person that could not be applied: one not even JSON, one unmappable, one of a consent topic
            // (REST shape: customer_id); and two about others that merely look alike: one not JSON whose id begins with
            // theirs, and another customer's order with a line item whose id is the customer's.
            kafka.send(WebhookRecords.record(WebhookRecords.delivery("customers/update", CONFIGURED),
                            "{\"id\": " + chosen.id() + ", \"email\": \"" + email + "\", \"first_name\": \"" + first),
                    WebhookRecords.record(WebhookRecords.delivery("customers/update", CONFIGURED),
                            "{\"id\": " + chosen.id() + ", \"first_name\": \"" + first + "\", \"updated_at\": \"yesterday\"}"),
                    WebhookRecords.record(WebhookRecords.delivery("customers_email_marketing_consent/update", CONFIGURED),
                            "{\"customer_id\": " + chosen.id() + ", \"email_address\": \"" + email + "\", \"note\": \"" + first + "\", "
                                    + "\"email_marketing_consent\": {\"state\": \"subscribed\", \"consent_updated_at\": \"soon\"}}"),
                    WebhookRecords.record(WebhookRecords.delivery("customers/update", CONFIGURED),
                            "{\"id\": " + chosen.id() + "0, \"first_name\": \"Other"),
                    WebhookRecords.record(WebhookRecords.delivery("orders/updated", CONFIGURED),
                            "{\"id\": 424242, \"customer\": {\"id\": 1}, \"line_items\": [{\"id\": " + chosen.id() + ", \"title\": \"Other\"}], "
                                    + "\"updated_at\": \"yesterday\"}"));
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM dead_letters WHERE shop_domain = '" + CONFIGURED
                    + "'") == 5);
            String before = PostgresTestResource.dumpData();
            assertThat(before).as("the person is in the database before").contains(personal);
            assertThat(before).as("and in the dead letters' bytes (bytea, dumped in hex)").contains(hex(first));
            Totals totals = totals(CONFIGURED);

            kafka.send(WebhookRecords.record(WebhookRecords.delivery("customers/redact", CONFIGURED),
                    compliance("customers/redact", CONFIGURED, configured().customer(chosen.id()).orElseThrow(), "orders_to_redact", orders)));
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM redacted_customers WHERE shop_domain = '"
                    + CONFIGURED + "' AND customer_id = " + chosen.id() + " AND orders_redacted = " + orders.size()) == 1);

            assertThat(leaks(PostgresTestResource.dumpData(), personal)).as("pg_dump --data-only after the redaction").isEmpty();
            assertThat(leaks(PostgresTestResource.dumpData(), List.of("Met at the fair", "Call " + first))).as("notes").isEmpty();
            assertThat(totals(CONFIGURED)).as("order counts and revenue").isEqualTo(totals);
            assertThat(rows("SELECT convert_from(payload, 'UTF8') FROM dead_letters WHERE shop_domain = '" + CONFIGURED + "' ORDER BY id"))
                    .as("only the dead letters about others are left").hasSize(2)
                    .allSatisfy(payload -> assertThat(payload).contains("Other"));
            JsonPath customer = given().auth().oauth2(TOKEN).get("/api/shops/" + CONFIGURED + "/customers/" + chosen.id()).then()
                    .statusCode(200).extract().jsonPath();
            assertThat(customer.getString("email")).isNull();
            assertThat(customer.getLong("ordersCount")).as("the tombstone keeps the counts").isEqualTo(orders.size());

            // Shopify retries the old customers/update (a new delivery of that event), and an order of theirs changes.
            kafka.send(WebhookRecords.record(WebhookRecords.redelivery(WebhookRecords.delivery("customers/update", CONFIGURED,
                    update.first().triggeredAt())), oldUpdate));
            String orderUpdate = new String(Fixtures.webhook("orders/updated"), java.nio.charset.StandardCharsets.UTF_8);
            ObjectNode order = (ObjectNode) JSON.readTree(orderUpdate);
            order.put("id", orders.get(0)).put("admin_graphql_api_id", "gid://shopify/Order/" + orders.get(0)).put("email", email)
                    .put("updated_at", Instant.now().toString());
            ((ObjectNode) order.get("customer")).put("id", chosen.id()).put("admin_graphql_api_id", "gid://shopify/Customer/" + chosen.id()).put("email", email).put("first_name", first);
            WebhookDelivery lateOrder = WebhookRecords.delivery("orders/updated", CONFIGURED);
            kafka.send(WebhookRecords.record(lateOrder, JSON.writeValueAsBytes(order)));
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM processed_webhooks WHERE shop_domain = '"
                    + CONFIGURED + "' AND deduplication_key = '" + lateOrder.deduplicationKey() + "'") == 1);
        }
        assertThat(leaks(PostgresTestResource.dumpData(), personal)).as("after late webhooks").isEmpty();
    }

    @Test
    @Order(2)
    void aDataRequestFromShopifyIsListedAndItsExportHoldsEveryOrderAsTheApiShowsIt() throws Exception {
        StoreData.Customer customer = configured().customerList().stream().filter(candidate -> candidate.id() != redacted.id()
                && candidate.email() != null && configured().visibleOrders().stream().filter(order -> Objects.equals(order.customerId(), candidate.id())).count() >= 2)
                .findFirst().orElseThrow();
        List<Long> orders = configured().visibleOrders().stream().filter(order -> Objects.equals(order.customerId(), customer.id()))
                .map(StoreData.Order::id).toList();
        byte[] request = compliance("customers/data_request", CONFIGURED, customer, "orders_requested", orders);
        long requestId = JSON.readTree(request).path("data_request").path("id").longValue();
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            kafka.send(WebhookRecords.record(WebhookRecords.delivery("customers/data_request", CONFIGURED), request));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(TOKEN).get("/api/shops/" + CONFIGURED + "/data-requests")
                .then().statusCode(200).extract().jsonPath().getList("shopifyRequestId", String.class).contains(String.valueOf(requestId)));
        JsonPath list = given().auth().oauth2(TOKEN).get("/api/shops/" + CONFIGURED + "/data-requests").then().extract().jsonPath();
        assertThat(list.getString("[0].customerId")).isEqualTo(String.valueOf(customer.id()));
        JsonPath export = given().auth().oauth2(TOKEN).get("/api/shops/" + CONFIGURED + "/data-requests/" + list.getString("[0].id"))
                .then().statusCode(200).extract().jsonPath();
        assertThat(export.getList("orders.id", String.class)).containsExactlyInAnyOrderElementsOf(orders.stream().map(String::valueOf).toList());
        for (String order : export.getList("orders.id", String.class)) {
            Map<String, Object> api = given().auth().oauth2(TOKEN).get("/api/shops/" + CONFIGURED + "/orders/" + order).then().statusCode(200)
                    .extract().jsonPath().getMap("$");
            assertThat(export.getMap("orders.find { it.id == '" + order + "' }")).as("order " + order).isEqualTo(api);
        }
        assertThat(export.getString("customer.email")).isEqualTo(customer.email());
    }

    @Test
    @Order(3)
    void anUninstallStopsTheRunningSyncCleanlyAndReconnectingCatchesUpIncrementally() throws Exception {
        connect();
        await().atMost(Duration.ofMinutes(2)).until(() -> count("SELECT count(*) FROM sync_runs WHERE shop_domain = '" + INSTALLED
                + "' AND state = 'succeeded'") > 0);
        SimulatedShop shop = ShopifySimulatorTestResource.shop(INSTALLED);
        shop.faults(Faults.NONE.withResponseDelay(500));
        String run;
        try {
            run = syncNow(INSTALLED, "full");
            await().atMost(Duration.ofSeconds(30)).until(() -> "running".equals(status(INSTALLED).getString("state")));
            try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
                kafka.send(WebhookRecords.record(WebhookRecords.delivery("app/uninstalled", INSTALLED, Instant.now()), uninstalled(INSTALLED)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> "disconnected".equals(status(INSTALLED).getString("state")));
        } finally {
            shop.faults(Faults.NONE);
        }
        JsonPath status = status(INSTALLED);
        assertThat(status.getString("connection")).isEqualTo("disconnected");
        assertThat(status.getString("disconnectedAt")).isNotNull();
        assertThat(status.getString("reason")).startsWith("Disconnected on");
        assertThat(count("SELECT count(*) FROM sync_runs WHERE id = '" + run + "' AND state = 'cancelled' AND lease_owner IS NULL"))
                .as("the run stopped, its lease released").isEqualTo(1);
        assertThat(count("SELECT count(*) FROM shop_credentials WHERE shop_domain = '" + INSTALLED + "'")).as("tokens").isZero();
        assertThat(count("SELECT count(*) FROM dead_letters WHERE shop_domain = '" + INSTALLED + "'")).as("dead letters").isZero();
        assertThat(postSyncNow(INSTALLED).statusCode()).as("Sync Now of a disconnected shop").isEqualTo(409);
        long customers = count("SELECT count(*) FROM customers WHERE shop_domain = '" + INSTALLED + "'");
        assertThat(customers).as("the data stays until shop/redact").isEqualTo(shop.customerList().size());

        connect();
        await().atMost(Duration.ofMinutes(1)).until(() -> count("SELECT count(*) FROM sync_runs WHERE shop_domain = '" + INSTALLED
                + "' AND trigger = 'catch-up' AND state = 'succeeded' AND mode = 'incremental'") == 1);
        assertThat(status(INSTALLED).getString("connection")).isEqualTo("connected");
        assertThat(count("SELECT count(*) FROM sync_runs WHERE id = '" + run + "' AND state = 'cancelled'"))
                .as("the cancelled run is never taken for a failure").isEqualTo(1);
        assertThat(count("SELECT count(*) FROM sync_runs WHERE shop_domain = '" + INSTALLED + "' AND state = 'failed'")).isZero();

        // An uninstall from before the reconnection (a late delivery) changes nothing.
        double uninstalls = applied("app/uninstalled");
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            kafka.send(WebhookRecords.record(WebhookRecords.delivery("app/uninstalled", INSTALLED, Instant.now().minus(Duration.ofMinutes(10))),
                    uninstalled(INSTALLED)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> applied("app/uninstalled") > uninstalls);
        assertThat(status(INSTALLED).getString("connection")).isEqualTo("connected");
        assertThat(count("SELECT count(*) FROM shop_credentials WHERE shop_domain = '" + INSTALLED + "'")).isEqualTo(1);
    }

    @Test
    @Order(4)
    void aShopErasureLeavesNoRowOfTheShopInAnyTableAndNothingOfItIsStoredAgain() throws Exception {
        Instant beforeReconnection = Instant.now().minus(Duration.ofMinutes(5));
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            // A shop/redact older than the shop's latest connection erases nothing: the merchant came back.
            double redactions = applied("shop/redact");
            kafka.send(WebhookRecords.record(WebhookRecords.delivery("shop/redact", INSTALLED, beforeReconnection), shopRedact(INSTALLED)));
            await().atMost(Duration.ofSeconds(30)).until(() -> applied("shop/redact") > redactions);
            assertThat(count("SELECT count(*) FROM erased_shops")).isZero();
            assertThat(count("SELECT count(*) FROM customers WHERE shop_domain = '" + INSTALLED + "'"))
                    .isEqualTo(ShopifySimulatorTestResource.shop(INSTALLED).customerList().size());

            List<String> runs = new ArrayList<>();
            try (Connection connection = PostgresTestResource.connect(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT id FROM sync_runs WHERE shop_domain = '" + INSTALLED + "'")) {
                while (rows.next()) {
                    runs.add(rows.getString(1));
                }
            }
            assertThat(runs).isNotEmpty();
            kafka.send(WebhookRecords.record(WebhookRecords.delivery("app/uninstalled", INSTALLED, Instant.now()), uninstalled(INSTALLED)));
            await().atMost(Duration.ofSeconds(30)).until(() -> "disconnected".equals(status(INSTALLED).getString("connection")));
            kafka.send(WebhookRecords.record(WebhookRecords.delivery("shop/redact", INSTALLED, Instant.now()), shopRedact(INSTALLED)));
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM erased_shops WHERE shop_domain = '" + INSTALLED + "'") == 1);
            assertNothingLeftOf(INSTALLED, runs);
            assertThat(count("SELECT count(*) FROM customers WHERE shop_domain = '" + CONFIGURED + "'")).as("the other shop")
                    .isEqualTo(configured().customerList().size());

            // Redelivered: still nothing; a late webhook of the erased shop stores nothing either.
            double updates = applied("customers/update");
            double erasures = applied("shop/redact");
            kafka.send(WebhookRecords.record(WebhookRecords.delivery("shop/redact", INSTALLED, Instant.now()), shopRedact(INSTALLED)),
                    WebhookRecords.record(WebhookRecords.delivery("customers/update", INSTALLED), customerUpdate(INSTALLED, 2)));
            await().atMost(Duration.ofSeconds(30)).until(() -> applied("shop/redact") > erasures && applied("customers/update") > updates);
        }
        assertNothingLeftOf(INSTALLED, List.of());
        assertThat(status(INSTALLED).getString("state")).isEqualTo("disconnected");
        assertThat(postSyncNow(INSTALLED).statusCode()).isIn(404, 409);
    }

    @Test
    @Order(5)
    void aConfiguredShopStaysDisconnectedWithTheRevokedTokenAndComesBackWithANewOneEvenAfterItsErasure() throws Exception {
        String shop = "privacy-lifecycle.myshopify.com";
        register(shop, "token-a");
        assertThat(connection(shop)).isEqualTo("connected");
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            kafka.send(WebhookRecords.record(WebhookRecords.delivery("app/uninstalled", shop, Instant.now()), uninstalled(shop)));
            await().atMost(Duration.ofSeconds(30)).until(() -> "disconnected".equals(connection(shop)));
            register(shop, "token-a");
            assertThat(connection(shop)).as("the configuration still holds the revoked token").isEqualTo("disconnected");
            register(shop, "token-b");
            assertThat(connection(shop)).as("a new token").isEqualTo("connected");
            assertThat(count("SELECT count(*) FROM shops WHERE shop_domain = '" + shop + "' AND catch_up_requested_at IS NOT NULL"))
                    .as("a catch-up asked for").isEqualTo(1);

            kafka.send(WebhookRecords.record(WebhookRecords.delivery("app/uninstalled", shop, Instant.now()), uninstalled(shop)));
            await().atMost(Duration.ofSeconds(30)).until(() -> "disconnected".equals(connection(shop)));
            kafka.send(WebhookRecords.record(WebhookRecords.delivery("shop/redact", shop, Instant.now()), shopRedact(shop)));
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM erased_shops WHERE shop_domain = '" + shop + "'") == 1);
        }
        register(shop, "token-b");
        assertThat(count("SELECT count(*) FROM shops WHERE shop_domain = '" + shop + "'")).as("erased, with the revoked token").isZero();
        register(shop, "token-c");
        assertThat(connection(shop)).as("erased, then a new token").isEqualTo("connected");
        assertThat(count("SELECT count(*) FROM erased_shops WHERE shop_domain = '" + shop + "' AND reconnected_at IS NOT NULL")).isEqualTo(1);
    }

    private void register(String shop, String token) {
        runs.registerShop(shop, "http://127.0.0.1:1/unused", "2026-07", ShopDirectory.fingerprint(token)).await().atMost(Duration.ofSeconds(30));
    }

    private static String connection(String shop) throws Exception {
        List<String> states = rows("SELECT connection_state FROM shops WHERE shop_domain = '" + shop + "'");
        return states.isEmpty() ? null : states.get(0);
    }

    /** Every table of the catalogue: no row that names the shop (but its audit line) or belongs to one of its runs. */
    private static void assertNothingLeftOf(String shop, List<String> runs) throws Exception {
        try (Connection connection = PostgresTestResource.connect(); Statement statement = connection.createStatement()) {
            List<String[]> tables = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT t.table_name, EXISTS (SELECT 1 FROM information_schema.columns c "
                    + "WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = 'run_id') "
                    + "FROM information_schema.tables t WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
                    + "AND t.table_name NOT IN ('erased_shops', 'flyway_schema_history')")) {
                while (rows.next()) {
                    tables.add(new String[] {rows.getString(1), rows.getString(2)});
                }
            }
            assertThat(tables).extracting(table -> table[0]).contains("customers", "orders", "order_line_items", "dead_letters",
                    "sync_runs", "sync_operations", "sync_receipts", "processed_webhooks", "shops", "shop_credentials", "data_requests");
            for (String[] table : tables) {
                try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table[0] + " t WHERE position('" + shop
                        + "' in CAST(to_jsonb(t) AS text)) > 0")) {
                    rows.next();
                    assertThat(rows.getLong(1)).as("rows of " + shop + " in " + table[0]).isZero();
                }
                if (table[1].equals("t") && !runs.isEmpty()) {
                    try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table[0] + " WHERE CAST(run_id AS text) IN ('"
                            + String.join("','", runs) + "')")) {
                        rows.next();
                        assertThat(rows.getLong(1)).as("rows of the shop's runs in " + table[0]).isZero();
                    }
                }
            }
        }
    }

    private void connect() throws Exception {
        String authorizeUrl = given().auth().oauth2(TOKEN).contentType("application/json").body(Map.of("shop", INSTALLED))
                .post("/api/shops/connect").then().statusCode(200).extract().jsonPath().getString("authorizeUrl");
        assertThat(browser.get(browser.approve(authorizeUrl)).statusCode()).isEqualTo(302);
    }

    private static StoreData.Customer aCustomerWithUniqueContactDetailsAndOrders() {
        List<StoreData.Customer> customers = configured().customerList();
        return customers.stream()
                .filter(customer -> customer.email() != null && customer.phone() != null && customer.defaultAddress() != null)
                .filter(customer -> configured().visibleOrders().stream().filter(order -> Objects.equals(order.customerId(), customer.id())).count() >= 2)
                .filter(customer -> customers.stream().filter(other -> other.id() != customer.id())
                        .noneMatch(other -> customer.phone().equals(other.phone()) || other.defaultAddress() != null
                                && customer.defaultAddress().address1().equals(other.defaultAddress().address1())))
                .findFirst().orElseThrow(() -> new AssertionError("the generated shop has no customer to redact"));
    }

    private record Totals(long customers, long orders, BigDecimal revenue, BigDecimal spent, long lineItems) {
    }

    private static Totals totals(String shop) throws Exception {
        try (Connection connection = PostgresTestResource.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT (SELECT count(*) FROM customers WHERE shop_domain = '" + shop + "'), "
                     + "(SELECT count(*) FROM orders WHERE shop_domain = '" + shop + "'), (SELECT sum(total_price) FROM orders WHERE shop_domain = '"
                     + shop + "'), (SELECT sum(total_spent) FROM customers WHERE shop_domain = '" + shop + "'), "
                     + "(SELECT count(*) FROM order_line_items WHERE shop_domain = '" + shop + "')")) {
            row.next();
            return new Totals(row.getLong(1), row.getLong(2), row.getBigDecimal(3), row.getBigDecimal(4), row.getLong(5));
        }
    }

    /** A compliance payload in Shopify's documented shape (the fixture), for this shop and customer. */
    static byte[] compliance(String topic, String shop, StoreData.Customer customer, String ordersField, List<Long> orders) throws Exception {
        ObjectNode payload = (ObjectNode) Fixtures.webhookJson(topic).deepCopy();
        payload.put("shop_domain", shop);
        ObjectNode person = (ObjectNode) payload.get("customer");
        person.put("id", customer.id()).put("email", customer.email()).put("phone", customer.phone());
        var ids = payload.putArray(ordersField);
        orders.forEach(ids::add);
        return JSON.writeValueAsBytes(payload);
    }

    static byte[] uninstalled(String shop) throws Exception {
        ObjectNode payload = (ObjectNode) Fixtures.webhookJson("app/uninstalled").deepCopy();
        payload.put("myshopify_domain", shop).put("domain", shop);
        return JSON.writeValueAsBytes(payload);
    }

    static byte[] shopRedact(String shop) throws Exception {
        ObjectNode payload = (ObjectNode) Fixtures.webhookJson("shop/redact").deepCopy();
        payload.put("shop_domain", shop);
        return JSON.writeValueAsBytes(payload);
    }

    static String customerUpdate(String shop, long id) {
        return WebhookRecords.customerJson(id, "late." + id + "@" + shop, Instant.now().toString());
    }

    /** The dump's lines (cut short) that hold one of the values, as text or as the hex of a bytea column. */
    static List<String> leaks(String dump, List<String> values) {
        return dump.lines().filter(line -> values.stream().anyMatch(value -> line.contains(value) || line.contains(hex(value))))
                .map(line -> line.length() > 400 ? line.substring(0, 400) + "…" : line).toList();
    }

    /** How pg_dump writes these bytes in a bytea column. */
    static String hex(String value) {
        return java.util.HexFormat.of().formatHex(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static List<String> rows(String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection connection = PostgresTestResource.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    static long count(String sql) throws Exception {
        return PostgresTestResource.count(sql);
    }

    /** How many events of the topic the service has applied (its Prometheus counter). */
    static double applied(String topic) {
        return Metrics.sum("sync_webhook_events_total{outcome=\"applied\",topic=\"" + topic + "\"}");
    }
}
