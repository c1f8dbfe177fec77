package com.crm.shopifysync.sync.webhook;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Sends an event that can never be applied straight to the dead-letter topic, skipping the retry topics, with
 * the same {@code dead-letter-*} headers Reactive Messaging writes when retries run out. The returned Uni fails
 * if the broker does not take it: the caller must then not acknowledge the event.
 */
@ApplicationScoped
public class DeadLetterWriter {

    static final String CHANNEL = "dead-letter-writes";

    private final MutinyEmitter<byte[]> deadLetters;

    public DeadLetterWriter(@Channel(CHANNEL) MutinyEmitter<byte[]> deadLetters) {
        this.deadLetters = deadLetters;
    }

    public Uni<Void> send(KafkaRecord<String, byte[]> record, Throwable reason) {
        RecordHeaders headers = new RecordHeaders();
        record.getHeaders().forEach(headers::add);
        add(headers, "dead-letter-reason", String.valueOf(reason.getMessage()));
        add(headers, "dead-letter-exception-class-name", reason.getClass().getName());
        if (reason.getCause() != null) {
            add(headers, "dead-letter-cause", String.valueOf(reason.getCause().getMessage()));
            add(headers, "dead-letter-cause-class-name", reason.getCause().getClass().getName());
        }
        record.getMetadata(IncomingKafkaRecordMetadata.class).ifPresent(origin -> {
            add(headers, "dead-letter-topic", origin.getTopic());
            add(headers, "dead-letter-partition", String.valueOf(origin.getPartition()));
            add(headers, "dead-letter-offset", String.valueOf(origin.getOffset()));
        });
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.getKey()).withHeaders(headers).build();
        return deadLetters.sendMessage(Message.of(record.getPayload()).addMetadata(metadata));
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
