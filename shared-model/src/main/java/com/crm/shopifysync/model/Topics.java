package com.crm.shopifysync.model;

/**
 * Kafka topic names, the one place they are spelled. Deployments may prefix every name (the
 * {@code topics.prefix} setting) so that test runs and environments sharing a broker stay apart.
 */
public final class Topics {

    /** Every verified webhook, value = Shopify's body bytes unchanged, metadata in headers. */
    public static final String WEBHOOKS = "shopify.webhooks";

    /**
     * Retry topics of {@link #WEBHOOKS}: a failed event waits in {@code shopify.webhooks.retry_<delay millis>} before
     * its next attempt (Reactive Messaging's delayed-retry-topic strategy reads the delay from the name).
     */
    public static String webhooksRetry(long delayMillis) {
        return WEBHOOKS + ".retry_" + delayMillis;
    }

    /**
     * The entry point of the sync-service's retry channel: nothing is written to it; retried events reach that
     * channel from the {@link #webhooksRetry retry topics} through Reactive Messaging's delayed-retry strategy.
     */
    public static final String WEBHOOKS_RETRY_ENTRY = "shopify.webhooks.retry";

    /** Webhooks that could not be applied, with the reason in {@code dead-letter-*} headers. */
    public static final String WEBHOOKS_DLQ = "shopify.webhooks.dlq";

    private Topics() {
    }
}
