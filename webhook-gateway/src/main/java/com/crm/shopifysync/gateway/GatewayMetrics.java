package com.crm.shopifysync.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * {@code gateway_webhooks_total} by outcome (accepted, rejected, bad_request, unavailable) and reason, and
 * {@code gateway_publish_seconds}: how long Kafka took to acknowledge. Never the body or a secret.
 */
@ApplicationScoped
public class GatewayMetrics {

    private final MeterRegistry registry;
    private final Timer publish;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.publish = Timer.builder("gateway.publish")
                .description("Time from a verified webhook to Kafka's acknowledgement")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    void accepted(Duration publishTime) {
        publish.record(publishTime);
        count("accepted", "none");
    }

    void rejected(ShopifyHmacVerifier.Rejection rejection) {
        count("rejected", rejection.name().toLowerCase(java.util.Locale.ROOT));
    }

    void badRequest(String missingHeader) {
        count("bad_request", missingHeader.toLowerCase(java.util.Locale.ROOT));
    }

    void unavailable() {
        count("unavailable", "kafka");
    }

    private void count(String outcome, String reason) {
        Counter.builder("gateway.webhooks").description("Webhook deliveries by outcome")
                .tag("outcome", outcome).tag("reason", reason).register(registry).increment();
    }
}
