package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.sync.customer.CustomerRepository;
import com.crm.shopifysync.sync.order.OrderRepository;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Savepoint;
import java.sql.SQLException;
import java.sql.Statement;
import com.crm.shopifysync.sync.store.RowsDocument;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies a batch of a bulk file and moves its checkpoint in the same transaction, so the checkpoint never runs
 * ahead of the data (nor behind it by more than the batch a crash interrupts). The rows go through the same
 * last-write-wins upserts as webhooks, fed by COPY into a staging table; the checkpoint only moves while this
 * replica holds the run's lease.
 *
 * <p>Blocking JDBC, called on the import's worker thread: PostgreSQL's COPY, which makes a bulk import run at about
 * the speed of the disk (benchmarks/bulk.sh), is not available through the reactive client.
 */
@ApplicationScoped
public class BulkWriter {

    private static final String CHECKPOINT = "UPDATE sync_operations SET lines_applied = ?, rows_applied = rows_applied + ?, "
            + "cursor_updated_at = GREATEST(cursor_updated_at, CAST(? AS timestamptz)) WHERE run_id = ? AND resource = ? "
            + "AND EXISTS (SELECT 1 FROM sync_runs WHERE id = ? AND lease_owner = ? AND state = 'running')";
    private static final String PROGRESS = "UPDATE sync_runs SET phase = ?, progress_at = clock_timestamp(), "
            + "customers_synced = customers_synced + CASE WHEN ? = 'customers' THEN ? ELSE 0 END, "
            + "orders_synced = orders_synced + CASE WHEN ? = 'orders' THEN ? ELSE 0 END WHERE id = ?";
    private static final String SEEN = "INSERT INTO sync_seen_customers (run_id, shopify_id) SELECT ?, id FROM unnest(?) AS id "
            + "ON CONFLICT DO NOTHING";

    private final AgroalDataSource dataSource;

    public BulkWriter(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * @return the line item ids of {@code batch.lateItems()} that joined their order
     * @throws LeaseLostException when another replica has taken the run over (nothing is committed)
     */
    public Set<Long> apply(BulkBatch batch) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Set<Long> attached = write(connection, batch);
                connection.commit();
                return attached;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("applying a batch of the " + batch.resource().field() + " export failed: " + e.getMessage(), e);
        }
    }

    private static Set<Long> write(Connection connection, BulkBatch batch) throws SQLException {
        boolean customers = batch.resource() == BulkQueries.Resource.CUSTOMERS;
        try (Statement statement = connection.createStatement()) {
            // A batch of orders is read twice (upsert, then line items): room to keep it in memory rather than spill it.
            statement.execute("SET LOCAL work_mem = '64MB'");
            // Data and checkpoint commit together: a commit lost in a database crash loses both, and the resume
            // re-reads that batch. So the import need not wait for each commit's flush to disk.
            statement.execute("SET LOCAL synchronous_commit = off");
        }
        List<RowsDocument.Row> known = copyNewRows(connection, batch, customers);
        if (!known.isEmpty()) {
            (customers ? CustomerRepository.BULK_STAGING : OrderRepository.BULK_STAGING).copy(connection, known);
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate(customers ? CustomerRepository.BULK_UPSERT : OrderRepository.BULK_UPSERT);
            }
        }
        Set<Long> attached = new HashSet<>();
        if (!batch.lateItems().isEmpty()) {
            try (PreparedStatement statement = connection.prepareStatement(OrderRepository.ATTACH_LATE_LINE_ITEMS)) {
                statement.setString(1, OrderRepository.lateLineItemsJson(batch.lateItems()));
                statement.setString(2, batch.shopDomain());
                statement.setString(3, batch.bulkOperationId());
                try (ResultSet ids = statement.executeQuery()) {
                    while (ids.next()) {
                        attached.add(ids.getLong(1));
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
        try (PreparedStatement checkpoint = connection.prepareStatement(CHECKPOINT)) {
            checkpoint.setLong(1, checkpointLine(batch, attached));
            checkpoint.setLong(2, batch.roots());
            checkpoint.setString(3, batch.cursor() == null ? null : batch.cursor().toString());
            checkpoint.setObject(4, batch.runId());
            checkpoint.setString(5, batch.resource().field());
            checkpoint.setObject(6, batch.runId());
            checkpoint.setString(7, batch.owner());
            if (checkpoint.executeUpdate() != 1) {
                throw new LeaseLostException(batch.runId());
            }
        }
        try (PreparedStatement progress = connection.prepareStatement(PROGRESS)) {
            String resource = batch.resource().field();
            progress.setString(1, resource);
            progress.setString(2, resource);
            progress.setLong(3, batch.roots());
            progress.setString(4, resource);
            progress.setLong(5, batch.roots());
            progress.setObject(6, batch.runId());
            progress.executeUpdate();
        }
        return attached;
    }

    /**
     * Copies the batch's rows that are not in the table yet straight into it (an initial sync's rows, nearly all):
     * nothing to merge, so COPY's speed. Returns the rows that exist already, for the last-write-wins upsert; all of
     * them if a webhook inserted one of the new rows meanwhile (the copy is then undone).
     */
    private static List<RowsDocument.Row> copyNewRows(Connection connection, BulkBatch batch, boolean customers) throws SQLException {
        if (batch.rows().isEmpty()) {
            return List.of();
        }
        Set<Long> existing = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT shopify_id FROM " + (customers ? "customers" : "orders")
                + " WHERE shop_domain = ? AND shopify_id = ANY(?)")) {
            statement.setString(1, batch.shopDomain());
            statement.setArray(2, connection.createArrayOf("bigint", batch.rows().stream().map(RowsDocument.Row::shopifyId).toArray()));
            try (ResultSet ids = statement.executeQuery()) {
                while (ids.next()) {
                    existing.add(ids.getLong(1));
                }
            }
        }
        List<RowsDocument.Row> fresh = batch.rows().stream().filter(row -> !existing.contains(row.shopifyId())).toList();
        if (fresh.isEmpty()) {
            return batch.rows();
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
            return batch.rows();
        }
        return batch.rows().stream().filter(row -> existing.contains(row.shopifyId())).toList();
    }

    /** The last line a resumed download may skip: before the first line item still waiting for its order. */
    static long checkpointLine(BulkBatch batch, Set<Long> attached) {
        return batch.lateItemLines().entrySet().stream().filter(item -> !attached.contains(item.getKey()))
                .mapToLong(item -> item.getValue() - 1).min().orElse(batch.lastLine());
    }

    /** Another replica owns the run now; this one stops working on it. */
    public static class LeaseLostException extends RuntimeException {
        public LeaseLostException(java.util.UUID run) {
            super("the lease of sync " + run + " passed to another replica");
        }
    }
}
