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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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

    @ConfigProperty(name = "mp.messaging.incoming.webhooks.group.id")
    String groupId;

    @ConfigProperty(name = "mp.messaging.incoming.webhooks.topic")
    String topic;

    @Test
    void consumptionStopsAndNothingIsAcknowledged() throws Exception {
        String shop = "dlq-down.myshopify.com";
        try (WebhookRecords kafka = new WebhookRecords(bootstrapServers)) {
            kafka.send(record(delivery("customers/update", shop), "{\"id\": 600, \"email\": "),
                    record(delivery("customers/update", shop), customerJson(600, "behind@example.com", "2026-01-01T00:00:00Z")));

            await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/live").statusCode() == 503);
            assertThat(given().get("/q/health/live").then().extract().asString()).containsPattern("WebhookConsumer#consume\"\\s*:\\s*\"\\[KO\\]");

            // The event behind it may have been applied (its redelivery would change nothing), but no offset moved past
            // the malformed one: after a restart both are read again and the malformed one gets its dead letter then.
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                // the malformed event is the topic's first (offset 0): a commit may say 0, never more
                assertThat(committed.entrySet()).filteredOn(entry -> entry.getKey().topic().equals(topic))
                        .allSatisfy(entry -> assertThat(entry.getValue() == null ? 0 : entry.getValue().offset()).isZero());
            }
            assertThat(PostgresTestResource.count("SELECT count(*) FROM dead_letters WHERE shop_domain = '" + shop + "'")).isZero();
        }
    }
}
