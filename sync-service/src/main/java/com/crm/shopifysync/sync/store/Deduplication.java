package com.crm.shopifysync.sync.store;

/**
 * Marks a webhook event as processed in the same statement that applies it, so a redelivery
 * (same shop, topic and event id) has no second effect, across restarts and replicas.
 */
public record Deduplication(String topic, String key) {
}
