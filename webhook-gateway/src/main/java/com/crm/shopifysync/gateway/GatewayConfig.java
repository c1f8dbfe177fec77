package com.crm.shopifysync.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

@ConfigMapping(prefix = "shopify.webhooks")
public interface GatewayConfig {

    /**
     * The app's client secrets that may sign webhooks ({@code SHOPIFY_WEBHOOKS_SECRETS}, comma-separated).
     * During a rotation list the new and the old one; a delivery signed by either is accepted.
     */
    List<String> secrets();

    /**
     * How long a delivery may wait for Kafka's acknowledgement before it is answered 503. Well under
     * Shopify's 5 s timeout, so Shopify sees the 503 and retries rather than timing out.
     */
    @WithDefault("2500ms")
    Duration publishTimeout();

    /** The {@code Retry-After} sent with a 503. */
    @WithDefault("10s")
    Duration retryAfter();
}
