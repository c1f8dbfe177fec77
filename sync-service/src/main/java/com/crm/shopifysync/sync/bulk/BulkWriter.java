package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.sync.customer.CustomerRepository;
import com.crm.shopifysync.sync.order.OrderRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies a batch of a bulk file and moves its checkpoint in the same transaction, so the checkpoint never runs
 * ahead of the data (nor behind it by more than the batch a crash interrupts). The rows go through the same
 * last-write-wins upserts as webhooks; the checkpoint only moves while this replica holds the run's lease.
 */
@ApplicationScoped
public class BulkWriter {

    private static final String CHECKPOINT = "UPDATE sync_operations SET lines_applied = :lines, "
            + "rows_applied = rows_applied + :roots, "
            + "cursor_updated_at = GREATEST(cursor_updated_at, CAST(CAST(:cursor AS text) AS timestamptz)) "
            + "WHERE run_id = CAST(:run AS uuid) AND resource = :resource "
            + "AND EXISTS (SELECT 1 FROM sync_runs WHERE id = CAST(:run AS uuid) AND lease_owner = :owner AND state = 'running')";
    private static final String PROGRESS = "UPDATE sync_runs SET phase = :resource, "
            + "customers_synced = customers_synced + CASE WHEN :resource = 'customers' THEN :roots ELSE 0 END, "
            + "orders_synced = orders_synced + CASE WHEN :resource = 'orders' THEN :roots ELSE 0 END "
            + "WHERE id = CAST(:run AS uuid)";
    private static final String SEEN = "INSERT INTO sync_seen_customers (run_id, shopify_id) "
            + "SELECT CAST(:run AS uuid), id FROM unnest(CAST(CAST(:ids AS text) AS bigint[])) AS id ON CONFLICT DO NOTHING";

    private final CustomerRepository customers;
    private final OrderRepository orders;

    public BulkWriter(CustomerRepository customers, OrderRepository orders) {
        this.customers = customers;
        this.orders = orders;
    }

    /**
     * @return the line item ids of {@code batch.lateItems()} that joined their order
     * @throws LeaseLostException when another replica has taken the run over (nothing is committed)
     */
    @WithTransaction
    public Uni<Set<Long>> apply(BulkBatch batch) {
        Uni<Void> rows = batch.resource() == BulkQueries.Resource.CUSTOMERS ? customers.upsert(batch.rows()) : orders.upsert(batch.rows());
        return rows
                .chain(() -> orders.attachLateLineItems(batch.shopDomain(), batch.bulkOperationId(), batch.lateItems()))
                .call(() -> batch.seenCustomers().isEmpty() ? Uni.createFrom().voidItem()
                        : Panache.getSession().chain(session -> session.createNativeQuery(SEEN)
                                .setParameter("run", batch.runId().toString())
                                .setParameter("ids", batch.seenCustomers().stream().map(String::valueOf)
                                        .collect(Collectors.joining(",", "{", "}")))
                                .executeUpdate()))
                .call(attached -> Panache.getSession().chain(session -> session.createNativeQuery(CHECKPOINT)
                        .setParameter("lines", checkpointLine(batch, attached))
                        .setParameter("roots", batch.roots())
                        .setParameter("cursor", batch.cursor() == null ? null : batch.cursor().toString())
                        .setParameter("run", batch.runId().toString())
                        .setParameter("resource", batch.resource().field())
                        .setParameter("owner", batch.owner())
                        .executeUpdate()
                        .invoke(updated -> {
                            if (updated != 1) {
                                throw new LeaseLostException(batch.runId());
                            }
                        })
                        .chain(() -> session.createNativeQuery(PROGRESS)
                                .setParameter("resource", batch.resource().field())
                                .setParameter("roots", batch.roots())
                                .setParameter("run", batch.runId().toString())
                                .executeUpdate())))
                .map(HashSet::new);
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
