package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.sync.bulk.BulkQueries.Resource;
import com.crm.shopifysync.sync.shopify.Pause;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A sync's receipt, per resource: Shopify's own count of the shop's customers (and of the orders the installation may
 * read) next to the CRM's active rows, with every difference explained: rows of a bulk file PostgreSQL refused
 * (quarantined), webhooks dead-lettered whose row is missing, orders the CRM holds from before the 60-day window
 * Shopify counts without {@code read_all_orders}, and what changed while the counts were taken (a difference webhooks in
 * flight settled). What is left is unexplained: a warning, and a metric to alert on.
 */
@ApplicationScoped
public class SyncReceipts {

    /**
     * One resource's receipt.
     *
     * @param unexplained the CRM's active rows less what Shopify's count and the explanations make expected: positive when
     *                    the CRM holds rows it should not, negative when it lacks some
     */
    public record Receipt(UUID runId, String shop, String resource, Instant at, long shopifyCount, long activeRows, long softDeleted, long quarantined,
                          long deadLettered, long outsideWindow, long changedDuringSync, long unexplained) {

        static Receipt from(Row row) {
            return new Receipt(row.getUUID("run_id"), row.getString("shop_domain"), row.getString("resource"), SyncRun.instant(row, "created_at"),
                    row.getLong("shopify_count"), row.getLong("active_rows"), row.getLong("soft_deleted"), row.getLong("quarantined"),
                    row.getLong("dead_lettered"), row.getLong("outside_window"), row.getLong("changed_during_sync"), row.getLong("unexplained"));
        }
    }

    /** The CRM's side of a receipt, counted in one statement. */
    private record Ours(long active, long softDeleted, long quarantined, long deadLettered, long outsideWindow) {

        long expectedFrom(long shopifyCount) {
            return shopifyCount - quarantined - deadLettered + outsideWindow;
        }
    }

    private static final String COLUMNS = "run_id, shop_domain, resource, created_at, shopify_count, active_rows, soft_deleted, quarantined, "
            + "dead_lettered, outside_window, changed_during_sync, unexplained";

    private final Pool pool;
    private final SyncRunStore store;

    public SyncReceipts(Pool pool, SyncRunStore store) {
        this.pool = pool;
        this.store = store;
    }

    /**
     * Takes and stores the run's receipts (blocking, on the sync's worker thread, after the run succeeded): compares up to
     * {@code attempts} times while a difference remains, {@code settle} apart.
     */
    List<Receipt> take(SyncRun run, ShopifyBulkOperations shopify, BulkSyncConfig config) {
        long[] firstUnexplained = new long[Resource.values().length];
        // per resource, the comparison that came closest: a difference webhooks in flight settle is not kept
        Receipt[] best = new Receipt[Resource.values().length];
        for (int attempt = 1; attempt <= config.receiptAttempts(); attempt++) {
            ShopifyBulkOperations.Counts shopifyCounts = shopify.totals();
            boolean settled = true;
            for (Resource resource : Resource.values()) {
                int index = resource.ordinal();
                long shopifyCount = resource == Resource.CUSTOMERS ? shopifyCounts.customers() : shopifyCounts.orders();
                Ours ours = SyncExecution.await(() -> ours(run.shopDomain(), resource));
                long unexplained = ours.active() - ours.expectedFrom(shopifyCount);
                if (attempt == 1) {
                    firstUnexplained[index] = unexplained;
                }
                if (best[index] == null || Math.abs(unexplained) <= Math.abs(best[index].unexplained())) {
                    best[index] = new Receipt(run.id(), run.shopDomain(), resource.field(), Instant.now(), shopifyCount, ours.active(),
                            ours.softDeleted(), ours.quarantined(), ours.deadLettered(), ours.outsideWindow(),
                            Math.abs(firstUnexplained[index] - unexplained), unexplained);
                }
                settled &= best[index].unexplained() == 0;
            }
            if (settled) {
                break;
            }
            if (attempt < config.receiptAttempts()) {
                Pause.sleep(config.receiptSettle());
            }
        }
        List<Receipt> receipts = new ArrayList<>();
        for (Receipt receipt : best) {
            SyncExecution.await(() -> store(run.shopDomain(), receipt));
            receipts.add(receipt);
        }
        // Customers the CRM holds that Shopify no longer counts: a customers/delete was lost, and only a full sync's
        // sweep finds them; it runs by itself (unless this was one).
        Receipt customers = receipts.get(Resource.CUSTOMERS.ordinal());
        if (customers.unexplained() > 0 && !run.mode().equals(SyncRun.FULL)) {
            SyncExecution.await(() -> store.fullSyncDue(run.shopDomain(), "receipt"));
        }
        return receipts;
    }

    /** The latest receipt of each resource of the shop. */
    public Uni<List<Receipt>> latest(String shop) {
        return pool.preparedQuery("SELECT DISTINCT ON (resource) " + COLUMNS + " FROM sync_receipts WHERE shop_domain = $1 "
                + "ORDER BY resource, created_at DESC").execute(Tuple.of(shop)).map(SyncReceipts::receipts);
    }

