package com.crm.shopifysync.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.WebhookHeaders;
import com.crm.shopifysync.testing.Fixtures;
import com.crm.shopifysync.testing.KafkaBroker;
import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.SignedWebhook;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kafka stops while Shopify keeps delivering: the gateway answers 503 with Retry-After within Shopify's
 * 5 s, readiness goes down, and Shopify's retry after the broker returns is accepted and lands in Kafka.
 * Runs on a broker of its own (port 19092) so that stopping it disturbs no other test.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = KafkaTestResource.PORT, value = "19092"))
class KafkaOutageTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @AfterEach
    void brokerIsBack() {
        KafkaTestResource.broker().ensureRunning();
    }

    static Response post(SignedWebhook webhook) {
        return given().headers(webhook.headers()).body(webhook.body()).when().post("/webhooks/shopify");
    }

    @Test
    void kafkaDownGives503AndShopifysRetryLandsOnceItIsBack() {
        KafkaBroker broker = KafkaTestResource.broker();
        SignedWebhook warmUp = SignedWebhook.of("customers/update", "outage.myshopify.com", Fixtures.webhook("customers/update"), "test-secret-new");
        assertThat(post(warmUp).statusCode()).isEqualTo(200);

        broker.stop();
        SignedWebhook webhook = SignedWebhook.of("orders/updated", "outage.myshopify.com", Fixtures.webhook("orders/updated"), "test-secret-new");
        long started = System.nanoTime();
        Response refused = post(webhook);
        Duration answeredIn = Duration.ofNanos(System.nanoTime() - started);

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("10");
        assertThat(answeredIn).as("Shopify gives up after 5 s").isLessThan(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(given().get("/q/health/ready").statusCode()).isEqualTo(503));
        // Kubernetes must not restart the gateway because Kafka is down: liveness stays up
        assertThat(given().get("/q/health/live").statusCode()).isEqualTo(200);

        broker.ensureRunning();
        // Shopify retries the same delivery until it gets a 2xx
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> post(webhook).statusCode() == 200);

        try (PublishedWebhooks published = new PublishedWebhooks(bootstrapServers)) {
            assertThat(published.awaitWebhook(webhook.webhookId()).value()).isEqualTo(webhook.body());
            // refused for longer than shopify.webhooks.catch-up-after (1 s here): the shop gets a catch-up sync
            await().atMost(Duration.ofSeconds(20)).until(() -> !published.ofTopic(WebhookHeaders.CATCH_UP_TOPIC).isEmpty());
            var catchUp = published.ofTopic(WebhookHeaders.CATCH_UP_TOPIC).get(0);
            assertThat(PublishedWebhooks.header(catchUp, WebhookHeaders.SHOP_DOMAIN)).isEqualTo("outage.myshopify.com");
            assertThat(new String(catchUp.value(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"from\"", "\"to\"");
            assertThat(published.ofTopic(WebhookHeaders.CATCH_UP_TOPIC)).as("one request per outage and shop").hasSize(1);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(given().get("/q/health/ready").statusCode()).isEqualTo(200));
    }
}
