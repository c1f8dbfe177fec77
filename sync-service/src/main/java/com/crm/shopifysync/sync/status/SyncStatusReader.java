package com.crm.shopifysync.sync.status;

import com.crm.shopifysync.sync.bulk.SyncReceipts;
import com.crm.shopifysync.sync.bulk.SyncRun;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads a shop's {@link SyncStatus}: the one place its state (idle, running, stale, error) is decided. */
@ApplicationScoped
public class SyncStatusReader {

    private final Pool pool;
    private final StatusConfig config;
    private final SyncReceipts receipts;

    public SyncStatusReader(Pool pool, StatusConfig config, SyncReceipts receipts) {
        this.pool = pool;
        this.config = config;
        this.receipts = receipts;
    }

    /** One query (and the receipts' beside it): the status is read for every push, while a sync keeps the database busy. */
    private static final String STATUS = "SELECT s.sync_started_at, s.last_successful_sync_at, s.orders_limited_to_60_days, "
            + "s.connection_state, s.connection_problem, s.disconnected_at, "
            + "(SELECT e.erased_at FROM erased_shops e WHERE e.shop_domain = $1 AND e.reconnected_at IS NULL) AS erased_at, "
            + "CASE WHEN s.subscription_warning_at > now() - interval '24 hours' THEN s.subscription_warning END AS subscription_warning, "
            + "(SELECT count(*) FROM dead_letters d WHERE d.shop_domain = $1 AND d.state = 'dead') AS dead_letter_count, "
            + "r.* FROM (SELECT $1::text AS shop) q "
            + "LEFT JOIN shops s ON s.shop_domain = q.shop "
            + "LEFT JOIN LATERAL (SELECT " + SyncRun.COLUMNS + " FROM sync_runs WHERE shop_domain = $1 ORDER BY started_at DESC LIMIT 1) r ON true";

    /**
     * The status query and the receipts' run side by side on two connections: a push waits for the slower of the two
     * round trips, not for both in turn (while a sync loads the database, each takes tens of milliseconds).
     */
    public Uni<SyncStatus> read(String shop) {
        return Uni.combine().all().unis(pool.preparedQuery(STATUS).execute(Tuple.of(shop)), receipts.latest(shop)).asTuple().map(both -> {
            Row row = both.getItem1().iterator().next();
            List<SyncReceipts.Receipt> receipts = both.getItem2();
            Optional<SyncRun> latest = row.getUUID("id") == null ? Optional.empty() : Optional.of(SyncRun.from(row));
            Shop shopRow = new Shop(SyncRun.instant(row, "last_successful_sync_at"), SyncRun.instant(row, "sync_started_at"),
                    Boolean.TRUE.equals(row.getBoolean("orders_limited_to_60_days")),
                    Optional.ofNullable(row.getString("connection_state")).orElse("connected"), row.getString("connection_problem"),
                    row.getString("subscription_warning"), SyncRun.instant(row, "disconnected_at"), SyncRun.instant(row, "erased_at"));
            return status(shop, shopRow, latest, row.getLong("dead_letter_count"), receipt(receipts), Instant.now());
        });
    }

    /** What the shops table says of the shop (nulls, false and connected for a shop not in it: it has never synced). */
    private record Shop(Instant lastSuccess, Instant cutover, boolean ordersLimitedTo60Days, String connection, String connectionProblem,
                        String subscriptionWarning, Instant disconnectedAt, Instant erasedAt) {
    }

