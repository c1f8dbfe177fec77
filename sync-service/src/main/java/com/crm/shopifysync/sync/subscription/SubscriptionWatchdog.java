package com.crm.shopifysync.sync.subscription;

import com.crm.shopifysync.sync.bulk.BulkSyncConfig;
import com.crm.shopifysync.sync.bulk.SyncRunStore;
import com.crm.shopifysync.sync.shop.ShopDirectory;
import com.crm.shopifysync.sync.shop.ShopTokens;
import com.crm.shopifysync.sync.shop.ShopifyConfig;
import com.crm.shopifysync.sync.shopify.ShopifyAdminClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps every shop's webhook subscriptions in place (when {@code SHOPIFY_WEBHOOKS_URL} says where they point): on
 * connect, and every {@code shopify.subscriptions-check} (one replica per shop and interval). A subscription found
 * missing after the first registration is re-created, and since its webhooks were lost meanwhile, it is a warning on the
 * shop's status, a metric ({@code sync_webhook_subscriptions_recreated_total}) and a catch-up sync.
 */
@ApplicationScoped
public class SubscriptionWatchdog {

    private static final Logger LOG = Logger.getLogger(SubscriptionWatchdog.class);

    private final ShopifyConfig shopify;
    private final ShopDirectory shops;
    private final ShopTokens tokens;
    private final BulkSyncConfig bulk;
    private final SyncRunStore runs;
    private final Pool pool;
    private final MeterRegistry metrics;
    private volatile boolean stopping;

    public SubscriptionWatchdog(ShopifyConfig shopify, ShopDirectory shops, ShopTokens tokens, BulkSyncConfig bulk, SyncRunStore runs,
                                Pool pool, MeterRegistry metrics) {
        this.shopify = shopify;
        this.shops = shops;
        this.tokens = tokens;
        this.bulk = bulk;
        this.runs = runs;
        this.pool = pool;
        this.metrics = metrics;
    }

    @Scheduled(every = "${shopify.subscriptions-check:30m}", delay = 5, delayUnit = TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> checkAll() {
        if (shopify.webhooksUrl().isEmpty() || stopping) {
            return Uni.createFrom().voidItem();
        }
        return shops.all().chain(all -> Uni.join().all(all.stream().filter(ShopDirectory.Shop::connected)
                        .map(shop -> claim(shop.domain()).chain(claimed -> claimed ? check(shop) : Uni.createFrom().voidItem())).toList())
                        .usingConcurrencyOf(1).andCollectFailures().replaceWithVoid())
                .onFailure().invoke(e -> LOG.warnf("checking webhook subscriptions failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Registers a newly connected shop's subscriptions now (nothing was missed yet: no warning, no catch-up). */
    public Uni<Void> registerNow(ShopDirectory.Shop shop) {
        if (shopify.webhooksUrl().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("UPDATE shops SET subscriptions_checked_at = now() WHERE shop_domain = $1").execute(Tuple.of(shop.domain()))
                .chain(() -> check(shop));
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** Takes the shop's check for this interval: false when another replica took it. */
    private Uni<Boolean> claim(String shop) {
        // A little under the interval, so a replica's timer drifting a few ms late does not skip a turn.
        long interval = shopify.subscriptionsCheck().toMillis() * 9 / 10;
        return pool.preparedQuery("UPDATE shops SET subscriptions_checked_at = now() WHERE shop_domain = $1 AND "
                        + "(subscriptions_checked_at IS NULL OR subscriptions_checked_at < now() - $2 * interval '1 millisecond')")
                .execute(Tuple.of(shop, interval)).map(rows -> rows.rowCount() == 1);
    }

    private Uni<Void> check(ShopDirectory.Shop shop) {
        String uri = shopify.webhooksUrl().orElseThrow();
        return Uni.createFrom().item(() -> {
                    try (ShopifyAdminClient client = new ShopifyAdminClient(shop.domain(), shop.adminUrl(), shopify.apiVersion(),
                            tokens.access(shop), bulk.callAttempts(), bulk.retryBackoff(), bulk.callIdleTimeout(), wait -> { })) {
                        return WebhookSubscriptions.ensure(client, uri);
                    }
                }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(created -> recordCheck(shop.domain(), created))
                .onFailure().invoke(e -> LOG.warnf("checking the webhook subscriptions of %s failed: %s", shop.domain(), e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> recordCheck(String shop, List<String> created) {
        return pool.preparedQuery("UPDATE shops SET subscriptions_registered_at = COALESCE(subscriptions_registered_at, now()) "
                        + "WHERE shop_domain = $1 RETURNING (subscriptions_registered_at < now()) AS registered_before")
                .execute(Tuple.of(shop)).chain(rows -> {
                    boolean registeredBefore = rows.size() == 1 && Boolean.TRUE.equals(rows.iterator().next().getBoolean(0));
                    if (created.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    if (!registeredBefore) {
                        LOG.infof("subscribed %s to %d webhook topics", shop, created.size());
                        return Uni.createFrom().voidItem();
                    }
                    created.forEach(topic -> metrics.counter("sync_webhook_subscriptions_recreated_total", "topic", topic).increment());
                    String warning = "Webhooks for " + String.join(", ", created) + " were missing and have been re-created at "
                            + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "; a catch-up sync brings what they missed";
                    LOG.warnf("%s: %s", shop, warning);
                    return pool.preparedQuery("UPDATE shops SET subscription_warning = $2, subscription_warning_at = now() WHERE shop_domain = $1")
                            .execute(Tuple.of(shop, warning))
                            .chain(() -> runs.requestCatchUp(shop, "webhook subscriptions re-created"));
                });
    }
}
