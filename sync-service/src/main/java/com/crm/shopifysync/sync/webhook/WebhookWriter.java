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
import com.crm.shopifysync.sync.store.ColumnOwnership;
import com.crm.shopifysync.sync.store.Deduplication;
import com.crm.shopifysync.sync.store.Sql;
import com.crm.shopifysync.sync.store.RowsDocument;
import com.crm.shopifysync.sync.store.SetStatement;
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

    private final String setLockTimeout;

    /**
     * @param lockTimeout how long a webhook transaction waits for a row another transaction holds (a CRM user's
     *                    long edit, say) before it gives up and the event is retried later, freeing the partition
     */
    public WebhookWriter(@ConfigProperty(name = "sync.webhooks.lock-timeout", defaultValue = "5s") Duration lockTimeout) {
        this.setLockTimeout = "SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'";
    }

    private static final List<ColumnOwnership.Column> CATCH_UP_COLUMNS = List.of(new ColumnOwnership.Column("reason", "text"));
    /** A catch-up sync asked for (SyncSchedule starts it): the shop's request, once per event. */
    private static final String REQUEST_CATCH_UP = Sql.incomingRows(CATCH_UP_COLUMNS) + " UPDATE shops SET catch_up_requested_at = now(), "
            + "catch_up_reason = incoming.reason FROM incoming WHERE shops.shop_domain = incoming.shop_domain AND " + Sql.IS_FRESH_EVENT;

    /**
     * The statements that apply the changes, one per kind of change. Pure CPU work (the rows become one JSON document per
     * statement): done on a worker thread, apart from the I/O. Their order does not matter: every statement settles by
     * freshness (last write wins, per field group), upserts never touch the soft-delete flag, deletions only set it.
     */
    public static List<SetStatement> prepare(List<WebhookChange> changes) {
        List<RowsDocument.Row> customerUpserts = new ArrayList<>();
        List<RowsDocument.Row> customerDeletions = new ArrayList<>();
        List<RowsDocument.Row> tagChanges = new ArrayList<>();
        Map<CustomerField.Group, List<RowsDocument.Row>> groupUpdates = new EnumMap<>(CustomerField.Group.class);
        List<RowsDocument.Row> orderUpserts = new ArrayList<>();
        List<RowsDocument.Row> orderDeletions = new ArrayList<>();
        List<RowsDocument.Row> catchUps = new ArrayList<>();
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
            } else if (change instanceof WebhookChange.CatchUpRequested catchUp) {
                catchUps.add(new RowsDocument.Row(shop, 0, Map.of("reason", catchUp.reason()), Optional.of(deduplication)));
            }
            // BulkOperationFinished writes nothing: a sync waiting for the operation has been told already.
        }
        List<SetStatement> statements = new ArrayList<>();
        CustomerRepository.upsert(customerUpserts).ifPresent(statements::add);
        CustomerRepository.softDelete(customerDeletions).ifPresent(statements::add);
        CustomerRepository.applyTagChanges(tagChanges).ifPresent(statements::add);
        groupUpdates.forEach((group, rows) -> CustomerRepository.updateGroup(group, rows).ifPresent(statements::add));
        OrderRepository.upsert(orderUpserts).ifPresent(statements::add);
        OrderRepository.softDelete(orderDeletions).ifPresent(statements::add);
        if (!catchUps.isEmpty()) {
            statements.add(new SetStatement(REQUEST_CATCH_UP, RowsDocument.of(catchUps, CATCH_UP_COLUMNS)));
        }
        return statements;
    }

    /** Runs prepared statements in one transaction. */
    @WithTransaction
    public Uni<Void> apply(List<SetStatement> statements) {
        Uni<Void> applied = Panache.getSession().chain(session -> session.createNativeQuery(setLockTimeout).executeUpdate()).replaceWithVoid();
        for (SetStatement statement : statements) {
            applied = applied.chain(() -> Panache.getSession().chain(statement::execute));
        }
        return applied;
    }
}
