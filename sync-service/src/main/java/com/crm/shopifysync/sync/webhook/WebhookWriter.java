package com.crm.shopifysync.sync.webhook;

import com.crm.shopifysync.sync.customer.CustomerRepository;
import com.crm.shopifysync.sync.order.OrderRepository;
import com.crm.shopifysync.sync.shopify.CustomerField;
import com.crm.shopifysync.sync.webhook.WebhookChange.CustomerDeletion;
import com.crm.shopifysync.sync.webhook.WebhookChange.CustomerGroup;
import com.crm.shopifysync.sync.webhook.WebhookChange.CustomerTags;
import com.crm.shopifysync.sync.webhook.WebhookChange.CustomerUpsert;
import com.crm.shopifysync.sync.webhook.WebhookChange.OrderDeletion;
import com.crm.shopifysync.sync.webhook.WebhookChange.OrderUpsert;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import com.crm.shopifysync.sync.store.Deduplication;
import com.crm.shopifysync.sync.store.RowsDocument;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * Applies decoded webhooks, each change together with its de-duplication record. The changes of a Kafka poll
 * share one transaction and one statement per kind: a commit waits for the disk and a statement costs more
 * than its row, so one of each per event would cap the service far below its load.
 */
@ApplicationScoped
public class WebhookWriter {

    private final CustomerRepository customers;
    private final OrderRepository orders;
    private final String setLockTimeout;

    /**
     * @param lockTimeout how long a webhook transaction waits for a row another transaction holds (a CRM user's
     *                    long edit, say) before it gives up and the event is retried later, freeing the partition
     */
    public WebhookWriter(CustomerRepository customers, OrderRepository orders,
                         @ConfigProperty(name = "sync.webhooks.lock-timeout", defaultValue = "5s") Duration lockTimeout) {
        this.customers = customers;
        this.orders = orders;
        this.setLockTimeout = "SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'";
    }

    /**
     * Applies the changes in one transaction, a statement per kind of change. Their order within the batch does
     * not matter: every statement settles by freshness (last write wins, per field group), upserts never touch the
     * soft-delete flag, deletions only set it.
     */
    @WithTransaction
    public Uni<Void> applyAll(List<WebhookChange> changes) {
        List<RowsDocument.Row> customerUpserts = new ArrayList<>();
        List<RowsDocument.Row> customerDeletions = new ArrayList<>();
        List<RowsDocument.Row> tagChanges = new ArrayList<>();
        Map<CustomerField.Group, List<RowsDocument.Row>> groupUpdates = new EnumMap<>(CustomerField.Group.class);
        List<RowsDocument.Row> orderUpserts = new ArrayList<>();
        List<RowsDocument.Row> orderDeletions = new ArrayList<>();
        for (WebhookChange change : changes) {
            String shop = change.delivery().shopDomain();
            Deduplication deduplication = change.deduplication();
            if (change instanceof CustomerUpsert upsert) {
                customerUpserts.add(CustomerRepository.row(shop, upsert.customer(), upsert.observedAt(), Optional.of(deduplication)));
            } else if (change instanceof CustomerDeletion deletion) {
                customerDeletions.add(CustomerRepository.deletion(shop, deletion.shopifyId(), deletion.payload(), deletion.deletedAt(),
                        deduplication));
            } else if (change instanceof CustomerTags tags) {
                tagChanges.add(CustomerRepository.tagChanges(shop, tags.customerId(), tags.tags(), tags.added(), tags.at(), deduplication));
            } else if (change instanceof CustomerGroup group) {
                groupUpdates.computeIfAbsent(group.group(), any -> new ArrayList<>())
                        .add(CustomerRepository.groupUpdate(shop, group.part(), group.group(), group.at(), deduplication));
            } else if (change instanceof OrderUpsert upsert) {
                orderUpserts.add(OrderRepository.row(shop, upsert.order(), upsert.observedAt(), Optional.of(deduplication), null));
            } else if (change instanceof OrderDeletion deletion) {
                orderDeletions.add(OrderRepository.deletion(shop, deletion.shopifyId(), deletion.payload(), deletion.deletedAt(),
                        deduplication));
            }
            // BulkOperationFinished writes nothing: a sync waiting for the operation has been told already.
        }
        Uni<Void> applied = Panache.getSession().chain(session -> session.createNativeQuery(setLockTimeout).executeUpdate())
                .chain(() -> customers.upsert(customerUpserts))
                .chain(() -> customers.softDelete(customerDeletions))
                .chain(() -> customers.applyTagChanges(tagChanges));
        for (Map.Entry<CustomerField.Group, List<RowsDocument.Row>> group : groupUpdates.entrySet()) {
            applied = applied.chain(() -> customers.updateGroup(group.getKey(), group.getValue()));
        }
        return applied.chain(() -> orders.upsert(orderUpserts))
                .chain(() -> orders.softDelete(orderDeletions));
    }
}
