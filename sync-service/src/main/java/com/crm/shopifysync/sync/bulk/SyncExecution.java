package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.sync.shopify.ShopifyCallFailed;
import com.crm.shopifysync.sync.bulk.BulkQueries.Resource;
import com.crm.shopifysync.sync.bulk.ShopifyBulkOperations.Created;
import com.crm.shopifysync.sync.bulk.ShopifyBulkOperations.Finished;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.time.OffsetDateTime;
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

    SyncExecution(SyncRun run, String owner, SyncRunStore store, BulkWriter writer, BulkSyncMetrics metrics, BulkSyncConfig config,
                  ShopifyBulkOperations shopify, Map<String, Object> finishSignals, SyncReceipts receipts) {
        this.receipts = receipts;
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
        }
        for (Resource resource : Resource.values()) {
            sync(current, resource);
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

    /** Moves the resource's operation through its stages until its export is applied. */
    private void sync(SyncRun current, Resource resource) {
        SyncOperation operation = await(() -> store.operation(run.id(), owner, resource));
        while (operation.stage() != SyncOperation.Stage.APPLIED) {
            if (operation.stage() == SyncOperation.Stage.TO_EXPORT) {
                if (operation.restarts() > config.restarts()) {
                    throw new ShopifyCallFailed("the " + resource.field() + " export failed " + operation.restarts()
                            + " times; the sync resumes from its checkpoint when started again", false);
                }
                Created created = shopify.start(resource, operation.cursor() != null ? operation.cursor() : current.since(resource));
                await(() -> store.operationStarted(run.id(), owner, resource, created.id(), created.createdAt()));
                await(() -> store.phase(run.id(), owner, resource.field()));
                operation = await(() -> store.operation(run.id(), owner, resource));
            }
            Finished finished = awaitFinished(operation.bulkOperationId());
            await(() -> store.operationStatus(run.id(), owner, resource, finished.status(), finished.url(), finished.partialDataUrl()));
            if (finished.completed() && !finished.completedWithoutItsFile()) {
                if (finished.url() == null || apply(resource, operation.bulkOperationId(), finished, finished.url(), finished.objectCount())) {
                    await(() -> store.operationCompleted(run.id(), owner, resource));
                } else {
                    await(() -> store.operationAbandoned(run.id(), owner, resource));
                }
            } else if (finished.accessDenied()) {
                // Resuming after the scopes are fixed starts a new export from the checkpoint.
                await(() -> store.operationAbandoned(run.id(), owner, resource));
                throw new ShopifyCallFailed("Shopify denied access to the " + resource.field()
                        + " export (ACCESS_DENIED): check the app's access scopes", true);
            } else {
                // FAILED (INTERNAL_SERVER_ERROR, TIMEOUT), CANCELED, EXPIRED (or completed without its file): keep what partial data there is and
                // export the rest again from the last root applied.
                LOG.warnf("%s export of %s ended %s (%s); %s", resource.field(), run.shopDomain(), finished.status(),
                        finished.errorCode() == null ? finished.status() : finished.errorCode(),
                        finished.partialDataUrl() == null ? "exporting again from the checkpoint" : "salvaging its partial data first");
                if (finished.partialDataUrl() != null) {
                    apply(resource, operation.bulkOperationId(), finished, finished.partialDataUrl(), 0);
                }
                await(() -> store.operationAbandoned(run.id(), owner, resource));
            }
            operation = await(() -> store.operation(run.id(), owner, resource));
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
    private boolean apply(Resource resource, String bulkOperationId, Finished operation, String url, long objects) {
        boolean recordSeen = run.mode().equals(SyncRun.FULL) && resource == Resource.CUSTOMERS;
        // Shopify's operations carry createdAt; should one not, what it exported was observed no later than now.
        OffsetDateTime observedAt = operation.createdAt() != null ? operation.createdAt() : OffsetDateTime.now(ZoneOffset.UTC);
        return download.apply(resource.field() + " export of " + run.shopDomain(), url, objects,
                () -> await(() -> store.operation(run.id(), owner, resource)).linesApplied(),
                (body, skipLines) -> new BulkFileReader(run.id(), owner, run.shopDomain(), resource, bulkOperationId, observedAt, recordSeen,
                        config.batchLines(), batch -> {
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
