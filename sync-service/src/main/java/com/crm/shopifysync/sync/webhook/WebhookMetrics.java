package com.crm.shopifysync.sync.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What happened to consumed webhooks, on {@code /q/metrics}: {@code sync_webhook_events_total} by topic and
 * outcome (applied: committed, including duplicates and older versions that changed nothing; retried: sent to a
 * retry topic; dead_lettered), {@code sync_webhook_database_retries_total} while the database is unavailable,
 * {@code sync.webhook.batch.size} (events per transaction), and {@code sync_webhook_latency_seconds}: from the gateway's
 * receipt of a webhook (its {@code received-at} header) to its rows committed, as a histogram an operator can take
 * percentiles of across replicas (what the merchant feels: a change in Shopify showing in the CRM).
 */
@ApplicationScoped
public class WebhookMetrics {

    private final MeterRegistry registry;
    private final Counter databaseRetries;
    private final DistributionSummary batchSize;
    private final Timer latency;

    public WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.batchSize = DistributionSummary.builder("sync.webhook.batch.size")
                .description("Webhook events applied per transaction").register(registry);
        this.latency = Timer.builder("sync.webhook.latency")
                .description("From the gateway's receipt of a webhook to its rows committed in PostgreSQL")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        this.databaseRetries = Counter.builder("sync.webhook.database.retries")
                .description("Attempts to apply a webhook that failed because the database was unavailable")
                .register(registry);
    }

    void applied(String topic) {
        outcome(topic, "applied");
    }

    /** An event received by the gateway at {@code receivedAt} is committed now. */
    void committed(Instant receivedAt) {
        Duration elapsed = Duration.between(receivedAt, Instant.now());
        // another machine's clock may run ahead: a negative time says nothing
        if (!elapsed.isNegative()) {
            latency.record(elapsed);
        }
    }

    void retried(String topic) {
        outcome(topic, "retried");
    }

    void batchApplied(int size) {
        batchSize.record(size);
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
