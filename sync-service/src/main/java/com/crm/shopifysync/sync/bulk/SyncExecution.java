package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.sync.shopify.ShopifyCallFailed;
import com.crm.shopifysync.sync.bulk.BulkQueries.Resource;
import com.crm.shopifysync.sync.bulk.ShopifyBulkOperations.Created;
import com.crm.shopifysync.sync.bulk.ShopifyBulkOperations.Finished;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import com.crm.shopifysync.model.LogFields;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One run of a sync, from where its checkpoints stand to its end: count (once), then each resource through the
 * stages of its operation (see {@link SyncOperation.Stage}), then the summary. Every write is conditional on this
 * replica still holding the run; when it does not, the run stops here without writing ({@link LeaseLostException}).
 * Blocking, on a worker thread of its own.
 */
final class SyncExecution {

    private static final Logger LOG = Logger.getLogger(SyncExecution.class);

    private final SyncRun run;
    private final String owner;
    private final SyncRunStore store;
    private final BulkWriter writer;
    private final BulkSyncMetrics metrics;
    private final BulkSyncConfig config;
    private final ShopifyBulkOperations shopify;
    private final BulkDownload download;
    private final Map<String, Object> finishSignals;
    private final SyncReceipts receipts;
    private final int concurrentExports;
    private final ExportSlots slots = new ExportSlots();

    /**
     * @param concurrentExports how many bulk operations the shop's API version lets one app run at once (Shopify: one
     *                          before 2026-01, five since); a large orders export is cut into that many slices
     */
    SyncExecution(SyncRun run, String owner, SyncRunStore store, BulkWriter writer, BulkSyncMetrics metrics, BulkSyncConfig config,
                  ShopifyBulkOperations shopify, Map<String, Object> finishSignals, SyncReceipts receipts, int concurrentExports) {
        this.receipts = receipts;
        this.concurrentExports = Math.max(1, concurrentExports);
        this.run = run;
        this.owner = owner;
        this.store = store;
        this.writer = writer;
        this.metrics = metrics;
        this.config = config;
        this.shopify = shopify;
        this.download = new BulkDownload(config);
        this.finishSignals = finishSignals;
    }

    /**
     * Runs the sync to its end; returns the summary it ended with.
     *
     * @param ending told just before the run is ended
     */
    String complete(Runnable ending) {
        SyncRun current = await(() -> store.run(run.id())).orElseThrow();
        if (current.customersTotal() == null) {
            ShopifyBulkOperations.Counts counts = shopify.counts(current.customersSince(), current.ordersSince());
            await(() -> store.totals(run.id(), owner, counts.customers(), counts.orders(), counts.scopes(), counts.ordersLimitedTo60Days()));
            current = await(() -> store.run(run.id())).orElseThrow();
        }
        List<SyncOperation> planned = await(() -> store.operations(run.id()));
        if (Arrays.stream(Resource.values()).anyMatch(resource -> planned.stream().noneMatch(o -> o.resource() == resource))) {
            List<SyncRunStore.PlannedSlice> slices = plan(current);
            syncAll(current, await(() -> store.plan(run.id(), owner, slices)));
        } else {
            syncAll(current, planned);
        }
        SyncRun counted = await(() -> store.run(run.id())).orElseThrow();
        String summary = String.format(Locale.ROOT, "Sync complete: %,d customers, %,d orders imported", counted.customersSynced(),
                counted.ordersSynced());
        if (counted.rowsQuarantined() > 0) {
            summary += String.format(Locale.ROOT, ", %,d %s quarantined (see the failed events)", counted.rowsQuarantined(),
                    counted.rowsQuarantined() == 1 ? "row" : "rows");
        }
        String ended = summary;
        ending.run();
        SyncRun succeeded = await(() -> store.succeeded(run.id(), owner, ended));
        takeReceipts(succeeded);
        return summary;
    }

