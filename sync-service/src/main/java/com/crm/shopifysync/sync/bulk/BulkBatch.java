package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.sync.shopify.ShopifyOrder;
import com.crm.shopifysync.sync.store.RowsDocument;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One transaction's worth of a bulk file: its resource rows, the line items whose order was in an earlier batch, and
 * where the checkpoint lands once it commits.
 *
 * @param slice          the slice of the resource's export (its operation's checkpoint)
 * @param rootLines      the file line of each resource row (by its id), to name a row PostgreSQL refuses
 * @param lineItems      the line items of the batch's orders, by order id
 * @param lateItems      line items by order id, applied only to orders still holding this export's version
 * @param lateItemLines  the file line of each late line item (by its id): a line item that cannot join yet holds
 *                       the checkpoint back, so a resumed download reads it again
 * @param lastLine       the batch's last line number (1-based)
 * @param roots          how many resource rows (customers or orders) the batch counts as synced
 * @param cursor         the latest root {@code updated_at} in the batch
 * @param seenCustomers  customer ids a full sync records as present in the export
 */
record BulkBatch(UUID runId, String owner, String shopDomain, BulkQueries.Resource resource, int slice, String bulkOperationId,
                 List<RowsDocument.Row> rows, Map<Long, Long> rootLines, Map<Long, List<ShopifyOrder.LineItem>> lineItems,
                 Map<Long, List<ShopifyOrder.LineItem>> lateItems, Map<Long, Long> lateItemLines,
                 long lastLine, long roots, Instant cursor, List<Long> seenCustomers) {
}
