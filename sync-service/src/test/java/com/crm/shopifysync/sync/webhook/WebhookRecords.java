package com.crm.shopifysync.sync.webhook;

import com.crm.shopifysync.model.Topics;
import com.crm.shopifysync.model.WebhookDelivery;
import com.crm.shopifysync.testing.KafkaTestResource;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Produces webhook records exactly as the gateway does (key, headers, Shopify's bytes) to the real broker. */
public final class WebhookRecords implements AutoCloseable {

    private final KafkaCompanion companion;

    public WebhookRecords(String bootstrapServers) {
        companion = new KafkaCompanion(bootstrapServers);
    }

    public static WebhookDelivery delivery(String topic, String shop) {
        return delivery(topic, shop, UUID.randomUUID().toString());
    }

    public static WebhookDelivery delivery(String topic, String shop, String eventId) {
        return new WebhookDelivery(topic, shop, UUID.randomUUID().toString(), Optional.of(eventId),
                Optional.of("2026-11-29T12:00:00Z"), Optional.of("2026-07"), Instant.now());
    }

    /** A delivery of an event Shopify triggered at {@code triggeredAt} (X-Shopify-Triggered-At). */
    public static WebhookDelivery delivery(String topic, String shop, Instant triggeredAt) {
        return new WebhookDelivery(topic, shop, UUID.randomUUID().toString(), Optional.of(UUID.randomUUID().toString()),
                Optional.of(triggeredAt.toString()), Optional.of("2026-07"), Instant.now());
    }

    /** Shopify's retry of the same event: a new webhook id, the same event id. */
    public static WebhookDelivery redelivery(WebhookDelivery original) {
        return new WebhookDelivery(original.topic(), original.shopDomain(), UUID.randomUUID().toString(), original.eventId(),
                original.triggeredAt(), original.apiVersion(), Instant.now());
    }

    public static ProducerRecord<String, byte[]> record(WebhookDelivery delivery, byte[] body) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(KafkaTestResource.topic(Topics.WEBHOOKS),
                delivery.recordKey(body), body);
        delivery.toHeaders().forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    public static ProducerRecord<String, byte[]> record(WebhookDelivery delivery, String body) {
        return record(delivery, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the records in order and waits for the broker's acknowledgement. */
    @SafeVarargs
    public final void send(ProducerRecord<String, byte[]>... records) {
        companion.produce(String.class, byte[].class).withProp("max.request.size", "6291456")
                .fromRecords(List.of(records)).awaitCompletion();
    }

    public ConsumerTask<String, byte[]> deadLetters() {
        return companion.consume(String.class, byte[].class).fromTopics(KafkaTestResource.topic(Topics.WEBHOOKS_DLQ));
    }

    @Override
    public void close() {
        companion.close();
    }

    /** A REST-shaped customer webhook body. */
    public static String customerJson(long id, String email, String updatedAt) {
        return """
                {"id": %d, "admin_graphql_api_id": "gid://shopify/Customer/%d", "email": "%s", "first_name": "Ann",
                 "last_name": "Lee", "state": "enabled", "tags": "vip", "created_at": "2026-01-01T00:00:00-05:00",
                 "updated_at": "%s", "currency": "USD"}""".formatted(id, id, email, updatedAt);
    }

    /** A REST-shaped order webhook body with one line item. */
    public static String orderJson(long id, long customerId, String financialStatus, String updatedAt) {
        return """
                {"id": %d, "admin_graphql_api_id": "gid://shopify/Order/%d", "name": "#%d", "order_number": %d,
                 "email": "ann@example.com", "financial_status": "%s", "currency": "USD", "total_price": "12.00",
                 "created_at": "2026-01-01T00:00:00-05:00", "updated_at": "%s",
                 "customer": {"id": %d, "admin_graphql_api_id": "gid://shopify/Customer/%d"},
                 "line_items": [{"id": %d, "admin_graphql_api_id": "gid://shopify/LineItem/%d", "title": "Mug",
                                 "quantity": 2, "price": "6.00", "sku": "MUG"}]}"""
                .formatted(id, id, id, id, financialStatus, updatedAt, customerId, customerId, id * 10, id * 10);
    }
}