    /**
     * The run's receipts, once it succeeded (a full sync's sweep is done): a receipt that cannot be taken (Shopify or the
     * database away) is missing from the history, and the next sync takes its own.
     */
    private void takeReceipts(SyncRun succeeded) {
        try {
            for (SyncReceipts.Receipt receipt : receipts.take(succeeded, shopify, config)) {
                if (receipt.unexplained() != 0) {
                    LOG.warnf("receipt of %s: Shopify counts %d %s, the CRM has %d active; %d unexplained", run.shopDomain(),
                            receipt.shopifyCount(), receipt.resource(), receipt.activeRows(), receipt.unexplained());
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("the receipt of sync %s could not be taken: %s", run.id(), e.getMessage());
        }
    }

    /**
     * The run's slices: customers whole, orders cut by created_at into as many slices as Shopify runs operations at once
     * when there are enough of them ({@code sync.bulk.slice-orders} each at least).
     */
    private List<SyncRunStore.PlannedSlice> plan(SyncRun current) {
        List<SyncRunStore.PlannedSlice> slices = new ArrayList<>();
        slices.add(new SyncRunStore.PlannedSlice(Resource.CUSTOMERS, 0, null, null));
        long orders = current.ordersTotal() == null ? 0 : current.ordersTotal();
        int wanted = config.sliceOrders() <= 0 ? 1 : (int) Math.max(1, Math.min(concurrentExports, orders / config.sliceOrders()));
        List<Instant> bounds = wanted > 1 ? shopify.orderSliceBounds(current.ordersSince(), orders, wanted) : List.of();
        Instant from = null;
        for (int slice = 0; slice <= bounds.size(); slice++) {
            Instant before = slice < bounds.size() ? bounds.get(slice) : null;
            slices.add(new SyncRunStore.PlannedSlice(Resource.ORDERS, slice, from, before));
            from = before;
        }
        if (bounds.size() > 0) {
            LOG.infof("exporting the %,d orders of %s in %d slices by created_at, at most %d bulk operations at once", orders,
                    run.shopDomain(), bounds.size() + 1, concurrentExports);
        }
        return slices;
    }

    /**
     * Every operation not applied yet, all at once when the shop's API version allows more than one (customers first):
     * Shopify keeps at most {@code concurrentExports} of them running, the others wait for a slot ({@link ExportSlots}),
     * and whichever export Shopify finishes first frees its slot while its file is still being applied. The first to fail
     * stops the others where they are (each batch committed with its checkpoint, or not at all) and fails the run, once
     * they have stopped.
     */
    private void syncAll(SyncRun current, List<SyncOperation> operations) {
        List<SyncOperation> pending = operations.stream().filter(o -> o.stage() != SyncOperation.Stage.APPLIED).toList();
        if (concurrentExports <= 1 || pending.size() <= 1) {
            pending.forEach(operation -> sync(current, operation.key(), false, () -> {
            }));
            return;
        }
        // Operations running on Shopify already (a resume, a takeover) hold slots before any new export is asked for.
        pending.stream().filter(o -> o.stage() == SyncOperation.Stage.EXPORTING).forEach(o -> slots.started());
        // New exports are asked for in the plan's order (customers first), one answer before the next question.
        List<SyncOperation.Key> startOrder = pending.stream().filter(o -> o.stage() == SyncOperation.Stage.TO_EXPORT)
                .map(SyncOperation::key).toList();
        Object turns = new Object();
        int[] turn = {0};
        String name = Thread.currentThread().getName();
        AtomicInteger number = new AtomicInteger();
        ExecutorService exports = Executors.newFixedThreadPool(pending.size(),
                task -> new Thread(task, name + "-export-" + number.incrementAndGet()));
        CompletionService<Void> done = new ExecutorCompletionService<>(exports);
        try {
            for (SyncOperation operation : pending) {
                int mine = startOrder.indexOf(operation.key());
                done.submit(() -> {
                    AtomicBoolean passed = new AtomicBoolean(mine < 0);
                    Runnable passTurn = () -> {
                        if (passed.compareAndSet(false, true)) {
                            synchronized (turns) {
                                turn[0]++;
                                turns.notifyAll();
                            }
                        }
                    };
                    try (LogFields fields = LogFields.of(LogFields.SHOP, run.shopDomain(), LogFields.SYNC_ID, run.id())) {
                        synchronized (turns) {
                            while (turn[0] < mine) {
                                turns.wait();
                            }
                        }
                        sync(current, operation.key(), mine < 0, passTurn);
                    } finally {
                        passTurn.run();
                    }
                    return null;
                });
            }
            for (int finished = 0; finished < pending.size(); finished++) {
                done.take().get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShopifyCallFailed("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            stop(exports);
        }
    }

    /**
     * Stops the exports and waits for them: none may still write once the run is released or failed (a resume by this
     * same replica would share their lease). The caller's interrupt, if any, is kept for after the wait.
     */
    private void stop(ExecutorService exports) {
        exports.shutdownNow();
        boolean interrupted = Thread.interrupted();
        try {
            if (!exports.awaitTermination(2, TimeUnit.MINUTES)) {
                LOG.warnf("exports of sync %s still stopping", run.id());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Moves the operation through its stages until its export is applied.
     *
     * @param counted  whether the operation, running on Shopify already, is counted in {@link #slots} by the caller
     * @param started  told once its first export is started (or found started already)
     */
    private void sync(SyncRun current, SyncOperation.Key key, boolean counted, Runnable started) {
        Resource resource = key.resource();
        SyncOperation operation = await(() -> store.operation(run.id(), key));
        while (operation.stage() != SyncOperation.Stage.APPLIED) {
            Finished finished;
            boolean inFlight = counted;
            counted = false;
            try {
                if (operation.stage() == SyncOperation.Stage.TO_EXPORT) {
                    if (operation.restarts() > config.restarts()) {
                        throw new ShopifyCallFailed("the " + key + " export failed " + operation.restarts()
                                + " times; the sync resumes from its checkpoint when started again", false);
                    }
                    Created created = shopify.start(operation, operation.cursor() != null ? operation.cursor() : current.since(resource), slots);
                    slots.started();
                    inFlight = true;
                    started.run();
                    await(() -> store.operationStarted(run.id(), owner, key, created.id(), created.createdAt()));
                    await(() -> store.phase(run.id(), owner, resource.field()));
                    operation = await(() -> store.operation(run.id(), key));
                }
                if (!inFlight) {
                    slots.started();
                    inFlight = true;
                }
                started.run();
                finished = awaitFinished(operation.bulkOperationId());
            } finally {
                if (inFlight) {
                    slots.ended();
                }
            }
            String bulkOperationId = operation.bulkOperationId();
            await(() -> store.operationStatus(run.id(), owner, key, finished.status(), finished.url(), finished.partialDataUrl()));
            if (finished.completed() && !finished.completedWithoutItsFile()) {
                if (finished.url() == null || apply(key, bulkOperationId, finished, finished.url(), finished.objectCount())) {
                    await(() -> store.operationCompleted(run.id(), owner, key));
                } else {
                    await(() -> store.operationAbandoned(run.id(), owner, key));
                }
            } else if (finished.accessDenied()) {
                // Resuming after the scopes are fixed starts a new export from the checkpoint.
                await(() -> store.operationAbandoned(run.id(), owner, key));
                throw new ShopifyCallFailed("Shopify denied access to the " + resource.field()
                        + " export (ACCESS_DENIED): check the app's access scopes", true);
            } else {
                // FAILED (INTERNAL_SERVER_ERROR, TIMEOUT), CANCELED, EXPIRED (or completed without its file): keep what partial data there is and
                // export the rest again from the checkpoint. Not for a resource with children: its partial file may end
                // between an order and some of its line items, so its export starts again where it started (and applying
                // the part would show orders short of line items until then).
                boolean salvage = finished.partialDataUrl() != null && !resource.hasChildren();
                LOG.warnf("%s export of %s ended %s (%s); %s", key, run.shopDomain(), finished.status(),
                        finished.errorCode() == null ? finished.status() : finished.errorCode(),
                        salvage ? "salvaging its partial data first" : "exporting again from the checkpoint");
                if (salvage) {
                    apply(key, bulkOperationId, finished, finished.partialDataUrl(), 0);
                }
                await(() -> store.operationAbandoned(run.id(), owner, key));
            }
            operation = await(() -> store.operation(run.id(), key));
        }
    }

    /** Waits for the operation to end; its bulk_operations/finish webhook (through {@code finishSignals}) cuts a wait short. */
    private Finished awaitFinished(String bulkOperationId) {
        try {
            return shopify.awaitFinished(bulkOperationId, finishSignals.computeIfAbsent(bulkOperationId, id -> new Object()));
        } finally {
            finishSignals.remove(bulkOperationId);
        }
    }

    /**
     * Applies a result file from its checkpoint; false when its URL expired.
     *
     * @param objects the file's lines as Shopify counted them (0 when not known): a file that ends short of them was cut
     *                off, and is downloaded again from the checkpoint (a full sync's sweep must never take a cut file
     *                for the whole export)
     */
    private boolean apply(SyncOperation.Key key, String bulkOperationId, Finished operation, String url, long objects) {
        Resource resource = key.resource();
        boolean recordSeen = run.mode().equals(SyncRun.FULL) && resource == Resource.CUSTOMERS;
        // Shopify's operations carry createdAt; should one not, what it exported was observed no later than now.
        OffsetDateTime observedAt = operation.createdAt() != null ? operation.createdAt() : OffsetDateTime.now(ZoneOffset.UTC);
        return download.apply(key + " export of " + run.shopDomain(), url, objects,
                () -> await(() -> store.operation(run.id(), key)).linesApplied(),
                (body, skipLines) -> new BulkFileReader(run.id(), owner, run.shopDomain(), resource, key.slice(), bulkOperationId, observedAt, recordSeen,
                        new BulkFileReader.BatchLimit(config.batchLines(), config.batchBytes().asLongValue()), batch -> {
                            BulkWriter.Applied applied = writer.apply(batch);
                            metrics.rowsApplied(resource, batch.rows().size() - applied.quarantinedRoots());
                            return applied;
                        }).read(body, skipLines));
    }

    /** Runs reactive database work from this worker thread and waits for it (on a Vert.x context, as it needs). */
    static <T> T await(Supplier<Uni<T>> uni) {
        try {
            return VertxContextSupport.subscribeAndAwait(uni);
        } catch (Throwable e) {
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e);
        }
    }
}
