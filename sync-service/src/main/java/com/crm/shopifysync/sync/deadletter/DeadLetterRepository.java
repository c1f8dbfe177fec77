package com.crm.shopifysync.sync.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
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

    public Uni<Void> record(DeadLetter letter) {
        return getSession().chain(session -> session.createNativeQuery(RECORD)
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

    public Uni<List<DeadLetterEntity>> listByShop(String shopDomain, String state, Page page) {
        Sort newestFirst = Sort.by("lastFailedAt", Sort.Direction.Descending).and("id", Sort.Direction.Descending);
        return "all".equals(state)
                ? find("shopDomain", newestFirst, shopDomain).page(page).list()
                : find("shopDomain = ?1 and state = ?2", newestFirst, shopDomain, state).page(page).list();
    }

    public Uni<Long> countByShop(String shopDomain, String state) {
        return "all".equals(state) ? count("shopDomain", shopDomain) : count("shopDomain = ?1 and state = ?2", shopDomain, state);
    }

    public Uni<List<DeadLetterEntity>> deadOfShop(String shopDomain) {
        return list("shopDomain = ?1 and state = ?2", Sort.by("id"), shopDomain, DeadLetterEntity.DEAD);
    }

    private static String json(DeadLetter letter) {
        try {
            return JSON.writeValueAsString(letter.deliveryHeaders());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