    private SyncStatus status(String shop, Shop shopRow, Optional<SyncRun> latest, long deadLetters, SyncStatus.Receipt receipt,
                              Instant now) {
        Instant lastSuccess = shopRow.lastSuccess();
        Instant cutover = shopRow.cutover();
        List<String> warnings = new ArrayList<>();
        if (shopRow.ordersLimitedTo60Days()) {
            warnings.add("Only the last 60 days of orders are visible: the app lacks the read_all_orders scope");
        }
        if (shopRow.subscriptionWarning() != null) {
            warnings.add(shopRow.subscriptionWarning());
        }
        if (receipt != null && receipt.unexplained() != 0) {
            warnings.add(receiptWarning(receipt));
        }
        String state;
        String reason = null;
        Instant disconnectedAt = null;
        String connection = shopRow.connection();
        if (shopRow.erasedAt() != null && shopRow.disconnectedAt() == null && shopRow.lastSuccess() == null) {
            // no shops row is left of an erased shop
            state = SyncStatus.DISCONNECTED;
            connection = SyncStatus.DISCONNECTED;
            disconnectedAt = shopRow.erasedAt();
            reason = "The shop's data was erased on " + shopRow.erasedAt() + " at Shopify's request (shop/redact, after the app was "
                    + "uninstalled); connect the shop again to sync it anew";
        } else if (SyncStatus.DISCONNECTED.equals(shopRow.connection())) {
            state = SyncStatus.DISCONNECTED;
            disconnectedAt = shopRow.disconnectedAt();
            reason = "Disconnected on " + shopRow.disconnectedAt() + ": the app was uninstalled in Shopify. Its data stays until Shopify "
                    + "asks to erase it (about 48 hours later); connect the shop again to resume syncing";
        } else if ("reconnect".equals(shopRow.connection())) {
            state = SyncStatus.ERROR;
            reason = Optional.ofNullable(shopRow.connectionProblem()).orElse("Shopify refused the shop's token: reconnect the shop");
        } else if (latest.map(run -> run.state() == SyncRun.State.RUNNING).orElse(false)) {
            state = SyncStatus.RUNNING;
        } else if (latest.map(run -> run.state() == SyncRun.State.FAILED).orElse(false)) {
            state = SyncStatus.ERROR;
            reason = "The last sync failed: " + latest.get().failureReason();
        } else if (lastSuccess == null) {
            state = SyncStatus.STALE;
            reason = "No sync has completed yet";
        } else if (lastSuccess.isBefore(now.minus(config.staleAfter()))) {
            state = SyncStatus.STALE;
            reason = "No successful sync for " + hours(Duration.between(lastSuccess, now));
        } else {
            state = SyncStatus.IDLE;
        }
        if (latest.isEmpty()) {
            return new SyncStatus(shop, state, reason, null, null, null, null, null, null, null, null, lastSuccess, cutover,
                    null, null, deadLetters, warnings, connection, receipt, disconnectedAt);
        }
        SyncRun run = latest.get();
        return new SyncStatus(shop, state, reason, run.phase(), run.mode(), run.id().toString(),
                new SyncStatus.Progress(run.customersSynced(), run.customersTotal()),
                new SyncStatus.Progress(run.ordersSynced(), run.ordersTotal()), run.startedAt(), run.progressAt(),
                run.finishedAt(), lastSuccess, cutover, run.summary(), run.failureReason(), deadLetters, warnings, connection, receipt,
                disconnectedAt);
    }

    /** The latest receipts as the status shows them (null before the first). */
    static SyncStatus.Receipt receipt(List<SyncReceipts.Receipt> receipts) {
        Optional<SyncReceipts.Receipt> customers = SyncReceipts.of(receipts, "customers");
        Optional<SyncReceipts.Receipt> orders = SyncReceipts.of(receipts, "orders");
        if (customers.isEmpty() && orders.isEmpty()) {
            return null;
        }
        SyncReceipts.Receipt newest = customers.filter(c -> orders.map(o -> !o.at().isAfter(c.at())).orElse(true)).orElseGet(orders::get);
        return new SyncStatus.Receipt(newest.runId().toString(), newest.at(), customers.map(SyncStatusReader::counts).orElse(null),
                orders.map(SyncStatusReader::counts).orElse(null),
                customers.map(r -> Math.abs(r.unexplained())).orElse(0L) + orders.map(r -> Math.abs(r.unexplained())).orElse(0L));
    }

    static SyncStatus.Counts counts(SyncReceipts.Receipt receipt) {
        return new SyncStatus.Counts(receipt.shopifyCount(), receipt.activeRows(), receipt.softDeleted(), receipt.quarantined(),
                receipt.deadLettered(), receipt.outsideWindow(), receipt.changedDuringSync(), receipt.unexplained());
    }

    private static String receiptWarning(SyncStatus.Receipt receipt) {
        List<String> parts = new ArrayList<>();
        for (var entry : java.util.Map.of("customers", Optional.ofNullable(receipt.customers()), "orders", Optional.ofNullable(receipt.orders()))
                .entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).toList()) {
            entry.getValue().filter(counts -> counts.unexplained() != 0).ifPresent(counts -> parts.add(String.format(java.util.Locale.ROOT,
                    "Shopify counts %,d %s, the CRM has %,d: %,d %s unexplained", counts.shopify(), entry.getKey(), counts.crm(),
                    Math.abs(counts.unexplained()), counts.unexplained() > 0 ? "extra" : "missing")));
        }
        return "The last sync's receipt does not add up: " + String.join("; ", parts);
    }

    private static String hours(Duration duration) {
        long hours = duration.toHours();
        return hours >= 1 ? hours + (hours == 1 ? " hour" : " hours") : duration.toMinutes() + " minutes";
    }
}
