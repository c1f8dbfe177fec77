package com.crm.shopifysync.sync.webhook;

import com.crm.shopifysync.sync.customer.CustomerRepository;
import com.crm.shopifysync.sync.order.OrderRepository;
import com.crm.shopifysync.sync.webhook.WebhookChange.CustomerDeletion;
import com.crm.shopifysync.sync.webhook.WebhookChange.CustomerUpsert;
import com.crm.shopifysync.sync.webhook.WebhookChange.OrderUpsert;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Applies one decoded webhook in one transaction: the change and its de-duplication record together. */
@ApplicationScoped
public class WebhookWriter {

    private final CustomerRepository customers;
    private final OrderRepository orders;

    public WebhookWriter(CustomerRepository customers, OrderRepository orders) {
        this.customers = customers;
        this.orders = orders;
    }

    /** @return whether the database changed (false for a duplicate or an older version) */
    @WithTransaction
    public Uni<Boolean> apply(WebhookChange change) {
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
