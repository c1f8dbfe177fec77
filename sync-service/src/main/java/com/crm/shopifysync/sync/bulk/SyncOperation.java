package com.crm.shopifysync.sync.bulk;

import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.util.UUID;

/** A run's bulk operation for one resource and its checkpoint ({@code sync_operations}). */
public record SyncOperation(UUID runId, BulkQueries.Resource resource, String bulkOperationId, String status, String url,
                            String partialDataUrl, long linesApplied, long rowsApplied, Instant cursor, int restarts,
                            boolean completed) {

    /** Where an operation stands: a new export is due, an export runs (or its file is being applied), or it is applied. */
    enum Stage { TO_EXPORT, EXPORTING, APPLIED }

    Stage stage() {
        return completed ? Stage.APPLIED : bulkOperationId == null ? Stage.TO_EXPORT : Stage.EXPORTING;
    }

    static SyncOperation from(Row row) {
        return new SyncOperation(row.getUUID("run_id"), BulkQueries.Resource.of(row.getString("resource")),
                row.getString("bulk_operation_id"), row.getString("status"), row.getString("url"),
                row.getString("partial_data_url"), row.getLong("lines_applied"), row.getLong("rows_applied"),
                SyncRun.instant(row, "cursor_updated_at"), row.getInteger("restarts"), row.getBoolean("completed"));
    }
}
