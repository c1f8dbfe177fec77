package com.crm.shopifysync.sync.webhook;

import com.crm.shopifysync.model.WebhookDelivery;
import com.crm.shopifysync.model.WebhookHeaders;
import com.crm.shopifysync.sync.store.DatabaseFailures;
import com.crm.shopifysync.sync.shopify.UnmappablePayloadException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code shopify.webhooks} a poll at a time and applies the events to PostgreSQL, in partition order.
 * Every record is acknowledged or rejected on its own, so the channel's failure strategy deals with each:
 * <ul>
 *   <li>a record that can never be applied (unsupported topic, malformed JSON, unmappable payload) is nacked
 *   at once and goes to the dead-letter topic with its reason; it never holds up the records behind it;</li>
 *   <li>the others are applied in one transaction (one commit per poll instead of one per event); while
 *   the database is unavailable that transaction is retried with backoff, so nothing is skipped or lost;</li>
 *   <li>if the transaction fails for another reason, each event is applied in a transaction of its own,
 *   so only the event at fault is nacked.</li>
 * </ul>
 * Records are acknowledged only after their transaction committed; a redelivery after a crash is harmless
 * because every event is de-duplicated in the database.
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

    /** A record and what it decoded to. */
    private record Decoded(KafkaRecord<String, byte[]> record, WebhookChange change) {
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        List<Decoded> decoded = new ArrayList<>();
        List<Uni<Void>> rejected = new ArrayList<>();
        for (KafkaRecord<String, byte[]> record : batch.getRecords()) {
            try {
                decoded.add(new Decoded(record, decode(record)));
            } catch (RuntimeException unusable) {
                rejected.add(reject(record, unusable));
            }
        }
        return all(rejected).chain(() -> applyTogether(decoded));
    }

    private Uni<Void> applyTogether(List<Decoded> decoded) {
        if (decoded.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<WebhookChange> changes = decoded.stream().map(Decoded::change).toList();
        return waitingOutDatabaseOutages(() -> onSafeContext(() -> writer.applyAll(changes)), decoded.get(0).record())
                .chain(() -> acknowledge(decoded))
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("a batch of %d webhooks failed (%s); applying them one by one", decoded.size(), failure.toString());
                    return applyOneByOne(decoded);
                });
    }

    private Uni<Void> applyOneByOne(List<Decoded> decoded) {
        return Multi.createFrom().iterable(decoded)
                .onItem().transformToUniAndConcatenate(item -> waitingOutDatabaseOutages(() -> onSafeContext(() -> writer.applyAll(List.of(item.change()))), item.record())
                        .chain(() -> acknowledge(List.of(item)))
                        .onFailure().recoverWithUni(failure -> reject(item.record(), failure)))
                .collect().last().replaceWithVoid();
    }

    private <T> Uni<T> waitingOutDatabaseOutages(Supplier<Uni<? extends T>> work, KafkaRecord<String, byte[]> first) {
        return Uni.createFrom().deferred(work)
                .onFailure(DatabaseFailures::isUnavailable).invoke(failure -> {
                    metrics.databaseRetry();
                    LOG.warnf("database unavailable, retrying from %s: %s", position(first), failure.toString());
                })
                .onFailure(DatabaseFailures::isUnavailable).retry()
                .withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).withJitter(0.2).indefinitely();
    }

    private Uni<Void> acknowledge(List<Decoded> applied) {
        List<Uni<Void>> acks = new ArrayList<>(applied.size());
        for (Decoded item : applied) {
            metrics.applied(item.change().delivery().topic());
            acks.add(Uni.createFrom().completionStage(item.record().ack()));
        }
        return all(acks);
    }

    /**
     * Runs database work on a fresh, isolated Vert.x duplicated context, which Hibernate Reactive requires:
     * batch consumption does not dispatch on one (a record-at-a-time channel would).
     */
    private static <T> Uni<T> onSafeContext(Supplier<Uni<? extends T>> work) {
        return Uni.createFrom().deferred(() -> {
            Context isolated = VertxContext.createNewDuplicatedContext(Vertx.currentContext());
            VertxContextSafetyToggle.setContextSafe(isolated, true);
            return Uni.createFrom().deferred(work).runSubscriptionOn(task -> isolated.runOnContext(ignored -> task.run()));
        });
    }

    private static Uni<Void> all(List<Uni<Void>> unis) {
        return unis.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(unis).andCollectFailures().replaceWithVoid();
    }

    private static String position(KafkaRecord<String, byte[]> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(metadata -> metadata.getTopic() + "-" + metadata.getPartition() + "@" + metadata.getOffset())
                .orElse(record.getTopic() + "-" + record.getPartition());
    }

    /** Hands the record to the channel's failure strategy (the dead-letter topic), with the reason. */
    private Uni<Void> reject(KafkaRecord<String, byte[]> record, Throwable failure) {
        metrics.deadLettered(header(record, WebhookHeaders.TOPIC).orElse("unknown"));
        LOG.errorf("webhook not applied, sent to the dead-letter topic: %s shop=%s topic=%s webhook=%s reason=%s",
                position(record), header(record, WebhookHeaders.SHOP_DOMAIN).orElse("?"),
                header(record, WebhookHeaders.TOPIC).orElse("?"), header(record, WebhookHeaders.WEBHOOK_ID).orElse("?"),
                failure.getMessage());
        return Uni.createFrom().completionStage(record.nack(failure));
    }

    private static WebhookChange decode(KafkaRecord<String, byte[]> record) {
        WebhookDelivery delivery;
        try {
            delivery = WebhookDelivery.fromHeaders(name -> header(record, name));
        } catch (IllegalArgumentException e) {
            throw new UnmappablePayloadException(e.getMessage(), e);
        }
        return WebhookChange.decode(delivery, record.getPayload() == null ? new byte[0] : record.getPayload());
    }

    private static Optional<String> header(KafkaRecord<String, byte[]> record, String name) {
        Header header = record.getHeaders().lastHeader(name);
        return header == null || header.value() == null ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }
}
