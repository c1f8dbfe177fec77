package com.crm.shopifysync.sync.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * A dead letter as the admin API shows it: the payload as text, exactly as Shopify sent it, up to
 * {@link DeadLetterRepository#LISTED_PAYLOAD_BYTES} in lists ({@code payloadTruncated}; the whole one is at
 * {@code …/dead-letters/{id}/payload}). {@code replayable} is false for a bulk row PostgreSQL refused (topic
 * {@code bulk/…}): it is no webhook, and the next sync reads it again once it is fixed in Shopify.
 */
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
        String payload,
        long payloadBytes,
        boolean payloadTruncated,
        boolean replayable) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static DeadLetterView of(DeadLetterEntity letter) {
        return new DeadLetterView(String.valueOf(letter.id), letter.shopDomain, letter.topic, letter.eventId, letter.webhookId,
                letter.reason, letter.exception, letter.attempts, letter.originalPosition, letter.firstFailedAt,
                letter.lastFailedAt, letter.state, letter.stateChangedAt, letter.deliveryHeaders,
                new String(letter.payload, StandardCharsets.UTF_8), letter.payload.length, false, isReplayable(letter.topic));
    }

    /** A row of {@link DeadLetterRepository#listByShop}'s query. */
    static DeadLetterView of(Object[] row) {
        byte[] head = (byte[]) row[14];
        long size = ((Number) row[15]).longValue();
        String topic = (String) row[2];
        return new DeadLetterView(String.valueOf(row[0]), (String) row[1], topic, (String) row[3], (String) row[4], (String) row[5],
                (String) row[6], ((Number) row[7]).intValue(), (String) row[8], timestamp(row[9]), timestamp(row[10]), (String) row[11],
                timestamp(row[12]), json((String) row[13]), text(head, size > head.length), size, size > head.length, isReplayable(topic));
    }

    static boolean isReplayable(String topic) {
        return !topic.startsWith("bulk/");
    }

    /** The head of a payload as text: a multi-byte character cut at its end is left out rather than garbled. */
    private static String text(byte[] head, boolean cut) {
        int end = head.length;
        if (cut) {
            while (end > 0 && (head[end - 1] & 0xC0) == 0x80) {
                end--;
            }
            if (end > 0 && (head[end - 1] & 0x80) != 0) {
                end--;
            }
        }
        return new String(Arrays.copyOf(head, end), StandardCharsets.UTF_8);
    }

    private static OffsetDateTime timestamp(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime offsetDateTime) {
            return offsetDateTime;
        }
        if (value instanceof java.time.Instant instant) {
            return instant.atOffset(ZoneOffset.UTC);
        }
        return ((java.sql.Timestamp) value).toInstant().atOffset(ZoneOffset.UTC);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
