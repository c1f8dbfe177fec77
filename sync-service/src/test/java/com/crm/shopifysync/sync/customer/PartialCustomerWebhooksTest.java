package com.crm.shopifysync.sync.customer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.simulator.SimulatedShop;
import com.crm.shopifysync.simulator.SimulatedShop.PendingWebhook;
import com.crm.shopifysync.simulator.StoreData;
import com.crm.shopifysync.sync.webhook.WebhookRecords;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import com.crm.shopifysync.testing.ShopifySimulatorTestResource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Shopify's customer webhooks since API 2025-01 (we ask for 2026-07): customers/update no longer carries the tags, the
 * marketing consent or the purchasing figures, which come through customer.tags_added / customer.tags_removed,
 * customers_email_marketing_consent/update, customers_marketing_consent/update and customers/purchasing_summary. The
 * simulator's merchant makes the changes, so every webhook is in Shopify's shape; the bulk import is where the customer
 * starts.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = ShopifySimulatorTestResource.class, initArgs = {
        @ResourceArg(name = "shop", value = PartialCustomerWebhooksTest.SHOP),
        @ResourceArg(name = "customers", value = "150"),
        @ResourceArg(name = "orders", value = "400"),
        @ResourceArg(name = "seed", value = "23")})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PartialCustomerWebhooksTest {

    static final String SHOP = "partial-test.myshopify.com";
    static final String TOKEN = "test-api-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    SimulatedShop shop() {
        return ShopifySimulatorTestResource.shop();
    }

    @BeforeEach
    void imported() throws Exception {
        await().atMost(Duration.ofMinutes(2)).until(() -> PostgresTestResource.count("SELECT count(*) FROM sync_runs WHERE state = 'succeeded'") > 0);
    }

    /** A customer with tags, email consent and orders (so purchasing figures), as the bulk import brought it. */
    StoreData.Customer target() {
        return shop().customerList().stream()
                .filter(customer -> !customer.tags().isEmpty() && customer.ordersCount() > 0 && customer.email() != null && customer.phone() != null)
                .findFirst().orElseThrow();
    }

    @Test
    @Order(1)
    void aCustomerUpdateInThe2026ShapeBlanksNothingItDoesNotCarry() throws Exception {
        StoreData.Customer customer = target();
        JsonPath before = customer(customer.id());
        assertThat(before.getList("tags")).isNotEmpty();
        assertThat(before.getInt("ordersCount")).isPositive();
        assertThat(before.getString("emailMarketingState")).isNotNull();
        assertThat(before.getString("smsMarketingState")).isNotNull();

        PendingWebhook update = shop().updateCustomer(customer.id(), "Renamed", null, null, "a new note", null).orElseThrow().first();
        JsonNode body = JSON.readTree(update.body());
        assertThat(body.has("tags") || body.has("orders_count") || body.has("total_spent") || body.has("email_marketing_consent"))
                .as("Shopify's 2026-07 customers/update").isFalse();
        send(List.of(update));

        await().atMost(Duration.ofSeconds(20)).until(() -> "Renamed".equals(customer(customer.id()).getString("firstName")));
        JsonPath after = customer(customer.id());
        assertThat(after.getString("note")).isEqualTo("a new note");
        assertThat(after.getList("tags")).isEqualTo(before.getList("tags"));
        assertThat(after.getInt("ordersCount")).isEqualTo(before.getInt("ordersCount"));
        assertThat(new BigDecimal(after.getString("totalSpent"))).isEqualByComparingTo(new BigDecimal(before.getString("totalSpent")));
        assertThat(after.getString("emailMarketingState")).isEqualTo(before.getString("emailMarketingState"));
        assertThat(after.getString("smsMarketingState")).isEqualTo(before.getString("smsMarketingState"));
    }

    @Test
    @Order(2)
    void partialTopicsInAnyOrderLeaveEveryFieldAtItsNewestValue() throws Exception {
        StoreData.Customer customer = target();
        String kept = customer.tags().get(0);
        List<PendingWebhook> webhooks = new ArrayList<>();
        webhooks.addAll(shop().updateCustomer(customer.id(), null, null, null, null, List.of(kept, "gold", "silver")).orElseThrow().all());
        webhooks.addAll(shop().updateMarketingConsent(customer.id(), "UNSUBSCRIBED", "SUBSCRIBED").orElseThrow().all());
        webhooks.addAll(shop().createOrder(customer.id()).orElseThrow().all());
        webhooks.addAll(shop().updateCustomer(customer.id(), null, null, null, null, List.of("gold", "platinum")).orElseThrow().all());
        webhooks.addAll(shop().updateMarketingConsent(customer.id(), "SUBSCRIBED", "UNSUBSCRIBED").orElseThrow().all());
        webhooks.addAll(shop().createOrder(customer.id()).orElseThrow().all());
        webhooks.addAll(shop().updateCustomer(customer.id(), null, null, null, null, List.of("gold", "platinum", "silver")).orElseThrow().all());
        assertThat(webhooks).extracting(PendingWebhook::topic).contains("customer.tags_added", "customer.tags_removed",
                "customers_email_marketing_consent/update", "customers_marketing_consent/update", "customers/purchasing_summary");

        // Delivered in an order that is not Shopify's: duplicates do not help, freshness does.
        Collections.shuffle(webhooks, new Random(4));
        send(webhooks);

        StoreData.Customer expected = shop().customer(customer.id()).orElseThrow();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath row = customer(customer.id());
            assertThat(row.getList("tags")).containsExactly("gold", "platinum", "silver");
            assertThat(row.getInt("ordersCount")).isEqualTo((int) expected.ordersCount());
            assertThat(new BigDecimal(row.getString("totalSpent"))).isEqualByComparingTo(expected.amountSpent());
            assertThat(row.getString("emailMarketingState")).isEqualTo(expected.emailMarketingState().toLowerCase(Locale.ROOT));
            assertThat(row.getString("smsMarketingState")).isEqualTo(expected.smsMarketingState().toLowerCase(Locale.ROOT));
            assertThat(row.getString("updatedAt")).isEqualTo(expected.updatedAt().toString());
        });
    }

    @Test
    @Order(3)
    void anOrderDeletedInShopifyIsKeptFlaggedAndLeavesTheActiveList() throws Exception {
        StoreData.Order order = shop().visibleOrders().iterator().next();
        long activeBefore = orders("").getLong("total");
        send(shop().deleteOrder(order.id()).orElseThrow().all());

        await().atMost(Duration.ofSeconds(20)).until(() -> given().auth().oauth2(TOKEN).get("/api/shops/" + SHOP + "/orders/" + order.id())
                .then().extract().jsonPath().getBoolean("deleted"));
        assertThat(orders("").getLong("total")).isEqualTo(activeBefore - 1);
        assertThat(orders("&includeDeleted=true").getLong("total")).isEqualTo(activeBefore);
    }

    private void send(List<PendingWebhook> webhooks) {
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            for (PendingWebhook webhook : webhooks) {
                kafka.send(WebhookRecords.record(WebhookRecords.delivery(webhook.topic(), SHOP, webhook.triggeredAt()), webhook.body()));
            }
        }
    }

    private static JsonPath customer(long id) {
        return given().auth().oauth2(TOKEN).get("/api/shops/" + SHOP + "/customers/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath orders(String query) {
        return given().auth().oauth2(TOKEN).get("/api/shops/" + SHOP + "/orders?size=1" + query).then().statusCode(200).extract().jsonPath();
    }
}
