package com.crm.shopifysync.sync.deadletter;

import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_CAUSE;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_OFFSET;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_PARTITION;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_REASON;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDelayedRetryTopic.DELAYED_RETRY_CAUSE;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDelayedRetryTopic.DELAYED_RETRY_COUNT;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDelayedRetryTopic.DELAYED_RETRY_OFFSET;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDelayedRetryTopic.DELAYED_RETRY_PARTITION;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDelayedRetryTopic.DELAYED_RETRY_REASON;

import com.crm.shopifysync.model.WebhookHeaders;
import com.crm.shopifysync.sync.store.DatabaseFailure;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Records every record of {@code shopify.webhooks.dlq} in {@code dead_letters}, so that people can see,
 * count and replay them. A database outage is waited out; any other failure stops this channel (its
 * failure strategy is {@code fail}) rather than acknowledge a dead letter that was not recorded.
 */
@ApplicationScoped
public class DeadLetterRecorder {

    static final String CHANNEL = "dead-letters";
    private static final Logger LOG = Logger.getLogger(DeadLetterRecorder.class);
    private static final List<String> DELIVERY_HEADERS = List.of(WebhookHeaders.TOPIC, WebhookHeaders.SHOP_DOMAIN,
            WebhookHeaders.WEBHOOK_ID, WebhookHeaders.EVENT_ID, WebhookHeaders.TRIGGERED_AT, WebhookHeaders.API_VERSION,
            WebhookHeaders.RECEIVED_AT);

    private final DeadLetterRepository deadLetters;
    private final DeadLetterMetrics metrics;

    public DeadLetterRecorder(DeadLetterRepository deadLetters, DeadLetterMetrics metrics) {
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    @Incoming(CHANNEL)
    public Uni<Void> record(ConsumerRecord<String, byte[]> record) {
        DeadLetter letter = read(record);
        return DatabaseFailure.<Void>waitingOutOutages(() -> Panache.withTransaction(() -> deadLetters.record(letter)), failure ->
                        LOG.warnf("database unavailable, retrying dead letter %s: %s", letter.deadLetterPosition(), failure.toString()))
                .invoke(() -> metrics.recorded(letter.topic()));
    }

    static DeadLetter read(ConsumerRecord<String, byte[]> record) {
        Map<String, String> delivery = new LinkedHashMap<>();
        DELIVERY_HEADERS.forEach(name -> header(record, name).ifPresent(value -> delivery.put(name, value)));
        String shop = delivery.getOrDefault(WebhookHeaders.SHOP_DOMAIN, "unknown");
        String topic = delivery.getOrDefault(WebhookHeaders.TOPIC, "unknown");
        String webhookId = delivery.get(WebhookHeaders.WEBHOOK_ID);
        String eventId = delivery.get(WebhookHeaders.EVENT_ID);
        String deduplicationKey = eventId != null ? "event:" + eventId
                : webhookId != null ? "webhook:" + webhookId
                : "record:" + record.partition() + "@" + record.offset();
        // a retried record carries how often it was retried; the final failure counts as one more attempt
        int attempts = header(record, DELAYED_RETRY_COUNT).map(Integer::parseInt).orElse(0) + 1;
        // written by WebhookConsumer (dead-letter-*) or by the retry strategy when the attempts ran out (delayed-retry-*)
        String originalPosition = either(record, DEAD_LETTER_PARTITION, DELAYED_RETRY_PARTITION)
                .map(partition -> partition + "@" + either(record, DEAD_LETTER_OFFSET, DELAYED_RETRY_OFFSET).orElse("?"))
                .orElse(null);
        return new DeadLetter(shop, topic, deduplicationKey, eventId, webhookId, record.key(),
                record.value() == null ? new byte[0] : record.value(), delivery,
                either(record, DEAD_LETTER_REASON, DELAYED_RETRY_REASON).orElse("unknown"),
                either(record, DEAD_LETTER_CAUSE, DELAYED_RETRY_CAUSE).orElse(null),
                attempts, originalPosition, record.partition() + "@" + record.offset(),
                Instant.ofEpochMilli(record.timestamp()).atOffset(ZoneOffset.UTC));
    }

    private static Optional<String> either(ConsumerRecord<String, byte[]> record, String name, String otherName) {
        return header(record, name).or(() -> header(record, otherName));
    }

    private static Optional<String> header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }
}
