package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.sync.shop.ShopDirectory;
import com.crm.shopifysync.sync.shop.ShopifyConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The syncs nobody asks for: every shop's initial sync, the full sync an upgrade asks for, a catch-up after webhooks may
 * have been missed (subscriptions re-created, the gateway unavailable), and the scheduled reconciliation: an incremental
 * sync (or the resume of a failed one) once a shop has gone {@code sync.reconcile-every} without one, so a lost webhook
 * heals within that interval even if nobody presses Sync Now. Every replica checks; the one-running-sync-per-shop index
 * starts each once.
 */
@ApplicationScoped
public class SyncSchedule {

    private static final Logger LOG = Logger.getLogger(SyncSchedule.class);

    private final ShopifyConfig shopify;
    private final ShopDirectory shops;
    private final SyncRunStore store;
    private final SyncRunner runner;
    private final BulkSyncConfig config;
    private final Duration reconcileEvery;

    public SyncSchedule(ShopifyConfig shopify, ShopDirectory shops, SyncRunStore store, SyncRunner runner, BulkSyncConfig config,
                        @ConfigProperty(name = "sync.reconcile-every", defaultValue = "6h") Duration reconcileEvery) {
        this.shopify = shopify;
        this.shops = shops;
        this.store = store;
        this.runner = runner;
        this.config = config;
        this.reconcileEvery = reconcileEvery;
    }

    /** Registers the configured shops, then starts the syncs that are due. */
    @Scheduled(every = "${sync.bulk.initial-sync-check:30s}", delay = 1, delayUnit = TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> startDueSyncs() {
        if (runner.stopping()) {
            return Uni.createFrom().voidItem();
        }
        List<ShopifyConfig.Shop> configured = shopify.shops().orElse(List.of());
        return Uni.join().all(configured.stream().map(shop -> store.registerShop(shop.domain(), shop.adminUrlOrDefault(), shopify.apiVersion(),
                        ShopDirectory.fingerprint(shop.accessToken())))
                        .toList()).usingConcurrencyOf(1).andCollectFailures().replaceWithVoid()
                .chain(() -> shops.all())
                .chain(all -> store.due(all.stream().map(ShopDirectory.Shop::domain).toList(), reconcileEvery))
                // without initial-sync-on-start a shop's first sync waits for Sync Now (every other one still runs)
                .map(due -> due.stream().filter(shop -> config.initialSyncOnStart() || !shop.trigger().equals("initial")).toList())
                .chain(due -> due.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(due.stream().map(this::start).toList())
                        .usingConcurrencyOf(1).andCollectFailures().replaceWithVoid())
                .onFailure().invoke(e -> LOG.warnf("starting due syncs failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> start(SyncRunStore.Due due) {
        if (runner.stopping()) {
            return Uni.createFrom().voidItem();
        }
        return runner.start(due.shop(), due.full(), due.trigger())
                .call(started -> started.run().isPresent() && due.trigger().equals("catch-up")
                        ? store.catchUpServed(due.shop(), due.catchUpRequestedAt().orElseThrow()) : Uni.createFrom().voidItem())
                .invoke(started -> started.run().ifPresent(run -> LOG.infof("%s sync of %s started (%s)", run.mode(), due.shop(), due.trigger())))
                .replaceWithVoid();
    }
}
