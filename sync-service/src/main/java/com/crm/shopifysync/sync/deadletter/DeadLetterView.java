package com.crm.shopifysync.sync.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;

/** A dead letter as the admin API shows it; the payload as text, exactly as Shopify sent it. */
public record DeadLetterView(
        String id,
        String shopDomain,
        String topic,
        String eventId,
        String webhookId,
        String reason,
        String exception,
        int attempts,
        String originalPosition,
        OffsetDateTime firstFailedAt,
        OffsetDateTime lastFailedAt,
        String state,
        OffsetDateTime stateChangedAt,
        JsonNode deliveryHeaders,
        String payload) {

    static DeadLetterView of(DeadLetterEntity letter) {
        return new DeadLetterView(String.valueOf(letter.id), letter.shopDomain, letter.topic, letter.eventId, letter.webhookId,
                letter.reason, letter.exception, letter.attempts, letter.originalPosition, letter.firstFailedAt,
                letter.lastFailedAt, letter.state, letter.stateChangedAt, letter.deliveryHeaders,
                new String(letter.payload, StandardCharsets.UTF_8));
    }
}
