package com.crm.shopifysync.sync.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What happened to consumed webhooks, on {@code /q/metrics}: {@code sync_webhook_events_total} by topic and
 * outcome (applied: committed, including duplicates and older versions that changed nothing; dead_lettered), and
 * {@code sync_webhook_database_retries_total} while the database is unavailable.
 */
@ApplicationScoped
public class WebhookMetrics {

    private final MeterRegistry registry;
    private final Counter databaseRetries;

    public WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.databaseRetries = Counter.builder("sync.webhook.database.retries")
                .description("Attempts to apply a webhook that failed because the database was unavailable")
                .register(registry);
    }

    void applied(String topic) {
        outcome(topic, "applied");
    }

    void deadLettered(String topic) {
        outcome(topic, "dead_lettered");
    }

    void databaseRetry() {
        databaseRetries.increment();
    }

    private void outcome(String topic, String outcome) {
        Counter.builder("sync.webhook.events")
                .description("Consumed webhook events by outcome")
                .tag("topic", topic)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }
}
