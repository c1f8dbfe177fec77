package com.crm.shopifysync.sync.bulk;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bulk sync on {@code /q/metrics}: {@code sync_bulk_rows_applied_total} by resource (rows written from bulk files,
 * re-reads after a resume included), {@code sync_shopify_throttle_wait_seconds} (time spent waiting for Shopify's
 * rate limit), {@code sync_active_syncs} (syncs this replica is running) and {@code sync_runs_total} by outcome.
 * Created at startup, so that the gauge and the timer exist (at zero) before the first sync: alerts see a series.
 */
@Startup
@ApplicationScoped
public class BulkSyncMetrics {

    private final MeterRegistry registry;
    private final Timer throttleWait;
    private final AtomicInteger active = new AtomicInteger();

    public BulkSyncMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.throttleWait = Timer.builder("sync.shopify.throttle.wait")
                .description("Time spent waiting for Shopify's GraphQL rate limit").register(registry);
        registry.gauge("sync.active.syncs", active);
    }

    void rowsApplied(BulkQueries.Resource resource, long rows) {
        Counter.builder("sync.bulk.rows.applied").description("Rows applied from bulk operation files")
                .tag("resource", resource.field()).register(registry).increment(rows);
    }

    void throttled(Duration wait) {
        throttleWait.record(wait);
    }

    void runEnded(String outcome) {
        Counter.builder("sync.runs").description("Sync runs ended, by outcome").tag("outcome", outcome).register(registry).increment();
    }

    void started() {
        active.incrementAndGet();
    }

    void stopped() {
        active.decrementAndGet();
    }
}
