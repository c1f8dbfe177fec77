package com.crm.shopifysync.sync.shop;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.simulator.SimulatedShop.PendingWebhook;
import com.crm.shopifysync.simulator.StoreData;
import com.crm.shopifysync.sync.webhook.WebhookRecords;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import com.crm.shopifysync.testing.ShopifySimulatorTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A shop configured with capitals in its domain (as an operator may type it) is one shop: its bulk rows, its webhooks
 * (whose header Shopify sends in lower case) and its API all meet under the one normalized domain.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = ShopifySimulatorTestResource.class, initArgs = {
        @ResourceArg(name = "shop", value = "Capital-Letters.MyShopify.com"),
        @ResourceArg(name = "customers", value = "30"),
        @ResourceArg(name = "orders", value = "40")})
class ShopDomainCaseTest {

    static final String SHOP = "capital-letters.myshopify.com";
    static final String TOKEN = "test-api-token";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void bulkRowsWebhooksAndTheApiMeetUnderOneDomain() throws Exception {
        await().atMost(Duration.ofMinutes(1)).until(() -> PostgresTestResource.count("SELECT count(*) FROM sync_runs WHERE state = 'succeeded'") > 0);
        assertThat(PostgresTestResource.count("SELECT count(*) FROM shops WHERE shop_domain <> lower(shop_domain)")).isZero();
        assertThat(PostgresTestResource.count("SELECT count(DISTINCT shop_domain) FROM customers")).isEqualTo(1);
        assertThat(PostgresTestResource.count("SELECT count(*) FROM customers WHERE shop_domain = '" + SHOP + "'")).isEqualTo(30);

        StoreData.Customer customer = ShopifySimulatorTestResource.shop().customerList().get(3);
        PendingWebhook update = ShopifySimulatorTestResource.shop().updateCustomer(customer.id(), "Lower", null, null, null, null)
                .orElseThrow().first();
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            kafka.send(WebhookRecords.record(WebhookRecords.delivery(update.topic(), SHOP), update.body()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> "Lower".equals(given().auth().oauth2(TOKEN)
                .get("/api/shops/" + SHOP + "/customers/" + customer.id()).then().extract().jsonPath().getString("firstName")));
        assertThat(PostgresTestResource.count("SELECT count(*) FROM customers")).isEqualTo(30);

        // Sync Now, under either spelling of the domain
        given().auth().oauth2(TOKEN).post("/api/shops/Capital-Letters.MyShopify.com/sync").then().statusCode(202);
        assertThat(given().auth().oauth2(TOKEN).get("/api/shops").then().statusCode(200).extract().jsonPath().getList("domain"))
                .containsExactly(SHOP);
    }
}
