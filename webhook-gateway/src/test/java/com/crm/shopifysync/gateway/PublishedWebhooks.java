package com.crm.shopifysync.gateway;

import static org.awaitility.Awaitility.await;

import com.crm.shopifysync.model.Topics;
import com.crm.shopifysync.model.WebhookHeaders;
import com.crm.shopifysync.testing.KafkaTestResource;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads what the gateway published to this test run's webhooks topic, from the real broker. */
final class PublishedWebhooks implements AutoCloseable {

    private final KafkaCompanion companion;
    private final ConsumerTask<String, byte[]> records;

    PublishedWebhooks(String bootstrapServers) {
        companion = new KafkaCompanion(bootstrapServers);
        records = companion.consume(String.class, byte[].class).fromTopics(KafkaTestResource.topic(Topics.WEBHOOKS));
    }

    ConsumerRecord<String, byte[]> awaitWebhook(String webhookId) {
        await().atMost(Duration.ofSeconds(20)).until(() -> find(webhookId).isPresent());
        return find(webhookId).orElseThrow();
    }

    /** The records of this topic (header {@code shopify-topic}) published so far. */
    List<ConsumerRecord<String, byte[]>> ofTopic(String topic) {
        return records.getRecords().stream().filter(record -> topic.equals(header(record, WebhookHeaders.TOPIC))).toList();
    }

    List<ConsumerRecord<String, byte[]>> withWebhookId(String webhookId) {
        return records.getRecords().stream().filter(record -> webhookId.equals(header(record, WebhookHeaders.WEBHOOK_ID))).toList();
    }

    private Optional<ConsumerRecord<String, byte[]>> find(String webhookId) {
        return withWebhookId(webhookId).stream().findFirst();
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        return KafkaCompanion.getHeader(record.headers(), name);
    }

    @Override
    public void close() {
        records.close();
        companion.close();
    }
}
