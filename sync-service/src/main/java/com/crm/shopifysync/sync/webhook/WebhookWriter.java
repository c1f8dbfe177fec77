package com.crm.shopifysync.sync.webhook;

import com.crm.shopifysync.sync.customer.CustomerRepository;
import com.crm.shopifysync.sync.order.OrderRepository;
import com.crm.shopifysync.sync.webhook.WebhookChange.CustomerDeletion;
import com.crm.shopifysync.sync.webhook.WebhookChange.CustomerUpsert;
import com.crm.shopifysync.sync.webhook.WebhookChange.OrderUpsert;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * Applies decoded webhooks, each change together with its de-duplication record. Many changes share one
 * transaction when they arrive together: a commit waits for the disk, and one commit per event would cap
 * the service at the disk's flush rate.
 */
@ApplicationScoped
public class WebhookWriter {

    private final CustomerRepository customers;
    private final OrderRepository orders;

    public WebhookWriter(CustomerRepository customers, OrderRepository orders) {
        this.customers = customers;
        this.orders = orders;
    }

    /** Applies the changes in order in one transaction; for each, whether the database changed. */
    @WithTransaction
    public Uni<List<Boolean>> applyAll(List<WebhookChange> changes) {
        return Multi.createFrom().iterable(changes).onItem().transformToUniAndConcatenate(this::applyInTransaction)
                .collect().asList();
    }

    /** @return whether the database changed (false for a duplicate or an older version) */
    @WithTransaction
    public Uni<Boolean> apply(WebhookChange change) {
        return applyInTransaction(change);
    }

    private Uni<Boolean> applyInTransaction(WebhookChange change) {
        String shop = change.delivery().shopDomain();
        if (change instanceof CustomerUpsert upsert) {
            return customers.upsert(shop, upsert.customer(), Optional.of(change.deduplication()));
        }
        if (change instanceof CustomerDeletion deletion) {
            return customers.softDelete(shop, deletion.shopifyId(), deletion.payload(), deletion.deletedAt(), change.deduplication());
        }
        OrderUpsert upsert = (OrderUpsert) change;
        return orders.upsert(shop, upsert.order(), Optional.of(change.deduplication()));
    }
}
