package com.crm.shopifysync.sync.status;

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

    public SyncStatusReader(Pool pool, StatusConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** One round trip: the status is read for every push, while a sync keeps the database busy. */
    private static final String STATUS = "SELECT s.sync_started_at, s.last_successful_sync_at, s.orders_limited_to_60_days, "
            + "(SELECT count(*) FROM dead_letters d WHERE d.shop_domain = $1 AND d.state = 'dead') AS dead_letter_count, "
            + "r.* FROM (SELECT $1::text AS shop) q "
            + "LEFT JOIN shops s ON s.shop_domain = q.shop "
            + "LEFT JOIN LATERAL (SELECT " + SyncRun.COLUMNS + " FROM sync_runs WHERE shop_domain = $1 ORDER BY started_at DESC LIMIT 1) r ON true";

    public Uni<SyncStatus> read(String shop) {
        return pool.preparedQuery(STATUS).execute(Tuple.of(shop)).map(rows -> {
            Row row = rows.iterator().next();
            Optional<SyncRun> latest = row.getUUID("id") == null ? Optional.empty() : Optional.of(SyncRun.from(row));
            return status(shop, SyncRun.instant(row, "last_successful_sync_at"), SyncRun.instant(row, "sync_started_at"),
                    Boolean.TRUE.equals(row.getBoolean("orders_limited_to_60_days")), latest, row.getLong("dead_letter_count"), Instant.now());
        });
    }

    /** The shop's columns are null (and false) for a shop not in the shops table: it has never synced. */
    private SyncStatus status(String shop, Instant lastSuccess, Instant cutover, boolean ordersLimitedTo60Days,
                              Optional<SyncRun> latest, long deadLetters, Instant now) {
        List<String> warnings = new ArrayList<>();
        if (ordersLimitedTo60Days) {
            warnings.add("Only the last 60 days of orders are visible: the app lacks the read_all_orders scope");
        }
        String state;
        String reason = null;
        if (latest.map(run -> run.state() == SyncRun.State.RUNNING).orElse(false)) {
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
                    null, null, deadLetters, warnings);
        }
        SyncRun run = latest.get();
        return new SyncStatus(shop, state, reason, run.phase(), run.mode(), run.id().toString(),
                new SyncStatus.Progress(run.customersSynced(), run.customersTotal()),
                new SyncStatus.Progress(run.ordersSynced(), run.ordersTotal()), run.startedAt(), run.progressAt(),
                run.finishedAt(), lastSuccess, cutover, run.summary(), run.failureReason(), deadLetters, warnings);
    }

    private static String hours(Duration duration) {
        long hours = duration.toHours();
        return hours >= 1 ? hours + (hours == 1 ? " hour" : " hours") : duration.toMinutes() + " minutes";
    }
}
