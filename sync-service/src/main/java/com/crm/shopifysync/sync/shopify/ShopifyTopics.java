package com.crm.shopifysync.sync.shopify;

import java.util.List;
import java.util.Locale;

/** The webhook topics this service handles, so each shop is subscribed to them (and shopify.app.toml lists them). */
public final class ShopifyTopics {

    public static final List<String> SUBSCRIBED = List.of("orders/create", "orders/updated", "orders/delete", "customers/create",
            "customers/update", "customers/delete", "customer.tags_added", "customer.tags_removed", "customers/purchasing_summary",
            "customers_email_marketing_consent/update", "customers_marketing_consent/update", "app/uninstalled", "bulk_operations/finish");

    private ShopifyTopics() {
    }

    /** The GraphQL Admin API's name of a topic: {@code customer.tags_added} is {@code CUSTOMER_TAGS_ADDED}. */
    public static String graphqlName(String topic) {
        return topic.replace('/', '_').replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** A topic named as the GraphQL Admin API names it, as webhooks name it (one of {@link #SUBSCRIBED}), or null. */
    public static String ofGraphqlName(String name) {
        return SUBSCRIBED.stream().filter(topic -> graphqlName(topic).equals(name)).findFirst().orElse(null);
    }
}
