package com.crm.shopifysync.sync.webhook;

import static com.crm.shopifysync.sync.webhook.WebhookRecords.customerJson;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.delivery;
import static com.crm.shopifysync.sync.webhook.WebhookRecords.record;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.testing.KafkaTestResource;
import com.crm.shopifysync.testing.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter topic cannot take an event that must go there: the service stops consuming rather than
 * acknowledge the event (and the events behind it) and lose it.
 */
@QuarkusTest
@TestProfile(DeadLetterTopicDownTest.FastFailingDeadLetterWrites.class)
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = KafkaTestResource.WITHOUT_DEAD_LETTER_TOPIC, value = "true"))
@WithTestResource(PostgresTestResource.class)
class DeadLetterTopicDownTest {

    public static class FastFailingDeadLetterWrites implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.outgoing.dead-letter-writes.max.block.ms", "1000",
                    "mp.messaging.outgoing.dead-letter-writes.delivery.timeout.ms", "2000",
                    "mp.messaging.outgoing.dead-letter-writes.request.timeout.ms", "1000",
                    // the retry strategy's own producer (it writes the dead letter when the retries are spent)
                    "mp.messaging.incoming.webhook-retries.max.block.ms", "1000",
                    "mp.messaging.incoming.webhook-retries.delivery.timeout.ms", "2000",
                    "mp.messaging.incoming.webhook-retries.request.timeout.ms", "1000");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void consumptionStopsAndNothingIsAcknowledged() throws Exception {
        String shop = "dlq-down.myshopify.com";
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            kafka.send(record(delivery("customers/update", shop), "{\"id\": 600, \"email\": "),
                    record(delivery("customers/update", shop), customerJson(600, "behind@example.com", "2026-01-01T00:00:00Z")));

            await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/live").statusCode() == 503);
            assertThat(given().get("/q/health/live").then().extract().asString()).containsPattern("WebhookConsumer#consume\"\\s*:\\s*\"\\[KO\\]");

            assertThat(PostgresTestResource.count("SELECT count(*) FROM processed_webhooks WHERE shop_domain = '" + shop + "'")).isZero();
            assertThat(PostgresTestResource.count("SELECT count(*) FROM customers WHERE shop_domain = '" + shop + "'")).isZero();
        }
    }
}
