package com.crm.shopifysync.sync.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class DeadLetterRepository implements PanacheRepositoryBase<DeadLetterEntity, Long> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Records a dead letter; the same event dead-lettered again (after a replay) updates its row and adds its
     * attempts. Reading the same dead-letter record twice (after a restart) changes nothing the second time.
     */
    private static final String RECORD = "INSERT INTO dead_letters AS existing (shop_domain, topic, deduplication_key, event_id, "
            + "webhook_id, record_key, payload, delivery_headers, reason, exception, attempts, original_position, dead_letter_position, "
            + "first_failed_at, last_failed_at, state, state_changed_at) VALUES (CAST(:shop AS text), CAST(:topic AS text), "
            + "CAST(:dedup AS text), CAST(:event_id AS text), CAST(:webhook_id AS text), CAST(:record_key AS text), CAST(:payload AS bytea), "
            + "CAST(CAST(:headers AS text) AS jsonb), CAST(:reason AS text), CAST(:exception AS text), CAST(:attempts AS integer), "
            + "CAST(:original_position AS text), CAST(:dlq_position AS text), CAST(:failed_at AS timestamptz), "
            + "CAST(:failed_at AS timestamptz), 'dead', now()) "
            + "ON CONFLICT (shop_domain, topic, deduplication_key) DO UPDATE SET reason = EXCLUDED.reason, exception = EXCLUDED.exception, "
            + "attempts = existing.attempts + EXCLUDED.attempts, original_position = EXCLUDED.original_position, "
            + "dead_letter_position = EXCLUDED.dead_letter_position, last_failed_at = EXCLUDED.last_failed_at, "
            + "state = 'dead', state_changed_at = now() "
            + "WHERE existing.dead_letter_position <> EXCLUDED.dead_letter_position";

    /**
     * Records the dead letter in the caller's transaction, under the shop's lock (shared, V9's lock_shop): one recorded
     * while a redaction of its customer runs is recorded after it, and then refused by the trigger, never left behind.
     */
    public Uni<Void> record(DeadLetter letter) {
        return getSession().chain(session -> session.createNativeQuery("SELECT lock_shop(:shop, false)").setParameter("shop", letter.shopDomain())
                        .getResultList())
                .chain(() -> getSession()).chain(session -> session.createNativeQuery(RECORD)
                .setParameter("shop", letter.shopDomain())
                .setParameter("topic", letter.topic())
                .setParameter("dedup", letter.deduplicationKey())
                .setParameter("event_id", letter.eventId())
                .setParameter("webhook_id", letter.webhookId())
                .setParameter("record_key", letter.recordKey())
                .setParameter("payload", letter.payload())
                .setParameter("headers", json(letter))
                .setParameter("reason", letter.reason())
                .setParameter("exception", letter.exception())
                .setParameter("attempts", letter.attempts())
                .setParameter("original_position", letter.originalPosition())
                .setParameter("dlq_position", letter.deadLetterPosition())
                .setParameter("failed_at", letter.failedAt())
                .executeUpdate()
                .replaceWithVoid());
    }

    /** At most this much of each payload is listed; the whole payload is one dead letter's own resource. */
    public static final int LISTED_PAYLOAD_BYTES = 64 * 1024;

    private static final String LIST = "SELECT id, shop_domain, topic, event_id, webhook_id, reason, exception, attempts, "
            + "original_position, first_failed_at, last_failed_at, state, state_changed_at, CAST(delivery_headers AS text), "
            + "substring(payload FROM 1 FOR " + LISTED_PAYLOAD_BYTES + "), octet_length(payload) FROM dead_letters "
            + "WHERE shop_domain = :shop AND (:state = 'all' OR state = :state) ORDER BY last_failed_at DESC, id DESC "
            + "LIMIT :size OFFSET :offset";

    /**
     * A page of the shop's dead letters, newest first, each with at most {@link #LISTED_PAYLOAD_BYTES} of its payload: a
     * page of letters of up to 5 MiB each would otherwise be read into memory whole.
     */
    public Uni<List<DeadLetterView>> listByShop(String shopDomain, String state, int page, int size) {
        return getSession().chain(session -> session.createNativeQuery(LIST, Object[].class)
                .setParameter("shop", shopDomain).setParameter("state", state).setParameter("size", size)
                .setParameter("offset", (long) page * size).getResultList())
                .map(rows -> rows.stream().map(DeadLetterView::of).toList());
    }

    /** The ids of the shop's dead letters a replay can send again (webhooks in state dead), after {@code afterId}, in order. */
    public Uni<List<Long>> replayableIds(String shopDomain, long afterId, int limit) {
        return getSession().chain(session -> session.createNativeQuery("SELECT id FROM dead_letters WHERE shop_domain = :shop "
                        + "AND state = 'dead' AND topic NOT LIKE 'bulk/%' AND id > :after ORDER BY id LIMIT :limit", Long.class)
                .setParameter("shop", shopDomain).setParameter("after", afterId).setParameter("limit", limit).getResultList());
    }

    /**
     * The shop's dead letters, in every state, whose payload is about the customer or one of the orders
     * ({@code payload_subjects}), oldest first, whole. Each of the shop's payloads is parsed: fine for a data request,
     * which is rare and reads a shop's few dead letters.
     */
    public Uni<List<DeadLetterEntity>> about(String shopDomain, long customerId, Collection<Long> orderIds) {
        return getSession().chain(session -> session.createNativeQuery("SELECT d.id FROM dead_letters d "
                        + "CROSS JOIN LATERAL payload_subjects(d.topic, d.payload) subject WHERE d.shop_domain = :shop "
                        + "AND (subject.customer_id = :customer OR subject.order_id = ANY (CAST(:orders AS bigint[])))", Long.class)
                .setParameter("shop", shopDomain).setParameter("customer", customerId)
                .setParameter("orders", orderIds.toArray(Long[]::new)).getResultList())
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<DeadLetterEntity>of())
                        : list("id in ?1", Sort.by("firstFailedAt").and("id"), ids));
    }

    public Uni<Long> countByShop(String shopDomain, String state) {
        return "all".equals(state) ? count("shopDomain", shopDomain) : count("shopDomain = ?1 and state = ?2", shopDomain, state);
    }


    private static String json(DeadLetter letter) {
        try {
            return JSON.writeValueAsString(letter.deliveryHeaders());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
