package com.crm.shopifysync.gateway;

import com.crm.shopifysync.model.WebhookDelivery;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes a verified delivery to Kafka. The returned {@code Uni} completes only once the broker has
 * acknowledged the record (acks=all, idempotent producer): after that the event cannot be lost.
 */
@ApplicationScoped
public class WebhookPublisher {

    private final MutinyEmitter<byte[]> webhooks;

    public WebhookPublisher(@Channel(Channels.WEBHOOKS) MutinyEmitter<byte[]> webhooks) {
        this.webhooks = webhooks;
    }

    public Uni<Void> publish(WebhookDelivery delivery, byte[] body) {
        RecordHeaders headers = new RecordHeaders();
        delivery.toHeaders().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(delivery.recordKey(body))
                .withHeaders(headers)
                .build();
        return webhooks.sendMessage(Message.of(body).addMetadata(metadata));
    }
}
