package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.model.LogFields;
import com.crm.shopifysync.sync.bulk.BulkQueries.Resource;
import com.crm.shopifysync.sync.shop.ShopifyConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    private static final Set<String> UNFINISHED = Set.of("CREATED", "RUNNING", "CANCELING");

    private final ShopifyConfig shopify;
    private final BulkSyncConfig config;
    private final SyncRunStore store;
    private final BulkWriter writer;
    private final BulkSyncMetrics metrics;
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
    private final HttpClient downloads = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final Map<UUID, Future<?>> running = new ConcurrentHashMap<>();
    private final Map<String, Object> finishSignals = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    public SyncRunner(ShopifyConfig shopify, BulkSyncConfig config, SyncRunStore store, BulkWriter writer, BulkSyncMetrics metrics) {
        this.shopify = shopify;
        this.config = config;
        this.store = store;
        this.writer = writer;
        this.metrics = metrics;
    }

    /** Starts (or resumes) a sync of the shop; refused when one is running already, on any replica. */
    public Uni<SyncRunStore.Started> start(String shop, boolean full) {
        return store.start(shop, full, owner, config.lease(), config.overlap())
                .invoke(started -> started.run().ifPresent(this::execute));
    }

    /** The configured shops, registered in the shops table; those never synced get their initial sync (if so configured). */
    @Scheduled(every = "${sync.bulk.initial-sync-check:30s}", delay = 1, delayUnit = TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> startInitialSyncs() {
        List<ShopifyConfig.Shop> shops = shopify.shops().orElse(List.of());
        if (shops.isEmpty() || stopping) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(shops.stream().map(shop -> store.registerShop(shop.domain(), shop.adminUrlOrDefault(), shopify.apiVersion())
                        .chain(() -> store.neverSynced(shop.domain()))
                        .chain(never -> never && config.initialSyncOnStart() && !stopping ? start(shop.domain(), false).replaceWithVoid() : Uni.createFrom().voidItem()))
                .toList()).usingConcurrencyOf(1).andCollectFailures()
                .onFailure().invoke(e -> LOG.warnf("registering shops or starting initial syncs failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
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

    private void runToEnd(SyncRun run) {
        metrics.started();
        java.util.concurrent.atomic.AtomicBoolean ending = new java.util.concurrent.atomic.AtomicBoolean();
        var heartbeat = heartbeats.scheduleAtFixedRate(() -> {
            if (!ending.get()) {
                renewLease(run);
            }
        }, config.lease().toMillis() / 3, config.lease().toMillis() / 3, TimeUnit.MILLISECONDS);
        Optional<ShopifyConfig.Shop> shop = shopify.shop(run.shopDomain());
        try {
            if (shop.isEmpty()) {
                throw new ShopifyCallFailed("the shop " + run.shopDomain() + " has no access token configured", true);
            }
            try (ShopifyAdminClient client = new ShopifyAdminClient(run.shopDomain(), shop.get().adminUrlOrDefault(),
                    shopify.apiVersion(), shop.get().accessToken(), config.callAttempts(), config.retryBackoff(), metrics::throttled)) {
                SyncRun current = await(() -> store.run(run.id())).orElseThrow();
                if (current.customersTotal() == null) {
                    count(current, client);
                }
                for (Resource resource : Resource.values()) {
                    syncResource(current, resource, client);
                }
                SyncRun counted = await(() -> store.run(run.id())).orElseThrow();
                String summary = String.format(Locale.ROOT, "Sync complete: %,d customers, %,d orders imported",
                        counted.customersSynced(), counted.ordersSynced());
                ending.set(true);
                await(() -> store.succeeded(run.id(), summary));
                metrics.runEnded("succeeded");
                LOG.infof("%s: %s", run.shopDomain(), summary);
            }
        } catch (BulkWriter.LeaseLostException e) {
            LOG.warnf("%s", e.getMessage());
        } catch (RuntimeException e) {
            ending.set(true);
            boolean interrupted = Thread.interrupted();
            if (stopping || interrupted) {
                LOG.infof("sync %s of %s stopped by shutdown; another replica resumes it", run.id(), run.shopDomain());
                awaitQuietly(() -> store.release(run.id(), owner));
            } else {
                String reason = e instanceof ShopifyCallFailed ? e.getMessage() : "unexpected failure: " + e;
                LOG.errorf(e instanceof ShopifyCallFailed ? null : e, "sync %s of %s failed: %s", run.id(), run.shopDomain(), reason);
                awaitQuietly(() -> store.failed(run.id(), reason));
                metrics.runEnded("failed");
            }
        } finally {
            heartbeat.cancel(false);
            running.remove(run.id());
            metrics.stopped();
        }
    }

    private void renewLease(SyncRun run) {
        try {
            if (!await(() -> store.renew(run.id(), owner, config.lease()))) {
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

    private void count(SyncRun run, ShopifyAdminClient client) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("customerQuery", BulkQueries.searchSince(run.customersSince()));
        variables.put("orderQuery", BulkQueries.searchSince(run.ordersSince()));
        JsonObject data = client.call(BulkQueries.COUNTS_AND_SCOPES, variables, 3);
        long customers = data.getJsonObject("customersCount").getJsonNumber("count").longValue();
        long orders = data.getJsonObject("ordersCount").getJsonNumber("count").longValue();
        JsonArray scopes = data.getJsonObject("currentAppInstallation").getJsonArray("accessScopes");
        String[] handles = scopes.stream().map(scope -> ((JsonObject) scope).getString("handle")).toArray(String[]::new);
        boolean limited = !List.of(handles).contains("read_all_orders");
        await(() -> store.totals(run.id(), customers, orders, handles, limited));
    }

    private void syncResource(SyncRun run, Resource resource, ShopifyAdminClient client) {
        SyncOperation operation = await(() -> store.operation(run.id(), resource));
        while (!operation.completed()) {
            if (operation.bulkOperationId() == null) {
                if (operation.restarts() > config.restarts()) {
                    throw new ShopifyCallFailed("the " + resource.field() + " export failed " + operation.restarts()
                            + " times; the sync resumes from its checkpoint when started again", false);
                }
                String id = runBulkQuery(client, resource, operation.cursor() != null ? operation.cursor() : run.since(resource));
                await(() -> store.operationStarted(run.id(), resource, id));
                await(() -> store.phase(run.id(), resource.field()));
                operation = await(() -> store.operation(run.id(), resource));
            }
            JsonObject state = awaitFinished(client, operation.bulkOperationId());
            String status = state.getString("status");
            String url = text(state, "url");
            String partialDataUrl = text(state, "partialDataUrl");
            await(() -> store.operationStatus(run.id(), resource, status, url, partialDataUrl));
            String errorCode = Optional.ofNullable(text(state, "errorCode")).orElse(status);
            if (status.equals("COMPLETED")) {
                if (url == null || download(run, resource, operation, url)) {
                    await(() -> store.operationCompleted(run.id(), resource));
                } else {
                    await(() -> store.operationAbandoned(run.id(), resource));
                }
            } else if (errorCode.equals("ACCESS_DENIED")) {
                // Resuming after the scopes are fixed starts a new export from the checkpoint.
                await(() -> store.operationAbandoned(run.id(), resource));
                throw new ShopifyCallFailed("Shopify denied access to the " + resource.field()
                        + " export (ACCESS_DENIED): check the app's access scopes", true);
            } else {
                // FAILED (INTERNAL_SERVER_ERROR, TIMEOUT), CANCELED or EXPIRED: keep what partial data there is and
                // export the rest again from the last root applied.
                LOG.warnf("%s export of %s ended %s (%s); %s", resource.field(), run.shopDomain(), status, errorCode,
                        partialDataUrl == null ? "exporting again from the checkpoint" : "salvaging its partial data first");
                if (partialDataUrl != null) {
                    download(run, resource, operation, partialDataUrl);
                }
                await(() -> store.operationAbandoned(run.id(), resource));
            }
            operation = await(() -> store.operation(run.id(), resource));
        }
    }

    /** Starts a bulk export; "already in progress" is back-pressure: wait and ask again. */
    private String runBulkQuery(ShopifyAdminClient client, Resource resource, java.time.Instant since) {
        Duration wait = config.pollInitial();
        for (int attempt = 1; ; attempt++) {
            JsonObject payload = client.call(BulkQueries.RUN_QUERY, Map.of("query", BulkQueries.export(resource, since),
                    "groupObjects", config.groupObjects() && resource.hasChildren()), 10).getJsonObject("bulkOperationRunQuery");
            JsonArray userErrors = payload.getJsonArray("userErrors");
            if (userErrors.isEmpty()) {
                return payload.getJsonObject("bulkOperation").getString("id");
            }
            String message = userErrors.stream().map(error -> text((JsonObject) error, "message")).filter(m -> m != null && !m.isBlank())
                    .findFirst().orElse("unknown error");
            String code = text((JsonObject) userErrors.get(userErrors.size() - 1), "code");
            boolean busy = message.contains("already in progress") || "OPERATION_IN_PROGRESS".equals(code) || "LIMIT_REACHED".equals(code);
            if (!busy) {
                throw new ShopifyCallFailed("Shopify refused the " + resource.field() + " export: " + message, true);
            }
            if (attempt >= config.callAttempts() * 4) {
                throw new ShopifyCallFailed("Shopify kept another bulk operation in progress: " + message, false);
            }
            LOG.infof("bulk operation slot of the shop busy (%s); waiting %s", message, wait);
            Pause.sleep(wait);
            wait = min(wait.multipliedBy(2), config.pollMaximum());
        }
    }

    /** Polls the operation until it ends, with backoff; the bulk_operations/finish webhook cuts a wait short. */
    private JsonObject awaitFinished(ShopifyAdminClient client, String id) {
        Duration wait = config.pollInitial();
        Object signal = finishSignals.computeIfAbsent(id, key -> new Object());
        try {
            while (true) {
                JsonObject node = client.call(BulkQueries.POLL, Map.of("id", id), 1).getJsonObject("node");
                if (node == null || node.isNull("status")) {
                    // Gone (another shop's id, or purged): nothing to wait for; export again.
                    return jakarta.json.Json.createObjectBuilder().add("status", "EXPIRED").build();
                }
                if (!UNFINISHED.contains(node.getString("status"))) {
                    return node;
                }
                synchronized (signal) {
                    signal.wait(wait.toMillis());
                }
                wait = min(wait.multipliedBy(2), config.pollMaximum());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShopifyCallFailed("interrupted", e);
        } finally {
            finishSignals.remove(id);
        }
    }

    /**
     * Downloads and applies a file from the first line not yet applied, again after a broken connection.
     *
     * @return false when the URL expired (the results are gone; the caller exports again from the cursor)
     */
    private boolean download(SyncRun run, Resource resource, SyncOperation operation, String url) {
        String lastFailure = null;
        for (int attempt = 1; attempt <= config.downloadAttempts(); attempt++) {
            SyncOperation checkpoint = await(() -> store.operation(run.id(), resource));
            try {
                HttpResponse<InputStream> response = downloads.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    int status = response.statusCode();
                    if (status == 400 || status == 403 || status == 404 || status == 410) {
                        LOG.warnf("the %s file of %s is no longer available (HTTP %d)", resource.field(), run.shopDomain(), status);
                        return false;
                    }
                    if (status != 200) {
                        lastFailure = "HTTP " + status;
                    } else {
                        BulkFileReader reader = new BulkFileReader(run.id(), owner, run.shopDomain(), resource,
                                operation.bulkOperationId(), run.mode().equals(SyncRun.FULL) && resource == Resource.CUSTOMERS,
                                config.batchLines(), batch -> {
                                    Set<Long> attached = writer.apply(batch);
                                    metrics.rowsApplied(resource, batch.rows().size());
                                    return attached;
                                });
                        BulkFileReader.Outcome outcome = reader.read(body, checkpoint.linesApplied());
                        if (outcome.orphanedLineItems() > 0) {
                            LOG.warnf("%d line items of the %s export of %s never met their order (it was not exported or a newer "
                                    + "version replaced it)", outcome.orphanedLineItems(), resource.field(), run.shopDomain());
                        }
                        return true;
                    }
                }
            } catch (IOException e) {
                lastFailure = "download broke: " + e;
                LOG.warnf("the %s download of %s broke at attempt %d; continuing from the checkpoint: %s", resource.field(),
                        run.shopDomain(), attempt, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ShopifyCallFailed("interrupted", e);
            }
            Pause.sleep(config.retryBackoff().multipliedBy(attempt));
        }
        throw new ShopifyCallFailed("the " + resource.field() + " download failed " + config.downloadAttempts() + " times; last: "
                + lastFailure, false);
    }

    private static String text(JsonObject object, String name) {
        JsonValue value = object.get(name);
        return value instanceof JsonString string ? string.getString() : null;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Runs reactive database work from this worker thread and waits for it (on a Vert.x context, as it needs). */
    private static <T> T await(java.util.function.Supplier<Uni<T>> uni) {
        try {
            return VertxContextSupport.subscribeAndAwait(uni);
        } catch (Throwable e) {
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e);
        }
    }

    private static <T> void awaitQuietly(java.util.function.Supplier<Uni<T>> uni) {
        try {
            await(uni);
        } catch (RuntimeException e) {
            LOG.warnf("recording the end of a sync failed: %s", e.getMessage());
        }
    }

    private static String hostName() {
        return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("sync-service");
    }
}
