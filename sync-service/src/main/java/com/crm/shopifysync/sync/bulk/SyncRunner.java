package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.sync.shopify.ShopifyAdminClient;
import com.crm.shopifysync.sync.shopify.ShopifyCallFailed;
import com.crm.shopifysync.model.LogFields;
import com.crm.shopifysync.sync.shop.ShopDirectory;
import com.crm.shopifysync.sync.shop.ShopTokens;
import com.crm.shopifysync.sync.shop.ShopifyConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs shops' syncs through Shopify bulk operations: count, export customers, then orders with their line items,
 * stream each file into PostgreSQL with checkpoints, and finish with a summary. A run executes on a worker thread
 * of its own (it blocks on Shopify and on downloads, never on the event loop) while this replica holds its lease;
 * every replica takes over runs whose lease expired, so a crash or a shutdown anywhere resumes elsewhere.
 */
@ApplicationScoped
public class SyncRunner {

    private static final Logger LOG = Logger.getLogger(SyncRunner.class);

    private final ShopifyConfig shopify;
    private final ShopDirectory shops;
    private final ShopTokens tokens;
    private final BulkSyncConfig config;
    private final SyncRunStore store;
    private final BulkWriter writer;
    private final BulkSyncMetrics metrics;
    private final SyncReceipts receipts;
    private final String owner = hostName() + "/" + UUID.randomUUID();
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final ExecutorService workers = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "bulk-sync-" + threadNumber.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "bulk-sync-lease");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<UUID, Future<?>> running = new ConcurrentHashMap<>();
    private final Map<String, Object> finishSignals = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    public SyncRunner(ShopifyConfig shopify, ShopDirectory shops, ShopTokens tokens, BulkSyncConfig config, SyncRunStore store,
                      BulkWriter writer, BulkSyncMetrics metrics, SyncReceipts receipts) {
        this.receipts = receipts;
        this.shopify = shopify;
        this.shops = shops;
        this.tokens = tokens;
        this.config = config;
        this.store = store;
        this.writer = writer;
        this.metrics = metrics;
    }

    /**
     * Starts (or resumes) a sync of the shop; refused when one is running already, on any replica.
     *
     * @param trigger why: initial, manual, scheduled, catch-up, upgrade
     */
    public Uni<SyncRunStore.Started> start(String shop, boolean full, String trigger) {
        return store.start(shop, full, trigger, owner, config.lease(), config.overlap())
                .invoke(started -> started.run().ifPresent(this::execute));
    }

    public boolean stopping() {
        return stopping;
    }

    /** Resumes syncs whose replica stopped renewing their lease (it crashed, or released it on shutdown). */
    @Scheduled(every = "${sync.bulk.takeover-check:5s}", delay = 2, delayUnit = TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> takeOverAbandonedSyncs() {
        if (stopping) {
            return Uni.createFrom().voidItem();
        }
        return store.claimAbandoned(owner, config.lease())
                .invoke(run -> run.ifPresent(claimed -> {
                    LOG.infof("resuming sync %s of %s from its checkpoint (its replica stopped)", claimed.id(), claimed.shopDomain());
                    execute(claimed);
                }))
                .onFailure().invoke(e -> LOG.warnf("looking for abandoned syncs failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** A bulk_operations/finish webhook: a run polling that operation looks at once. */
    public void bulkOperationFinished(String bulkOperationId) {
        Object signal = finishSignals.get(bulkOperationId);
        if (signal != null) {
            synchronized (signal) {
                signal.notifyAll();
            }
        }
    }

    /** Shutdown: runs stop where they are (their last batch is committed) and their leases go to other replicas. */
    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        running.values().forEach(run -> run.cancel(true));
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeats.shutdownNow();
    }

    private void execute(SyncRun run) {
        running.computeIfAbsent(run.id(), id -> workers.submit(() -> {
            try (LogFields fields = LogFields.of(LogFields.SHOP, run.shopDomain(), LogFields.SYNC_ID, run.id())) {
                runToEnd(run);
            }
        }));
    }

    /** Runs the sync while renewing its lease; a lost lease interrupts it, and every write it would make is refused. */
    private void runToEnd(SyncRun run) {
        metrics.started();
        // Once the run ends, a renewal that finds it no longer running must not take it for a lost lease.
        AtomicBoolean ending = new AtomicBoolean();
        var heartbeat = heartbeats.scheduleAtFixedRate(() -> renewLease(run, ending), config.lease().toMillis() / 3,
                config.lease().toMillis() / 3, TimeUnit.MILLISECONDS);
        try {
            ShopDirectory.Shop shop = SyncExecution.await(() -> shops.find(run.shopDomain())).orElseThrow(() ->
                    new ShopifyCallFailed("the shop " + run.shopDomain() + " is neither configured nor connected", true));
            try (ShopifyAdminClient client = new ShopifyAdminClient(run.shopDomain(), shop.adminUrl(), shopify.apiVersion(),
                    tokens.access(shop), config.callAttempts(), config.retryBackoff(), config.callIdleTimeout(), metrics::throttled)) {
                String summary = new SyncExecution(run, owner, store, writer, metrics, config, new ShopifyBulkOperations(client, config),
                        finishSignals, receipts, concurrentExports()).complete(() -> ending.set(true));
                metrics.runEnded("succeeded");
                LOG.infof("%s: %s", run.shopDomain(), summary);
            }
        } catch (LeaseLostException e) {
            LOG.warnf("%s; stopping here", e.getMessage());
        } catch (RuntimeException e) {
            ending.set(true);
            boolean interrupted = Thread.interrupted();
            if (stopping || interrupted) {
                LOG.infof("sync %s of %s stopped by shutdown; another replica resumes it", run.id(), run.shopDomain());
                awaitQuietly(() -> store.release(run.id(), owner));
            } else {
                String reason = e instanceof ShopifyCallFailed ? e.getMessage() : "unexpected failure: " + e;
                LOG.errorf(e instanceof ShopifyCallFailed ? null : e, "sync %s of %s failed: %s", run.id(), run.shopDomain(), reason);
                awaitQuietly(() -> store.failed(run.id(), owner, reason));
                metrics.runEnded("failed");
            }
        } finally {
            heartbeat.cancel(false);
            running.remove(run.id());
            metrics.stopped();
        }
    }

    /** Shopify runs one bulk query per shop and app at a time before API 2026-01, {@code sync.bulk.concurrent-exports} since. */
    private int concurrentExports() {
        return shopify.apiVersion().compareTo("2026-01") < 0 ? 1 : config.concurrentExports();
    }

    private void renewLease(SyncRun run, AtomicBoolean ending) {
        try {
            if (!SyncExecution.await(() -> store.renew(run.id(), owner, config.lease())) && !ending.get()) {
                Future<?> work = running.get(run.id());
                if (work != null) {
                    LOG.warnf("lost the lease of sync %s; stopping here", run.id());
                    work.cancel(true);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("renewing the lease of sync %s failed: %s", run.id(), e.getMessage());
        }
    }

    private static <T> void awaitQuietly(java.util.function.Supplier<Uni<T>> uni) {
        try {
            SyncExecution.await(uni);
        } catch (RuntimeException e) {
            LOG.warnf("recording the end of a sync failed: %s", e.getMessage());
        }
    }

    private static String hostName() {
        return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("sync-service");
    }
}
