package com.crm.shopifysync.sync.bulk;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * {@code sync_receipt_unexplained_rows{shop, resource}}: the rows the latest receipt of each shop could not explain
 * (absolute), for an alert ({@code > 0}). Read from the database on a schedule, so every replica reports the same
 * figures whichever one took the receipt.
 */
@ApplicationScoped
public class ReceiptMetrics {

    private static final Logger LOG = Logger.getLogger(ReceiptMetrics.class);

    private final SyncReceipts receipts;
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> unexplained = new ConcurrentHashMap<>();

    public ReceiptMetrics(SyncReceipts receipts, MeterRegistry registry) {
        this.receipts = receipts;
        this.registry = registry;
    }

    @Scheduled(every = "${sync.receipt-metrics-refresh:30s}", delay = 3, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return receipts.latestOfEveryShop().invoke(latest -> latest.forEach(receipt -> unexplained
                        .computeIfAbsent(receipt.shop() + "|" + receipt.resource(), key -> register(receipt.shop(), receipt.resource()))
                        .set(Math.abs(receipt.unexplained()))))
                .onFailure().invoke(e -> LOG.debugf("refreshing the receipt metrics failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private AtomicLong register(String shop, String resource) {
        AtomicLong value = new AtomicLong();
        Gauge.builder("sync_receipt_unexplained_rows", value, AtomicLong::get)
                .description("Rows the latest sync receipt of the shop could not explain").tag("shop", shop).tag("resource", resource)
                .register(registry);
        return value;
    }
}
