package com.crm.shopifysync.sync.bulk;

import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/** One sync of one shop, as the {@code sync_runs} table holds it. */
public record SyncRun(UUID id, String shopDomain, String mode, State state, String phase, Instant startedAt,
                      Instant finishedAt, Instant customersSince, Instant ordersSince, Long customersTotal, Long ordersTotal,
                      long customersSynced, long ordersSynced, long rowsQuarantined, Instant progressAt, String summary,
                      String failureReason, String trigger) {

    public static final String INITIAL = "initial";
    public static final String INCREMENTAL = "incremental";
    public static final String FULL = "full";

    /**
     * A run is running (on the replica holding its lease) until it ends, succeeded or failed, exactly once; a failed
     * run may be resumed (running again, from its checkpoints), a succeeded one never changes again.
     */
    public enum State {
        /** Cancelled: its shop was uninstalled under it (neither a success nor a failure; never resumed). */
        RUNNING, SUCCEEDED, FAILED, CANCELLED;

        /** As the {@code sync_runs.state} column and the API spell it. */
        @com.fasterxml.jackson.annotation.JsonValue
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static State of(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }

    public static final String COLUMNS = "id, shop_domain, mode, state, phase, started_at, finished_at, customers_since, orders_since, "
            + "customers_total, orders_total, customers_synced, orders_synced, rows_quarantined, progress_at, summary, failure_reason, trigger";

    public static SyncRun from(Row row) {
        return new SyncRun(row.getUUID("id"), row.getString("shop_domain"), row.getString("mode"), State.of(row.getString("state")),
                row.getString("phase"), instant(row, "started_at"), instant(row, "finished_at"), instant(row, "customers_since"),
                instant(row, "orders_since"), row.getLong("customers_total"), row.getLong("orders_total"),
                row.getLong("customers_synced"), row.getLong("orders_synced"), row.getLong("rows_quarantined"), instant(row, "progress_at"),
                row.getString("summary"), row.getString("failure_reason"), row.getString("trigger"));
    }

    public static Instant instant(Row row, String column) {
        return Optional.ofNullable(row.getOffsetDateTime(column)).map(OffsetDateTime::toInstant).orElse(null);
    }

    public Instant since(BulkQueries.Resource resource) {
        return resource == BulkQueries.Resource.CUSTOMERS ? customersSince : ordersSince;
    }
}
