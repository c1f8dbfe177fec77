package com.crm.shopifysync.sync.bulk;

import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.util.UUID;

/**
 * A run's bulk operation for one slice of a resource (its rows created in {@code [createdFrom, createdBefore)}, open
 * where null) and its checkpoint ({@code sync_operations}).
 */
public record SyncOperation(UUID runId, Key key, Instant createdFrom, Instant createdBefore, String bulkOperationId, String status,
                            String url, String partialDataUrl, long linesApplied, long rowsApplied, Instant cursor, int restarts,
                            boolean completed) {

    /** Which operation of a run: the resource and its slice (0 when the resource is exported whole). */
    public record Key(BulkQueries.Resource resource, int slice) {

        @Override
        public String toString() {
            return slice == 0 ? resource.field() : resource.field() + " (slice " + slice + ")";
        }
    }

    /** Where an operation stands: a new export is due, an export runs (or its file is being applied), or it is applied. */
    enum Stage { TO_EXPORT, EXPORTING, APPLIED }

    Stage stage() {
        return completed ? Stage.APPLIED : bulkOperationId == null ? Stage.TO_EXPORT : Stage.EXPORTING;
    }

    BulkQueries.Resource resource() {
        return key.resource();
    }

    static SyncOperation from(Row row) {
        return new SyncOperation(row.getUUID("run_id"), new Key(BulkQueries.Resource.of(row.getString("resource")), row.getInteger("slice")),
                SyncRun.instant(row, "created_from"), SyncRun.instant(row, "created_before"),
                row.getString("bulk_operation_id"), row.getString("status"), row.getString("url"),
                row.getString("partial_data_url"), row.getLong("lines_applied"), row.getLong("rows_applied"),
                SyncRun.instant(row, "cursor_updated_at"), row.getInteger("restarts"), row.getBoolean("completed"));
    }
}
