package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.sync.shopify.Pause;
import com.crm.shopifysync.sync.customer.CustomerRepository;
import com.crm.shopifysync.sync.order.OrderRepository;
import com.crm.shopifysync.sync.shopify.ShopifyOrder;
import com.crm.shopifysync.sync.store.DatabaseFailure;
import com.crm.shopifysync.sync.store.RowsDocument;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Applies a batch of a bulk file and moves its checkpoint in the same transaction, so the checkpoint never runs
 * ahead of the data (nor behind it by more than the batch a crash interrupts). The rows go through the same
 * last-write-wins upserts as webhooks, fed by COPY into a staging table; the checkpoint only moves while this
 * replica holds the run's lease.
 *
 * <p>A row PostgreSQL refuses (a NUL character in a note, say) must not stop the sync for good: the batch is then
 * written again a row at a time, and each refused row is quarantined as a dead letter of the shop (with its line and
 * PostgreSQL's reason) in the same transaction, where an operator sees it.
 *
 * <p>Blocking JDBC, called on the import's worker thread: PostgreSQL's COPY, which makes a bulk import run at about
 * the speed of the disk (benchmarks/bulk.sh), is not available through the reactive client.
 */
@ApplicationScoped
public class BulkWriter {

    private static final Logger LOG = Logger.getLogger(BulkWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String CHECKPOINT = "UPDATE sync_operations SET lines_applied = ?, rows_applied = rows_applied + ?, "
            + "cursor_updated_at = GREATEST(cursor_updated_at, CAST(? AS timestamptz)) WHERE run_id = ? AND resource = ? "
            + "AND slice = ? AND bulk_operation_id = ? AND EXISTS (SELECT 1 FROM sync_runs WHERE id = ? AND lease_owner = ? AND state = 'running')";
    private static final String PROGRESS = "UPDATE sync_runs SET phase = ?, progress_at = clock_timestamp(), "
            + "customers_synced = customers_synced + CASE WHEN ? = 'customers' THEN ? ELSE 0 END, "
            + "orders_synced = orders_synced + CASE WHEN ? = 'orders' THEN ? ELSE 0 END, "
            + "rows_quarantined = rows_quarantined + ? WHERE id = ?";
    private static final String SEEN = "INSERT INTO sync_seen_customers (run_id, shopify_id) SELECT ?, id FROM unnest(?) AS id "
            + "ON CONFLICT DO NOTHING";
    /** A refused row, once per resource: read again by a later sync and refused again, it counts one more attempt. */
    private static final String QUARANTINE = "INSERT INTO dead_letters AS existing (shop_domain, topic, deduplication_key, payload, "
            + "delivery_headers, reason, exception, attempts, original_position, dead_letter_position, first_failed_at, last_failed_at) "
            + "VALUES (?, ?, ?, ?, CAST(? AS jsonb), ?, ?, 1, ?, ?, now(), now()) ON CONFLICT (shop_domain, topic, deduplication_key) "
            + "DO UPDATE SET payload = EXCLUDED.payload, delivery_headers = EXCLUDED.delivery_headers, reason = EXCLUDED.reason, "
            + "exception = EXCLUDED.exception, attempts = existing.attempts + 1, original_position = EXCLUDED.original_position, "
            + "dead_letter_position = EXCLUDED.dead_letter_position, last_failed_at = now(), state = 'dead', state_changed_at = now()";

    /**
     * What a batch did: the late line items that joined their order, and how many of its rows (and of its resource rows:
     * customers or orders) were quarantined.
     */
    public record Applied(Set<Long> attachedLateItems, int quarantined, long quarantinedRoots) {
    }

    /** A row PostgreSQL refused: its id, its file line, its payload and why. */
    private record Refused(String gid, long line, String payload, SQLException reason) {
    }

    private final AgroalDataSource dataSource;
    /**
     * Batches written at once on this replica, all runs and exports together: two connections of the pool stay for the
     * rest of the service (tokens, connects), and no batch waits for a connection past the pool's acquisition timeout.
     */
    private final java.util.concurrent.Semaphore writing;

    public BulkWriter(AgroalDataSource dataSource,
                      @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.datasource.jdbc.max-size") int poolSize) {
        this.dataSource = dataSource;
        this.writing = new java.util.concurrent.Semaphore(Math.max(1, poolSize - 2), true);
    }

    /** Contention (a lock or statement timeout, a deadlock) is tried again this often before the sync fails. */
    private static final int TRANSIENT_ATTEMPTS = 4;

    /**
     * Applies the batch, waiting out a database outage however long it lasts (the lease decides whether this replica may
     * still commit once it is over) and trying contention again a few times; then the sync fails, resumably.
     *
     * @throws LeaseLostException when another replica has taken the run over (nothing is committed)
     */
    public Applied apply(BulkBatch batch) {
        Duration wait = Duration.ofMillis(200);
        for (int attempt = 1; ; attempt++) {
            try {
                return applyOnce(batch);
            } catch (SQLException e) {
                DatabaseFailure failure = DatabaseFailure.of(e);
                if (failure == DatabaseFailure.REFUSED || failure == DatabaseFailure.TRANSIENT && attempt >= TRANSIENT_ATTEMPTS) {
                    throw new IllegalStateException("applying a batch of the " + batch.resource().field() + " export failed: "
                            + e.getMessage(), e);
                }
                LOG.warnf("applying a batch of the %s export of %s failed (%s: %s); trying again in %s", batch.resource().field(),
                        batch.shopDomain(), failure, e.getMessage(), wait);
                Pause.sleep(wait);
                wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : wait.multipliedBy(2);
            }
        }
    }

    private Applied applyOnce(BulkBatch batch) throws SQLException {
        try {
            writing.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new com.crm.shopifysync.sync.shopify.ShopifyCallFailed("interrupted", e);
        }
        try {
            return applyWithConnection(batch);
        } finally {
            writing.release();
        }
    }

    private Applied applyWithConnection(BulkBatch batch) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Applied applied = write(connection, batch, false);
                connection.commit();
                return applied;
            } catch (SQLException e) {
                connection.rollback();
                if (DatabaseFailure.of(e) != DatabaseFailure.REFUSED) {
                    throw e;
                }
                LOG.warnf("PostgreSQL refused a row of the %s export of %s (%s); writing the batch row by row to quarantine it",
                        batch.resource().field(), batch.shopDomain(), e.getMessage());
                Applied applied = write(connection, batch, true);
                connection.commit();
                return applied;
            } catch (RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static Applied write(Connection connection, BulkBatch batch, boolean rowByRow) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // A batch of orders is read twice (upsert, then line items): room to keep it in memory rather than spill it.
            statement.execute("SET LOCAL work_mem = '64MB'");
            // Data and checkpoint commit together: a commit lost in a database crash loses both, and the resume
            // re-reads that batch. So the import need not wait for each commit's flush to disk.
            statement.execute("SET LOCAL synchronous_commit = off");
        }
        try (Statement statement = connection.createStatement()) {
            // A row a CRM user holds, or a wedged statement, must not hold the sync (and its lease) forever.
            statement.execute("SET LOCAL lock_timeout = '30s'");
            statement.execute("SET LOCAL statement_timeout = '10min'");
        }
        // The shop's lock, shared (lock_shop, V9): a customer redaction or the shop's erasure waits for this batch, or this
        // batch for it and then finds it (the triggers strip a redacted customer; an erased shop has no row: its run is over).
        try (PreparedStatement lock = connection.prepareStatement("SELECT lock_shop(?, false)");
             PreparedStatement shop = connection.prepareStatement("SELECT 1 FROM shops WHERE shop_domain = ?")) {
            lock.setString(1, batch.shopDomain());
            lock.execute();
            // a statement of its own: its snapshot is taken once the lock is held
            shop.setString(1, batch.shopDomain());
            try (java.sql.ResultSet row = shop.executeQuery()) {
                if (!row.next()) {
                    throw new LeaseLostException(batch.runId());
                }
            }
        }
        List<Refused> refused = new ArrayList<>();
        Set<Long> attached = new HashSet<>();
        if (!rowByRow) {
            writeRows(connection, batch, batch.rows());
            attached.addAll(attachLateItems(connection, batch, batch.lateItems()));
        } else {
            for (RowsDocument.Row row : batch.rows()) {
                Savepoint before = connection.setSavepoint();
                try {
                    writeRows(connection, batch, List.of(row));
                    connection.releaseSavepoint(before);
                } catch (SQLException e) {
                    connection.rollback(before);
                    refused.add(refusedOrThrow(e, gid(batch, row.shopifyId()), batch.rootLines().getOrDefault(row.shopifyId(), 0L),
                            (String) row.values().get("shopify_payload")));
                }
            }
            for (Map.Entry<Long, List<ShopifyOrder.LineItem>> order : batch.lateItems().entrySet()) {
                Savepoint before = connection.setSavepoint();
                try {
                    attached.addAll(attachLateItems(connection, batch, Map.of(order.getKey(), order.getValue())));
                    connection.releaseSavepoint(before);
                } catch (SQLException e) {
                    connection.rollback(before);
                    // Refused, they never join: quarantined, and no longer holding the checkpoint back.
                    for (ShopifyOrder.LineItem item : order.getValue()) {
                        refused.add(refusedOrThrow(e, item.adminGraphqlApiId(), batch.lateItemLines().getOrDefault(item.shopifyId(), 0L),
                                lineItemJson(order.getKey(), item)));
                        attached.add(item.shopifyId());
                    }
                }
            }
        }
        if (!batch.seenCustomers().isEmpty()) {
            try (PreparedStatement statement = connection.prepareStatement(SEEN)) {
                statement.setObject(1, batch.runId());
                statement.setArray(2, connection.createArrayOf("bigint", batch.seenCustomers().toArray()));
                statement.executeUpdate();
            }
        }
        quarantine(connection, batch, refused);
        long quarantinedRoots = refused.stream().filter(row -> !row.gid().startsWith("gid://shopify/LineItem/")).count();
        try (PreparedStatement checkpoint = connection.prepareStatement(CHECKPOINT)) {
            checkpoint.setLong(1, checkpointLine(batch, attached));
            checkpoint.setLong(2, batch.roots() - quarantinedRoots);
            checkpoint.setString(3, batch.cursor() == null ? null : batch.cursor().toString());
            checkpoint.setObject(4, batch.runId());
            checkpoint.setString(5, batch.resource().field());
            checkpoint.setInt(6, batch.slice());
            // the operation whose file this is: a batch of an export replaced since (a leftover thread) moves nothing
            checkpoint.setString(7, batch.bulkOperationId());
            checkpoint.setObject(8, batch.runId());
            checkpoint.setString(9, batch.owner());
            if (checkpoint.executeUpdate() != 1) {
                throw new LeaseLostException(batch.runId());
            }
        }
        try (PreparedStatement progress = connection.prepareStatement(PROGRESS)) {
            String resource = batch.resource().field();
            progress.setString(1, resource);
            progress.setString(2, resource);
            progress.setLong(3, batch.roots() - quarantinedRoots);
            progress.setString(4, resource);
            progress.setLong(5, batch.roots() - quarantinedRoots);
            progress.setLong(6, refused.size());
            progress.setObject(7, batch.runId());
            progress.executeUpdate();
        }
        return new Applied(attached, refused.size(), quarantinedRoots);
    }

    private static Refused refusedOrThrow(SQLException failure, String gid, long line, String payload) throws SQLException {
        if (DatabaseFailure.of(failure) != DatabaseFailure.REFUSED) {
            throw failure;
        }
        return new Refused(gid, line, payload, failure);
    }

    /** The rows themselves: new ones copied straight in, known ones upserted (last write wins) through staging. */
    private static void writeRows(Connection connection, BulkBatch batch, List<RowsDocument.Row> rows) throws SQLException {
        boolean customers = batch.resource() == BulkQueries.Resource.CUSTOMERS;
        List<RowsDocument.Row> known = copyNewRows(connection, batch, rows, customers);
        if (!known.isEmpty()) {
            (customers ? CustomerRepository.BULK_STAGING : OrderRepository.BULK_STAGING).copy(connection, known);
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate(customers ? CustomerRepository.BULK_UPSERT : OrderRepository.BULK_UPSERT);
            }
        }
    }

    /** Late line items join their order if it still holds this export's version; returns the ids that joined. */
    private static Set<Long> attachLateItems(Connection connection, BulkBatch batch, Map<Long, List<ShopifyOrder.LineItem>> items)
            throws SQLException {
        Set<Long> attached = new HashSet<>();
        if (items.isEmpty()) {
            return attached;
        }
        try (PreparedStatement statement = connection.prepareStatement(OrderRepository.ATTACH_LATE_LINE_ITEMS)) {
            statement.setString(1, OrderRepository.lateLineItemsJson(items));
            statement.setString(2, batch.shopDomain());
            statement.setString(3, batch.bulkOperationId());
            try (ResultSet ids = statement.executeQuery()) {
                while (ids.next()) {
                    attached.add(ids.getLong(1));
                }
            }
        }
        return attached;
    }

    private static void quarantine(Connection connection, BulkBatch batch, List<Refused> refused) throws SQLException {
        if (refused.isEmpty()) {
            return;
        }
        String topic = "bulk/" + batch.resource().field();
        try (PreparedStatement statement = connection.prepareStatement(QUARANTINE)) {
            for (Refused row : refused) {
                LOG.errorf("quarantined line %d of the %s export of %s (%s): %s", row.line(), batch.resource().field(), batch.shopDomain(),
                        row.gid(), row.reason().getMessage());
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("shopify-topic", topic);
                headers.put("shopify-shop-domain", batch.shopDomain());
                headers.put("bulk-operation", batch.bulkOperationId());
                headers.put("sync-run", batch.runId().toString());
                headers.put("line", Long.toString(row.line()));
                headers.put("resource", row.gid());
                statement.setString(1, batch.shopDomain());
                statement.setString(2, topic);
                statement.setString(3, "bulk:" + row.gid());
                statement.setBytes(4, row.payload() == null ? new byte[0] : row.payload().getBytes(StandardCharsets.UTF_8));
                statement.setString(5, json(headers));
                statement.setString(6, row.reason().getMessage());
                statement.setString(7, row.reason().getClass().getName());
                statement.setString(8, batch.bulkOperationId() + "@" + row.line());
                statement.setString(9, "bulk:" + batch.runId() + "@" + row.line());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /**
     * Copies the given rows that are not in the table yet straight into it (an initial sync's rows, nearly all):
     * nothing to merge, so COPY's speed. Returns the rows that exist already, for the last-write-wins upsert; all of
     * them if a webhook inserted one of the new rows meanwhile (the copy is then undone).
     */
    private static List<RowsDocument.Row> copyNewRows(Connection connection, BulkBatch batch, List<RowsDocument.Row> rows,
                                                      boolean customers) throws SQLException {
        if (rows.isEmpty()) {
            return List.of();
        }
        Set<Long> existing = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT shopify_id FROM " + (customers ? "customers" : "orders")
                + " WHERE shop_domain = ? AND shopify_id = ANY(?)")) {
            statement.setString(1, batch.shopDomain());
            statement.setArray(2, connection.createArrayOf("bigint", rows.stream().map(RowsDocument.Row::shopifyId).toArray()));
            try (ResultSet ids = statement.executeQuery()) {
                while (ids.next()) {
                    existing.add(ids.getLong(1));
                }
            }
        }
        List<RowsDocument.Row> fresh = rows.stream().filter(row -> !existing.contains(row.shopifyId())).toList();
        if (fresh.isEmpty()) {
            return rows;
        }
        Savepoint beforeCopy = connection.setSavepoint();
        try {
            if (customers) {
                CustomerRepository.BULK_NEW.copy(connection, fresh);
            } else {
                OrderRepository.BULK_NEW_ORDERS.copy(connection, fresh);
                List<RowsDocument.Row> items = new ArrayList<>();
                fresh.forEach(order -> items.addAll(OrderRepository.lineItemRows(batch.shopDomain(), order.shopifyId(),
                        batch.lineItems().getOrDefault(order.shopifyId(), List.of()))));
                OrderRepository.BULK_NEW_LINE_ITEMS.copy(connection, items);
            }
            connection.releaseSavepoint(beforeCopy);
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(beforeCopy);
            return rows;
        }
        return rows.stream().filter(row -> existing.contains(row.shopifyId())).toList();
    }

    /** The last line a resumed download may skip: before the first line item still waiting for its order. */
    static long checkpointLine(BulkBatch batch, Set<Long> attached) {
        return batch.lateItemLines().entrySet().stream().filter(item -> !attached.contains(item.getKey()))
                .mapToLong(item -> item.getValue() - 1).min().orElse(batch.lastLine());
    }

    private static String gid(BulkBatch batch, long id) {
        return "gid://shopify/" + (batch.resource() == BulkQueries.Resource.CUSTOMERS ? "Customer" : "Order") + "/" + id;
    }

    private static String lineItemJson(long orderId, ShopifyOrder.LineItem item) {
        return OrderRepository.lateLineItemsJson(Map.of(orderId, List.of(item)));
    }

    private static String json(Map<String, String> headers) {
        try {
            return JSON.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
