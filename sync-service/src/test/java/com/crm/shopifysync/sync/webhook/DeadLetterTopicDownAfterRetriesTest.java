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
import io.quarkus.test.junit.TestProfile;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Retries spent and the dead-letter topic unwritable: the retry channel stops rather than drop the event. */
@QuarkusTest
@TestProfile(DeadLetterTopicDownAfterRetriesTest.OwnApplication.class)
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = KafkaTestResource.WITHOUT_DEAD_LETTER_TOPIC, value = "true"))
@WithTestResource(PostgresTestResource.class)
class DeadLetterTopicDownAfterRetriesTest {

    /** The same settings as {@link DeadLetterTopicDownTest}, in an application of its own (its channel stops too). */
    public static class OwnApplication extends DeadLetterTopicDownTest.FastFailingDeadLetterWrites {
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void theRetryChannelStops() throws Exception {
        String shop = "dlq-down-retries.myshopify.com";
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            kafka.send(record(delivery("customers/create", shop), customerJson(700, "v1@example.com", "2026-01-01T00:00:00Z")));
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    PostgresTestResource.count("SELECT count(*) FROM customers WHERE shop_domain = '" + shop + "'") == 1);
            try (Connection editor = PostgresTestResource.connect()) {
                editor.setAutoCommit(false);
                try (Statement lock = editor.createStatement()) {
                    lock.execute("SELECT * FROM customers WHERE shop_domain = '" + shop + "' AND shopify_id = 700 FOR UPDATE");
                }
                kafka.send(record(delivery("customers/update", shop), customerJson(700, "v2@example.com", "2026-01-02T00:00:00Z")));

                await().atMost(Duration.ofSeconds(45)).until(() -> given().get("/q/health/live").statusCode() == 503);
                editor.rollback();
            }
            assertThat(given().get("/q/health/live").then().extract().asString()).containsPattern("WebhookConsumer#retry\"\\s*:\\s*\"\\[KO\\]");
        }
    }
}
