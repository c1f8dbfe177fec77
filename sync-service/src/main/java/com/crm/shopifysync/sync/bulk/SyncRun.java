package com.crm.shopifysync.sync.bulk;

import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/** One sync of one shop, as the {@code sync_runs} table holds it. */
public record SyncRun(UUID id, String shopDomain, String mode, String state, String phase, Instant startedAt,
                      Instant finishedAt, Instant customersSince, Instant ordersSince, Long customersTotal, Long ordersTotal,
                      long customersSynced, long ordersSynced, Instant progressAt, String summary, String failureReason) {

    public static final String INITIAL = "initial";
    public static final String INCREMENTAL = "incremental";
    public static final String FULL = "full";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    public static final String COLUMNS = "id, shop_domain, mode, state, phase, started_at, finished_at, customers_since, orders_since, "
            + "customers_total, orders_total, customers_synced, orders_synced, progress_at, summary, failure_reason";

    public static SyncRun from(Row row) {
        return new SyncRun(row.getUUID("id"), row.getString("shop_domain"), row.getString("mode"), row.getString("state"),
                row.getString("phase"), instant(row, "started_at"), instant(row, "finished_at"), instant(row, "customers_since"),
                instant(row, "orders_since"), row.getLong("customers_total"), row.getLong("orders_total"),
                row.getLong("customers_synced"), row.getLong("orders_synced"), instant(row, "progress_at"), row.getString("summary"),
                row.getString("failure_reason"));
    }

    public static Instant instant(Row row, String column) {
        return Optional.ofNullable(row.getOffsetDateTime(column)).map(OffsetDateTime::toInstant).orElse(null);
    }

    public Instant since(BulkQueries.Resource resource) {
        return resource == BulkQueries.Resource.CUSTOMERS ? customersSince : ordersSince;
    }
}
