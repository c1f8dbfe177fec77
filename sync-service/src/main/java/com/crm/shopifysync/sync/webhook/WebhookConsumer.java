package com.crm.shopifysync.sync.webhook;

import com.crm.shopifysync.model.LogFields;
import com.crm.shopifysync.model.WebhookDelivery;
import com.crm.shopifysync.model.WebhookHeaders;
import com.crm.shopifysync.sync.bulk.SyncRunner;
import com.crm.shopifysync.sync.shopify.UnmappablePayloadException;
import com.crm.shopifysync.sync.store.DatabaseFailure;
import com.crm.shopifysync.sync.store.SetStatement;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Applies webhook events to PostgreSQL, in partition order, from two channels:
 * <ul>
 *   <li>{@value #CHANNEL}: {@code shopify.webhooks}, a Kafka poll at a time, applied in one transaction (a commit per
 *   event would cap the service at the disk's flush rate);</li>
 *   <li>{@value #RETRIES}: the events waiting in the retry topics, one at a time, each when its delay is over.
 *   Reactive Messaging's delayed-retry-topic strategy consumes retry topics only for record-at-a-time channels, so
 *   retries have a channel of their own; the retry topics reach it through that strategy, with its delays, counts
 *   and final dead-lettering.</li>
 * </ul>
 Every record is applied or handed on, and a poll is acknowledged only once all of its records are:
 * <ul>
 *   <li>an event that can never be applied (unsupported topic, malformed JSON, unmappable payload, data PostgreSQL
 *   refuses) goes straight to the dead-letter topic; if the broker does not take it, the channel fails and stops:
 *   nothing is acknowledged and dropped;</li>
 *   <li>while the database is unreachable the work is retried in place with backoff: nothing could be applied
 *   meanwhile, and nothing is skipped;</li>
 *   <li>any other failure (a lock or statement timeout, a deadlock) is nacked: the failure strategy moves the event
 *   to the next retry topic, and to the dead-letter topic when the attempts are spent.</li>
 * </ul>
 * If a poll's transaction fails for another reason than an outage, its events are applied one transaction each, so
 * only the event at fault is retried or dead-lettered. Redelivery after a crash is harmless (durable de-duplication),
 * and a late retry never overwrites newer data (last write wins).
 */
@ApplicationScoped
public class WebhookConsumer {

    static final String CHANNEL = "webhooks";
    static final String RETRIES = "webhook-retries";
    private static final Logger LOG = Logger.getLogger(WebhookConsumer.class);

    private final WebhookWriter writer;
    private final DeadLetterWriter deadLetters;
    private final WebhookMetrics metrics;
    private final SyncRunner syncs;

    public WebhookConsumer(WebhookWriter writer, DeadLetterWriter deadLetters, WebhookMetrics metrics, SyncRunner syncs) {
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.syncs = syncs;
    }

    /** A record and what it decoded to. */
    private record Decoded(KafkaRecord<String, byte[]> record, WebhookChange change) {
    }

    /** What becomes of one record: applied, or handed on (dead-letter topic, retry topics) with the failure. */
    private record Outcome(KafkaRecord<String, byte[]> record, Kind kind, Throwable failure) {

        enum Kind { APPLIED, DEAD_LETTER, RETRY }

        static Outcome applied(KafkaRecord<String, byte[]> record) {
            return new Outcome(record, Kind.APPLIED, null);
        }

        /** A failure of this one event: dead-lettered if it can never succeed, otherwise retried later. */
        static Outcome failed(KafkaRecord<String, byte[]> record, Throwable failure) {
            return new Outcome(record, DatabaseFailure.of(failure) == DatabaseFailure.REFUSED ? Kind.DEAD_LETTER : Kind.RETRY, failure);
        }
    }

    /**
     * Applies a poll, then settles it. In batch mode the connector commits a partition up to its last record in the poll
     * as soon as that one record is acknowledged, so nothing is acknowledged before every record of the poll is applied,
     * in the dead-letter topic or in the retry topics; only then are the partitions' last records acknowledged.
     */
    @Incoming(CHANNEL)
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        Context eventLoop = Vertx.currentContext();
        metrics.batchApplied(batch.getRecords().size());
        Collection<KafkaRecord<String, byte[]>> lastOfPartitions = batch.getLatestOffsetRecords().values();
        return onWorker(() -> decodeAll(batch.getRecords()))
                .chain(poll -> applyTogether(poll.decoded(), poll.statements(), eventLoop).map(applied -> {
                    List<Outcome> outcomes = new ArrayList<>(poll.unusable());
                    outcomes.addAll(applied);
                    return outcomes;
                }))
                .call(outcomes -> handOn(outcomes, outcome -> !lastOfPartitions.contains(outcome.record())))
                .call(outcomes -> handOn(outcomes, outcome -> lastOfPartitions.contains(outcome.record())))
                .chain(outcomes -> all(outcomes.stream()
                        .filter(outcome -> outcome.kind() != Outcome.Kind.RETRY && lastOfPartitions.contains(outcome.record()))
                        .map(outcome -> Uni.createFrom().completionStage(outcome.record().ack())).toList()));
    }

    /** A poll decoded: what can be applied (with its statements, built already) and what never can. */
    private record DecodedPoll(List<Decoded> decoded, List<SetStatement> statements, List<Outcome> unusable) {
    }

    /** Parses, maps and prepares a poll: CPU work, up to 500 payloads of up to 5 MiB, kept off the event loop. */
    private DecodedPoll decodeAll(List<KafkaRecord<String, byte[]>> records) {
        List<Decoded> decoded = new ArrayList<>();
        List<Outcome> unusable = new ArrayList<>();
        for (KafkaRecord<String, byte[]> record : records) {
            try {
                decoded.add(new Decoded(record, decode(record)));
            } catch (RuntimeException e) {
                unusable.add(new Outcome(record, Outcome.Kind.DEAD_LETTER, e));
            }
        }
        return new DecodedPoll(decoded, WebhookWriter.prepare(decoded.stream().map(Decoded::change).toList()), unusable);
    }

    private static <T> Uni<T> onWorker(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @Incoming(RETRIES)
    public Uni<Void> retry(KafkaRecord<String, byte[]> record) {
        Context eventLoop = Vertx.currentContext();
        return onWorker(() -> decodeAll(List.of(record))).chain(poll -> poll.unusable().isEmpty()
                ? applyTogether(poll.decoded(), poll.statements(), eventLoop).chain(applied -> settle(applied.get(0)))
                : settle(poll.unusable().get(0)));
    }

    /** A record-at-a-time settlement: handed on, then acknowledged (a retried record is acknowledged by the strategy). */
    private Uni<Void> settle(Outcome outcome) {
        return handOn(List.of(outcome), any -> true).chain(() -> outcome.kind() == Outcome.Kind.RETRY ? Uni.createFrom().voidItem()
                : Uni.createFrom().completionStage(outcome.record().ack()));
    }

    /**
     * Hands the failed events among {@code outcomes} that {@code which} selects to the dead-letter topic or the retry
     * topics, and counts the applied ones. The retry strategy acknowledges a record once the retry topic has it.
     */
    private Uni<Void> handOn(List<Outcome> outcomes, java.util.function.Predicate<Outcome> which) {
        List<Uni<Void>> handedOn = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            if (!which.test(outcome)) {
                continue;
            }
            KafkaRecord<String, byte[]> record = outcome.record();
            switch (outcome.kind()) {
                case APPLIED -> {
                    metrics.applied(topic(record));
                    receivedAt(record).ifPresent(metrics::committed);
                }
                case DEAD_LETTER -> handedOn.add(deadLetter(record, outcome.failure()));
                case RETRY -> {
                    metrics.retried(topic(record));
                    try (LogFields fields = logFields(record)) {
                        LOG.warnf("webhook failed, handed to the retry topics: %s topic=%s webhook=%s reason=%s", position(record),
                                topic(record), header(record, WebhookHeaders.WEBHOOK_ID).orElse("?"), outcome.failure().toString());
                    }
                    handedOn.add(Uni.createFrom().completionStage(() -> record.nack(outcome.failure())));
                }
            }
        }
        return all(handedOn);
    }

    /**
     * Applies the events ({@code statements}, prepared from them) in one transaction; when that fails for another reason
     * than an outage, one by one.
     */
    private Uni<List<Outcome>> applyTogether(List<Decoded> decoded, List<SetStatement> statements, Context eventLoop) {
        if (decoded.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return waitingOutDatabaseOutages(() -> onSafeContext(eventLoop, () -> writer.apply(statements)), decoded.get(0).record())
                .onItemOrFailure().transformToUni((applied, failure) -> {
                    if (failure == null) {
                        return Uni.createFrom().item(decoded.stream().map(item -> Outcome.applied(item.record())).toList());
                    }
                    if (decoded.size() == 1) {
                        return Uni.createFrom().item(List.of(Outcome.failed(decoded.get(0).record(), failure)));
                    }
                    LOG.debugf("a batch of %d webhooks failed (%s); applying them one by one", decoded.size(), failure.toString());
                    return Multi.createFrom().iterable(decoded)
                            .onItem().transformToUniAndConcatenate(item -> applyTogether(List.of(item),
                                    WebhookWriter.prepare(List.of(item.change())), eventLoop))
                            .collect().asList()
                            .map(lists -> lists.stream().flatMap(List::stream).toList());
                });
    }

    private <T> Uni<T> waitingOutDatabaseOutages(Supplier<Uni<? extends T>> work, KafkaRecord<String, byte[]> first) {
        return DatabaseFailure.waitingOutOutages(work, failure -> {
            metrics.databaseRetry();
            LOG.warnf("database unavailable, retrying from %s: %s", position(first), failure.toString());
        });
    }

    private static LogFields logFields(KafkaRecord<String, byte[]> record) {
        return LogFields.of(LogFields.SHOP, header(record, WebhookHeaders.SHOP_DOMAIN).orElse(null), LogFields.TOPIC, topic(record),
                LogFields.EVENT_ID, header(record, WebhookHeaders.EVENT_ID).orElse(null));
    }

    private Uni<Void> deadLetter(KafkaRecord<String, byte[]> record, Throwable reason) {
        Throwable cause = rootReason(reason);
        try (LogFields fields = logFields(record)) {
            LOG.errorf("webhook not applied, sent to the dead-letter topic: %s shop=%s topic=%s webhook=%s reason=%s",
                    position(record), header(record, WebhookHeaders.SHOP_DOMAIN).orElse("?"), topic(record),
                    header(record, WebhookHeaders.WEBHOOK_ID).orElse("?"), cause.getMessage());
        }
        return deadLetters.send(record, cause).invoke(() -> metrics.deadLettered(topic(record)));
    }

    /** The most telling failure: PostgreSQL's own message rather than the wrapper's. */
    private static Throwable rootReason(Throwable failure) {
        Throwable reason = failure;
        while (reason.getCause() != null && reason.getCause() != reason && !(reason instanceof UnmappablePayloadException)) {
            reason = reason.getCause();
        }
        return reason;
    }

    /**
     * Runs database work on a fresh, isolated Vert.x duplicated context of the channel's event loop, which Hibernate
     * Reactive requires: batch consumption does not dispatch on one, and decoding moved the work to a worker thread.
     */
    private static <T> Uni<T> onSafeContext(Context eventLoop, Supplier<Uni<? extends T>> work) {
        return Uni.createFrom().deferred(() -> {
            Context isolated = VertxContext.createNewDuplicatedContext(eventLoop);
            VertxContextSafetyToggle.setContextSafe(isolated, true);
            return Uni.createFrom().<T>deferred(work).runSubscriptionOn(task -> isolated.runOnContext(ignored -> task.run()));
        });
    }

    private static Uni<Void> all(List<Uni<Void>> unis) {
        return unis.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(unis).andFailFast().replaceWithVoid();
    }

    private WebhookChange decode(KafkaRecord<String, byte[]> record) {
        WebhookDelivery delivery;
        try {
            delivery = WebhookDelivery.fromHeaders(name -> header(record, name));
        } catch (IllegalArgumentException e) {
            throw new UnmappablePayloadException(e.getMessage(), e);
        }
        WebhookChange change = WebhookChange.decode(delivery, record.getPayload() == null ? new byte[0] : record.getPayload());
        if (change instanceof WebhookChange.BulkOperationFinished finished) {
            syncs.bulkOperationFinished(finished.bulkOperationId());
        }
        return change;
    }

    /** When the gateway received the webhook (its header; absent or unreadable: not timed). */
    private static Optional<java.time.Instant> receivedAt(KafkaRecord<String, byte[]> record) {
        try {
            return header(record, WebhookHeaders.RECEIVED_AT).map(java.time.Instant::parse);
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String topic(KafkaRecord<String, byte[]> record) {
        return header(record, WebhookHeaders.TOPIC).orElse("unknown");
    }

    private static String position(KafkaRecord<String, byte[]> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(metadata -> metadata.getTopic() + "-" + metadata.getPartition() + "@" + metadata.getOffset())
                .orElse(record.getTopic() + "-" + record.getPartition());
    }

    private static Optional<String> header(KafkaRecord<String, byte[]> record, String name) {
        Header header = record.getHeaders().lastHeader(name);
        return header == null || header.value() == null ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }
}