    /** The receipts of these runs. */
    public Uni<List<Receipt>> ofRuns(List<UUID> runs) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM sync_receipts WHERE run_id = ANY($1)")
                .execute(Tuple.of(runs.toArray(UUID[]::new))).map(SyncReceipts::receipts);
    }

    /** The unexplained rows of every shop's latest receipts, for the metric. */
    public Uni<List<Receipt>> latestOfEveryShop() {
        return pool.query("SELECT DISTINCT ON (shop_domain, resource) " + COLUMNS + " FROM sync_receipts "
                + "ORDER BY shop_domain, resource, created_at DESC").execute().map(SyncReceipts::receipts);
    }

    private static List<Receipt> receipts(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<Receipt> receipts = new ArrayList<>();
        rows.forEach(row -> receipts.add(Receipt.from(row)));
        return receipts;
    }

    private Uni<Void> store(String shop, Receipt receipt) {
        return pool.preparedQuery("INSERT INTO sync_receipts (" + COLUMNS + ") VALUES ($1, $11, $2, now(), $3, $4, $5, $6, $7, $8, "
                        + "$9, $10) ON CONFLICT (run_id, resource) DO NOTHING")
                .execute(Tuple.tuple().addUUID(receipt.runId()).addString(receipt.resource()).addLong(receipt.shopifyCount())
                        .addLong(receipt.activeRows()).addLong(receipt.softDeleted()).addLong(receipt.quarantined())
                        .addLong(receipt.deadLettered()).addLong(receipt.outsideWindow()).addLong(receipt.changedDuringSync())
                        .addLong(receipt.unexplained()).addString(shop))
                .replaceWithVoid();
    }

    /**
     * The CRM's rows of the resource: active, soft-deleted, and what explains a row missing (quarantined bulk rows,
     * dead-lettered webhooks, of rows absent) or one too many (orders older than the 60-day window Shopify counts in).
     */
    private Uni<Ours> ours(String shop, Resource resource) {
        String table = resource.field();
        String gid = resource == Resource.CUSTOMERS ? "Customer" : "Order";
        String topics = resource == Resource.CUSTOMERS ? "'customers/create', 'customers/update'" : "'orders/create', 'orders/updated'";
        String outsideWindow = resource == Resource.CUSTOMERS ? "0"
                : "CASE WHEN (SELECT orders_limited_to_60_days FROM shops WHERE shop_domain = $1) THEN (SELECT count(*) FROM orders o "
                + "WHERE o.shop_domain = $1 AND o.deleted_at IS NULL AND o.shopify_created_at < now() - interval '60 days') ELSE 0 END";
        // active as the API lists them: not deleted, and not a placeholder whose record never arrived
        String sql = "SELECT (SELECT count(*) FROM " + table + " WHERE shop_domain = $1 AND deleted_at IS NULL "
                + "AND shopify_updated_at IS NOT NULL) AS active, "
                + "(SELECT count(*) FROM " + table + " WHERE shop_domain = $1 AND deleted_at IS NOT NULL) AS soft_deleted, "
                + "(SELECT count(*) FROM dead_letters d WHERE d.shop_domain = $1 AND d.state = 'dead' AND d.topic = 'bulk/" + table + "' "
                + "AND d.deduplication_key LIKE 'bulk:gid://shopify/" + gid + "/%' AND NOT EXISTS (SELECT 1 FROM " + table + " r "
                + "WHERE r.shop_domain = $1 AND r.shopify_id = CAST(substring(d.deduplication_key FROM '[0-9]+$') AS bigint))) AS quarantined, "
                + "(SELECT count(DISTINCT dead_letter_resource_id(d.payload)) FROM dead_letters d WHERE d.shop_domain = $1 AND d.state = 'dead' "
                + "AND d.topic IN (" + topics + ") AND NOT EXISTS (SELECT 1 FROM " + table + " r WHERE r.shop_domain = $1 "
                + "AND r.shopify_id = dead_letter_resource_id(d.payload)) "
                // counted once: a row whose bulk line was quarantined too is counted as quarantined
                + "AND NOT EXISTS (SELECT 1 FROM dead_letters q WHERE q.shop_domain = $1 AND q.state = 'dead' AND q.topic = 'bulk/" + table + "' "
                + "AND q.deduplication_key = 'bulk:gid://shopify/" + gid + "/' || dead_letter_resource_id(d.payload))) AS dead_lettered, "
                + "(" + outsideWindow + ") AS outside_window";
        return pool.preparedQuery(sql).execute(Tuple.of(shop)).map(rows -> {
            Row row = rows.iterator().next();
            return new Ours(row.getLong("active"), row.getLong("soft_deleted"), row.getLong("quarantined"), row.getLong("dead_lettered"),
                    row.getLong("outside_window"));
        });
    }

    /** The receipt of the resource among these, if any. */
    public static Optional<Receipt> of(List<Receipt> receipts, String resource) {
        return receipts.stream().filter(receipt -> receipt.resource().equals(resource)).findFirst();
    }
}
