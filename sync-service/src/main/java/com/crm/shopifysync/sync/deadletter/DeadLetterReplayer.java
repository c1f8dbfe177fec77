package com.crm.shopifysync.sync.deadletter;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
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

    /** What became of a replay asked for. */
    public record Replay(Result result, DeadLetterEntity letter) {

        public enum Result { REPLAYED, NOT_FOUND, NOT_REPLAYABLE }
    }

    /** How many dead letters' ids a replay-all reads at a time; their payloads are read one at a time. */
    private static final int IDS_PER_READ = 100;

    /** Replays one dead letter of the shop. */
    public Uni<Replay> replay(String shopDomain, long id) {
        return find(shopDomain, id).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new Replay(Replay.Result.NOT_FOUND, null));
            }
            if (!DeadLetterView.isReplayable(found.get().topic)) {
                return Uni.createFrom().item(new Replay(Replay.Result.NOT_REPLAYABLE, found.get()));
            }
            return replayOne(found.get()).map(letter -> new Replay(Replay.Result.REPLAYED, letter));
        });
    }

    /**
     * Replays every replayable dead letter of the shop still in state dead; returns how many. One payload (up to 5 MiB)
     * is in memory at a time, however many there are.
     */
    public Uni<Integer> replayAll(String shopDomain) {
        return replayAllAfter(shopDomain, 0, 0);
    }

    private Uni<Integer> replayAllAfter(String shopDomain, long afterId, int replayedSoFar) {
        return Panache.withSession(() -> deadLetters.replayableIds(shopDomain, afterId, IDS_PER_READ)).chain(ids -> {
            if (ids.isEmpty()) {
                return Uni.createFrom().item(replayedSoFar);
            }
            return Multi.createFrom().iterable(ids)
                    .onItem().transformToUniAndConcatenate(id -> find(shopDomain, id)
                            .chain(found -> found.filter(letter -> DeadLetterEntity.DEAD.equals(letter.state))
                                    .map(letter -> replayOne(letter).replaceWith(1)).orElse(Uni.createFrom().item(0))))
                    .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue))
                    .chain(replayed -> replayAllAfter(shopDomain, ids.get(ids.size() - 1), replayedSoFar + replayed));
        });
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
