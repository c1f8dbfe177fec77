package com.crm.shopifysync.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "shopify.webhooks")
public interface GatewayConfig {

    /**
     * The client secrets that may sign webhooks ({@code SHOPIFY_WEBHOOKS_SECRETS}, comma-separated), besides the app's
     * own ({@code SHOPIFY_API_SECRET}): custom apps' secrets, and during a rotation the old one; a delivery signed by any
     * of them is accepted.
     */
    Optional<List<String>> secrets();

    /**
     * A shop whose webhooks were answered 503 for at least this long gets a catch-up sync once Kafka takes events again:
     * Shopify's retries may run out (or come hours late) after a long outage.
     */
    @WithDefault("60s")
    Duration catchUpAfter();

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
