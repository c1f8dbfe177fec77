package com.crm.shopifysync.sync.deadletter;

import java.time.OffsetDateTime;
import java.util.Map;

/** A dead letter as read from the dead-letter topic, before it is recorded. */
public record DeadLetter(
        String shopDomain,
        String topic,
        String deduplicationKey,
        String eventId,
        String webhookId,
        String recordKey,
        byte[] payload,
        Map<String, String> deliveryHeaders,
        String reason,
        String exception,
        int attempts,
        String originalPosition,
        String deadLetterPosition,
        OffsetDateTime failedAt) {
}
