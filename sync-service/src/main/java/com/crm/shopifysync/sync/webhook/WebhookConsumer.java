package com.crm.shopifysync.sync.webhook;

import com.crm.shopifysync.model.WebhookDelivery;
import com.crm.shopifysync.model.WebhookHeaders;
import com.crm.shopifysync.sync.shopify.UnmappablePayloadException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code shopify.webhooks} and applies each event to PostgreSQL, in partition order.
 * <ul>
 *   <li>Database unreachable: the same event is retried with backoff until the database is back, so
 *   nothing is skipped or lost while it is away (no other event could be applied meanwhile anyway).</li>
 *   <li>Any other failure (unsupported topic, malformed JSON, a payload that cannot be mapped): the
 *   event is nacked and the channel's failure strategy sends it to the dead-letter topic with its
 *   reason, so it never blocks the events behind it.</li>
 * </ul>
 */
@ApplicationScoped
public class WebhookConsumer {

    static final String CHANNEL = "webhooks";
    private static final Logger LOG = Logger.getLogger(WebhookConsumer.class);

    private final WebhookWriter writer;
    private final WebhookMetrics metrics;

    public WebhookConsumer(WebhookWriter writer, WebhookMetrics metrics) {
        this.writer = writer;
        this.metrics = metrics;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        return Uni.createFrom().item(() -> decode(record))
                .chain(change -> Uni.createFrom().deferred(() -> writer.apply(change))
                        .onFailure(DatabaseFailures::isUnavailable).invoke(failure -> {
                            metrics.databaseRetry();
                            LOG.warnf("database unavailable, retrying %s at %s-%d@%d: %s", change.delivery().topic(),
                                    record.topic(), record.partition(), record.offset(), failure.toString());
                        })
                        .onFailure(DatabaseFailures::isUnavailable).retry()
                        .withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).withJitter(0.2).indefinitely()
                        .invoke(changed -> metrics.applied(change.delivery().topic(), changed)))
                .onFailure().invoke(failure -> metrics.deadLettered(header(record, WebhookHeaders.TOPIC).orElse("unknown")))
                .onFailure().invoke(failure -> LOG.errorf("webhook not applied, sent to the dead-letter topic: %s-%d@%d "
                                + "shop=%s topic=%s webhook=%s reason=%s", record.topic(), record.partition(), record.offset(),
                        header(record, WebhookHeaders.SHOP_DOMAIN).orElse("?"), header(record, WebhookHeaders.TOPIC).orElse("?"),
                        header(record, WebhookHeaders.WEBHOOK_ID).orElse("?"), failure.getMessage()))
                .replaceWithVoid();
    }

    private static WebhookChange decode(ConsumerRecord<String, byte[]> record) {
        WebhookDelivery delivery;
        try {
            delivery = WebhookDelivery.fromHeaders(name -> header(record, name));
        } catch (IllegalArgumentException e) {
            throw new UnmappablePayloadException(e.getMessage(), e);
        }
        return WebhookChange.decode(delivery, record.value() == null ? new byte[0] : record.value());
    }

    private static Optional<String> header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }
}
