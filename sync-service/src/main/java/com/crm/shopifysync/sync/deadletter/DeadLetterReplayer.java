package com.crm.shopifysync.sync.deadletter;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Replays dead letters: republishes the original event (same key, same delivery headers, same bytes) to
 * {@code shopify.webhooks} and marks it replayed. Replaying is idempotent: the event keeps its deduplication
 * key, so however often it is replayed it is applied once. A replay that fails again comes back as a dead letter.
 */
@ApplicationScoped
public class DeadLetterReplayer {

    static final String REPLAYS = "webhook-replays";

    private final DeadLetterRepository deadLetters;
    private final MutinyEmitter<byte[]> replays;
    private final DeadLetterMetrics metrics;

    public DeadLetterReplayer(DeadLetterRepository deadLetters, @Channel(REPLAYS) MutinyEmitter<byte[]> replays,
                              DeadLetterMetrics metrics) {
        this.deadLetters = deadLetters;
        this.replays = replays;
        this.metrics = metrics;
    }

    /** Replays one dead letter of the shop; empty if the shop has no such dead letter. */
    public Uni<Optional<DeadLetterEntity>> replay(String shopDomain, long id) {
        return find(shopDomain, id).chain(found -> found.isEmpty() ? Uni.createFrom().item(found)
                : replayOne(found.get()).map(Optional::of));
    }

    /** Replays every dead letter of the shop still in state dead; returns how many. */
    public Uni<Integer> replayAll(String shopDomain) {
        return Panache.withSession(() -> deadLetters.deadOfShop(shopDomain))
                .chain(letters -> Multi.createFrom().iterable(letters)
                        .onItem().transformToUniAndConcatenate(this::replayOne)
                        .collect().asList()
                        .map(List::size));
    }

    /**
     * Marked replayed before it is republished: a replay that fails again at once is recorded as dead again, and
     * must not be overwritten by a mark that comes later. If the republishing fails, it is dead again.
     */
    private Uni<DeadLetterEntity> replayOne(DeadLetterEntity letter) {
        return mark(letter.id, DeadLetterEntity.REPLAYED)
                .call(() -> republish(letter).onFailure().call(() -> mark(letter.id, DeadLetterEntity.DEAD)));
    }

    /** Marks a dead letter as discarded: it stays visible in the list but no longer counts. */
    public Uni<Optional<DeadLetterEntity>> discard(String shopDomain, long id) {
        return find(shopDomain, id).chain(found -> found.isEmpty() ? Uni.createFrom().item(found)
                : mark(found.get().id, DeadLetterEntity.DISCARDED).map(Optional::of));
    }

    private Uni<Optional<DeadLetterEntity>> find(String shopDomain, long id) {
        return Panache.withSession(() -> deadLetters.findById(id))
                .map(letter -> Optional.ofNullable(letter).filter(found -> found.shopDomain.equals(shopDomain)));
    }

    private Uni<Void> republish(DeadLetterEntity letter) {
        RecordHeaders headers = new RecordHeaders();
        letter.deliveryHeaders.fields().forEachRemaining(header ->
                headers.add(header.getKey(), header.getValue().asText().getBytes(StandardCharsets.UTF_8)));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(letter.recordKey).withHeaders(headers).build();
        return replays.sendMessage(Message.of(letter.payload).addMetadata(metadata))
                .invoke(() -> metrics.replayed(letter.topic));
    }

    private Uni<DeadLetterEntity> mark(long id, String state) {
        return Panache.withTransaction(() -> deadLetters.findById(id).invoke(letter -> {
            letter.state = state;
            letter.stateChangedAt = OffsetDateTime.now();
        }));
    }
}
