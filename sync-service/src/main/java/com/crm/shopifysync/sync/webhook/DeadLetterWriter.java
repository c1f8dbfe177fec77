package com.crm.shopifysync.sync.webhook;

import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_CAUSE;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_CAUSE_CLASS_NAME;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_EXCEPTION_CLASS_NAME;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_OFFSET;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_PARTITION;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_REASON;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_TOPIC;

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
        add(headers, DEAD_LETTER_REASON, String.valueOf(reason.getMessage()));
        add(headers, DEAD_LETTER_EXCEPTION_CLASS_NAME, reason.getClass().getName());
        if (reason.getCause() != null) {
            add(headers, DEAD_LETTER_CAUSE, String.valueOf(reason.getCause().getMessage()));
            add(headers, DEAD_LETTER_CAUSE_CLASS_NAME, reason.getCause().getClass().getName());
        }
        record.getMetadata(IncomingKafkaRecordMetadata.class).ifPresent(origin -> {
            add(headers, DEAD_LETTER_TOPIC, origin.getTopic());
            add(headers, DEAD_LETTER_PARTITION, String.valueOf(origin.getPartition()));
            add(headers, DEAD_LETTER_OFFSET, String.valueOf(origin.getOffset()));
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
